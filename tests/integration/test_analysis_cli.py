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


def run(capsys: pytest.CaptureFixture[str], store: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--store", str(store), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_scorecard_table_and_json(seed_store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, seed_store_dir, "analyze", "scorecard", "--as-of", "2021-01-01")
    assert code == 0, err
    assert out.startswith("commitments by org, as of 2021-01-01")
    [undp] = [line for line in out.splitlines() if line.startswith("UNDP ")]
    assert "Completed 4" in undp and "No Longer Applicable 2" in undp and "Not Initiated 1" in undp
    assert "UNDP: 4.1 due 2020-12-31 (Not Initiated)" in out
    code, out, _ = run(capsys, seed_store_dir, "analyze", "scorecard", "--by", "unit", "--as-of", "2021-01-01",
                       "--json")
    data = json.loads(out)
    assert data["by"] == "unit" and data["as_of"] == "2021-01-01"
    units = {r["label"]: r for r in data["rows"]}
    assert units["UNDP Tajikistan Country Office"]["actions"] == 6
    assert units["UNDP Headquarters, Crisis Bureau"]["people"] == ["Olaf Juergensen"]


def test_partners_centrality_communities_components(seed_store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, seed_store_dir, "analyze", "partners", "--rollup", "--json")
    assert code == 0
    data = json.loads(out)
    pairs = {frozenset((e["source"].rsplit("/", 1)[-1], e["target"].rsplit("/", 1)[-1])) for e in data["edges"]}
    assert {frozenset(("anama", "undp")), frozenset(("iom", "ciraq")), frozenset(("undp", "tnmac"))} <= pairs
    assert data["summary"]["nodes"] == len(data["nodes"])
    code, out, _ = run(capsys, seed_store_dir, "analyze", "partners", "--kinds", "agreement")
    assert code == 0 and out.startswith("partners: 2 nodes, 1 edges") and "agreement" in out
    code, out, _ = run(capsys, seed_store_dir, "analyze", "centrality", "--rollup", "--top", "2")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4 and lines[2].split()[:2] == ["1", "UNDP"]
    code, out, _ = run(capsys, seed_store_dir, "analyze", "communities", "--rollup", "--json", "--seed", "3")
    groups = json.loads(out)
    assert code == 0 and sum(len(g) for g in groups) == len(data["nodes"])
    code, out, _ = run(capsys, seed_store_dir, "analyze", "components", "--graph", "partners-rollup")
    assert code == 0 and out.startswith("1 connected components")


def test_path_and_ego(seed_store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, seed_store_dir, "analyze", "path", "UNITAR", "ANAMA", "--rollup")
    assert code == 0, err
    assert out.splitlines()[0] == "path 1 (2 steps): UNITAR - UNDP - ANAMA"
    assert "[001_47ac0c33fd8ef360.txt]" in out and "[002_f7a1618a2c1dab11.txt]" in out
    code, out, _ = run(capsys, seed_store_dir, "analyze", "path", "CWM", "ANAMA")
    assert code == 0 and out.strip() == "CWM and ANAMA are not connected"
    code, out, _ = run(capsys, seed_store_dir, "analyze", "ego", "Tajikistan National Mine Action Centre",
                       "--rollup", "--depth", "2", "--json")
    data = json.loads(out)
    assert code == 0 and data["center"].endswith("/org/tnmac")
    distances = {n["id"].rsplit("/", 1)[-1]: n["distance"] for n in data["nodes"]}
    assert distances["tnmac"] == 0 and distances["undp"] == 1 and distances["anama"] == 2


def test_user_errors_are_one_line(seed_store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, seed_store_dir, "analyze", "path", "UNITAR", "UNITR")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("makb: error: no organisation or unit called 'UNITR'")
    assert "UNITAR" in err and "Traceback" not in err
    code, _, err = run(capsys, seed_store_dir, "analyze", "scorecard", "--as-of", "01/01/2021")
    assert code == 2 and err.count("\n") == 1 and "YYYY-MM-DD" in err
    code, _, err = run(capsys, seed_store_dir, "analyze", "centrality", "--kinds", "friendship")
    assert code == 2 and "unknown tie kind friendship" in err
    code, _, err = run(capsys, seed_store_dir, "analyze", "ego", "UNITAR", "--graph", "kg", "--rollup")
    assert code == 2 and "partner graph only" in err
    code, _, err = run(capsys, seed_store_dir, "analyze", "path", "UNITAR", "ANAMA")   # UNITAR's units have ties
    assert code == 1 and err.startswith("makb: error: UNITAR (United Nations Institute for Training and Research) "
                                        "has no ties in this graph; its units CWM, PPME have")
    with pytest.raises(SystemExit) as exc:
        main(["--store", str(seed_store_dir), "analyze", "ego", "UNITAR", "--depth", "3"])
    assert exc.value.code == 2


def test_export_graph_formats(seed_store_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = OxigraphStore(seed_store_dir)
    try:
        partners, kg = partner_graph(store), knowledge_graph(store)
    finally:
        store.close()
    out = tmp_path / "partners.graphml"
    code, _, err = run(capsys, seed_store_dir, "export", "--format", "graphml", "--graph", "partners",
                       "--out", str(out))
    assert code == 0, err
    back = nx.read_graphml(out)
    assert (back.number_of_nodes(), back.number_of_edges()) == (partners.number_of_nodes(), partners.number_of_edges())
    code, text, _ = run(capsys, seed_store_dir, "export", "--format", "graphml", "--graph", "kg")
    back = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert (back.number_of_nodes(), back.number_of_edges()) == (kg.number_of_nodes(), kg.number_of_edges())
    code, text, _ = run(capsys, seed_store_dir, "export", "--format", "gexf", "--graph", "partners-rollup")
    assert code == 0 and nx.read_gexf(io.BytesIO(text.encode("utf-8"))).has_edge(
        "https://w3id.org/makb/id/org/undp", "https://w3id.org/makb/id/org/tnmac")
    code, text, _ = run(capsys, seed_store_dir, "export", "--format", "nodelink")
    assert code == 0 and len(json.loads(text)["nodes"]) == partners.number_of_nodes()
    code, _, err = run(capsys, seed_store_dir, "export", "--format", "gexf", "--graph", "people")
    assert code == 2 and "partners, partners-rollup, kg" in err
