"""``makb search``: find organisations, units, people, projects, evaluations and places by name."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from cli.context import EXIT_FAIL, EXIT_OK, Context, out
from kb.errors import ConfigError


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``makb search`` to the CLI."""
    from kb.search import KINDS

    p = add("search", cmd_search,
            "Find entities by name, acronym or alias (accents and case ignored; best match, then most connected).",
            ["makb search anama", "makb search 'mine action' --kind organisation --limit 5",
             "makb search genève --json"])
    p.add_argument("text", help="a name, acronym or part of one")
    p.add_argument("--kind", action="append", choices=KINDS, help="only this kind of entity (repeatable)")
    p.add_argument("--limit", type=int, default=10, help="most entities listed (default: 10)")
    p.add_argument("--json", action="store_true", help="print the hits as JSON")


def cmd_search(ctx: Context, args: argparse.Namespace) -> int:
    from kb import search
    from kb.store import open_store
    from kb.views.entity import entity_path

    if args.limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {args.limit}")
    store = open_store(ctx.settings, read_only=True)
    try:
        index = search.load(store)
    finally:
        store.close()
    hits = index.search(args.text, args.limit, args.kind)
    base = ctx.settings["MAKB_BASE_IRI"]
    if args.json:
        out(json.dumps({"query": args.text, "hits": [h.to_json(entity_path(h.entry.iri, base)) for h in hits]},
                       ensure_ascii=False, indent=2))
    elif hits:
        width = max(len(h.entry.label) for h in hits)
        out("\n".join(f"{h.entry.label:<{width}}  {h.entry.kind:<12}  {h.entry.iri}"
                      + (f"  (as {h.matched})" if h.matched != h.entry.label else "") for h in hits))
    else:
        out(f"nothing called {args.text!r}")
    return EXIT_OK if hits else EXIT_FAIL
