"""The worker pool: query worker processes over the embedded store, with bounded admission and recovery.

See ``kb.sparql.executors`` for the rules every executor follows; this module
holds the one that can stop a query: each worker is a process
(``kb.sparql.worker``) that the pool kills at the request's deadline, replaces
when it dies, and never gives a query before checking it is alive.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb import errors
from kb.errors import Busy, KBError, QueryError, QueryTimeout, QueryTooLarge, StoreError, TooManyRequests
from kb.sparql.executors import RETRY_AFTER, QueryExecutor, timeout_error
from kb.sparql.sandbox import memory_mb
from kb.sparql.worker import Dataset, worker_main
from kb.store import OxigraphStore
from kb.store.results import QueryResult

#: seconds a new worker process may take to open the store
WORKER_START_TIMEOUT = 60.0
#: seconds between the watcher's looks for dead idle workers
WATCH_INTERVAL = 0.5
#: resident MB above which a worker is replaced once its query is answered
RECYCLE_MB = 192
#: share of its query memory (``MAKB_WORKER_MEMORY``) a worker may keep reserved once a query is answered
RECYCLE_SHARE = 0.5
#: exit signals of a worker that stopped itself (allocation failure, stack overflow), not killed from outside
_SELF_INFLICTED = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL}


def _error(name: str, message: str) -> KBError:
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, KBError)):
        cls = QueryError
    return cls(message)


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, ctx: Any, path: str, memory: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, path, os.getpid(), memory),
                                   name="makb-query-worker", daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.base_mb = 0.0

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(max(0.0, timeout)):
            raise StoreError(f"a query worker did not open the store within {timeout:g} s")
        msg = self.conn.recv()
        if msg[0] != "ready":
            raise _error(msg[1], msg[2])
        self.ready = True
        #: address space (MB) once the store is open: the worker's memory limit counts from there
        self.base_mb = memory_mb(self.process.pid).get("size", 0.0)

    def alive(self) -> bool:
        return self.process.is_alive()

    def exit_signal(self) -> signal.Signals | None:
        self.process.join(2)
        code = self.process.exitcode
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return signal.Signals(-code)
        return None

    def exit_description(self) -> str:
        sig = self.exit_signal()
        if sig is not None:
            return f"it was ended by {sig.name}"
        code = self.process.exitcode
        return "it stopped answering" if code is None else f"it exited with status {code}"

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


class _Lost(Exception):
    """The worker died under a query."""

    def __init__(self, worker: _Worker) -> None:
        super().__init__(worker.exit_description())
        sig = worker.exit_signal()
        code = worker.process.exitcode
        #: the worker ended itself (allocation failure, stack overflow, a thread it could not start),
        #: rather than being killed from outside (SIGKILL, SIGTERM)
        self.self_inflicted = sig in _SELF_INFLICTED or (sig is None and code is not None and code > 0)


class WorkerPool(QueryExecutor):
    """Worker processes over the on-disk store, with bounded admission; a query past its deadline is killed."""

    kind = "workers"

    def __init__(self, path: str | Path, *, workers: int = 2, primary: OxigraphStore | None = None,
                 start_timeout: float = WORKER_START_TIMEOUT, memory_mb: int = 0, queue: int = 4,
                 client_limit: int = 4, **limits: Any) -> None:
        super().__init__(**limits)
        self.path = str(path)
        self.size = max(1, int(workers))
        self.start_timeout = start_timeout
        self.memory = max(0, int(memory_mb)) * 1024 * 1024
        self.queue = max(0, int(queue))
        self.client_limit = max(1, int(client_limit))
        #: workers one client may hold at once: all but one, so another client always finds one
        self.client_workers = max(1, self.size - 1)
        self._primary = primary
        self._ctx = multiprocessing.get_context("spawn")
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._busy = 0
        self._waiting = 0
        self._in_flight: dict[str, int] = {}
        self._running: dict[str, int] = {}
        self._paused = False
        self._closed = False
        self.counts = {"queries": 0, "timeouts": 0, "crashes": 0, "restarts": 0, "retries": 0, "recycled": 0,
                       "refused_busy": 0, "refused_client": 0}
        self._add(self.size)
        self._watcher = threading.Thread(target=self._watch, name="makb-worker-watch", daemon=True)
        self._watcher.start()

    # -------------------------------------------------------------------------------- the workers

    def _add(self, n: int) -> None:
        fresh = [_Worker(self._ctx, self.path, self.memory) for _ in range(n)]
        with self._cond:
            if self._closed:
                for w in fresh:
                    w.kill()
                return
            self._workers.update(fresh)
            self._idle.extend(fresh)
            self._cond.notify_all()

    def _drop_dead_idle(self) -> int:
        """Take dead idle workers out (the caller holds the lock); how many were dropped."""
        dead = [w for w in self._idle if not w.alive()]
        for w in dead:
            self._idle.remove(w)
            self._workers.discard(w)
        return len(dead)

    def _replace(self, n: int) -> None:
        if n:
            self.counts["restarts"] += n
            self._add(n)

    def _watch(self) -> None:
        """Replace idle workers that died (killed from outside, out of memory) before anyone needs them."""
        while True:
            time.sleep(WATCH_INTERVAL)
            with self._cond:
                if self._closed:
                    return
                dead = 0 if self._paused else self._drop_dead_idle()
            self._replace(dead)

    # -------------------------------------------------------------------------------- admission

    def _acquire(self, client: str, deadline: float) -> _Worker:
        with self._cond:
            if self._closed:
                raise StoreError("the query workers are shut down")
            if self._in_flight.get(client, 0) >= self.client_limit:
                self.counts["refused_client"] += 1
                raise TooManyRequests(f"this client already has {self.client_limit} queries running or waiting; "
                                      f"try again in {RETRY_AFTER} s")
            if not self._can_start(client) and self._waiting >= self.queue:
                self.counts["refused_busy"] += 1
                raise Busy(f"all {self.size} query workers are busy and {self._waiting} queries are waiting; "
                           f"try again in {RETRY_AFTER} s")
            self._in_flight[client] = self._in_flight.get(client, 0) + 1
            self._waiting += 1
            try:
                while not self._can_start(client):
                    if self._closed:
                        raise StoreError("the query workers are shut down")
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        self.counts["timeouts"] += 1
                        raise QueryTimeout(f"no query worker came free within the time limit of {self.timeout:g} s "
                                           "(all busy, or the KB was being updated); try again")
                    self._cond.wait(min(remaining, WATCH_INTERVAL))
            except BaseException:
                self._leave(client)
                raise
            finally:
                self._waiting -= 1
            ready = [i for i, w in enumerate(self._idle) if w.ready]
            worker = self._idle.pop(ready[-1] if ready else -1)
            self._busy += 1
            self._running[client] = self._running.get(client, 0) + 1
            self.counts["queries"] += 1
            return worker

    def _can_start(self, client: str) -> bool:
        """Whether ``client`` may take an idle worker now (the caller holds the lock); drops dead ones first."""
        if self._closed or self._paused:
            return False
        dead = self._drop_dead_idle()
        if dead:
            self.counts["restarts"] += dead
            threading.Thread(target=self._add, args=(dead,), daemon=True).start()
        return bool(self._idle) and self._running.get(client, 0) < self.client_workers

    def _leave(self, client: str) -> None:
        left = self._in_flight.get(client, 0) - 1
        if left > 0:
            self._in_flight[client] = left
        else:
            self._in_flight.pop(client, None)

    def _release(self, worker: _Worker, client: str, healthy: bool) -> None:
        replace = False
        with self._cond:
            self._busy -= 1
            self._leave(client)
            running = self._running.get(client, 0) - 1
            if running > 0:
                self._running[client] = running
            else:
                self._running.pop(client, None)
            # a worker a large query left big is replaced, so that idle workers hold little memory and the
            # next query has the whole address space its limit allows (memory a query freed stays reserved)
            used = memory_mb(worker.process.pid) if healthy else {}
            grown = (used.get("size", 0) - worker.base_mb) * 1024 * 1024
            bloated = healthy and (used.get("rss", 0) > RECYCLE_MB or (
                self.memory > 0 and grown > self.memory * RECYCLE_SHARE))
            if healthy and not bloated and not self._closed:
                self._idle.append(worker)
            elif bloated and not self._closed:
                self._workers.discard(worker)
                replace = not self._paused
                self.counts["recycled"] += 1
            else:
                self._workers.discard(worker)
                replace = not self._closed and not self._paused
            self._cond.notify_all()
        if not healthy or self._closed:
            worker.kill()
        elif worker not in self._workers:
            worker.kill()      # idle and done with its query: nothing of it is lost
        if replace:
            self._replace(1)

    # -------------------------------------------------------------------------------- running

    def _send(self, message: tuple[Any, ...], client: str, deadline: float) -> Any:
        """Send one message to a worker and wait for its reply before ``deadline``; raises ``_Lost``."""
        worker = self._acquire(client, deadline)
        healthy = False
        try:
            worker.wait_ready(min(self.start_timeout, max(0.0, deadline - time.monotonic())))
            worker.conn.send(message)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self.counts["timeouts"] += 1
                raise timeout_error(self.timeout)
            reply = worker.conn.recv()
            healthy = True
        except (EOFError, OSError):
            self.counts["crashes"] += 1
            raise _Lost(worker) from None
        finally:
            self._release(worker, client, healthy)
        if reply[0] == "ok":
            return reply[1]
        raise _error(reply[1], reply[2])

    def _run(self, query: str, dataset: Dataset, client: str, deadline: float) -> QueryResult:
        message = ("query", query, self.max_rows, self.max_result_bytes, dataset)
        try:
            return self._send(message, client, deadline)
        except _Lost as lost:
            if lost.self_inflicted:
                raise self._too_large(lost) from None
        self.counts["retries"] += 1      # killed from outside: once more on a fresh worker
        try:
            return self._send(message, client, deadline)
        except _Lost as lost:
            if lost.self_inflicted:
                raise self._too_large(lost) from None
            raise Busy(f"the query lost its worker twice ({lost}); try again in {RETRY_AFTER} s") from None

    def _too_large(self, lost: _Lost) -> QueryTooLarge:
        limit = f" (the limit is {self.memory // (1024 * 1024)} MB)" if self.memory else ""
        return QueryTooLarge(f"the query stopped the process running it ({lost}): it needs more memory{limit} "
                             "or deeper recursion than a query worker has")

    def dump(self, fmt: str, destination: str | Path, timeout: float) -> None:
        """Write the whole KB in ``fmt`` to ``destination`` from a one-off guarded process without a memory cap."""
        worker = _Worker(self._ctx, self.path, 0)
        try:
            worker.wait_ready(self.start_timeout)
            worker.conn.send(("dump", fmt, str(destination)))
            if not worker.conn.poll(timeout):
                raise QueryTimeout(f"writing the {fmt} download took over {timeout:g} s")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            raise StoreError(f"the process writing the {fmt} download stopped ({worker.exit_description()})") from None
        finally:
            worker.stop()
        if reply[0] != "ok":
            raise _error(reply[1], reply[2])

    # -------------------------------------------------------------------------------- writes, state

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

    def set_primary(self, primary: OxigraphStore) -> None:
        """The store the app writes through (after it was reopened)."""
        self._primary = primary

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
            return sum(1 for w in self._workers if w.alive())

    def problems(self) -> list[str]:
        with self._cond:
            if self._paused or self._closed:
                return []
            alive = sum(1 for w in self._workers if w.alive())
        if alive < self.size:
            return [f"{self.size - alive} of {self.size} query workers are down (being replaced)"]
        return []

    def info(self) -> dict[str, Any]:
        with self._cond:
            waiting = self._waiting
            pids = [w.process.pid for w in self._workers if w.process.pid]
        peaks = [memory_mb(pid).get("peak", 0.0) for pid in pids]
        return {**super().info(), "workers": self.size, "workers_alive": self.alive(), "waiting": waiting,
                "worker_peak_rss_mb": max(peaks, default=0.0),
                "queue": self.queue, "client_limit": self.client_limit,
                "worker_memory_mb": self.memory // (1024 * 1024), **self.counts}


