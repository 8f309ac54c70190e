"""Agreements and partnerships of a release.

Reads: sentences with organisation spans and countries, the project the projects component found.  Sets:
``NewsDocument.agreements`` (type as printed in canonical form, date, parties, project, place of signing; only
agreements a sentence says were signed) and ``NewsDocument.partnerships`` (parties and the year they date
from: "partner since 2003", "the partnership dates back to 1999", "partnership between X and Y").
"""

from __future__ import annotations

import re

from kb.ingest.news import dates
from kb.ingest.news import patterns as pat
from kb.ingest.news.document import Context, Sentence, unique_refs
from kb.model import AgreementRecord, NewsDocument, OrgRef, PartnershipRecord


def agreements(ctx: Context, doc: NewsDocument) -> None:
    mentions: list[tuple[str, Sentence]] = []
    for s in ctx.sentences:
        if s.kind == "contact":
            continue
        for m in pat.AGREEMENT.finditer(s.masked):
            mentions.append((pat.agreement_type(m.group("type")), s))
    folded = pat.fold_types(list(dict.fromkeys(t for t, _s in mentions)))
    groups: dict[str, list[Sentence]] = {}
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
            parties = agreement_parties(ctx, s)
            if parties:
                evidence = s.text
                break
        evidence = evidence or next((s.text for s in sents if s.kind == "prose"), sents[0].text)
        found = [h for s in sents if s.kind == "prose" and s.text == evidence for h in dates.find_dates(s.masked)]
        place = None
        for s in sents:
            pm = pat.SIGN_PLACE.search(s.masked)
            if pm and pm.group("place").split()[0].lower() not in pat.STOP_WORDS and not _KIND_AFTER.match(
                    s.masked, pm.end()):     # "... in Xieng Khouang province": where the work is, not the signing
                place = pm.group("place")
                break
        about = None    # only a printed project title, never the headline standing in for one
        if project and ctx.project_titles and any(
                project.title in s.text or re.search(pat.PROJECT_WORD, s.masked, re.I) for s in sents):
            about = project.title
        doc.agreements.append(AgreementRecord(typ, found[0].iso if found else doc.date, parties, about, place,
                                              evidence, *ctx.span_of(evidence)))


#: a country named as a party: "with (the Government of) X", "CROMAC and X", or the sentence's subject
_PARTY_COUNTRY = re.compile(r"(?:^\s*(?:the\s+)?|\b(?:with|and)\s+(?:the\s+(?:people|government)\s+of\s+)?)$", re.I)
_ENVOY = re.compile(r"\bAmbassador\s+of\s+(?:the\s+)?(?P<country>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)"
                    r"(?:\s+(?:to|in|and)\b|,)")


_KIND_AFTER = re.compile(r"(?:,\s*[A-Z][\w'\-]*(?:\s[A-Z][\w'\-]*)?)*(?:,?\s+and\s+[A-Z][\w'\-]*(?:\s[A-Z][\w'\-]*)?)?"
                         r"\s+(?:province|district|region|governorate|oblast|county|municipalit(?:y|ie))s?\b", re.I)


def agreement_parties(ctx: Context, s: Sentence) -> list[OrgRef]:
    between = re.search(r"\bbetween\b", s.masked)
    if between:
        spans = ctx.orgs_after(s, between.end(), pat.BETWEEN_END)
        if spans:
            return unique_refs((0, sp.start, sp.ref) for sp in spans)
    sign = pat.SIGN.search(s.masked)
    if not sign:
        return []
    spans = [sp for sp in s.spans if sp.end <= sign.start()]
    items = [(0, sp.start, sp.ref) for sp in spans]
    envoy = _ENVOY.search(s.masked[:sign.start()])
    if envoy:         # "The Ambassador of Japan to Sri Lanka ... signed": the embassy signs
        country = ctx.registry.country(envoy.group("country"))
        ref = ctx.lookup(f"Embassy of {country}") if country else None
        items += [(0, envoy.start(), ref)] if ref else []
    with_ = re.compile(r"\bwith\b").search(s.masked, sign.end())
    if with_:         # "with the international foundation for mine clearance, The HALO Trust": the apposition
        after = ctx.orgs_after(s, with_.end(), pat.BETWEEN_END) or ctx.orgs_after(s, with_.end())[:1]
        items += [(0, sp.start, sp.ref) for sp in after]
    return unique_refs(items)


def partnerships(ctx: Context, doc: NewsDocument) -> None:
    out: dict[frozenset[str], PartnershipRecord] = {}
    for s in ctx.prose():
        if not pat.PARTNER_CUE.search(s.masked):
            continue
        since = pat.SINCE.search(s.masked)
        if since:
            items = [(0, sp.start, sp.ref) for sp in s.spans if sp.end <= since.start()]
            items += [(0, a, ctx.government(name)) for a, _b, name in s.countries if _b <= since.start()
                      and _PARTY_COUNTRY.search(s.masked[:a])]
            parties = unique_refs(items)
            ctx.extra_mentions += [(ref, s) for _x, _a, ref in items if ref.org_type == "government"]
            if (len(parties) == 1 and ctx.publisher and parties[0].iri != ctx.publisher.iri
                    and re.search(r"\b(?:our|we|us)\b", s.masked, re.I)):
                parties.insert(0, ctx.publisher)
            year: str | None = since.group("year")
        else:
            m = pat.PARTNER_BETWEEN.search(s.masked)
            parties = unique_refs((0, sp.start, sp.ref) for sp in ctx.orgs_after(s, m.end(), pat.BETWEEN_END)) \
                if m else []
            year = None
        if len(parties) < 2:
            continue
        key = frozenset(p.iri for p in parties)
        if key in out:
            out[key].since = out[key].since or year
        else:
            out[key] = PartnershipRecord(parties, year, s.text, *s.span)
    doc.partnerships = list(out.values())
