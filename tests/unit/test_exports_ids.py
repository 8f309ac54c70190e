"""GraphML and GEXF exports give every edge an id of its own, and two independent readers load them whole."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph  # type: ignore[import-untyped]
import networkx as nx
import pytest

from kb.analysis import knowledge_graph, partner_graph, to_gexf, to_graphml
from kb.store import OxigraphStore

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
PRED = "https://example.org/p/"


def _multigraph() -> nx.MultiDiGraph:
    """Edges keyed by predicate, as the knowledge graph keys them: the same key on many node pairs."""
    G: nx.MultiDiGraph = nx.MultiDiGraph(name="kg")
    G.add_edge("a", "b", key=PRED + "funds", predicate=PRED + "funds", evidence=["g1", "g2"])
    G.add_edge("a", "b", key=PRED + "partners", predicate=PRED + "partners")
    G.add_edge("a", "c", key=PRED + "funds", predicate=PRED + "funds")
    G.add_edge("c", "b", key=PRED + "funds", predicate=PRED + "funds")
    return G


def _edge_ids(data: bytes, tag: str) -> list[str]:
    root = ET.fromstring(data)
    return [e.get("id") or "" for e in root.iter() if e.tag.endswith(tag)]


def test_graphml_edges_of_a_multigraph_have_unique_ids() -> None:
    data = to_graphml(_multigraph())
    ids = _edge_ids(data, f"{GRAPHML}edge")
    assert len(ids) == 4 and len(set(ids)) == 4 and all(ids)
    back = nx.read_graphml(io.BytesIO(data))
    assert back.number_of_edges() == 4
    # the key the graph had (here the predicate) is kept as an attribute
    keys = sorted(d["key"] for _, _, d in back.edges(data=True))
    assert keys == [PRED + "funds"] * 3 + [PRED + "partners"]
    assert {d["evidence"] for _, _, d in back.edges(data=True) if "evidence" in d} == {"g1; g2"}


def test_gexf_edges_have_unique_ids() -> None:
    data = to_gexf(_multigraph())
    ids = _edge_ids(data, "}edge")
    assert len(ids) == 4 and len(set(ids)) == 4
    assert nx.read_gexf(io.BytesIO(data)).number_of_edges() == 4


def _igraph_counts(data: bytes, tmp_path: Path) -> tuple[int, int]:
    path = tmp_path / "g.graphml"
    path.write_bytes(data)
    g = igraph.Graph.Read_GraphML(str(path))
    return g.vcount(), g.ecount()


@pytest.mark.parametrize("which", ["partner", "knowledge"])
def test_seed_graphs_load_whole_in_networkx_and_igraph(seed_store: OxigraphStore, which: str,
                                                       tmp_path: Path) -> None:
    G = partner_graph(seed_store) if which == "partner" else knowledge_graph(seed_store)
    assert G.number_of_edges() > 10
    graphml = to_graphml(G)
    gexf = to_gexf(G)
    if G.is_multigraph():
        ids = _edge_ids(graphml, f"{GRAPHML}edge")
        assert len(set(ids)) == len(ids) == G.number_of_edges()
    gexf_ids = _edge_ids(gexf, "}edge")
    assert len(set(gexf_ids)) == len(gexf_ids) == G.number_of_edges()
    for back in (nx.read_graphml(io.BytesIO(graphml)), nx.read_gexf(io.BytesIO(gexf))):
        assert (back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    assert _igraph_counts(graphml, tmp_path) == (G.number_of_nodes(), G.number_of_edges())
