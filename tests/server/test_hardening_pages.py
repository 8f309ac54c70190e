"""Whole-KB results behind a bounded cache with a deadline (``webapp.kbstate.Derived``), and the dataset
rules of the in-thread executor (the same ``run_on_store`` the workers use)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kb.errors import Busy, ConfigError, QueryError
from kb.sparql.executors import InThreadExecutor
from kb.sparql.worker import Dataset, names_dataset
from kb.store import OxigraphStore
from kb.store.results import SelectResult
from webapp.kbstate import MAX_PENDING, MAX_WAITERS, Derived, Downloads, disk_full


def test_a_slow_page_answers_busy_then_comes_from_the_cache() -> None:
    cache = Derived(ttl=None, timeout=0.2)
    release = threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        release.wait(10)
        return "page"

    with pytest.raises(Busy, match="still being computed") as info:
        cache.get("k", slow)
    assert info.value.status == 503
    with pytest.raises(Busy):          # asking again waits on the same computation, starts no other
        cache.get("k", slow)
    release.set()
    deadline = time.monotonic() + 10
    while True:
        try:
            assert cache.get("k", slow) == "page"
            break
        except Busy:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert calls == [1]


def test_the_cache_is_bounded_in_entries_and_in_work_waiting() -> None:
    cache = Derived(ttl=None, size=3, timeout=5)
    for i in range(5):
        assert cache.get(i, (lambda n: lambda: n * 10)(i)) == i * 10
    assert len(cache._entries) == 3 and set(cache._entries) == {2, 3, 4}
    blocked = threading.Event()
    waiting = Derived(ttl=None, timeout=0.01)
    for i in range(MAX_PENDING):
        with pytest.raises(Busy):
            waiting.get(("slow", i), lambda: blocked.wait(10))
    with pytest.raises(Busy, match="being computed; try again"):    # refused at once, nothing queued
        waiting.get("one more", lambda: 1)
    blocked.set()


def test_a_result_computed_inside_another_does_not_wait_for_a_thread() -> None:
    cache = Derived(ttl=None, timeout=5)
    def inner(i: int) -> int:
        return cache.get(("inner", i), lambda: i)

    outer = cache.get("outer", lambda: [inner(i) for i in range(MAX_PENDING + 4)])
    assert outer == list(range(MAX_PENDING + 4))


def test_invalidate_drops_results_and_errors_reach_every_caller() -> None:
    cache = Derived(ttl=None, timeout=5)
    assert cache.get("k", lambda: 1) == 1
    cache.invalidate()
    assert cache.get("k", lambda: 2) == 2
    with pytest.raises(QueryError, match="bad"):
        cache.get("broken", lambda: (_ for _ in ()).throw(QueryError("bad")))


def test_disk_full_is_read_from_errno_or_the_message() -> None:
    import errno

    assert disk_full(OSError(errno.ENOSPC, "No space left on device"))
    try:
        try:
            raise OSError("IO error: No space left on device: While appending to file")
        except OSError as exc:
            raise QueryError("store write failed") from exc
    except QueryError as wrapped:
        assert disk_full(wrapped)
    assert not disk_full(OSError(errno.EACCES, "Permission denied"))


@pytest.fixture
def two_graphs() -> InThreadExecutor:
    store = OxigraphStore()
    raw = store.raw
    s, p = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
    for graph, values in (("urn:g1", ("a",)), ("urn:g2", ("b", "c"))):
        for v in values:
            raw.add(ox.Quad(s, p, ox.Literal(v), ox.NamedNode(graph)))
    return InThreadExecutor(store, timeout=5, max_rows=100, max_bytes=65536, max_result_bytes=1000)


def count(ex: InThreadExecutor, query: str, dataset: Dataset | None = None) -> int:
    result = ex.execute(query, dataset=dataset or Dataset()).result
    assert isinstance(result, SelectResult)
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


def test_datasets_in_process(two_graphs: InThreadExecutor) -> None:
    q = "SELECT (COUNT(*) AS ?n) {FROM} WHERE {{ ?s ?p ?o }}"
    assert count(two_graphs, q.format(FROM="")) == 3
    assert count(two_graphs, q.format(FROM="FROM <urn:g2>")) == 2
    assert count(two_graphs, q.format(FROM="FROM <urn:g1> FROM <urn:g2>")) == 3
    assert count(two_graphs, q.format(FROM=""), Dataset(("urn:g1",))) == 1
    assert count(two_graphs, q.format(FROM="FROM <urn:g2>"), Dataset(("urn:g1",))) == 1
    assert count(two_graphs, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", Dataset((), ("urn:g2",))) == 2
    with pytest.raises(QueryError, match="named-graph-uri: not an IRI"):
        Dataset.from_params([], ["not an iri"])
    assert names_dataset("SELECT * FROM <a:b> {}") and not names_dataset("SELECT ?from { ?from ?p 'FROM' }")


def test_the_byte_cap_cuts_like_the_row_cap(two_graphs: InThreadExecutor) -> None:
    small = two_graphs.execute("SELECT ?o WHERE { ?s ?p ?o }").result
    assert isinstance(small, SelectResult) and len(small.rows) == 3 and not small.truncated
    big = two_graphs.execute("SELECT ?o WHERE { ?s ?p ?x BIND(CONCAT(?x, STRUUID(), STRUUID(), STRUUID(), "
                             "STRUUID(), STRUUID(), STRUUID(), STRUUID(), STRUUID()) AS ?o) }").result
    assert isinstance(big, SelectResult) and big.truncated and 0 < len(big.rows) < 3
    uuids = ", ".join(["STRUUID()"] * 12)
    graph = two_graphs.execute(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?x BIND(CONCAT(?x, {uuids}) AS ?o) }}")
    assert graph.truncated and 0 < graph.result.count < 3  # type: ignore[union-attr]


def test_downloads_are_written_once_and_dropped_when_the_store_changes(tmp_path: Path) -> None:
    writes: list[str] = []

    def writer(fmt: str, path: Path) -> None:
        writes.append(fmt)
        path.write_text(f"{fmt} #{len(writes)}")

    stale = tmp_path / "kb-0.ttl"
    stale.write_text("left by an earlier server")
    downloads = Downloads(tmp_path, writer, Derived(ttl=None, timeout=5))
    assert not stale.exists()
    first = downloads.path("ttl")
    assert first.read_text() == "ttl #1" and downloads.path("ttl") == first and writes == ["ttl"]
    downloads.invalidate()
    assert not first.exists()
    assert downloads.path("ttl").read_text() == "ttl #2"
    with pytest.raises(ConfigError, match="unknown format 'exe'"):
        downloads.path("exe")


def test_health_says_degraded_not_failing_when_every_worker_is_busy(tmp_path: Path) -> None:
    from kb.sparql.pool import WorkerPool
    from kb.sparql.service import health

    store_dir = tmp_path / "store"
    OxigraphStore(store_dir).close()
    pool = WorkerPool(store_dir, workers=1, queue=0, timeout=5, max_rows=10, max_bytes=65536)
    try:
        assert health(pool, OxigraphStore())["status"] == "ok"
        with pool._cond:                  # every worker taken: the health query finds none and no queue
            taken = pool._idle.pop()
            pool._busy += 1
        report = health(pool, OxigraphStore())
        assert report["status"] == "degraded" and "busy" in report["problems"][-1]
        with pool._cond:
            pool._idle.append(taken)
            pool._busy -= 1
        assert health(pool, OxigraphStore())["status"] == "ok"
    finally:
        pool.close()


def test_only_a_few_requests_wait_for_pages_at_once() -> None:
    cache = Derived(ttl=None, timeout=10, max_waiters=MAX_WAITERS)
    release = threading.Event()
    got: list[object] = []
    waiting = [threading.Thread(target=lambda: got.append(cache.get("k", lambda: release.wait(10) and "page")))
               for _ in range(MAX_WAITERS)]
    for t in waiting:
        t.start()
    deadline = time.monotonic() + 10
    while cache._waiters < MAX_WAITERS:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(Busy, match=f"{MAX_WAITERS} requests are waiting"):
        cache.get("k", lambda: "never")
    assert time.monotonic() - started < 5        # refused at once, not after the 10 s deadline
    release.set()
    for t in waiting:
        t.join(10)
    assert got == ["page"] * MAX_WAITERS
    assert cache.get("k", lambda: "never") == "page"      # a computed page is served whoever waits
