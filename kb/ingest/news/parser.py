"""News releases about mine-action partnerships -> ``NewsDocument``: the pipeline that runs the components.

A release is a short title line, a date line near the top, prose paragraphs and usually some page chrome
(navigation, image captions, "You are at ...").  The text is cut into lines and sentences
(``kb.ingest.news.document``), spaCy labels entities in every sentence (``kb.ingest.news.nlp``: the registry as
an entity ruler before the statistical recogniser), then one component per fact kind runs, in this order:
organisations (``organisations``), places, money and counts (``amounts``), people, projects, agreements and
partnerships.  Every fact keeps the sentence it came from as ``evidence`` and that sentence's offsets in the
source text.  Page chrome yields no facts; "You are at X" only tells which office published the release.

Findings (``warnings``): ``unknown-organisation``, ``no-date``, ``ambiguous-date``, ``no-title``, ``no-prose``,
``project-title-from-headline``, ``extraction-error``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from kb.errors import ParseError
from kb.ingest.news import agreements, amounts, country, dates, nlp, organisations, people, places, projects
from kb.ingest.news import patterns as pat
from kb.ingest.news.document import Context, Entity, Line, Sentence, build_sentences, classify_lines
from kb.ingest.news.lexicon import PLACES
from kb.model import NewsDocument
from kb.registry import Registry
from kb.registry.places import load_places

#: provinces printed otherwise than the gazetteer writes them ("Xieng Khuang" for "Xiangkhouang")
PLACE_ALIASES: tuple[tuple[str, str], ...] = tuple(PLACES.get("place_aliases", {}).items())

KIND = "news"
PARSER_VERSION = "2.0"


def sniff(text: str) -> float:
    """How much the text looks like a news release (0..1)."""
    if not isinstance(text, str) or not text.strip():
        return 0.0
    sample = text[:30000]
    if re.search(r"Commissioning\s+Unit\s*:|Management\s+Response|Key\s+Actions?\b|Evaluation\s+Recommendation"
                 r"|Evaluation\s+Plan\s*:|Unit\s+Responsible\s+for", sample, re.I):
        return 0.05
    lines = [s.strip() for s in sample.split("\n") if s.strip()]
    score = 0.0
    first = lines[0].split() if lines else []
    if 2 <= len(first) <= 25 and lines[0][-1] not in ".;,":
        score += 0.2
    if any(dates.find_dates(s) for s in lines[:8]):
        score += 0.3
    prose = sum(1 for s in lines if len(s.split()) >= 12 and s[-1] in pat.END_PUNCT)
    score += 0.25 if prose >= 2 else 0.12 if prose == 1 else 0.0
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", sample)}
    if len(words & {"signed", "signing", "memorandum", "agreement", "partnership", "project", "said", "announced",
                    "ceremony", "funded", "launched", "today", "partners", "programme"}) >= 2:
        score += 0.1
    if words & {"mine", "mines", "demining", "landmine", "landmines", "explosive", "uxo", "erw", "survivors",
                "clearance", "ordnance"}:
        score += 0.1
    if re.search(r"\b[A-Z]{3,6}\b|United Nations", sample):
        score += 0.05
    return round(min(score, 1.0), 3)


def parse(text: str, source: str, registry: Registry) -> NewsDocument:
    """The records of one news release; ``ParseError`` only when it has no usable title or prose at all."""
    result = parse_many([(text, source)], registry)[0]
    if isinstance(result, ParseError):
        raise result
    return result


def parse_many(items: Sequence[tuple[str, str]], registry: Registry) -> list[NewsDocument | ParseError]:
    """The records of several releases ``(text, source)``, their sentences labelled by spaCy in one batch.

    A release that cannot be read gives its ``ParseError`` in its place; the others are still read.
    """
    if not items:       # a build without news: the gazetteers are not loaded
        return []
    gaz = organisations.gazetteer(registry)
    gazetteer = load_places(str(registry.countries_path), PLACE_ALIASES)
    contexts: list[Context | ParseError] = []
    for text, source in items:
        ctx = Context(text, source, registry, gaz, gazetteer)
        try:
            _prepare(ctx)
        except ParseError as exc:
            contexts.append(exc)
            continue
        contexts.append(ctx)
    _label([c for c in contexts if isinstance(c, Context)], registry)
    return [c if isinstance(c, ParseError) else _finish(c) for c in contexts]


_GAP = "\n\n"


def _label(contexts: list[Context], registry: Registry) -> None:
    """Set every sentence's spaCy entities.  The sentences of a release are joined into two texts (those the
    statistical recogniser reads, and those only the registry ruler reads), so spaCy handles one document per
    group instead of one per sentence; entities are mapped back to their sentences."""
    groups: list[tuple[list[Sentence], bool]] = []
    for ctx in contexts:
        ner = [s.kind == "prose" and nlp.needs_ner(s.text) for s in ctx.sentences]
        for flag in (True, False):
            group = [s for s, n in zip(ctx.sentences, ner, strict=True) if n is flag]
            if group:
                groups.append((group, flag))
    texts = [_GAP.join(s.text for s in group) for group, _flag in groups]
    for (group, _flag), spacy_doc in zip(groups, nlp.annotate(texts, registry, ner=[f for _g, f in groups]),
                                         strict=True):
        starts, pos = [], 0
        for s in group:
            starts.append(pos)
            pos += len(s.text) + len(_GAP)
        for e in spacy_doc.ents:
            i = bisect.bisect_right(starts, e.start_char) - 1
            s, base = group[i], starts[i]
            if e.end_char <= base + len(s.text):     # an entity across two sentences is dropped
                s.entities.append(Entity(e.start_char - base, e.end_char - base, e.label_, e.ent_id_, e.text))


def _prepare(ctx: Context) -> None:
    """Lines and sentences; the title line or a ``ParseError`` when there is neither a title nor prose."""
    ctx.lines = classify_lines(ctx.text)
    if not any(ln.kind in ("title", "prose") for ln in ctx.lines):
        raise ParseError("no title or prose text found (not a news release?)", source=ctx.source,
                         line=next((ln.number for ln in ctx.lines if ln.kind != "blank"), 1))
    ctx.sentences = build_sentences(ctx.lines)


def _finish(ctx: Context) -> NewsDocument:
    lines = ctx.lines
    title_line = next((ln for ln in lines if ln.kind == "title"), None)
    has_prose = any(ln.kind == "prose" for ln in lines)
    if title_line is not None:
        title = title_line.text
    else:
        first = next(s for s in ctx.sentences if s.kind == "prose")
        title = dates.shorten(first.text, 160)
        ctx.warn("no-title", "no title line; the first sentence stands for it", first.line)
    if not has_prose:
        ctx.warn("no-prose", "the release has a title but no prose paragraphs", title_line.number if title_line
                 else None)
    doc = NewsDocument(source=ctx.source, title=title)
    find_date(ctx, lines, doc)
    find_publisher(ctx, lines)
    projects.find_titles(ctx)
    organisations.find_aliases(ctx)
    country.find_country(ctx, lines)
    for s in ctx.sentences:
        s.set_spans(organisations.org_spans(ctx, s))
        s.countries = country.country_hits(ctx, s)
    doc.country = ctx.country
    doc.publisher = ctx.publisher
    ctx.guard("places", lambda: places.places(ctx, doc))
    ctx.guard("money", lambda: amounts.money(ctx, doc))
    ctx.guard("counts", lambda: amounts.counts(ctx, doc))
    ctx.guard("people", lambda: people.people(ctx, doc))
    ctx.guard("project", lambda: projects.project(ctx, doc))
    ctx.guard("agreements", lambda: agreements.agreements(ctx, doc))
    ctx.guard("partnerships", lambda: agreements.partnerships(ctx, doc))
    ctx.guard("organisations", lambda: organisations.organisations(ctx, doc))
    doc.warnings = ctx.warnings
    return doc


def find_date(ctx: Context, lines: list[Line], doc: NewsDocument) -> None:
    top: list[Line] = []
    for ln in lines:
        if ln.kind == "blank":
            continue
        top.append(ln)
        if ln.kind == "prose" or len(top) >= 10:
            break
    hit, where = None, None
    for ln in top:
        text = ln.text[:100] if ln.kind == "prose" else ln.text
        found = dates.find_dates(text)
        if found:
            hit, where = found[0], ln.number
            break
    if hit is None:
        for ln in lines:
            if ln.kind == "date":
                hit, where = dates.find_dates(ln.text)[0], ln.number
                break
    if hit is None:
        ctx.warn("no-date", "no publication date found near the top of the release", None)
        return
    doc.date, doc.date_text = hit.iso, hit.text
    if hit.ambiguous:
        ctx.warn("ambiguous-date", f"date {hit.text!r} read day first as {hit.iso}", where)


def find_publisher(ctx: Context, lines: list[Line]) -> None:
    for ln in lines:
        m = pat.PUBLISHER.match(ln.text) if ln.kind == "chrome" else None
        if m:
            probe = Sentence(m.group("org"), ln.number, "title", ln.offset, m.group("org"))
            spans = organisations.org_spans(ctx, probe, mint=False)
            if spans:
                ctx.publisher = max(spans, key=lambda sp: sp.end - sp.start).ref
                return

