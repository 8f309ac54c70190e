"""Public SPARQL queries within bounds: read-only, time-limited, row-capped, no outbound calls.

Every query is first checked by ``kb.sparql.check_public`` (size, updates,
``SERVICE``, nesting).  Then it runs on one of three executors, chosen by
``make_executor`` from the kind of store:

- ``WorkerPool`` (the embedded on-disk store): pyoxigraph has no query timeout
  and cannot cancel a running query, so queries run in ``MAKB_QUERY_WORKERS``
  worker processes, each holding the store opened read-only.  A query that
  runs past ``MAKB_QUERY_TIMEOUT`` has its worker killed (and a fresh one
  started); the client gets ``QueryTimeout``.  A query that crashes its worker
  (the engine's parser recurses, so some deeply nested texts overflow its
  stack) is answered with ``QueryError``; the other workers keep serving.
  Writers in the app process wrap their write in ``with pool.writing():``,
  which waits for running queries, stops the workers, lets the write happen
  and starts workers on the new state.
- ``RemoteExecutor`` (``MAKB_ENDPOINT``): the query is forwarded with an HTTP
  time limit; past it the client gets ``QueryTimeout`` (the remote server may
  go on computing: stopping it is that server's own setting).
- ``InThreadExecutor`` (an in-memory store, for tests): the query runs in the
  calling thread; nothing can be killed there, so it has **no time limit**.

Results are capped at ``MAKB_MAX_ROWS`` rows (or triples) and marked
``truncated``.  ``answer`` picks the format (``kb.sparql.negotiation``) and
serialises, for the web view.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kb import errors
from kb.errors import KBError, QueryError, QueryTimeout, StoreError
from kb.sparql.check import check_public, with_prefixes
from kb.sparql.negotiation import Format
from kb.store import OxigraphStore, RemoteStore, Store
from kb.store.results import QueryResult

#: seconds a new worker process may take to open the store
WORKER_START_TIMEOUT = 60.0
#: attempts to open the store read-only (a compaction in the writing process can race the first)
OPEN_ATTEMPTS = 5

SD = "http://www.w3.org/ns/sparql-service-description#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@dataclass
class Answer:
    """A query's result and its form."""

    form: str
    result: QueryResult

    @property
    def truncated(self) -> bool:
        return bool(getattr(self.result, "truncated", False))


@dataclass
class Reply:
    """A serialised answer, ready to send."""

    body: bytes
    format: Format
    truncated: bool
    form: str


def run_query(store: OxigraphStore, query: str, limit: int | None) -> QueryResult:
    """Run ``query`` on ``store``; every failure becomes a ``KBError``."""
    try:
        return store.query(query, limit=limit)
    except KBError:
        raise
    except Exception as exc:  # the engine raises RuntimeError, ValueError... for evaluation errors
        raise QueryError(f"query failed: {exc}") from exc


# ------------------------------------------------------------------------------------ executors


class QueryExecutor(ABC):
    """Runs public queries within the time limit and the row cap."""

    #: "workers", "remote" or "in-thread"
    kind: str

    def __init__(self, *, timeout: float, max_rows: int, max_bytes: int) -> None:
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.max_bytes = int(max_bytes)

    def execute(self, query: str) -> Answer:
        """Check and run a public query. Raises the ``KBError`` that says why not."""
        form = check_public(query, self.max_bytes)
        return Answer(form, self.run_checked(query))

    def run_checked(self, query: str) -> QueryResult:
        """Run a query that already passed ``check_public`` (the KB's prefixes are declared for it)."""
        from kb.namespaces import PREFIXES

        return self._run(with_prefixes(query, PREFIXES))

    @abstractmethod
    def _run(self, query: str) -> QueryResult:
        """Run a query that passed ``check_public``."""

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold queries off while the store is written (nothing to do unless overridden)."""
        yield

    def refresh(self) -> None:
        """Make queries see the store as it is now."""
        with self.writing():
            pass

    def close(self) -> None:  # noqa: B027 - only the worker pool holds anything
        """Stop whatever runs queries."""

    def info(self) -> dict[str, Any]:
        return {"executor": self.kind, "timeout": self.timeout, "max_rows": self.max_rows,
                "max_query_bytes": self.max_bytes}


class InThreadExecutor(QueryExecutor):
    """Runs queries in the calling thread (in-memory stores, tests only): the row cap holds, the time limit does not.

    A pyoxigraph query cannot be interrupted inside the process that runs it, so
    ``timeout`` is reported but not enforced here; use an on-disk store (a
    ``WorkerPool``) wherever the limit matters.
    """

    kind = "in-thread"

    def __init__(self, store: OxigraphStore, **limits: Any) -> None:
        super().__init__(**limits)
        self.store = store

    def _run(self, query: str) -> QueryResult:
        return run_query(self.store, query, self.max_rows)


class _BoundedRemote(RemoteStore):
    """A RemoteStore whose requests stop at the query time limit, once, without retrying."""

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str) -> bytes:
        deadline = time.monotonic() + self.timeout
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                chunks = []
                while chunk := resp.read(65536):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise TimeoutError
                return b"".join(chunks)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")[:2000].strip()
            if exc.code < 500:
                raise QueryError(f"the store's endpoint refused the query ({exc.code}): {body}") from None
            raise StoreError(f"the store's endpoint failed ({exc.code}): {body}") from None
        except TimeoutError:
            raise _timeout(self.timeout) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _timeout(self.timeout) from None
            raise StoreError(f"the store's endpoint {self.location} is unreachable: {exc.reason}") from None
        except OSError as exc:
            raise StoreError(f"the store's endpoint {self.location} is unreachable: {exc}") from None


class RemoteExecutor(QueryExecutor):
    """Forwards queries to a remote SPARQL endpoint with an HTTP time limit."""

    kind = "remote"

    def __init__(self, url: str, **limits: Any) -> None:
        super().__init__(**limits)
        self.remote = _BoundedRemote(url, retries=1, timeout=self.timeout)

    def _run(self, query: str) -> QueryResult:
        return self.remote.query(query, limit=self.max_rows)


def _timeout(seconds: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran past the time limit of {seconds:g} s and was stopped")


# ------------------------------------------------------------------------------------ worker processes


def _watch_parent(parent: int) -> None:
    """End this worker when the process that started it is gone (even mid-query)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def worker_main(conn: Any, path: str, parent: int) -> None:
    """A query worker: open the store read-only, then answer ``(query, limit)`` messages until ``None``.

    Replies are ``("ready",)`` once, then ``("ok", result)`` or ``("error", class name, message)``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C reaches the whole group: the parent stops us
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        store = _open_read_only(path)
    except KBError as exc:
        conn.send(("error", type(exc).__name__, exc.message))
        return
    conn.send(("ready",))
    try:
        while True:
            msg = conn.recv()
            if msg is None:
                break
            query, limit = msg
            try:
                reply: tuple[Any, ...] = ("ok", run_query(store, query, limit))
            except KBError as exc:
                reply = ("error", type(exc).__name__, exc.message)
            conn.send(reply)
    except (EOFError, OSError):
        pass
    finally:
        store.close()


def _open_read_only(path: str) -> OxigraphStore:
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


def _error(name: str, message: str) -> KBError:
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, KBError)):
        cls = QueryError
    return cls(message)


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, ctx: Any, path: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, path, os.getpid()),
                                   name="makb-query-worker", daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise StoreError(f"a query worker did not open the store within {timeout:g} s")
        msg = self.conn.recv()
        if msg[0] != "ready":
            raise _error(msg[1], msg[2])
        self.ready = True

    def exit_description(self) -> str:
        self.process.join(2)
        code = self.process.exitcode
        if code is None:
            return "it stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"it was ended by {signal.Signals(-code).name}"
        return f"it exited with status {code}"

    def stop(self) -> None:
        """Ask the worker to finish, and kill it if it does not."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(2)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool(QueryExecutor):
    """Worker processes over the on-disk store; a query past the time limit has its worker killed."""

    kind = "workers"

    def __init__(self, path: str | Path, *, workers: int = 2, primary: OxigraphStore | None = None,
                 start_timeout: float = WORKER_START_TIMEOUT, **limits: Any) -> None:
        super().__init__(**limits)
        self.path = str(path)
        self.size = max(1, int(workers))
        self.start_timeout = start_timeout
        self._primary = primary
        self._ctx = multiprocessing.get_context("spawn")
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._busy = 0
        self._paused = False
        self._closed = False
        self.counts = {"queries": 0, "timeouts": 0, "crashes": 0, "restarts": 0}
        self._add(self.size)

    def _add(self, n: int) -> None:
        fresh = [_Worker(self._ctx, self.path) for _ in range(n)]
        with self._cond:
            if self._closed:
                for w in fresh:
                    w.kill()
                return
            self._workers.update(fresh)
            self._idle.extend(fresh)
            self._cond.notify_all()

    def _acquire(self) -> _Worker:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while self._closed or self._paused or not self._idle:
                if self._closed:
                    raise StoreError("the query workers are shut down")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout(f"all {self.size} query workers stayed busy for {self.timeout:g} s "
                                       "(or the KB was being updated); try again")
                self._cond.wait(remaining)
            ready = [i for i, w in enumerate(self._idle) if w.ready]
            worker = self._idle.pop(ready[-1] if ready else -1)
            self._busy += 1
            self.counts["queries"] += 1
            return worker

    def _release(self, worker: _Worker, healthy: bool) -> None:
        replace = False
        with self._cond:
            self._busy -= 1
            if healthy and not self._closed:
                self._idle.append(worker)
            else:
                self._workers.discard(worker)
                replace = not self._closed and not self._paused
            self._cond.notify_all()
        if not healthy or self._closed:
            worker.kill()
        if replace:
            self.counts["restarts"] += 1
            self._add(1)

    def _run(self, query: str) -> QueryResult:
        worker = self._acquire()
        healthy = False
        try:
            worker.wait_ready(self.start_timeout)
            worker.conn.send((query, self.max_rows))
            if not worker.conn.poll(self.timeout):
                self.counts["timeouts"] += 1
                raise _timeout(self.timeout)
            reply = worker.conn.recv()
            healthy = True
        except (EOFError, OSError):
            self.counts["crashes"] += 1
            raise QueryError(f"the query stopped the process running it ({worker.exit_description()}); "
                             "it is probably nested too deeply or too large for the engine") from None
        finally:
            self._release(worker, healthy)
        if reply[0] == "ok":
            return reply[1]
        raise _error(reply[1], reply[2])

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Wait for running queries, stop the workers, let the caller write, start workers on the new state."""
        with self._write_lock:
            with self._cond:
                self._paused = True
                while self._busy:
                    self._cond.wait()
                old = list(self._workers)
                self._workers.clear()
                self._idle.clear()
            try:
                for w in old:
                    w.stop()
                yield
            finally:
                if self._primary is not None:
                    with contextlib.suppress(OSError, KBError):
                        self._primary.flush()
                with self._cond:
                    self._paused = False
                self._add(self.size)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle = list(self._idle)
            busy = [w for w in self._workers if w not in idle]
            self._workers.clear()
            self._idle.clear()
            self._cond.notify_all()
        for w in idle:
            w.stop()
        for w in busy:
            w.kill()

    def alive(self) -> int:
        with self._cond:
            return sum(1 for w in self._workers if w.process.is_alive())

    def info(self) -> dict[str, Any]:
        return {**super().info(), "workers": self.size, "workers_alive": self.alive(), **self.counts}


def make_executor(store: Store, settings: Mapping[str, Any]) -> QueryExecutor:
    """The executor for ``store``: worker processes on disk, forwarding for a remote, in-thread in memory."""
    limits = {"timeout": float(settings["MAKB_QUERY_TIMEOUT"]), "max_rows": int(settings["MAKB_MAX_ROWS"]),
              "max_bytes": int(settings["MAKB_MAX_QUERY_BYTES"])}
    if isinstance(store, RemoteStore):
        return RemoteExecutor(store.query_url, **limits)
    if isinstance(store, OxigraphStore) and store.kind == "embedded":
        return WorkerPool(store.location, workers=int(settings["MAKB_QUERY_WORKERS"]), primary=store, **limits)
    if isinstance(store, OxigraphStore):
        return InThreadExecutor(store, **limits)
    raise StoreError(f"no query executor for a {type(store).__name__}")
