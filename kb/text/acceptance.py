"""Acceptance wording of a management response ("Agreed", "Partially accepted", ...)."""

from __future__ import annotations

import re

from kb.text.clean import clean
from kb.vocab import ACCEPTANCE_SPELLINGS, ACCEPTANCES

_ACCEPTANCE = {spelling: ACCEPTANCES[key] for spelling, key in ACCEPTANCE_SPELLINGS.items()}
_ACC_RE = re.compile(r"^(" + "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _ACCEPTANCE),
                                            key=len, reverse=True)) + r")(?![\w-])", re.I)
SEPARATORS = "-\u2013\u2014:.;,"
#: words after which an acceptance word still states the position ("Partially agree as the office ...")
_CONTINUES = re.compile(r"^(?:as|because|since|but|with|in\s+principle)\b", re.I)


def normalise_acceptance(word: str) -> str | None:
    """The acceptance label a printed word means ("Agreed" -> "Accepted"), or None ("Noted")."""
    return _ACCEPTANCE.get(re.sub(r"[\s\-_/]+", " ", clean(word)).strip().lower())


def split_acceptance(text: str, strict: bool = True) -> tuple[str | None, str]:
    """("Partially accepted", rest) from "Partially Accepted – rest"; (None, text) when none is printed.

    With ``strict`` the acceptance word must be followed by the end of the text or a separator,
    so that "Agreed that ..." stays text.
    """
    text = text.strip()
    m = _ACC_RE.match(text)
    if not m:
        return None, text
    rest = text[m.end():]
    stripped = rest.lstrip()
    if strict and stripped and stripped[0] not in SEPARATORS and not _CONTINUES.match(stripped):
        return None, text
    rest = stripped.lstrip(SEPARATORS).strip()
    return normalise_acceptance(m.group(1)), rest


_VERB = (r"(?P<degree>fully\s+|broadly\s+|generally\s+|partially\s+|partly\s+)?"
         r"(?P<verb>agrees?|agreed|accepts?|accepted|disagrees?|disagreed|rejects?|rejected|"
         r"(?:does|did|do)\s+not\s+(?:agree|accept))")
_PROSE_RES = (
    # "... agrees with this recommendation", "UN Women accepted recommendation 1"
    re.compile(r"\b" + _VERB + r"\s+(?:with\s+)?(?:(?:this|the|that|these|all|both)\s+)?(?:\w+\s+){0,2}?"
               r"recommendations?\b", re.I),
    # "UNDP partially agrees." : the organisation or management as the subject
    re.compile(r"\b(?:UNDP|UNICEF|UNFPA|UNOPS|UN[- ]?Women|WFP|UNHCR|UNMAS|UNITAR|[Mm]anagement|[Ww]e)\s+" + _VERB
               + r"\b"),
    # "... is in general agreement with ..."
    re.compile(r"\b(?:is|are)\s+in\s+(?:general\s+|full\s+|broad\s+)?(?P<agreement>agreement)\s+with\b", re.I),
)


def acceptance_in_prose(text: str | None) -> str | None:
    """The acceptance a response states about the recommendation in its first sentences ("UNDP partially
    agrees with this recommendation", "UN Women accepted recommendation 1"), or None.

    "Takes note" and narrative that states no position give None.
    """
    if not text:
        return None
    head = clean(text)[:400]
    for pattern in _PROSE_RES:
        m = pattern.search(head)
        if m is None:
            continue
        found = m.groupdict()
        if found.get("agreement"):
            return "Accepted"
        degree, verb = (found.get("degree") or "").strip().lower(), (found.get("verb") or "").lower()
        if verb.startswith(("disagree", "reject", "does not", "did not", "do not")):
            return "Rejected"
        return "Partially accepted" if degree in ("partially", "partly") else "Accepted"
    return None
