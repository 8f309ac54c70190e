"""Fixtures of the browser tests: one Chromium and one served web KB for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from kb.registry import Registry
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.kbs import build_web_kb
from tests.support.webserver import running_app


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[str]:
    """The app over the seeds plus a release with markup in it, served on 127.0.0.1 (read-only use)."""
    root = tmp_path_factory.mktemp("browser-kb")
    store = build_web_kb(root / "store", registry, root / "docs")
    with running_app({"MAKB_STORE": str(store)}) as base_url:
        yield base_url.rstrip("/")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
