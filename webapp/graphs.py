"""The graph explorer: the partner graph (or one organisation's ego graph) drawn with vis-network.

``/vendor/<file>`` serves vis-network from the installed pyvis package, so the
page needs nothing from another host.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, send_file

from kb.views.explorer import Filters, explore, filtered_partner_graph, partner_graphml, vis_asset
from webapp.kbstate import kb

bp = Blueprint("graphs", __name__)


@bp.get("/graph")
def explorer() -> str:
    args = request.args
    filters = Filters.parse(org=args.get("org"), depth=args.get("depth"), kinds=args.getlist("kind"),
                            country=args.get("country"), year=args.get("year"), rollup=args.get("rollup"))
    settings = kb().settings
    view = explore(kb().store, filters, settings["MAKB_BASE_IRI"], int(settings["MAKB_GRAPH_NODE_CAP"]),
                   memo=kb().derived.get)
    return render_template("graph.html", view=view, f=filters)


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
