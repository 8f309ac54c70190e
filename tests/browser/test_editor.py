"""The query editor in headless Chromium against the app on 127.0.0.1.

The app runs with a small row cap (``MAKB_MAX_ROWS``) so that a ``LIMIT 50000``
query is cut, and a short time limit that bounds the slow query the cancel
test stops.  Each test checks what a user sees: the truncation notice and the
CSV trailer, a syntax error marked at its line, a cancelled query, Back and
Forward, sorting, names for IRIs, a CONSTRUCT as triples with its Turtle,
Tab leaving the editor, and ``/sparql`` opened in a browser.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib
from playwright.sync_api import Browser, Page, expect
from rdflib.compare import isomorphic

from kb.registry import Registry
from tests.support.browser import watched_page
from tests.support.kbs import ANAMA, BASE, UNDP, build_web_kb
from tests.support.webserver import running_app

pytestmark = [pytest.mark.browser, pytest.mark.server]

#: the row cap of the app under test: small, so that ordinary queries are cut
MAX_ROWS = 25
#: seconds a query may run: bounds the slow query the cancel test leaves behind
TIME_LIMIT = 6.0
EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50000"
#: a cartesian product over every triple, three times: far longer than the time limit
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ORGS = ("PREFIX org: <http://www.w3.org/ns/org#>\n"
        "SELECT ?o WHERE { ?o a org:Organization } ORDER BY ?o LIMIT 10")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[str]:
    root = tmp_path_factory.mktemp("editor-kb")
    store = build_web_kb(root / "store", registry, root / "docs")
    config = {"MAKB_STORE": str(store), "MAKB_MAX_ROWS": MAX_ROWS, "MAKB_QUERY_TIMEOUT": TIME_LIMIT,
              "MAKB_QUERY_WORKERS": 3}
    with running_app(config) as base_url:
        yield base_url.rstrip("/")


def run_query(page: Page, text: str) -> None:
    """Type ``text``, run it and wait until it has ended (the form counts the queries that ended)."""
    before = int(page.get_attribute("#query-form", "data-finished") or 0)
    page.fill("#query", text)
    page.click("#run")
    page.wait_for_function("(n) => Number(document.getElementById('query-form').dataset.finished || 0) > n",
                           arg=before, timeout=30000)


def body_rows(page: Page) -> list[list[str]]:
    return page.eval_on_selector_all(
        ".result-table tbody tr", "rows => rows.map(r => Array.from(r.cells, c => c.textContent))")


def download(page: Page, button: str, folder: Path, name: str) -> str:
    with page.expect_download() as info:
        page.click(button)
    path = folder / name
    info.value.save_as(path)
    return path.read_text(encoding="utf-8")


def test_a_capped_answer_says_so_on_screen_and_in_its_downloads(browser: Browser, site: str,
                                                                 tmp_path: Path) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query")
        expect(page.locator("#truncation")).to_be_hidden()
        run_query(page, EVERYTHING)
        notice = page.locator("#truncation")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(f"stopped this answer at {MAX_ROWS} rows")
        expect(page.locator("#status")).to_contain_text(f"{MAX_ROWS} rows (cut at the server's limit)")
        text = download(page, "#download-csv", tmp_path, "results.csv")
        table = list(csv.reader(io.StringIO(text)))
        assert table[0] == ["s", "p", "o"]
        assert len(table) == 1 + MAX_ROWS + 1
        assert table[-1][0].startswith("# The server stopped this answer at 25 rows")
        body = json.loads(download(page, "#download-json", tmp_path, "results.json"))
        assert body["truncated"] is True and len(body["results"]["bindings"]) == MAX_ROWS
        assert "stopped this answer" in body["notice"]

        # an answer under the cap carries no notice, on screen or in the file
        run_query(page, ORGS)
        expect(page.locator("#truncation")).to_be_hidden()
        text = download(page, "#download-csv", tmp_path, "orgs.csv")
        assert not any(line.startswith("#") for line in text.splitlines())
        watch.check()


def test_a_malformed_query_is_marked_at_its_line(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query")
        run_query(page, "SELECT ?x WHERE {\n  ?x ?p ?l .\n  ?x foo:bar ?y\n}")
        # the endpoint answered 400, which the browser logs; nothing else may be logged
        assert all("status of 400" in e for e in watch.errors)
        watch.errors.clear()
        error = page.locator("#query-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("Line 3, column 6: unknown prefix 'foo:'")
        assert "Expected one of" not in error.inner_text() and len(error.inner_text()) < 200
        assert page.locator("#gutter .error-line").all_inner_texts() == ["3"]
        assert page.locator("#highlight .tok-error").inner_text() == "foo:bar"
        # the link puts the caret where the error is
        error.locator("button").click()
        caret = page.evaluate("() => document.getElementById('query').selectionStart")
        assert page.input_value("#query")[caret:caret + 7] == "foo:bar"
        # API clients get the same place in the one JSON error shape
        request = urllib.request.Request(site + "/sparql?query=" + quote(page.input_value("#query")),
                                         headers={"Accept": "application/sparql-results+json"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=30)
        body = json.loads(caught.value.read())
        assert caught.value.code == 400
        assert body == {"error": "query", "status": 400, "line": 3, "column": 6, "message":
                        "SPARQL syntax error at line 3, column 6: unknown prefix 'foo:' "
                        "(declare it with PREFIX foo: <...>)"}
        # editing the text clears the mark
        page.press("#query", "End")
        page.keyboard.type(" ")
        assert page.locator("#gutter .error-line").count() == 0
        watch.check()


def test_cancel_stops_a_slow_query(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query")
        page.fill("#query", SLOW)
        page.click("#run")
        expect(page.locator("#status")).to_contain_text("Running")
        expect(page.locator("#cancel")).to_be_enabled()
        page.click("#cancel")
        expect(page.locator("#status")).to_contain_text("Cancelled after")
        expect(page.locator("#results")).to_contain_text("Query cancelled")
        expect(page.locator("#cancel")).to_be_disabled()
        # the page stays usable: the next query answers
        run_query(page, ORGS)
        assert len(body_rows(page)) > 3
        watch.check()


def test_back_and_forward_restore_query_and_results(browser: Browser, site: str) -> None:
    first = "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }"
    second = "SELECT ?n WHERE { VALUES ?n { 7 8 } }"
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query")
        # a jump by the skip link is an entry of its own that leaves the text typed alone
        page.fill("#query", "SELECT 1")
        page.focus(".skip-link")
        page.keyboard.press("Enter")
        page.wait_for_url("**#main")
        page.go_back()
        expect(page.locator("#query")).to_have_value("SELECT 1")
        run_query(page, first)
        assert body_rows(page) == [["1"], ["2"], ["3"]]
        run_query(page, second)
        assert body_rows(page) == [["7"], ["8"]]
        assert "query=" in page.url
        page.go_back()
        expect(page.locator("#query")).to_have_value(first)
        expect(page.locator(".result-table tbody tr")).to_have_count(3)
        assert body_rows(page) == [["1"], ["2"], ["3"]]
        page.go_forward()
        expect(page.locator("#query")).to_have_value(second)
        assert body_rows(page) == [["7"], ["8"]]
        page.go_back()
        page.go_back()
        expect(page.locator("#query")).to_have_value("")
        assert page.url.endswith("/query")
        watch.check()


def test_columns_sort_and_iris_show_their_names(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query")
        run_query(page, "SELECT ?n ?w WHERE { VALUES (?n ?w) { (2 'b') (10 'c') (1 'a') } }")
        assert [r[0] for r in body_rows(page)] == ["2", "10", "1"]
        page.click("th[data-var='n'] button")
        assert [r[0] for r in body_rows(page)] == ["1", "2", "10"]      # numbers sort as numbers
        assert page.get_attribute("th[data-var='n']", "aria-sort") == "ascending"
        page.click("th[data-var='n'] button")
        assert [r[0] for r in body_rows(page)] == ["10", "2", "1"]
        assert page.get_attribute("th[data-var='n']", "aria-sort") == "descending"

        run_query(page, "PREFIX org: <http://www.w3.org/ns/org#>\nSELECT ?o WHERE { "
                        f"VALUES ?o {{ <{UNDP}> <{ANAMA}> <{BASE}org/cromac> }} ?o a org:Organization }}")
        link = page.locator(f".result-table a[title='{UNDP}']")
        expect(link).to_have_text("United Nations Development Programme")
        assert link.get_attribute("href") == "/id/org/undp"
        names = [r[0] for r in body_rows(page)]
        assert len(names) == 3 and "ANAMA" not in names     # every one shown by its name
        page.click("th[data-var='o'] button")
        assert [r[0] for r in body_rows(page)] == sorted(names, key=str.lower)
        watch.check()


def test_a_construct_is_a_table_of_triples_with_a_turtle_download(browser: Browser, site: str,
                                                                   tmp_path: Path) -> None:
    query = ("PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
             "CONSTRUCT { ?o skos:prefLabel ?l ; a org:Organization } "
             "WHERE { ?o a org:Organization ; skos:prefLabel ?l } ORDER BY ?o LIMIT 6")
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query")
        run_query(page, query)
        heads = page.locator(".result-table thead th").all_inner_texts()
        assert heads == ["subject", "predicate", "object"]
        rows = body_rows(page)
        assert rows and all(len(r) == 3 for r in rows)
        expect(page.locator("#download-ttl")).to_be_enabled()
        expect(page.locator("#download-json")).to_be_hidden()
        turtle = download(page, "#download-ttl", tmp_path, "results.ttl")
        got = rdflib.Graph().parse(data=turtle, format="turtle")
        request = urllib.request.Request(site + "/sparql?query=" + quote(query),
                                         headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            expected = rdflib.Graph().parse(data=resp.read().decode("utf-8"), format="nt")
        assert len(got) == len(rows) == len(expected) > 0
        assert isomorphic(got, expected)
        watch.check()


def test_tab_leaves_the_editor_unless_asked_to_indent(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query")
        page.fill("#query", "SELECT")
        page.focus("#query")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "run"
        assert page.input_value("#query") == "SELECT"

        page.focus("#query")
        page.keyboard.press("End")
        page.keyboard.press("Control+m")
        expect(page.locator("#tab-mode")).to_have_text("Tab indents (Escape to move on).")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "query"
        assert page.input_value("#query") == "SELECT  "
        page.keyboard.press("Escape")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "run"
        assert "Ctrl+M" in page.inner_text("#editor-help")
        watch.check()


def test_sparql_in_a_browser_shows_the_editor_and_clients_get_the_description(browser: Browser,
                                                                             site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        resp = page.goto(site + "/sparql")
        assert resp is not None and resp.status == 200
        assert resp.headers["content-type"].startswith("text/html")
        expect(page.locator("h1")).to_have_text("Query editor")
        run_query(page, "ASK { ?s ?p ?o }")
        expect(page.locator("#results .boolean")).to_have_text("true")
        watch.check()
    for accept in ("*/*", "text/turtle", "application/sparql-results+json, */*;q=0.1", None):
        request = urllib.request.Request(site + "/sparql", headers={"Accept": accept} if accept else {})
        with urllib.request.urlopen(request, timeout=30) as resp:
            kind = resp.headers["Content-Type"]
            graph = rdflib.Graph().parse(data=resp.read().decode("utf-8"),
                                         format="xml" if "rdf+xml" in kind else "turtle")
        assert not kind.startswith("text/html"), accept
        assert (None, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"), None) in graph
