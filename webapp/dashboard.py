"""The commitment dashboard: filters in the URL, scorecards sorted and paged, past-due actions, CSV and JSON.

``?format=csv`` (or ``Accept: text/csv``) gives the filtered key actions,
``&table=scorecard`` the chosen scorecard in its order; ``?format=json`` (or
``Accept: application/json``) the whole filtered view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any, cast

from flask import Blueprint, Response, render_template, request, url_for

from kb.analysis.scorecard import Commitments
from kb.analysis.scorecard import load as load_commitments
from kb.errors import ConfigError
from kb.views.dashboard import (
    FORMATS,
    ROW_FILTER,
    SCORECARD_KINDS,
    Dashboard,
    actions_csv,
    build,
    dashboard_json,
    scorecard_csv,
)
from kb.views.dashboard_charts import PAST_DUE_COLOUR
from kb.views.dashboard_filters import PER_PAGE_CHOICES, DashboardFilters, ScorecardView
from kb.vocab import STATUS_BY_KEY
from webapp.kbstate import kb

bp = Blueprint("dashboard", __name__)

_MEDIA = {"text/html": "html", "application/xhtml+xml": "html", "text/csv": "csv", "application/json": "json"}


def _format() -> str:
    fmt = request.args.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise ConfigError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        return fmt
    if not request.headers.get("Accept"):
        return "html"
    best = request.accept_mimetypes.best_match(list(_MEDIA))
    return _MEDIA.get(best or "", "html")


#: page models kept for the last filter sets asked for
BOARDS_KEPT = 16


@lru_cache(maxsize=BOARDS_KEPT)
def _built(commitments: Commitments, filters: DashboardFilters) -> Dashboard:
    """The page model of ``filters`` over ``commitments`` (a new store state reads new commitments, so an old
    page model is never found for it)."""
    return build(commitments, filters)


def _board(filters: DashboardFilters) -> Dashboard:
    """The page model of ``filters``: the KB's key actions are read once per store state into the app's cache
    of whole-KB results; the filtered page models live in a small cache of their own, so that many filter
    sets never push the whole-KB read out."""
    state = kb()
    store = state.store
    commitments: Commitments = state.derived.get(("commitments",), lambda: load_commitments(store))
    return _built(commitments, filters)


def _linker(filters: DashboardFilters, view: ScorecardView) -> Callable[..., str]:
    """``link(**changes)``: the address of this view with ``changes`` (None or "" drops a value)."""
    defaults = ScorecardView()
    base = {**filters.query(), **{k: v for k, v in view.query().items()
                                  if k in ("sort", "dir") or v != str(getattr(defaults, k))}}

    def link(**changes: object) -> str:
        query = dict(base)
        for name, value in changes.items():
            if value is None or value == "":
                query.pop(name, None)
            else:
                query[name] = str(value)
        return url_for("dashboard.dashboard", **cast(dict[str, Any], query))
    return link


@bp.get("/dashboard")
def dashboard() -> Response:
    args = request.args
    fmt = _format()
    table = args.get("table", "actions")
    if table not in ("actions", "scorecard"):
        raise ConfigError(f"table must be actions or scorecard, got {table!r}")
    # the page's default as-of date is today; the library only ever gets it as a parameter
    filters = DashboardFilters.parse(args, date.today())
    view = ScorecardView.parse(args)
    pages = {}
    for name in ("apage", "opage"):
        value = args.get(name, "1")
        if not value.isdigit() or int(value) < 1:
            raise ConfigError(f"{name} must be a positive whole number, got {value!r}")
        pages[name] = int(value)
    board = _board(filters)
    stamp = filters.as_of.isoformat()
    if fmt == "csv":
        if table == "scorecard":
            body, name = scorecard_csv(board, view), f"scorecard-{view.card}-{stamp}.csv"
        else:
            body, name = actions_csv(board), f"key-actions-{stamp}.csv"
        resp = Response(body, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    elif fmt == "json":
        resp = Response(json.dumps(dashboard_json(board, view), ensure_ascii=False, indent=1),
                        mimetype="application/json")
    else:
        actions, apages = board.actions_page(pages["apage"])
        late, opages = board.overdue_page(pages["opage"])
        html = render_template("dashboard.html", d=board, f=filters, v=view, card=board.scorecard(view),
                               kinds=SCORECARD_KINDS, actions=actions, apage=pages["apage"], apages=apages,
                               late=late, opage=pages["opage"], opages=opages,
                               link=_linker(filters, view), card_filter=ROW_FILTER, per_choices=PER_PAGE_CHOICES,
                               past_due_colour=PAST_DUE_COLOUR,
                               overdue_colour=STATUS_BY_KEY["Overdue"].colour)
        resp = Response(html, mimetype="text/html")
    if "format" not in args:
        resp.headers["Vary"] = "Accept"
    return resp
