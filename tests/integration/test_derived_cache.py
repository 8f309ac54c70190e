"""The web app's cache of whole-store results: computed once, dropped on writes, expired for remote stores."""

from __future__ import annotations

import threading
import time

from webapp.kbstate import Derived


def test_computed_once_and_dropped_on_invalidate() -> None:
    d = Derived(ttl=None)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert d.get("k", compute) == 1
    assert d.get("k", compute) == 1
    d.invalidate()
    assert d.get("k", compute) == 2
    assert d.get("other", compute) == 3


def test_concurrent_requests_compute_once() -> None:
    d = Derived(ttl=None)
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "graph"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(d.get("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["graph"] * 8 and len(calls) == 1


def test_a_value_computed_across_a_write_is_not_kept() -> None:
    d = Derived(ttl=None)
    n = [0]

    def compute() -> int:
        n[0] += 1
        if n[0] == 1:
            d.invalidate()      # a write lands while the first value is being computed
        return n[0]

    assert d.get("k", compute) == 1
    assert d.get("k", compute) == 2
    assert d.get("k", compute) == 2


def test_entries_expire_after_the_ttl() -> None:
    d = Derived(ttl=0.05)
    n = [0]

    def compute() -> int:
        n[0] += 1
        return n[0]

    assert d.get("k", compute) == 1
    assert d.get("k", compute) == 1
    time.sleep(0.08)
    assert d.get("k", compute) == 2


def test_size_is_bounded() -> None:
    d = Derived(ttl=None, size=3)
    for i in range(10):
        d.get(i, lambda i=i: i)
    assert len(d._entries) == 3
