"""The graph explorer: the partner graph (or one organisation's ego graph) drawn with vis-network.

A side panel shows the node or tie clicked (``/graph/tie`` says what ties two organisations and how we
know); ``/graph/view.graphml`` gives the drawn view as GraphML.

``/vendor/<file>`` serves vis-network from the installed pyvis package, so the
page needs nothing from another host.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, send_file

from kb.errors import ConfigError, NotFound
from kb.views.explorer import (
    Filters,
    explore,
    filtered_partner_graph,
    partner_graphml,
    view_graphml,
    vis_asset,
)
from kb.views.ties import tie_details
from webapp.kbstate import kb
from webapp.search import suggestions
from webapp.sources import document_url, evidence_url

bp = Blueprint("graphs", __name__)

#: kinds of entity offered when the explorer's organisation is unknown
ORG_KINDS = ["organisation", "unit"]


def _filters() -> Filters:
    args = request.args
    return Filters.parse(org=args.get("org"), depth=args.get("depth"), kinds=args.getlist("kind"),
                         country=args.get("country"), year=args.get("year"), rollup=args.get("rollup"),
                         types=args.getlist("type"))


def _cap() -> int:
    return int(kb().settings["MAKB_GRAPH_NODE_CAP"])


def _base() -> str:
    return str(kb().settings["MAKB_BASE_IRI"])


@bp.get("/graph")
def explorer() -> Response:
    filters = _filters()
    store = kb().store
    problem, close, status = None, [], 200
    try:
        view = explore(store, filters, _base(), _cap(), memo=kb().derived.get, as_of=date.today())
    except (NotFound, ConfigError) as exc:
        if not filters.org:
            raise
        # an organisation the KB does not know (or of several, or without ties here): the whole graph, with
        # the names it might have meant
        problem, status = exc.message, (404 if isinstance(exc, NotFound) else 400)
        close = suggestions(filters.org, ORG_KINDS)
        wanted = filters.org
        filters.org = None
        view = explore(store, filters, _base(), _cap(), memo=kb().derived.get, as_of=date.today())
        filters.org = wanted
    html = render_template("graph.html", view=view, f=filters, problem=problem, close=close,
                           query=filters.query())
    return Response(html, status=status, mimetype="text/html")


@bp.get("/graph/tie")
def tie() -> Response:
    """What ties organisations ``a`` and ``b`` under the page's filters, as JSON for the side panel."""
    a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
    if not a or not b:
        raise ConfigError("give both ends of the tie: /graph/tie?a=<IRI>&b=<IRI>")
    filters = _filters()
    store = kb().store
    G = filtered_partner_graph(store, filters, kb().derived.get)
    details = tie_details(store, G, a, b, _base())
    ties: list[dict[str, Any]] = []
    for t in details.ties:
        evidence = []
        for ev in t.evidence:
            if ev.line is not None:
                link = f"{document_url(ev.graph)}#line-{ev.line}"
            elif ev.sentence:
                link = evidence_url(ev.graph, ev.sentence)
            else:
                link = document_url(ev.graph)
            evidence.append({**ev.to_json(), "link": link,
                             "orgLabel": {a: details.a_label, b: details.b_label}.get(ev.org or "", "both")})
        ties.append({"thing": t.thing, "kind": t.kind, "label": t.label, "url": t.url, "evidence": evidence})
    return jsonify({"a": a, "b": b, "aLabel": details.a_label, "bLabel": details.b_label, "kinds": details.kinds,
                    "ties": ties, "more": details.more})


@bp.get("/graph/view.graphml")
def view_download() -> Response:
    """The organisations and ties drawn under the page's filters, as GraphML."""
    data = view_graphml(kb().store, _filters(), _base(), _cap(), kb().derived.get)
    return Response(data, mimetype="application/graphml+xml",
                    headers={"Content-Disposition": 'attachment; filename="partner-graph-view.graphml"'})


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    resp = send_file(vis_asset(name), max_age=86400)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("/download/partner-graph.graphml")
def graphml() -> Response:
    store = kb().store
    G = filtered_partner_graph(store, Filters(), kb().derived.get)
    return Response(partner_graphml(store, G), mimetype="application/graphml+xml",
                    headers={"Content-Disposition": 'attachment; filename="partner-graph.graphml"'})

