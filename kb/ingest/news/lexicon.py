"""The news parser's cue lexicons, read once from the JSON files in ``kb/ingest/news/lexicons/``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """One lexicon file (``words``, ``quantities``, ``places``) as a dict."""
    data: dict[str, Any] = json.loads(resources.files("kb.ingest.news").joinpath(f"lexicons/{name}.json")
                                      .read_text(encoding="utf-8"))
    return data


def words(key: str) -> frozenset[str]:
    """A word list of ``words.json`` as a set."""
    return frozenset(load("words")[key])


WORDS = load("words")
QUANTITIES = load("quantities")
PLACES = load("places")
