"""The document graphs already in the store: their versions, status history, and the shared entities they release.

The build asks these questions before it writes a document's graph: which
version is stored, which key actions changed status since, and what in the
entities graph only this document supported (removed in the same write when
the document is replaced or deleted).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

from kb.mapping import STATED_PREDICATES, entities_graph, status_observation
from kb.namespaces import sparql_prefixes
from kb.store import GraphResult, Store


def existing_versions(store: Store) -> dict[str, tuple[str, str]]:
    """graph IRI -> (content hash, parser version) of every document graph in the store."""
    rows = store.select(sparql_prefixes(["makb"]) + """
        SELECT ?g ?h ?v WHERE { GRAPH ?g { ?g a makb:DocumentGraph ; makb:contentHash ?h ; makb:parserVersion ?v } }""")
    return {r["g"].value: (r["h"].value, r["v"].value) for r in rows}


def previous_observations(store: Store, graph: str) -> list[ox.Triple]:
    """The status observations kept in a document graph, to carry into its next version."""
    res = store.query(sparql_prefixes(["makb"]) + f"""
        CONSTRUCT {{ ?ka makb:statusObservation ?o . ?o ?p ?v }}
        WHERE {{ GRAPH <{graph}> {{ ?ka makb:statusObservation ?o . ?o ?p ?v }} }}""")
    assert isinstance(res, GraphResult)
    return [q.triple for q in ox.parse(res.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def referenced_entities(store: Store, graph: str) -> list[str]:
    """The shared entities (and registry entries) a document graph refers to."""
    rows = store.select(f"SELECT ?e WHERE {{ GRAPH <{graph}> {{ <{graph}> <{_REFERENCES}> ?e }} }}")
    return [r["e"].value for r in rows]


_REFERENCES = "http://purl.org/dc/terms/references"
_MAKB = "https://w3id.org/makb/ontology#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def release_entities(entities: str, graph: str, candidates: Sequence[str]) -> str:
    """SPARQL Update operations that keep the entities graph consistent once ``graph`` no longer
    says what it said about ``candidates`` (the entities it referred to): facts no document
    states any more, entities no document refers to any more (and links to them) go, and an
    entity it introduced that others still name is credited to the first of those."""
    if not candidates:
        return ""
    values = " ".join(f"<{c}>" for c in candidates)
    stated = " ".join(f"makb:{p}" for p in STATED_PREDICATES)
    unreferenced = "FILTER NOT EXISTS { GRAPH ?d { ?d dcterms:references ?e } }"
    text = f"""
DELETE {{ GRAPH <{entities}> {{ ?s ?p ?o }} }}
WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {stated} }} GRAPH <{entities}> {{ ?s ?p ?o }}
         FILTER NOT EXISTS {{ GRAPH ?d {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} }} }} ;
DELETE {{ GRAPH <{entities}> {{ ?x ?p ?e }} }}
WHERE {{ VALUES ?e {{ {values} }} GRAPH <{entities}> {{ ?x ?p ?e }} {unreferenced} }} ;
DELETE {{ GRAPH <{entities}> {{ ?e ?p ?o }} }}
WHERE {{ VALUES ?e {{ {values} }} GRAPH <{entities}> {{ ?e ?p ?o }} {unreferenced} }} ;
DELETE {{ GRAPH <{entities}> {{ ?e org:memberOf ?unit }} }}
WHERE {{ VALUES ?e {{ {values} }} GRAPH <{entities}> {{ ?e org:memberOf ?unit }}
         FILTER NOT EXISTS {{ GRAPH <{entities}> {{ ?post org:heldBy ?e ; org:postIn ?unit }} }} }} ;
DELETE {{ GRAPH <{entities}> {{ ?e prov:wasDerivedFrom <{graph}> }} }}
INSERT {{ GRAPH <{entities}> {{ ?e prov:wasDerivedFrom ?first }} }}
WHERE {{
  {{ SELECT ?e (MIN(?d) AS ?first)
     WHERE {{ VALUES ?e {{ {values} }} GRAPH <{entities}> {{ ?e prov:wasDerivedFrom <{graph}> }}
             GRAPH ?d {{ ?d dcterms:references ?e }} FILTER (?d != <{graph}>) }}
     GROUP BY ?e }}
  FILTER NOT EXISTS {{ GRAPH <{graph}> {{ <{graph}> dcterms:references ?e }} }}
}}"""
    # full IRIs: it follows other operations, and not every engine reads a prologue after ';'
    for prefix, iri in (("makb:", _MAKB), ("org:", "http://www.w3.org/ns/org#"), ("prov:", "http://www.w3.org/ns/prov#"),
                        ("dcterms:", "http://purl.org/dc/terms/"), ("rdf:", _RDF)):
        text = re.sub(rf"\b{prefix}(\w+)", rf"<{iri}\1>", text)
    return text


def delete_document(store: Store, graph: str, base: str) -> bool:
    """Remove a document's graph and, in the same write, what only it supported in the entities
    graph (``base``: the KB's base IRI).  False when there was no such graph."""
    if not store.has_graph(graph):
        return False
    cleanup = release_entities(entities_graph(base), graph, referenced_entities(store, graph))
    store.update(f"DROP SILENT GRAPH <{graph}>" + (f" ;\n{cleanup}" if cleanup else ""),
                 [graph, entities_graph(base)])
    return True


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def ntriples_text(data: bytes) -> str:
    """The N-Quads of one named graph as N-Triples text (the graph name dropped)."""
    return "".join(f"{q.triple} .\n" for q in ox.parse(data, format=ox.RdfFormat.N_QUADS))


_STATUS = "https://w3id.org/makb/ontology#status"
_MODIFIED = "http://purl.org/dc/terms/modified"


def status_changes(store: Store, graph: str, new: Sequence[ox.Triple], today: str) -> list[ox.Triple]:
    """Status observations for the key actions whose status the new version of a document graph
    changes: the status each version reported, with its date and source."""
    rows = store.select(sparql_prefixes(["makb", "prov", "dcterms"]) + f"""
        SELECT ?action ?status ?modified ?ingested ?source
        WHERE {{ GRAPH <{graph}> {{
          <{graph}> prov:wasDerivedFrom ?source ; prov:generatedAtTime ?ingested .
          ?action makb:status ?status .
          OPTIONAL {{ ?action dcterms:modified ?modified }} }} }}""")
    status = {_value(t.subject): _value(t.object) for t in new if t.predicate.value == _STATUS}
    modified = {_value(t.subject): _value(t.object) for t in new if t.predicate.value == _MODIFIED}
    source = next((_value(t.object) for t in new if _value(t.subject) == graph and t.predicate.value == _DERIVED), "")
    out: list[ox.Triple] = []
    for r in rows:
        action, was = r["action"].value, r["status"].value
        now_status = status.get(action)
        if now_status is None or now_status == was:
            continue
        before = r["modified"].value if "modified" in r else r["ingested"].value[:10]
        out += status_observation(action, was, before, r["source"].value)
        out += status_observation(action, now_status, modified.get(action) or today, source)
    return out
