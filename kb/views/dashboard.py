"""The commitment dashboard's page model: key actions by status, overdue, scorecards, charts.

Key actions are read with a few flat queries (``internal/web/dashboard-*.rq``),
fast on a KB of a million triples, into ``kb.analysis.scorecard.Action``
records, filtered by country and evaluation, and tallied per organisation, unit
and person with the scorecard's definitions (overdue: due period ended before
the as-of date and status not terminal; completion rate: Completed / (actions -
No Longer Applicable)).  The charts are laid out here as plain geometry (bars
and their labels), which a template draws as SVG.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from kb import queries
from kb.analysis.scorecard import Action
from kb.errors import ConfigError
from kb.namespaces import MAKB
from kb.store import Store
from kb.views.entity import labels
from kb.vocab import STATUS_COLOURS, STATUSES

OTHER_COLOUR = "#90a4ae"
SCORECARD_KINDS: tuple[tuple[str, str], ...] = (("org", "Organisations"), ("unit", "Units"), ("person", "People"))

_COMPLETED = str(MAKB.Completed)
_DROPPED = str(MAKB.NoLongerApplicable)

#: chart geometry (SVG user units)
CHART_WIDTH = 720
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 170
TIMELINE_HEIGHT = 160
MAX_MONTHS = 120
#: key actions listed in the page's table (the CSV has them all)
TABLE_ROWS = 500


@dataclass
class DashboardFilters:
    as_of: date
    country: str | None = None        #: country IRI
    evaluation: str | None = None     #: evaluation IRI

    @classmethod
    def parse(cls, as_of: str | None, default_as_of: date, country: str | None = None,
              evaluation: str | None = None) -> DashboardFilters:
        """Filters from form values; ``ConfigError`` for a malformed date."""
        when = default_as_of
        if as_of:
            try:
                when = date.fromisoformat(as_of.strip())
            except ValueError:
                raise ConfigError(f"as_of must be a date YYYY-MM-DD, got {as_of!r}") from None
        return cls(when, (country or "").strip() or None, (evaluation or "").strip() or None)


@dataclass
class ActionRow:
    iri: str
    number: str
    text: str | None
    evaluation: str | None
    evaluation_title: str | None
    status: str
    terminal: bool
    due: str | None
    due_text: str | None
    overdue: bool
    units: list[str]
    people: list[str]
    countries: list[str]


@dataclass
class ScoreRow:
    key: str
    label: str
    actions: int
    by_status: dict[str, int]
    completed: int
    open: int
    overdue: int
    completion_rate: float | None
    parent: str | None = None


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    colour: str
    note: str = ""


@dataclass
class Dashboard:
    filters: DashboardFilters
    actions: list[ActionRow]
    by_status: list[tuple[str, int]]
    overdue: int
    open: int
    status_bars: list[Bar]
    status_chart_height: float
    timeline: list[Bar]
    timeline_ticks: list[tuple[float, str]]
    as_of_x: float | None
    scorecards: dict[str, list[ScoreRow]]
    countries: list[tuple[str, str]] = field(default_factory=list)     #: (IRI, name) for the filter
    evaluations: list[tuple[str, str]] = field(default_factory=list)   #: (IRI, title) for the filter
    undated_open: int = 0

    @property
    def table(self) -> list[ActionRow]:
        """The rows the page lists: overdue first, then open, then the rest, each by due date; at most TABLE_ROWS."""
        order = sorted(self.actions, key=lambda r: (not r.overdue, r.terminal, r.due or "9999", r.iri))
        return order[:TABLE_ROWS]


def top_of(iri: str, parents: dict[str, str]) -> str:
    """The top-level organisation a unit belongs to (itself for an organisation)."""
    seen = {iri}
    while iri in parents and parents[iri] not in seen:
        iri = parents[iri]
        seen.add(iri)
    return iri


def load(store: Store) -> tuple[dict[str, Action], dict[str, str], dict[str, str]]:
    """(key actions by IRI, unit -> parent organisation, IRI -> name) from the KB."""
    statuses = {str(MAKB[k]): v for k, v in STATUSES.items()}
    titles = {r["evaluation"]: r["title"] for r in queries.rows(store, "web/dashboard-evaluations") if "title" in r}
    actions: dict[str, Action] = {}
    for r in queries.rows(store, "web/dashboard-actions"):
        iri = r["action"]
        if iri in actions:
            continue
        status = r.get("status")
        label, terminal = statuses.get(status or "", ("Not Reported", False))
        evaluation = r.get("evaluation")
        actions[iri] = Action(
            iri=iri, number=r.get("number"), rec_number=r.get("recNumber"), text=r.get("text"),
            status=status, status_label=label, terminal=terminal, due=r.get("dueEnd"),
            due_text=r.get("dueText"), evaluation=evaluation, evaluation_title=titles.get(evaluation or ""))
    for r in queries.rows(store, "web/dashboard-parties"):
        a = actions.get(r["action"])
        if a is not None:
            {"unit": a.units, "person": a.people, "country": a.countries}[r["role"]].add(r["party"])
    parents = {r["unit"]: r["parent"] for r in queries.rows(store, "web/suborganisations")}
    named = {x for a in actions.values() for x in (*a.units, *a.people, *a.countries)}
    named |= {top_of(u, parents) for a in actions.values() for u in a.units}
    return actions, parents, labels(store, sorted(named))


def _keep(a: Action, f: DashboardFilters) -> bool:
    if f.country and f.country not in a.countries:
        return False
    return not (f.evaluation and a.evaluation != f.evaluation)


def tally(actions: list[Action], by: str, as_of: date, parents: dict[str, str],
          names: dict[str, str]) -> list[ScoreRow]:
    """Scorecard rows of ``actions`` grouped ``by`` org, unit or person; most overdue, then most open, first."""
    if by not in ("org", "unit", "person"):
        raise ConfigError(f"scorecards group by org, unit or person, not {by!r}")
    keys_of = {"org": lambda a: {top_of(u, parents) for u in a.units},
               "unit": lambda a: set(a.units), "person": lambda a: set(a.people)}[by]
    groups: dict[str, list[Action]] = defaultdict(list)
    for a in actions:
        for key in keys_of(a):
            groups[key].append(a)
    out = []
    for key, acts in groups.items():
        completed = sum(1 for a in acts if a.status == _COMPLETED)
        dropped = sum(1 for a in acts if a.status == _DROPPED)
        live = len(acts) - dropped
        top = top_of(key, parents) if by == "unit" else key
        parent = names.get(top, top) if top != key else None
        out.append(ScoreRow(
            key=key, label=names.get(key, key), actions=len(acts),
            by_status=dict(sorted(Counter(a.status_label for a in acts).items())), completed=completed,
            open=sum(1 for a in acts if not a.terminal), overdue=sum(1 for a in acts if a.overdue(as_of)),
            completion_rate=round(completed / live, 4) if live else None, parent=parent))
    out.sort(key=lambda r: (-r.overdue, -r.open, r.label.lower(), r.key))
    return out


def _status_bars(counts: list[tuple[str, int]]) -> tuple[list[Bar], float]:
    top = max((n for _, n in counts), default=0)
    span = CHART_WIDTH - LABEL_WIDTH - 60
    bars = [Bar(label, n, LABEL_WIDTH, i * (BAR_HEIGHT + BAR_GAP), (span * n / top) if top else 0.0, BAR_HEIGHT,
                STATUS_COLOURS.get(label, OTHER_COLOUR))
            for i, (label, n) in enumerate(counts)]
    return bars, max(BAR_HEIGHT, len(bars) * (BAR_HEIGHT + BAR_GAP))


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < MAX_MONTHS:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _timeline(rows: list[ActionRow], as_of: date) -> tuple[list[Bar], list[tuple[float, str]], float | None]:
    """Open actions per due month: one bar per month, red where the month ended before ``as_of``."""
    per_month = Counter(r.due[:7] for r in rows if r.due and not r.terminal)
    late_per_month = Counter(r.due[:7] for r in rows if r.due and r.overdue)
    if not per_month:
        return [], [], None
    first, last = min(per_month), max(per_month)
    key = as_of.isoformat()[:7]
    end = key if last < key <= _shift(last, 12) and _span(first, key) <= MAX_MONTHS else last
    start = first if _span(first, end) <= MAX_MONTHS else _shift(end, -(MAX_MONTHS - 1))
    months = _months(start, end)
    width = (CHART_WIDTH - 40) / len(months)
    top = max(per_month.values())
    bars = []
    for i, month in enumerate(months):
        n = per_month.get(month, 0)
        if not n:
            continue
        h = (TIMELINE_HEIGHT - 30) * n / top
        late = late_per_month.get(month, 0)
        bars.append(Bar(month, n, 20 + i * width + 1, TIMELINE_HEIGHT - 20 - h, max(1.0, width - 2), h,
                        STATUS_COLOURS["Overdue"] if late else STATUS_COLOURS["Initiated"],
                        f"{late} overdue" if late else "not yet due"))
    step = max(1, len(months) // 8)
    ticks = [(20 + i * width + width / 2, m) for i, m in enumerate(months) if i % step == 0]
    as_of_x = (20 + months.index(key) * width + width * (as_of.day / 31)) if key in months else None
    return bars, ticks, as_of_x


def _span(first: str, last: str) -> int:
    """Months from ``first`` to ``last`` inclusive."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def _shift(month: str, delta: int) -> str:
    total = int(month[:4]) * 12 + int(month[5:7]) - 1 + delta
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def dashboard(store: Store, filters: DashboardFilters) -> Dashboard:
    """Everything the dashboard page shows, for the filtered key actions."""
    every, parents, names = load(store)
    chosen = [a for a in sorted(every.values(), key=lambda a: (a.due or "9999", a.iri)) if _keep(a, filters)]
    rows = [ActionRow(
        iri=a.iri, number=a.ref, text=a.text, evaluation=a.evaluation, evaluation_title=a.evaluation_title,
        status=a.status_label, terminal=a.terminal, due=a.due, due_text=a.due_text, overdue=a.overdue(filters.as_of),
        units=sorted(names.get(u, u) for u in a.units), people=sorted(names.get(p, p) for p in a.people),
        countries=sorted(names.get(c, c) for c in a.countries)) for a in chosen]
    counts = Counter(r.status for r in rows)
    order = list(STATUS_COLOURS) + sorted(set(counts) - set(STATUS_COLOURS))
    by_status = [(label, counts[label]) for label in order if counts.get(label)]
    bars, height = _status_bars(by_status)
    timeline, ticks, as_of_x = _timeline(rows, filters.as_of)
    countries = sorted({(c, names.get(c, c)) for a in every.values() for c in a.countries}, key=lambda t: t[1])
    evaluations = sorted({(a.evaluation, a.evaluation_title or a.evaluation) for a in every.values() if a.evaluation},
                         key=lambda t: t[1].lower())
    return Dashboard(
        filters=filters, actions=rows, by_status=by_status, overdue=sum(1 for r in rows if r.overdue),
        open=sum(1 for r in rows if not r.terminal), status_bars=bars, status_chart_height=height,
        timeline=timeline, timeline_ticks=ticks, as_of_x=as_of_x,
        scorecards={by: tally(chosen, by, filters.as_of, parents, names) for by, _ in SCORECARD_KINDS},
        countries=countries, evaluations=evaluations,
        undated_open=sum(1 for r in rows if not r.terminal and not r.due))


CSV_COLUMNS = ("action", "evaluation", "number", "text", "status", "due", "due_as_printed", "overdue",
               "units", "people", "countries")


def actions_csv(board: Dashboard) -> str:
    """The dashboard's key-action table as CSV (one row per action, lists joined with '; ')."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in board.actions:
        w.writerow([r.iri, r.evaluation_title or r.evaluation or "", r.number, r.text or "", r.status,
                    r.due or "", r.due_text or "", "yes" if r.overdue else "no", "; ".join(r.units),
                    "; ".join(r.people), "; ".join(r.countries)])
    return buf.getvalue()
