"""The partner graph drawn with vis-network (the library pyvis ships), offline.

``explore`` builds the nodes, edges and options of one interactive view in
vis-network's own format: node colour by organisation type, size by PageRank
centrality, edge width by tie weight, a legend, and for every node the local
address of its entity page.  Graphs over ``cap`` nodes keep the most central
nodes and fold the rest into one "N more organisations" node, so the browser
never has to lay out thousands of nodes.

Pages draw the memo's partner graph and PageRank (each computed once per state of
the store) or a part of it in place: a page costs the ego graph's search and the
ties of the nodes drawn, at most ``TIES_PER_NODE`` ties per node.

pyvis's stock HTML template loads Bootstrap and vis-network from CDNs whatever
``cdn_resources`` says, so pages render these data with their own template and
serve ``vis_asset`` files, the copies of vis-network inside the installed pyvis
package.
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pyvis

from kb.analysis import TIE_KINDS, graph_node, partner_graph, to_graphml
from kb.analysis.graphs import organisations, resolve_in
from kb.analysis.metrics import ego_nodes, pagerank
from kb.errors import ConfigError, NotFound
from kb.store import Store
from kb.views import Memo, no_memo
from kb.views.entity import entity_path
from kb.views.explorer_facts import commitments, country_names

#: the vis-network version pyvis ships, and the files of it pages may load
VIS_DIR = "vis-9.1.2"
VIS_FILES: dict[str, str] = {"vis-network.min.js": "text/javascript", "vis-network.css": "text/css"}

#: organisation type code -> (legend label, colour); None is an organisation of unknown type
ORG_TYPE_STYLE: dict[str | None, tuple[str, str]] = {
    "un-agency": ("UN agency", "#1f77b4"),
    "national-authority": ("National authority", "#d62728"),
    "ngo": ("NGO", "#2ca02c"),
    "intergovernmental": ("Intergovernmental organisation", "#9467bd"),
    "government": ("Government body", "#8c564b"),
    "donor": ("Donor", "#ff7f0e"),
    "unit": ("Unit of an organisation", "#17becf"),
    "other": ("Other organisation", "#7f7f7f"),
    None: ("Type unknown", "#bcbd22"),
}
MORE_STYLE = ("Aggregated organisations", "#f0f0f0")
MORE_NODE = "more-organisations"
#: what the explorer's type filter calls an organisation of no known type
UNKNOWN_TYPE = "unknown"

#: tie kind -> (legend label, line colour); an edge takes the colour of its first kind in this order
TIE_STYLE: dict[str, tuple[str, str]] = {
    "agreement": ("Agreement", "#b15928"),
    "partnership": ("Partnership", "#1b7837"),
    "project": ("Project", "#0b5cad"),
    "consortium": ("Consortium", "#6a3d9a"),
    "key-action": ("Key action", "#c51b7d"),
    "recommendation": ("Recommendation", "#8c510a"),
    "evaluation": ("Evaluation", "#4d4d4d"),
}
#: nodes whose labels the page keeps readable at every zoom (the most central first)
LABELLED = 12

#: node size range (pixels) from least to most central
MIN_SIZE, MAX_SIZE = 10.0, 40.0
#: ties drawn at most per node drawn (the strongest; dense graphs would otherwise send tens of thousands)
TIES_PER_NODE = 4


def vis_asset(name: str) -> Path:
    """The file ``name`` of the vis-network copy inside the installed pyvis package."""
    if name not in VIS_FILES:
        raise NotFound(f"no vis-network file {name!r}")
    path = Path(pyvis.__file__).resolve().parent / "lib" / VIS_DIR / name
    if not path.is_file():
        raise NotFound(f"the installed pyvis has no {VIS_DIR}/{name}")
    return path


# ------------------------------------------------------------------------------------ records


@dataclass
class LegendEntry:
    label: str
    color: str
    count: int


@dataclass
class Filters:
    """What the explorer shows: the whole partner graph or one organisation's ego graph, filtered."""

    org: str | None = None
    depth: int = 1
    kinds: list[str] = field(default_factory=lambda: list(TIE_KINDS))
    country: str | None = None
    year: int | None = None
    rollup: bool = False
    types: list[str] = field(default_factory=list)     #: organisation type codes kept (none: every type)

    @classmethod
    def parse(cls, org: str | None = None, depth: str | None = None, kinds: list[str] | None = None,
              country: str | None = None, year: str | None = None, rollup: str | None = None,
              types: list[str] | None = None) -> Filters:
        """Filters from form values (strings); ``ConfigError`` for values that make no sense."""
        if depth not in (None, "", "1", "2"):
            raise ConfigError(f"depth must be 1 or 2, got {depth!r}")
        chosen = [k for k in (kinds or []) if k]
        unknown = sorted(set(chosen) - set(TIE_KINDS))
        if unknown:
            raise ConfigError(f"unknown tie kind {', '.join(unknown)}; choose from {', '.join(TIE_KINDS)}")
        year_value = None
        if year:
            if not year.strip().isdigit() or not 1900 <= int(year) <= 2100:
                raise ConfigError(f"year must be a year such as 2013, got {year!r}")
            year_value = int(year)
        wanted_types = sorted({t for t in (types or []) if t})
        known_types = [t for t in ORG_TYPE_STYLE if t] + [UNKNOWN_TYPE]
        strange = [t for t in wanted_types if t not in known_types]
        if strange:
            raise ConfigError(f"unknown organisation type {', '.join(strange)}; choose from {', '.join(known_types)}")
        return cls(org=(org or "").strip() or None, depth=int(depth or 1), kinds=chosen or list(TIE_KINDS),
                   country=(country or "").strip() or None, year=year_value, rollup=rollup in ("1", "on", "true"),
                   types=wanted_types)

    def query(self) -> list[tuple[str, str]]:
        """The filters as form fields (for links that keep them: exports, tie details)."""
        out: list[tuple[str, str]] = []
        if self.org:
            out += [("org", self.org), ("depth", str(self.depth))]
        out += [("kind", k) for k in self.kinds] + [("type", t) for t in self.types]
        if self.country:
            out.append(("country", self.country))
        if self.year:
            out.append(("year", str(self.year)))
        if self.rollup:
            out.append(("rollup", "1"))
        return out


@dataclass
class GraphView:
    """One drawable graph in vis-network's format, with what the page says about it."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[LegendEntry]
    filters: Filters
    total_nodes: int                 #: organisations in the (filtered) graph before capping
    total_edges: int
    aggregated: int = 0              #: organisations folded into the "more" node
    center: str | None = None        #: the ego graph's organisation IRI
    center_label: str | None = None
    notes: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)   #: country names, for the filter
    tie_kinds: tuple[str, ...] = TIE_KINDS
    tie_legend: list[LegendEntry] = field(default_factory=list)
    #: (type code, label) for the type filter
    org_types: list[tuple[str, str]] = field(
        default_factory=lambda: [(t or UNKNOWN_TYPE, label) for t, (label, _) in ORG_TYPE_STYLE.items()])
    _labels: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def shown_nodes(self) -> int:
        return len(self.nodes)

    def data(self) -> dict[str, Any]:
        """What the page's script needs: nodes, edges, options, how many labels to keep readable."""
        return {"nodes": self.nodes, "edges": self.edges, "options": self.options, "labelled": LABELLED}

    def label_of(self, node: str) -> str:
        """The label drawn for ``node`` (itself when not drawn); the page asks for it twice per tie."""
        if self._labels is None or len(self._labels) != len(self.nodes):
            self._labels = {str(n["id"]): str(n["label"]) for n in self.nodes}
        return self._labels.get(node, node)


# ------------------------------------------------------------------------------------ building


def _options(nodes: int) -> dict[str, Any]:
    big = nodes > 150
    return {
        "autoResize": True,
        "layout": {"randomSeed": 42, "improvedLayout": not big},
        "nodes": {"shape": "dot", "borderWidth": 1,
                  "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"color": {"color": "#9aa5b1", "highlight": "#0b5cad", "hover": "#0b5cad"},
                  "smooth": False if big else {"type": "continuous"}},
        "physics": {"solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.4},
                    "stabilization": {"enabled": True, "iterations": 150 if big else 300, "fit": True},
                    "minVelocity": 1.0},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "keyboard": False},
    }


def _node_title(data: dict[str, Any], rank: float, neighbours: int) -> str:
    kind = ORG_TYPE_STYLE.get(data.get("org_type"), ORG_TYPE_STYLE[None])[0]
    lines = [data.get("label") or "", kind + (f" · {data['country']}" if data.get("country") else ""),
             f"{neighbours} partner{'s' if neighbours != 1 else ''} · PageRank {rank:.3f}"]
    members = data.get("members") or []
    if members:
        lines.append(f"{len(members)} unit{'s' if len(members) != 1 else ''} folded in")
    lines.append("Click to open its page")
    return "\n".join(line for line in lines if line)


def _edge_title(data: dict[str, Any]) -> str:
    kinds = ", ".join(data.get("kinds") or [])
    weight = int(data.get("weight", 1))
    return f"{kinds}: {weight} shared thing{'s' if weight != 1 else ''}\nClick for what ties them and how we know"


def tie_kind(kinds: list[str]) -> str | None:
    """The kind an edge is drawn as: the first of ``TIE_STYLE`` it has."""
    return next((k for k in TIE_STYLE if k in kinds), None)


def _width(weight: float) -> float:
    return round(min(12.0, 1.0 + 2.0 * math.log2(max(1.0, weight))), 2)


def _size(rank: float, top: float) -> float:
    if top <= 0:
        return MIN_SIZE
    return round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(rank / top), 2)


def _cap(G: nx.Graph, nodes: Iterable[str], ranks: dict[str, float], cap: int) -> tuple[list[str], list[str]]:
    """(kept nodes, folded nodes): the ``cap - 1`` most central ``nodes`` are kept when there are over ``cap``."""
    order = sorted(nodes, key=lambda n: (-ranks.get(n, 0.0), str(G.nodes[n].get("label") or n), n))
    if len(order) <= cap:
        return order, []
    keep = max(1, cap - 1)
    return order[:keep], order[keep:]


def _ego_url(iri: str) -> str:
    return "/graph?" + urllib.parse.urlencode({"org": iri})


def _info(G: nx.Graph, n: str, base: str, ties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the node's side panel shows (commitments are added by ``explore``); ``ties``: its drawn ties."""
    data = G.nodes[n]
    org_type = data.get("org_type") if data.get("org_type") in ORG_TYPE_STYLE else None
    projects = {t for e in ties.values() if "project" in (e.get("kinds") or [])
                for t in e.get("things") or [] if "/project/" in t}
    info: dict[str, Any] = {"name": data.get("label") or n, "acronym": data.get("acronym"),
                            "type": ORG_TYPE_STYLE[org_type][0], "country": data.get("country"),
                            "partners": len(ties), "projects": len(projects), "entity": entity_path(n, base),
                            "ego": _ego_url(n), "units": len(data.get("members") or [])}
    info["dashboard"] = "/dashboard?" + urllib.parse.urlencode({"unit" if data.get("unit") else "org": n})
    return info


def _strongest(pairs: list[tuple[str, str, dict[str, Any]]], limit: int,
               center: str | None) -> list[tuple[str, str, dict[str, Any]]]:
    """At most ``limit`` of ``pairs``: the centre's ties, then each node's strongest, then the strongest others."""
    if len(pairs) <= limit:
        return pairs
    order = sorted(pairs, key=lambda e: (-float(e[2].get("weight", 1)), e[0], e[1]))
    chosen: dict[tuple[str, str], tuple[str, str, dict[str, Any]]] = {}
    tied: set[str] = set()
    for phase in ("centre", "untied", "any"):
        for a, b, data in order:
            if len(chosen) >= limit:
                return list(chosen.values())
            wanted = center in (a, b) if phase == "centre" else phase == "any" or a not in tied or b not in tied
            if wanted and (a, b) not in chosen:
                chosen[a, b] = (a, b, data)
                tied.update((a, b))
    return list(chosen.values())


def view_of(G: nx.Graph, base: str, cap: int, filters: Filters | None = None, center: str | None = None,
            nodes: Collection[str] | None = None, ranks: dict[str, float] | None = None) -> GraphView:
    """The vis-network view of a partner graph (undirected) or of the part of it induced by ``nodes`` (an
    ego graph, some organisation types), capped at ``cap`` nodes.

    Nodes are ranked, sized and capped by ``ranks`` (default: the PageRank of the graph drawn); at most
    ``TIES_PER_NODE * cap`` ties among them are drawn (``_strongest``).  The work is one sort of the
    nodes and a read of the ties of the ``cap`` nodes kept: ``G`` is not copied, so a caller that keeps
    ``G`` and its ``ranks`` draws any part of it without reading the rest.
    """
    if cap < 2:
        raise ConfigError(f"the graph node cap must be at least 2, got {cap}")
    filters = filters or Filters()
    scope: Collection[str] = G if nodes is None else nodes
    if ranks is None:
        ranks = pagerank(G if nodes is None else G.subgraph(nodes)) if len(scope) else {}
    kept, folded = _cap(G, scope, ranks, cap)
    if center is not None and center in folded:   # the ego graph's centre is always drawn
        folded.remove(center)
        folded.insert(0, kept.pop())
        kept.insert(0, center)
    inside = None if nodes is None else nodes if isinstance(nodes, (set, frozenset)) else set(nodes)

    def drawn_ties(n: str) -> dict[str, dict[str, Any]]:
        return {m: d for _, m, d in G.edges(n, data=True) if inside is None or m in inside}

    top = max((ranks.get(n, 0.0) for n in kept), default=0.0)
    counts: dict[str | None, int] = {}
    out_nodes: list[dict[str, Any]] = []
    order = {n: i for i, n in enumerate(sorted(kept, key=lambda n: (-ranks.get(n, 0.0), n)))}
    kept_set = set(kept)
    edges: list[dict[str, Any]] = []
    to_more: dict[str, float] = {}
    tie_counts: dict[str, int] = {}
    pairs: list[tuple[str, str, dict[str, Any]]] = []    # every tie among the nodes kept
    for n in kept:
        data = G.nodes[n]
        ties = drawn_ties(n)
        org_type = data.get("org_type") if data.get("org_type") in ORG_TYPE_STYLE else None
        counts[org_type] = counts.get(org_type, 0) + 1
        label = data.get("acronym") or data.get("label") or n
        node: dict[str, Any] = {
            "id": n, "label": label, "title": _node_title(data, ranks.get(n, 0.0), len(ties)),
            "color": ORG_TYPE_STYLE[org_type][1], "size": _size(ranks.get(n, 0.0), top),
            "url": entity_path(n, base), "orgType": org_type or UNKNOWN_TYPE,
            "search": (data.get("label") or "").lower(), "rank": order[n], "info": _info(G, n, base, ties),
        }
        if n == center:
            node.update(borderWidth=4, font={"size": 18, "bold": True})
        out_nodes.append(node)
        # set.intersection reads a mapping at C speed (set & a networkx view's keys() goes through Python)
        pairs += [(n, m, ties[m]) for m in kept_set.intersection(ties) if n < m]
        if folded:
            weight = sum(float(d.get("weight", 1)) for m, d in ties.items() if m not in kept_set)
            if weight:
                to_more[n] = weight
    styles: dict[tuple[tuple[str, ...], Any], dict[str, Any]] = {}    # ties of the same kinds and weight look alike
    drawn = _strongest(pairs, TIES_PER_NODE * cap, center)
    for a, b, data in sorted(drawn, key=lambda e: (e[0], e[1])):
        kinds = data.get("kinds") or []
        look = (tuple(kinds), data.get("weight", 1))
        style = styles.get(look)
        if style is None:
            kind = tie_kind(kinds)
            style = styles[look] = {"width": _width(float(data.get("weight", 1))), "title": _edge_title(data),
                                    "kinds": kinds, "weight": int(data.get("weight", 1))}
            if kind is not None:
                style.update(kind=kind, color={"color": TIE_STYLE[kind][1], "highlight": "#000000",
                                               "hover": "#000000"})
        if "kind" in style:
            tie_counts[style["kind"]] = tie_counts.get(style["kind"], 0) + 1
        edges.append({"from": a, "to": b, **style})
    total_nodes = len(scope)
    total_edges = (G.number_of_edges() if inside is None
                   else sum(len(inside.intersection(G.adj[n])) for n in inside) // 2)
    notes: list[str] = []
    if folded:
        out_nodes.append({
            "id": MORE_NODE, "label": f"{len(folded):,} more organisations",
            "title": f"{len(folded):,} less central organisations, folded into one node to keep the graph readable. "
                     "Narrow the filters or open an organisation's ego graph to see them.",
            "color": {"background": MORE_STYLE[1], "border": "#333333"}, "size": MAX_SIZE, "shape": "box",
            "borderWidth": 2, "shapeProperties": {"borderDashes": [6, 4]}, "margin": 10,
            "font": {"size": 16, "color": "#1d2733", "bold": True}, "url": None, "orgType": "more", "search": "",
            "rank": -1, "info": {"name": f"{len(folded):,} more organisations", "folded": len(folded)}})
        for end, weight in sorted(to_more.items()):
            edges.append({"from": end, "to": MORE_NODE, "width": _width(weight), "dashes": True,
                          "title": f"ties to folded organisations: weight {weight:g}", "kinds": []})
        notes.append(f"This graph has {total_nodes:,} organisations, more than the {cap:,} drawn at once: "
                     f"the {len(kept):,} most central (PageRank) are shown and the other {len(folded):,} are "
                     f"aggregated into one node.")
    if len(drawn) < len(pairs):
        notes.append(f"Of the {len(pairs):,} ties among the organisations shown, the {len(drawn):,} strongest are "
                     f"drawn{' (every tie of the centre among them)' if center is not None else ''}, each "
                     f"organisation with its strongest tie.")
    legend = [LegendEntry(ORG_TYPE_STYLE[t][0], ORG_TYPE_STYLE[t][1], c)
              for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], ORG_TYPE_STYLE[kv[0]][0]))]
    if folded:
        legend.append(LegendEntry(MORE_STYLE[0], MORE_STYLE[1], len(folded)))
    tie_legend = [LegendEntry(label, colour, tie_counts[k]) for k, (label, colour) in TIE_STYLE.items()
                  if tie_counts.get(k)]
    center_label = G.nodes[center].get("label") if center is not None and center in G else None
    return GraphView(out_nodes, edges, _options(len(out_nodes)), legend, filters, total_nodes, total_edges,
                     len(folded), center, center_label, notes, tie_legend=tie_legend)


def _graph_key(filters: Filters) -> tuple[Any, ...]:
    return ("partner-graph", filters.rollup, tuple(filters.kinds), filters.country, filters.year)


def filtered_partner_graph(store: Store, filters: Filters, memo: Memo = no_memo) -> nx.Graph:
    """The partner graph under the explorer's filters of ties (kinds, country, year, roll-up)."""
    return memo(_graph_key(filters), lambda: partner_graph(store, rollup=filters.rollup, kinds=filters.kinds,
                                                           country=filters.country, year=filters.year))


def partner_ranks(store: Store, filters: Filters, memo: Memo = no_memo) -> dict[str, float]:
    """The PageRank of every organisation of ``filtered_partner_graph``, kept beside it: the explorer ranks,
    sizes and caps the whole graph and every ego graph cut from it by these, so a page reads no more of
    the graph than it draws."""
    return memo(("pagerank", *_graph_key(filters)), lambda: pagerank(filtered_partner_graph(store, filters, memo)))


def _scope(store: Store, filters: Filters, memo: Memo) -> tuple[nx.Graph, set[str] | None, str | None]:
    """(partner graph, the nodes drawn or None for all of them, the ego graph's centre)."""
    G = filtered_partner_graph(store, filters, memo)
    center = None
    nodes: set[str] | None = None
    if filters.org:
        iri = resolve_in(memo("organisations", lambda: organisations(store)), filters.org)
        center = graph_node(G, iri)
        nodes = ego_nodes(G, center, filters.depth)
    if filters.types:
        wanted = set(filters.types)
        nodes = {n for n in (G if nodes is None else nodes)
                 if n == center or _type_code(G.nodes[n].get("org_type")) in wanted}
    return G, nodes, center


def explore_graph(store: Store, filters: Filters, memo: Memo = no_memo) -> tuple[nx.Graph, str | None]:
    """(graph, centre): the filtered partner graph, or the ego graph of ``filters.org``, keeping only the
    organisation types chosen (the centre always stays), as a read-only view of the partner graph (no
    copy).  ``NotFound`` for an organisation the KB does not know or that has no ties under these
    filters; ``ConfigError`` for a name of several."""
    G, nodes, center = _scope(store, filters, memo)
    return (G if nodes is None else G.subgraph(nodes)), center


def _type_code(org_type: str | None) -> str:
    return org_type if org_type in ORG_TYPE_STYLE and org_type is not None else UNKNOWN_TYPE


def explore(store: Store, filters: Filters, base: str, cap: int, memo: Memo = no_memo,
            as_of: date | None = None) -> GraphView:
    """The explorer's view: the partner graph, or the ego graph of ``filters.org``, filtered and capped.

    ``memo`` keeps the whole-store parts (the graph and its PageRank, by which an ego graph's nodes are
    ranked too, the organisation table, the countries, the commitments) between calls; the web app passes
    one that forgets them when the store is written.  With ``as_of``, each node's panel counts its open
    and overdue commitments as of that date.
    """
    G, nodes, center = _scope(store, filters, memo)
    view = view_of(G, base, cap, filters, center, nodes=nodes, ranks=partner_ranks(store, filters, memo))
    view.countries = memo("countries", lambda: country_names(store))
    if as_of is not None:
        orgs = memo("organisations", lambda: organisations(store))
        add_commitments(view, memo(("commitments", as_of), lambda: commitments(store, as_of, orgs)))
    if not view.nodes:
        view.notes.append("No organisation has ties that match these filters.")
    return view


def add_commitments(view: GraphView, figures: dict[str, tuple[int, int]]) -> None:
    for node in view.nodes:
        if node["id"] != MORE_NODE:
            open_, overdue = figures.get(node["id"], (0, 0))
            node["info"].update(open=open_, overdue=overdue)


def view_graphml(store: Store, filters: Filters, base: str, cap: int, memo: Memo = no_memo) -> bytes:
    """The organisations and ties the explorer draws under ``filters`` (no aggregate node), as GraphML."""
    G, nodes, center = _scope(store, filters, memo)
    view = view_of(G, base, cap, filters, center, nodes=nodes, ranks=partner_ranks(store, filters, memo))
    H = G.subgraph(n["id"] for n in view.nodes if n["id"] != MORE_NODE).copy()
    ties = {frozenset((e["from"], e["to"])) for e in view.edges if e["to"] != MORE_NODE}
    H.remove_edges_from([e for e in H.edges if frozenset(e) not in ties])
    return to_graphml(H)


def partner_graphml(store: Store, G: nx.Graph | None = None) -> bytes:
    """The whole partner graph (or ``G``) as GraphML."""
    return to_graphml(partner_graph(store) if G is None else G)
