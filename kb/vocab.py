"""Statuses and acceptances: printed text -> SKOS concept, in one table each.

The concepts themselves are defined in ``ontology/makb.ttl``; a test checks
that every concept named here exists there.
"""

from __future__ import annotations

import re

from kb.namespaces import MAKB

#: concept local name -> (preferred label, terminal?)
STATUSES: dict[str, tuple[str, bool]] = {
    "Completed": ("Completed", True),
    "Initiated": ("Initiated", False),
    "NotInitiated": ("Not Initiated", False),
    "NoLongerApplicable": ("No Longer Applicable", True),
    "Overdue": ("Overdue", False),
    "OverdueInitiated": ("Overdue-Initiated", False),
    "NotReported": ("Not Reported", False),
}

#: normalised printed status -> concept local name
_STATUS_TEXT = {
    "completed": "Completed", "complete": "Completed", "done": "Completed",
    "initiated": "Initiated", "ongoing": "Initiated", "in progress": "Initiated", "on going": "Initiated",
    "not initiated": "NotInitiated", "not started": "NotInitiated",
    "no longer applicable": "NoLongerApplicable", "not applicable": "NoLongerApplicable",
    "overdue": "Overdue", "overdue not initiated": "Overdue",
    "overdue initiated": "OverdueInitiated",
}

ACCEPTANCES: dict[str, str] = {
    "Accepted": "Accepted",
    "PartiallyAccepted": "Partially accepted",
    "Rejected": "Rejected",
    "AcceptanceNotReported": "Not reported",
}

_ACCEPTANCE_TEXT = {
    "accepted": "Accepted", "fully accepted": "Accepted", "agreed": "Accepted",
    "partially accepted": "PartiallyAccepted", "partly accepted": "PartiallyAccepted",
    "partially agreed": "PartiallyAccepted",
    "rejected": "Rejected", "not accepted": "Rejected",
}


def _norm(text: str) -> str:
    return re.sub(r"[\s\-_/]+", " ", text).strip().lower()


def status_concept(text: str | None) -> str:
    """The status concept IRI for a printed status (Not Reported when absent or unknown)."""
    name = _STATUS_TEXT.get(_norm(text)) if text else None
    return str(MAKB[name or "NotReported"])


def acceptance_concept(text: str | None) -> str:
    name = _ACCEPTANCE_TEXT.get(_norm(text)) if text else None
    return str(MAKB[name or "AcceptanceNotReported"])
