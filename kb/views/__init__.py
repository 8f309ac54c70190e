"""Page models for the web: plain data for templates (no Flask, no HTML)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

#: ``memo(key, compute)``: a whole-KB result kept per key until the store changes (the web app's page cache)
Memo = Callable[[Hashable, Callable[[], Any]], Any]


def no_memo(key: Hashable, compute: Callable[[], Any]) -> Any:
    """The memo that keeps nothing: computes every time."""
    return compute()
