"""Records -> RDF triples: the only module that knows ontology terms.

One fact, one place.  Every document becomes one named graph holding only what
that document says (its evaluation or news release, recommendations, key
actions, mentions with the text as printed, evidence) and its own provenance
(source, content hash, parser version, ingest time).  The shared entities it
links to (organisations and units outside the registry, people, posts, places,
projects, partnerships) are described once, in the entities graph the build
maintains: the first document that names one describes it; each document graph
lists the shared entities it refers to (``dcterms:references``), so the build
can remove an entity no document refers to any more.  Facts about a shared
project or partnership (funders, parties, places) sit in the entities graph,
and each document that states one keeps the statement with its sentence
(``rdf:Statement``) in its own graph.  IRIs are deterministic: the same
document always yields the same IRIs, so a newer version of the same ERC page
(same evaluation) maps to the same graph and replaces it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Triple

from kb import namespaces
from kb.ingest import SourceText, parser_version
from kb.model import (
    Document,
    Finding,
    KeyActionRecord,
    ManagementResponseDocument,
    NewsDocument,
    OrgRef,
    Party,
    PersonRef,
    PlaceRecord,
    RecommendationRecord,
)
from kb.registry import TYPE_CONCEPTS, Registry, slugify
from kb.text.dates import period_end
from kb.vocab import acceptance_concept, status_concept


class _Terms:
    """A namespace whose terms are pyoxigraph nodes, each made once (``MAKB.status``, ``MAKB["count"]``)."""

    def __init__(self, namespace: object) -> None:
        self._base = str(namespace)

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = NamedNode(self._base + name)
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return getattr(self, name)


DCTERMS, FOAF, MAKB, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD = (
    _Terms(ns) for ns in (namespaces.DCTERMS, namespaces.FOAF, namespaces.MAKB, namespaces.ORG, namespaces.PROV,
                          namespaces.RDF, namespaces.RDFS, namespaces.SCHEMA, namespaces.SKOS, namespaces.XSD))
#: NLP Interchange Format: character offsets of a news fact's evidence sentence in its source text
NIF = _Terms("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")


@lru_cache(maxsize=1 << 16)
def _iri(iri: str) -> NamedNode:
    return NamedNode(iri)


def _n(iri: object) -> NamedNode:
    """The node for an IRI (cached: the same few thousand IRIs recur in every document)."""
    return iri if isinstance(iri, NamedNode) else _iri(str(iri))


A = _n(RDF.type)


def short_hash(*parts: str, n: int = 8) -> str:
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:n]


def typed_date(text: str | None) -> Literal | None:
    """'2020', '2020-02' or '2020-02-29' as xsd:gYear / xsd:gYearMonth / xsd:date (None if not a date)."""
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            date.fromisoformat(text)
        except ValueError:
            return None
        return Literal(text, datatype=_n(XSD.date))
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return Literal(text, datatype=_n(XSD.gYearMonth))
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=_n(XSD.gYear))
    return None


def entities_graph(base: str) -> str:
    """The named graph of the shared entities (maintained by the build)."""
    return f"{base}graph/entities"


#: predicates of the facts about shared projects and partnerships that documents state: kept in
#: the entities graph while some document graph holds the statement (``rdf:Statement``) of it
STATED_PREDICATES = ("funder", "implementer", "consortiumMember", "location", "party")


@lru_cache(maxsize=8)
def _registry_iris(registry: Registry) -> frozenset[str]:
    """Every subject the registry graph describes (never described again by a document)."""
    return frozenset(str(s) for s in registry.graph.subjects())


@dataclass
class DocumentGraph:
    """The triples of one document's named graph, and the shared entities it introduces."""

    iri: str
    kind: str
    main: str                          #: the evaluation or news release IRI
    source: str                        #: the source-document IRI
    triples: list[Triple] = field(default_factory=list)
    #: key action IRI -> status concept IRI, for status history
    statuses: dict[str, str] = field(default_factory=dict)
    #: shared entity IRI -> its description, as the first document naming it would write it
    entities: dict[str, list[Triple]] = field(default_factory=dict)
    #: facts about shared entities this document states (kept in the entities graph)
    stated: list[Triple] = field(default_factory=list)


class _Builder:
    def __init__(self, base: str, registry: Registry) -> None:
        self.base = base
        self.registry = registry
        self.triples: list[Triple] = []
        #: shared entity IRI -> description (first document wins; the build keeps one)
        self.entities: dict[str, list[Triple]] = {}
        self.stated: list[Triple] = []
        #: shared entities (and registry entries) this document refers to, in order of first use
        self.refs: dict[str, None] = {}
        self._registry = _registry_iris(registry)
        self._seen: set[tuple[str, str, str]] = set()
        self._into: list[Triple] | None = None   # while describing a shared entity: its triples
        self.graph = ""                          # the document graph's IRI

    def add(self, s: str, p: object, o: NamedNode | Literal | str | None) -> None:
        if o is None:
            return
        obj = o if isinstance(o, NamedNode | Literal) else _n(o)
        (self.triples if self._into is None else self._into).append(Triple(_n(s), _n(p), obj))

    def refer(self, iri: str) -> str:
        """Note that this document refers to a shared entity (or a registry entry)."""
        self.refs.setdefault(iri, None)
        return iri

    def describe(self, iri: str) -> bool:
        """Start describing a shared entity: True when this document is the first to (then
        ``add`` writes into its description until ``done``); False when known already."""
        self.refer(iri)
        if iri in self._registry or iri in self.entities:
            return False
        self._into = self.entities[iri] = []
        return True

    def done(self) -> None:
        self._into = None

    def state(self, s: str, p: object, o: str, sentence: str | None) -> None:
        """A fact a document states about a shared entity: the fact goes to the entities graph,
        its statement (with the sentence, where there is one) to the document's graph."""
        self.stated.append(Triple(_n(s), _n(p), _n(o)))
        self.evidence(self.graph, s, p, o, sentence, always=True)

    def lit(self, s: str, p: object, value: object, datatype: object | None = None, lang: str | None = None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            lit = Literal("true" if value else "false", datatype=_n(XSD.boolean))
        elif isinstance(value, int):
            lit = Literal(str(value), datatype=_n(XSD.integer))
        elif datatype is not None:
            lit = Literal(str(value), datatype=_n(datatype))
        elif lang:
            lit = Literal(str(value), language=lang)
        else:
            lit = Literal(str(value))
        (self.triples if self._into is None else self._into).append(Triple(_n(s), _n(p), lit))

    def date(self, s: str, p: object, text: str | None) -> None:
        lit = typed_date(text)
        if lit is not None:
            (self.triples if self._into is None else self._into).append(Triple(_n(s), _n(p), lit))

    # -------------------------------------------------------------- shared entities

    def org(self, ref: OrgRef | None) -> str | None:
        """The organisation's IRI; minted organisations get their description here."""
        if ref is None:
            return None
        if ref.known:
            return self.refer(ref.iri)
        country = self.country(ref.country) if ref.country else None
        if ref.parent:
            self.refer(ref.parent)
        if self.describe(ref.iri):
            is_unit = ref.org_type == "unit" or ref.parent is not None
            self.add(ref.iri, RDF.type, ORG.OrganizationalUnit if is_unit else ORG.Organization)
            self.lit(ref.iri, SKOS.prefLabel, ref.label, lang="en")
            if ref.name != ref.label:
                self.lit(ref.iri, SKOS.altLabel, ref.name)
            if ref.acronym:
                self.lit(ref.iri, MAKB.acronym, ref.acronym)
                self.lit(ref.iri, SKOS.altLabel, ref.acronym)
            self.add(ref.iri, MAKB.orgType, MAKB[TYPE_CONCEPTS.get(ref.org_type or "other", "OtherOrganisation")])
            self.lit(ref.iri, MAKB.inRegistry, False)
            if ref.parent:
                self.add(ref.iri, ORG.subOrganizationOf, ref.parent)
            self.add(ref.iri, MAKB.country, country)
            self.done()
        return ref.iri

    def country(self, name: str) -> str:
        iri = self.registry.place_iri(name)
        if self.describe(iri):
            self.add(iri, RDF.type, SCHEMA.Country)
            self.add(iri, RDF.type, SCHEMA.Place)
            self.lit(iri, SCHEMA.name, name)
            self.lit(iri, MAKB.placeKind, "country")
            self.done()
        return iri

    def place(self, place: PlaceRecord) -> str:
        if place.kind == "country" or (place.kind is None and self.registry.country(place.name)):
            return self.country(self.registry.country(place.name) or place.name)
        scope = f"{slugify(place.country)}/" if place.country else ""
        iri = f"{self.base}place/{scope}{slugify(place.name)}"
        country = self.country(place.country) if place.country else None
        if self.describe(iri):
            self.add(iri, RDF.type, SCHEMA.Place)
            self.lit(iri, SCHEMA.name, place.name)
            self.lit(iri, MAKB.placeKind, place.kind)
            self.add(iri, SCHEMA.containedInPlace, country)
            self.done()
        return iri

    def person(self, p: PersonRef) -> str:
        iri = self.registry.person_iri(p.name)
        if self.describe(iri):
            self.add(iri, RDF.type, FOAF.Person)
            self.lit(iri, FOAF.name, p.name)
            if p.email:
                self.add(iri, FOAF.mbox, f"mailto:{p.email}")
            self.done()
        unit = self.org(p.organisation)
        if p.role or unit:
            tag = short_hash(p.role or "", unit or "", n=6)
            post = f"{iri}/post/{slugify((p.role or 'member') + ' ' + (unit or ''), 60)}-{tag}"
            if self.describe(post):   # the post's description includes the person's links to it
                self.add(post, RDF.type, ORG.Post)
                self.add(post, RDF.type, MAKB.Post)
                self.lit(post, SKOS.prefLabel, p.role or "Member")
                self.add(post, ORG.heldBy, iri)
                self.add(iri, ORG.holds, post)
                if unit:
                    self.add(post, ORG.postIn, unit)
                    self.add(iri, ORG.memberOf, unit)
                if p.evidence:
                    self.lit(post, MAKB.evidence, p.evidence)
                self.done()
        return iri

    def evidence(self, graph: str, s: str, p: object, o: str, sentence: str | None, always: bool = False,
                 span: tuple[int | None, int | None] = (None, None)) -> None:
        """Reify (s, p, o) with the sentence it came from (standard RDF reification) and, for news, the
        sentence's offsets in the source; without a sentence only when ``always`` (a fact about a shared
        entity keeps its statement)."""
        if not sentence and not always:
            return
        stmt = f"{graph}/evidence/{short_hash(s, str(p), o, n=12)}"
        if ("stmt", stmt, "") in self._seen:
            return
        self._seen.add(("stmt", stmt, ""))
        self.add(stmt, RDF.type, RDF.Statement)
        self.add(stmt, RDF.subject, s)
        self.add(stmt, RDF.predicate, _n(p))
        self.add(stmt, RDF.object, o)
        self.lit(stmt, MAKB.evidence, sentence)
        self.offsets(stmt, span)

    def offsets(self, node: str, span: tuple[int | None, int | None]) -> None:
        """Where a news fact's evidence sentence sits in its source text (``nif:beginIndex``/``endIndex``)."""
        if span[0] is not None and span[1] is not None:
            self.lit(node, NIF.beginIndex, span[0])
            self.lit(node, NIF.endIndex, span[1])

    def references(self, graph: str) -> None:
        """The document graph's links to the shared entities it refers to."""
        for iri in self.refs:
            self.add(graph, DCTERMS.references, iri)


# ------------------------------------------------------------------------------- entry point


def document_key(doc: Document) -> tuple[str, str]:
    """(entity path, key): the identity of a document, stable across versions of it."""
    if isinstance(doc, ManagementResponseDocument):
        ev = doc.evaluation
        return "evaluation", f"{slugify(ev.title, 50)}-{short_hash(ev.title, ev.commissioning_unit or '')}"
    return "news", f"{slugify(doc.title, 50)}-{short_hash(doc.title, doc.date or '')}"


def graph_iri(doc: Document, base: str) -> str:
    _, key = document_key(doc)
    return f"{base}graph/{doc.kind}/{key}"


def map_document(doc: Document, src: SourceText, registry: Registry, ingested: datetime) -> DocumentGraph:
    """All triples of one document's named graph, provenance included."""
    base = registry.base
    b = _Builder(base, registry)
    g = b.graph = graph_iri(doc, base)
    path, key = document_key(doc)
    main = f"{base}{path}/{key}"  # the evaluation or news release
    source = f"{base}source/{src.sha256}"
    out = DocumentGraph(iri=g, kind=doc.kind, main=main, source=source)

    # provenance of the graph, inside the graph so that it is replaced with it
    b.add(g, RDF.type, MAKB.DocumentGraph)
    b.add(g, PROV.wasDerivedFrom, source)
    b.lit(g, MAKB.contentHash, src.sha256)
    b.lit(g, MAKB.parserVersion, parser_version(doc.kind))
    b.lit(g, PROV.generatedAtTime, ingested.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    b.add(g, MAKB.describes, main)
    b.add(source, RDF.type, MAKB.SourceDocument)
    b.add(source, RDF.type, PROV.Entity)
    b.lit(source, MAKB.fileName, src.source.replace("\\", "/").rsplit("/", 1)[-1])
    b.lit(source, MAKB.contentHash, src.sha256)
    b.lit(source, MAKB.documentKind, doc.kind)
    b.lit(source, DCTERMS.extent, src.size)
    b.lit(source, DCTERMS.format, "text/plain")
    b.lit(source, MAKB.sourceText, src.text)   # the text offsets and lines refer to, shown by the document page

    if isinstance(doc, ManagementResponseDocument):
        _map_response(b, doc, g, main, source, ingested, out)
    elif isinstance(doc, NewsDocument):
        _map_news(b, doc, g, main)
    _map_findings(b, doc.warnings, g, main)
    b.references(g)
    out.triples = b.triples
    out.entities = b.entities
    out.stated = b.stated
    return out


def status_observation(action: str, status: str, observed: str, source: str) -> list[Triple]:
    """A key action's status as one version of its source reported it on a date: written, for
    each version, once a later version of the document reports a different status."""
    obs = _n(f"{action}/status/{observed}-{short_hash(status, n=6)}")
    triples = [Triple(_n(action), MAKB.statusObservation, obs), Triple(obs, A, MAKB.StatusObservation),
               Triple(obs, MAKB.observedStatus, _n(status)), Triple(obs, PROV.wasDerivedFrom, _n(source))]
    day = typed_date(observed)
    if day is not None:
        triples.append(Triple(obs, MAKB.observedOn, day))
    return triples


def _map_findings(b: _Builder, findings: list[Finding], g: str, main: str) -> None:
    for i, f in enumerate(findings, 1):
        node = f"{g}/finding/{i}"
        b.add(g, MAKB.finding, node)
        b.add(node, RDF.type, MAKB.DataQualityFinding)
        b.lit(node, MAKB.findingCode, f.code)
        b.lit(node, RDFS.comment, f.message)
        b.lit(node, MAKB.sourceLine, f.line)
        target = main
        m = re.match(r"recommendation (\S+)", f.about or "", re.IGNORECASE)
        if m:
            target = f"{main}/rec/{slugify(m.group(1))}"
        b.add(node, MAKB.concerns, target)


# ------------------------------------------------------------------------------- management responses


def _map_response(b: _Builder, doc: ManagementResponseDocument, g: str, ev_iri: str, source: str,
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


def _map_recommendation(b: _Builder, rec: RecommendationRecord, rec_iri: str, pos: int, ev_iri: str,
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


def _party_unit(b: _Builder, party: Party, default_unit: str | None) -> tuple[str | None, str | None]:
    """(responsible IRI, accountable unit IRI) for one party."""
    if party.kind == "person" and party.person is not None:
        person = b.person(party.person)
        unit = b.org(party.person.organisation) or b.org(party.organisation) or default_unit
        return person, unit
    org = b.org(party.organisation)
    if party.kind == "team":
        return org or default_unit, org or default_unit
    return org, org


def _map_key_action(b: _Builder, ka: KeyActionRecord, iri: str, pos: int, rec_iri: str, default_unit: str | None,
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


# ------------------------------------------------------------------------------- news


def _map_news(b: _Builder, doc: NewsDocument, g: str, news: str) -> None:
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
