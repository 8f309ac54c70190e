"""The partner graph and the knowledge graph as files for other tools: GraphML, GEXF (Gephi), node-link JSON.

GraphML and GEXF hold scalar attributes only: lists are joined with "; ",
mappings written as JSON text, and missing values (None) left out.  Every
edge gets an id of its own (``e0``, ``e1``, ... in edge order), so readers that
key edges by id (graphology, Gephi, igraph) see every edge of a multigraph.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from kb.errors import ConfigError

#: format name -> (media type, file suffix)
GRAPH_FORMATS: dict[str, tuple[str, str]] = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "nodelink": ("application/json", "json"),
}

LIST_SEPARATOR = "; "


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(str(v) for v in items)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _scalar(v) for k, v in data.items() if v is not None}


def scalar_copy(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` whose graph, node and edge attributes are all scalars."""
    H = G.__class__()
    H.graph.update(_scalars(G.graph))
    H.add_nodes_from((n, _scalars(d)) for n, d in G.nodes(data=True))
    if isinstance(G, nx.MultiGraph) and isinstance(H, nx.MultiGraph):
        for u, v, k, d in G.edges(keys=True, data=True):
            H.add_edge(u, v, key=k, **_scalars(d))
    else:
        H.add_edges_from((u, v, _scalars(d)) for u, v, d in G.edges(data=True))
    return H


def edge_ids(G: nx.Graph) -> nx.Graph:
    """A scalar copy of ``G`` whose edges carry unique ``id`` attributes (``e0``, ``e1``, ... in edge order)."""
    H = scalar_copy(G)
    for i, (*_, data) in enumerate(H.edges(data=True)):
        data["id"] = f"e{i}"
    return H


def keyed_by_id(G: nx.Graph) -> nx.Graph:
    """For GraphML, which writes a multigraph edge's key as its id: ``edge_ids(G)`` with each edge keyed by its
    id (its own key kept as the ``key`` attribute).  A simple graph's edges are written without ids."""
    H = edge_ids(G)
    if not isinstance(H, nx.MultiGraph):
        return scalar_copy(G)
    R = H.__class__()
    R.graph.update(H.graph)
    R.add_nodes_from(H.nodes(data=True))
    for u, v, k, d in H.edges(keys=True, data=True):
        attrs = {a: x for a, x in d.items() if a != "id"}
        attrs["key"] = _scalar(k)
        R.add_edge(u, v, key=d["id"])
        R.edges[u, v, d["id"]].update(attrs)   # an attribute named "key" cannot go through add_edge
    return R


def to_graphml(G: nx.Graph) -> bytes:
    """GraphML (yEd, Cytoscape, Gephi, graphology, igraph, networkx.read_graphml)."""
    return ("\n".join(nx.generate_graphml(keyed_by_id(G))) + "\n").encode("utf-8")


def to_gexf(G: nx.Graph) -> bytes:
    """GEXF 1.2 (Gephi, graphology); the ``id`` attribute becomes each edge's id."""
    return ("\n".join(nx.generate_gexf(edge_ids(G))) + "\n").encode("utf-8")


def to_nodelink(G: nx.Graph) -> bytes:
    """Node-link JSON (d3, networkx.node_link_graph with ``edges="links"``); lists kept as lists."""
    data = nx.node_link_data(G, edges="links")
    return (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


_WRITERS = {"graphml": to_graphml, "gexf": to_gexf, "nodelink": to_nodelink}


def export_graph(G: nx.Graph, fmt: str) -> bytes:
    """``G`` in one of ``GRAPH_FORMATS``."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ConfigError(f"unknown graph format {fmt!r}; choose one of {', '.join(GRAPH_FORMATS)}") from None
    return writer(G)
