"""The analyses on the KB built from the three seed documents, on the embedded store and on a real
Oxigraph server: the results the issue names, and the same results on both stores."""

from __future__ import annotations

import itertools
import json
from datetime import date
from typing import Any

import networkx as nx

from kb.analysis import (
    centrality_rows,
    communities,
    components,
    ego,
    knowledge_graph,
    partner_graph,
    paths,
    resolve_org,
    scorecard,
    to_nodelink,
)
from kb.build import build
from kb.registry import Registry
from kb.store import OxigraphStore, RemoteStore, Store
from tests.support.kbs import BASE, FIXED_NOW, SEEDS

ORG = BASE + "org/"
UNDP, UNITAR, ANAMA, IOM, CIRAQ, TNMAC = (ORG + x for x in ("undp", "unitar", "anama", "iom", "ciraq", "tnmac"))
UNDP_TJ, UNDP_HQ = ORG + "undp-tajikistan", ORG + "undp-crisis-bureau"
ASOF = date(2021, 1, 1)


def _rows(store: Store, by: str, as_of: date = ASOF) -> dict[str, Any]:
    return {r.key: r for r in scorecard(store, by, as_of)}


def test_scorecard_by_organisation_as_of_2021(seed_store: OxigraphStore) -> None:
    rows = _rows(seed_store, "org")
    undp = rows[UNDP]
    [tajikistan] = [e for e in undp.evaluations if "Tajikistan" in (e["title"] or "")]
    assert tajikistan["actions"] == 7
    assert tajikistan["by_status"] == {"Completed": 4, "No Longer Applicable": 2, "Not Initiated": 1}
    assert tajikistan["overdue"] == 1
    [late] = [a for a in undp.overdue_actions if a["status"] == "Not Initiated"]
    assert late["due"] == "2020-12-31" and late["due_text"].startswith("2020")
    unitar = rows[UNITAR]
    assert unitar.actions == 7
    assert all("Minamata" in e["title"] for e in unitar.evaluations)
    assert unitar.label == "United Nations Institute for Training and Research" and unitar.acronym == "UNITAR"
    # on the due day itself the Not Initiated action is not yet overdue
    [same] = [e for e in _rows(seed_store, "org", date(2020, 12, 31))[UNDP].evaluations
              if "Tajikistan" in (e["title"] or "")]
    assert same["overdue"] == 0


def test_scorecard_by_unit_and_person(seed_store: OxigraphStore) -> None:
    units = _rows(seed_store, "unit")
    assert (units[UNDP_TJ].actions, units[UNDP_TJ].people) == (6, ["Nargizakhon Usmanova"])
    assert units[UNDP_TJ].by_status == {"Completed": 4, "No Longer Applicable": 2}
    assert (units[UNDP_HQ].actions, units[UNDP_HQ].people, units[UNDP_HQ].overdue) == (1, ["Olaf Juergensen"], 1)
    assert units[UNDP_TJ].parent == units[UNDP_HQ].parent == "UNDP"
    people = {r.label: r for r in scorecard(seed_store, "person", ASOF)}
    assert people["Nargizakhon Usmanova"].actions == 6
    assert people["Olaf Juergensen"].units == ["UNDP Headquarters, Crisis Bureau"]
    countries = {r.label: r for r in scorecard(seed_store, "country", ASOF)}
    assert countries["Tajikistan"].actions == 7


def test_partner_graph_of_the_seeds(seed_store: OxigraphStore) -> None:
    G = partner_graph(seed_store, rollup=True)
    azerbaijan = [ANAMA, UNDP, IOM, CIRAQ]
    projects = set()
    for a, b in itertools.combinations(azerbaijan, 2):
        assert G.has_edge(a, b), (a, b)
        assert "project" in G[a][b]["kinds"]
        assert G[a][b]["evidence"] == ["002_f7a1618a2c1dab11.txt"]
        projects.update(t for t in G[a][b]["things"] if "/project/" in t)
    assert len(projects) == 1                              # one and the same Azerbaijan project
    assert G.has_edge(UNDP, TNMAC) and G[UNDP][TNMAC]["evidence"] == ["000_ed0432e762aadb2d.txt"]
    assert "consortium" in G[IOM][CIRAQ]["kinds"]
    [p] = paths(G, resolve_org(seed_store, "UNITAR"), resolve_org(seed_store, "anama"))
    assert p.nodes == [UNITAR, UNDP, ANAMA]
    assert p.steps[0].evidence == ["001_47ac0c33fd8ef360.txt"]
    # without roll-up TNMAC is tied to the UNDP units, not to UNDP itself
    flat = partner_graph(seed_store)
    assert flat.has_edge(TNMAC, UNDP_TJ) and flat.has_edge(TNMAC, UNDP_HQ) and not flat.has_edge(TNMAC, UNDP)


def _everything(store: Store) -> dict[str, Any]:
    """Every analysis on one store, as JSON data."""
    flat, rolled, kg = partner_graph(store), partner_graph(store, rollup=True), knowledge_graph(store)
    out: dict[str, Any] = {}
    for name, G in (("flat", flat), ("rolled", rolled), ("kg", kg)):
        out[name] = json.loads(to_nodelink(G))
        out[f"{name}-centrality"] = centrality_rows(G)
        out[f"{name}-communities"] = communities(G, seed=7)
        out[f"{name}-components"] = components(G)
    out["path"] = [p.to_json() for p in paths(rolled, UNITAR, ANAMA)]
    out["ego"] = json.loads(to_nodelink(ego(rolled, TNMAC, 2)))
    out["scorecards"] = {by: [r.to_json() for r in scorecard(store, by, ASOF)]
                         for by in ("org", "unit", "person", "country")}
    out["resolve"] = [resolve_org(store, n) for n in ("UNDP", "Ciraq", "undp tajikistan", TNMAC)]
    return out


def test_same_results_on_embedded_store_and_oxigraph_server(seed_store: OxigraphStore, oxigraph: RemoteStore,
                                                            registry: Registry) -> None:
    report = build(oxigraph, [SEEDS], registry, now=FIXED_NOW)
    assert not report.failed
    embedded, remote = _everything(seed_store), _everything(oxigraph)
    assert embedded["rolled"]["nodes"] and embedded["scorecards"]["org"]
    for key in embedded:
        assert remote[key] == embedded[key], key
    assert nx.node_link_graph(remote["kg"], edges="links").number_of_edges() > 50
