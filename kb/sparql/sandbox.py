"""No network for code that runs users' SPARQL: a seccomp filter that refuses IP sockets, and memory limits.

Every engine we use follows ``SERVICE <http://...>`` (and ``LOAD`` in updates)
by opening a socket, and a textual check always misses some spelling.  So the
processes that run public queries, and the thread that runs token-bearing
updates, install a seccomp filter before they run anything: ``socket()`` and
``socketpair()`` for any address family other than ``AF_UNIX`` fail with
``EPERM``, and ``io_uring`` (whose socket operations would not pass through
the filter) is refused with ``ENOSYS``.  Pipes to the parent and local sockets
keep working; nothing else can reach a network, whatever the query says.

Why seccomp (through libseccomp, with the ``pyseccomp`` binding) and not
Landlock: Landlock's network rules (ABI 4, Linux 6.7) restrict only TCP
``bind`` and ``connect``; UDP (a DNS lookup, QUIC) and raw sockets stay open,
and kernels before 6.7 have no network rules at all.  A seccomp filter on
``socket()`` covers every IP protocol and works on any Linux since 3.5;
libseccomp is part of every Debian install.  Seccomp filters also hold per
thread, so the web process can guard the one thread that runs updates while
its other threads keep serving.  A filter cannot be removed once installed,
and the process cannot give itself new privileges afterwards
(``no_new_privs``).  Where seccomp cannot be installed, ``deny_network``
raises and the caller refuses to run queries: the guard fails closed.
"""

from __future__ import annotations

import errno
import queue
import resource
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from kb.errors import StoreError

T = TypeVar("T")

#: syscalls refused with EPERM unless their first argument (the address family) is AF_UNIX
_SOCKET_CALLS = ("socket", "socketpair")
#: syscalls refused outright: io_uring can open and connect sockets without a socket() call
_REFUSED_CALLS = ("io_uring_setup", "io_uring_enter", "io_uring_register")


def deny_network(all_threads: bool = False) -> None:
    """Install the filter on the calling thread (and every thread or process it starts later);
    with ``all_threads``, on every thread the process already has too (a worker process).

    Raises ``StoreError`` when the filter cannot be installed (no libseccomp, no kernel support).
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as exc:   # OSError: the binding found no libseccomp
        raise StoreError(f"cannot drop network access (libseccomp unavailable: {exc})") from None
    try:
        flt = seccomp.SyscallFilter(seccomp.ALLOW)
        if all_threads:
            flt.set_attr(seccomp.Attr.CTL_TSYNC, 1)
        for name in _SOCKET_CALLS:
            flt.add_rule(seccomp.ERRNO(errno.EPERM), name, seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        for name in _REFUSED_CALLS:
            flt.add_rule(seccomp.ERRNO(errno.ENOSYS), name)
        flt.load()
    except (OSError, RuntimeError, ValueError) as exc:
        raise StoreError(f"cannot drop network access (seccomp refused the filter: {exc})") from None


def network_denied() -> bool:
    """True when this thread cannot open an IP socket (the filter is in place)."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False


def limit_memory(max_bytes: int) -> None:
    """Cap this process's address space at ``max_bytes`` (RLIMIT_AS); 0 leaves it as it is."""
    if max_bytes <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        max_bytes = min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, hard))


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident memory of a process now and at its peak, and its address space, in MB (``rss``, ``peak``,
    ``size``); empty when unknown."""
    out: dict[str, float] = {}
    names = {"VmRSS": "rss", "VmHWM": "peak", "VmSize": "size"}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in names:
                    out[names[key]] = round(int(value.split()[0]) / 1024, 1)
    except (OSError, ValueError):
        return {}
    return out


class GuardedThread:
    """One thread with the network filter installed; ``call`` runs a function on it and returns its result.

    Used by the web process for SPARQL Update: the store is open read-write there,
    so the update cannot move to another process, but it can run where no socket opens.
    """

    def __init__(self, name: str = "makb-guarded") -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...], Future[Any]] | None] = \
            queue.SimpleQueue()
        self._ready: Future[None] = Future()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        try:
            deny_network()
        except StoreError as exc:
            self._ready.set_exception(exc)
            return
        self._ready.set_result(None)
        while (job := self._jobs.get()) is not None:
            fn, args, done = job
            if not done.set_running_or_notify_cancel():
                continue
            try:
                done.set_result(fn(*args))
            except BaseException as exc:    # handed back to the caller as it was
                done.set_exception(exc)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the guarded thread; raises what it raises."""
        self._ready.result()      # StoreError when the filter could not be installed
        done: Future[T] = Future()
        self._jobs.put((fn, args, done))
        return done.result()

    def close(self) -> None:
        self._jobs.put(None)
