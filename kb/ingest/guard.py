"""What every management-response parser shares: the failure guard, the due-date and status findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kb.errors import ParseError
from kb.model import Finding, ManagementResponseDocument
from kb.registry import Registry
from kb.text.clean import newlines
from kb.vocab import status_of


def due_finding(text: str | None, about: str, line: int | None) -> Finding | None:
    """A "missing-due-date" finding when no time frame is printed."""
    if text:
        return None
    return Finding("missing-due-date", f"{about} has no due date / time frame", line=line, about=about)


def guarded_run(parser: Callable[[str, str, Registry], Any], text: str, source: str,
                registry: Registry) -> ManagementResponseDocument:
    """Run ``parser(text, source, registry).run()`` so that any failure is a ``ParseError`` naming the source."""
    if not isinstance(text, str):
        raise ParseError("document text is not a string", source=source)
    try:
        doc = parser(newlines(text), source, registry).run()
    except ParseError:
        raise
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, AssertionError, RecursionError) as exc:
        raise ParseError(f"internal parser error ({type(exc).__name__}: {exc})", source=source) from exc
    check_statuses(doc)
    doc.partial = any(w.code == "truncated" for w in doc.warnings)
    return doc


def check_statuses(doc: ManagementResponseDocument) -> None:
    """An "unrecognised-status" finding for each printed status outside the status table (kept as printed)."""
    for rec in doc.recommendations:
        for ka in rec.key_actions:
            if ka.status and status_of(ka.status) is None:
                about = f"key action {ka.number}" if "." in ka.number else f"key action {rec.number}.{ka.number}"
                doc.warnings.append(Finding(
                    "unrecognised-status", f"{about}: status {ka.status!r} is not in the status table; "
                    "kept as printed and mapped to Unrecognised", line=ka.line, about=about))
