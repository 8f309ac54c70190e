"""The commitment dashboard's filters and table controls: parsed from a query string, applied to key actions.

Filters narrow the key actions (organisation with its units, unit with its
sub-units, person, country, evaluation, status, due range) and the as-of date
judges computed overdue.  ``ScorecardView`` says which scorecard is shown, how
it is sorted and which page.  Both turn back into query-string values so that
every link and download of the page carries the same view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from kb.analysis.scorecard import SCORECARD_BY, Action, Commitments, ScorecardRow
from kb.errors import ConfigError
from kb.namespaces import MAKB
from kb.vocab import STATUS_BY_KEY, STATUS_TABLE

#: pseudo-statuses of the status filter, computed rather than reported
COMPUTED_STATUSES: dict[str, str] = {
    "past-due": "Past due (computed: due before the as-of date, not closed)",
    "open": "Open (any status that is not terminal)",
    "reported-overdue": "Reported overdue (status Overdue as printed by the source)",
}

#: scorecard columns: key -> (heading, how a row sorts by it)
SCORE_COLUMNS: dict[str, str] = {
    "name": "Name", "actions": "Key actions", "open": "Open", "overdue": "Past due (computed)",
    "reported_overdue": "Reported overdue", "completed": "Completed", "completion_rate": "Completion rate",
    "recommendations": "Recommendations",
}
#: columns that sort largest first when first chosen
_DESCENDING_FIRST = frozenset(SCORE_COLUMNS) - {"name"}
#: rows per scorecard page: the choices and the default
PER_PAGE_CHOICES: tuple[int, ...] = (10, 25, 50, 100)
DEFAULT_PER = 25
MAX_PER = 500

_STATUS_PREFIX = str(MAKB)


def _date(name: str, value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None


def _int(name: str, value: str | None, default: int, low: int, high: int) -> int:
    value = (value or "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def status_key(action: Action) -> str:
    """The status table key of an action's reported status ("NotReported" when it has none)."""
    if action.status and action.status.startswith(_STATUS_PREFIX):
        return action.status[len(_STATUS_PREFIX):]
    return "NotReported"


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard counts: the as-of date and the filters (IRIs, a status key, dates), None for all."""

    as_of: date
    org: str | None = None            #: top-level organisation IRI: its own and its units' actions
    unit: str | None = None           #: unit IRI: its own and its sub-units' actions
    person: str | None = None
    country: str | None = None
    evaluation: str | None = None
    status: str | None = None         #: a key of the status table or of COMPUTED_STATUSES
    due_from: date | None = None
    due_to: date | None = None

    @classmethod
    def parse(cls, args: Mapping[str, str], default_as_of: date) -> DashboardFilters:
        """Filters from query-string values; ``ConfigError`` naming the value that is wrong."""
        def text(name: str) -> str | None:
            return (args.get(name) or "").strip() or None

        status = text("status")
        if status and status not in STATUS_BY_KEY and status not in COMPUTED_STATUSES:
            raise ConfigError(f"status must be one of {', '.join([*COMPUTED_STATUSES, *STATUS_BY_KEY])}, "
                              f"got {status!r}")
        made = cls(as_of=_date("as_of", args.get("as_of")) or default_as_of, org=text("org"), unit=text("unit"),
                   person=text("person"), country=text("country"), evaluation=text("evaluation"), status=status,
                   due_from=_date("due_from", args.get("due_from")), due_to=_date("due_to", args.get("due_to")))
        if made.due_from and made.due_to and made.due_from > made.due_to:
            raise ConfigError(f"due_from ({made.due_from}) is after due_to ({made.due_to})")
        return made

    def query(self, **changes: str | None) -> dict[str, str]:
        """The query-string values of these filters (empty ones left out), with ``changes`` applied."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(changes)
        return {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in out.items() if v}

    @property
    def narrowed(self) -> bool:
        """True when any filter other than the as-of date is set."""
        return any(getattr(self, f.name) for f in fields(self) if f.name != "as_of")

    def keeps(self, a: Action, c: Commitments) -> bool:
        """True when key action ``a`` passes every filter."""
        if self.org and not any(c.top(u) == self.org for u in a.units):
            return False
        if self.unit and not any(self.unit in _line(u, c) for u in a.units):
            return False
        if self.person and self.person not in a.people:
            return False
        if self.country and self.country not in a.countries:
            return False
        if self.evaluation and a.evaluation != self.evaluation:
            return False
        if self.due_from and not (a.due and a.due >= self.due_from.isoformat()):
            return False
        if self.due_to and not (a.due and a.due <= self.due_to.isoformat()):
            return False
        return self.status is None or self._status_keeps(a)

    def _status_keeps(self, a: Action) -> bool:
        if self.status == "past-due":
            return a.overdue(self.as_of)
        if self.status == "open":
            return not a.terminal
        if self.status == "reported-overdue":
            return a.reported_overdue
        return status_key(a) == self.status


def _line(unit: str, c: Commitments) -> set[str]:
    """A unit and every organisation above it."""
    out = {unit}
    current = unit
    while current in c.orgs and c.orgs[current].parent and c.orgs[current].parent not in out:
        current = c.orgs[current].parent  # type: ignore[assignment]
        out.add(current)
    return out


@dataclass(frozen=True)
class Options:
    """The choices of the filter form: (value, label) pairs, units grouped under their organisation."""

    orgs: list[tuple[str, str]]
    units: list[tuple[str, list[tuple[str, str]]]]     #: (organisation label, its units)
    people: list[tuple[str, str]]
    countries: list[tuple[str, str]]
    evaluations: list[tuple[str, str]]
    statuses: list[tuple[str, str]]

    def listed(self, name: str) -> bool:
        """Whether the choices of ``name`` are few enough to list in the page (else the form asks the search)."""
        items = self.units_flat() if name == "units" else getattr(self, name)
        return len(items) <= LONGEST_LIST

    def units_flat(self) -> list[tuple[str, str]]:
        return [u for _, units in self.units for u in units]

    def label(self, name: str, value: str | None) -> str:
        """The label of the chosen ``value`` among the choices of ``name`` ("" when none is chosen)."""
        if not value:
            return ""
        items = self.units_flat() if name == "units" else getattr(self, name)
        return next((label for v, label in items if v == value), value)


#: most choices a filter lists in the page; a longer list becomes a search box (10,000 evaluations make a 2 MB list)
LONGEST_LIST = 300


def options(c: Commitments) -> Options:
    """The filter choices: every organisation, unit, person, country and evaluation that has a key action."""
    def by_label(items: set[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(items, key=lambda t: (t[1].lower(), t[0]))

    acts = c.actions.values()
    units = {u for a in acts for u in a.units}
    grouped: dict[str, set[tuple[str, str]]] = {}
    for u in units:
        top = c.top(u)
        if top != u:
            grouped.setdefault(top, set()).add((u, c.name(u)))
    statuses = [(k, label) for k, label in COMPUTED_STATUSES.items()]
    statuses += [(s.key, s.label) for s in STATUS_TABLE]
    return Options(
        orgs=by_label({(c.top(u), c.name(c.top(u))) for u in units}),
        units=[(c.name(top), by_label(items)) for top, items in
               sorted(grouped.items(), key=lambda t: c.name(t[0]).lower())],
        people=by_label({(p, c.name(p)) for a in acts for p in a.people}),
        countries=by_label({(x, c.name(x)) for a in acts for x in a.countries}),
        evaluations=by_label({(a.evaluation, a.evaluation_title or a.evaluation) for a in acts if a.evaluation}),
        statuses=statuses)


@dataclass(frozen=True)
class ScorecardView:
    """Which scorecard is shown, sorted by which column, which way, and which page of how many rows."""

    card: str = "org"
    sort: str = "overdue"
    dir: str = "desc"
    page: int = 1
    per: int = DEFAULT_PER

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> ScorecardView:
        card = (args.get("card") or "org").strip()
        if card not in SCORECARD_BY:
            raise ConfigError(f"card must be one of {', '.join(SCORECARD_BY)}, got {card!r}")
        sort = (args.get("sort") or "overdue").strip()
        if sort not in SCORE_COLUMNS:
            raise ConfigError(f"sort must be one of {', '.join(SCORE_COLUMNS)}, got {sort!r}")
        default_dir = "desc" if sort in _DESCENDING_FIRST else "asc"
        direction = (args.get("dir") or default_dir).strip()
        if direction not in ("asc", "desc"):
            raise ConfigError(f"dir must be asc or desc, got {direction!r}")
        return cls(card, sort, direction, _int("page", args.get("page"), 1, 1, 1_000_000),
                   _int("per", args.get("per"), DEFAULT_PER, 1, MAX_PER))

    def query(self, **changes: str | int | None) -> dict[str, str]:
        out: dict[str, str | int | None] = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(changes)
        return {k: str(v) for k, v in out.items() if v is not None}

    def next_dir(self, column: str) -> str:
        """The direction a click on ``column``'s heading asks for."""
        if column == self.sort:
            return "asc" if self.dir == "desc" else "desc"
        return "desc" if column in _DESCENDING_FIRST else "asc"

    def aria_sort(self, column: str) -> str | None:
        if column != self.sort:
            return None
        return "ascending" if self.dir == "asc" else "descending"


def sort_rows(rows: list[ScorecardRow], sort: str, direction: str) -> list[ScorecardRow]:
    """Scorecard rows sorted by a column of ``SCORE_COLUMNS`` (ties by name); no rate sorts last."""
    if sort not in SCORE_COLUMNS:
        raise ConfigError(f"sort must be one of {', '.join(SCORE_COLUMNS)}, got {sort!r}")
    by_name = sorted(rows, key=lambda r: (r.name.lower(), r.key))
    if sort == "name":
        return by_name[::-1] if direction == "desc" else by_name
    known = [r for r in by_name if getattr(r, sort) is not None]
    unknown = [r for r in by_name if getattr(r, sort) is None]
    known.sort(key=lambda r: getattr(r, sort), reverse=direction == "desc")   # stable: ties stay by name
    return known + unknown
