"""Centrality, ego networks and the explorer's view on generated graphs of the partner graph's shape.

The partner graph joins organisations that share a thing (a project, an evaluation...): each thing ties
two to five organisations, drawn with a heavily skewed popularity, so that a few hubs touch most of the
graph, as UNDP does in the real one.  The generator is seeded: every run sees the same graphs.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx
import pytest

from kb.analysis import centrality, components, ego, ego_nodes, metrics
from kb.analysis.graphs import OrgInfo
from kb.analysis.metrics import betweenness, pagerank
from kb.errors import ConfigError, NotFound
from kb.store import OxigraphStore
from kb.views import explorer
from kb.views.explorer import MORE_NODE, Filters, explore, explore_graph, view_of

BASE = "https://example.org/"
KINDS = ("project", "evaluation", "recommendation", "agreement")


def partner_like(nodes: int, things: int, seed: int) -> nx.Graph:
    """Organisations ``o0000``... (the lower the number, the more popular) tied by ``things`` shared things."""
    rnd = random.Random(seed)
    names = [f"{BASE}org/o{i:04d}" for i in range(nodes)]
    popularity = [1 / (i + 1) for i in range(nodes)]
    G: nx.Graph[str] = nx.Graph(name="partners")
    for i, n in enumerate(names):
        G.add_node(n, label=f"Organisation {i:04d}", acronym=f"O{i}" if i % 4 == 0 else None,
                   org_type=("ngo", "unit", "un-agency", None)[i % 4], country=None, parent=None,
                   unit=i % 4 == 1, members=[])
    for t in range(things):
        kind = rnd.choice(KINDS)
        members = sorted(set(rnd.choices(range(nodes), popularity, k=rnd.choice((2, 2, 2, 2, 3, 3, 4, 5)))))
        thing = f"{BASE}{kind}/t{t:05d}"
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                u, v = names[a], names[b]
                if G.has_edge(u, v):
                    d = G[u][v]
                    d["things"].append(thing)
                    d["weight"] += 1
                    d["kinds"] = sorted({*d["kinds"], kind})
                else:
                    G.add_edge(u, v, kinds=[kind], weight=1, things=[thing], evidence=[f"doc-{t}.txt"])
    return G


def top_rank_correlation(exact: dict[str, float], estimate: dict[str, float], top: int = 20) -> float:
    """Spearman's rank correlation between the exact and estimated order of the exact ``top`` nodes."""
    best = sorted(exact, key=lambda n: (-exact[n], n))[:top]
    by_estimate = sorted(best, key=lambda n: (-estimate[n], n))
    d2 = sum((i - by_estimate.index(n)) ** 2 for i, n in enumerate(best))
    return 1 - 6 * d2 / (top * (top * top - 1))


# ------------------------------------------------------------------------------------ betweenness


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_betweenness_is_networkx_betweenness(seed: int) -> None:
    G = nx.gnm_random_graph(150, 300 + 150 * seed, seed=seed)
    G.add_edges_from([(1000, 1001), (1001, 1002), (7, 7)])     # a second component and a self-loop
    G.add_node(2000)                                           # an isolated node
    G = nx.relabel_nodes(G, {i: f"n{i:04d}" for i in G})
    expected = nx.betweenness_centrality(G)
    found = betweenness(G)
    assert found.keys() == expected.keys()
    assert all(found[n] == pytest.approx(expected[n], abs=1e-12) for n in G)
    assert max(found.values()) > 0.01


def test_betweenness_reads_directed_and_multigraphs_as_undirected_simple_graphs() -> None:
    D = nx.gnm_random_graph(80, 200, seed=4, directed=True)
    expected = nx.betweenness_centrality(nx.Graph(D.to_undirected()))
    assert betweenness(D) == pytest.approx(expected, abs=1e-12)
    M: nx.MultiGraph[int] = nx.MultiGraph(nx.path_graph(5))
    M.add_edge(1, 2)                    # a second tie between 1 and 2 changes no shortest path count
    assert betweenness(M) == pytest.approx(nx.betweenness_centrality(nx.path_graph(5)), abs=1e-12)


def test_components_read_directed_graphs_as_undirected() -> None:
    D: nx.MultiDiGraph[str] = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("c", "d"), ("e", "d")])
    D.add_node("f")
    assert components(D) == [["c", "d", "e"], ["a", "b"], ["f"]]
    G = partner_like(300, 400, seed=2)
    assert components(G) == sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))


def test_centrality_below_the_threshold_is_exact() -> None:
    G = partner_like(300, 700, seed=11)
    assert G.number_of_nodes() <= metrics.EXACT_BETWEENNESS_NODES
    c = centrality(G)
    exact = nx.betweenness_centrality(G)
    degree = nx.degree_centrality(G)
    for n in G:
        assert c[n]["betweenness"] == pytest.approx(exact[n], abs=1e-12)
        assert c[n]["degree"] == pytest.approx(degree[n], abs=1e-15)
        assert c[n]["neighbours"] == G.degree(n)
    assert sum(s["pagerank"] for s in c.values()) == pytest.approx(1.0, abs=1e-9)


def test_centrality_above_the_threshold_is_a_repeatable_estimate_close_to_exact(
        monkeypatch: pytest.MonkeyPatch) -> None:
    G = partner_like(600, 2500, seed=1)
    exact = nx.betweenness_centrality(G)
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS_NODES", 500)
    monkeypatch.setattr(metrics, "BETWEENNESS_PIVOTS", 100)
    first, again = centrality(G), centrality(G)
    assert first == again                                      # the same sources every time
    estimate = {n: s["betweenness"] for n, s in first.items()}
    assert estimate != pytest.approx(exact, abs=1e-9)          # an estimate indeed, not the exact value
    assert top_rank_correlation(exact, estimate) >= 0.9
    hub = max(exact, key=lambda n: exact[n])
    assert estimate[hub] == pytest.approx(exact[hub], rel=0.15)
    top = sorted(exact, key=lambda n: -exact[n])[:5]
    assert set(top) <= set(sorted(estimate, key=lambda n: -estimate[n])[:10])
    # degree and PageRank are never estimated
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS_NODES", 1000)
    full = centrality(G)
    assert all(first[n]["degree"] == full[n]["degree"] and first[n]["pagerank"] == full[n]["pagerank"] for n in G)
    assert all(full[n]["betweenness"] == pytest.approx(exact[n], abs=1e-12) for n in G)


def test_every_node_a_pivot_is_exact_and_pivots_must_be_positive() -> None:
    G = partner_like(200, 400, seed=3)
    exact = nx.betweenness_centrality(G)
    assert betweenness(G, pivots=10_000) == pytest.approx(exact, abs=1e-12)
    with pytest.raises(ConfigError, match="at least one source"):
        betweenness(G, pivots=0)


@pytest.mark.skipif(tuple(int(x) for x in nx.__version__.split(".")[:2]) < (3, 5),
                    reason="networkx scales sampled betweenness this way from 3.5 on")
def test_sampled_betweenness_is_networkx_estimate_from_the_same_sources() -> None:
    G = partner_like(250, 600, seed=8)
    ordered: nx.Graph[str] = nx.Graph()
    ordered.add_nodes_from(sorted(G))            # networkx samples in node order, ours from the sorted nodes
    ordered.add_edges_from(G.edges)
    expected = nx.betweenness_centrality(ordered, k=40, seed=7)
    assert betweenness(G, pivots=40, seed=7) == pytest.approx(expected, abs=1e-12)


def test_pagerank_sums_parallel_edges() -> None:
    M: nx.MultiGraph[str] = nx.MultiGraph()
    M.add_edges_from([("a", "b", {"weight": 2}), ("a", "b", {"weight": 1}), ("b", "c", {"weight": 1})])
    S = nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1})])
    assert pagerank(M) == pytest.approx(pagerank(S), abs=1e-12)
    assert pagerank(S)["b"] > pagerank(S)["a"] > pagerank(S)["c"]


# ------------------------------------------------------------------------------------ ego networks


def test_ego_copies_the_neighbourhood_and_ego_nodes_only_names_it() -> None:
    G = partner_like(150, 250, seed=5)
    hub = f"{BASE}org/o0000"
    for depth in (1, 2):
        nodes = ego_nodes(G, hub, depth)
        assert nodes == set(nx.ego_graph(G, hub, radius=depth))
        H = ego(G, hub, depth)
        reference = G.subgraph(nodes).copy()
        assert list(H.nodes(data=True)) == list(reference.nodes(data=True))
        assert list(H.edges(data=True)) == list(reference.edges(data=True))
        assert H.graph == {"name": "partners", "center": hub, "depth": depth}
        u, v = next(iter(H.edges))
        H[u][v]["weight"] = -1                   # a copy: the partner graph is left as it was
        assert G[u][v]["weight"] != -1
    assert "center" not in G.graph
    D = nx.DiGraph([("a", "b"), ("c", "a"), ("c", "d")])
    assert ego_nodes(D, "a", 1) == {"a", "b", "c"} and sorted(ego(D, "a", 2)) == ["a", "b", "c", "d"]
    with pytest.raises(ConfigError, match="1 or 2"):
        ego_nodes(G, hub, 3)
    with pytest.raises(NotFound):
        ego_nodes(G, f"{BASE}org/nobody", 1)


# ------------------------------------------------------------------------------------ explorer


def _drawn(view: Any) -> list[str]:
    return [n["id"] for n in view.nodes if n["id"] != MORE_NODE]


@pytest.mark.parametrize("cap", [8, 40, 500])
def test_the_view_of_a_part_is_the_view_of_its_copy(cap: int) -> None:
    G = partner_like(150, 300, seed=6)
    ranks = pagerank(G)
    center = f"{BASE}org/o0007"
    for depth in (1, 2):
        nodes = ego_nodes(G, center, depth)
        H = ego(G, center, depth)
        part = view_of(G, BASE, cap, Filters(), center, nodes=nodes, ranks=ranks)
        copied = view_of(H, BASE, cap, Filters(), center, ranks=ranks)
        assert part.nodes == copied.nodes and part.edges == copied.edges
        assert (part.total_nodes, part.total_edges) == (H.number_of_nodes(), H.number_of_edges())
        drawn = _drawn(part)
        assert center in drawn and len(part.nodes) == min(cap, len(nodes))
        inner = H.subgraph(drawn)
        ties = [(e["from"], e["to"]) for e in part.edges if e["to"] != MORE_NODE]
        assert len(ties) == min(inner.number_of_edges(), explorer.TIES_PER_NODE * cap)
        assert all(inner.has_edge(a, b) and a < b for a, b in ties)
        for node in part.nodes:
            if node["id"] != MORE_NODE:
                assert node["info"]["partners"] == H.degree(node["id"])     # partners in the graph drawn
        folded = set(H) - set(drawn)
        to_more = {e["from"]: e["title"] for e in part.edges if e["to"] == MORE_NODE}
        for n in drawn:
            weight = sum(d["weight"] for m, d in H[n].items() if m in folded)
            assert (n in to_more) == bool(weight)
            if weight:
                assert to_more[n] == f"ties to folded organisations: weight {weight:g}"


def _memo(G: nx.Graph, computed: list[Hashable]) -> Callable[[Hashable, Callable[[], Any]], Any]:
    """A memo that stands the generated graph in for the store's partner graph and records what it computed."""
    kept: dict[Hashable, Any] = {
        "organisations": {n: OrgInfo(n, d["label"], d["acronym"], d["org_type"], is_unit=d["unit"],
                                     names={d["label"]}) for n, d in G.nodes(data=True)}}

    def memo(key: Hashable, compute: Callable[[], Any]) -> Any:
        if key not in kept:
            computed.append(key)
            is_graph = isinstance(key, tuple) and key[0] == "partner-graph"
            kept[key] = G if is_graph else compute()
        return kept[key]

    return memo


def test_explorer_pages_read_the_cached_graph_without_copying_or_ranking_it_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    G = partner_like(400, 1200, seed=9)
    ranks = pagerank(G)
    computed: list[Hashable] = []
    memo = _memo(G, computed)
    store = OxigraphStore(None)
    ranked: list[int] = []

    def counted(g: nx.Graph) -> dict[str, float]:
        ranked.append(g.number_of_nodes())
        return pagerank(g)

    monkeypatch.setattr(explorer, "pagerank", counted)
    whole = explore(store, Filters(), BASE, 50, memo)
    assert ranked == [G.number_of_nodes()] and whole.total_nodes == G.number_of_nodes()

    def no_copy(self: nx.Graph, as_view: bool = False) -> nx.Graph:
        raise AssertionError("the explorer copied a graph")

    monkeypatch.setattr(nx.Graph, "copy", no_copy)
    hub, other = f"{BASE}org/o0000", f"{BASE}org/o0031"
    for org, depth in ((hub, "2"), (other, "1"), (other, "2"), (f"{BASE}org/o0170", "2")):
        view = explore(store, Filters.parse(org=org, depth=depth), BASE, 50, memo)
        nodes = ego_nodes(G, org, int(depth))
        assert view.center == org and view.total_nodes == len(nodes)
        assert view.total_edges == G.subgraph(nodes).number_of_edges()
        # ranked by PageRank in the whole partner graph; over the cap of 50, the 49 most central are drawn,
        # the centre among them (o0170 is the 82nd of its ego graph)
        order = sorted(nodes, key=lambda n: (-ranks[n], G.nodes[n]["label"], n))
        if len(order) <= 50:
            assert _drawn(view) == order and view.aggregated == 0
        else:
            kept = order[:49] if org in order[:49] else [org, *order[:48]]
            assert _drawn(view) == kept and view.nodes[-1]["id"] == MORE_NODE and view.aggregated == len(nodes) - 49
        centre = next(n for n in view.nodes if n["id"] == org)
        assert f"PageRank {ranks[org]:.3f}" in centre["title"] and centre["borderWidth"] == 4
    typed = explore(store, Filters.parse(org=other, depth="2", types=["ngo"]), BASE, 50, memo)
    assert {G.nodes[n]["org_type"] for n in _drawn(typed) if n != other} == {"ngo"}
    graph, center = explore_graph(store, Filters.parse(org=other, depth="1"), memo)
    assert center == other and set(graph) == ego_nodes(G, other, 1)
    assert ranked == [G.number_of_nodes()]      # the graph was ranked once, for the first page
    assert sum(1 for key in computed if isinstance(key, tuple) and key[0] == "partner-graph") == 1
    assert sum(1 for key in computed if isinstance(key, tuple) and key[0] == "pagerank") == 1


def test_dense_views_draw_the_strongest_ties_only(monkeypatch: pytest.MonkeyPatch) -> None:
    G = partner_like(60, 1500, seed=12)
    ranks = pagerank(G)
    cap = 20
    center = sorted(G, key=lambda n: (ranks[n], n))[30]          # a middling node: forced in as the centre
    nodes = ego_nodes(G, center, 2)
    view = view_of(G, BASE, cap, Filters(), center, nodes=nodes, ranks=ranks)
    drawn = _drawn(view)
    among = G.subgraph(drawn)
    ties = {frozenset((e["from"], e["to"])) for e in view.edges if e["to"] != MORE_NODE}
    limit = explorer.TIES_PER_NODE * cap
    assert among.number_of_edges() > limit and len(ties) == limit
    assert {frozenset((center, m)) for m in among[center]} <= ties          # every tie of the centre
    assert all(any(n in t for t in ties) for n in drawn if among.degree(n))  # each node keeps a tie
    order = sorted(among.edges(data=True), key=lambda e: (-e[2]["weight"], *sorted(e[:2])))
    assert {frozenset(e[:2]) for e in order[:2 * cap + 1]} <= ties          # then the strongest
    assert sum(view.tie_legend[i].count for i in range(len(view.tie_legend))) == limit
    assert f"the {limit:,} strongest are drawn" in view.notes[-1]
    assert view.total_edges == G.subgraph(nodes).number_of_edges()
    # the GraphML of the view holds the ties drawn, no more
    computed: list[Hashable] = []
    data = explorer.view_graphml(OxigraphStore(None), Filters.parse(org=center, depth="2"), BASE, cap,
                                 _memo(G, computed))
    back = nx.read_graphml(io.BytesIO(data))
    assert sorted(back.nodes) == sorted(drawn) and {frozenset(e) for e in back.edges} == ties
