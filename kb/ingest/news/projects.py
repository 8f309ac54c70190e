"""Projects of a release: title, phase, budget, funders, implementers, consortium, beneficiaries and places.

A title is quoted or an unquoted "... Initiative" / "... Project".

Reads: prose sentences with organisation spans and countries, ``NewsDocument.money``, ``.counts`` and the
activity places the places component found.  Sets: ``Context.project_titles`` (``find_titles``, which also
masks quoted titles from the other components) and ``NewsDocument.projects`` with the evidence sentence and
its span per role.  ``implementers`` are the organisations a project is implemented by (the consortium lead),
``consortium`` the members named with them; ``funders`` are named by funding words, a country as its government.
"""

from __future__ import annotations

import re

from kb.ingest.news import organisations, quantities
from kb.ingest.news import patterns as pat
from kb.ingest.news.document import Context, Sentence, unique_refs
from kb.model import NewsDocument, OrgRef, ProjectRecord


def find_titles(ctx: Context) -> None:
    """Quoted title-case phrases: project titles (kept) and other titles (masked from fact patterns)."""
    for s in ctx.prose():
        masked = s.text
        for m in pat.QUOTED.finditer(s.text):
            q = (m.group(1) or m.group(2) or "").strip().removesuffix(".")
            if not pat.title_case(q):
                continue
            before, after = s.text[max(0, m.start() - 40):m.start()].lower(), s.text[m.end():m.end() + 30].lower()
            if project_context(q, before, after):
                ctx.project_titles.append((q, s))
            masked = masked[:m.start()] + "\x00" * (m.end() - m.start()) + masked[m.end():]
        s.masked = masked
    if not ctx.project_titles:      # "the Project for the Improvement of Equipment for Demining Activities"
        for s in ctx.prose():
            lead = _PROJECT_FOR.search(s.masked)
            if lead and not s.inside(lead.start("title")):
                ctx.project_titles.append((lead.group("title").rstrip(" ,"), s))
                break
    if not ctx.project_titles:
        for s in ctx.prose():
            for m in pat.PROJECT_PHRASE.finditer(s.masked):
                words = m.group(0).split()
                while words and words[0].lower() in pat.STOP_WORDS:
                    words.pop(0)
                if len(words) >= 3 and not organisations.names_organisation(ctx, " ".join(words)):
                    ctx.project_titles.append((" ".join(words), s))
                    break
    if not ctx.project_titles:      # "the Clearing for Results programme": a title-case name before the word
        for s in ctx.prose():
            named = _NAMED_PROGRAMME.search(s.masked)
            name = named.group("name").strip() if named else ""
            if named and len(name.split()) >= 2 and not s.inside(named.start("name")) and pat.title_case(name) \
                    and not organisations.names_organisation(ctx, name):
                ctx.project_titles.append((name, s))
                break


def project(ctx: Context, doc: NewsDocument) -> None:
    prose = ctx.prose()
    ev: dict[str, str] = {}
    title = ctx.project_titles[0][0] if ctx.project_titles else None
    if title:
        ev["title"] = ctx.project_titles[0][1].text
    funders = find_funders(ctx, prose, ev)
    implementers, consortium = find_implementers(ctx, prose, ev)
    phase = None
    title_sentence = ctx.project_titles[0][1] if ctx.project_titles else None
    places_to_look = [(title, title_sentence), (title_sentence.masked, title_sentence)] if title_sentence else []
    for text, s in places_to_look + [(s.masked, s) for s in prose]:
        hit = quantities.find_phase(text or "")
        if hit and s is not None:
            phase, ev["phase"] = hit.number, s.text
            break
    budget = next((m for m in doc.money if m.what in ("project budget", "budget")), None)
    if budget and budget.evidence:
        ev["budget"] = budget.evidence
    beneficiaries = [c for c in doc.counts if c.evidence and pat.BENEFIT.search(c.evidence)
                     and quantities.PERSON_HEAD_RE.search(c.what)]
    if beneficiaries:
        ev["beneficiaries"] = beneficiaries[0].evidence or ""
    places = list(ctx.state.get("activity_places", []))
    if not places:     # no districts: the countries the project's own sentences place it "in"
        fact_sentences = set(ev.values())
        places = [p for p in doc.places if p.kind == "country" and any(
            s.text in fact_sentences and any(c[2] == p.name and pat.PLACE_CONTEXT.search(s.masked[:c[0]])
                                             for c in s.countries) for s in prose)]
    if places:
        ev["places"] = places[0].evidence or ""
    if not (title or funders or implementers or consortium or budget or phase):
        return
    if not implementers and (title or funders or budget) and ctx.state.get("doers"):
        # "HI and UNICEF have started a campaign ...": who does the work of a project the release reports
        implementers = ctx.state["doers"]
        ev["implementers"] = ctx.state["doers_evidence"]
    if not title:
        title = doc.title
        ev["title"] = doc.title
        ctx.warn("project-title-from-headline", "the project has no printed title; the headline stands for it",
                   None, "project")
    spans = {role: span for role, text in ev.items() if (span := _span(ctx, text)) is not None}
    doc.projects.append(ProjectRecord(title, phase, budget, funders, implementers, consortium, beneficiaries,
                                      places, ev, spans))


def _span(ctx: Context, evidence: str) -> tuple[int, int] | None:
    start, end = ctx.span_of(evidence)
    return (start, end) if start is not None and end is not None else None


def find_funders(ctx: Context, prose: list[Sentence], ev: dict[str, str]) -> list[OrgRef]:
    """Funders named by funding words in the prose."""
    found: list[tuple[int, int, OrgRef, Sentence]] = []
    for si, s in enumerate(prose):
        for cue in pat.FUNDING_CUES:
            for m in cue.finditer(s.masked):
                for sp in ctx.orgs_after(s, m.end()):
                    found.append((si, sp.start, sp.ref, s))
                for pos, ref in ctx.countries_after(s, m.end()):
                    found.append((si, pos, ref, s))
                    ctx.extra_mentions.append((ref, s))
        for sp in s.spans:
            if pat.FUNDED_SUFFIX.match(s.masked, sp.end):
                found.append((si, sp.start, sp.ref, s))
        for m in pat.GIVING_VERB.finditer(s.masked):
            rest = s.masked[m.end():]
            rest = rest[:next((x.start() for x in re.finditer(r"[.;](?!\d)", rest)), len(rest))]
            if not (quantities.find_money(rest) or pat.FUNDING_NOUN.search(rest)):
                continue
            for pos, ref in ctx.subject(s, m.start()):
                found.append((si, pos, ref, s))
        for m in _ANNOUNCED_FUNDS.finditer(s.masked):     # "The EU announced a contribution of EUR 2.5m"
            for pos, ref in ctx.subject(s, m.start()):
                found.append((si, pos, ref, s))
    out = unique_refs((si, pos, ref) for si, pos, ref, _s in found)
    if found:
        ev["funders"] = min(found, key=lambda t: (t[0], t[1]))[3].text
    return out


#: organisation types that implement (not donors or governments)
_DOERS = ("ngo", "un-agency", "national-authority", "intergovernmental", "unit")
_PROJECT_FOR = re.compile(r"\b(?P<title>(?:Project|Programme)\s+(?:for|of|on)\s+(?:the\s+)?[A-Z][\w'\u2019\-]*"
                          r"(?:\s+(?:(?:for|of|and|in|to|the|on)\s+)*(?:[A-Z][\w'\u2019\-]*|\((?:Phase\s+)?[IVX\d]+\))){0,14})")
_NAMED_PROGRAMME = re.compile(r"\bthe\s+(?P<name>[A-Z][\w'\u2019\-]*(?:\s+(?:(?:for|of|and|to|in|the|on)\s+)?"
                              r"[A-Z][\w'\u2019\-]*){1,8})\s+(?:programme|program|project|initiative)\b")
_ANNOUNCED_FUNDS = re.compile(r"\b(?:announced|approved|made|confirmed|committed)\s+(?:a|an|its|the)?\s*"
                              r"(?:new\s+|further\s+|additional\s+)?(?:contribution|grant|donation|funding)\b"
                              r"(?!\s+(?:agreement|contract))", re.I)
_THROUGH = re.compile(r"\bthrough\s+(?:the\s+)?")
_TO = re.compile(r"\s*(?:\([^()]{0,60}\))?\s+to\s+(?:the\s+)?")


def find_implementers(ctx: Context, prose: list[Sentence], ev: dict[str, str]) -> tuple[list[OrgRef], list[OrgRef]]:
    impl: list[tuple[int, int, OrgRef]] = []
    cons: list[tuple[int, int, OrgRef]] = []
    doers: list[tuple[int, int, OrgRef]] = []
    for si, s in enumerate(prose):
        for cue in pat.IMPLEMENT_CUES:
            for m in cue.finditer(s.masked):
                if re.match(r"\s*(?:an?|the)?\s*consortium\b", s.masked[m.end():], re.I):
                    continue
                for sp in ctx.orgs_after(s, m.end()):
                    impl.append((si, sp.start, sp.ref))
                    ev.setdefault("implementers", s.text)
        for cue in pat.CONSORTIUM_CUES:
            for m in cue.finditer(s.masked):
                for sp in ctx.orgs_after(s, m.end(), re.compile(r"\bled\b")):
                    cons.append((si, sp.start, sp.ref))
                    ev.setdefault("consortium", s.text)
        for m in pat.GIVING_VERB.finditer(s.masked):    # "awarded $500,000 to MAG for the clearance of ..."
            money = next(iter(quantities.find_money(s.masked[m.end():m.end() + 60])), None)
            to = _TO.match(s.masked, m.end() + money.end) if money else None
            for sp in ctx.orgs_after(s, to.end())[:1] if to else []:
                if sp.start == to.end() and sp.ref.org_type in ("ngo", "unit", "national-authority"):  # type: ignore[union-attr]
                    impl.append((si, sp.start, sp.ref))
                    ev.setdefault("implementers", s.text)
            # "extended US$ 785,000 ... through the HALO Trust": an NGO the money goes through does the work
            via = _THROUGH.search(s.masked, m.end()) if money else None
            for sp in ctx.orgs_after(s, via.end()) if via else []:
                if sp.ref.org_type in ("ngo", "national-authority"):
                    impl.append((si, sp.start, sp.ref))
                    ev.setdefault("implementers", s.text)
        for m in pat.ACTIVITY_VERB.finditer(s.masked):
            found = [(si, pos, ref) for pos, ref in ctx.subject(s, m.start()) if ref.org_type in _DOERS]
            if found:
                doers.extend(found)
                ctx.state.setdefault("doers_evidence", s.text)
        for m in pat.CONSORTIUM_LEAD.finditer(s.masked):
            lead = ctx.orgs_after(s, m.end())[:1]
            for sp in lead:
                impl.append((si, sp.start, sp.ref))
                ev.setdefault("implementers", s.text)
    implementers = unique_refs(impl)
    ctx.state["doers"] = unique_refs(doers)
    lead_iris = {r.iri for r in implementers}
    consortium = [r for r in unique_refs(cons) if r.iri not in lead_iris]
    return implementers, consortium


def project_context(title: str, before: str, after: str) -> bool:
    """A quoted title names a project: it ends with "Project", or "project" stands next to it."""
    word = pat.PROJECT_WORD
    return bool(re.search(rf"(?i){word}$", title) or re.match(rf"(?i)(?:the\s+)?{word}\s+(?:of|for|to|on)\b", title)
                or re.search(rf"{word}\s*(?:called|named|titled|entitled)?\s*[,:]?\s*$", before)
                or re.match(rf"\s*{word}\b", after) or re.search(r"phase\s+of\s+(?:the\s+)?$", before))
