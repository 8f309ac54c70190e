"""Warming before ``makb serve`` listens: the heavy pages land in the page cache and the canned queries in the
result cache, one line per request is reported, a failing page does not stop it, and its time is bounded."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from kb import queries
from kb.errors import Busy, QueryTimeout
from webapp import warm as warm_mod
from webapp.kbstate import KBState
from webapp.sparql import CACHE_HEADER
from webapp.warm import SPARQL_ACCEPT, warm

MAKB = str(Path(sys.executable).with_name("makb"))


def state_of(app: Flask) -> KBState:
    return app.extensions["makb"]


def test_warming_fills_the_page_and_result_caches_and_reports_each_request(
        make_app: Callable[..., Flask], seed_store_copy: Path) -> None:
    app = make_app(seed_store_copy, MAKB_QUERY_WORKERS=1)
    assert state_of(app).derived.computed == 0          # the app factory does not warm by itself
    lines: list[str] = []
    report = warm(app, 120, lines.append)
    assert not report.stopped and not report.failed(), [w.line() for w in report.done]
    canned = queries.all_queries()
    whats = [w.what for w in report.done]
    assert whats[:3] == ["dashboard", "explorer", "documents"]
    assert "most connected organisation's page" in whats and "its ego graph" in whats
    assert [w for w in whats if w.startswith("canned query ")] == [f"canned query {n}" for n in canned]
    assert lines[:-1] == [w.line() for w in report.done] and len(lines) == len(report.done) + 1
    assert all(re.fullmatch(r"makb: warmed .+ in \d+\.\d\d s", line) for line in lines[:-1])
    assert lines[-1].startswith("makb: warming took ") and f"({len(report.done)} requests)" in lines[-1]
    ego = next(w for w in report.done if w.what == "its ego graph")
    assert ego.path.startswith("/graph?org=")

    # the pages are in the page cache: asking again computes nothing new
    computed = state_of(app).derived.computed
    assert computed > 0
    client = app.test_client()
    for path in ("/dashboard", "/graph", ego.path):
        assert client.get(path).status_code == 200
    assert state_of(app).derived.computed == computed
    # the canned queries are in the result cache, for the editor's Accept header
    for query in canned.values():
        resp = client.get("/sparql", query_string={"query": query.text}, headers={"Accept": SPARQL_ACCEPT})
        assert resp.status_code == 200 and resp.headers[CACHE_HEADER] == "hit", query.name


def test_a_failing_page_is_reported_and_warming_goes_on(make_app: Callable[..., Flask], seed_store_copy: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm_mod, "PAGES", (("a page that is not there", "/no-such-page"), ("documents", "/documents")))
    app = make_app(seed_store_copy, MAKB_QUERY_WORKERS=1)
    lines: list[str] = []
    report = warm(app, 120, lines.append)
    assert [w.what for w in report.failed()] == ["a page that is not there"]
    assert lines[0].startswith("makb: warming a page that is not there failed after ") and "404" in lines[0]
    assert report.done[1].what == "documents" and report.done[1].ok
    assert len(report.done) > 2 and "1 failed" in lines[-1]


def test_warming_stops_at_its_budget(make_app: Callable[..., Flask], seed_store_copy: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(seed_store_copy, MAKB_QUERY_WORKERS=1)
    release = threading.Event()
    app.add_url_rule("/slow", "slow", lambda: "done" if release.wait(30) else "late")
    monkeypatch.setattr(warm_mod, "PAGES", (("a slow page", "/slow"), ("dashboard", "/dashboard")))
    lines: list[str] = []
    try:
        report = warm(app, 0.5, lines.append)
    finally:
        release.set()
    assert report.stopped and report.done == []
    assert len(lines) == 1 and "stopped at its limit of 0.5 s (MAKB_WARM_SECONDS)" in lines[0]


def test_no_budget_no_warming(make_app: Callable[..., Flask], seed_store_copy: Path) -> None:
    app = make_app(seed_store_copy, MAKB_QUERY_WORKERS=1)
    lines: list[str] = []
    report = warm(app, 0, lines.append)
    assert report.done == [] and lines == [] and state_of(app).derived.computed == 0


def _serve_stderr(store: Path, tmp_path: Path, *extra: str) -> str:
    """Start ``makb serve`` on a free port of 127.0.0.1, wait until it listens, stop it; its stderr."""
    err = tmp_path / "serve.err"
    with err.open("wb") as stderr:
        proc = subprocess.Popen([MAKB, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", "0",
                                 *extra], stdout=subprocess.PIPE, stderr=stderr,
                                env={**os.environ, "MAKB_QUERY_WORKERS": "1"})
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().decode("utf-8", "replace")
            assert "serving the embedded store" in line, (line, err.read_text())
        finally:
            proc.kill()
            proc.wait()
            if proc.stdout:
                proc.stdout.close()
    return err.read_text(encoding="utf-8")


@pytest.mark.server
def test_makb_serve_warms_before_it_listens_unless_told_not_to(seed_store_copy: Path, tmp_path: Path) -> None:
    warmed = _serve_stderr(seed_store_copy, tmp_path)
    assert re.search(r"^makb: warmed dashboard in \d+\.\d\d s$", warmed, re.MULTILINE), warmed
    assert re.search(r"^makb: warmed canned query documents in ", warmed, re.MULTILINE), warmed
    assert "makb: warming took " in warmed
    cold = _serve_stderr(seed_store_copy, tmp_path, "--no-warm")
    assert "warm" not in cold


def test_a_page_still_being_computed_is_asked_again_until_it_is_ready(
        make_app: Callable[..., Flask], seed_store_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a page deadline far shorter than the dashboard's first computation: its first answers are 503
    app = make_app(seed_store_copy, MAKB_QUERY_WORKERS=1, MAKB_PAGE_TIMEOUT=0.001)
    monkeypatch.setattr(warm_mod, "PAGES", (("dashboard", "/dashboard"),))
    monkeypatch.setattr(warm_mod.queries, "all_queries", dict)
    report = warm(app, 120)
    dashboard = report.done[0]
    assert dashboard.what == "dashboard" and dashboard.ok and dashboard.tries > 1
    assert app.test_client().get("/dashboard").status_code == 200


def test_busy_answers_are_asked_again_and_a_query_timeout_is_not(make_app: Callable[..., Flask],
                                                                 seed_store_copy: Path) -> None:
    app = make_app(seed_store_copy, MAKB_QUERY_WORKERS=1)
    calls = {"busy": 0, "timeout": 0}

    def busy_twice() -> str:
        calls["busy"] += 1
        if calls["busy"] <= 2:
            raise Busy("still computing")
        return "ready"

    def times_out() -> str:
        calls["timeout"] += 1
        raise QueryTimeout("the query ran past the time limit")

    app.add_url_rule("/busy-twice", "busy_twice", busy_twice)
    app.add_url_rule("/times-out", "times_out", times_out)
    as_json = {"headers": {"Accept": "application/json"}}
    deadline = time.monotonic() + 60
    ready = warm_mod._request(app, "busy page", "/busy-twice", as_json, deadline)
    assert ready.ok and ready.tries == 3 and calls["busy"] == 3
    late = warm_mod._request(app, "slow query", "/times-out", as_json, deadline)
    assert not late.ok and late.tries == 1 and calls["timeout"] == 1
    assert late.status == 503 and late.error and "time limit" in late.error
