"""Analyses on the graphs of ``kb.analysis.graphs``: centrality, communities, components, paths, ego networks.

Every result is sorted (by value, then label, then node IRI) so that it is the
same whatever order the store returned rows in.  Directed graphs (the
knowledge graph) are read as undirected for components, paths and ego networks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kb.errors import ConfigError, NotFound

#: PageRank damping factor
PAGERANK_ALPHA = 0.85
#: most shortest paths enumerated before sorting and cutting to ``limit``
_PATH_SCAN = 500


def _label(G: nx.Graph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def _undirected(G: nx.Graph) -> nx.Graph:
    return G.to_undirected(as_view=True) if G.is_directed() else G


def pagerank(G: nx.Graph, alpha: float = PAGERANK_ALPHA, weight: str = "weight", tol: float = 1e-12,
             max_iter: int = 1000) -> dict[str, float]:
    """PageRank by power iteration, as ``networkx.pagerank`` defines it (uniform teleport, dangling
    nodes spread evenly, an undirected edge counted both ways, parallel edges summed), without SciPy."""
    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    out: dict[str, dict[str, float]] = {u: {} for u in nodes}
    for u, v, d in G.edges(data=True):
        w = float(d.get(weight, 1))
        out[u][v] = out[u].get(v, 0.0) + w
        if not G.is_directed() and u != v:
            out[v][u] = out[v].get(u, 0.0) + w
    totals = {u: sum(out[u].values()) for u in nodes}
    x = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(x[u] for u in nodes if not totals[u])
        nxt = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling / n)
        for u in nodes:
            if totals[u]:
                share = alpha * x[u] / totals[u]
                for v, w in out[u].items():
                    nxt[v] += share * w
        err = sum(abs(nxt[u] - x[u]) for u in nodes)
        x = nxt
        if err < n * tol:
            break
    return x


#: graphs up to this many nodes get exact betweenness; larger ones an estimate from sampled sources
EXACT_BETWEENNESS_NODES = 1000
#: sources sampled (with a fixed seed, so results repeat) for the betweenness of larger graphs
BETWEENNESS_PIVOTS = 256


def centrality(G: nx.Graph, pivots: int | None = None) -> dict[str, dict[str, Any]]:
    """Per node: ``label``, ``neighbours`` (count), ``degree`` (normalised degree centrality),
    ``betweenness`` (normalised, shortest paths counted in hops) and ``pagerank`` (weighted by ``weight``).

    Exact betweenness costs a breadth-first search from every node (113 s for 3,947 nodes and 44,114
    edges), so above ``EXACT_BETWEENNESS_NODES`` nodes it is estimated from ``pivots`` sources
    (default ``BETWEENNESS_PIVOTS``) chosen with a fixed seed (Brandes and Pich, 2007).
    """
    if G.number_of_nodes() == 0:
        return {}
    U = _undirected(G)
    simple: nx.Graph[str] = nx.Graph(U)
    degree = nx.degree_centrality(simple)
    n = simple.number_of_nodes()
    if pivots is None:
        pivots = n if n <= EXACT_BETWEENNESS_NODES else BETWEENNESS_PIVOTS
    if pivots >= n:
        betweenness = nx.betweenness_centrality(simple, normalized=True)
    else:
        betweenness = nx.betweenness_centrality(simple, k=pivots, normalized=True, seed=42)
    ranks = pagerank(G)
    return {n: {"label": _label(G, n), "neighbours": simple.degree(n), "degree": degree[n],
                "betweenness": betweenness[n], "pagerank": ranks[n]}
            for n in G.nodes}


def centrality_rows(G: nx.Graph, top: int | None = None, digits: int = 6) -> list[dict[str, Any]]:
    """``centrality`` as rows, highest PageRank first, values rounded to ``digits``."""
    scores = centrality(G)
    out = [{"node": n, "label": s["label"], "neighbours": s["neighbours"], "degree": round(s["degree"], digits),
            "betweenness": round(s["betweenness"], digits), "pagerank": round(s["pagerank"], digits)}
           for n, s in scores.items()]
    out.sort(key=lambda r: (-r["pagerank"], -r["degree"], r["label"], r["node"]))
    return out[:top] if top is not None else out


def _sorted_groups(groups: list[set[str]] | list[list[str]]) -> list[list[str]]:
    out = [sorted(g) for g in groups]
    out.sort(key=lambda g: (-len(g), g[0] if g else ""))
    return out


def communities(G: nx.Graph, seed: int = 42, resolution: float = 1.0) -> list[list[str]]:
    """Louvain communities (networkx's own, by ``weight``, fixed ``seed``), largest first."""
    if G.number_of_nodes() == 0:
        return []
    U = _collapse(G) if G.is_multigraph() or G.is_directed() else G
    found = nx.community.louvain_communities(U, weight="weight", resolution=resolution, seed=seed)
    return _sorted_groups(found)


def _collapse(G: nx.Graph) -> nx.Graph:
    """A simple undirected graph with the parallel edges of ``G`` summed into ``weight``."""
    H: nx.Graph[str] = nx.Graph()
    H.add_nodes_from(sorted(G.nodes))
    for u, v, data in sorted(G.edges(data=True), key=lambda e: (e[0], e[1])):
        a, b = sorted((u, v))
        if a == b:
            continue
        w = data.get("weight", 1)
        if H.has_edge(a, b):
            H[a][b]["weight"] += w
        else:
            H.add_edge(a, b, weight=w)
    return H


def components(G: nx.Graph) -> list[list[str]]:
    """Connected components (weakly connected for directed graphs), largest first."""
    return _sorted_groups(list(nx.connected_components(nx.Graph(_undirected(G)))))


@dataclass
class Step:
    """One hop of a path, with what links the two ends."""

    source: str
    target: str
    kinds: list[str]
    evidence: list[str]
    things: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "kinds": self.kinds, "evidence": self.evidence,
                "things": self.things}


@dataclass
class Path:
    """A shortest path between two nodes and the chain of evidence along it."""

    nodes: list[str]
    labels: list[str]
    steps: list[Step]

    @property
    def length(self) -> int:
        return len(self.steps)

    def to_json(self) -> dict[str, Any]:
        return {"length": self.length, "nodes": self.nodes, "labels": self.labels,
                "steps": [s.to_json() for s in self.steps]}


def _step(G: nx.Graph, a: str, b: str) -> Step:
    datas: list[dict[str, Any]] = []
    for u, v in ((a, b), (b, a)):
        if not G.has_edge(u, v):
            continue
        if G.is_multigraph():
            datas.extend(G[u][v].values())
        else:
            datas.append(G[u][v])
        if not G.is_directed():
            break
    kinds: set[str] = set()
    evidence: set[str] = set()
    things: set[str] = set()
    for d in datas:
        kinds.update(d.get("kinds") or ([d["predicate"]] if d.get("predicate") else []))
        evidence.update(d.get("evidence") or ())
        things.update(d.get("things") or ())
    return Step(a, b, sorted(kinds), sorted(evidence), sorted(things))


def paths(G: nx.Graph, a: str, b: str, limit: int = 10) -> list[Path]:
    """The shortest paths (in hops) from ``a`` to ``b``, each with its steps' kinds and evidence.

    Sorted by the labels along them; at most ``limit``; empty when ``a`` and ``b`` are not connected.
    """
    for n in (a, b):
        if n not in G:
            raise NotFound(f"{n} is not in the graph")
    if limit < 1:
        raise ConfigError("the number of paths must be at least 1")
    U = _undirected(G)
    try:
        found = list(itertools.islice(nx.all_shortest_paths(U, a, b), _PATH_SCAN))
    except nx.NetworkXNoPath:
        return []
    found.sort(key=lambda p: ([_label(G, n) for n in p], p))
    return [Path(list(p), [_label(G, n) for n in p], [_step(G, x, y) for x, y in itertools.pairwise(p)])
            for p in found[:limit]]


def ego(G: nx.Graph, node: str, depth: int = 1) -> nx.Graph:
    """The neighbourhood of ``node`` up to ``depth`` hops (1 or 2), with every edge among its nodes."""
    if depth not in (1, 2):
        raise ConfigError(f"ego network depth must be 1 or 2, got {depth}")
    if node not in G:
        raise NotFound(f"{node} is not in the graph")
    # breadth-first on a view: nx.ego_graph(undirected=True) would copy the whole graph first
    around = G.to_undirected(as_view=True) if G.is_directed() else G
    H = G.subgraph(nx.single_source_shortest_path_length(around, node, cutoff=depth)).copy()
    H.graph.update(center=node, depth=depth)
    return H


def summary(G: nx.Graph) -> dict[str, Any]:
    """Counts that describe a graph: nodes, edges, components, isolated nodes, density."""
    n = G.number_of_nodes()
    return {"name": G.graph.get("name"), "nodes": n, "edges": G.number_of_edges(),
            "components": len(components(G)) if n else 0, "isolated": nx.number_of_isolates(G),
            "density": round(nx.density(G), 6) if n > 1 else 0.0}
