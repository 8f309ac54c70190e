"""One interface over where the KB lives.

- ``OxigraphStore(path)``: the embedded Oxigraph store on disk (the default,
  ``.makb/store`` under the working directory; ``--store`` / ``MAKB_STORE``);
- ``OxigraphStore(None)``: in memory, for tests and one-off runs;
- ``RemoteStore(query_url, ...)``: any SPARQL 1.1 endpoint (Query, Update and,
  where offered, the Graph Store Protocol), e.g. an Oxigraph server, Fuseki,
  GraphDB, Virtuoso.  Queries see the union of all graphs: start Oxigraph with
  ``--union-default-graph`` (Fuseki: ``tdb2:unionDefaultGraph true``).

Every document lives in its own named graph, and loading a document's graph
replaces the old one atomically: readers see the old graph or the new one,
never a mix, and a crash leaves one of the two.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kb.errors import ConfigError, NotFound, QueryError, StoreBusy, StoreError
from kb.results import AskResult, GraphResult, QueryResult, SelectResult, Term, parse_json_results
from kb.sparql import query_form

#: export format name -> (pyoxigraph format, media type, suffix, holds named graphs?)
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str, str, bool]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", "ttl", False),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt", False),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf", False),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld", False),
    "trig": (ox.RdfFormat.TRIG, "application/trig", "trig", True),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads", "nq", True),
}

TripleLike = ox.Triple


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
    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (one transaction)."""

    @abstractmethod
    def replace_graphs(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
        """Replace each named graph by the given triples, each atomically."""

    def replace_graph(self, graph: str, triples: Sequence[ox.Triple]) -> None:
        self.replace_graphs([(graph, triples)])

    def add_graphs(self, data: bytes, graphs: Sequence[str], bulk: bool = False) -> None:
        """Write named graphs that are not in the store yet, given as one N-Quads text.

        ``graphs`` names every graph the text holds.  Each graph lands whole or not at
        all; ``bulk`` lets an embedded store trade one transaction for load speed (used by
        ``makb build``, which holds the store alone).
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


# ------------------------------------------------------------------------------------ embedded


class OxigraphStore(Store):
    """Embedded Oxigraph: on disk when ``path`` is given, else in memory."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        self.kind = "embedded" if path else "memory"
        self.location = str(path) if path else ":memory:"
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreBusy(f"the store at {path} is in use by another process "
                                "(stop `makb serve` or the other build, or use --endpoint)") from exc
            raise StoreError(f"cannot open the store at {path}: {msg}") from exc

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for benchmarks and the query workers."""
        return self._store

    def query(self, sparql: str, limit: int | None = None) -> QueryResult:
        try:
            res = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"store read failed: {exc}") from exc
        return convert_result(res, limit)

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL Update syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"store write failed: {exc}") from exc

    def replace_graphs(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
        fresh: list[ox.Quad] = []
        try:
            for graph, triples in graphs:
                g = ox.NamedNode(graph)
                if self._store.contains_named_graph(g):
                    body = ntriples(triples).decode("utf-8")
                    self._store.update(
                        f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
                else:
                    fresh.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)
            if fresh:
                self._store.extend(fresh)   # one transaction for all new graphs
        except OSError as exc:
            raise StoreError(f"store write failed: {exc}") from exc

    def add_graphs(self, data: bytes, graphs: Sequence[str], bulk: bool = False) -> None:
        if any(self._store.contains_named_graph(ox.NamedNode(g)) for g in graphs):
            super().add_graphs(data, graphs, bulk)   # replacing: the per-graph path
            return
        try:
            if bulk:
                # parsed and written in Rust without holding the GIL; a batch under a million
                # quads becomes one set of sorted files ingested in one step, so a killed build
                # leaves each graph of the batch whole or absent
                self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
            else:
                self._store.load(data, format=ox.RdfFormat.N_QUADS)   # one transaction
        except SyntaxError as exc:
            raise StoreError(f"store write refused malformed N-Quads: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"store write failed: {exc}") from exc

    def drop_graph(self, graph: str) -> None:
        g = ox.NamedNode(graph)
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        try:
            node = ox.NamedNode(graph)
        except ValueError:
            raise ConfigError(f"not an IRI: {graph!r}") from None
        return self._store.contains_named_graph(node)

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        rdf_format, _, _, quads = _format(fmt)
        if graph is not None:
            if not self.has_graph(graph):
                raise NotFound(f"no graph <{graph}> in the store")
            return self._store.dump(format=rdf_format, from_graph=ox.NamedNode(graph)) or b""
        if quads:
            return self._store.dump(format=rdf_format) or b""
        triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return ox.serialize(triples, format=rdf_format) or b""

    def flush(self) -> None:
        if self.kind == "embedded":
            self._store.flush()

    def close(self) -> None:
        if getattr(self, "_store", None) is not None and self.kind == "embedded":
            with contextlib.suppress(OSError, RuntimeError):   # RuntimeError: a read-only store
                self._store.flush()
        self._store = None  # type: ignore[assignment]


def convert_result(res: Any, limit: int | None) -> QueryResult:
    """pyoxigraph query answer -> QueryResult, cut at ``limit`` rows/triples."""
    if isinstance(res, ox.QueryBoolean):
        return AskResult(bool(res))
    if isinstance(res, ox.QuerySolutions):
        vars_ = [v.value for v in res.variables]
        rows: list[tuple[Term | None, ...]] = []
        truncated = False
        # values repeat a lot (units, statuses, names): convert each distinct term once
        seen: dict[Any, Term | None] = {None: None}
        for sol in res:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            row = []
            for t in sol:
                term = seen.get(t, seen)
                if term is seen:
                    term = seen[t] = to_term(t)
                row.append(term)
            rows.append(tuple(row))
        return SelectResult(vars_, rows, truncated)
    triples = []
    truncated = False
    for t in res:
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append(t)
    return GraphResult(ntriples(triples).decode("utf-8"), len(triples), truncated)


def _format(fmt: str) -> tuple[ox.RdfFormat, str, str, bool]:
    try:
        return RDF_FORMATS[fmt]
    except KeyError:
        raise ConfigError(f"unknown RDF format {fmt!r}; choose one of {', '.join(RDF_FORMATS)}") from None


# ------------------------------------------------------------------------------------ remote


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint reached over HTTP, with bounded retries."""

    kind = "remote"

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None,
                 retries: int = 3, timeout: float = 60.0) -> None:
        if not query_url.startswith(("http://", "https://")):
            raise ConfigError(f"endpoint must be an http(s) URL, got {query_url!r}")
        self.location = query_url
        self.query_url = query_url
        root = query_url.rstrip("/")
        if root.endswith("/query"):
            root = root[: -len("/query")]
            derived_update, derived_gsp = root + "/update", root + "/store"
        elif root.endswith("/sparql"):
            derived_update, derived_gsp = root[: -len("/sparql")] + "/update", root[: -len("/sparql")] + "/data"
        else:
            derived_update, derived_gsp = root + "/update", root + "/store"
            self.query_url = root + "/query"
        self.update_url = update_url or derived_update
        self.gsp_url = None if (gsp_url or "").lower() == "none" else (gsp_url or derived_gsp)
        self.retries = max(1, retries)
        self.timeout = timeout

    # ---------------------------------------------------------------- HTTP

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str) -> bytes:
        last: Exception | None = None
        for attempt in range(self.retries):
            req = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.read()
            except urllib.error.HTTPError as exc:
                body = exc.read().decode("utf-8", "replace")[:2000]
                if exc.code in (400, 403, 404, 406, 413, 415) or exc.code < 500:
                    raise QueryError(f"{self.location} answered {exc.code}: {body.strip()}") from exc
                last = exc
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                last = exc
            if attempt + 1 < self.retries:
                time.sleep(0.2 * 2 ** attempt)
        reason = getattr(last, "reason", None) or last
        raise StoreError(f"remote endpoint {url} unreachable after {self.retries} attempts: {reason}")

    def query(self, sparql: str, limit: int | None = None) -> QueryResult:
        form = query_form(sparql)
        if form == "UPDATE":
            raise QueryError("use update() for SPARQL Update")
        accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        body = self._request(self.query_url, sparql.encode("utf-8"),
                             {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept}, "POST")
        if form in ("CONSTRUCT", "DESCRIBE"):
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            truncated = limit is not None and len(triples) > limit
            if truncated:
                triples = triples[:limit]
            return GraphResult(ntriples(triples).decode("utf-8"), len(triples), truncated)
        try:
            result = parse_json_results(json.loads(body))
        except (ValueError, KeyError) as exc:
            raise StoreError(f"{self.location} sent an unreadable answer: {exc}") from exc
        if isinstance(result, SelectResult) and limit is not None and len(result.rows) > limit:
            result.rows = result.rows[:limit]
            result.truncated = True
        return result

    def update(self, sparql: str) -> None:
        self._request(self.update_url, sparql.encode("utf-8"),
                      {"Content-Type": "application/sparql-update; charset=utf-8"}, "POST")

    def replace_graphs(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
        for graph, triples in graphs:
            body = ntriples(triples)
            if self.gsp_url:
                url = f"{self.gsp_url}?graph={urllib.parse.quote(graph, safe='')}"
                self._request(url, body, {"Content-Type": "application/n-triples"}, "PUT")
            else:
                text = body.decode("utf-8")
                self.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{text}\n}} }}")

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        rdf_format, _, _, quads = _format(fmt)
        if graph is not None and not self.has_graph(graph):
            raise NotFound(f"no graph <{graph}> in the store")
        if graph is not None or not quads:
            where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
            res = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}")
            assert isinstance(res, GraphResult)
            triples = ox.parse(res.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
            return ox.serialize(triples, format=rdf_format) or b""
        rows = self.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        quads_ = [ox.Quad(from_term(s), from_term(p), from_term(o), from_term(g))  # type: ignore[arg-type]
                  for g, s, p, o in rows.rows]
        return ox.serialize(quads_, format=rdf_format) or b""


# ------------------------------------------------------------------------------------ factory


def open_store(settings: dict[str, Any], read_only: bool = False, memory: bool = False) -> Store:
    """The store the settings name: the remote endpoint when set, else the embedded store."""
    if memory:
        return OxigraphStore(None)
    if settings.get("MAKB_ENDPOINT"):
        return RemoteStore(settings["MAKB_ENDPOINT"], settings.get("MAKB_UPDATE_ENDPOINT"),
                           settings.get("MAKB_GSP_ENDPOINT"), retries=int(settings.get("MAKB_REMOTE_RETRIES", 3)),
                           timeout=float(settings.get("MAKB_REMOTE_TIMEOUT", 60.0)))
    return OxigraphStore(settings["MAKB_STORE"], read_only=read_only)
