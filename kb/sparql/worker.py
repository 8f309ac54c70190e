"""What runs inside a query worker process: the guard, the dataset rules, and answers cut at rows and bytes.

A worker drops the ability to open IP sockets and caps its own memory before
it opens the store (``kb.sparql.sandbox``), then answers messages from the
pool.  ``run_on_store`` is also what the in-thread executor runs, so the
dataset rules and both caps are the same everywhere.

Dataset (SPARQL 1.1 Protocol, section 2.1.4): ``default-graph-uri`` and
``named-graph-uri`` override the query's ``FROM`` and ``FROM NAMED``; a query
that names its own dataset gets it; only a query that names none sees the
union of every named graph as its default graph.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kb.errors import KBError, QueryError, QueryTooLarge, StoreError
from kb.sparql import tokens
from kb.sparql.sandbox import deny_network, limit_memory, memory_mb
from kb.store import OxigraphStore
from kb.store.base import ntriples, to_term
from kb.store.results import AskResult, GraphResult, QueryResult, SelectResult, Term

#: attempts to open the store read-only (a compaction in the writing process can race the first)
OPEN_ATTEMPTS = 5
#: bytes counted per term besides its text (JSON or XML markup around it)
_TERM_OVERHEAD = 24


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a request names by protocol parameters (empty: none named)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)

    @classmethod
    def from_params(cls, default_graphs: list[str], named_graphs: list[str]) -> Dataset:
        """Check the IRIs of ``default-graph-uri`` / ``named-graph-uri``; QueryError names a bad one."""
        for name, values in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
            for value in values:
                try:
                    ox.NamedNode(value)
                except ValueError:
                    raise QueryError(f"{name}: not an IRI: {value!r}") from None
        return cls(tuple(default_graphs), tuple(named_graphs))


NO_DATASET = Dataset()


def names_dataset(query: str) -> bool:
    """True when the query has a ``FROM`` or ``FROM NAMED`` clause."""
    return "FROM" in tokens.words(query)


def run_on_store(store: ox.Store, query: str, *, max_rows: int, max_bytes: int,
                 dataset: Dataset = NO_DATASET) -> QueryResult:
    """Run ``query`` under the dataset rules, cut at ``max_rows`` rows and about ``max_bytes`` bytes.

    Every failure becomes a ``KBError``: a syntax or evaluation error is a
    ``QueryError``; running out of this process's memory is ``QueryTooLarge``.
    """
    kwargs: dict[str, Any] = {}
    if dataset.given:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
    elif not names_dataset(query):
        kwargs["use_default_graph_as_union"] = True
    try:
        res = store.query(query, **kwargs)
        return _convert(res, max_rows, max_bytes)
    except KBError:
        raise
    except MemoryError:
        raise QueryTooLarge("the query needed more memory than a query worker may use; it was stopped") from None
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"store read failed: {exc}") from exc
    except Exception as exc:  # the engine raises RuntimeError, ValueError... for evaluation errors
        raise QueryError(f"query failed: {exc}") from exc


def _size(term: Term | None) -> int:
    if term is None:
        return 4
    return len(term.value) + len(term.datatype or "") + len(term.lang or "") + _TERM_OVERHEAD


def _convert(res: Any, max_rows: int, max_bytes: int) -> QueryResult:
    """pyoxigraph answer -> QueryResult, stopping before the row or the byte that would pass a cap."""
    if isinstance(res, ox.QueryBoolean):
        return AskResult(bool(res))
    if isinstance(res, ox.QuerySolutions):
        variables = [v.value for v in res.variables]
        rows: list[tuple[Term | None, ...]] = []
        used = 0
        for solution in res:
            row = tuple(to_term(t) for t in solution)
            used += sum(_size(t) for t in row)
            if len(rows) >= max_rows or used > max_bytes:
                return SelectResult(variables, rows, True)
            rows.append(row)
        return SelectResult(variables, rows, False)
    triples: list[ox.Triple] = []
    used = 0
    truncated = False
    for triple in res:
        used += len(str(triple)) + 3
        if len(triples) >= max_rows or used > max_bytes:
            truncated = True
            break
        triples.append(triple)
    return GraphResult(ntriples(triples).decode("utf-8"), len(triples), truncated)


# ------------------------------------------------------------------------------------ the worker process


def _watch_parent(parent: int) -> None:
    """End this worker when the process that started it is gone (even mid-query)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def open_read_only(path: str) -> OxigraphStore:
    if not Path(path).is_dir():
        raise StoreError(f"no store at {path} (build one with 'makb build')")
    last: StoreError | None = None
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return OxigraphStore(path, read_only=True)
        except StoreError as exc:
            last = exc
            time.sleep(0.2 * (attempt + 1))
    assert last is not None
    raise last


def worker_main(conn: Any, path: str, parent: int, memory: int) -> None:
    """A query worker: guard itself, open the store read-only, then answer messages until ``None``.

    Messages are ``("query", text, max_rows, max_bytes, dataset)`` and
    ``("dump", format, destination)``.  Replies are ``("ready",)`` once, then
    ``("ok", value)`` or ``("error", class name, message)``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C reaches the whole group: the parent stops us
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        deny_network(all_threads=True)     # the parent watcher thread included
        store = open_read_only(path)
        # what a query may use comes on top of what the open store holds (which grows with the store)
        limit_memory(memory + int(memory_mb().get("size", 0) * 1024 * 1024) if memory else 0)
    except KBError as exc:
        conn.send(("error", type(exc).__name__, exc.message))
        return
    conn.send(("ready",))
    try:
        while (msg := conn.recv()) is not None:
            try:
                reply: tuple[Any, ...] = ("ok", _handle(store, msg))
            except KBError as exc:
                reply = ("error", type(exc).__name__, exc.message)
            except MemoryError:
                reply = ("error", "QueryTooLarge", "the answer needed more memory than a query worker may use")
            conn.send(reply)
    except (EOFError, OSError):
        pass
    finally:
        store.close()


def _handle(store: OxigraphStore, msg: tuple[Any, ...]) -> Any:
    if msg[0] == "query":
        _, text, max_rows, max_bytes, dataset = msg
        return run_on_store(store.raw, text, max_rows=max_rows, max_bytes=max_bytes, dataset=dataset)
    if msg[0] == "dump":
        _, fmt, dest = msg
        tmp = Path(f"{dest}.part")
        tmp.write_bytes(store.dump(fmt))
        tmp.replace(dest)
        return str(dest)
    raise QueryError(f"unknown worker message {msg[0]!r}")
