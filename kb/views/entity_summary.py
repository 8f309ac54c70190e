"""The summary at the top of an entity page: what it is, its names, key facts, counts and commitments.

Made from an already described ``Entity`` plus three small queries
(``internal/web/entity-parts.rq``, ``entity-key-actions.rq``,
``entity-partnerships.rq``): budgets read as "136,000 USD", beneficiary groups
with their counts, key actions with evaluation, recommendation, status colour
and due date, and the filters of the dashboard and the ego graph that show the
entity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from kb import queries
from kb.analysis.scorecard import Commitments
from kb.namespaces import MAKB
from kb.store import Store
from kb.views.entity import Entity, Part, labels, parts
from kb.vocab import STATUS_BY_KEY

ORG_ORGANIZATION = "http://www.w3.org/ns/org#Organization"
SUB_ORGANIZATION = "http://www.w3.org/ns/org#subOrganizationOf"
FOAF_PERSON = "http://xmlns.com/foaf/0.1/Person"
SCHEMA_COUNTRY = "https://schema.org/Country"
_M = str(MAKB)

#: entity kind by class, most specific first
KINDS: tuple[tuple[str, str], ...] = (
    (_M + "KeyAction", "key action"), (_M + "Recommendation", "recommendation"), (_M + "Evaluation", "evaluation"),
    (_M + "Project", "project"), (_M + "Partnership", "partnership"), (_M + "Agreement", "agreement"),
    (FOAF_PERSON, "person"), (ORG_ORGANIZATION, "organisation"), (SCHEMA_COUNTRY, "country"),
)
#: outgoing properties shown as key facts, in this order, with their headings
FACTS: tuple[tuple[str, str], ...] = (
    (_M + "acronym", "Acronym"), ("http://www.w3.org/2004/02/skos/core#altLabel", "Also called"),
    (_M + "orgType", "Type"), (SUB_ORGANIZATION, "Part of"), (_M + "headquartersIn", "Headquarters"),
    (_M + "country", "Country"), (_M + "phase", "Phase"), (_M + "agreementType", "Agreement"),
    ("http://purl.org/dc/terms/date", "Date"), (_M + "since", "Since"), (_M + "evaluation", "Evaluation"),
    (_M + "recommendation", "Recommendation"), (_M + "status", "Status"), (_M + "dueText", "Due"),
    (_M + "accountableUnit", "Accountable"), (_M + "responsible", "Responsible"),
    (_M + "funder", "Funded by"), (_M + "implementer", "Implemented by"), (_M + "consortiumMember", "Consortium"),
    (_M + "party", "Parties"), (_M + "location", "Places"),
    (_M + "email", "E-mail"), ("http://xmlns.com/foaf/0.1/mbox", "E-mail"),
)
#: incoming properties counted in the header, with what the count is of
INCOMING_COUNTS: tuple[tuple[str, str], ...] = (
    (SUB_ORGANIZATION, "units"), (_M + "funder", "projects funded"), (_M + "implementer", "projects implemented"),
    (_M + "consortiumMember", "consortia"), (_M + "party", "agreements and partnerships"),
    (_M + "addressee", "recommendations addressed to it"), (_M + "evaluation", "recommendations"),
    (_M + "country", "projects and evaluations there"), (_M + "mentions", "news mentions"),
    ("http://purl.org/dc/terms/references", "documents naming it"),
)
#: key actions listed on one page (the dashboard has them all)
MAX_ACTIONS = 200
#: source documents per page of the sources list
SOURCES_PER_PAGE = 20


@dataclass
class ActionItem:
    iri: str
    ref: str
    text: str | None
    status: str
    colour: str
    terminal: bool
    due: str | None
    due_text: str | None
    evaluation: str | None
    evaluation_title: str | None
    recommendation: str | None
    rec_number: str | None

    def overdue(self, as_of: date) -> bool:
        return bool(self.due) and not self.terminal and str(self.due) < as_of.isoformat()

    @property
    def heading(self) -> str:
        """"Key action 2.1: <text>" (its evaluation goes beside it)."""
        text = (self.text or "").strip()
        short = text if len(text) <= 110 else text[:107].rsplit(" ", 1)[0] + "…"
        return f"Key action {self.ref}: {short}" if short else f"Key action {self.ref}"


@dataclass
class Summary:
    kind: str | None
    facts: list[tuple[str, list[tuple[str, str | None]]]] = field(default_factory=list)  #: heading, (text, IRI)
    counts: list[tuple[str, int]] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    actions_total: int = 0
    actions_open: int = 0          #: of all its key actions, not only those listed
    actions_past_due: int = 0
    partners: list[tuple[str, str, str | None]] = field(default_factory=list)   #: (IRI, name, since)
    dashboard: dict[str, str] = field(default_factory=dict)   #: dashboard filter for this entity, if any
    ego: str | None = None                                    #: organisation for the ego graph
    heading: str | None = None                                #: a better page heading than the label

    @property
    def parts_of(self) -> dict[str, list[Part]]:
        out: dict[str, list[Part]] = {}
        for p in self.parts:
            out.setdefault(p.kind, []).append(p)
        return out


def _status(iri: str | None, label: str | None) -> tuple[str, str, bool]:
    key = iri[len(_M):] if iri and iri.startswith(_M) else "NotReported"
    status = STATUS_BY_KEY.get(key)
    if status is None:
        return label or key, "#90a4ae", False
    return label or status.label, status.colour, status.terminal


def _ref(number: str | None, rec_number: str | None) -> str:
    number = number or "?"
    return number if "." in number or not rec_number else f"{rec_number}.{number}"


def key_actions(store: Store, iri: str, commitments: Commitments | None = None) -> list[ActionItem]:
    """Every key action the entity is part of, by due date: from ``commitments`` (the KB's key actions read
    once, as the web app keeps them) when given, else by asking the store (``web/entity-key-actions``)."""
    if commitments is not None:
        return _sorted(_from_commitments(commitments, iri))
    result = queries.rows(store, "web/entity-key-actions", {"iri": iri})
    seen: dict[str, ActionItem] = {}
    for r in result:
        if r["action"] in seen:
            continue
        label, colour, terminal = _status(r.get("status"), r.get("statusLabel"))
        seen[r["action"]] = ActionItem(
            iri=r["action"], ref=_ref(r.get("number"), r.get("recNumber")), text=r.get("text"), status=label,
            colour=colour, terminal=terminal, due=r.get("dueEnd"), due_text=r.get("dueText"),
            evaluation=r.get("evaluation"), evaluation_title=r.get("evaluationTitle"),
            recommendation=r.get("recommendation"), rec_number=r.get("recNumber"))
    return _sorted(seen.values())


def _sorted(items: Iterable[ActionItem]) -> list[ActionItem]:
    return sorted(items, key=lambda a: (a.due or "9999", a.evaluation_title or "", a.ref, a.iri))


def _from_commitments(c: Commitments, iri: str) -> list[ActionItem]:
    """What ``entity-key-actions.rq`` asks, answered from the commitments: the actions of a unit or of the
    units below it, of a person, a recommendation, an evaluation, an evaluation's country, or the action."""
    above: dict[str, set[str]] = {}

    def ancestors(unit: str) -> set[str]:
        if unit not in above:
            found: set[str] = set()
            parent = c.orgs[unit].parent if unit in c.orgs else None
            while parent and parent not in found and parent != unit:
                found.add(parent)
                parent = c.orgs[parent].parent if parent in c.orgs else None
            above[unit] = found
        return above[unit]

    out = []
    for a in c.actions.values():
        if not (a.iri == iri or a.recommendation == iri or a.evaluation == iri or iri in a.people
                or iri in a.countries or iri in a.units or any(iri in ancestors(u) for u in a.units)):
            continue
        label, colour, terminal = _status(a.status, a.status_label if a.status else None)
        out.append(ActionItem(
            iri=a.iri, ref=_ref(a.number, a.rec_number), text=a.text, status=label, colour=colour,
            terminal=terminal, due=a.due, due_text=a.due_text, evaluation=a.evaluation,
            evaluation_title=a.evaluation_title, recommendation=a.recommendation, rec_number=a.rec_number))
    return out


def _kind(e: Entity) -> str | None:
    types = {iri for iri, _ in e.types}
    return next((kind for cls, kind in KINDS if cls in types), None)


def summarise(store: Store, e: Entity, as_of: date,
              commitments: Callable[[], Commitments] | None = None) -> Summary:
    """The summary header of ``e``'s page; ``as_of`` judges which of its key actions are past due; its key
    actions come from the KB's commitments ``commitments()`` gives, when given (see ``key_actions``)."""
    kind = _kind(e)
    out_by = {g.property: g for g in e.outgoing}
    s = Summary(kind)
    unit = SUB_ORGANIZATION in out_by and kind == "organisation"
    if unit:
        s.kind = "unit"
    sub = [st.term.value for p in (_M + "budget", _M + "beneficiaries") if p in out_by
           for st in out_by[p].statements if st.term.kind == "uri"]
    found = parts(store, sub)
    shown: set[tuple[str, str]] = set()
    for iri in sub:
        part = found.get(iri)
        if part and (part.kind, part.text + part.note) not in shown:   # the same figure from several releases once
            shown.add((part.kind, part.text + part.note))
            s.parts.append(part)
    for prop, heading in FACTS:
        group = out_by.get(prop)
        if group is None:
            continue
        values = [(st.label or st.term.value, st.term.value if st.term.kind == "uri" else None)
                  for st in group.statements]
        if heading == "Also called":   # not the names already shown
            shown_names = {e.label.casefold(), *(v.casefold() for _, vs in s.facts for v, _ in vs)}
            values = [v for v in values if v[0].casefold() not in shown_names]
        if values:
            s.facts.append((heading, values))
    if kind in ("organisation", "unit", "person", "country", "evaluation", "recommendation", "key action"):
        every = key_actions(store, e.iri, commitments() if commitments else None)
        s.actions, s.actions_total = every[:MAX_ACTIONS], len(every)
        s.actions_open = sum(1 for a in every if not a.terminal)
        s.actions_past_due = sum(1 for a in every if a.overdue(as_of))
    if kind in ("organisation", "unit"):
        partners: dict[str, tuple[str, str, str | None]] = {}
        for r in queries.rows(store, "web/entity-partnerships", {"iri": e.iri}, sort=True):
            old = partners.get(r["partner"])
            since = min(filter(None, (r.get("since"), old[2] if old else None)), default=None)
            partners[r["partner"]] = (r["partner"], r["partner"], since)
        if partners:
            names = labels(store, list(partners))
            s.partners = sorted(((iri, names.get(iri, iri), since) for iri, _, since in partners.values()),
                                key=lambda t: t[1].lower())
            years = [since for _, _, since in s.partners if since]
            if years:
                s.facts.append(("Partner since", [(min(years), None)]))
        s.ego = e.iri
    if s.actions_total:
        key = {"organisation": "org", "unit": "unit", "person": "person", "country": "country",
               "evaluation": "evaluation"}.get(s.kind or "")
        if key:
            s.dashboard = {key: e.iri}
    if kind == "key action" and s.actions:
        me = next((a for a in s.actions if a.iri == e.iri), None)
        if me is not None:
            s.heading = me.heading
    s.counts = _counts(e, s, as_of)
    return s


#: the singular of each count's label
SINGULAR = {"key actions": "key action", "partners": "partner", "units": "unit", "projects funded": "project funded",
            "projects implemented": "project implemented", "consortia": "consortium",
            "agreements and partnerships": "agreement or partnership",
            "recommendations addressed to it": "recommendation addressed to it", "recommendations": "recommendation",
            "projects and evaluations there": "project or evaluation there", "news mentions": "news mention",
            "documents naming it": "document naming it", "source documents": "source document"}


def _counts(e: Entity, s: Summary, as_of: date) -> list[tuple[str, int]]:
    return [(SINGULAR.get(label, label) if n == 1 else label, n) for label, n in _plural_counts(e, s, as_of)]


def _plural_counts(e: Entity, s: Summary, as_of: date) -> list[tuple[str, int]]:
    counts: list[tuple[str, int]] = []
    if s.actions_total and s.kind != "key action":
        counts.append(("key actions", s.actions_total))
        counts.append(("open", s.actions_open))
        counts.append(("past due", s.actions_past_due))
    if s.partners:
        counts.append(("partners", len(s.partners)))
    incoming = {g.property: len(g.statements) for g in e.incoming}
    counts += [(label, incoming[prop]) for prop, label in INCOMING_COUNTS if incoming.get(prop)]
    counts.append(("source documents", len(e.documents)))
    return counts
