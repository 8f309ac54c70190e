"""Warming the web app before it listens: its heavy pages and every canned query requested once, in-process.

``makb serve`` calls ``warm`` before it opens its socket, so that the whole-KB
results (the dashboard's key actions, the partner graph...) are in the page
cache and the canned queries' answers in the result cache before any visitor
arrives.  The requests go through ``app.test_client()``: the same code path,
limits and caches as a visitor's, with no socket.  Warming stops at its time
budget (``MAKB_WARM_SECONDS``); a request under way then finishes in the
background, and what was not reached is computed for its first visitor.
A failed request is reported and warming goes on; nothing here stops the server.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from kb import queries
from kb.errors import Busy, TooManyRequests
from kb.views.entity import entity_path
from kb.views.explorer import Filters, filtered_partner_graph
from webapp.kbstate import KBState

#: the pages warmed first, in order: (what, path)
PAGES: tuple[tuple[str, str], ...] = (
    ("dashboard", "/dashboard"),
    ("explorer", "/graph"),
    ("documents", "/documents"),
)
#: what the query editor accepts, so that its answers are the ones kept
SPARQL_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
#: seconds between tries of a page answered "busy" or 429 (it goes on being computed meanwhile)
RETRY_PAUSE = 0.25
#: the error codes of answers worth asking again: a page still being computed, workers all taken
RETRY_CODES = (Busy.code, TooManyRequests.code)


@dataclass
class Warmed:
    """One warming request: what, where, how it ended and how long it took."""

    what: str
    path: str
    status: int | None = None     #: the HTTP status of the last try (None: it raised)
    seconds: float = 0.0
    tries: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400

    def line(self) -> str:
        took = f"{self.seconds:.2f} s"
        if self.ok:
            return f"makb: warmed {self.what} in {took}"
        why = self.error or f"HTTP {self.status}"
        return f"makb: warming {self.what} failed after {took}: {why}"


@dataclass
class WarmReport:
    """What warming did: the requests made, whether it stopped at its budget, and what was left."""

    done: list[Warmed] = field(default_factory=list)
    stopped: bool = False
    seconds: float = 0.0

    def failed(self) -> list[Warmed]:
        return [w for w in self.done if not w.ok]


def _most_connected(app: Flask) -> str | None:
    """The IRI of the organisation with most partners in the partner graph the explorer drew (kept in the
    page cache, so nothing is computed here); None when the graph is empty or not kept."""
    state: KBState = app.extensions["makb"]
    graph: Any = filtered_partner_graph(state.store, Filters(), lambda key, compute: state.derived.peek(key))
    if graph is None:
        return None
    degrees = [(degree, node) for node, degree in graph.degree if not graph.nodes[node].get("unit")]
    degrees = degrees or [(degree, node) for node, degree in graph.degree]
    return max(degrees)[1] if degrees else None


def _steps(app: Flask) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(what, path, request arguments) of each warming request, in order; the organisation's pages are
    found from the partner graph once the explorer was warmed."""
    for what, path in PAGES:
        yield what, path, {}
    try:
        hub = _most_connected(app)
    except Exception:     # only a shortcut to two more pages: without it warming goes on
        hub = None
    if hub:
        base = str(app.config["MAKB"]["MAKB_BASE_IRI"])
        yield "most connected organisation's page", entity_path(hub, base), {}
        yield "its ego graph", "/graph?" + urllib.parse.urlencode({"org": hub}), {}
    for name, query in queries.all_queries().items():
        yield (f"canned query {name}", "/sparql",
               {"query_string": {"query": query.text}, "headers": {"Accept": SPARQL_ACCEPT}})


def _request(app: Flask, what: str, path: str, kwargs: Mapping[str, Any], deadline: float) -> Warmed:
    """One page, asked again while it is answered busy (still being computed, workers all taken) and time is
    left; any other answer, a query past its time limit included, is final.  A page answers in HTML, so its
    503 counts as busy while the page cache is computing something."""
    state: KBState = app.extensions["makb"]
    client = app.test_client()
    started = time.monotonic()
    out = Warmed(what, path)
    while True:
        code = None
        out.tries += 1
        try:
            resp = client.get(path, **kwargs)
            out.status, out.error = resp.status_code, None
            if not out.ok:
                body = resp.get_json(silent=True)
                if isinstance(body, dict):
                    code = body.get("error")
                    if body.get("message"):
                        out.error = f"HTTP {resp.status_code}: {body['message']}"
            resp.close()
        except Exception as exc:     # a page that fails is reported; warming goes on
            out.status, out.error = None, f"{type(exc).__name__}: {exc}"
        busy = code in RETRY_CODES or (code is None and out.status == 503 and state.derived.computing() > 0)
        if not busy or time.monotonic() + RETRY_PAUSE >= deadline:
            break
        time.sleep(RETRY_PAUSE)
    out.seconds = time.monotonic() - started
    return out


def warm(app: Flask, seconds: float, report: Callable[[str], None] = lambda line: None) -> WarmReport:
    """Request the app's heavy pages and every canned query once, for at most ``seconds``.

    ``report`` gets one line per request and a closing line.  Returns what was
    done; when the budget ran out, the request under way goes on in the
    background and no further one starts.
    """
    result = WarmReport()
    if seconds <= 0:
        return result
    started = time.monotonic()
    deadline = started + seconds
    stop = threading.Event()
    lock = threading.Lock()     # what the warming thread adds and reports, against the budget's end

    def run() -> None:
        for what, path, kwargs in _steps(app):
            if stop.is_set() or time.monotonic() >= deadline:
                result.stopped = True
                return
            warmed = _request(app, what, path, kwargs, deadline)
            with lock:
                if stop.is_set():
                    return
                result.done.append(warmed)
                report(warmed.line())

    worker = threading.Thread(target=run, name="makb-warm", daemon=True)
    worker.start()
    worker.join(seconds)
    with lock:
        if worker.is_alive():
            stop.set()
            result.stopped = True
    result.seconds = time.monotonic() - started
    failed = len(result.failed())
    summary = f"makb: warming took {result.seconds:.1f} s ({len(result.done)} requests"
    summary += f", {failed} failed)" if failed else ")"
    if result.stopped:
        summary += (f"; stopped at its limit of {seconds:g} s (MAKB_WARM_SECONDS): the rest is computed "
                    "for its first visitor")
    report(summary)
    return result
