"""Whole-store facts the explorer page shows beside the graph: open and overdue commitments, country names."""

from __future__ import annotations

from datetime import date
from typing import Any

from kb import queries
from kb.analysis.graphs import top_of
from kb.analysis.scorecard import Action, load
from kb.store import Store


def commitments(store: Store, as_of: date, orgs: dict[str, Any] | None = None) -> dict[str, tuple[int, int]]:
    """Organisation or unit IRI -> (open, overdue) key actions as of ``as_of``, overdue judged by
    ``kb.analysis.scorecard.Action.overdue``; an organisation's figures include its units'.  Counted from the
    KB's commitments (``kb.analysis.scorecard.load``, read once per state of the store)."""
    c = load(store)
    orgs = orgs if orgs is not None else c.orgs
    found: dict[str, list[Action]] = {}
    for a in c.actions.values():
        for who in {w for u in a.units for w in (u, top_of(u, orgs))}:
            found.setdefault(who, []).append(a)
    return {who: (sum(1 for a in acts if not a.terminal), sum(1 for a in acts if a.overdue(as_of)))
            for who, acts in found.items()}


def country_names(store: Store) -> list[str]:
    """The name of every country the KB knows, sorted."""
    return sorted({r["name"] for r in queries.rows(store, "web/countries") if "name" in r})
