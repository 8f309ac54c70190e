"""The commitment dashboard's page model: key actions by status, computed and reported overdue, scorecards.

Key actions come from ``kb.analysis.scorecard.load`` (the same records and the
same ``tally`` as ``makb analyze scorecard``), read once per store state and
narrowed here by ``DashboardFilters``.  Computed overdue ("past due": the due
period ended before the as-of date and the status is not terminal) is told
apart from the status the source reports as Overdue.  The page, its CSV and its
JSON are made from the same ``Dashboard``.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kb.analysis.scorecard import SCORECARD_BY, Action, Commitments, ScorecardRow, tally
from kb.errors import ConfigError
from kb.views.dashboard_charts import Chart, status_chart, timeline_chart
from kb.views.dashboard_filters import (
    COMPUTED_STATUSES,
    SCORE_COLUMNS,
    DashboardFilters,
    Options,
    ScorecardView,
    options,
    sort_rows,
    status_key,
)
from kb.vocab import STATUS_BY_KEY, STATUS_COLOURS

#: the scorecards a page can show: (group-by key, title)
SCORECARD_KINDS: tuple[tuple[str, str], ...] = (
    ("org", "Organisations"), ("unit", "Units"), ("person", "People"), ("country", "Countries"))
#: the heading of a scorecard's name column, per kind
NAME_HEADINGS = {"org": "Organisation", "unit": "Unit", "person": "Person", "country": "Country"}
#: the filter a scorecard row sets when followed, per kind
ROW_FILTER = {"org": "org", "unit": "unit", "person": "person", "country": "country"}
#: past-due key actions per page of their table (the CSV has them all)
OVERDUE_PER_PAGE = 20
#: key actions per page of the full list
ACTIONS_PER_PAGE = 25
#: output formats of the dashboard
FORMATS = ("html", "csv", "json")
FILTER_HEADINGS = {"org": "Organisation", "unit": "Unit", "person": "Person", "country": "Country",
                   "evaluation": "Evaluation", "status": "Status", "due_from": "Due from", "due_to": "Due until"}


@dataclass(slots=True)
class ActionRow:
    """One key action as the dashboard lists it (names, not IRIs, for its parties)."""

    iri: str
    ref: str
    text: str | None
    evaluation: str | None
    evaluation_title: str | None
    recommendation: str | None
    rec_number: str | None
    status: str
    status_key: str
    colour: str
    terminal: bool
    reported_overdue: bool
    due: str | None
    due_text: str | None
    overdue: bool
    units: list[str]
    people: list[str]
    countries: list[str]

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "iri", "ref", "text", "evaluation", "evaluation_title", "recommendation", "status", "reported_overdue",
            "due", "due_text", "overdue", "units", "people", "countries")}


@dataclass
class ScorecardPage:
    """One page of one scorecard, sorted as asked."""

    view: ScorecardView
    rows: list[ScorecardRow]
    total: int
    pages: int
    columns: list[tuple[str, str]]           #: (column key, heading)


@dataclass
class Dashboard:
    filters: DashboardFilters
    options: Options
    actions: list[ActionRow]
    by_status: list[tuple[str, str, int, str]]      #: (status key, label, count, colour)
    status_chart: Chart
    timeline: Chart
    scorecards: dict[str, list[ScorecardRow]]
    active: list[tuple[str, str, str]] = field(default_factory=list)   #: (filter name, heading, value label)

    @cached_property
    def open(self) -> int:
        return sum(1 for r in self.actions if not r.terminal)

    @cached_property
    def overdue(self) -> int:
        """Computed overdue ("past due") key actions."""
        return sum(1 for r in self.actions if r.overdue)

    @cached_property
    def reported_overdue(self) -> int:
        return sum(1 for r in self.actions if r.reported_overdue)

    @cached_property
    def undated_open(self) -> int:
        return sum(1 for r in self.actions if not r.terminal and not r.due)

    @cached_property
    def overdue_rows(self) -> list[ActionRow]:
        """Past-due key actions, longest overdue first."""
        return [r for r in self.actions if r.overdue]

    def scorecard(self, view: ScorecardView) -> ScorecardPage:
        """The page of the scorecard ``view`` asks for (ConfigError past the last page)."""
        rows = sort_rows([r for r in self.scorecards[view.card] if r.actions], view.sort, view.dir)
        pages = max(1, math.ceil(len(rows) / view.per))
        if view.page > pages:
            raise ConfigError(f"page {view.page} is past the last page ({pages}) of this scorecard")
        start = (view.page - 1) * view.per
        columns = [(k, NAME_HEADINGS[view.card] if k == "name" else h) for k, h in SCORE_COLUMNS.items()]
        return ScorecardPage(view, rows[start:start + view.per], len(rows), pages, columns)

    def actions_page(self, page: int) -> tuple[list[ActionRow], int]:
        """(rows, number of pages) of the full key-action list (``apage``)."""
        return _page(self.actions, page, ACTIONS_PER_PAGE, "apage", "key actions")

    def overdue_page(self, page: int) -> tuple[list[ActionRow], int]:
        """(rows, number of pages) of the past-due table (``opage``), longest past due first."""
        return _page(self.overdue_rows, page, OVERDUE_PER_PAGE, "opage", "past-due key actions")


def _page(rows: list[ActionRow], page: int, per: int, name: str, what: str) -> tuple[list[ActionRow], int]:
    pages = max(1, math.ceil(len(rows) / per))
    if page > pages:
        raise ConfigError(f"{name} {page} is past the last page ({pages}) of the {what}")
    return rows[(page - 1) * per:page * per], pages


def _row(a: Action, c: Commitments, f: DashboardFilters) -> ActionRow:
    key = status_key(a)
    return ActionRow(
        iri=a.iri, ref=a.ref, text=a.text, evaluation=a.evaluation, evaluation_title=a.evaluation_title,
        recommendation=a.recommendation, rec_number=a.rec_number, status=a.status_label, status_key=key,
        colour=STATUS_BY_KEY[key].colour if key in STATUS_BY_KEY else STATUS_COLOURS.get(a.status_label, "#90a4ae"),
        terminal=a.terminal, reported_overdue=a.reported_overdue, due=a.due, due_text=a.due_text,
        overdue=a.overdue(f.as_of), units=sorted(c.name(u) for u in a.units),
        people=sorted(c.name(p) for p in a.people), countries=sorted(c.name(x) for x in a.countries))


def _active(f: DashboardFilters, c: Commitments) -> list[tuple[str, str, str]]:
    out = []
    titles = {a.evaluation: a.evaluation_title for a in c.actions.values() if a.evaluation}
    for name, heading in FILTER_HEADINGS.items():
        value = getattr(f, name)
        if not value:
            continue
        if name == "evaluation":
            label = titles.get(value) or value
        elif name == "status":
            label = COMPUTED_STATUSES.get(value) or STATUS_BY_KEY[value].label
        elif name in ("due_from", "due_to"):
            label = value.isoformat()
        else:
            label = c.orgs[value].label if value in c.orgs else c.name(value)
        out.append((name, heading, label))
    return out


def _known(c: Commitments, name: str, value: str) -> bool:
    if name in ("org", "unit"):
        return value in c.orgs
    attribute = {"person": "people", "country": "countries"}.get(name)
    if attribute:
        return any(value in getattr(a, attribute) for a in c.actions.values())
    return any(a.evaluation == value for a in c.actions.values())


def build(c: Commitments, filters: DashboardFilters) -> Dashboard:
    """Everything the dashboard shows for the key actions ``filters`` keep."""
    for name in ("org", "unit", "person", "country", "evaluation"):
        value = getattr(filters, name)
        if value and not _known(c, name, value):
            raise ConfigError(f"{name}: the KB has no key action for <{value}>")

    def keep(a: Action) -> bool:
        return filters.keeps(a, c)

    chosen = sorted((a for a in c.actions.values() if keep(a)), key=lambda a: (a.due or "9999", a.ref, a.iri))
    rows = [_row(a, c, filters) for a in chosen]
    counts = Counter(r.status_key for r in rows)
    colour = {r.status_key: r.colour for r in rows}
    label = {r.status_key: r.status for r in rows}
    order = [k for k in STATUS_BY_KEY if counts.get(k)] + sorted(set(counts) - set(STATUS_BY_KEY))
    by_status = [(k, label[k], counts[k], colour[k]) for k in order]
    return Dashboard(
        filters=filters, options=options(c), actions=rows, by_status=by_status,
        status_chart=status_chart([(lab, n) for _, lab, n, _ in by_status]),
        timeline=timeline_chart([(r.due, r.overdue) for r in rows if r.due and not r.terminal], filters.as_of),
        scorecards={by: tally(c, by, filters.as_of, keep if filters.narrowed else None) for by in SCORECARD_BY},
        active=_active(filters, c))


# ------------------------------------------------------------------------------------ downloads

CSV_COLUMNS = ("action", "evaluation", "recommendation", "number", "text", "status", "reported_overdue", "due",
               "due_as_printed", "overdue", "units", "people", "countries")
SCORECARD_CSV_COLUMNS = ("key", "name", "parent", "actions", "open", "overdue", "reported_overdue", "completed",
                         "completion_rate", "recommendations")


def _csv(header: tuple[str, ...], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def actions_csv(board: Dashboard) -> str:
    """The filtered key actions as CSV (one row per action, lists joined with '; ')."""
    return _csv(CSV_COLUMNS, [
        [r.iri, r.evaluation_title or r.evaluation or "", r.recommendation or "", r.ref, r.text or "", r.status,
         "yes" if r.reported_overdue else "no", r.due or "", r.due_text or "", "yes" if r.overdue else "no",
         "; ".join(r.units), "; ".join(r.people), "; ".join(r.countries)] for r in board.actions])


def scorecard_csv(board: Dashboard, view: ScorecardView) -> str:
    """Every row of the scorecard ``view`` names, in its order (all pages)."""
    rows = sort_rows([r for r in board.scorecards[view.card] if r.actions], view.sort, view.dir)
    return _csv(SCORECARD_CSV_COLUMNS, [
        [r.key, r.name, r.parent or "", r.actions, r.open, r.overdue, r.reported_overdue, r.completed,
         "" if r.completion_rate is None else r.completion_rate, r.recommendations] for r in rows])


def dashboard_json(board: Dashboard, view: ScorecardView) -> dict[str, Any]:
    """The filtered view as JSON: filters, figures, statuses, the chosen scorecard (every row) and the actions."""
    rows = sort_rows([r for r in board.scorecards[view.card] if r.actions], view.sort, view.dir)
    return {
        "as_of": board.filters.as_of.isoformat(), "filters": board.filters.query(),
        "figures": {"actions": len(board.actions), "open": board.open, "overdue": board.overdue,
                    "reported_overdue": board.reported_overdue, "open_without_due_date": board.undated_open},
        "by_status": {lab: n for _, lab, n, _ in board.by_status},
        "scorecard": {"by": view.card, "sort": view.sort, "dir": view.dir, "rows": [r.to_json() for r in rows]},
        "actions": [r.to_json() for r in board.actions],
    }

