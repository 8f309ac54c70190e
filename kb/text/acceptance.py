"""Acceptance wording of a management response ("Agreed", "Partially accepted", ...)."""

from __future__ import annotations

import re

from kb.text.clean import clean

_ACCEPTANCE = {
    "fully accepted": "Accepted", "accepted": "Accepted", "agreed": "Accepted", "fully agreed": "Accepted",
    "partially accepted": "Partially accepted", "partly accepted": "Partially accepted",
    "accepted in part": "Partially accepted", "partially agreed": "Partially accepted",
    "partially rejected": "Partially accepted",
    "rejected": "Rejected", "not accepted": "Rejected", "not agreed": "Rejected", "disagreed": "Rejected",
}
_ACC_RE = re.compile(r"^(" + "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _ACCEPTANCE),
                                            key=len, reverse=True)) + r")(?![\w-])", re.I)
SEPARATORS = "-\u2013\u2014:.;,"


def normalise_acceptance(word: str) -> str | None:
    return _ACCEPTANCE.get(clean(word).lower())


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
    if strict and stripped and stripped[0] not in SEPARATORS:
        return None, text
    rest = stripped.lstrip(SEPARATORS).strip()
    return normalise_acceptance(m.group(1)), rest
