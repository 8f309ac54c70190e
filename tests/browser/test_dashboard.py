"""The commitment dashboard in headless Chromium against the app on 127.0.0.1: filter to one organisation and
to one person with the form, sort and page a scorecard by its column headings, follow a scorecard row to the
dashboard filtered to it, and download the CSV of the filtered view and compare it with the tables shown."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import watched_page
from tests.support.kbs import BASE

pytestmark = [pytest.mark.browser, pytest.mark.server]

UNITAR = BASE + "org/unitar"
PERSON = BASE + "person/olaf-juergensen"
AS_OF = "as_of=2021-01-01"


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def column(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "cells => cells.map(c => c.textContent.trim())")


def row_iris(page: Page, table: str) -> list[str]:
    return page.eval_on_selector_all(f"#{table} tbody tr", "rows => rows.map(r => r.dataset.iri)")


def figures(page: Page) -> str:
    return page.inner_text("#figures")


def test_filter_to_one_organisation_with_the_form(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(f"{site}/dashboard?{AS_OF}")
        assert "14 key actions" in figures(page)
        page.get_by_label("Organisation (with its units)").select_option(label="UNITAR")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**org=**")
        assert query_of(page)["org"] == [UNITAR] and query_of(page)["as_of"] == ["2021-01-01"]
        assert page.get_by_label("Organisation (with its units)").input_value() == UNITAR
        text = figures(page)
        assert "7 key actions" in text and "3 past due as of 2021-01-01" in text
        chips = page.locator(".active-filters li")
        assert chips.count() == 1 and chips.first.inner_text().startswith("Organisation: United Nations Institute")
        # the past-due table of this filter: evaluation, recommendation, responsible, due date, status
        late = page.locator("#overdue-table tbody tr")
        assert late.count() == 3
        first = [c.strip() for c in late.first.locator("td").all_inner_texts()]
        assert first[0].startswith("Key action") and "Strengthen National Decision" in first[1]
        assert first[2].startswith("Recommendation") and "CWM" in first[3] and first[4].startswith("2020-")
        assert "Not Reported" in first[5]
        # every key action listed belongs to one of UNITAR's units
        assert all(any(u in units for u in ("CWM", "PPME")) for units in column(page, "#actions-table td:nth-child(5)"))
        # removing the filter comes back to the whole KB
        page.click(".active-filters a")
        page.wait_for_load_state("load")
        assert "org" not in query_of(page) and "14 key actions" in figures(page)
        watch.check()


def test_filter_to_one_person_and_follow_a_scorecard_row(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(f"{site}/dashboard?{AS_OF}")
        page.get_by_label("Person responsible").select_option(label="Olaf Juergensen")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**person=**")
        assert query_of(page)["person"] == [PERSON]
        assert "1 key actions" in figures(page) and "1 past due" in figures(page)
        assert column(page, "#actions-table td:nth-child(6)") == ["Olaf Juergensen"]
        assert len(row_iris(page, "overdue-table")) == 1
        # a scorecard row leads to the dashboard filtered to it
        page.goto(f"{site}/dashboard?{AS_OF}&card=unit")
        page.click("#scorecard-table tbody tr[data-key$='/org/unitar-cwm'] a.filter-link")
        page.wait_for_url("**unit=**")
        assert query_of(page)["unit"] == [BASE + "org/unitar-cwm"]
        assert "7 key actions" in figures(page) and "3 past due" in figures(page)
        watch.check()


def test_sort_and_page_a_scorecard(browser: Browser, site: str) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(f"{site}/dashboard?{AS_OF}&card=unit&per=2")
        head = page.locator("#scorecard-table thead th").first
        assert page.evaluate("() => getComputedStyle(document.querySelector('#scorecard-table thead th')).position") \
            == "sticky"
        head.locator("a.sort").click()
        page.wait_for_url("**sort=name**")
        assert query_of(page)["dir"] == ["asc"]
        assert page.locator("#scorecard-table thead th").first.get_attribute("aria-sort") == "ascending"
        first_page = column(page, "#scorecard-table tbody th a.filter-link")
        assert first_page == ["CWM", "MPU"]
        assert "page 1 of 3" in page.inner_text("nav.pager")
        page.click("nav[aria-label='Scorecard pages'] a[rel=next]")
        page.wait_for_url("**page=2**")
        second_page = column(page, "#scorecard-table tbody th a.filter-link")
        assert len(second_page) == 2 and second_page[0] > first_page[-1]
        # the same column again: descending, back on page 1
        page.locator("#scorecard-table thead th").first.locator("a.sort").click()
        page.wait_for_url("**dir=desc**")
        assert "page" not in query_of(page)
        names = column(page, "#scorecard-table tbody th a.filter-link")
        assert names == ["UNDP Tajikistan Country Office", "UNDP Headquarters, Crisis Bureau"]
        # sort by the computed overdue count, largest first
        page.click("#scorecard-table thead th a.sort:has-text('Past due')")
        page.wait_for_url("**sort=overdue**")
        counts = [int(x) for x in column(page, "#scorecard-table tbody td:nth-child(4)")]
        assert counts == sorted(counts, reverse=True) and counts[0] == 3
        # the page agrees with the JSON of the same view
        with urllib.request.urlopen(page.url.split("#")[0] + "&format=json", timeout=30) as resp:
            data = json.load(resp)
        assert [r["name"] for r in data["scorecard"]["rows"]][:2] == column(
            page, "#scorecard-table tbody th a.filter-link")
        watch.check()


def test_the_csv_of_the_filtered_view_matches_the_tables(browser: Browser, site: str, tmp_path: Path) -> None:
    with watched_page(browser, site) as (page, watch):
        page.goto(f"{site}/dashboard?{AS_OF}&org={UNITAR}&card=unit&sort=actions&per=100")
        with page.expect_download() as info:
            page.click("#csv-download")
        path = tmp_path / "actions.csv"
        info.value.save_as(path)
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert [r["action"] for r in rows] == row_iris(page, "actions-table")
        assert [r["action"] for r in rows if r["overdue"] == "yes"] == row_iris(page, "overdue-table")
        assert {r["due"] for r in rows if r["overdue"] == "yes"} <= {"2020-03-30", "2020-06-30", "2020-09-30"}
        with page.expect_download() as info:
            page.click("#scorecard-csv")
        path = tmp_path / "scorecard.csv"
        info.value.save_as(path)
        table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        shown = page.eval_on_selector_all(
            "#scorecard-table tbody tr",
            "rows => rows.map(r => [r.querySelector('a.filter-link').textContent.trim(), r.cells[1].textContent.trim(),"
            " r.cells[3].textContent.trim()])")
        assert [[r["name"], r["actions"], r["overdue"]] for r in table] == shown
        assert [name for name, _, _ in shown] == ["CWM", "MPU", "PPME"]   # MPU shares two of them
        watch.check()
