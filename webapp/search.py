"""Search: ``/search?q=`` as a results page or JSON (by ``Accept`` or ``?format=json``).

It serves the search box of every page, the explorer's centre and the suggestions for an unknown name.

The index is ``kb.search``'s, kept per app with the other whole-store results (dropped when the store is
written through the web, when the index file beside the store is dropped too, so it is rebuilt at once for
this process and at the next start).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from kb import search
from kb.errors import ConfigError
from kb.search import KINDS, Hit, SearchIndex
from kb.views.entity import entity_path
from webapp.kbstate import kb

bp = Blueprint("search", __name__)

#: hits on the results page, and at most through the JSON answer
PAGE_HITS = 50
MAX_HITS = 200
#: kind of entity -> its name on a page
KIND_NAMES = {"organisation": "Organisation", "unit": "Unit", "person": "Person", "project": "Project",
              "evaluation": "Evaluation", "place": "Place"}


def index() -> SearchIndex:
    """This app's search index (read from beside the store, or built, once per store state)."""
    state = kb()
    return state.derived.get(("search-index",), lambda: search.load(state.store))


def hit_json(hit: Hit) -> dict[str, Any]:
    return hit.to_json(entity_path(hit.entry.iri, kb().settings["MAKB_BASE_IRI"]))


def suggestions(name: str, kinds: list[str] | None = None, limit: int = 8) -> list[Hit]:
    """Entities to offer for a name nothing answers to."""
    return index().suggest(name, limit, kinds)


def _wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _limit(default: int) -> int:
    raw = request.args.get("limit")
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_HITS:
        raise ConfigError(f"limit must be a whole number from 1 to {MAX_HITS}, got {raw!r}")
    return int(raw)


@bp.get("/search")
def search_page() -> Response:
    text = request.args.get("q", "").strip()
    kinds = [k for k in request.args.getlist("kind") if k] or None
    if kinds:
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise ConfigError(f"unknown entity kind {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    as_json = _wants_json()
    hits = index().search(text, _limit(10 if as_json else PAGE_HITS), kinds) if text else []
    if as_json:
        resp = jsonify({"query": text, "hits": [hit_json(h) for h in hits]})
    else:
        close = suggestions(text, kinds) if text and not hits else []
        resp = Response(render_template("search.html", q=text, hits=hits, close=close, kinds=kinds or [],
                                        all_kinds=KINDS, kind_names=KIND_NAMES),
                        mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    return resp


@bp.app_template_global()
def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


@bp.after_app_request
def _forget_after_writes(resp: Response) -> Response:
    """A write through the web changes the store: the index file beside it is dropped (rebuilt when next used)."""
    if request.blueprint == "writes" and request.method not in ("GET", "HEAD", "OPTIONS"):
        search.forget(kb().store)
    return resp
