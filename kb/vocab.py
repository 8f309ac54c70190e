"""Statuses and acceptances: the one table of each, printed text -> SKOS concept.

``STATUS_TABLE`` is the single source for the parsers (which spellings are a
status), the mapping (which concept a spelling means), the queries (through the
ontology's ``makb:terminal``, which a test checks against this table) and the
pages (colours).  The concepts are declared in ``ontology/makb.ttl``; a test
checks that the ontology and these tables agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.namespaces import MAKB


@dataclass(frozen=True)
class Status:
    """One implementation status: its concept, label, spellings, whether it ends the action, its colour."""

    key: str                        #: concept local name in the makb namespace
    label: str                      #: preferred label (as the ERC prints it)
    terminal: bool                  #: True when an action with it can no longer be overdue
    colour: str                     #: bar colour on the pages
    spellings: tuple[str, ...] = ()  #: other printed forms (alternative labels)
    broader: str | None = None      #: key of a broader status
    definition: str = ""

    @property
    def iri(self) -> str:
        return str(MAKB[self.key])

    @property
    def forms(self) -> tuple[str, ...]:
        """Every accepted printed form: the label and the spellings."""
        return (self.label, *self.spellings)


#: The statuses, in the order the pages show them.
STATUS_TABLE: tuple[Status, ...] = (
    Status("Completed", "Completed", True, "#2e7d32",
           ("Complete", "Done", "Completed-Overdue", "Completed Overdue", "Fully completed", "Implemented",
            "Fully implemented", "Achieved", "Finalised", "Finalized"),
           definition="The action was carried out."),
    Status("Initiated", "Initiated", False, "#0b5cad", ("Started", "Under way", "Underway"),
           definition="Work on the action has started."),
    Status("InProgress", "In progress", False, "#1976d2", ("In process", "In-progress", "Under implementation"),
           broader="Initiated", definition="Work on the action is under way."),
    Status("Ongoing", "Ongoing", False, "#4f83cc", ("On-going", "On going", "Continuous", "Continuing"),
           broader="Initiated", definition="The action is continuous or still running."),
    Status("PartiallyCompleted", "Partially Completed", False, "#558b2f",
           ("Partially complete", "Partly completed", "Partially implemented", "Partially achieved"),
           broader="Initiated", definition="Part of the action was carried out."),
    Status("NotInitiated", "Not Initiated", False, "#f9a825", ("Not started", "Not yet initiated", "Not yet started"),
           definition="Work on the action has not started."),
    Status("Pending", "Pending", False, "#fbc02d", ("On hold",),
           definition="The action waits on something before it can go on."),
    Status("Delayed", "Delayed", False, "#ef6c00", ("Behind schedule",),
           definition="The action is reported late by the source."),
    Status("Overdue", "Overdue", False, "#a4161a",
           ("Over due", "Over-due", "Overdue-Not Initiated", "Overdue Not Initiated", "Overdue - Not Initiated"),
           definition="Reported overdue by the source."),
    Status("OverdueInitiated", "Overdue-Initiated", False, "#e65100", ("Overdue Initiated", "Overdue - Initiated"),
           broader="Overdue", definition="Reported overdue, with work started."),
    Status("NoLongerApplicable", "No Longer Applicable", True, "#7f7f7f", ("Not applicable", "No longer relevant"),
           definition="The action was dropped, usually with a justification."),
    Status("Closed", "Closed", True, "#455a64", (),
           definition="The action was closed by the unit that tracks it."),
    Status("Cancelled", "Cancelled", True, "#9e9e9e", ("Canceled", "Withdrawn"),
           definition="The action was called off."),
    Status("TakenIntoAccount", "Taken into account", True, "#6a8f3a", ("Taken into consideration",),
           definition="The recommendation was taken into account without a separate action to track."),
    Status("NoDueDate", "No due date", False, "#78909c", ("No deadline established",),
           definition="The source tracks the action without a due date."),
    Status("NotReported", "Not Reported", False, "#b0bec5", (),
           definition="The source gives no status for the action."),
    Status("Unrecognised", "Unrecognised", False, "#90a4ae", (),
           definition="The source prints a status outside this scheme; its text is kept as printed."),
)

#: Statuses that no printed spelling maps to: the absence of a status and an unknown one.
NOT_PRINTED = ("NotReported", "Unrecognised")

#: concept local name -> (preferred label, terminal?), derived from ``STATUS_TABLE``
STATUSES: dict[str, tuple[str, bool]] = {s.key: (s.label, s.terminal) for s in STATUS_TABLE}
#: status label -> bar colour, in the order shown, derived from ``STATUS_TABLE``
STATUS_COLOURS: dict[str, str] = {s.label: s.colour for s in STATUS_TABLE}


def normalise_status(text: str) -> str:
    """The comparison form of a printed status: lower case, separators and odd spaces as one space."""
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    return re.sub(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000\-\u2010-\u2014_/.:;,]+", " ", text).strip().lower()


@lru_cache(maxsize=1)
def _by_spelling() -> dict[str, Status]:
    table: dict[str, Status] = {}
    for s in STATUS_TABLE:
        if s.key in NOT_PRINTED:
            continue
        for form in s.forms:
            key = normalise_status(form)
            if key in table and table[key] is not s:
                raise ValueError(f"status spelling {form!r} means both {table[key].key} and {s.key}")
            table[key] = s
    return table


def status_of(text: str | None) -> Status | None:
    """The status a printed text means, or None when it is none of the table's spellings."""
    if not text:
        return None
    return _by_spelling().get(normalise_status(text))


def status_for(text: str | None) -> Status:
    """The status record for a printed status: Not Reported when absent, Unrecognised when unknown."""
    if not text or not text.strip():
        return STATUS_BY_KEY["NotReported"]
    return status_of(text) or STATUS_BY_KEY["Unrecognised"]


def status_concept(text: str | None) -> str:
    """The status concept IRI for a printed status (Not Reported when absent, Unrecognised when unknown)."""
    return status_for(text).iri


@lru_cache(maxsize=1)
def status_pattern() -> str:
    """A regular-expression alternative matching every accepted spelling as printed (longest first)."""
    forms = sorted({f for s in STATUS_TABLE if s.key not in NOT_PRINTED for f in s.forms}, key=len, reverse=True)
    out = []
    for form in forms:
        words = [re.escape(w) for w in re.split(r"[\s\-]+", form) if w]
        out.append(r"[\s\u00a0]*[-\u2010-\u2014]?[\s\u00a0]*".join(words))
    return "|".join(out)


STATUS_BY_KEY: dict[str, Status] = {s.key: s for s in STATUS_TABLE}


# --------------------------------------------------------------------------- acceptance

#: concept local name -> preferred label
ACCEPTANCES: dict[str, str] = {
    "Accepted": "Accepted",
    "PartiallyAccepted": "Partially accepted",
    "Rejected": "Rejected",
    "AcceptanceNotReported": "Not reported",
}

#: normalised printed acceptance -> concept local name ("Noted" and "takes note" are deliberately absent)
ACCEPTANCE_SPELLINGS: dict[str, str] = {
    "accepted": "Accepted", "fully accepted": "Accepted", "accept": "Accepted", "accepts": "Accepted",
    "agreed": "Accepted", "agree": "Accepted", "agrees": "Accepted", "fully agreed": "Accepted",
    "fully agree": "Accepted", "fully agrees": "Accepted",
    "partially accepted": "PartiallyAccepted", "partly accepted": "PartiallyAccepted",
    "accepted in part": "PartiallyAccepted", "partially agreed": "PartiallyAccepted",
    "partially agree": "PartiallyAccepted", "partially agrees": "PartiallyAccepted",
    "partly agree": "PartiallyAccepted", "partly agreed": "PartiallyAccepted", "partly agrees": "PartiallyAccepted",
    "partially accept": "PartiallyAccepted", "partially accepts": "PartiallyAccepted",
    "partially rejected": "PartiallyAccepted", "agreed in part": "PartiallyAccepted",
    "rejected": "Rejected", "not accepted": "Rejected", "not agreed": "Rejected", "disagreed": "Rejected",
    "disagree": "Rejected", "disagrees": "Rejected", "reject": "Rejected", "rejects": "Rejected",
    "does not agree": "Rejected", "do not agree": "Rejected",
}


def _norm(text: str) -> str:
    return re.sub(r"[\s\-_/]+", " ", text).strip().lower()


def acceptance_label(text: str | None) -> str | None:
    """The acceptance label ("Accepted", "Partially accepted", "Rejected") a printed word means, or None."""
    name = ACCEPTANCE_SPELLINGS.get(_norm(text)) if text else None
    return ACCEPTANCES[name] if name else None


def acceptance_concept(text: str | None) -> str:
    name = ACCEPTANCE_SPELLINGS.get(_norm(text)) if text else None
    return str(MAKB[name or "AcceptanceNotReported"])
