"""The types the corpus generators share: organisations and the evaluations documents are written about."""

from __future__ import annotations

from dataclasses import dataclass

#: the no-break space real pages are full of
NBSP = "\u00a0"


@dataclass(frozen=True)
class Org:
    """An organisation named in the corpus; ``registry`` when it comes from the project's registry."""

    name: str
    acronym: str | None
    registry: bool = False


@dataclass
class Evaluation:
    """One evaluation: the management-response document (or ERC page) written about it."""

    serial: int
    country: str
    title: str
    authority: Org
    partner: Org
    year: int
    people: list[str]
