"""The country a release is about, from datelines, places, "in X" and demonyms.

Donors named with their country ("Government of X") count little.

Reads: lines and sentences, registry names, the place gazetteer, the publisher.  Sets: ``Context.country``
and ``Context.country_evidence``; ``country_hits`` gives the countries a sentence names outside
organisation names (``Sentence.countries``).
"""

from __future__ import annotations

import re

from kb.ingest.news import patterns as pat
from kb.ingest.news.document import Context, Line, Sentence

#: a dateline's place: "Kabul –", "Phnom Penh, Cambodia -", "BAKU, 12 July"
#: a dateline's place: "Kabul –", "Phnom Penh, Cambodia -", "BAKU, 12 July"
DATELINE = re.compile(r"\s*(?P<place>[A-Z][\w'\u2019\-]*(?:\s+[A-Z][\w'\u2019\-]*){0,2})\s*[,\u2013\u2014-]")


def _dateline_end(text: str) -> int:
    """Where the dateline of a first sentence ends ("Phnom Penh, Cambodia - The ..."), or 0 without one."""
    m = re.match(r"[^.;:]{0,40}?\s[\u2013\u2014-]\s|[A-Z][\w'\u2019\-]*(?:\s[A-Z][\w'\u2019\-]*)*,\s", text)
    return m.end() if m else 0


def find_country(ctx: Context, lines: list[Line]) -> None:
    """The country a release is about: datelines, "in X", demonyms; donors ("Government of X") count little."""
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    where: dict[str, str] = {}

    def add(name: str, weight: float, order: int, text: str) -> None:
        country = ctx.registry.country(name)
        if country:
            scores[country] = scores.get(country, 0.0) + weight
            first.setdefault(country, order)
            where.setdefault(country, text)

    for order, s in enumerate(x for x in ctx.sentences if x.kind != "contact"):
        text = s.text
        names = [(m.start(), m.end()) for rx in (ctx.gaz.names_re, ctx.alias_re) if rx
                 for m in rx.finditer(text)]
        for a, b, name in ctx.country_matches(text):
            before = text[max(0, a - 40):a]
            if any(x <= a and b <= y for x, y in names) or pat.DONOR_CONTEXT.search(before):
                weight = 0.5
            elif pat.PLACE_CONTEXT.search(before) or text[b:b + 2] in ("'s", "\u2019s"):
                weight = 3.0
            else:
                weight = 1.0
            add(name, weight, order, text)
        for m in pat.DEMONYM_RE.finditer(text):
            add(pat.DEMONYMS[m.group(0)], 1.0, order, text)
        for e in s.ents("GPE", "LOC"):
            found = ctx.places.candidates(e.text)
            # only a name the gazetteer puts in one country tells where the release is ("Northern" does not)
            if found and len({p.iso for p in found}) == 1 and found[0].kind != "country" and not s.inside(e.start) \
                    and not all(w.lower() in pat.PLACE_STOP for w in e.text.split()):
                add(found[0].country, 2.0, order, text)
    datelines = [ln.text for ln in lines if ln.kind == "date"]
    first_prose = next((s.text for s in ctx.sentences if s.kind == "prose"), "")
    for text in [*datelines, first_prose]:
        lead = DATELINE.match(text)
        place = ctx.places.lookup(lead.group("place")) if lead else None
        if place is not None and place.kind in ("city", "region", "district"):
            add(place.country, 5.0, -1, text)
        head = text[:40] if text is not first_prose else text[:_dateline_end(text)]
        for a, _b, name in ctx.country_matches(head):
            if not pat.DONOR_CONTEXT.search(head[:a]):
                add(name, 5.0, -1, text)
    pub_country = ctx.registry.country_of(ctx.publisher) if ctx.publisher else None
    if pub_country:
        add(pub_country, 2.0, len(first), "")
    ctx.country = max(scores, key=lambda c: (scores[c], -first[c])) if scores else None
    ctx.country_evidence = where.get(ctx.country) or None if ctx.country else None


def country_hits(ctx: Context, s: Sentence) -> list[tuple[int, int, str]]:
    return [h for h in ctx.country_matches(s.masked) if not s.inside(h[0])]
