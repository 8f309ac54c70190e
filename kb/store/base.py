"""The store interface every backend implements, and the RDF formats it reads and writes.

``Store`` is what the rest of the library sees (``kb.store.oxigraph`` and
``kb.store.remote`` implement it): queries over the union of all graphs, and
writes that replace a named graph atomically, so readers see the old graph or
the new one, never a mix.  Terms cross between pyoxigraph and the
store-independent ``kb.store.results.Term`` through ``to_term``/``from_term``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from kb.errors import ConfigError, QueryError, StoreError
from kb.store.results import AskResult, QueryResult, SelectResult, Term

#: export format name -> (pyoxigraph format, media type, suffix, holds named graphs?)
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str, str, bool]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", "ttl", False),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt", False),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf", False),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld", False),
    "trig": (ox.RdfFormat.TRIG, "application/trig", "trig", True),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads", "nq", True),
}


def to_term(t: Any) -> Term | None:
    """pyoxigraph term -> Term."""
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        return Term("literal", t.value, t.datatype.value, t.language)
    return Term("triple", str(t))


def from_term(t: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Term -> pyoxigraph term."""
    if t.kind == "uri":
        return ox.NamedNode(t.value)
    if t.kind == "bnode":
        return ox.BlankNode(t.value)
    if t.lang:
        return ox.Literal(t.value, language=t.lang)
    if t.datatype:
        return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype))
    return ox.Literal(t.value)


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def nquads(graph: str, triples: Iterable[ox.Triple]) -> bytes:
    """The triples of one named graph as N-Quads (the same bytes pyoxigraph would write)."""
    g = f"<{graph}>"
    return "".join([f"{t} {g} .\n" for t in triples]).encode("utf-8")


def split_nquads(data: bytes) -> dict[str, list[ox.Triple]]:
    """N-Quads -> graph IRI -> triples (quads in the default graph are refused)."""
    out: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        if not isinstance(q.graph_name, ox.NamedNode):
            raise StoreError("N-Quads for new graphs hold a triple outside any named graph")
        out.setdefault(q.graph_name.value, []).append(q.triple)
    return out


class Store(ABC):
    """What every part of the KB needs from a store."""

    #: "embedded", "memory" or "remote"
    kind: str
    #: where it is (path or URL), for messages
    location: str

    @abstractmethod
    def query(self, sparql: str, limit: int | None = None) -> QueryResult:
        """Run a query over the union of all graphs. ``limit`` caps rows/triples (``truncated`` set)."""

    @abstractmethod
    def update(self, sparql: str, graphs: Sequence[str] | None = None) -> None:
        """Run a SPARQL Update (one transaction).

        ``graphs`` names every graph the update can change, when the caller knows them (the
        build does); the store's derived tables then refresh only those graphs.
        """

    @abstractmethod
    def replace_graphs(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
        """Replace each named graph by the given triples, each atomically."""

    def replace_graph(self, graph: str, triples: Sequence[ox.Triple]) -> None:
        self.replace_graphs([(graph, triples)])

    def add_graphs(self, data: bytes, graphs: Sequence[str], bulk: bool = False,
                   facts: Sequence[tuple[str, str, str, str]] | None = None) -> None:
        """Write named graphs that are not in the store yet, given as one N-Quads text.

        ``graphs`` names every graph the text holds.  Each graph lands whole or not at
        all; ``bulk`` lets an embedded store trade one transaction for load speed (used by
        ``makb build``, which holds the store alone).  ``facts``, when given, are what the
        store's derived tables keep of the text (``kb.summary.projection``), picked out already.
        """
        by_graph = split_nquads(data)
        self.replace_graphs([(g, by_graph.get(g, [])) for g in graphs])

    @abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error if absent)."""

    @abstractmethod
    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        """Serialise the KB (or one graph) as ``fmt`` (a key of RDF_FORMATS)."""

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release the store."""

    def settle(self) -> None:  # noqa: B027 - most stores derive nothing
        """Bring what the store derives from its contents up to date now rather than at its first use."""

    # ---------------------------------------------------------------- shared helpers

    def select(self, sparql: str) -> SelectResult:
        result = self.query(sparql)
        if not isinstance(result, SelectResult):
            raise QueryError("expected a SELECT query")
        return result

    def graphs(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [r["g"].value for r in rows]

    def has_graph(self, graph: str) -> bool:
        res = self.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return bool(isinstance(res, AskResult) and res.value)

    def graph_counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
        return {r["g"].value: int(r["n"].value) for r in rows}

    def distinct_triples(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
        return int(rows.rows[0][0].value) if rows.rows and rows.rows[0][0] else 0

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _format(fmt: str) -> tuple[ox.RdfFormat, str, str, bool]:
    try:
        return RDF_FORMATS[fmt]
    except KeyError:
        raise ConfigError(f"unknown RDF format {fmt!r}; choose one of {', '.join(RDF_FORMATS)}") from None
