"""Whole-store facts the explorer page shows beside the graph: open and overdue commitments, country names."""

from __future__ import annotations

from datetime import date
from typing import Any

from kb import queries
from kb.analysis.graphs import organisations, top_of
from kb.analysis.scorecard import Action
from kb.store import Store


def commitments(store: Store, as_of: date, orgs: dict[str, Any] | None = None) -> dict[str, tuple[int, int]]:
    """Organisation or unit IRI -> (open, overdue) key actions as of ``as_of``, overdue judged by
    ``kb.analysis.scorecard.Action.overdue``; an organisation's figures include its units'."""
    orgs = orgs if orgs is not None else organisations(store)
    found: dict[str, dict[str, Action]] = {}
    for r in queries.rows(store, "web/unit-commitments"):
        action = Action(r["action"], None, None, None, "", r.get("terminal") in ("true", "1"), r.get("dueEnd"), None)
        for who in {r["unit"], top_of(r["unit"], orgs)}:
            found.setdefault(who, {})[action.iri] = action
    return {who: (sum(1 for a in acts.values() if not a.terminal), sum(1 for a in acts.values() if a.overdue(as_of)))
            for who, acts in found.items()}


def country_names(store: Store) -> list[str]:
    """The name of every country the KB knows, sorted."""
    return sorted({r["name"] for r in queries.rows(store, "web/countries") if "name" in r})
