"""Shared fixtures: the registry, KBs built from the seed documents, a real Oxigraph server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kb.build import build
from kb.registry import Registry, load_registry
from kb.settings import DATA_DIR
from kb.store import OxigraphStore, RemoteStore
from tests.support.servers import oxigraph_server

SEEDS = DATA_DIR / "documents"
SEED_FILES = {
    "erc": SEEDS / "000_ed0432e762aadb2d.txt",
    "response": SEEDS / "001_47ac0c33fd8ef360.txt",
    "news": SEEDS / "002_f7a1618a2c1dab11.txt",
}
#: a fixed ingest time, so that builds in tests are reproducible
FIXED_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def registry() -> Registry:
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


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[RemoteStore]:
    """A real, empty Oxigraph server on 127.0.0.1, as a RemoteStore."""
    with oxigraph_server(tmp_path / "oxigraph") as (base, _proc):
        yield RemoteStore(f"{base}/query", retries=2, timeout=30)
