"""Headless Chromium for the browser tests: how it is launched, and a page watched for errors and outside requests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_SCHEMES = ("data:", "blob:", "about:")


@dataclass
class Watch:
    """What a page did that it must not: errors, requests elsewhere, dialogs."""

    base: str
    errors: list[str] = field(default_factory=list)
    #: pages expected to answer with an error status (the browser logs their status as an error)
    expected_failures: set[str] = field(default_factory=set)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside
        assert self.dialogs == [], self.dialogs


@contextmanager
def watched_page(browser: Browser, base: str) -> Iterator[tuple[Page, Watch]]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = Watch(base)

    def on_request(req: object) -> None:
        url = req.url  # type: ignore[attr-defined]
        if not (url.startswith(base + "/") or url == base or url.startswith(LOCAL_SCHEMES)):
            watch.outside.append(url)

    def on_dialog(dialog: object) -> None:
        watch.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("request", on_request)
    def on_console(msg: object) -> None:
        if msg.type != "error":  # type: ignore[attr-defined]
            return
        where = (msg.location or {}).get("url", "")  # type: ignore[attr-defined]
        if where in watch.expected_failures and "status of 404" in msg.text:  # type: ignore[attr-defined]
            return
        watch.errors.append(f"{where}: {msg.text}")  # type: ignore[attr-defined]

    page.on("console", on_console)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    page.on("dialog", on_dialog)
    try:
        yield page, watch
    finally:
        context.close()


def wait_for_graph(page: Page) -> None:
    page.wait_for_selector("#graph-canvas[data-ready='1']", state="attached", timeout=30000)
