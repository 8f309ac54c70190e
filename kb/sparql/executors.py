"""Public SPARQL queries within bounds: read-only, time-limited, capped in rows and bytes, no outbound calls.

Every query is first checked by ``kb.sparql.check_public`` (size, updates,
``SERVICE``, nesting).  Each request gets one deadline, ``MAKB_QUERY_TIMEOUT``
from its arrival, which covers both the wait for a worker and the run.  Then
it runs on one of three executors, chosen by ``kb.sparql.service.make_executor``
from the kind of store:

- ``WorkerPool`` (``kb.sparql.pool``, the embedded on-disk store): pyoxigraph has no query timeout
  and cannot cancel a running query, so queries run in ``MAKB_QUERY_WORKERS``
  worker processes (``kb.sparql.worker``), each holding the store opened
  read-only, unable to open an IP socket (``kb.sparql.sandbox``) and limited to
  ``MAKB_WORKER_MEMORY`` MB of address space.  Admission is bounded: one client
  (by address) may have ``MAKB_CLIENT_QUERIES`` queries running or waiting
  (``TooManyRequests``, 429) and may hold all workers but one; at most
  ``MAKB_QUERY_QUEUE`` requests wait for a worker (``Busy``, 503).  A query
  still running at its deadline has its worker killed (``QueryTimeout``).  A
  dead worker is replaced before it is given a query (a watcher thread also
  replaces idle ones); a query whose worker dies under it is retried once on a
  fresh one; a query that stops two workers in a row is ``QueryTooLarge``
  when the workers aborted (out of memory, stack) and ``Busy`` otherwise.
  Writers in the app process wrap their write in ``with pool.writing():``,
  which waits for running queries, stops the workers, lets the write happen
  and starts workers on the new state.
- ``RemoteExecutor`` (``MAKB_ENDPOINT``): the query is forwarded with an HTTP
  time limit; past it the client gets ``QueryTimeout`` (the remote server may
  go on computing: stopping it is that server's own setting).
- ``InThreadExecutor`` (an in-memory store, for tests): the query runs in the
  calling thread; nothing can be killed there, so it has **no time limit**.

Results are capped at ``MAKB_MAX_ROWS`` rows (or triples) and about
``MAKB_MAX_RESULT_BYTES`` bytes of terms, and marked ``truncated`` either way.
``kb.sparql.service.answer`` picks the format and serialises, for the web view.
"""

from __future__ import annotations

import contextlib
import http.client
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kb.errors import QueryError, QueryTimeout, StoreError
from kb.sparql.check import check_public, with_prefixes
from kb.sparql.negotiation import Format
from kb.sparql.worker import NO_DATASET, Dataset, run_on_store
from kb.store import OxigraphStore, RemoteStore
from kb.store.results import QueryResult

#: seconds a client is told to wait before retrying a refused request
RETRY_AFTER = 2
#: default result cap in bytes when none is given
DEFAULT_RESULT_BYTES = 20_000_000

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


# ------------------------------------------------------------------------------------ executors


class QueryExecutor(ABC):
    """Runs public queries within one deadline per request, the row cap and the byte cap."""

    #: "workers", "remote" or "in-thread"
    kind: str

    def __init__(self, *, timeout: float, max_rows: int, max_bytes: int,
                 max_result_bytes: int = DEFAULT_RESULT_BYTES) -> None:
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.max_bytes = int(max_bytes)
        self.max_result_bytes = int(max_result_bytes)

    def execute(self, query: str, *, dataset: Dataset = NO_DATASET, client: str = "",
                deadline: float | None = None) -> Answer:
        """Check and run a public query. Raises the ``KBError`` that says why not."""
        form = check_public(query, self.max_bytes)
        return Answer(form, self.run_checked(query, dataset=dataset, client=client, deadline=deadline))

    def run_checked(self, query: str, *, dataset: Dataset = NO_DATASET, client: str = "",
                    deadline: float | None = None) -> QueryResult:
        """Run a query that already passed ``check_public`` (the KB's prefixes are declared for it).

        ``deadline`` (``time.monotonic()``) defaults to the time limit from now.
        """
        from kb.namespaces import PREFIXES

        if deadline is None:
            deadline = time.monotonic() + self.timeout
        return self._run(with_prefixes(query, PREFIXES), dataset, client, deadline)

    @abstractmethod
    def _run(self, query: str, dataset: Dataset, client: str, deadline: float) -> QueryResult:
        """Run a query that passed ``check_public`` before ``deadline``."""

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

    def problems(self) -> list[str]:
        """What keeps the executor from full service (empty when none)."""
        return []

    def info(self) -> dict[str, Any]:
        return {"executor": self.kind, "timeout": self.timeout, "max_rows": self.max_rows,
                "max_query_bytes": self.max_bytes, "max_result_bytes": self.max_result_bytes}


class InThreadExecutor(QueryExecutor):
    """Runs queries in the calling thread (in-memory stores, tests only): the caps hold, the time limit does not.

    A pyoxigraph query cannot be interrupted inside the process that runs it, so
    ``timeout`` is reported but not enforced here; use an on-disk store (a
    ``WorkerPool``) wherever the limit matters.
    """

    kind = "in-thread"

    def __init__(self, store: OxigraphStore, **limits: Any) -> None:
        super().__init__(**limits)
        self.store = store

    def _run(self, query: str, dataset: Dataset, client: str, deadline: float) -> QueryResult:
        return run_on_store(self.store.raw, query, max_rows=self.max_rows, max_bytes=self.max_result_bytes,
                            dataset=dataset)


class _BoundedRemote(RemoteStore):
    """A RemoteStore whose requests stop at the query time limit, once, without retrying."""

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str,
                 role: str = "query") -> tuple[bytes, http.client.HTTPMessage]:
        deadline = time.monotonic() + float(self.timeout)
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                chunks = []
                while chunk := resp.read(65536):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise TimeoutError
                return b"".join(chunks), resp.headers
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")[:2000].strip()
            if exc.code < 500:
                raise QueryError(f"the store's endpoint refused the query ({exc.code}): {body}") from None
            raise StoreError(f"the store's endpoint failed ({exc.code}): {body}") from None
        except TimeoutError:
            raise timeout_error(self.timeout) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise timeout_error(self.timeout) from None
            raise StoreError(f"the store's endpoint {self.location} is unreachable: {exc.reason}") from None
        except OSError as exc:
            raise StoreError(f"the store's endpoint {self.location} is unreachable: {exc}") from None


class RemoteExecutor(QueryExecutor):
    """Forwards queries to a remote SPARQL endpoint with an HTTP time limit."""

    kind = "remote"

    def __init__(self, url: str, **limits: Any) -> None:
        super().__init__(**limits)
        self.remote = _BoundedRemote(url, retries=1, timeout=self.timeout)

    def _run(self, query: str, dataset: Dataset, client: str, deadline: float) -> QueryResult:
        if dataset.given:
            raise QueryError("default-graph-uri and named-graph-uri are not passed on to a remote store; "
                             "use FROM and FROM NAMED in the query")
        return self.remote.query(query, limit=self.max_rows)


def timeout_error(seconds: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran past the time limit of {seconds:g} s and was stopped")
