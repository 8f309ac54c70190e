"""Places of a release: countries, places of a stated kind, and GPE/LOC entities the gazetteer knows.

Places of a stated kind: "Saatli district", "the province of Pailin".

Reads: sentences, their countries and entities, the place gazetteer (``kb.registry.places``).  Sets:
``NewsDocument.places`` and ``Context.state["activity_places"]`` (the places work happens in, for projects).
A place's country comes from the gazetteer; where the gazetteer does not know the name, from a country the
sentence places things in, else from the release's country; never from an organisation printed nearby.
"""

from __future__ import annotations

import re

from kb.ingest.news import patterns as pat
from kb.ingest.news.country import DATELINE
from kb.ingest.news.document import Context, Sentence
from kb.model import NewsDocument, PlaceRecord

_KIND_WORD = re.compile(r"\s+(?:province|district|governorate|oblast|region|municipality|city)$", re.I)
_ACTIVITY = re.compile(r"clear|demin|survey|benefi|implement|project|programme|operat|educat|assist|releas|work"
                       r"|deploy|destroy|train", re.I)
_IN_BEFORE = re.compile(r"\b(?:in|across|throughout|of|to|at)\s+(?:the\s+)?(?:[A-Z][\w'\u2019\-]*,?\s+(?:and\s+)?)*$")
#: population above which a city elsewhere wins over the release's country
_BIG_CITY = 500_000
#: population above which a name is read as the city rather than the district or province of the same name
_CITY = 100_000


def _country_for(ctx: Context, name: str, s: Sentence) -> str | None:
    place = ctx.places.lookup(name, ctx.country)
    named = {c for _a, _b, c in s.countries}
    ambiguous = len({p.iso for p in ctx.places.candidates(name)}) > 1
    if place is not None and ambiguous and place.country != ctx.country and place.country not in named:
        place = None    # "Northern" is in a dozen countries: not this one, unless the release says so
    if place is not None and place.kind != "country" and (
            place.country == ctx.country or place.country in named or place.kind in ("region", "district")
            or place.rank >= _BIG_CITY or ctx.country is None):
        return place.country
    for a, _b, c in s.countries:
        if pat.PLACE_CONTEXT.search(s.masked[max(0, a - 40):a]) and not pat.DONOR_CONTEXT.search(
                s.masked[max(0, a - 40):a]):
            return c
    return ctx.country


_LISTED = re.compile(r"(?:,\s*|\s+and\s+|,\s+and\s+)(?P<name>[A-Z][\w'\u2019\-]+(?:\s[A-Z][\w'\u2019\-]+)?)")


def _listed(ctx: Context, text: str, pos: int, iso: str) -> list[tuple[str, str, str]]:
    """Places named in a list after the one ending at ``pos`` that the gazetteer puts in the same country."""
    out = []
    while (m := _LISTED.match(text, pos)) is not None:
        found = next((p for p in ctx.places.candidates(m.group("name")) if p.iso == iso and p.kind != "country"), None)
        if found is None:
            break
        out.append((m.group("name"), found.kind, found.country))
        pos = m.end()
    return out


def places(ctx: Context, doc: NewsDocument) -> None:
    seen: set[tuple[str, str]] = set()
    activity: list[PlaceRecord] = []
    for s in ctx.sentences:
        if s.kind == "contact":
            continue
        start, end = s.span
        for _a, _b, name in s.countries:
            if (name, "country") not in seen:
                seen.add((name, "country"))
                doc.places.append(PlaceRecord(name, "country", None, s.text, start, end))
        if s.kind != "prose":
            continue
        found: list[tuple[int, int]] = []
        for hit in pat.find_places(s.masked):
            found.append((hit.start, hit.end))
            if s.inside(hit.start) or ctx.registry.country(hit.name) or any(n == hit.name for n, _k in seen):
                continue
            seen.add((hit.name, hit.kind))
            rec = PlaceRecord(hit.name, hit.kind, _country_for(ctx, hit.name, s), s.text,  # type: ignore[arg-type]
                              start, end)
            doc.places.append(rec)
            activity.append(rec)
        for e in s.ents("GPE", "LOC"):
            printed = re.sub(r"^the\s+", "", e.text, flags=re.I)
            name = _KIND_WORD.sub("", printed)
            if name.split()[0].lower() in pat.PLACE_STOP:
                name = printed      # "Northern Province" is a name, "Northern" alone is not
            if s.inside(e.start) or any(a < e.end and e.start < b for a, b in found) or ctx.registry.country(name):
                continue
            place = ctx.places.lookup(name, ctx.country)
            if place is None or place.kind == "country" or any(n == name for n, _k in seen):
                continue
            if all(w.lower() in pat.PLACE_STOP for w in name.split()) or (
                    ctx.country and place.country != ctx.country and place.country not in
                    {c for _a, _b, c in s.countries}):
                continue    # "the North"; a name the gazetteer only knows abroad, in a release set elsewhere
            city = next((c for c in ctx.places.candidates(name) if c.kind == "city" and c.iso == place.iso
                         and c.rank >= _CITY), None)
            place = city or place     # "Colombo" is printed for the city more often than for its district
            dateline = DATELINE.match(s.text)
            where_org_is = any(re.fullmatch(r"\s+in\s+(?:the\s+)?", s.masked[sp.end:e.start]) for sp in s.spans)
            is_activity = bool(_ACTIVITY.search(s.masked) and not pat.SIGN.search(s.masked) and _IN_BEFORE.search(
                s.masked[:e.start]) and not (dateline and e.start < dateline.end()) and not where_org_is)
            # "in Aden and Taiz": a name listed with a place is a place of the same country, whatever its label
            listed = [(name, place.kind, place.country), *_listed(ctx, s.masked, e.end, place.iso)]
            for pname, kind, country in listed:
                if any(n == pname for n, _k in seen):
                    continue
                seen.add((pname, kind))
                rec = PlaceRecord(pname, kind, country, s.text, start, end)  # type: ignore[arg-type]
                doc.places.append(rec)
                if is_activity:
                    activity.append(rec)
    if ctx.country and (ctx.country, "country") not in seen:
        where = next((s for s in ctx.sentences if ctx.country in s.text), None)
        if where is not None:
            doc.places.insert(0, PlaceRecord(ctx.country, "country", None, where.text, *where.span))
        elif ctx.country_evidence:
            doc.places.insert(0, PlaceRecord(ctx.country, "country", None, ctx.country_evidence,
                                             *ctx.span_of(ctx.country_evidence)))
    ctx.state["activity_places"] = activity
    ctx.state["place_names"] = {p.name for p in doc.places}
