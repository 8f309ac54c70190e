"""News releases -> triples: organisations, people, places, agreements, projects and partnerships with evidence."""

from __future__ import annotations

import re

from kb.mapping.terms import DCTERMS, MAKB, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, GraphBuilder, short_hash
from kb.model import (
    NewsDocument,
)
from kb.registry import slugify


def map_news(b: GraphBuilder, doc: NewsDocument, g: str, news: str) -> None:
    b.add(news, RDF.type, SCHEMA.NewsArticle)
    b.add(news, RDF.type, PROV.Entity)
    b.lit(news, DCTERMS.title, doc.title)
    b.date(news, DCTERMS.date, doc.date)
    b.lit(news, MAKB.documentKind, doc.kind)
    if doc.country:
        b.add(news, MAKB.country, b.country(doc.country))
    b.add(news, DCTERMS.publisher, b.org(doc.publisher))
    for m in doc.organisations:
        org = b.org(m.org)
        b.add(news, MAKB.mentions, org)
        if org:
            b.evidence(g, news, MAKB.mentions, org, m.evidence, span=(m.start, m.end))
    for p in doc.people:
        person = b.person(p)
        b.add(news, MAKB.mentions, person)
        b.evidence(g, news, MAKB.mentions, person, p.evidence, span=(p.start, p.end))
    for place in doc.places:
        piri = b.place(place)
        b.add(news, MAKB.mentions, piri)
        b.evidence(g, news, MAKB.mentions, piri, place.evidence, span=(place.start, place.end))

    projects: dict[str, str] = {}
    for proj in doc.projects:
        piri = f"{b.base}project/{slugify(proj.title, 60)}-{short_hash(proj.title.lower())}"
        projects[proj.title] = piri
        ev = proj.evidence
        country = b.country(doc.country) if doc.country else None
        if b.describe(piri):   # a project named in many releases is described by the first
            b.add(piri, RDF.type, MAKB.Project)
            b.add(piri, RDF.type, ORG.OrganizationalCollaboration)
            b.lit(piri, DCTERMS.title, proj.title)
            b.lit(piri, SKOS.prefLabel, proj.title)
            b.lit(piri, MAKB.phase, proj.phase)
            b.lit(piri, MAKB.evidence, ev.get("title"))
            b.add(piri, MAKB.country, country)
            b.done()
        for prop, refs, role in ((MAKB.funder, proj.funders, "funders"),
                                 (MAKB.implementer, proj.implementers, "implementers"),
                                 (MAKB.consortiumMember, proj.consortium, "consortium")):
            for ref in refs:
                org = b.org(ref)
                if org:
                    b.state(piri, prop, org, ev.get(role))
        if proj.budget is not None:   # the budget this release reports (its own node)
            money = f"{piri}/budget/{short_hash(news, str(proj.budget.amount), proj.budget.currency)}"
            b.add(piri, MAKB.budget, money)
            b.add(money, RDF.type, SCHEMA.MonetaryAmount)
            b.lit(money, SCHEMA.value, _decimal(proj.budget.amount), datatype=XSD.decimal)
            b.lit(money, SCHEMA.currency, proj.budget.currency)
            b.lit(money, RDFS.comment, proj.budget.what)
            b.lit(money, MAKB.evidence, proj.budget.evidence or ev.get("budget"))
            b.offsets(money, (proj.budget.start, proj.budget.end))
        for j, count in enumerate(proj.beneficiaries, 1):
            grp = f"{piri}/beneficiaries/{short_hash(news, str(j), count.what)}"
            b.add(piri, MAKB.beneficiaries, grp)
            b.add(grp, RDF.type, MAKB.BeneficiaryGroup)
            b.lit(grp, MAKB["count"], int(count.value))
            b.lit(grp, DCTERMS.description, count.what)
            b.lit(grp, MAKB.approximate, bool(count.approximate))
            if count.direct is not None:
                b.lit(grp, MAKB.direct, bool(count.direct))
            b.lit(grp, MAKB.evidence, count.evidence or ev.get("beneficiaries"))
            b.offsets(grp, (count.start, count.end))
        for place in proj.places:
            pl = b.place(place)
            b.state(piri, MAKB.location, pl, place.evidence or ev.get("places"))
        b.add(news, MAKB.mentions, piri)

    for i, ag in enumerate(doc.agreements, 1):
        air = f"{news}/agreement/{i}"
        b.add(air, RDF.type, MAKB.Agreement)
        b.lit(air, MAKB.agreementType, ag.type)
        b.lit(air, RDFS.label, f"{ag.type} ({ag.date})" if ag.date else ag.type)
        b.date(air, DCTERMS.date, ag.date)
        b.lit(air, MAKB.signedAt, ag.place)
        b.lit(air, MAKB.evidence, ag.evidence)
        b.offsets(air, (ag.start, ag.end))
        b.add(air, PROV.wasDerivedFrom, news)
        for ref in ag.parties:
            org = b.org(ref)
            if org:
                b.add(air, MAKB.party, org)
                b.evidence(g, air, MAKB.party, org, ag.evidence, span=(ag.start, ag.end))
        if ag.about:
            target = projects.get(ag.about) or next(
                (iri for t, iri in projects.items() if t.lower() == ag.about.lower()), None)
            if target:
                b.add(air, MAKB.about, target)
            else:
                b.lit(air, DCTERMS.subject, ag.about)

    for ps in doc.partnerships:
        iris = sorted({b.org(r) or "" for r in ps.parties} - {""})
        if len(iris) < 2:
            continue
        piri = f"{b.base}partnership/{short_hash(*iris, n=12)}"
        if b.describe(piri):
            b.add(piri, RDF.type, MAKB.Partnership)
            if ps.since and re.fullmatch(r"\d{4}", ps.since):
                b.lit(piri, MAKB.since, ps.since, datatype=XSD.gYear)
            b.done()
        for org in iris:   # each party with the sentence of this release that names it
            b.state(piri, MAKB.party, org, ps.evidence)
        b.add(news, MAKB.mentions, piri)


def _decimal(amount: float | int) -> str:
    if isinstance(amount, int) or float(amount).is_integer():
        return f"{int(amount)}.0"
    return repr(float(amount))
