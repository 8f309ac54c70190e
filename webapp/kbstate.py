"""The KB resources of one app: its store and registry, reached through one accessor."""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask, current_app

from kb.registry import Registry, load_registry
from kb.store import Store, open_store

T = TypeVar("T")


class Derived:
    """Results computed from the whole store (the partner graph...), kept until the store changes.

    Web writes call ``invalidate``.  An embedded store changes only through this app (the
    server holds it); a remote endpoint can change behind our back, so there an entry also
    expires after ``ttl`` seconds.
    """

    def __init__(self, ttl: float | None, size: int = 32) -> None:
        self.ttl = ttl
        self.size = size
        self._lock = threading.Lock()
        self._generation = 0
        self._entries: dict[Hashable, tuple[int, float, Any]] = {}
        self._computing: dict[Hashable, threading.Lock] = {}

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key``, computed once even when requests ask at the same time."""
        while True:
            with self._lock:
                hit = self._entries.get(key)
                if hit is not None and hit[0] == self._generation and (
                        self.ttl is None or time.monotonic() - hit[1] < self.ttl):
                    return hit[2]
                generation = self._generation
                gate = self._computing.setdefault(key, threading.Lock())
            with gate:
                with self._lock:
                    hit = self._entries.get(key)
                    fresh = hit is not None and hit[0] == self._generation and (
                        self.ttl is None or time.monotonic() - hit[1] < self.ttl)
                if fresh:
                    continue
                value = compute()
                with self._lock:
                    if generation == self._generation:
                        if len(self._entries) >= self.size:
                            self._entries.pop(next(iter(self._entries)))
                        self._entries[key] = (generation, time.monotonic(), value)
                return value


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

    def close(self) -> None:
        for service in list(self.services.values()):
            close = getattr(service, "close", None)
            if close:
                close()
        self.services.clear()
        self.store.close()


#: seconds a whole-store result is reused when the store is a remote endpoint
REMOTE_TTL = 60.0


def init_app(app: Flask) -> None:
    settings = app.config["MAKB"]
    store = open_store(settings)
    state = KBState(settings=settings, store=store,
                    registry=load_registry(settings["MAKB_REGISTRY"], settings["MAKB_BASE_IRI"]),
                    derived=Derived(ttl=REMOTE_TTL if store.kind == "remote" else None))
    app.extensions["makb"] = state
    atexit.register(state.close)


def kb() -> KBState:
    """The current app's KB state."""
    return current_app.extensions["makb"]
