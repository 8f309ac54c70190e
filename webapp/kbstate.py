"""The KB resources of one app: its store and registry, reached through one accessor."""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from kb.registry import Registry, load_registry
from kb.store import Store, open_store


@dataclass
class KBState:
    settings: dict[str, Any]
    store: Store
    registry: Registry
    #: serialises writes through the web (uploads, updates, graph store)
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    #: other per-app services (the query executor...), created by their blueprints
    services: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        for service in list(self.services.values()):
            close = getattr(service, "close", None)
            if close:
                close()
        self.services.clear()
        self.store.close()


def init_app(app: Flask) -> None:
    settings = app.config["MAKB"]
    state = KBState(settings=settings, store=open_store(settings),
                    registry=load_registry(settings["MAKB_REGISTRY"], settings["MAKB_BASE_IRI"]))
    app.extensions["makb"] = state
    atexit.register(state.close)


def kb() -> KBState:
    """The current app's KB state."""
    return current_app.extensions["makb"]
