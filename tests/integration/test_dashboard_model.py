"""The dashboard's page model over the seed KB: filters (organisation with its units, unit, person, country,
evaluation, status, due range) and their query strings, the one scorecard shared with ``makb analyze
scorecard`` (and its filters there), sorting and paging, computed against reported overdue, charts, and the
CSV and JSON of a view."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kb.analysis.scorecard import Action, Commitments, ScorecardRow, load, scorecard, tally
from kb.build import build as build_kb
from kb.errors import ConfigError
from kb.namespaces import MAKB
from kb.registry import Registry
from kb.store import OxigraphStore
from kb.views.dashboard import Dashboard, actions_csv, build, dashboard_json, scorecard_csv
from kb.views.dashboard_charts import PAST_DUE_COLOUR, nice_ticks
from kb.views.dashboard_filters import DashboardFilters, ScorecardView, sort_rows
from kb.vocab import STATUS_BY_KEY
from tests.support.kbs import BASE, FIXED_NOW, SEEDS, UNDP
from tests.support.makb import MakbRunner

AS_OF = date(2021, 1, 1)
UNITAR = BASE + "org/unitar"
TAJIK_OFFICE = BASE + "org/undp-tajikistan"
CWM = BASE + "org/unitar-cwm"
PERSON = BASE + "person/olaf-juergensen"
TAJIKISTAN = BASE + "place/tajikistan"


@pytest.fixture(scope="module")
def store(registry: Registry) -> Iterator[OxigraphStore]:
    store = OxigraphStore(None)
    report = build_kb(store, [SEEDS], registry, now=FIXED_NOW)
    assert not report.failed
    yield store
    store.close()


@pytest.fixture(scope="module")
def commitments(store: OxigraphStore) -> Commitments:
    return load(store)


def board_of(c: Commitments, **args: str) -> Dashboard:
    return build(c, DashboardFilters.parse({"as_of": AS_OF.isoformat(), **args}, AS_OF))


# ------------------------------------------------------------------------------------ filters


def test_filters_parse_and_round_trip_through_the_query_string() -> None:
    f = DashboardFilters.parse({"as_of": "2021-01-01", "org": f" {UNDP} ", "status": "past-due",
                                "due_from": "2020-01-01", "due_to": "2020-12-31", "person": ""}, date(2030, 1, 1))
    assert (f.as_of, f.org, f.status, f.person) == (AS_OF, UNDP, "past-due", None)
    assert DashboardFilters.parse(f.query(), date(2030, 1, 1)) == f
    assert f.query(org=None) == {"as_of": "2021-01-01", "status": "past-due", "due_from": "2020-01-01",
                                 "due_to": "2020-12-31"}
    assert DashboardFilters.parse({}, date(2030, 1, 1)) == DashboardFilters(date(2030, 1, 1))
    with pytest.raises(ConfigError, match=r"due_to must be a date YYYY-MM-DD, got '31/12/2020'"):
        DashboardFilters.parse({"due_to": "31/12/2020"}, AS_OF)
    with pytest.raises(ConfigError, match=r"status must be one of .*got 'late'"):
        DashboardFilters.parse({"status": "late"}, AS_OF)
    with pytest.raises(ConfigError, match=r"due_from .* is after due_to"):
        DashboardFilters.parse({"due_from": "2021-01-01", "due_to": "2020-01-01"}, AS_OF)


def test_an_organisation_counts_with_its_units(commitments: Commitments) -> None:
    board = board_of(commitments, org=UNDP)
    assert len(board.actions) == 9 and board.overdue == 2 and board.open == 3
    assert all(any(u.startswith("UNDP") or u == "MPU" for u in r.units) for r in board.actions)
    # the same numbers as the organisation's row of the whole-KB scorecard of makb analyze scorecard
    whole = {r.key: r for r in scorecard_rows(commitments, "org")}
    assert (whole[UNDP].actions, whole[UNDP].overdue, whole[UNDP].open) == (9, 2, 3)
    # two actions are shared with UNITAR's units: they count for both organisations
    assert {r.key: r.actions for r in board.scorecards["org"] if r.actions} == {UNDP: 9, UNITAR: 2}
    unit_rows = {r.key: r.actions for r in board.scorecards["unit"] if r.actions}
    assert unit_rows[TAJIK_OFFICE] == 6


def scorecard_rows(c: Commitments, by: str) -> list[ScorecardRow]:
    return tally(c, by, AS_OF)


def test_unit_person_country_and_evaluation_filters(commitments: Commitments) -> None:
    unit = board_of(commitments, unit=CWM)
    assert len(unit.actions) == 7 and unit.overdue == 3
    assert all("CWM" in r.units for r in unit.actions)
    person = board_of(commitments, person=PERSON)
    assert [r.people for r in person.actions] == [["Olaf Juergensen"]] and person.overdue == 1
    country = board_of(commitments, country=TAJIKISTAN)
    assert len(country.actions) == 7 and all(r.countries == ["Tajikistan"] for r in country.actions)
    evaluation = country.actions[0].evaluation
    assert evaluation is not None
    assert len(board_of(commitments, evaluation=evaluation).actions) == 7
    both = board_of(commitments, org=UNDP, country=TAJIKISTAN)
    assert {r.iri for r in both.actions} <= {r.iri for r in country.actions}
    with pytest.raises(ConfigError, match=r"person: the KB has no key action for <https://example\.org/nobody>"):
        board_of(commitments, person="https://example.org/nobody")


def test_status_and_due_range_filters(commitments: Commitments) -> None:
    past = board_of(commitments, status="past-due")
    assert len(past.actions) == 4 and all(r.overdue for r in past.actions)
    assert len(board_of(commitments, status="Completed").actions) == 4
    assert len(board_of(commitments, status="open").actions) == 8
    assert board_of(commitments, status="reported-overdue").actions == []
    ranged = board_of(commitments, due_from="2020-02-01", due_to="2020-06-30")
    assert sorted(r.due or "" for r in ranged.actions) == ["2020-02-29", "2020-03-30", "2020-06-30", "2020-06-30"]
    # past due depends on the as-of date, the filter set does not
    assert build(commitments, DashboardFilters(date(2020, 2, 1), status="past-due")).actions == []
    mid = build(commitments, DashboardFilters(date(2020, 7, 1), status="past-due"))
    assert [r.due for r in mid.actions] == ["2020-03-30", "2020-06-30"]


# ------------------------------------------------------------------------------------ scorecards


def test_the_dashboard_scorecard_is_the_analysis_scorecard(store: OxigraphStore, commitments: Commitments) -> None:
    board = board_of(commitments)
    for by in ("org", "unit", "person", "country"):
        theirs = [r.to_json() for r in scorecard(store, by, AS_OF)]
        assert [r.to_json() for r in board.scorecards[by]] == theirs, by


def test_scorecards_sort_by_any_column_and_page(commitments: Commitments) -> None:
    board = board_of(commitments)
    view = ScorecardView.parse({"card": "unit", "sort": "name", "dir": "asc", "per": "2"})
    first = board.scorecard(view)
    assert first.total == 5 and first.pages == 3
    assert [r.name for r in first.rows] == ["CWM", "MPU"]
    third = board.scorecard(ScorecardView.parse({"card": "unit", "sort": "name", "per": "2", "page": "3"}))
    assert [r.name for r in third.rows] == ["UNDP Tajikistan Country Office"]
    by_overdue = board.scorecard(ScorecardView.parse({"card": "unit", "sort": "overdue"}))
    assert [r.overdue for r in by_overdue.rows] == sorted((r.overdue for r in by_overdue.rows), reverse=True)
    assert by_overdue.rows[0].name == "CWM"
    ascending = board.scorecard(ScorecardView.parse({"card": "unit", "sort": "completion_rate", "dir": "asc"}))
    assert [r.completion_rate for r in ascending.rows][-1] == 1.0
    with pytest.raises(ConfigError, match="page 4 is past the last page"):
        board.scorecard(ScorecardView.parse({"card": "unit", "per": "2", "page": "4"}))
    with pytest.raises(ConfigError, match="sort must be one of"):
        ScorecardView.parse({"sort": "colour"})
    with pytest.raises(ConfigError, match="per must be a whole number from 1 to 500"):
        ScorecardView.parse({"per": "0"})
    assert ScorecardView.parse({"sort": "name"}).dir == "asc" and ScorecardView.parse({"sort": "open"}).dir == "desc"
    assert ScorecardView(sort="open", dir="desc").next_dir("open") == "asc"


def test_rows_without_a_rate_sort_last_either_way(commitments: Commitments) -> None:
    rows = tally(commitments, "org", AS_OF)
    for direction in ("asc", "desc"):
        ordered = sort_rows(rows, "completion_rate", direction)
        rates = [r.completion_rate for r in ordered]
        assert rates[-2:] == [None, None]
        known = [x for x in rates if x is not None]
        assert known == sorted(known, reverse=direction == "desc")


def test_reported_and_computed_overdue_are_counted_apart() -> None:
    def action(iri: str, status: str, due: str | None) -> Action:
        s = STATUS_BY_KEY[status]
        return Action(iri=iri, number="1", text=None, status=str(MAKB[status]), status_label=s.label,
                      terminal=s.terminal, due=due, due_text=None, units=(UNDP,))

    c = Commitments({a.iri: a for a in (action("a:1", "Overdue", "2030-01-01"), action("a:2", "OverdueInitiated", None),
                                        action("a:3", "InProgress", "2020-01-01"),
                                        action("a:4", "Completed", "2020-01-01"))},
                    orgs={}, names={UNDP: "UNDP"}, acceptance={})
    row = tally(c, "org", AS_OF)[0]
    assert (row.actions, row.overdue, row.reported_overdue, row.open) == (4, 1, 2, 3)
    board = build(c, DashboardFilters(AS_OF))
    assert (board.overdue, board.reported_overdue) == (1, 2)
    assert STATUS_BY_KEY["Overdue"].colour != PAST_DUE_COLOUR
    reported = build(c, DashboardFilters(AS_OF, status="reported-overdue"))
    assert [r.iri for r in reported.actions] == ["a:1", "a:2"]   # undated last


# ------------------------------------------------------------------------------------ charts and downloads


def test_charts_have_axes_and_legends(commitments: Commitments) -> None:
    board = board_of(commitments)
    assert board.status_chart.x_ticks[0][1] == "0"
    assert int(board.status_chart.x_ticks[-1][1]) >= max(n for _, _, n, _ in board.by_status)
    timeline = board.timeline
    assert timeline.y_ticks[0][1] == "0" and timeline.y_ticks[0][0] == timeline.axis_y
    assert [label for _, label in timeline.legend] == ["past due (computed overdue)", "not yet due"]
    assert sum(b.count for b in timeline.bars if b.note == "past due") == board.overdue
    assert timeline.marker_x is not None
    assert nice_ticks(7) == [0, 2, 4, 6, 8] and nice_ticks(0) == [0, 1] and nice_ticks(230)[-1] >= 230


def test_csv_and_json_of_a_filtered_view(commitments: Commitments) -> None:
    board = board_of(commitments, org=UNITAR)
    rows = list(csv.DictReader(io.StringIO(actions_csv(board))))
    assert [r["action"] for r in rows] == [a.iri for a in board.actions]
    assert sum(r["overdue"] == "yes" for r in rows) == board.overdue == 3
    view = ScorecardView.parse({"card": "unit", "sort": "actions"})
    table = list(csv.DictReader(io.StringIO(scorecard_csv(board, view))))
    shown = board.scorecard(view)
    assert [(r["name"], int(r["actions"]), int(r["overdue"])) for r in table] == \
        [(r.name, r.actions, r.overdue) for r in shown.rows]
    data = dashboard_json(board, view)
    assert data["filters"] == {"as_of": "2021-01-01", "org": UNITAR}
    assert data["figures"]["overdue"] == 3 and len(data["actions"]) == len(board.actions)
    assert [r["name"] for r in data["scorecard"]["rows"]] == [r["name"] for r in table]


def test_makb_analyze_scorecard_takes_the_same_filters(seed_store_dir: Path, runner: MakbRunner,
                                                       commitments: Commitments) -> None:
    code, out, _ = runner("analyze", "scorecard", "--by", "unit", "--org", "UNITAR", "--status", "past-due",
                          "--as-of", "2021-01-01", "--json", store=seed_store_dir)
    assert code == 0
    data = json.loads(out)
    assert data["filters"] == {"org": UNITAR, "status": "past-due"}
    page = board_of(commitments, org=UNITAR, status="past-due")
    assert [(r["name"], r["actions"], r["overdue"]) for r in data["rows"]] == \
        [(r.name, r.actions, r.overdue) for r in page.scorecards["unit"] if r.actions]
    code, out, _ = runner("analyze", "scorecard", "--person", "olaf juergensen", "--as-of", "2021-01-01", "--json",
                          store=seed_store_dir)
    assert code == 0 and [(r["name"], r["actions"]) for r in json.loads(out)["rows"]] == [("UNDP", 1)]
    code, _, err = runner("analyze", "scorecard", "--person", "olaf jurgensen", "--as-of", "2021-01-01",
                          store=seed_store_dir)
    assert code != 0 and "did you mean: olaf juergensen?" in err
    code, _, err = runner("analyze", "scorecard", "--status", "late", "--as-of", "2021-01-01", store=seed_store_dir)
    assert code != 0 and "status must be one of" in err


def test_an_entity_pages_key_actions_from_the_commitments_are_those_the_store_gives(
        store: OxigraphStore, commitments: Commitments) -> None:
    from kb.views.entity_summary import key_actions

    some = next(iter(commitments.actions.values()))
    entities = {UNDP, *some.units, *some.people, *some.countries, some.iri}
    entities |= {a.evaluation for a in commitments.actions.values() if a.evaluation}
    entities |= {a.recommendation for a in list(commitments.actions.values())[:5] if a.recommendation}
    entities |= {commitments.orgs[u].parent or u for a in commitments.actions.values() for u in a.units
                 if u in commitments.orgs}
    compared = 0
    for iri in sorted(e for e in entities if e):
        asked = key_actions(store, iri)
        assert key_actions(store, iri, commitments) == asked, iri
        compared += bool(asked)
    assert compared >= 5
