"""Recovery: a dead query worker is noticed and replaced before it is given a query, a query that lost its
worker is retried once (or answered 503, never 400), /healthz says degraded while something is wrong,
writes work again once a full disk has room, and an upload is parsed before public queries pause."""

from __future__ import annotations

import errno
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import kb.sparql.pool as pool_module
from kb.errors import StoreError
from kb.sparql.pool import WorkerPool
from kb.store import OxigraphStore
from tests.support.kbs import erc_variant
from webapp import create_app
from webapp.sparql import query_executor

TOKEN = "recovery-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {"Accept": "application/sparql-results+json"}
#: about a second of work on the seed KB: every pair of triples
MEDIUM = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
EXPENSIVE = "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } GROUP BY ?a"
INSERT = "INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> 'written' } }"


@pytest.fixture
def app(seed_store_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    # the watcher would replace a killed idle worker within half a second; here the tests look first
    monkeypatch.setattr(pool_module, "WATCH_INTERVAL", 3600.0)
    # no result cache: every query here must reach a worker
    application = create_app({"MAKB_STORE": str(seed_store_copy), "MAKB_WRITE_TOKEN": TOKEN,
                              "MAKB_QUERY_WORKERS": 2, "MAKB_QUERY_TIMEOUT": 20, "MAKB_ENDPOINT": "",
                              "MAKB_RESULT_CACHE_MB": 0, "TESTING": True})
    query_executor(application)
    yield application
    application.extensions["makb"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def pool_of(app: Flask) -> WorkerPool:
    executor = query_executor(app)
    assert isinstance(executor, WorkerPool)
    return executor


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> float:
    """Seconds until ``condition`` holds (fails the test past ``timeout``)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "condition not reached"
        time.sleep(0.02)
    return time.monotonic() - start


def ask(client: FlaskClient) -> Any:
    resp = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["boolean"]


def busy_worker(pool: WorkerPool) -> int:
    """The pid of the worker running a query, once one is."""
    found: list[int] = []

    def running() -> bool:
        with pool._cond:
            busy = [w for w in pool._workers if w not in pool._idle and w.ready]
        found[:] = [w.process.pid for w in busy if w.process.pid]
        return bool(found)

    wait_for(running)
    return found[0]


# ------------------------------------------------------------------------------------ workers


def test_a_dead_idle_worker_is_reported_and_replaced_before_it_gets_a_query(app: Flask, client: FlaskClient) -> None:
    pool = pool_of(app)
    assert ask(client) is True
    victim = pool._idle[0].process
    kill(victim.pid)
    victim.join(10)
    health = client.get("/healthz")
    assert health.status_code == 503
    report = health.get_json()
    assert report["status"] == "degraded" and "1 of 2 query workers are down" in report["problems"][0]
    assert report["triples"] > 0                  # degraded, still answering
    for _ in range(4):                            # whichever worker a query lands on, none is the dead one
        assert ask(client) is True
    assert pool.counts["crashes"] == 0 and pool.counts["restarts"] >= 1
    assert client.get("/healthz").status_code == 200


def test_the_watcher_replaces_a_dead_worker_without_waiting_for_a_query(seed_store_dir: Path) -> None:
    pool = WorkerPool(seed_store_dir, workers=2, timeout=10, max_rows=10, max_bytes=65536)
    try:
        assert pool.execute("ASK {}").result.value is True  # type: ignore[union-attr]
        kill(pool._idle[0].process.pid)
        wait_for(lambda: bool(pool.problems()), timeout=5)
        wait_for(lambda: not pool.problems() and pool.counts["restarts"] == 1, timeout=10)
        assert pool.alive() == 2
    finally:
        pool.close()


def test_a_query_whose_worker_is_killed_is_retried_on_a_fresh_one(app: Flask, client: FlaskClient) -> None:
    pool = pool_of(app)
    triples = int(client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                             headers=JSON).get_json()["results"]["bindings"][0]["n"]["value"])
    replies: list[Any] = []
    t = threading.Thread(target=lambda: replies.append(client.get("/sparql", query_string={"query": MEDIUM},
                                                                  headers=JSON)))
    t.start()
    kill(busy_worker(pool))
    t.join(60)
    resp = replies[0]
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert int(resp.get_json()["results"]["bindings"][0]["n"]["value"]) == triples * triples
    assert pool.counts["retries"] == 1 and pool.counts["crashes"] == 1


def test_a_query_that_loses_two_workers_is_a_503_not_a_400(app: Flask, client: FlaskClient) -> None:
    pool = pool_of(app)
    replies: list[Any] = []
    t = threading.Thread(target=lambda: replies.append(client.get("/sparql", query_string={"query": EXPENSIVE},
                                                                  headers=JSON)))
    t.start()
    first = busy_worker(pool)
    kill(first)
    wait_for(lambda: pool.counts["retries"] == 1)
    second = busy_worker(pool)
    assert second != first
    kill(second)
    t.join(60)
    resp = replies[0]
    assert resp.status_code == 503 and resp.headers.get("Retry-After")
    body = resp.get_json()
    assert body["error"] == "busy" and "lost its worker twice" in body["message"] and "SIGKILL" in body["message"]
    assert ask(client) is True


# ------------------------------------------------------------------------------------ writes


class DiskFull:
    """Makes every write of the embedded store fail with ENOSPC while ``full`` is set (at the store boundary)."""

    METHODS = ("update", "replace_graphs", "add_graphs", "drop_graph")

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        self.refused = 0
        for name in self.METHODS:
            original = getattr(OxigraphStore, name)
            monkeypatch.setattr(OxigraphStore, name, self._wrap(original))

    def _wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def write(store: OxigraphStore, *args: Any, **kwargs: Any) -> Any:
            if self.full:
                self.refused += 1
                try:
                    raise OSError(errno.ENOSPC, "No space left on device")
                except OSError as exc:
                    raise StoreError(f"store write failed: {exc}") from exc
            return original(store, *args, **kwargs)
        return write


def test_writes_work_again_once_the_disk_has_room(app: Flask, client: FlaskClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    disk = DiskFull(monkeypatch)
    disk.full = True
    resp = client.post("/update", data=INSERT, content_type="application/sparql-update", headers=AUTH)
    assert resp.status_code == 503 and "disk is full" in resp.get_json()["message"]
    assert disk.refused == 1
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["problems"] == ["the last write failed: no space left on device"]
    # still full: still refused, still degraded, nothing lost from what was there
    resp = client.post("/upload?name=variant.txt", data=erc_variant(7).encode("utf-8"), headers=AUTH,
                       content_type="text/plain")
    assert resp.status_code == 503
    assert client.get("/healthz").status_code == 503
    assert ask(client) is True
    # space freed: the next write reopens the store and succeeds, and health is back
    disk.full = False
    started = time.monotonic()
    resp = client.post("/update", data=INSERT, content_type="application/sparql-update", headers=AUTH)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert time.monotonic() - started < 60
    assert client.get("/healthz").status_code == 200
    found = client.get("/sparql", query_string={"query": "ASK { GRAPH <urn:test:g> { ?s ?p 'written' } }"},
                       headers=JSON)
    assert found.get_json()["boolean"] is True
    resp = client.post("/upload?name=variant.txt", data=erc_variant(7).encode("utf-8"), headers=AUTH,
                       content_type="text/plain")
    assert resp.status_code == 201, resp.get_data(as_text=True)


def worker_pids(app: Flask) -> set[int]:
    pool = pool_of(app)
    with pool._cond:
        return {w.process.pid for w in pool._workers if w.process.pid}


def test_an_upload_is_parsed_before_public_queries_pause(app: Flask, client: FlaskClient) -> None:
    assert ask(client) is True
    before = worker_pids(app)
    resp = client.post("/upload?name=nonsense.txt", data=b"\x00\x01 not a document of any known kind \xff" * 50,
                       headers=AUTH, content_type="text/plain")
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert worker_pids(app) == before          # the workers were never stopped for it
    resp = client.post("/upload?name=variant.txt", data=erc_variant(8).encode("utf-8"), headers=AUTH,
                       content_type="text/plain")
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert worker_pids(app).isdisjoint(before)  # a real write does pause and restart them
