"""Management responses -> triples: the evaluation, its recommendations, responses and key actions."""

from __future__ import annotations

from datetime import datetime

from kb.mapping.terms import DCTERMS, MAKB, RDF, XSD, DocumentGraph, GraphBuilder
from kb.model import (
    KeyActionRecord,
    ManagementResponseDocument,
    Party,
    RecommendationRecord,
)
from kb.registry import slugify
from kb.text.dates import period_end
from kb.vocab import acceptance_concept, status_concept


def map_response(b: GraphBuilder, doc: ManagementResponseDocument, g: str, ev_iri: str, source: str,
                  ingested: datetime, out: DocumentGraph) -> None:
    ev = doc.evaluation
    b.add(ev_iri, RDF.type, MAKB.Evaluation)
    b.lit(ev_iri, DCTERMS.title, ev.title)
    b.lit(ev_iri, MAKB.commissioningUnitText, ev.commissioning_unit)
    b.lit(ev_iri, MAKB.responseUnitText, ev.response_unit)
    b.lit(ev_iri, MAKB.evaluationPlan, ev.evaluation_plan)
    b.lit(ev_iri, MAKB.evaluationType, ev.evaluation_type)
    b.date(ev_iri, MAKB.completionDate, ev.completion_date)
    b.lit(ev_iri, MAKB.overallComment, ev.overall_comments)
    b.lit(ev_iri, MAKB.documentKind, doc.kind)
    commissioning = b.org(ev.commissioning_org)
    b.add(ev_iri, MAKB.commissioningUnit, commissioning)
    if ev.country:
        b.add(ev_iri, MAKB.country, b.country(ev.country))
    for person in ev.prepared_by:
        b.add(ev_iri, MAKB.preparedBy, b.person(person))
    for ref in doc.organisations:
        b.org(ref)

    used: set[str] = set()
    for pos, rec in enumerate(doc.recommendations, 1):
        rec_iri = _unique(f"{ev_iri}/rec/{slugify(rec.number)}", used)
        _map_recommendation(b, rec, rec_iri, pos, ev_iri, commissioning, source, ingested, out)


def _unique(iri: str, used: set[str]) -> str:
    cand, i = iri, 1
    while cand in used:
        i += 1
        cand = f"{iri}-{i}"
    used.add(cand)
    return cand


def _map_recommendation(b: GraphBuilder, rec: RecommendationRecord, rec_iri: str, pos: int, ev_iri: str,
                        fallback_org: str | None, source: str, ingested: datetime, out: DocumentGraph) -> None:
    b.add(rec_iri, RDF.type, MAKB.Recommendation)
    b.add(rec_iri, MAKB.evaluation, ev_iri)
    b.lit(rec_iri, MAKB.number, rec.number)
    b.lit(rec_iri, MAKB.position, pos)
    b.lit(rec_iri, DCTERMS.description, rec.text)
    b.lit(rec_iri, MAKB.sourceLine, rec.line)
    for n in rec.covers or []:
        b.lit(rec_iri, MAKB.covers, n)
    numbers = rec.covers if rec.covers and len(rec.covers) == len(rec.items) else None
    for i, text in enumerate(rec.items, 1):
        item = f"{rec_iri}/item/{i}"
        b.add(rec_iri, MAKB.item, item)
        b.add(item, RDF.type, MAKB.RecommendationItem)
        b.lit(item, MAKB.position, i)
        b.lit(item, MAKB.number, numbers[i - 1] if numbers else None)
        b.lit(item, DCTERMS.description, text)
    b.lit(rec_iri, MAKB.addresseeText, rec.addressee)
    addressee = b.org(rec.addressee_org)
    b.add(rec_iri, MAKB.addressee, addressee)

    if rec.response is not None:
        r = rec.response
        mr = f"{rec_iri}/response"
        b.add(rec_iri, MAKB.managementResponse, mr)
        b.add(mr, RDF.type, MAKB.ManagementResponse)
        b.add(mr, MAKB.acceptance, acceptance_concept(r.acceptance))
        b.lit(mr, DCTERMS.description, r.text)
        b.date(mr, DCTERMS.created, r.added)
        b.date(mr, DCTERMS.modified, r.updated)

    used: set[str] = set()
    for pos_ka, ka in enumerate(rec.key_actions, 1):
        ka_iri = _unique(f"{rec_iri}/action/{slugify(ka.number)}", used)
        _map_key_action(b, ka, ka_iri, pos_ka, rec_iri, addressee or fallback_org, source, ingested, out)


def _party_unit(b: GraphBuilder, party: Party, default_unit: str | None) -> tuple[str | None, str | None]:
    """(responsible IRI, accountable unit IRI) for one party."""
    if party.kind == "person" and party.person is not None:
        person = b.person(party.person)
        unit = b.org(party.person.organisation) or b.org(party.organisation) or default_unit
        return person, unit
    org = b.org(party.organisation)
    if party.kind == "team":
        return org or default_unit, org or default_unit
    return org, org


def _map_key_action(b: GraphBuilder, ka: KeyActionRecord, iri: str, pos: int, rec_iri: str, default_unit: str | None,
                    source: str, ingested: datetime, out: DocumentGraph) -> None:
    b.add(iri, RDF.type, MAKB.KeyAction)
    b.add(iri, MAKB.recommendation, rec_iri)
    b.add(rec_iri, MAKB.keyAction, iri)
    b.lit(iri, MAKB.number, ka.number)
    b.lit(iri, MAKB.position, pos)
    b.lit(iri, DCTERMS.description, ka.text)
    b.lit(iri, MAKB.responsibleText, ka.responsible_text)
    b.lit(iri, MAKB.sourceLine, ka.line)
    units: list[str] = []
    for party in ka.parties:
        who, unit = _party_unit(b, party, default_unit)
        b.add(iri, MAKB.responsible, who)
        if unit and unit not in units:
            units.append(unit)
    if not units and default_unit:
        units.append(default_unit)
    for unit in units:
        b.add(iri, MAKB.accountableUnit, unit)
    b.date(iri, MAKB.dueDate, ka.due)
    due_end = period_end(ka.due)
    b.lit(iri, MAKB.dueEnd, due_end.isoformat() if due_end else None, datatype=XSD.date)
    b.lit(iri, MAKB.dueText, ka.due_text)
    status = status_concept(ka.status)
    b.add(iri, MAKB.status, status)
    b.lit(iri, MAKB.statusText, ka.status)
    if ka.comment:
        b.lit(iri, MAKB.justification if ka.justification else MAKB.comment, ka.comment)
    b.date(iri, DCTERMS.created, ka.added)
    b.date(iri, DCTERMS.modified, ka.updated)
    if ka.truncated:
        b.lit(iri, MAKB.truncated, True)
    out.statuses[iri] = status   # status observations are written when a later version changes it
