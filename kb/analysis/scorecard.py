"""Commitment scorecards: key actions and recommendations per organisation, unit, person or country.

A key action counts for the units accountable for it (``by="unit"``), for the
top-level organisations of those units (``by="org"``), for the people
responsible for it (``by="person"``) and for its evaluation's country
(``by="country"``).  It is *overdue* as of a date when its due period ended
before that date and its status is not terminal (Completed, No Longer
Applicable).  The completion rate is Completed / (actions - No Longer
Applicable): a dropped action neither helps nor hurts.  A status *reported*
as overdue by the source (Overdue and its narrower statuses) is counted apart
from the overdue computed here.

``load`` reads the KB once into ``Commitments``; ``tally`` counts any subset of
its key actions (the dashboard's filters), ``scorecard`` the whole KB.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kb import queries
from kb.analysis.graphs import OrgInfo, organisations, top_of
from kb.errors import ConfigError, NotFound
from kb.namespaces import MAKB
from kb.store import Store
from kb.summary.memo import remembered
from kb.vocab import STATUS_TABLE

#: what a scorecard can be grouped by
SCORECARD_BY: tuple[str, ...] = ("org", "unit", "person", "country")

_COMPLETED = str(MAKB.Completed)
_DROPPED = str(MAKB.NoLongerApplicable)
_NO_STATUS = "Not Reported"
#: statuses the source reports as overdue: Overdue and the statuses narrower than it
REPORTED_OVERDUE: frozenset[str] = frozenset(
    s.iri for s in STATUS_TABLE if s.key == "Overdue" or s.broader == "Overdue")


@dataclass(slots=True)
class Action:
    """One key action, as the scorecard sees it."""

    iri: str
    number: str | None
    text: str | None
    status: str | None
    status_label: str
    terminal: bool
    due: str | None           #: end of the due period, YYYY-MM-DD
    due_text: str | None
    created: str | None = None
    recommendation: str | None = None
    rec_number: str | None = None
    evaluation: str | None = None
    evaluation_title: str | None = None
    #: accountable units, responsible people and the evaluation's countries (IRIs, sorted)
    units: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    def overdue(self, as_of: date) -> bool:
        """Computed overdue: the due period ended before ``as_of`` and the status is not terminal."""
        return bool(self.due) and not self.terminal and str(self.due) < as_of.isoformat()

    @property
    def reported_overdue(self) -> bool:
        """The source itself reports the action as overdue (its status is Overdue or narrower)."""
        return self.status in REPORTED_OVERDUE

    @property
    def ref(self) -> str:
        """Recommendation and key action numbers, e.g. "5.2" (the action's own number when it has a dot)."""
        number = self.number or "?"
        if "." in number or not self.rec_number:
            return number
        return f"{self.rec_number}.{number}"

    def brief(self) -> dict[str, Any]:
        return {"iri": self.iri, "ref": self.ref, "number": self.number, "text": self.text, "due": self.due,
                "due_text": self.due_text, "status": self.status_label,
                "evaluation": self.evaluation_title or self.evaluation}


@dataclass
class ScorecardRow:
    """The commitments of one organisation, unit, person or country."""

    by: str
    key: str                        #: IRI of the organisation, unit, person or country
    label: str
    acronym: str | None = None
    parent: str | None = None       #: for a unit: the label of its top-level organisation
    actions: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    completed: int = 0
    no_longer_applicable: int = 0
    open: int = 0
    completion_rate: float | None = None
    overdue: int = 0
    reported_overdue: int = 0       #: actions whose reported status is Overdue (or narrower)
    overdue_actions: list[dict[str, Any]] = field(default_factory=list)
    oldest_open: dict[str, Any] | None = None
    recommendations: int = 0
    by_acceptance: dict[str, int] = field(default_factory=dict)
    #: per evaluation: {"evaluation", "title", "actions", "by_status", "overdue"}
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    #: labels of the accountable units involved (for an organisation: its own)
    units: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)   #: names of the responsible people involved

    @property
    def name(self) -> str:
        return self.acronym or self.label

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "name": self.name}


def load_actions(store: Store, names: dict[str, list[str]] | None = None,
                 recommendations: list[dict[str, str]] | None = None) -> dict[str, Action]:
    """Every key action with its units, people and countries; their names are added to ``names``.

    The key actions are read as one narrow table and joined here with the small tables of status
    labels, recommendations (``recommendations``: rows of analysis/recommendations, read when not
    given) and evaluation titles: a few lookups per key action instead of a dozen.
    """
    statuses = {r["status"]: r for r in queries.rows(store, "analysis/statuses")}
    titles = {r["evaluation"]: r["title"] for r in queries.rows(store, "analysis/evaluations") if "title" in r}
    recs: dict[str, dict[str, str]] = {}
    for r in recommendations if recommendations is not None else queries.rows(store, "analysis/recommendations",
                                                                              sort=True):
        recs.setdefault(r["recommendation"], r)
    actions: dict[str, Action] = {}
    for r in queries.rows(store, "analysis/key-actions", sort=True):
        iri = r["action"]
        if iri in actions:
            continue
        status = statuses.get(r.get("status", ""), {})
        rec = recs.get(r.get("recommendation", ""), {})
        evaluation = rec.get("evaluation")
        actions[iri] = Action(
            iri=iri, number=r.get("number"), text=r.get("text"), status=r.get("status"),
            status_label=status.get("statusLabel") or _NO_STATUS, terminal=status.get("terminal") in ("true", "1"),
            due=r.get("dueEnd"), due_text=r.get("dueText"), created=r.get("created"),
            recommendation=r.get("recommendation"), rec_number=rec.get("number"), evaluation=evaluation,
            evaluation_title=titles.get(evaluation) if evaluation else None)
    parties: dict[tuple[str, str], set[str]] = defaultdict(set)
    # (in any order: the parties are sets, and a party's name is the least of its names)
    for r in queries.rows(store, "analysis/key-action-parties"):
        if r["action"] not in actions:
            continue
        parties[(r["action"], r["role"])].add(r["party"])
        if names is not None and "name" in r:
            names[r["party"]].append(r["name"])
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}    # the same few tuples for many actions
    for (iri, role), found in parties.items():
        key = tuple(sorted(found))
        setattr(actions[iri], _ROLES[role], shared.setdefault(key, key))
    return actions


#: role in analysis/key-action-parties -> the attribute of Action holding such parties
_ROLES = {"unit": "units", "person": "people", "country": "countries"}


def _keys(a: Action, by: str, orgs: dict[str, OrgInfo]) -> set[str]:
    if by == "org":
        return {top_of(u, orgs) for u in a.units}
    if by == "unit":
        return set(a.units)
    if by == "person":
        return set(a.people)
    return set(a.countries)


def _oldest_key(a: Action) -> tuple[int, str, str, str]:
    return (0 if a.due else 1, a.due or "", a.created or "", a.iri)


@dataclass(eq=False)
class Commitments:
    """Everything the scorecards are counted from, read from the KB once (equal only to itself)."""

    actions: dict[str, Action]
    orgs: dict[str, OrgInfo]
    names: dict[str, str]                 #: IRI -> name, for organisations, units, people and countries
    acceptance: dict[str, str]            #: recommendation IRI -> acceptance label
    #: (recommendation, addressee, country) of every recommendation, addressee and country possibly None
    addressed: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def name(self, iri: str) -> str:
        org = self.orgs.get(iri)
        return org.short if org else self.names.get(iri, iri)

    def top(self, iri: str) -> str:
        """The top-level organisation of a unit (itself for an organisation)."""
        return top_of(iri, self.orgs)


def load(store: Store) -> Commitments:
    """The key actions, organisations, names and recommendations of the whole KB (read once per state of the
    store, see ``kb.summary.memo``; the result is shared: do not change it)."""
    return remembered(store, "commitments", lambda: _load(store))


def _load(store: Store) -> Commitments:
    orgs = organisations(store)
    found: dict[str, list[str]] = defaultdict(list)
    recommendations = queries.rows(store, "analysis/recommendations", sort=True)
    actions = load_actions(store, found, recommendations)
    acceptance: dict[str, str] = {}
    addressed: list[tuple[str, str | None, str | None]] = []
    for r in recommendations:
        rec = r["recommendation"]
        if "countryName" in r:
            found[r["country"]].append(r["countryName"])
        acceptance.setdefault(rec, r.get("acceptanceLabel") or "Not reported")
        addressed.append((rec, r.get("addressee"), r.get("country")))
    names = {iri: min(ns) for iri, ns in found.items()}
    names.update({iri: o.label for iri, o in orgs.items()})
    return Commitments(actions, orgs, names, acceptance, addressed)


def resolve_party(c: Commitments, name: str, role: str) -> str:
    """The IRI of the person (``role="person"``) or country (``"country"``) of some key action called ``name``
    (its IRI or its name, any case); ``NotFound`` naming the closest names otherwise."""
    attribute = {"person": "people", "country": "countries"}[role]
    known = sorted({p for a in c.actions.values() for p in getattr(a, attribute)})
    wanted = name.strip()
    if wanted in known:
        return wanted
    matches = [iri for iri in known if c.name(iri).casefold() == wanted.casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ConfigError(f"{name!r} names several: {', '.join(matches)}; give the IRI")
    close = difflib.get_close_matches(wanted.casefold(), sorted(c.name(i).casefold() for i in known), n=3)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise NotFound(f"no {role} with key actions is called {name!r}{hint}")


def _check_by(by: str) -> None:
    if by not in SCORECARD_BY:
        raise ConfigError(f"scorecard by {by!r}? choose one of {', '.join(SCORECARD_BY)}")


def scorecard(store: Store, by: str = "org", as_of: date | None = None) -> list[ScorecardRow]:
    """One row per organisation / unit / person / country with key actions, sorted by name.

    ``as_of`` is the date overdue is judged against; it is required (the library never reads the clock).
    """
    _check_by(by)
    if not isinstance(as_of, date):
        raise ConfigError("a scorecard needs an as-of date (YYYY-MM-DD)")
    return tally(load(store), by, as_of)


def tally(c: Commitments, by: str, as_of: date, keep: Callable[[Action], bool] | None = None) -> list[ScorecardRow]:
    """Scorecard rows of the key actions ``keep`` accepts (all when None), sorted by name.

    Without ``keep`` a row also counts the recommendations addressed to its organisation, unit or
    country that have no key action; with it, only the recommendations of the kept actions count.
    """
    _check_by(by)
    chosen = [a for a in c.actions.values() if keep is None or keep(a)]
    groups: dict[str, list[Action]] = defaultdict(list)
    for a in chosen:
        for key in _keys(a, by, c.orgs):
            groups[key].append(a)

    recs_of: dict[str, dict[str, str]] = defaultdict(dict)   # group key -> rec IRI -> acceptance label
    if keep is None:
        for rec, addressee, country in c.addressed:
            owner: str | None = None
            if by == "org" and addressee:
                owner = top_of(addressee, c.orgs)
            elif by == "unit" and addressee:
                owner = addressee
            elif by == "country" and country:
                owner = country
            if owner:
                recs_of[owner][rec] = c.acceptance[rec]
    for key, acts in groups.items():
        for a in acts:
            if a.recommendation:
                recs_of[key].setdefault(a.recommendation, c.acceptance.get(a.recommendation, "Not reported"))

    out = [_row(by, key, groups.get(key, []), recs_of.get(key, {}), as_of, c.orgs, c.names)
           for key in set(groups) | set(recs_of)]
    out.sort(key=lambda r: (r.name.lower(), r.key))
    return out


def _row(by: str, key: str, acts: list[Action], recs: dict[str, str], as_of: date,
         orgs: dict[str, OrgInfo], names: dict[str, str]) -> ScorecardRow:
    acts = sorted(acts, key=_oldest_key)
    org = orgs.get(key) if by in ("org", "unit") else None
    row = ScorecardRow(by=by, key=key, label=org.label if org else names.get(key, key),
                       acronym=org.acronym if org else None)
    if by == "unit" and org is not None and org.parent:
        top = top_of(key, orgs)
        row.parent = orgs[top].short if top in orgs else top
    row.actions = len(acts)
    row.by_status = dict(sorted(Counter(a.status_label for a in acts).items()))
    row.completed = sum(1 for a in acts if a.status == _COMPLETED)
    row.no_longer_applicable = sum(1 for a in acts if a.status == _DROPPED)
    row.open = sum(1 for a in acts if not a.terminal)
    live = row.actions - row.no_longer_applicable
    row.completion_rate = round(row.completed / live, 4) if live else None
    late = [a for a in acts if a.overdue(as_of)]
    row.overdue = len(late)
    row.reported_overdue = sum(1 for a in acts if a.reported_overdue)
    row.overdue_actions = [a.brief() for a in late]
    open_ = [a for a in acts if not a.terminal]
    row.oldest_open = open_[0].brief() if open_ else None
    row.recommendations = len(recs)
    row.by_acceptance = dict(sorted(Counter(recs.values()).items()))
    per_eval: dict[str, list[Action]] = defaultdict(list)
    for a in acts:
        per_eval[a.evaluation or ""].append(a)
    row.evaluations = [
        {"evaluation": ev or None, "title": group[0].evaluation_title, "actions": len(group),
         "by_status": dict(sorted(Counter(a.status_label for a in group).items())),
         "overdue": sum(1 for a in group if a.overdue(as_of))}
        for ev, group in sorted(per_eval.items())]
    if by != "unit":
        row.units = sorted({names.get(u, u) for a in acts for u in a.units
                            if by != "org" or top_of(u, orgs) == key})
    if by != "person":
        row.people = sorted({names.get(p, p) for a in acts for p in a.people})
    return row
