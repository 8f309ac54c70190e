"""What every management-response parser shares: the failure guard and the due-date finding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kb.errors import ParseError
from kb.model import Finding, ManagementResponseDocument
from kb.registry import Registry


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
        return parser(text.replace("\r\n", "\n").replace("\r", "\n"), source, registry).run()
    except ParseError:
        raise
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, AssertionError, RecursionError) as exc:
        raise ParseError(f"internal parser error ({type(exc).__name__}: {exc})", source=source) from exc
