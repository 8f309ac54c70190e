"""Shared fixtures: the registry, KBs built from the seed documents, the web app and its client, the
``makb`` runner, a real Oxigraph server.

Constants and builders live in ``tests.support.kbs`` (``SEEDS``, ``SEED_FILES``, ``FIXED_NOW``, ``BASE``...);
they are re-exported here for the modules that still import them from ``tests.conftest``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.build import build
from kb.registry import Registry, load_registry
from kb.store import OxigraphStore, RemoteStore
from tests.support.kbs import BASE, FIXED_NOW, SEED_FILES, SEEDS, build_web_kb
from tests.support.makb import MakbRunner
from tests.support.servers import oxigraph_server
from webapp import create_app

__all__ = ["BASE", "FIXED_NOW", "SEEDS", "SEED_FILES"]


# ---------------------------------------------------------------------------------------------- KBs


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The organisation registry (read-only: do not change it in a test)."""
    return load_registry()


@pytest.fixture
def memory_store() -> Iterator[OxigraphStore]:
    store = OxigraphStore(None)
    yield store
    store.close()


@pytest.fixture
def seed_store(registry: Registry) -> Iterator[OxigraphStore]:
    """A fresh in-memory KB built from the three seed documents."""
    store = OxigraphStore(None)
    report = build(store, [SEEDS], registry, now=FIXED_NOW)
    assert not report.failed, [o.error for o in report.failed]
    yield store
    store.close()


@pytest.fixture(scope="session")
def seed_store_dir(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Path:
    """An embedded on-disk KB built once from the seeds. Copy it before writing to it."""
    path = tmp_path_factory.mktemp("seed-kb") / "store"
    store = OxigraphStore(path)
    report = build(store, [SEEDS], registry, now=FIXED_NOW)
    assert not report.failed, [o.error for o in report.failed]
    store.close()
    return path


@pytest.fixture
def seed_store_copy(seed_store_dir: Path, tmp_path: Path) -> Path:
    """A private on-disk copy of the seed KB (safe to write to)."""
    dest = tmp_path / "store"
    shutil.copytree(seed_store_dir, dest)
    return dest


@pytest.fixture(scope="session")
def web_kb_dir(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Path:
    """An on-disk KB built once from the seeds and a release with markup in it (``build_web_kb``).
    Read-only: only one process may hold it open at a time."""
    root = tmp_path_factory.mktemp("web-kb")
    return build_web_kb(root / "store", registry, root / "docs")


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[RemoteStore]:
    """A real, empty Oxigraph server on 127.0.0.1, as a RemoteStore."""
    with oxigraph_server(tmp_path / "oxigraph") as (base, _proc):
        yield RemoteStore(f"{base}/query", retries=2, timeout=30)


# ---------------------------------------------------------------------------------------------- web app


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """``make_app(store_dir, **settings)``: the web app over ``store_dir`` with ``MAKB_*`` (and Flask)
    settings; every app made is closed (store and query workers) when the test ends."""
    made: list[Flask] = []

    def factory(store_dir: Path | str, **settings: Any) -> Flask:
        app = create_app({"MAKB_STORE": str(store_dir), "TESTING": True, **settings})
        made.append(app)
        return app

    yield factory
    for app in made:
        app.extensions["makb"].close()


@pytest.fixture(scope="module")
def app(web_kb_dir: Path) -> Iterator[Flask]:
    """The web app over ``web_kb_dir``, shared by the tests of a module (read-only: tests that
    write use ``make_app(seed_store_copy, ...)``)."""
    application = create_app({"MAKB_STORE": str(web_kb_dir), "TESTING": True})
    yield application
    application.extensions["makb"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# ---------------------------------------------------------------------------------------------- makb


@pytest.fixture
def runner(capsys: pytest.CaptureFixture[str]) -> MakbRunner:
    """``runner("query", "--name", "documents", store=path)``: ``makb`` in this process, output captured."""
    return MakbRunner(capsys)
