"""No outbound connection, whatever the query or the update says: a listener on 127.0.0.1 sees nothing.

Three layers are tried with the same corpus of spellings (SERVICE, LOAD, FROM,
dataset parameters, addresses written in other ways):

1. the live server under waitress, anonymous queries and token-bearing updates;
2. the query workers with the textual check skipped, so only the operating
   system's filter stands between the engine and the network;
3. the guarded update thread with the LOAD/SERVICE refusal skipped.

The unguarded engine in the test process is shown to connect for the same
texts, so the listener really would see what got through.
"""

from __future__ import annotations

import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kb.errors import KBError
from kb.sparql.executors import InThreadExecutor
from kb.sparql.pool import WorkerPool
from kb.sparql.sandbox import GuardedThread
from kb.store import OxigraphStore
from tests.server.test_sparql_protocol import call
from tests.support.webserver import running_app
from tests.unit.test_endpoint_check import SERVICE_BYPASSES, Listener

pytestmark = pytest.mark.server

TOKEN = "network-test-token"
LIMITS: dict[str, Any] = {"timeout": 10.0, "max_rows": 100, "max_bytes": 65536}
#: the listener's address written in the other ways a URL can name 127.0.0.1
HOSTS = ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "127.1", "[::ffff:127.0.0.1]"]

#: public queries; {E} is an endpoint URL on the listener
QUERIES: dict[str, str] = {
    **{f"service, {name}": text for name, text in SERVICE_BYPASSES.items()},
    "service in an optional": "SELECT * {{ ?s ?p ?o OPTIONAL {{ SERVICE <{E}> {{ ?a ?b ?c }} }} }}",
    "service in a union": "SELECT * {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{E}> {{ ?a ?b ?c }} }} }}",
    "service in a subquery": "SELECT * {{ {{ SELECT * {{ SERVICE <{E}> {{ ?a ?b ?c }} }} }} }}",
    "service in exists": "SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{E}> {{ ?a ?b ?c }} }} }}",
    "service in a construct": "CONSTRUCT {{ ?a ?b ?c }} WHERE {{ SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "service in an ask": "ASK {{ SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "service in a describe": "DESCRIBE ?a WHERE {{ SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "service with an IRI() endpoint": "SELECT * {{ BIND(IRI('{E}') AS ?e) SERVICE ?e {{ ?a ?b ?c }} }}",
    "service with a values endpoint": "SELECT * {{ VALUES ?e {{ <{E}> }} SERVICE ?e {{ ?a ?b ?c }} }}",
    "service with a relative IRI": "BASE <{E}> SELECT * {{ SERVICE <x> {{ ?a ?b ?c }} }}",
    "from": "SELECT * FROM <{E}> {{ ?s ?p ?o }}",
    "from named": "SELECT * FROM NAMED <{E}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "from and a graph": "SELECT * FROM <{E}> FROM NAMED <{E}x> {{ GRAPH <{E}x> {{ ?s ?p ?o }} }}",
    "describe the URL": "DESCRIBE <{E}>",
    "load in a query": "LOAD <{E}>",
    **{f"service at {host}": "SELECT * {{ SERVICE <{E" + str(i) + "}> {{ ?a ?b ?c }} }}"
       for i, host in enumerate(HOSTS) if i},
}
#: token-bearing updates
UPDATES: dict[str, str] = {
    "load": "LOAD <{E}>",
    "load silent into a graph": "LOAD SILENT <{E}> INTO GRAPH <urn:test:g>",
    "load in lower case": "load<{E}>",
    "load after an insert": "INSERT DATA {{ GRAPH <urn:test:g> {{ <urn:a> <urn:b> 1 }} }} ;\nLOAD <{E}>",
    "load with an escape": r"\u004cOAD <{E}>",
    "load after a comment": "# a comment\nLOAD SILENT <{E}>",
    "service in an insert": "INSERT {{ GRAPH <urn:test:g> {{ ?a ?b ?c }} }} WHERE {{ SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "silent service in a delete": "DELETE {{ ?a ?b ?c }} WHERE {{ SERVICE SILENT <{E}> {{ ?a ?b ?c }} }}",
    "service after a dot name": "PREFIX ka: <urn:k#> INSERT {{ GRAPH <urn:test:g> {{ ?a ?b ?c }} }} "
                                "WHERE {{ ?s ?p ka:.SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "service after an exponent": "INSERT {{ GRAPH <urn:test:g> {{ ?a ?b ?c }} }} "
                                 "WHERE {{ ?s ?p 2.5e0SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "using": "INSERT {{ GRAPH <urn:test:g> {{ ?s ?p ?o }} }} USING <{E}> WHERE {{ ?s ?p ?o }}",
    "using named": "INSERT {{ GRAPH <urn:test:g> {{ ?s ?p ?o }} }} USING NAMED <{E}> "
                   "WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "with": "WITH <{E}> INSERT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "add": "ADD SILENT <{E}> TO <urn:test:g>",
    "copy": "COPY SILENT <{E}> TO <urn:test:h>",
}


def endpoint(listener: Listener, host: str = "127.0.0.1") -> str:
    return listener.url.replace("127.0.0.1", host)


def fill(text: str, listener: Listener) -> str:
    return text.format(E=endpoint(listener), **{f"E{i}": endpoint(listener, h) for i, h in enumerate(HOSTS)})


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def kb_dir(seed_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("network-kb") / "store"
    shutil.copytree(seed_store_dir, store)
    return store


def test_the_corpus_is_large_and_reaches_the_network_without_the_guard(listener: Listener) -> None:
    """At least 50 spellings; without any guard, the engine in this process does connect for them."""
    assert len(QUERIES) + len(UPDATES) >= 50
    engine = ox.Store()
    s, p = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
    for o in (ox.Literal(1), ox.Literal(2.5), ox.Literal(True), ox.Literal("x"), ox.NamedNode("urn:k#")):
        engine.add(ox.Quad(s, p, o))
    connected = []
    for name in ("service, plain", "service in an ask", "service at localhost", "service in an optional"):
        before = listener.count()
        try:
            result = engine.query(fill(QUERIES[name], listener), use_default_graph_as_union=True)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
        except (SyntaxError, OSError, RuntimeError, ValueError):
            pass
        connected.append(listener.count() > before)
    before = listener.count()
    with pytest.raises((OSError, RuntimeError)):
        engine.update(fill(UPDATES["load"], listener))
    connected.append(listener.count() > before)
    assert connected == [True] * 5


def test_the_live_server_makes_no_connection_for_any_spelling(kb_dir: Path, listener: Listener) -> None:
    config = {"MAKB_STORE": str(kb_dir), "MAKB_WRITE_TOKEN": TOKEN, "MAKB_QUERY_WORKERS": 2,
              "MAKB_QUERY_TIMEOUT": 10, "MAKB_ENDPOINT": ""}
    before = listener.count()
    statuses: dict[str, int] = {}
    with running_app(config) as base:
        for name, text in QUERIES.items():
            query = fill(text, listener)
            for how in ("get", "post"):
                if how == "get":
                    reply = call(base + "sparql", params={"query": query})
                else:
                    reply = call(base + "sparql", data=query.encode("utf-8"),
                                 headers={"Content-Type": "application/sparql-query"})
                assert reply.status in (200, 400, 403), (name, reply.status, reply.body[:200])
                statuses[f"{name} ({how})"] = reply.status
        for name in ("default-graph-uri", "named-graph-uri"):
            reply = call(base + "sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 1", name: listener.url})
            assert reply.status == 200, reply.body[:200]
        for name, text in UPDATES.items():
            reply = call(base + "update", data=urllib.parse.urlencode({"update": fill(text, listener)}).encode(),
                         headers={"Authorization": f"Bearer {TOKEN}",
                                  "Content-Type": "application/x-www-form-urlencoded"})
            assert reply.status in (200, 400, 403), (name, reply.status, reply.body[:200])
            assert b"Traceback" not in reply.body
            statuses[f"update: {name}"] = reply.status
        health = call(base + "healthz")
        assert health.status == 200 and health.json()["status"] == "ok"
    assert listener.count() == before, "a query or an update reached the listener"
    # the textual checks refused the SERVICE and LOAD spellings by name before anything ran
    assert statuses["update: load"] == statuses["service, plain (get)"] == 403


def test_workers_make_no_connection_even_when_the_check_is_skipped(kb_dir: Path, listener: Listener) -> None:
    """``run_checked`` skips ``check_public``: only the seccomp filter stands in the way."""
    pool = WorkerPool(kb_dir, workers=1, **LIMITS)
    before = listener.count()
    try:
        for name, text in QUERIES.items():
            if name == "load in a query":
                continue
            try:
                pool.run_checked(fill(text, listener))
            except KBError as exc:
                assert exc.status < 500 or "time limit" not in exc.message, (name, exc.message)
        assert pool.counts["crashes"] == 0
    finally:
        pool.close()
    assert listener.count() == before


def test_the_guarded_update_thread_makes_no_connection_even_when_the_refusal_is_skipped(
        tmp_path: Path, listener: Listener) -> None:
    store = OxigraphStore(tmp_path / "store")
    guard = GuardedThread()
    before = listener.count()
    failures = 0
    try:
        for text in UPDATES.values():
            try:
                guard.call(store.update, fill(text, listener))
            except (KBError, OSError, RuntimeError, ValueError):
                failures += 1
    finally:
        guard.close()
        store.close()
    assert listener.count() == before
    assert failures >= 5          # the LOADs and non-silent SERVICEs failed without a connection


def test_in_thread_queries_are_for_tests_only_and_still_refuse_service(listener: Listener) -> None:
    """The in-thread executor has no process to guard: the textual check is what refuses there."""
    ex = InThreadExecutor(OxigraphStore(), **LIMITS)
    before = listener.count()
    for text in SERVICE_BYPASSES.values():
        with pytest.raises(KBError, match="SERVICE"):
            ex.execute(text.format(E=listener.url))
    assert listener.count() == before
