"""`makb analyze ...` and the graph formats of `makb export`, end to end on the seed KB."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest

from cli.main import main
from kb.analysis import knowledge_graph, partner_graph
from kb.store import OxigraphStore
from tests.support.makb import MakbRunner


def test_scorecard_table_and_json(seed_store_dir: Path, runner: MakbRunner) -> None:
    code, out, err = runner("analyze", "scorecard", "--as-of", "2021-01-01", store=seed_store_dir)
    assert code == 0, err
    assert out.startswith("commitments by org, as of 2021-01-01")
    [undp] = [line for line in out.splitlines() if line.startswith("UNDP ")]
    assert "Completed 4" in undp and "No Longer Applicable 2" in undp and "Not Initiated 1" in undp
    assert "UNDP: 4.1 due 2020-12-31 (Not Initiated)" in out
    code, out, _ = runner("analyze", "scorecard", "--by", "unit", "--as-of", "2021-01-01",
                       "--json", store=seed_store_dir)
    data = json.loads(out)
    assert data["by"] == "unit" and data["as_of"] == "2021-01-01"
    units = {r["label"]: r for r in data["rows"]}
    assert units["UNDP Tajikistan Country Office"]["actions"] == 6
    assert units["UNDP Headquarters, Crisis Bureau"]["people"] == ["Olaf Juergensen"]


def test_partners_centrality_communities_components(seed_store_dir: Path, runner: MakbRunner) -> None:
    code, out, _ = runner("analyze", "partners", "--rollup", "--json", store=seed_store_dir)
    assert code == 0
    data = json.loads(out)
    pairs = {frozenset((e["source"].rsplit("/", 1)[-1], e["target"].rsplit("/", 1)[-1])) for e in data["edges"]}
    assert {frozenset(("anama", "undp")), frozenset(("iom", "ciraq")), frozenset(("undp", "tnmac"))} <= pairs
    assert data["summary"]["nodes"] == len(data["nodes"])
    code, out, _ = runner("analyze", "partners", "--kinds", "agreement", store=seed_store_dir)
    assert code == 0 and out.startswith("partners: 2 nodes, 1 edges") and "agreement" in out
    code, out, _ = runner("analyze", "centrality", "--rollup", "--top", "2", store=seed_store_dir)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4 and lines[2].split()[:2] == ["1", "UNDP"]
    code, out, _ = runner("analyze", "communities", "--rollup", "--json", "--seed", "3", store=seed_store_dir)
    groups = json.loads(out)
    assert code == 0 and sum(len(g) for g in groups) == len(data["nodes"])
    code, out, _ = runner("analyze", "components", "--graph", "partners-rollup", store=seed_store_dir)
    assert code == 0 and out.startswith("1 connected components")


def test_path_and_ego(seed_store_dir: Path, runner: MakbRunner) -> None:
    code, out, err = runner("analyze", "path", "UNITAR", "ANAMA", "--rollup", store=seed_store_dir)
    assert code == 0, err
    assert out.splitlines()[0] == "path 1 (2 steps): UNITAR - UNDP - ANAMA"
    assert "[001_47ac0c33fd8ef360.txt]" in out and "[002_f7a1618a2c1dab11.txt]" in out
    code, out, _ = runner("analyze", "path", "CWM", "ANAMA", store=seed_store_dir)
    assert code == 0 and out.strip() == "CWM and ANAMA are not connected"
    code, out, _ = runner("analyze", "ego", "Tajikistan National Mine Action Centre",
                       "--rollup", "--depth", "2", "--json", store=seed_store_dir)
    data = json.loads(out)
    assert code == 0 and data["center"].endswith("/org/tnmac")
    distances = {n["id"].rsplit("/", 1)[-1]: n["distance"] for n in data["nodes"]}
    assert distances["tnmac"] == 0 and distances["undp"] == 1 and distances["anama"] == 2


def test_user_errors_are_one_line(seed_store_dir: Path, runner: MakbRunner) -> None:
    code, out, err = runner("analyze", "path", "UNITAR", "UNITR", store=seed_store_dir)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("makb: error: no organisation or unit called 'UNITR'")
    assert "UNITAR" in err and "Traceback" not in err
    code, _, err = runner("analyze", "scorecard", "--as-of", "01/01/2021", store=seed_store_dir)
    assert code == 2 and err.count("\n") == 1 and "YYYY-MM-DD" in err
    code, _, err = runner("analyze", "centrality", "--kinds", "friendship", store=seed_store_dir)
    assert code == 2 and "unknown tie kind friendship" in err
    code, _, err = runner("analyze", "ego", "UNITAR", "--graph", "kg", "--rollup", store=seed_store_dir)
    assert code == 2 and "partner graph only" in err
    code, _, err = runner("analyze", "path", "UNITAR", "ANAMA", store=seed_store_dir)   # UNITAR's units have ties
    assert code == 1 and err.startswith("makb: error: UNITAR (United Nations Institute for Training and Research) "
                                        "has no ties in this graph; its units CWM, PPME have")
    with pytest.raises(SystemExit) as exc:
        main(["--store", str(seed_store_dir), "analyze", "ego", "UNITAR", "--depth", "3"])
    assert exc.value.code == 2


def test_export_graph_formats(seed_store_dir: Path, runner: MakbRunner, tmp_path: Path) -> None:
    store = OxigraphStore(seed_store_dir)
    try:
        partners, kg = partner_graph(store), knowledge_graph(store)
    finally:
        store.close()
    out = tmp_path / "partners.graphml"
    code, _, err = runner("export", "--format", "graphml", "--graph", "partners",
                       "--out", str(out), store=seed_store_dir)
    assert code == 0, err
    back = nx.read_graphml(out)
    assert (back.number_of_nodes(), back.number_of_edges()) == (partners.number_of_nodes(), partners.number_of_edges())
    code, text, _ = runner("export", "--format", "graphml", "--graph", "kg", store=seed_store_dir)
    back = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert (back.number_of_nodes(), back.number_of_edges()) == (kg.number_of_nodes(), kg.number_of_edges())
    code, text, _ = runner("export", "--format", "gexf", "--graph", "partners-rollup", store=seed_store_dir)
    assert code == 0 and nx.read_gexf(io.BytesIO(text.encode("utf-8"))).has_edge(
        "https://w3id.org/makb/id/org/undp", "https://w3id.org/makb/id/org/tnmac")
    code, text, _ = runner("export", "--format", "nodelink", store=seed_store_dir)
    assert code == 0 and len(json.loads(text)["nodes"]) == partners.number_of_nodes()
    code, _, err = runner("export", "--format", "gexf", "--graph", "people", store=seed_store_dir)
    assert code == 2 and "partners, partners-rollup, kg" in err
