"""What the derived tables keep of the store: the facts of a few predicates, picked out of triples or N-Quads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kb.namespaces import PREFIXES

_RDF_TYPE = PREFIXES["rdf"] + "type"


def _iri(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


#: the predicates whose every triple is kept (what the whole-KB analyses join on)
PREDICATES: frozenset[str] = frozenset(_iri(c) for c in (
    "makb:number", "dcterms:description", "makb:status", "makb:dueEnd", "makb:dueText", "dcterms:created",
    "makb:recommendation", "makb:accountableUnit", "makb:responsible", "makb:evaluation", "makb:country",
    "makb:managementResponse", "makb:acceptance", "makb:addressee", "makb:commissioningUnit",
    "makb:funder", "makb:implementer", "makb:consortiumMember", "makb:partner", "makb:party",
    "makb:fileName", "prov:wasDerivedFrom", "dcterms:title",
    "skos:prefLabel", "foaf:name", "schema:name",
    "rdf:subject", "rdf:predicate", "rdf:object",
))
#: the classes whose ``rdf:type`` triples are kept
CLASSES: frozenset[str] = frozenset(_iri(c) for c in (
    "makb:KeyAction", "makb:Recommendation", "makb:Evaluation", "makb:Project", "makb:Partnership",
    "makb:Agreement", "foaf:Person", "org:Organization", "org:OrganizationalUnit",
))

_PREDICATE_TOKENS = frozenset(f"<{p}>".encode() for p in PREDICATES)
_TYPE_TOKEN = f"<{_RDF_TYPE}>".encode()
_CLASS_TOKENS = frozenset(f"<{c}>".encode() for c in CLASSES)

#: one kept fact: (graph, subject, predicate, object), each as its lexical value
Fact = tuple[str, str, str, str]


def param_iris() -> dict[str, str]:
    """``prefix_local`` -> IRI for every term the derived tables' SQL names (``:makb_status``...)."""
    out = {}
    for iri in sorted(PREDICATES | CLASSES | {_RDF_TYPE}):
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns):
                out[f"{prefix}_{iri[len(ns):]}"] = iri
    return out


def kept(predicate: str, obj: str) -> bool:
    return predicate in PREDICATES or (predicate == _RDF_TYPE and obj in CLASSES)


def _value(term: object) -> str:
    return getattr(term, "value", "") or ""


def from_triples(graph: str, triples: Iterable[ox.Triple]) -> Iterator[Fact]:
    """The kept facts of triples that make up ``graph``."""
    for t in triples:
        p, o = t.predicate.value, _value(t.object)
        if kept(p, o):
            yield graph, _value(t.subject), p, o


def from_quads(quads: Iterable[ox.Quad]) -> Iterator[Fact]:
    for q in quads:
        p, o = q.predicate.value, _value(q.object)
        if kept(p, o):
            yield _value(q.graph_name), _value(q.subject), p, o


def from_nquads(data: bytes) -> list[Fact]:
    """The kept facts of an N-Quads text: lines picked by their predicate, then parsed."""
    picked: list[bytes] = []
    for line in data.split(b"\n"):
        start = line.find(b" ") + 1
        end = line.find(b" ", start)
        if start <= 0 or end < 0:
            continue
        token = line[start:end]
        if token in _PREDICATE_TOKENS:
            picked.append(line)
        elif token == _TYPE_TOKEN:
            obj_end = line.find(b" ", end + 1)
            if line[end + 1:obj_end] in _CLASS_TOKENS:
                picked.append(line)
    if not picked:
        return []
    return list(from_quads(ox.parse(b"\n".join(picked) + b"\n", format=ox.RdfFormat.N_QUADS)))


def scan(store: ox.Store, graph: str | None = None) -> Iterator[Fact]:
    """The kept facts of a pyoxigraph store (or of one of its graphs), read predicate by predicate."""
    g = ox.NamedNode(graph) if graph else None
    rdf_type = ox.NamedNode(_RDF_TYPE)
    for c in sorted(CLASSES):
        yield from from_quads(store.quads_for_pattern(None, rdf_type, ox.NamedNode(c), g))
    for p in sorted(PREDICATES):
        yield from from_quads(store.quads_for_pattern(None, ox.NamedNode(p), None, g))
