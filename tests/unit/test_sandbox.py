"""``kb.sparql.sandbox``: a guarded thread or process cannot open an IP socket, even when its code asks
directly; local pipes still work; the memory cap stops an allocation past it."""

from __future__ import annotations

import multiprocessing
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from kb.sparql.sandbox import GuardedThread, deny_network, limit_memory, memory_mb, network_denied
from tests.unit.test_endpoint_check import Listener


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def _attempts(port: int) -> dict[str, str]:
    """Every way a piece of code might reach 127.0.0.1:port (or anything else over IP), and what happened."""
    out: dict[str, str] = {}

    def attempt(name: str, fn: Any) -> None:
        try:
            fn()
            out[name] = "opened"
        except OSError as exc:
            out[name] = type(exc).__name__

    def udp() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"x", ("127.0.0.1", port))

    def pair(family: int) -> None:
        for s in socket.socketpair(family):
            s.close()

    attempt("tcp4", lambda: socket.create_connection(("127.0.0.1", port), timeout=2).close())
    attempt("tcp6", lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close())
    attempt("udp4", udp)
    attempt("raw", lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close())
    attempt("pair4", lambda: pair(socket.AF_INET))
    attempt("unix", lambda: pair(socket.AF_UNIX))
    return out


def _in_guarded_process(port: int, queue: Any) -> None:
    deny_network()
    queue.put(_attempts(port))


def _allocate(mb: int, queue: Any) -> None:
    limit_memory(mb * 1024 * 1024)
    try:
        block = bytearray(2 * mb * 1024 * 1024)
        queue.put(f"allocated {len(block)}")
    except MemoryError:
        queue.put("MemoryError")


def _run_child(target: Any, *args: Any) -> Any:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    try:
        return queue.get(timeout=60)
    finally:
        proc.join(10)


def test_a_guarded_process_cannot_open_an_ip_socket_even_when_asked_directly(listener: Listener) -> None:
    result = _run_child(_in_guarded_process, listener.port)
    assert result == {"tcp4": "PermissionError", "tcp6": "PermissionError", "udp4": "PermissionError",
                      "raw": "PermissionError", "pair4": "PermissionError", "unix": "opened"}
    assert listener.count() == 0


def test_the_same_code_unguarded_does_connect(listener: Listener) -> None:
    """The check above can fail: without the filter, the first attempt reaches the listener."""
    result = _attempts(listener.port)
    assert result["tcp4"] == "opened" and result["unix"] == "opened"
    assert not network_denied()


def test_a_guarded_thread_is_cut_off_and_the_others_are_not(listener: Listener) -> None:
    guard = GuardedThread()
    try:
        assert guard.call(network_denied) is True
        result = guard.call(_attempts, listener.port)
        assert result["tcp4"] == result["tcp6"] == result["udp4"] == "PermissionError"
        assert result["unix"] == "opened"
        # an exception raised on the guarded thread comes back to the caller as it was
        with pytest.raises(ZeroDivisionError):
            guard.call(lambda: 1 / 0)
    finally:
        guard.close()
    assert listener.count() == 0
    assert not network_denied()          # the calling thread keeps its network
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass


def test_the_memory_cap_stops_an_allocation_past_it() -> None:
    assert _run_child(_allocate, 300) == "MemoryError"


def test_memory_figures_come_from_the_kernel() -> None:
    now = memory_mb()
    assert 1 < now["rss"] <= now["peak"]
    assert memory_mb(2 ** 30) == {}


def _threads_of_a_guarded_process(port: int, queue: Any) -> None:
    import threading

    results: dict[str, bool] = {}
    started, go = threading.Event(), threading.Event()

    def earlier() -> None:        # a thread that was running before the filter went in
        started.set()
        go.wait(10)
        results["earlier thread"] = network_denied()

    t = threading.Thread(target=earlier)
    t.start()
    started.wait(10)
    deny_network(all_threads=True)
    go.set()
    t.join(10)
    later = threading.Thread(target=lambda: results.update({"later thread": network_denied()}))
    later.start()
    later.join(10)
    results["main thread"] = network_denied()
    queue.put(results)


def test_a_worker_process_guards_the_threads_it_already_had(listener: Listener) -> None:
    assert _run_child(_threads_of_a_guarded_process, listener.port) == {
        "earlier thread": True, "later thread": True, "main thread": True}
