"""Entity pages that read well, in headless Chromium against the app on 127.0.0.1: a project's budget as an
amount with its currency and its beneficiary groups with counts; an organisation's summary (kind, key facts,
counts), its key actions with evaluation, recommendation, status and due date, its sources collapsed to a
count, and links to its ego graph and to the dashboard filtered to it; a key action's heading naming its
number, text and evaluation.  The paging of a long source list is checked through the Flask client."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Browser

from tests.support.browser import wait_for_graph, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

PROJECT = "/id/project/community-based-small-business-trainings-and-micro-credit-re-70e1f01c"
ACTION = "/id/evaluation/final-evaluation-of-the-support-to-tajikistan-mine-0a3ef5ab/rec/3/action/1"


def test_a_project_shows_its_budget_as_an_amount(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + PROJECT)
        assert page.locator("#parts li.amount").all_inner_texts() == ["136,000 USD (project budget)"]
        groups = page.locator("#parts li.beneficiaries").all_inner_texts()
        assert groups == ["40 mine survivors (direct)", "about 160 family members (indirect)"]
        # in the statements too, the budget and the groups are named, never shown as their IRIs
        values = page.locator("table.statements.out td:nth-child(2) a").all_inner_texts()
        assert "136,000 USD" in values and "40 mine survivors" in values
        assert not [v for v in values if v.startswith(("http", "id:"))]
        facts = page.inner_text("#key-facts")
        assert "Funded by" in facts and "United Nations Development Programme" in facts and "Azerbaijan" in facts
        watch.check()


def test_an_organisation_page_opens_with_its_summary_and_commitments(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + "/id/org/undp")
        assert page.locator("h1").inner_text() == "United Nations Development Programme"
        assert page.locator(".entity-head .kind").inner_text() == "Organisation"
        facts = dict(zip(page.locator("#key-facts dt").all_inner_texts(),
                         page.locator("#key-facts dd").all_inner_texts(), strict=True))
        assert facts["Acronym"] == "UNDP" and facts["Headquarters"] == "United States"
        counts = page.inner_text(".entity-counts")
        assert "9 key actions" in counts and "5 units" in counts and "4 source documents" in counts
        # the key actions with evaluation, recommendation, status and due date; headings name the action
        rows = page.locator("#entity-actions tbody tr")
        assert rows.count() == 9
        for i in range(rows.count()):
            cells = [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
            assert cells[0].startswith("Key action ") and ": " in cells[0], cells
            assert cells[1] and cells[2].startswith("Recommendation ") and cells[3] and cells[4], cells
        assert page.locator("#entity-actions tbody tr td:nth-child(4) svg.swatch rect").first.get_attribute(
            "fill") == "#2e7d32"   # Completed, coloured from the status table
        # sources collapsed to a count; opened on demand
        assert "(4 documents)" in page.inner_text("#sources-heading")
        listed = page.locator("#sources details li").first
        assert not listed.is_visible()
        page.click("#sources summary")
        assert listed.is_visible()
        page.click("#ego-link")
        page.wait_for_url("**/graph?org=**")
        wait_for_graph(page)
        assert "United Nations Development Programme" in page.inner_text("main")
        page.go_back()
        page.click("#dashboard-link")
        page.wait_for_url("**/dashboard?org=**")
        assert "9 key actions" in page.inner_text("#figures")
        watch.check()


def test_a_key_action_heading_names_its_number_text_and_evaluation(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(site + ACTION)
        assert page.locator("h1").inner_text() == \
            "Key action 3.1: Contribute into UNDP Global Report on Mine Action (2018-19)"
        context = page.inner_text("#action-context")
        assert "Final evaluation of the Support to Tajikistan Mine Action Programme" in context
        assert "Recommendation 3" in context and "Completed" in context and "due 2020/01" in context
        assert page.title().startswith("Key action 3.1: Contribute")
        watch.check()


def test_long_source_lists_are_paged(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("webapp.entities.SOURCES_PER_PAGE", 3)
    first = client.get("/id/org/undp", headers={"Accept": "text/html"}).get_data(as_text=True)
    section = first.split('id="sources"')[1].split("</section>")[0]
    assert section.count("<li>") == 3 and "page 1 of 2" in section and "<details>" in section
    assert 'href="/id/org/undp?spage=2#sources"' in section
    second = client.get("/id/org/undp?spage=2", headers={"Accept": "text/html"}).get_data(as_text=True)
    section = second.split('id="sources"')[1].split("</section>")[0]
    assert section.count("<li>") == 1 and "<details open>" in section and 'rel="prev"' in section
    assert client.get("/id/org/undp?spage=3").status_code == 400
    assert client.get("/id/org/undp?spage=x").status_code == 400


def test_a_country_page_counts_its_commitments_in_plain_words(client: FlaskClient) -> None:
    page = client.get("/id/place/tajikistan", headers={"Accept": "text/html"}).get_data(as_text=True)
    head = page.split('<ul class="figures entity-counts">')[1].split("</ul>")[0]
    assert "<b>7</b> key actions" in head and "<b>1</b> past due" in head
    assert "<b>1</b> document naming it" in head and "<b>2</b> source documents" in head
    assert 'href="/dashboard?country=https://w3id.org/makb/id/place/tajikistan"' in page
