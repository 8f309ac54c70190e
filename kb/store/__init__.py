"""One interface over where the KB lives.

- ``OxigraphStore(path)``: the embedded Oxigraph store on disk (the default,
  ``.makb/store`` under the working directory; ``--store`` / ``MAKB_STORE``);
- ``OxigraphStore(None)``: in memory, for tests and one-off runs;
- ``RemoteStore(query_url, ...)``: any SPARQL 1.1 endpoint (Query, Update and,
  where offered, the Graph Store Protocol), e.g. an Oxigraph server, Fuseki,
  GraphDB, Virtuoso.  Queries see the union of all graphs: start Oxigraph with
  ``--union-default-graph`` (Fuseki: ``tdb2:unionDefaultGraph true``; Virtuoso
  does it by default); opening a remote store checks it.

Only the KB's own graphs count (``kb_graphs``): a server's system graphs
(Virtuoso's DAV, virtrdf#, ...) are never counted, validated or exported.

Every document lives in its own named graph, and loading a document's graph
replaces the old one atomically: readers see the old graph or the new one,
never a mix, and a crash leaves one of the two.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kb.namespaces import DEFAULT_BASE, MAKB, ONTOLOGY_IRI
from kb.store.base import RDF_FORMATS, Store, _format, from_term, nquads, ntriples, split_nquads, to_term
from kb.store.oxigraph import OxigraphStore, convert_result
from kb.store.remote import RemoteStore
from kb.store.results import AskResult, GraphResult, QueryResult, SelectResult, Term

__all__ = ["RDF_FORMATS", "AskResult", "GraphResult", "OxigraphStore", "QueryResult", "RemoteStore",
           "SelectResult", "Store", "Term", "convert_result", "dump_kb", "from_term", "is_kb_graph",
           "kb_graph_counts", "kb_graphs", "nquads", "ntriples", "open_store", "split_nquads", "to_term"]


def open_store(settings: dict[str, Any], read_only: bool = False, memory: bool = False) -> Store:
    """The store the settings name: the remote endpoint when set, else the embedded store.

    A remote store is checked before its first request: its default graph must be the union of its named
    graphs (a ConfigError saying how to make it so otherwise).
    """
    if memory:
        return OxigraphStore(None)
    if settings.get("MAKB_ENDPOINT"):
        store = RemoteStore(settings["MAKB_ENDPOINT"], settings.get("MAKB_UPDATE_ENDPOINT"),
                            settings.get("MAKB_GSP_ENDPOINT"), retries=int(settings.get("MAKB_REMOTE_RETRIES", 3)),
                            timeout=float(settings.get("MAKB_REMOTE_TIMEOUT", 60.0)),
                            base_iri=settings.get("MAKB_BASE_IRI") or DEFAULT_BASE)
        store.require_union(probe_write=not read_only)
        return store
    return OxigraphStore(settings["MAKB_STORE"], read_only=read_only)


def is_kb_graph(graph: str, base: str = DEFAULT_BASE) -> bool:
    """Whether a graph IRI is one the KB writes: the ontology, or a graph under ``{base}graph/``."""
    return graph == ONTOLOGY_IRI or graph.startswith(f"{base}graph/")


def kb_graphs(store: Store) -> list[str]:
    """The graphs the KB wrote, sorted: the ontology, the registry and build graphs, the document graphs
    (under the base IRI, or carrying their provenance as a ``makb:DocumentGraph``), never a server's
    system graphs (Virtuoso's DAV, virtrdf#, ...)."""
    base = getattr(store, "base_iri", DEFAULT_BASE)
    every = store.graphs()
    mine = {g for g in every if is_kb_graph(g, base)}
    if len(mine) < len(every):   # a graph minted under another base IRI still says it is a document graph
        rows = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a <{MAKB.DocumentGraph}> }} }}")
        mine.update(r["g"].value for r in rows)
    return sorted(mine)


def kb_graph_counts(store: Store) -> dict[str, int]:
    """Triples per graph of the KB's own graphs (``kb_graphs``)."""
    counts = store.graph_counts()
    return {g: counts[g] for g in kb_graphs(store) if g in counts}


def dump_kb(store: Store, fmt: str) -> bytes:
    """The KB's own graphs (``kb_graphs``) as ``fmt``: what ``makb export`` and validation read."""
    graphs = kb_graphs(store)
    if isinstance(store, RemoteStore):
        return store.dump_graphs(fmt, graphs)
    if graphs == store.graphs():
        return store.dump(fmt)
    rdf_format, _, _, quads = _format(fmt)
    parsed = {g: list(ox.parse(store.dump("nt", g), format=ox.RdfFormat.N_TRIPLES)) for g in graphs}
    if quads:
        return ox.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                             for g, triples in parsed.items() for t in triples], format=rdf_format) or b""
    unique = dict.fromkeys(t for triples in parsed.values() for t in triples)
    return ox.serialize(list(unique), format=rdf_format) or b""
