"""News releases about mine-action partnerships -> ``NewsDocument``.

A release is a short title line, a date line near the top, prose paragraphs and
usually some page chrome (navigation, image captions, "You are at ...").  The
parser reads it with the organisation registry as a gazetteer and regular
expressions (``kb.ingest.news.patterns``); every fact keeps the sentence it came
from as ``evidence``.  Page chrome yields no facts; "You are at X" only tells
which office published the release.

Organisations are found, in this order of trust: registry names and acronyms;
acronyms a release defines in brackets ("Lebanon Mine Action Centre (LMAC)");
a short list of well-known donors and NGOs; names after a type cue ("local NGO
X"); and capitalised phrases headed by an organisation word ("... Foundation").
Names the registry does not know get a minted IRI and an ``unknown-organisation``
finding.  A UN agency followed by a country ("UNDP Lebanon", "UNMAS in Iraq")
is that agency's office in the country, a unit of the agency.

Project roles: ``implementers`` are the organisations a project is implemented
by (the consortium lead), ``consortium`` the members named with them ("in
consortium with X", "a consortium of X, Y and Z"); ``funders`` are named by
funding words ("funded by", "with funding from", "X contributed US$ ...").

Findings (``warnings``): ``unknown-organisation``, ``no-date``, ``ambiguous-date``,
``no-title``, ``no-prose``, ``project-title-from-headline``, ``extraction-error``.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kb.errors import ParseError
from kb.ingest.news import patterns as pat
from kb.model import (
    AgreementRecord,
    CountRecord,
    Finding,
    MoneyRecord,
    NewsDocument,
    OrganisationMention,
    OrgRef,
    PartnershipRecord,
    PersonRef,
    PlaceRecord,
    ProjectRecord,
)
from kb.registry import Registry, normalise

KIND = "news"
PARSER_VERSION = "1.0"

# --------------------------------------------------------------------------- gazetteer


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", normalise(name))


def _name_pattern(name: str) -> str:
    """Regex for one organisation name: acronyms exactly, other names in any case and spelling variant."""
    if not re.search(r"[a-z]", name):
        return r"\s+".join(re.escape(t) for t in name.split())
    parts = []
    for token in name.split():
        if token.lower() in ("and", "&"):
            parts.append(r"(?:and|&)")
            continue
        p = "-?".join(re.escape(piece) for piece in token.split("-"))
        p = re.sub(r"['\u2019]", "['\u2019]", p)
        p = re.sub(r"(?i)organi[sz]ation", "organi[sz]ation", p)
        p = re.sub(r"(?i)cent(?:er|re)", "cent(?:er|re)", p)
        parts.append(p)
    return "(?i:" + r"\s+".join(parts) + ")"


def _alternation(patterns: Iterable[str]) -> re.Pattern[str] | None:
    pats = list(patterns)
    if not pats:
        return None
    return re.compile(r"(?<![\w@\-])(?:" + "|".join(pats) + r")(?![\w@])")


class _Gazetteer:
    """Compiled name patterns of one registry (built once per registry)."""

    def __init__(self, registry: Registry) -> None:
        self.names: dict[str, str] = {}       # squashed -> registry name
        ordered: list[str] = []
        for name, _entry in registry.all_names():
            key = _squash(name)
            if key and key not in self.names:
                self.names[key] = name
                ordered.append(name)
        self.names_re = _alternation(_name_pattern(n) for n in ordered)
        self.context: dict[str, str] = {}
        for entry in registry.entries.values():
            for name in entry.context_names:
                self.context.setdefault(_squash(name), name)
        ctx = sorted(set(self.context.values()), key=lambda n: (-len(n), n))
        self.context_re = _alternation(_name_pattern(n) for n in ctx)
        self.countries = sorted(set(registry.countries.values()), key=lambda n: (-len(n), n))
        country_alt = "|".join(re.escape(c) for c in self.countries)
        self.country_re = re.compile(rf"(?<![\w\-])(?:{country_alt})(?![\w-])") if self.countries else None
        self.unit_tail = re.compile(
            rf"\s+(?:(?P<co>Country\s+Office|CO)\b(?:\s+(?:in|for)\s+(?P<c1>{country_alt}))?"
            rf"|(?:in\s+)?(?P<c2>{country_alt})(?:\s+(?:Country\s+Office|CO))?)(?![\w-])") if self.countries else None


_SUPPLEMENT_NAMES: dict[str, int] = {}
for _i, (_acr, _full, _type, _others) in enumerate(pat.SUPPLEMENT):
    for _n in (_full, *_others):
        _SUPPLEMENT_NAMES[_squash(_n)] = _i
    if _acr:
        _SUPPLEMENT_NAMES[_acr] = _i
_SUPPLEMENT_RE = _alternation(
    _name_pattern(n) for n in sorted({*(s[1] for s in pat.SUPPLEMENT), *(o for s in pat.SUPPLEMENT for o in s[3]),
                                      *(s[0] for s in pat.SUPPLEMENT if s[0])}, key=lambda n: (-len(n), n)))
_GAZETTEERS: weakref.WeakKeyDictionary[Registry, _Gazetteer] = weakref.WeakKeyDictionary()


def _gazetteer(registry: Registry) -> _Gazetteer:
    gaz = _GAZETTEERS.get(registry)
    if gaz is None:
        gaz = _GAZETTEERS[registry] = _Gazetteer(registry)
    return gaz


# --------------------------------------------------------------------------- working records


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    ref: OrgRef


@dataclass
class _Sentence:
    text: str
    line: int
    kind: str                 #: title | prose | contact
    masked: str = ""          #: text with quoted titles blanked out
    spans: list[_Span] = field(default_factory=list)
    countries: list[tuple[int, int, str]] = field(default_factory=list)   #: outside organisation names

    starts: list[int] = field(default_factory=list)
    runs: list[tuple[int, int, list[tuple[int, int, _Span | None]]]] | None = None
    run_ends: list[int] = field(default_factory=list)

    def set_spans(self, spans: list[_Span]) -> None:
        """Organisation names of the sentence: sorted, not overlapping."""
        self.spans = spans
        self.starts = [sp.start for sp in spans]

    def inside(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.spans[i].end


@dataclass
class _Line:
    number: int
    text: str
    kind: str = "blank"       #: blank | chrome | date | contact | prose | short | title


# --------------------------------------------------------------------------- sniff


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
    if any(pat.find_dates(s) for s in lines[:8]):
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


# --------------------------------------------------------------------------- parse


def parse(text: str, source: str, registry: Registry) -> NewsDocument:
    """The records of one news release; ``ParseError`` only when it has no usable title or prose at all."""
    return _Parser(text, source, registry).run()


class _Parser:
    def __init__(self, text: str, source: str, registry: Registry) -> None:
        self.text = text if isinstance(text, str) else ""
        self.source = source
        self.registry = registry
        self.gaz = _gazetteer(registry)
        self.warnings: list[Finding] = []
        self.sentences: list[_Sentence] = []
        self.country: str | None = None
        self.country_evidence: str | None = None    #: the text the document's country was read from
        self.publisher: OrgRef | None = None
        self.aliases: dict[str, OrgRef] = {}
        self.alias_names: set[str] = set()
        self.alias_re: re.Pattern[str] | None = None
        self.project_titles: list[tuple[str, _Sentence]] = []
        self.extra_mentions: list[tuple[OrgRef, _Sentence]] = []

    # ------------------------------------------------------------------ driver

    def run(self) -> NewsDocument:
        lines = self._classify_lines()
        title_line = next((ln for ln in lines if ln.kind == "title"), None)
        has_prose = any(ln.kind == "prose" for ln in lines)
        if title_line is None and not has_prose:
            raise ParseError("no title or prose text found (not a news release?)", source=self.source,
                             line=next((ln.number for ln in lines if ln.kind != "blank"), 1))
        self._build_sentences(lines)
        if title_line is not None:
            title = title_line.text
        else:
            first = next(s for s in self.sentences if s.kind == "prose")
            title = pat.shorten(first.text, 160)
            self._warn("no-title", "no title line; the first sentence stands for it", first.line)
        if not has_prose:
            self._warn("no-prose", "the release has a title but no prose paragraphs", title_line.number if title_line
                       else None)
        doc = NewsDocument(source=self.source, title=title)
        self._find_date(lines, doc)
        self._find_publisher(lines)
        self._find_titles()
        self._find_aliases()
        self._find_country(lines)
        for s in self.sentences:
            s.set_spans(self._org_spans(s))
            s.countries = self._country_hits(s)
        doc.country = self.country
        doc.publisher = self.publisher
        self._guard("places", lambda: self._places(doc))
        self._guard("money", lambda: self._money(doc))
        self._guard("counts", lambda: self._counts(doc))
        self._guard("people", lambda: self._people(doc))
        self._guard("project", lambda: self._project(doc))
        self._guard("agreements", lambda: self._agreements(doc))
        self._guard("partnerships", lambda: self._partnerships(doc))
        self._guard("organisations", lambda: self._organisations(doc))
        doc.warnings = self.warnings
        return doc

    def _guard(self, stage: str, step: Callable[[], None]) -> None:
        """Run one extraction step; a failure in it is reported, not raised, and the other steps still run."""
        try:
            step()
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, re.error) as exc:
            self._warn("extraction-error", f"{stage}: {type(exc).__name__}: {exc}", None, stage)

    def _warn(self, code: str, message: str, line: int | None, about: str | None = None) -> None:
        self.warnings.append(Finding(code, message, line, about))

    # ------------------------------------------------------------------ lines and sentences

    def _classify_lines(self) -> list[_Line]:
        lines = [_Line(i, raw.strip()) for i, raw in enumerate(self.text.split("\n"), 1)]
        contact_left = 0
        for ln in lines:
            s = ln.text
            if not s:
                continue
            words = len(s.split())
            if words <= 12 and pat.CONTACT_HEADING.match(s):
                ln.kind, contact_left = "chrome", 4
            elif words <= 12 and pat.date_line(s):
                ln.kind = "date"
            elif words <= 12 and pat.CHROME.match(s):
                ln.kind = "chrome"
                contact_left = 0 if pat.PUBLISHER.match(s) else contact_left
            elif ((pat.EMAIL.search(s) or pat.PHONE.search(s)) and words <= 30) or (contact_left and words <= 20):
                ln.kind = "contact"
            elif words >= 8 or (words >= 4 and s[-1] in pat.END_PUNCT):
                ln.kind = "prose"
            elif re.search(r"[A-Za-z]{2,}", s):
                ln.kind = "short"
            else:
                ln.kind = "chrome"
            if ln.kind != "contact" and contact_left:
                contact_left -= 1
        candidates = [ln for ln in lines if ln.kind in ("short", "prose")]
        for ln in candidates[:6]:
            n = len(ln.text.split())
            if ln.kind == "prose" and (n > 30 or (n > 20 and ln.text[-1] in ".!?")):
                break
            if n >= 3 or (n == 2 and ln is candidates[-1]):
                ln.kind = "title"
                break
        return lines

    def _build_sentences(self, lines: list[_Line]) -> None:
        for ln in lines:
            if ln.kind == "title" or ln.kind == "contact":
                self.sentences.append(_Sentence(ln.text, ln.number, ln.kind))
            elif ln.kind == "prose":
                for a, b in pat.split_sentences(ln.text):
                    self.sentences.append(_Sentence(ln.text[a:b], ln.number, "prose"))
        for s in self.sentences:
            s.masked = s.text

    def _prose(self) -> list[_Sentence]:
        return [s for s in self.sentences if s.kind == "prose"]

    def _find_date(self, lines: list[_Line], doc: NewsDocument) -> None:
        top: list[_Line] = []
        for ln in lines:
            if ln.kind == "blank":
                continue
            top.append(ln)
            if ln.kind == "prose" or len(top) >= 10:
                break
        hit, where = None, None
        for ln in top:
            text = ln.text[:100] if ln.kind == "prose" else ln.text
            found = pat.find_dates(text)
            if found:
                hit, where = found[0], ln.number
                break
        if hit is None:
            for ln in lines:
                if ln.kind == "date":
                    hit, where = pat.find_dates(ln.text)[0], ln.number
                    break
        if hit is None:
            self._warn("no-date", "no publication date found near the top of the release", None)
            return
        doc.date, doc.date_text = hit.iso, hit.text
        if hit.ambiguous:
            self._warn("ambiguous-date", f"date {hit.text!r} read day first as {hit.iso}", where)

    def _find_publisher(self, lines: list[_Line]) -> None:
        for ln in lines:
            m = pat.PUBLISHER.match(ln.text) if ln.kind == "chrome" else None
            if m:
                probe = _Sentence(m.group("org"), ln.number, "title", m.group("org"))
                spans = self._org_spans(probe, mint=False)
                if spans:
                    self.publisher = max(spans, key=lambda sp: sp.end - sp.start).ref
                    return

    def _find_titles(self) -> None:
        """Quoted title-case phrases: project titles (kept) and other titles (masked from fact patterns)."""
        for s in self._prose():
            masked = s.text
            for m in pat.QUOTED.finditer(s.text):
                q = m.group(1).strip()
                if not pat.title_case(q):
                    continue
                before, after = s.text[max(0, m.start() - 40):m.start()].lower(), s.text[m.end():m.end() + 30].lower()
                if _project_context(q, before, after):
                    self.project_titles.append((q, s))
                masked = masked[:m.start()] + "\x00" * (m.end() - m.start()) + masked[m.end():]
            s.masked = masked
        if not self.project_titles:
            for s in self._prose():
                for m in pat.PROJECT_PHRASE.finditer(s.masked):
                    words = m.group(0).split()
                    while words and words[0].lower() in pat.STOP_WORDS:
                        words.pop(0)
                    if len(words) >= 3 and not self._names_organisation(" ".join(words)):
                        self.project_titles.append((" ".join(words), s))
                        break

    # ------------------------------------------------------------------ organisations

    def _find_aliases(self) -> None:
        """Acronyms a release defines: "Lebanon Mine Action Centre (LMAC)"."""
        for s in self._prose():
            for m in pat.BRACKET_ACRONYM.finditer(s.masked):
                acr = m.group("acr")
                run = pat.RUN_BEFORE.search(s.masked[max(0, m.start() - 160):m.start()])
                if sum(c.isupper() for c in acr) < 2:
                    continue
                full = pat.trim_to_acronym(run.group(0).split(), acr) if run else ""
                if not full or not pat.org_like(full) or self._registry_name(full):
                    continue
                known = self.registry.lookup(acr) or self._supplement_ref(full) or self._supplement_ref(acr)
                country = next((c for c in self.gaz.countries if re.search(rf"\b{re.escape(c)}\b", full)), None)
                ref = known or self.registry.resolve(full, acronym=acr, country=country)
                if not ref.known:
                    ref = dataclasses.replace(ref, acronym=acr)
                self.aliases.setdefault(_squash(full), ref)
                self.aliases.setdefault(acr, ref)
                self.alias_names.update({full, acr})
        names = sorted(self.alias_names, key=lambda n: (-len(n), n))
        self.alias_re = _alternation(_name_pattern(n) for n in names)

    def _names_organisation(self, phrase: str) -> bool:
        """The phrase ends with an organisation's name ("United Nations Development Programme")."""
        return any(m.end() == len(phrase) for rx in (self.gaz.names_re, _SUPPLEMENT_RE) if rx
                   for m in rx.finditer(phrase))

    def _registry_name(self, name: str) -> str | None:
        return self.gaz.names.get(_squash(name))

    def _find_country(self, lines: list[_Line]) -> None:
        """The country a release is about: datelines, "in X", demonyms; donors ("Government of X") count little."""
        scores: Counter[str] = Counter()
        first: dict[str, int] = {}
        where: dict[str, str] = {}

        def add(name: str, weight: float, order: int, text: str) -> None:
            country = self.registry.country(name)
            if country:
                scores[country] += weight
                first.setdefault(country, order)
                where.setdefault(country, text)

        for order, s in enumerate(x for x in self.sentences if x.kind != "contact"):
            text = s.text
            names = [(m.start(), m.end()) for rx in (self.gaz.names_re, _SUPPLEMENT_RE, self.alias_re) if rx
                     for m in rx.finditer(text)]
            for a, b, name in self._country_matches(text):
                before = text[max(0, a - 40):a]
                if any(x <= a and b <= y for x, y in names) or pat.DONOR_CONTEXT.search(before):
                    weight = 0.5
                elif pat.PLACE_CONTEXT.search(before) or text[b:b + 2] in ("'s", "\u2019s"):
                    weight = 3.0
                else:
                    weight = 1.0
                add(name, weight, order, text)
            for m in pat.HINT_RE.finditer(text):
                add(pat.COUNTRY_HINTS[m.group(0)], 2.0 if m.group(0) in pat.CITIES else 1.0, order, text)
        datelines = [ln.text for ln in lines if ln.kind == "date"]
        first_prose = next((s.text for s in self.sentences if s.kind == "prose"), "")
        for text in [*datelines, first_prose]:
            for m in pat.HINT_RE.finditer(text[:40]):
                if m.group(0) in pat.CITIES:
                    add(pat.CITIES[m.group(0)], 5.0, -1, text)
            for _a, _b, name in self._country_matches(text[:40]):
                add(name, 5.0, -1, text)
        pub_country = self.registry.country_of(self.publisher) if self.publisher else None
        if pub_country:
            add(pub_country, 2.0, len(first), "")
        self.country = max(scores, key=lambda c: (scores[c], -first[c])) if scores else None
        self.country_evidence = where.get(self.country) or None if self.country else None

    def _is_country(self, name: str) -> bool:
        return self.registry.country(re.sub(r"^the\s+", "", name, flags=re.I)) is not None

    def _country_matches(self, text: str) -> list[tuple[int, int, str]]:
        if self.gaz.country_re is None:
            return []
        out = []
        for m in self.gaz.country_re.finditer(text):
            name = self.registry.country(m.group(0))
            if name:
                out.append((m.start(), m.end(), name))
        return out

    def _country_hits(self, s: _Sentence) -> list[tuple[int, int, str]]:
        return [h for h in self._country_matches(s.masked) if not s.inside(h[0])]

    def _lookup(self, printed: str, name: str | None = None) -> OrgRef | None:
        ref = self.registry.lookup(name or printed, self.country)
        return dataclasses.replace(ref, name=printed) if ref else None

    def _org_spans(self, s: _Sentence, mint: bool = True) -> list[_Span]:
        text = s.masked
        cands: list[_Span] = []
        if self.gaz.names_re:
            for m in self.gaz.names_re.finditer(text):
                printed = m.group(0)
                reg = self.gaz.names.get(_squash(printed))
                ref = self._lookup(printed, reg) if printed[0].isupper() and reg else None
                if ref:
                    cands.append(_Span(m.start(), m.end(), ref))
        if self.alias_re:
            for m in self.alias_re.finditer(text):
                ref = self.aliases.get(m.group(0)) or self.aliases.get(_squash(m.group(0)))
                if ref and m.group(0)[0].isupper():
                    cands.append(_Span(m.start(), m.end(), dataclasses.replace(ref, name=m.group(0))))
        if self.gaz.context_re:
            for m in self.gaz.context_re.finditer(text):
                reg = self.gaz.context.get(_squash(m.group(0)))
                ref = self._lookup(m.group(0), reg) if reg and m.group(0)[0].isupper() else None
                if ref:
                    cands.append(_Span(m.start(), m.end(), ref))
        if _SUPPLEMENT_RE and mint:
            for m in _SUPPLEMENT_RE.finditer(text):
                ref = self._supplement_ref(m.group(0)) if m.group(0)[0].isupper() else None
                if ref:
                    cands.append(_Span(m.start(), m.end(), ref))
        spans = _non_overlapping(cands)
        spans = _non_overlapping([self._unit_extension(text, sp) for sp in spans])
        if mint and s.kind != "title":
            spans = _non_overlapping(spans + self._cue_spans(text, spans))
            if s.kind == "prose":
                spans = _non_overlapping(spans + self._phrase_spans(text, spans))
        return spans

    def _supplement_ref(self, printed: str) -> OrgRef | None:
        idx = _SUPPLEMENT_NAMES.get(printed, _SUPPLEMENT_NAMES.get(_squash(printed)))
        if idx is None:
            return None
        acr, full, kind, _others = pat.SUPPLEMENT[idx]
        ref = self.registry.resolve(full, type_hint=kind, acronym=acr)
        return dataclasses.replace(ref, name=printed)

    def _unit_extension(self, text: str, sp: _Span) -> _Span:
        """"UNDP Lebanon", "UNMAS in Iraq", "UNDP CO": the agency's office in a country."""
        ref = sp.ref
        if self.gaz.unit_tail is None or ref.org_type not in ("un-agency", "intergovernmental") or ref.parent:
            return sp
        m = self.gaz.unit_tail.match(text, sp.end)
        if not m:
            return sp
        country = m.group("c1") or m.group("c2") or (self.country if m.group("co") else None)
        country = self.registry.country(country) if country else None
        if not country:
            return sp
        printed = text[sp.start:m.end()]
        short = ref.acronym or ref.label
        found = self._lookup(printed) or self._lookup(printed, f"{short} {country}")
        if found is None:
            unit = self.registry.mint(f"{short} {country}", type_hint="unit", country=country)
            found = dataclasses.replace(unit, name=printed, parent=ref.iri)
        return _Span(sp.start, m.end(), found)

    def _cue_spans(self, text: str, spans: list[_Span]) -> list[_Span]:
        """Names after a type cue: "local NGO Hayat", "the non-governmental organisation X"."""
        out = []
        for m in pat.NGO_CUE.finditer(text):
            start, name = m.start("name"), m.group("name")
            if any(sp.start <= start < sp.end for sp in spans):
                continue
            tokens = name.split()
            while tokens and tokens[-1].lower() in pat.CONNECTORS:
                tokens.pop()
            if not tokens or tokens[0].lower() in pat.STOP_WORDS:
                continue
            name = " ".join(tokens)
            ref = self._lookup(name) or self._lookup(name, f"NGO {name}") or self.registry.mint(name, type_hint="ngo")
            out.append(_Span(start, start + len(name), ref))
        return out

    def _phrase_spans(self, text: str, spans: list[_Span]) -> list[_Span]:
        """Capitalised phrases headed by an organisation word ("Swiss Foundation for Mine Action")."""
        residual = list(text)
        for sp in spans:
            residual[sp.start:sp.end] = "\x00" * (sp.end - sp.start)
        res = "".join(residual)
        out = []
        for m in pat.CAP_RUN.finditer(res):
            tokens = [(t.start() + m.start(), t.end() + m.start(), t.group(0)) for t in re.finditer(r"\S+", m.group(0))]
            if len(tokens) > 24:
                continue    # title-case text, not a name
            for a, b in pat.org_pieces([t[2] for t in tokens], self._is_country):
                start, end = tokens[a][0], tokens[b - 1][1]
                if re.search(r"\b(?:a|an|as\s+a|as\s+an)\s*$", res[max(0, start - 8):start], re.I):
                    continue
                name = text[start:end].rstrip("'\u2019s") if text[start:end].endswith(("'s", "\u2019s")) \
                    else text[start:end]
                owner = next((sp for sp in spans if sp.end < start and not text[sp.end:start].strip()), None)
                if owner and not owner.ref.parent and owner.ref.org_type in ("un-agency", "intergovernmental"):
                    start, name = owner.start, text[owner.start:start + len(name)]
                    unit = self.registry.mint(name, type_hint="unit", country=self.country)
                    out.append(_Span(start, start + len(name), dataclasses.replace(unit, parent=owner.ref.iri)))
                    continue
                ref = self._lookup(name) or self.registry.mint(name)
                out.append(_Span(start, start + len(name), ref))
        return out

    # ------------------------------------------------------------------ places, money, counts

    def _places(self, doc: NewsDocument) -> None:
        seen: set[tuple[str, str]] = set()
        for s in self.sentences:
            if s.kind == "contact":
                continue
            for _a, _b, name in s.countries:
                if (name, "country") not in seen:
                    seen.add((name, "country"))
                    doc.places.append(PlaceRecord(name, "country", None, s.text))
            if s.kind != "prose":
                continue
            sentence_country = s.countries[0][2] if s.countries else self.country
            for hit in pat.find_places(s.masked):
                if s.inside(hit.start) or self.registry.country(hit.name) or (hit.name, hit.kind) in seen:
                    continue
                seen.add((hit.name, hit.kind))
                doc.places.append(PlaceRecord(hit.name, hit.kind, sentence_country, s.text))  # type: ignore[arg-type]
        if self.country and (self.country, "country") not in seen:
            where = next((s.text for s in self.sentences if self.country in s.text), self.country_evidence)
            if where:
                doc.places.insert(0, PlaceRecord(self.country, "country", None, where))

    def _money(self, doc: NewsDocument) -> None:
        for s in self._prose():
            for hit in pat.find_money(s.masked):
                doc.money.append(MoneyRecord(hit.amount, hit.currency, pat.money_purpose(s.masked, hit), hit.text,
                                             s.text))

    def _counts(self, doc: NewsDocument) -> None:
        for s in self._prose():
            taken = [(h.start, h.end) for h in pat.find_money(s.masked)] + \
                    [(h.start, h.end) for h in pat.find_dates(s.masked)]
            for hit in pat.find_counts(s.masked):
                if any(a < hit.end and hit.start < b for a, b in taken) or s.inside(hit.start):
                    continue
                direct = pat.directness(s.masked, hit.start, hit.end) if hit.person else None
                doc.counts.append(CountRecord(hit.value, hit.what, hit.approximate, direct, s.text))

    # ------------------------------------------------------------------ people

    def _people(self, doc: NewsDocument) -> None:
        people: dict[str, PersonRef] = {}
        emails: list[tuple[str, _Sentence]] = []
        for s in self.sentences:
            if s.kind == "title":
                continue
            for m in pat.EMAIL.finditer(s.text):
                emails.append((m.group(0).rstrip("."), s))
            for person in self._persons_in(s):
                key = pat.name_key(person.name)
                known = people.get(key)
                if known is None:
                    people[key] = person
                else:
                    known.role = known.role or person.role
                    known.organisation = known.organisation or person.organisation
        for email, s in emails:
            local = pat.name_key(email.split("@")[0])
            in_sentence = [p for p in people.values() if p.evidence == s.text]
            match = next((p for p in people.values() if pat.name_key(p.name) == local), None)
            match = match or next((p for p in in_sentence if pat.name_key(p.name.split()[-1]) in local), None)
            match = match or (in_sentence[0] if len(in_sentence) == 1 else None)
            if match and not match.email:
                match.email = email
                if match.organisation is None:
                    match.organisation = self._email_org(email)
        doc.people = list(people.values())

    def _email_org(self, email: str) -> OrgRef | None:
        domain = email.split("@")[-1].split(".")
        label = domain[-2] if len(domain) >= 2 else ""
        return self._lookup(label.upper()) if label else None

    def _persons_in(self, s: _Sentence) -> list[PersonRef]:
        found: list[tuple[int, int, PersonRef]] = []
        runs = self._runs(s)

        taken: list[tuple[int, int]] = []      # sorted, not overlapping

        def add(start: int, end: int, name: str, role_span: tuple[int, int] | None) -> None:
            i = bisect.bisect_left(taken, (start, end))
            if not name or (i < len(taken) and taken[i][0] < end) or (i > 0 and taken[i - 1][1] > start):
                return
            taken.insert(i, (start, end))
            role, org = self._role(s, role_span) if role_span and self._has_role(s, role_span) else (None, None)
            if org is None and role and role_span:
                nxt = next((r for r in runs if r[0] >= role_span[1]), None)
                if nxt and re.fullmatch(r",\s*(?:the\s+)?", s.text[role_span[1]:nxt[0]]) and all(u[2] for u in nxt[2]):
                    org = nxt[2][0][2].ref  # type: ignore[union-attr]
            if org is None and role and s.kind == "contact":
                org = self.publisher
            found.append((start, end, PersonRef(name, role, org, None, s.text)))

        run_after = {a: (a, b, units) for a, b, units in runs}
        # "Mr. Broek, Resident Representative of UNDP" / "Resident Representative, Mr. Broek"
        for m in pat.HON_NAME.finditer(s.text):
            units = [u for u in self._units(s, m.start("name"), m.end("name"))]
            name_units = self._name_units(s, units, allow_single=True)
            if not name_units:
                continue
            end = name_units[-1][1]
            after = re.match(r",\s+(?:the\s+)?", s.text[end:])
            nxt = run_after.get(end + after.end()) if after else None
            role_span = (nxt[0], nxt[1]) if nxt and self._has_role(s, (nxt[0], nxt[1])) else None
            role_span = role_span or self._run_before(s, m.start())
            add(name_units[0][0], end, " ".join(s.text[a:b] for a, b, _sp in name_units), role_span)
        for i, (a, b, units) in enumerate(runs):
            nxt = runs[i + 1] if i + 1 < len(runs) else None
            comma_gap = nxt is not None and re.fullmatch(r",\s+(?:the\s+)?", s.text[b:nxt[0]]) is not None
            tail = s.text[b:]
            ends_clause = re.match(rf"\s*(?:[,.;:)!?]|$|(?:{pat.SAY_VERBS}|and|who)\b)", tail) is not None
            # "Ruslan Ismayil-zada, Communications Officer"
            name_units = self._name_units(s, units)
            if name_units and len(name_units) == len(self._trim_stop(s, units)) and comma_gap and nxt \
                    and self._has_role(s, (nxt[0], nxt[1])):
                add(name_units[0][0], name_units[-1][1], " ".join(s.text[x:y] for x, y, _sp in name_units),
                    (nxt[0], nxt[1]))
                continue
            if not self._has_role(s, (a, b)):
                continue
            # "Resident Coordinator UNDP, John Smith"
            if comma_gap and nxt:
                nxt_units = self._trim_stop(s, nxt[2])
                follow = re.match(rf"\s*(?:[,.;:)!?]|$|(?:{pat.SAY_VERBS}|and|who)\b)", s.text[nxt[1]:]) is not None
                name_units = self._name_units(s, nxt_units)
                if name_units and len(name_units) == len(nxt_units) and follow:
                    add(name_units[0][0], name_units[-1][1], " ".join(s.text[x:y] for x, y, _sp in name_units), (a, b))
                    continue
            # "UNDP Resident Representative John Smith said"
            role_idx = [k for k, (x, y, sp) in enumerate(units) if sp is None and s.text[x:y].lower() in pat.ROLE_WORDS]
            tail_units = units[role_idx[-1] + 1:] if role_idx else []
            name_units = self._name_units(s, tail_units)
            if role_idx and name_units and len(name_units) == len(tail_units) and ends_clause:
                add(name_units[0][0], name_units[-1][1], " ".join(s.text[x:y] for x, y, _sp in name_units),
                    (a, units[role_idx[-1]][1]))
        return [p for _a, _b, p in sorted(found, key=lambda t: t[0])]

    def _units(self, s: _Sentence, start: int, end: int) -> list[tuple[int, int, _Span | None]]:
        """Words and organisation names between two offsets."""
        units: list[tuple[int, int, _Span | None]] = [(sp.start, sp.end, sp) for sp in s.spans
                                                      if start <= sp.start and sp.end <= end]
        units += [(m.start(), m.end(), None) for m in pat.WORD.finditer(s.text, start, end) if not s.inside(m.start())]
        return sorted(units, key=lambda u: u[0])

    def _runs(self, s: _Sentence) -> list[tuple[int, int, list[tuple[int, int, _Span | None]]]]:
        """Runs of capitalised words, connectors and organisation names (split at punctuation)."""
        if s.runs is None:
            s.runs = self._make_runs(s)
            s.run_ends = [b for _a, b, _u in s.runs]
        return s.runs

    def _make_runs(self, s: _Sentence) -> list[tuple[int, int, list[tuple[int, int, _Span | None]]]]:
        runs: list[tuple[int, int, list[tuple[int, int, _Span | None]]]] = []
        current: list[tuple[int, int, _Span | None]] = []
        pending: list[tuple[int, int, _Span | None]] = []
        last_end = -1
        for a, b, sp in self._units(s, 0, len(s.text)):
            word = s.text[a:b]
            joined = last_end >= 0 and not s.text[last_end:a].strip()
            if sp is not None or word[0].isupper():
                if current and not joined:
                    runs.append((current[0][0], current[-1][1], current))
                    current = []
                current += pending if current else []
                current.append((a, b, sp))
                pending = []
            elif current and joined and word.lower() in pat.CONNECTORS:
                pending.append((a, b, sp))
            else:
                if current:
                    runs.append((current[0][0], current[-1][1], current))
                current, pending = [], []
            last_end = b
        if current:
            runs.append((current[0][0], current[-1][1], current))
        return runs

    def _trim_stop(self, s: _Sentence,
                   units: list[tuple[int, int, _Span | None]]) -> list[tuple[int, int, _Span | None]]:
        k = 0
        while k < len(units) and units[k][2] is None and s.text[units[k][0]:units[k][1]].lower() in pat.STOP_WORDS:
            k += 1
        return units[k:]

    def _name_units(self, s: _Sentence, units: list[tuple[int, int, _Span | None]],
                    allow_single: bool = False) -> list[tuple[int, int, _Span | None]]:
        """The units that form a person's name (leading stop words dropped), or [] when they do not."""
        units = self._trim_stop(s, units)
        kept = []
        for a, b, sp in units:
            word = s.text[a:b]
            low = word.lower()
            if sp is not None or not re.fullmatch(pat.NAME_TOKEN, word) or low in pat.NOT_NAME_WORDS \
                    or self.registry.country(word):
                break
            kept.append((a, b, sp))
        if len(kept) > 4 or len(kept) < (1 if allow_single else 2):
            return []
        return kept

    def _run_before(self, s: _Sentence, pos: int) -> tuple[int, int] | None:
        """The run that ends at ``pos`` (spaces and a comma allowed between)."""
        end = pos
        while end > 0 and (s.text[end - 1].isspace() or s.text[end - 1] == ","):
            end -= 1
        runs = self._runs(s)
        i = bisect.bisect_left(s.run_ends, end)
        return (runs[i][0], runs[i][1]) if i < len(runs) and runs[i][1] == end else None

    def _has_role(self, s: _Sentence, span: tuple[int, int]) -> bool:
        a, b = span
        chars = list(s.text[a:b])
        for sp in s.spans:
            if a <= sp.start < b:
                chars[sp.start - a:sp.end - a] = " " * (sp.end - sp.start)
        return any(w.lower() in pat.ROLE_WORDS for w in re.findall(r"[\w\-]+", "".join(chars)))

    def _role(self, s: _Sentence, span: tuple[int, int]) -> tuple[str | None, OrgRef | None]:
        a, b = span
        inside = [sp for sp in s.spans if a <= sp.start < b]
        org = inside[0].ref if inside else None
        if inside and inside[0].start > a:
            role = s.text[a:inside[0].start]
        elif inside:
            role = s.text[inside[0].end:inside[1].start if len(inside) > 1 else b]
        else:
            role = s.text[a:b]
        words = role.replace(",", " ").split()
        while words and (words[0].lower() in pat.CONNECTORS or words[0] in ("'s", "\u2019s")):
            words.pop(0)
        while words and words[-1].lower() in pat.CONNECTORS:
            words.pop()
        role_text = " ".join(words) or None
        if role_text and not any(w.lower() in pat.ROLE_WORDS for w in re.findall(r"[\w\-]+", role_text)):
            role_text = None
        return role_text, org

    # ------------------------------------------------------------------ project

    def _orgs_after(self, s: _Sentence, pos: int, extra: re.Pattern[str] | None = None) -> list[_Span]:
        end = len(s.masked)
        for rx in (pat.SEG_END, extra):
            if rx is None:
                continue
            for m in rx.finditer(s.masked, pos):
                if not s.inside(m.start()):
                    end = min(end, m.start())
                    break
        return [sp for sp in s.spans if pos <= sp.start < end and pat.LIST_FOLLOW.match(s.masked, sp.end)]

    def _countries_after(self, s: _Sentence, pos: int) -> list[tuple[int, OrgRef]]:
        end = next((m.start() for m in pat.SEG_END.finditer(s.masked, pos) if not s.inside(m.start())), len(s.masked))
        return [(a, self._government(name)) for a, _b, name in s.countries if pos <= a < end]

    def _government(self, country: str) -> OrgRef:
        ref = self.registry.resolve(pat.government_name(country), type_hint="government", country=country)
        return dataclasses.replace(ref, name=country)

    def _project(self, doc: NewsDocument) -> None:
        prose = self._prose()
        ev: dict[str, str] = {}
        title = self.project_titles[0][0] if self.project_titles else None
        if title:
            ev["title"] = self.project_titles[0][1].text
        funders = self._funders(prose, ev)
        implementers, consortium = self._implementers(prose, ev)
        phase = None
        title_sentence = self.project_titles[0][1] if self.project_titles else None
        places_to_look = [(title, title_sentence), (title_sentence.masked, title_sentence)] if title_sentence else []
        for text, s in places_to_look + [(s.masked, s) for s in prose]:
            hit = pat.find_phase(text or "")
            if hit and s is not None:
                phase, ev["phase"] = hit.number, s.text
                break
        budget = next((m for m in doc.money if m.what in ("project budget", "budget")), None)
        if budget and budget.evidence:
            ev["budget"] = budget.evidence
        beneficiaries = [c for c in doc.counts if c.evidence and pat.BENEFIT.search(c.evidence)
                         and pat.PERSON_HEAD_RE.search(c.what)]
        if beneficiaries:
            ev["beneficiaries"] = beneficiaries[0].evidence or ""
        places = [p for p in doc.places if p.kind != "country"]
        if not places:     # no districts: the countries the project's own sentences place it "in"
            fact_sentences = set(ev.values())
            places = [p for p in doc.places if p.kind == "country" and any(
                s.text in fact_sentences and any(c[2] == p.name and pat.PLACE_CONTEXT.search(s.masked[:c[0]])
                                                 for c in s.countries) for s in prose)]
        if places:
            ev["places"] = places[0].evidence or ""
        if not (title or funders or implementers or consortium or budget or phase):
            return
        if not title:
            title = doc.title
            ev["title"] = doc.title
            self._warn("project-title-from-headline", "the project has no printed title; the headline stands for it",
                       None, "project")
        doc.projects.append(ProjectRecord(title, phase, budget, funders, implementers, consortium, beneficiaries,
                                          places, ev))

    def _funders(self, prose: list[_Sentence], ev: dict[str, str]) -> list[OrgRef]:
        """Funders named by funding words in the prose."""
        found: list[tuple[int, int, OrgRef, _Sentence]] = []
        for si, s in enumerate(prose):
            for cue in pat.FUNDING_CUES:
                for m in cue.finditer(s.masked):
                    for sp in self._orgs_after(s, m.end()):
                        found.append((si, sp.start, sp.ref, s))
                    for pos, ref in self._countries_after(s, m.end()):
                        found.append((si, pos, ref, s))
                        self.extra_mentions.append((ref, s))
            for sp in s.spans:
                if pat.FUNDED_SUFFIX.match(s.masked, sp.end):
                    found.append((si, sp.start, sp.ref, s))
            for m in pat.GIVING_VERB.finditer(s.masked):
                rest = s.masked[m.end():]
                rest = rest[:next((x.start() for x in re.finditer(r"[.;]", rest)), len(rest))]
                if not (pat.find_money(rest) or pat.FUNDING_NOUN.search(rest)):
                    continue
                for pos, ref in self._subject(s, m.start()):
                    found.append((si, pos, ref, s))
        out = _unique_refs((si, pos, ref) for si, pos, ref, _s in found)
        if found:
            ev["funders"] = min(found, key=lambda t: (t[0], t[1]))[3].text
        return out

    def _subject(self, s: _Sentence, verb: int) -> list[tuple[int, OrgRef]]:
        """Organisations (or countries, as governments) listed right before a verb."""
        items = [(sp.start, sp.end, sp.ref) for sp in s.spans] + \
                [(a, b, self._government(name)) for a, b, name in s.countries]
        items.sort(key=lambda t: t[0])
        chain: list[tuple[int, OrgRef]] = []
        boundary = verb
        gap_re = pat.SUBJECT_GAP
        for a, b, ref in reversed([t for t in items if t[1] <= verb]):
            if not gap_re.fullmatch(s.masked[b:boundary]):
                break
            chain.insert(0, (a, ref))
            boundary, gap_re = a, pat.LIST_GAP
        for _a, ref in chain:
            if ref.org_type == "government" and not ref.known:
                self.extra_mentions.append((ref, s))
        return chain

    def _implementers(self, prose: list[_Sentence], ev: dict[str, str]) -> tuple[list[OrgRef], list[OrgRef]]:
        impl: list[tuple[int, int, OrgRef]] = []
        cons: list[tuple[int, int, OrgRef]] = []
        for si, s in enumerate(prose):
            for cue in pat.IMPLEMENT_CUES:
                for m in cue.finditer(s.masked):
                    if re.match(r"\s*(?:an?|the)?\s*consortium\b", s.masked[m.end():], re.I):
                        continue
                    for sp in self._orgs_after(s, m.end()):
                        impl.append((si, sp.start, sp.ref))
                        ev.setdefault("implementers", s.text)
            for cue in pat.CONSORTIUM_CUES:
                for m in cue.finditer(s.masked):
                    for sp in self._orgs_after(s, m.end(), re.compile(r"\bled\b")):
                        cons.append((si, sp.start, sp.ref))
                        ev.setdefault("consortium", s.text)
            for m in pat.CONSORTIUM_LEAD.finditer(s.masked):
                lead = self._orgs_after(s, m.end())[:1]
                for sp in lead:
                    impl.append((si, sp.start, sp.ref))
                    ev.setdefault("implementers", s.text)
        implementers = _unique_refs(impl)
        lead_iris = {r.iri for r in implementers}
        consortium = [r for r in _unique_refs(cons) if r.iri not in lead_iris]
        return implementers, consortium

    # ------------------------------------------------------------------ agreements and partnerships

    def _agreements(self, doc: NewsDocument) -> None:
        mentions: list[tuple[str, _Sentence]] = []
        for s in self.sentences:
            if s.kind == "contact":
                continue
            for m in pat.AGREEMENT.finditer(s.masked):
                mentions.append((pat.agreement_type(m.group("type")), s))
        folded = pat.fold_types(list(dict.fromkeys(t for t, _s in mentions)))
        groups: dict[str, list[_Sentence]] = {}
        for t, s in mentions:
            groups.setdefault(folded[t], [])
            if s not in groups[folded[t]]:
                groups[folded[t]].append(s)
        project = doc.projects[0] if doc.projects else None
        for typ, sents in groups.items():
            if not any(pat.SIGN.search(s.masked) for s in sents):
                continue
            parties: list[OrgRef] = []
            evidence = None
            for s in sorted(sents, key=lambda x: x.kind != "prose"):
                parties = self._agreement_parties(s)
                if parties:
                    evidence = s.text
                    break
            evidence = evidence or next((s.text for s in sents if s.kind == "prose"), sents[0].text)
            dates = [h for s in sents if s.kind == "prose" and s.text == evidence for h in pat.find_dates(s.masked)]
            place = None
            for s in sents:
                pm = pat.SIGN_PLACE.search(s.masked)
                if pm and pm.group("place").split()[0].lower() not in pat.STOP_WORDS:
                    place = pm.group("place")
                    break
            about = None    # only a printed project title, never the headline standing in for one
            if project and self.project_titles and any(
                    project.title in s.text or re.search(pat.PROJECT_WORD, s.masked, re.I) for s in sents):
                about = project.title
            doc.agreements.append(AgreementRecord(typ, dates[0].iso if dates else doc.date, parties, about, place,
                                                  evidence))

    def _agreement_parties(self, s: _Sentence) -> list[OrgRef]:
        between = re.search(r"\bbetween\b", s.masked)
        if between:
            spans = self._orgs_after(s, between.end(), pat.BETWEEN_END)
            if spans:
                return _unique_refs((0, sp.start, sp.ref) for sp in spans)
        sign = pat.SIGN.search(s.masked)
        if not sign:
            return []
        spans = [sp for sp in s.spans if sp.end <= sign.start()]
        with_ = re.compile(r"\bwith\b").search(s.masked, sign.end())
        if with_:
            spans += self._orgs_after(s, with_.end(), pat.BETWEEN_END)
        return _unique_refs((0, sp.start, sp.ref) for sp in spans)

    def _partnerships(self, doc: NewsDocument) -> None:
        out: dict[frozenset[str], PartnershipRecord] = {}
        for s in self._prose():
            if not pat.PARTNER_CUE.search(s.masked):
                continue
            since = pat.SINCE.search(s.masked)
            if since:
                items = [(0, sp.start, sp.ref) for sp in s.spans if sp.end <= since.start()]
                items += [(0, a, self._government(name)) for a, _b, name in s.countries if _b <= since.start()
                          and re.search(r"\bwith\s+(?:the\s+(?:people|government)\s+of\s+)?$", s.masked[:a], re.I)]
                parties = _unique_refs(items)
                self.extra_mentions += [(ref, s) for _x, _a, ref in items if ref.org_type == "government"
                                        and not ref.known]
                if (len(parties) == 1 and self.publisher and parties[0].iri != self.publisher.iri
                        and re.search(r"\b(?:our|we|us)\b", s.masked, re.I)):
                    parties.insert(0, self.publisher)
                year: str | None = since.group("year")
            else:
                m = pat.PARTNER_BETWEEN.search(s.masked)
                parties = _unique_refs((0, sp.start, sp.ref) for sp in self._orgs_after(s, m.end(), pat.BETWEEN_END)) \
                    if m else []
                year = None
            if len(parties) < 2:
                continue
            key = frozenset(p.iri for p in parties)
            if key in out:
                out[key].since = out[key].since or year
            else:
                out[key] = PartnershipRecord(parties, year, s.text)
        doc.partnerships = list(out.values())

    # ------------------------------------------------------------------ organisations list

    def _organisations(self, doc: NewsDocument) -> None:
        mentions: dict[str, OrganisationMention] = {}
        order = sorted(self.sentences, key=lambda s: s.kind != "prose")
        firsts: dict[str, tuple[OrgRef, _Sentence]] = {}
        for s in self.sentences:
            for sp in s.spans:
                firsts.setdefault(sp.ref.iri, (sp.ref, s))
        for ref, s in self.extra_mentions:
            firsts.setdefault(ref.iri, (ref, s))
        for iri, (ref, first) in firsts.items():
            evidence = next((s.text for s in order if any(sp.ref.iri == iri for sp in s.spans)), first.text)
            mentions[iri] = OrganisationMention(ref, evidence)
            if not ref.known:
                self._warn("unknown-organisation", f"{ref.label!r} is not in the registry; minted {ref.iri}",
                           first.line, ref.label)
        doc.organisations = list(mentions.values())


# --------------------------------------------------------------------------- helpers


def _project_context(title: str, before: str, after: str) -> bool:
    """A quoted title names a project: it ends with "Project", or "project" stands next to it."""
    word = pat.PROJECT_WORD
    return bool(re.search(rf"(?i){word}$", title)
                or re.search(rf"{word}\s*(?:called|named|titled|entitled)?\s*$", before)
                or re.match(rf"\s*{word}\b", after) or re.search(r"phase\s+of\s+(?:the\s+)?$", before))


def _non_overlapping(spans: list[_Span]) -> list[_Span]:
    out: list[_Span] = []
    for sp in sorted(spans, key=lambda x: (x.start, -(x.end - x.start))):
        if not out or sp.start >= out[-1].end:
            out.append(sp)
    return out


def _unique_refs(items: Iterable[tuple[int, int, OrgRef]]) -> list[OrgRef]:
    out: dict[str, OrgRef] = {}
    for _si, _pos, ref in sorted(items, key=lambda t: (t[0], t[1])):
        out.setdefault(ref.iri, ref)
    return list(out.values())
