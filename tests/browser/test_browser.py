"""The pages in a real browser: headless Chromium (Debian's, see scripts/install-browser.sh)
driven by Playwright against the app served on 127.0.0.1.

Every page loads with no console error and no request leaving the app; the
graph is drawn and a click on a node opens its entity page; a canned query runs
in the editor and its rows download as CSV; the dashboard table downloads as
CSV; markup from a document is shown as text and never runs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.support.browser import wait_for_graph, watched_page
from tests.support.kbs import BASE, HOSTILE_TITLE, UNDP

pytestmark = [pytest.mark.browser, pytest.mark.server]

PAGES = ["/", "/query", "/documents", "/downloads", "/graph", "/graph?org=ANAMA&depth=2&kind=agreement&kind=project",
         "/dashboard?as_of=2021-01-01", "/ontology", "/id/org/undp", "/id/person/nargizakhon-usmanova",
         "/entity?iri=mailto%3Aruslan.ismayilzada%40undp.org", "/id/no/such/thing"]


def test_every_page_loads_without_errors_or_outside_requests(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        watch.expected_failures.add(site + "/id/no/such/thing")
        for path in PAGES:
            resp = page.goto(site + path)
            assert resp is not None
            assert resp.status == (404 if "no/such" in path else 200), path
            if path.startswith("/graph"):
                wait_for_graph(page)
            page.wait_for_load_state("load")
            assert page.locator("h1").count() >= 1, path
        watch.check()


def test_graph_is_drawn_and_a_double_click_on_a_node_opens_its_page(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/graph")
        wait_for_graph(page)
        drawn = page.evaluate("""() => {
            const canvas = document.querySelector('#graph-canvas canvas');
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) painted++; }
            return {nodes: window.makbGraph.body.data.nodes.length, painted: painted};
        }""")
        assert drawn["nodes"] == 12 and drawn["painted"] > 1000
        point = page.evaluate("""(id) => {
            const net = window.makbGraph;
            const dom = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.querySelector('#graph-canvas').getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y};
        }""", UNDP)
        page.mouse.dblclick(point["x"], point["y"])     # a click opens its panel, a double click its page
        page.wait_for_url(site + "/id/org/undp", timeout=10000)
        assert page.locator("h1").inner_text() == "United Nations Development Programme"
        watch.check()


def test_search_box_finds_a_node(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/graph")
        wait_for_graph(page)
        page.fill("#graph-search-input", "anama")
        page.click("#graph-search button")
        assert page.locator("#graph-status").inner_text() == "Found."
        assert page.evaluate("() => window.makbGraph.getSelectedNodes()") == [BASE + "org/anama"]
        watch.check()


def test_editor_runs_a_canned_query_and_downloads_its_rows(browser: Browser, site: str, tmp_path: Path) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query")
        page.click("a.canned-query[data-name='projects']")
        page.wait_for_selector(".result-table tbody tr")
        rows = page.locator(".result-table tbody tr")
        assert rows.count() == 1      # the hostile copy names the same project as the seed
        link = rows.first.locator("a").first
        assert link.get_attribute("href").startswith("/id/project/")
        assert "tok-keyword" in page.inner_html("#highlight")
        assert "query=" in page.get_attribute("#permalink", "href")
        with page.expect_download() as info:
            page.click("#download-csv")
        saved = tmp_path / "results.csv"
        info.value.save_as(saved)
        table = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
        assert table[0][:3] == ["project", "title", "phase"] and len(table) == 2
        assert table[1][1].startswith("Community Based Small Business Trainings")

        # prefixes on demand, then the permalink reruns the query
        page.fill("#query", "SELECT ?o WHERE { ?o a org:Organization ; skos:prefLabel ?l } ORDER BY ?o")
        page.click("#add-prefixes")
        text = page.input_value("#query")
        assert text.startswith("PREFIX org: <http://www.w3.org/ns/org#>\n") and "PREFIX skos:" in text
        page.click("#run")
        page.wait_for_selector(".result-table tbody tr")
        count = page.locator(".result-table tbody tr").count()
        permalink = page.get_attribute("#permalink", "href")
        page.goto(site + permalink)
        page.wait_for_selector(".result-table tbody tr")
        assert page.locator(".result-table tbody tr").count() == count > 5
        watch.check()


def test_dashboard_table_downloads_as_csv(browser: Browser, site: str, tmp_path: Path) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/dashboard?as_of=2021-01-01")
        assert page.locator("#status-chart rect").count() == 4
        with page.expect_download() as info:
            page.click("#csv-download")
        saved = tmp_path / "actions.csv"
        info.value.save_as(saved)
        rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
        assert len(rows) == 14 and sum(r["overdue"] == "yes" for r in rows) == 4
        watch.check()


def test_markup_from_a_document_stays_text(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/query?run=1&query=" + "SELECT%20%3Fn%20WHERE%20%7B%20%3Fn%20%3Chttp%3A%2F%2Fpurl.org%2Fdc"
                  "%2Fterms%2Ftitle%3E%20%3Ft%20FILTER%20CONTAINS(%3Ft%2C%20%22%3Cscript%3E%22)%20%7D")
        page.wait_for_selector(".result-table tbody tr a")
        page.click(".result-table tbody tr a")
        page.wait_for_selector("h1")
        assert page.locator("h1").inner_text() == HOSTILE_TITLE
        page.goto(site + "/documents")
        assert page.get_by_text(HOSTILE_TITLE).count() >= 1
        watch.check()
