"""The commitment dashboard: key actions by status, overdue as of a chosen date, scorecards, CSV."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request

from kb.errors import ConfigError
from kb.views.dashboard import SCORECARD_KINDS, DashboardFilters, actions_csv
from kb.views.dashboard import dashboard as build_dashboard
from webapp.kbstate import kb

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
def dashboard() -> Response | str:
    args = request.args
    fmt = args.get("format", "html")
    if fmt not in ("html", "csv"):
        raise ConfigError(f"format must be html or csv, got {fmt!r}")
    # the page's default as-of date is today; the library only ever gets it as a parameter
    filters = DashboardFilters.parse(args.get("as_of"), date.today(), args.get("country"), args.get("evaluation"))
    store = kb().store
    key = ("dashboard", filters.as_of, filters.country, filters.evaluation)
    board = kb().derived.get(key, lambda: build_dashboard(store, filters))
    if fmt == "csv":
        name = f"key-actions-{filters.as_of.isoformat()}.csv"
        return Response(actions_csv(board), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return render_template("dashboard.html", d=board, f=filters, kinds=SCORECARD_KINDS)
