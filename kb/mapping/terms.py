"""What every mapping module writes with: ontology terms as nodes made once, typed dates, the triple builder."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Triple

from kb import namespaces
from kb.model import (
    OrgRef,
    PersonRef,
    PlaceRecord,
)
from kb.registry import TYPE_CONCEPTS, Registry, slugify


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


def node(iri: object) -> NamedNode:
    """The node for an IRI (cached: the same few thousand IRIs recur in every document)."""
    return iri if isinstance(iri, NamedNode) else _iri(str(iri))


A = node(RDF.type)
_TERM_TYPES = (NamedNode, Literal)
_TRUE = Literal("true", datatype=node(XSD.boolean))
_FALSE = Literal("false", datatype=node(XSD.boolean))


@lru_cache(maxsize=1 << 12)
def _integer(value: int) -> Literal:
    """An xsd:integer literal (cached: positions, line numbers and counts repeat)."""
    return Literal(str(value), datatype=node(XSD.integer))


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
        return Literal(text, datatype=node(XSD.date))
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return Literal(text, datatype=node(XSD.gYearMonth))
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=node(XSD.gYear))
    return None


def entities_graph(base: str) -> str:
    """The named graph of the shared entities (maintained by the build)."""
    return f"{base}graph/entities"


#: predicates of the facts about shared projects and partnerships that documents state: kept in
#: the entities graph while some document graph holds the statement (``rdf:Statement``) of it
STATED_PREDICATES = ("funder", "implementer", "consortiumMember", "location", "party")


@lru_cache(maxsize=8)
def registry_iris(registry: Registry) -> frozenset[str]:
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


class GraphBuilder:
    def __init__(self, base: str, registry: Registry) -> None:
        self.base = base
        self.registry = registry
        self.triples: list[Triple] = []
        #: shared entity IRI -> description (first document wins; the build keeps one)
        self.entities: dict[str, list[Triple]] = {}
        self.stated: list[Triple] = []
        #: shared entities (and registry entries) this document refers to, in order of first use
        self.refs: dict[str, None] = {}
        self._registry = registry_iris(registry)
        self._seen: set[tuple[str, str, str]] = set()
        self._into: list[Triple] | None = None   # while describing a shared entity: its triples
        self.graph = ""                          # the document graph's IRI

    def add(self, s: str, p: object, o: NamedNode | Literal | str | None) -> None:
        if o is None:
            return
        obj = o if isinstance(o, _TERM_TYPES) else _iri(str(o))
        (self.triples if self._into is None else self._into).append(Triple(node(s), node(p), obj))

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
        self.stated.append(Triple(node(s), node(p), node(o)))
        self.evidence(self.graph, s, p, o, sentence, always=True)

    def lit(self, s: str, p: object, value: object, datatype: object | None = None, lang: str | None = None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            lit = _TRUE if value else _FALSE
        elif isinstance(value, int):
            lit = _integer(value)
        elif datatype is not None:
            lit = Literal(str(value), datatype=node(datatype))
        elif lang:
            lit = Literal(str(value), language=lang)
        else:
            lit = Literal(str(value))
        (self.triples if self._into is None else self._into).append(Triple(node(s), node(p), lit))

    def date(self, s: str, p: object, text: str | None) -> None:
        lit = typed_date(text)
        if lit is not None:
            (self.triples if self._into is None else self._into).append(Triple(node(s), node(p), lit))

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
        self.add(stmt, RDF.predicate, node(p))
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
