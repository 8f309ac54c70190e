"""Analyses on the graphs of ``kb.analysis.graphs``: centrality, communities, components, paths, ego networks.

Every result is sorted (by value, then label, then node IRI) so that it is the
same whatever order the store returned rows in.  Directed graphs (the
knowledge graph) are read as undirected for components, paths and ego networks.
PageRank and betweenness run over numpy arrays of the graph; betweenness is
exact up to ``EXACT_BETWEENNESS_NODES`` nodes and a seeded estimate above.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

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
    nodes spread evenly, an undirected edge counted both ways, parallel edges summed), without SciPy.

    Each iteration is one weighted sum over the edge arrays (numpy), so a graph of 50,000 edges takes
    tens of milliseconds; iteration stops when the ranks move by less than ``tol`` per node.
    """
    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {u: i for i, u in enumerate(nodes)}
    ends: list[int] = []
    weights: list[float] = []
    for u, v, d in G.edges(data=True):
        a, b, value = index[u], index[v], float(d.get(weight, 1))
        ends += (a, b)
        weights.append(value)
        if not G.is_directed() and a != b:
            ends += (b, a)
            weights.append(value)
    pairs = np.array(ends, dtype=np.int64).reshape(-1, 2)
    src, dst, w = pairs[:, 0], pairs[:, 1], np.array(weights, dtype=np.float64)
    totals = np.bincount(src, weights=w, minlength=n)
    dangling = totals == 0
    share = np.divide(w, totals[src], out=np.zeros_like(w), where=totals[src] != 0)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        spread = (1.0 - alpha) / n + alpha * float(x[dangling].sum()) / n
        nxt = spread + alpha * np.bincount(dst, weights=x[src] * share, minlength=n)
        err = float(np.abs(nxt - x).sum())
        x = nxt
        if err < n * tol:
            break
    return {u: float(x[i]) for i, u in enumerate(nodes)}


#: graphs up to this many nodes get exact betweenness; larger ones an estimate from sampled sources
EXACT_BETWEENNESS_NODES = 2000
#: sources sampled (with a fixed seed, so results repeat) for the betweenness of larger graphs
BETWEENNESS_PIVOTS = 512
#: the seed that chooses those sources
BETWEENNESS_SEED = 42


@dataclass
class _Adjacency:
    """A graph's neighbour lists as compressed arrays: the neighbours of node ``i`` are
    ``indices[indptr[i]:indptr[i + 1]]`` (other nodes only, each once, whatever the edge direction)."""

    nodes: list[str]
    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def of(cls, G: nx.Graph) -> _Adjacency:
        U = _undirected(G)
        nodes = list(U.nodes)
        index = {u: i for i, u in enumerate(nodes)}
        lists = [[index[v] for v in U[u] if v != u] for u in nodes]
        indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in lists], out=indptr[1:])
        indices = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(indptr[-1]))
        return cls(nodes, indptr, indices)

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)


def _dependencies(adj: _Adjacency, source: int, degree: np.ndarray) -> np.ndarray:
    """Brandes' dependency of ``source`` on every node (the share of the shortest paths from ``source``
    that pass through it), one breadth-first level at a time over the arrays of ``adj``."""
    n = len(adj.nodes)
    dist = np.full(n, -1, dtype=np.int64)
    sigma = np.zeros(n)
    dist[source], sigma[source] = 0, 1.0
    frontier = np.array([source], dtype=np.int64)
    levels: list[tuple[np.ndarray, np.ndarray]] = []
    depth = 0
    while frontier.size:
        lens = degree[frontier]
        total = int(lens.sum())
        if not total:
            break
        firsts = np.cumsum(lens) - lens
        src = np.repeat(frontier, lens)
        dst = adj.indices[np.repeat(adj.indptr[frontier] - firsts, lens) + np.arange(total)]
        dist[dst[dist[dst] < 0]] = depth + 1
        down = dist[dst] == depth + 1
        src, dst = src[down], dst[down]
        sigma += np.bincount(dst, weights=sigma[src], minlength=n)
        levels.append((src, dst))
        frontier = np.flatnonzero(dist == depth + 1)
        depth += 1
    delta = np.zeros(n)
    for src, dst in reversed(levels):
        delta += np.bincount(src, weights=sigma[src] / sigma[dst] * (1.0 + delta[dst]), minlength=n)
    delta[source] = 0.0
    return delta


def betweenness(G: nx.Graph, pivots: int | None = None, seed: int = BETWEENNESS_SEED) -> dict[str, float]:
    """Normalised betweenness centrality, shortest paths counted in hops, edge directions ignored.

    Brandes' algorithm, each breadth-first search run over numpy arrays.  Up to
    ``EXACT_BETWEENNESS_NODES`` nodes every node is a source and the value is exact (that of
    ``networkx.betweenness_centrality`` on the undirected simple graph).  Larger graphs, or any graph when
    ``pivots`` is below its node count, search from ``pivots`` sources only (default
    ``BETWEENNESS_PIVOTS``), drawn from the sorted nodes by ``random.Random(seed)``, and the value is the
    unbiased estimate from them (Brandes and Pich, 2007, scaled as ``networkx.betweenness_centrality(k=...)``
    scales it): the same estimate on every run.
    """
    adj = _Adjacency.of(G)
    return _betweenness(adj, pivots, seed)


def _betweenness(adj: _Adjacency, pivots: int | None, seed: int) -> dict[str, float]:
    n = len(adj.nodes)
    if pivots is None:
        pivots = n if n <= EXACT_BETWEENNESS_NODES else BETWEENNESS_PIVOTS
    if pivots < 1:
        raise ConfigError(f"betweenness needs at least one source, got {pivots}")
    if n < 3:
        return dict.fromkeys(adj.nodes, 0.0)
    index = {u: i for i, u in enumerate(adj.nodes)}
    if pivots >= n:
        sources = list(range(n))
    else:
        sources = [index[u] for u in random.Random(seed).sample(sorted(adj.nodes), pivots)]
    degree = adj.degree
    total = np.zeros(n)
    for s in sources:
        total += _dependencies(adj, s, degree)
    # every pair is counted from both ends: normalise over the (n - 1)(n - 2) ordered pairs of other nodes
    k = len(sources)
    if k == n:
        scale = np.full(n, 1.0 / ((n - 1) * (n - 2)))
    else:   # a source's own dependencies are never counted: it is scaled over the other k - 1 sources
        scale = np.full(n, 1.0 / (k * (n - 2)))
        scale[sources] = 1.0 / ((k - 1) * (n - 2)) if k > 1 else 0.0
    values = total * scale
    return {u: float(values[i]) for i, u in enumerate(adj.nodes)}


def centrality(G: nx.Graph, pivots: int | None = None) -> dict[str, dict[str, Any]]:
    """Per node: ``label``, ``neighbours`` (other nodes it is tied to, whatever the direction), ``degree``
    (normalised degree centrality, neighbours / (n - 1)), ``betweenness`` (normalised, shortest paths
    counted in hops) and ``pagerank`` (weighted by ``weight``).

    Degree and PageRank are exact.  Betweenness is exact up to ``EXACT_BETWEENNESS_NODES`` nodes and, above
    that, a repeatable estimate from ``BETWEENNESS_PIVOTS`` sources chosen with a fixed seed (``pivots``
    overrides the number): see ``betweenness``.  An exact value for the partner graph of 10,000
    evaluations (3,940 nodes, 48,000 ties) would cost a breadth-first search from every node.
    """
    if G.number_of_nodes() == 0:
        return {}
    adj = _Adjacency.of(G)
    n = len(adj.nodes)
    neighbours = adj.degree
    degree = neighbours / (n - 1) if n > 1 else np.ones(n)
    between = _betweenness(adj, pivots, BETWEENNESS_SEED)
    ranks = pagerank(G)
    return {u: {"label": _label(G, u), "neighbours": int(neighbours[i]), "degree": float(degree[i]),
                "betweenness": between[u], "pagerank": ranks[u]}
            for i, u in enumerate(adj.nodes)}


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
    return _sorted_groups(list(nx.connected_components(_undirected(G))))


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


def ego_nodes(G: nx.Graph, node: str, depth: int = 1) -> set[str]:
    """The nodes within ``depth`` hops (1 or 2) of ``node``, itself included, edge directions ignored.

    A breadth-first search that reads only the neighbours of the nodes it reaches, nothing else of ``G``.
    """
    if depth not in (1, 2):
        raise ConfigError(f"ego network depth must be 1 or 2, got {depth}")
    if node not in G:
        raise NotFound(f"{node} is not in the graph")
    around = G.to_undirected(as_view=True) if G.is_directed() else G
    return set(nx.single_source_shortest_path_length(around, node, cutoff=depth))


def ego(G: nx.Graph, node: str, depth: int = 1) -> nx.Graph:
    """The neighbourhood of ``node`` up to ``depth`` hops (1 or 2), with every edge among its nodes: a new
    graph (attributes copied, nodes and edges in the order of ``G``), ``center`` and ``depth`` in its
    ``graph`` attributes.  To read an ego network without copying it, take ``ego_nodes`` and
    ``G.subgraph(nodes)``."""
    keep = ego_nodes(G, node, depth)
    if G.is_directed() or G.is_multigraph():
        H = G.subgraph(keep).copy()
    else:   # copied straight from the adjacency: a filtered view's copy walks every edge through the filter
        H = G.__class__()
        H.graph.update(G.graph)
        order = [n for n in G if n in keep]
        H.add_nodes_from((n, G.nodes[n]) for n in order)
        adj = G.adj
        done: set[str] = set()
        edges: list[tuple[str, str, dict[str, Any]]] = []
        for u in order:
            edges.extend((u, v, d) for v, d in adj[u].items() if v in keep and v not in done)
            done.add(u)
        H.add_edges_from(edges)
    H.graph.update(center=node, depth=depth)
    return H


def summary(G: nx.Graph) -> dict[str, Any]:
    """Counts that describe a graph: nodes, edges, components, isolated nodes, density."""
    n = G.number_of_nodes()
    return {"name": G.graph.get("name"), "nodes": n, "edges": G.number_of_edges(),
            "components": len(components(G)) if n else 0, "isolated": nx.number_of_isolates(G),
            "density": round(nx.density(G), 6) if n > 1 else 0.0}
