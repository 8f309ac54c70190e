"""The KB resources of one app (store, registry, caches), reached through one accessor.

Whole-KB results are kept in a bounded cache with a deadline, public SPARQL
answers in a cache bounded in bytes (``kb.sparql.cache``), whole-KB downloads
are kept as files, and write faults are remembered.  Every web write drops
all three.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import Flask, current_app

from kb.errors import Busy, ConfigError, KBError, StoreError
from kb.registry import Registry, load_registry
from kb.sparql.cache import BoundedCache, ResultCache
from kb.sparql.executors import RETRY_AFTER, QueryExecutor
from kb.sparql.sandbox import GuardedThread
from kb.sparql.service import make_executor
from kb.store import RDF_FORMATS, OxigraphStore, Store, dump_kb, open_store

T = TypeVar("T")

#: threads that compute whole-KB results; more requests for other keys wait or get 503
PAGE_THREADS = 2
#: whole-KB results being computed or waiting to be; past this, new keys are refused at once
MAX_PENDING = 8
#: requests that may wait for a result being computed; past this they are answered 503 at once, so
#: waiting requests never hold every request thread of the server
MAX_WAITERS = 4
#: seconds the process writing a whole-KB download may take
DOWNLOAD_TIMEOUT = 600.0
_computing = threading.local()


class Derived:
    """Results computed from the whole store (the partner graph, a dashboard...), kept until the store changes.

    At most ``size`` results are kept (the oldest goes first).  Each is computed
    once on one of ``PAGE_THREADS`` threads, however many requests ask for it; a
    request waits ``timeout`` seconds at most and is then answered ``Busy`` (503,
    Retry-After) while the computation goes on into the cache for the next try.
    At most ``max_waiters`` requests wait at once (the others are answered ``Busy``
    at once), so the server's request threads stay free for other pages.
    Web writes call ``invalidate``.  An embedded store changes only through this
    app (the server holds it); a remote endpoint can change behind our back, so
    there an entry also expires after ``ttl`` seconds.
    """

    def __init__(self, ttl: float | None, size: int = 16, timeout: float | None = None,
                 max_waiters: int | None = None) -> None:
        self.ttl = ttl
        self.size = size
        self.timeout = timeout
        self.max_waiters = max_waiters
        self._lock = threading.Lock()
        self._generation = 0
        self._entries: dict[Hashable, tuple[int, float, Any]] = {}
        self._pending: dict[tuple[int, Hashable], Future[Any]] = {}
        self._waiters = 0
        self._pool: ThreadPoolExecutor | None = None
        #: results computed so far (a request that finds its result kept adds nothing)
        self.computed = 0

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def _fresh(self, key: Hashable) -> tuple[bool, Any]:
        hit = self._entries.get(key)
        if hit is not None and hit[0] == self._generation and (
                self.ttl is None or time.monotonic() - hit[1] < self.ttl):
            return True, hit[2]
        return False, None

    def computing(self) -> int:
        """How many results are being computed (or waiting to be) now."""
        with self._lock:
            return len(self._pending)

    def peek(self, key: Hashable) -> Any:
        """The value kept for ``key``, or None; never computes."""
        with self._lock:
            return self._fresh(key)[1]

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key``, computed once even when requests ask at the same time."""
        if getattr(_computing, "active", False):     # a result computed inside another one: no new thread
            with self._lock:
                found, value = self._fresh(key)
            return cast(T, value) if found else compute()
        with self._lock:
            found, value = self._fresh(key)
            if found:
                return cast(T, value)
            slot = (self._generation, key)
            future = self._pending.get(slot)
            if future is None:
                if len(self._pending) >= MAX_PENDING:
                    raise Busy(f"{len(self._pending)} whole-KB pages are being computed; "
                               f"try again in {RETRY_AFTER} s")
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(PAGE_THREADS, thread_name_prefix="makb-page")
                future = self._pool.submit(self._compute, slot, compute)
                self._pending[slot] = future
            if self.max_waiters is not None and self._waiters >= self.max_waiters and not future.done():
                raise Busy(f"{self._waiters} requests are waiting for whole-KB pages; try again in {RETRY_AFTER} s")
            self._waiters += 1
        try:
            return cast(T, future.result(timeout=self.timeout))
        except FutureTimeout:
            raise Busy(f"this page is still being computed (over {self.timeout:g} s); "
                       f"try again in {RETRY_AFTER} s") from None
        finally:
            with self._lock:
                self._waiters -= 1

    def _compute(self, slot: tuple[int, Hashable], compute: Callable[[], T]) -> T:
        generation, key = slot
        _computing.active = True
        try:
            value = compute()
            with self._lock:
                self.computed += 1
                if generation == self._generation:
                    if key not in self._entries and len(self._entries) >= self.size:
                        self._entries.pop(next(iter(self._entries)))
                    self._entries[key] = (generation, time.monotonic(), value)
            return value
        finally:
            _computing.active = False
            with self._lock:
                self._pending.pop(slot, None)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


class PageCache(BoundedCache[str, bytes]):
    """Rendered pages (bytes) by address, least recently used out first, dropped on every web write (like the
    ``/sparql`` answers); for pages of one entity, of which there are too many to keep as page models."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes, lambda key, page: len(page))


#: bytes of rendered entity pages kept
PAGE_CACHE_BYTES = 32 * 1024 * 1024


class Downloads:
    """Whole-KB downloads as files, written once per store state and then streamed from disk.

    The files live in ``downloads/`` inside the embedded store's directory (a
    temporary directory for other stores).  ``writer(fmt, path)`` writes one;
    for the embedded store that happens in a separate guarded process, so the
    web process never holds a whole export in memory.
    """

    def __init__(self, directory: Path, writer: Callable[[str, Path], None], derived: Derived,
                 owned: bool = False) -> None:
        self.directory = directory
        self.writer = writer
        self.derived = derived
        self.owned = owned
        self._generation = 0
        self.invalidate()     # files left by an earlier server may describe an older state of the store

    def path(self, fmt: str) -> Path:
        """The file of the whole KB in ``fmt`` (ConfigError for an unknown format, Busy while it is written)."""
        if fmt not in RDF_FORMATS:
            raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(RDF_FORMATS)}")
        generation = self._generation
        return self.derived.get(("download", generation, fmt), lambda: self._write(generation, fmt))

    def _write(self, generation: int, fmt: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"kb-{generation}.{fmt}"
        if not path.exists():
            self.writer(fmt, path)
        return path

    def invalidate(self) -> None:
        """The store changed: later downloads are written anew, and the old files go."""
        self._generation += 1
        with contextlib.suppress(OSError):
            for old in self.directory.glob("kb-*"):
                old.unlink()

    def close(self) -> None:
        if self.owned:
            shutil.rmtree(self.directory, ignore_errors=True)


def file_chunks(path: Path, size: int = 1 << 16) -> Iterator[bytes]:
    """The bytes of ``path`` in chunks, for a streamed answer (the file is closed once read)."""
    with path.open("rb") as f:
        while chunk := f.read(size):
            yield chunk


def disk_full(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the disk is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return True
        text = current.message if isinstance(current, KBError) else str(current)
        if "no space left" in text.lower():
            return True
        current = current.__cause__ or current.__context__
    return False


@dataclass
class KBState:
    settings: dict[str, Any]
    store: Store
    registry: Registry
    #: serialises writes through the web (uploads, updates, graph store)
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    #: other per-app services (the query executor...), created by their blueprints
    services: dict[str, Any] = field(default_factory=dict)
    #: whole-store results (the partner graph per filter set), dropped on every web write
    derived: Derived = field(default_factory=lambda: Derived(ttl=None))
    #: serialised answers of ``/sparql``, dropped on every web write
    results: ResultCache = field(default_factory=lambda: ResultCache(0))
    #: rendered entity pages, dropped on every web write
    pages: PageCache = field(default_factory=lambda: PageCache(PAGE_CACHE_BYTES))
    #: why the last write failed, when it failed for a reason that outlives it (a full disk)
    write_fault: str | None = None
    downloads: Downloads | None = None
    _guard: GuardedThread | None = None

    def problems(self) -> list[str]:
        """What keeps the app from full service, for the health report."""
        return [f"the last write failed: {self.write_fault}"] if self.write_fault else []

    def guarded(self) -> GuardedThread:
        """The thread that runs SPARQL Update with no network (started on first use)."""
        if self._guard is None:
            self._guard = GuardedThread("makb-update")
        return self._guard

    def reopen_store(self) -> None:
        """Open the embedded store anew (after a failed write its engine may refuse writes until reopened)."""
        if not (isinstance(self.store, OxigraphStore) and self.store.kind == "embedded"):
            return
        location = self.store.location
        self.store.close()
        self.store = OxigraphStore(location)
        executor = self.services.get("executor")
        if executor is not None and hasattr(executor, "set_primary"):
            executor.set_primary(self.store)

    def invalidate(self) -> None:
        """The store changed: drop whole-KB results, SPARQL answers and downloads."""
        self.derived.invalidate()
        self.results.invalidate()
        self.pages.invalidate()
        if self.downloads is not None:
            self.downloads.invalidate()

    def close(self) -> None:
        for service in list(self.services.values()):
            close = getattr(service, "close", None)
            if close:
                close()
        self.services.clear()
        self.derived.close()
        if self._guard is not None:
            self._guard.close()
        if self.downloads is not None:
            self.downloads.close()
        self.store.close()


#: seconds a whole-store result is reused when the store is a remote endpoint
REMOTE_TTL = 60.0


def _downloads(app: Flask, state: KBState) -> Downloads:
    store = state.store
    if isinstance(store, OxigraphStore) and store.kind == "embedded":
        def write_in_worker(fmt: str, path: Path) -> None:
            executor = query_executor(app)
            dump = getattr(executor, "dump", None)
            if dump is None:
                path.write_bytes(state.store.dump(fmt))
            else:
                dump(fmt, path, DOWNLOAD_TIMEOUT)
        return Downloads(Path(store.location) / "downloads", write_in_worker, state.derived)

    def write_here(fmt: str, path: Path) -> None:
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(dump_kb(state.store, fmt))
        tmp.replace(path)
    return Downloads(Path(tempfile.mkdtemp(prefix="makb-downloads-")), write_here, state.derived, owned=True)


def init_app(app: Flask) -> None:
    settings = app.config["MAKB"]
    store = open_store(settings)
    timeout = float(settings.get("MAKB_PAGE_TIMEOUT") or 0) or None
    ttl = REMOTE_TTL if store.kind == "remote" else None
    cache_mb = float(settings.get("MAKB_RESULT_CACHE_MB") or 0)
    if cache_mb < 0:
        raise ConfigError(f"setting MAKB_RESULT_CACHE_MB: {cache_mb:g} is not 0 (off) or a size in MB")
    cache_bytes = int(cache_mb * 1024 * 1024)
    state = KBState(settings=settings, store=store,
                    registry=load_registry(settings["MAKB_REGISTRY"], settings["MAKB_BASE_IRI"]),
                    derived=Derived(ttl=ttl, timeout=timeout, max_waiters=MAX_WAITERS),
                    results=ResultCache(cache_bytes, ttl=ttl),
                    # a remote endpoint can change behind our back: its entity pages are made anew each time
                    pages=PageCache(0 if store.kind == "remote" else PAGE_CACHE_BYTES))
    state.downloads = _downloads(app, state)
    app.extensions["makb"] = state
    atexit.register(state.close)


def kb() -> KBState:
    """The current app's KB state."""
    return cast(KBState, current_app.extensions["makb"])


#: the key of the executor in ``KBState.services`` (``webapp.writes`` pauses it around writes)
EXECUTOR = "executor"
_create_lock = threading.Lock()


def query_executor(app: Flask | None = None) -> QueryExecutor:
    """The app's query executor (``kb.sparql.executors``), started on first use."""
    state = (app or current_app).extensions["makb"]
    with _create_lock:
        executor = state.services.get(EXECUTOR)
        if executor is None:
            executor = make_executor(state.store, state.settings)
            state.services[EXECUTOR] = executor
    return executor


def write_failed(state: KBState, exc: BaseException) -> None:
    """Remember a write that failed for lack of space (the health report shows it until a write succeeds)."""
    if disk_full(exc):
        state.write_fault = "no space left on device"


def disk_full_error() -> StoreError:
    return StoreError("the store's disk is full: the write was not made; free some space and try again")
