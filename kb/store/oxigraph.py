"""The embedded Oxigraph store, on disk or in memory."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from kb.errors import ConfigError, NotFound, QueryError, StoreBusy, StoreError
from kb.store.base import Store, _format, ntriples, to_term
from kb.store.results import AskResult, GraphResult, QueryResult, SelectResult, Term
from kb.summary import Summary


class OxigraphStore(Store):
    """Embedded Oxigraph: on disk when ``path`` is given, else in memory."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        self.kind = "embedded" if path else "memory"
        self.location = str(path) if path else ":memory:"
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                # RocksDB's read-only mode: takes no lock and writes nothing, so it opens a store
                # another process (``makb serve``) holds, or a directory this user cannot write
                if not (Path(path) / "CURRENT").is_file():
                    raise StoreError(f"no store at {path} (build one with 'makb build')")
                self._store = _open_read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreBusy(f"the store at {path} is in use by another process "
                                "(stop `makb serve` or the other build, or use --endpoint)") from exc
            raise StoreError(f"cannot open the store at {path}: {msg}") from exc
        #: the derived tables (``kb.summary``): beside the store on disk, in memory for a memory store
        self.summary = Summary(summary_path(path) if path else None, read_only=read_only,
                               empty=not read_only and self._empty())

    def _empty(self) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

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

    def update(self, sparql: str, graphs: Sequence[str] | None = None) -> None:
        with self.summary.writing():
            try:
                self._store.update(sparql)
            except SyntaxError as exc:
                raise QueryError(f"SPARQL Update syntax error: {exc}") from exc
            except OSError as exc:
                raise StoreError(f"store write failed: {exc}") from exc
            self.summary.reread(self._store, graphs)

    def replace_graphs(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
        with self.summary.writing():
            self._replace_graphs(graphs)
            self.summary.replaced(graphs)

    def _replace_graphs(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
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

    def add_graphs(self, data: bytes, graphs: Sequence[str], bulk: bool = False,
                   facts: Sequence[tuple[str, str, str, str]] | None = None) -> None:
        if any(self._store.contains_named_graph(ox.NamedNode(g)) for g in graphs):
            super().add_graphs(data, graphs, bulk)   # replacing: the per-graph path
            return
        with self.summary.writing():
            self._load(data, bulk)
            self.summary.added(data, facts, bulk)

    def _load(self, data: bytes, bulk: bool) -> None:
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
            with self.summary.writing():
                self._store.remove_graph(g)
                self.summary.dropped([graph])

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
        # a CONSTRUCT always answers triples
        triples = cast(ox.QueryTriples, self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return ox.serialize(triples, format=rdf_format) or b""

    def settle(self) -> None:
        """Ready the derived tables now: filled if they are not fresh (a store made before them, a user's
        update), indexed after a build's bulk load."""
        self.summary.settle(self._store)

    def flush(self) -> None:
        if self.kind == "embedded":
            self._store.flush()

    def close(self) -> None:
        if getattr(self, "summary", None) is not None:
            self.summary.close()
        if getattr(self, "_store", None) is not None and self.kind == "embedded":
            with contextlib.suppress(OSError, RuntimeError):   # RuntimeError: a read-only store
                self._store.flush()
        self._store = None  # type: ignore[assignment]


def summary_path(store: str | Path) -> Path:
    """Where the derived tables of an embedded store live: beside its directory."""
    location = Path(store).resolve()
    return location.with_name(location.name + ".summary.sqlite")


#: marks a term not converted yet (``None`` is a real value: an unbound variable)
_UNSEEN = Term("unseen", "")


#: read-only opens tried while the holder rewrites the store's file list (a compaction)
READ_ONLY_ATTEMPTS = 5


def _open_read_only(path: str) -> ox.Store:
    """``Store.read_only``, tried again while a process holding the store swaps its files: a
    read-only open then finds a file list naming a file just compacted away."""
    for attempt in range(READ_ONLY_ATTEMPTS):
        try:
            return ox.Store.read_only(path)
        except (OSError, RuntimeError) as exc:
            if attempt + 1 == READ_ONLY_ATTEMPTS or "No such file" not in str(exc):
                if isinstance(exc, OSError):
                    raise
                raise OSError(str(exc)) from exc
            time.sleep(0.1 * 2 ** attempt)
    raise AssertionError("unreachable")


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
            row: list[Term | None] = []
            for t in sol:
                term = seen.get(t, _UNSEEN)
                if term is _UNSEEN:
                    term = seen[t] = to_term(t)
                row.append(term)
            rows.append(tuple(row))
        return SelectResult(vars_, rows, truncated)
    triples: list[ox.Triple] = []
    truncated = False
    for t in res:
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append(t)
    return GraphResult(ntriples(triples).decode("utf-8"), len(triples), truncated)
