"""The analyses on a small hand-made KB, against values worked out by hand.

The KB: six organisations, one unit, one person, a project,
an agreement, a partnership and one evaluation with two recommendations and four key actions.

Partner ties it gives (``kb.analysis.partner_graph``)::

    project P1 (news-a.txt, Xland, 2019):  A funder, B and C consortium members -> A-B, A-C, B-C (+consortium)
    agreement G1 (news-b.txt, Yland, 2020): C, D                                 -> C-D
    partnership S1 (news-c.txt, Yland, 2020): D, E                               -> D-E
    evaluation E1 (response-r.txt, Yland, 2020-03): unit DF (of D) and F share the evaluation, both
        recommendations and key action K1                                        -> DF-F, weight 4

So without the evaluation the graph is a triangle A, B, C with a tail C - D - E.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import networkx as nx
import pyoxigraph as ox
import pytest

from kb.analysis import (
    centrality,
    centrality_rows,
    communities,
    components,
    ego,
    graph_node,
    knowledge_graph,
    partner_graph,
    paths,
    resolve_org,
    scorecard,
    summary,
    to_gexf,
    to_graphml,
    to_nodelink,
)
from kb.analysis.metrics import pagerank
from kb.build import ONTOLOGY_FILE
from kb.errors import ConfigError, NotFound
from kb.namespaces import ONTOLOGY_IRI
from kb.store import OxigraphStore, Store

EX = "https://example.org/"
A, B, C, D, E, F = (f"{EX}org/{x}" for x in "abcdef")
DF = f"{EX}org/d-field"
PAT = f"{EX}person/pat"
EVAL = f"{EX}evaluation/e1"
REGISTRY_GRAPH = f"{EX}graph/registry"

TRIG = """
@prefix makb: <https://w3id.org/makb/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix g: <https://example.org/graph/> .
@prefix src: <https://example.org/src/> .
@prefix news: <https://example.org/news/> .

g:registry {
  <https://example.org/org/a> a org:Organization ; skos:prefLabel "Alpha Agency"@en ; makb:acronym "AA" ;
      skos:altLabel "AA" ; makb:orgType makb:UNAgency ; makb:headquartersIn <https://example.org/place/x> .
  <https://example.org/org/b> a org:Organization ; skos:prefLabel "Bravo Bureau"@en ; makb:acronym "BB" ;
      skos:altLabel "BB" ; makb:orgType makb:NGO .
  <https://example.org/org/c> a org:Organization ; skos:prefLabel "Charlie Centre"@en ; makb:acronym "CC" ;
      skos:altLabel "CC" ; makb:orgType makb:NGO .
  <https://example.org/org/d> a org:Organization ; skos:prefLabel "Delta Authority"@en ; makb:acronym "DA" ;
      skos:altLabel "DA", "Delta" ; makb:orgType makb:NationalAuthority ; makb:country <https://example.org/place/y> .
  <https://example.org/org/d-field> a org:OrganizationalUnit ; skos:prefLabel "Delta Field Office"@en ;
      skos:altLabel "Delta" ; makb:orgType makb:OrgUnit ; org:subOrganizationOf <https://example.org/org/d> .
  <https://example.org/org/e> a org:Organization ; skos:prefLabel "Echo Foundation"@en ; makb:acronym "EF" ;
      skos:altLabel "EF", "EF Group" .
  <https://example.org/org/f> a org:Organization ; skos:prefLabel "Foxtrot Fund"@en ; makb:acronym "FF" ;
      skos:altLabel "FF", "EF Group" ; makb:orgType makb:Donor .
  <https://example.org/place/x> a schema:Country ; schema:name "Xland" .
  <https://example.org/place/y> a schema:Country ; schema:name "Yland" .
}

g:entities {
  <https://example.org/project/p1> a makb:Project ; dcterms:title "Project One" ; prov:wasDerivedFrom g:a ;
      makb:country <https://example.org/place/x> ;
      makb:funder <https://example.org/org/a> ;
      makb:consortiumMember <https://example.org/org/b>, <https://example.org/org/c> .
  <https://example.org/partnership/s1> a makb:Partnership ; prov:wasDerivedFrom g:c ;
      makb:party <https://example.org/org/d>, <https://example.org/org/e> .
}

g:a {
  g:a a makb:DocumentGraph ; prov:wasDerivedFrom src:a .
  src:a makb:fileName "news-a.txt" .
  news:a dcterms:date "2019-05-01"^^xsd:date ; makb:country <https://example.org/place/x> ;
      makb:mentions <https://example.org/project/p1> .
  g:a-s1 rdf:subject <https://example.org/project/p1> ; rdf:predicate makb:funder ;
      rdf:object <https://example.org/org/a> .
  g:a-s2 rdf:subject <https://example.org/project/p1> ; rdf:predicate makb:consortiumMember ;
      rdf:object <https://example.org/org/b> .
  g:a-s3 rdf:subject <https://example.org/project/p1> ; rdf:predicate makb:consortiumMember ;
      rdf:object <https://example.org/org/c> .
}

g:b {
  g:b a makb:DocumentGraph ; prov:wasDerivedFrom src:b .
  src:b makb:fileName "news-b.txt" .
  news:b dcterms:date "2020-02-01"^^xsd:date ; makb:country <https://example.org/place/y> .
  <https://example.org/agreement/g1> a makb:Agreement ; prov:wasDerivedFrom news:b ;
      dcterms:date "2020-02-01"^^xsd:date ;
      makb:party <https://example.org/org/c>, <https://example.org/org/d> .
}

g:c {
  g:c a makb:DocumentGraph ; prov:wasDerivedFrom src:c .
  src:c makb:fileName "news-c.txt" .
  news:c dcterms:date "2020-07-01"^^xsd:date ; makb:country <https://example.org/place/y> .
  news:c makb:mentions <https://example.org/partnership/s1> .
  g:c-s1 rdf:subject <https://example.org/partnership/s1> ; rdf:predicate makb:party ;
      rdf:object <https://example.org/org/d> .
  g:c-s2 rdf:subject <https://example.org/partnership/s1> ; rdf:predicate makb:party ;
      rdf:object <https://example.org/org/e> .
}

g:r {
  g:r a makb:DocumentGraph ; prov:wasDerivedFrom src:r .
  src:r makb:fileName "response-r.txt" .
  <https://example.org/person/pat> a foaf:Person ; foaf:name "Pat Doe" .
  <https://example.org/evaluation/e1> a makb:Evaluation ; dcterms:title "Evaluation One" ;
      makb:commissioningUnit <https://example.org/org/d-field> ; makb:country <https://example.org/place/y> ;
      makb:completionDate "2020-03"^^xsd:gYearMonth .
  <https://example.org/evaluation/e1/rec/1> a makb:Recommendation ; makb:number "1" ;
      makb:evaluation <https://example.org/evaluation/e1> ; makb:addressee <https://example.org/org/d-field> ;
      makb:managementResponse <https://example.org/evaluation/e1/rec/1/response> .
  <https://example.org/evaluation/e1/rec/1/response> makb:acceptance makb:Accepted .
  <https://example.org/evaluation/e1/rec/2> a makb:Recommendation ; makb:number "2" ;
      makb:evaluation <https://example.org/evaluation/e1> ; makb:addressee <https://example.org/org/f> ;
      makb:managementResponse <https://example.org/evaluation/e1/rec/2/response> .
  <https://example.org/evaluation/e1/rec/2/response> makb:acceptance makb:Rejected .
  <https://example.org/ka/k1> a makb:KeyAction ; makb:number "1" ; dcterms:description "First action" ;
      makb:recommendation <https://example.org/evaluation/e1/rec/1> ;
      makb:accountableUnit <https://example.org/org/d-field>, <https://example.org/org/f> ;
      makb:responsible <https://example.org/person/pat> ;
      makb:status makb:Completed ; makb:dueEnd "2020-06-30"^^xsd:date .
  <https://example.org/ka/k2> a makb:KeyAction ; makb:number "2" ; dcterms:description "Second action" ;
      makb:recommendation <https://example.org/evaluation/e1/rec/1> ;
      makb:accountableUnit <https://example.org/org/d-field> ;
      makb:responsible <https://example.org/person/pat> ;
      makb:status makb:NotInitiated ; makb:dueEnd "2020-06-30"^^xsd:date .
  <https://example.org/ka/k3> a makb:KeyAction ; makb:number "1" ; dcterms:description "Third action" ;
      makb:recommendation <https://example.org/evaluation/e1/rec/2> ;
      makb:accountableUnit <https://example.org/org/f> ;
      makb:status makb:Initiated ; makb:dueEnd "2021-03-31"^^xsd:date .
  <https://example.org/ka/k4> a makb:KeyAction ; makb:number "2" ; dcterms:description "Fourth action" ;
      makb:recommendation <https://example.org/evaluation/e1/rec/2> ;
      makb:accountableUnit <https://example.org/org/d-field> ;
      makb:status makb:NoLongerApplicable ; makb:dueEnd "2020-01-31"^^xsd:date .
}
"""


def load_handmade(store: Store) -> None:
    """Put the ontology and the hand-made graphs into ``store``."""
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in ox.parse(TRIG.encode("utf-8"), format=ox.RdfFormat.TRIG):
        graphs[q.graph_name.value].append(q.triple)
    onto = [q.triple for q in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)]
    store.replace_graphs([(ONTOLOGY_IRI, onto), *sorted(graphs.items())])


@pytest.fixture(scope="module")
def kb() -> Iterator[OxigraphStore]:
    store = OxigraphStore(None)
    load_handmade(store)
    yield store
    store.close()


ASOF = date(2021, 1, 1)
#: only the news ties: the triangle A, B, C with the tail C - D - E
NEWS_KINDS = ["project", "consortium", "agreement", "partnership"]


# ------------------------------------------------------------------------------------ partner graph


def _edges(G: nx.Graph) -> dict[frozenset[str], dict]:
    return {frozenset((u, v)): d for u, v, d in G.edges(data=True)}


def test_partner_graph_ties_kinds_weights_and_evidence(kb: Store) -> None:
    G = partner_graph(kb)
    assert sorted(G.nodes) == sorted([A, B, C, D, E, F, DF])
    edges = _edges(G)
    assert set(edges) == {frozenset(p) for p in [(A, B), (A, C), (B, C), (C, D), (D, E), (DF, F)]}
    assert edges[frozenset((A, B))]["kinds"] == ["project"]
    assert edges[frozenset((B, C))]["kinds"] == ["consortium", "project"]   # both consortium members
    assert edges[frozenset((C, D))] == {"kinds": ["agreement"], "weight": 1, "evidence": ["news-b.txt"],
                                              "things": [f"{EX}agreement/g1"]}
    assert edges[frozenset((D, E))]["evidence"] == ["news-c.txt"]
    # DF and F share the evaluation, recommendations 1 and 2 and key action K1: four distinct things
    df_f = edges[frozenset((DF, F))]
    assert df_f["kinds"] == ["evaluation", "key-action", "recommendation"]
    assert df_f["weight"] == 4
    assert df_f["things"] == sorted([EVAL, f"{EVAL}/rec/1", f"{EVAL}/rec/2", f"{EX}ka/k1"])
    assert df_f["evidence"] == ["response-r.txt"]
    assert G.nodes[A].items() >= {"label": "Alpha Agency", "acronym": "AA", "org_type": "un-agency",
                                  "country": "Xland"}.items()
    assert G.nodes[DF]["parent"] == D and G.nodes[DF]["unit"] is True


def test_rollup_merges_units_into_their_organisation(kb: Store) -> None:
    G = partner_graph(kb, rollup=True)
    assert DF not in G and sorted(G.nodes) == sorted([A, B, C, D, E, F])
    assert G[D][F]["weight"] == 4 and G[D][F]["kinds"] == ["evaluation", "key-action", "recommendation"]
    assert G.nodes[D]["members"] == [DF]
    assert graph_node(G, DF) == D
    with pytest.raises(NotFound):
        graph_node(partner_graph(kb, kinds=["agreement"]), A)


def test_kind_country_and_year_filters(kb: Store) -> None:
    assert set(_edges(partner_graph(kb, kinds=["consortium"]))) == {frozenset((B, C))}
    triangle = {frozenset(p) for p in [(A, B), (A, C), (B, C)]}
    assert set(_edges(partner_graph(kb, country="Xland"))) == triangle
    assert set(_edges(partner_graph(kb, year=2019))) == triangle
    yland = {frozenset(p) for p in [(C, D), (D, E), (DF, F)]}
    assert set(_edges(partner_graph(kb, country="yland"))) == yland
    assert set(_edges(partner_graph(kb, country=f"{EX}place/y", year=2020))) == yland
    assert partner_graph(kb, year=2018).number_of_nodes() == 0
    with pytest.raises(ConfigError, match="unknown tie kind"):
        partner_graph(kb, kinds=["friendship"])


# ------------------------------------------------------------------------------------ analyses


def test_centrality_matches_hand_computation(kb: Store) -> None:
    G = partner_graph(kb, kinds=NEWS_KINDS)
    assert sorted(G.nodes) == sorted([A, B, C, D, E])
    c = centrality(G)
    # degree centrality = neighbours / (n - 1), n = 5: A 2/4, B 2/4, C 3/4, D 2/4, E 1/4
    assert {n: c[n]["degree"] for n in G} == {A: 0.5, B: 0.5, C: 0.75, D: 0.5, E: 0.25}
    # betweenness: pairs whose only shortest path runs through the node, over (n-1)(n-2)/2 = 6 pairs
    #   C: A-D, A-E, B-D, B-E -> 4/6;  D: A-E, B-E, C-E -> 3/6;  A, B, E: none
    assert c[C]["betweenness"] == pytest.approx(4 / 6)
    assert c[D]["betweenness"] == pytest.approx(0.5)
    assert c[A]["betweenness"] == c[B]["betweenness"] == c[E]["betweenness"] == 0
    # PageRank, d = 0.85, teleport (1 - d)/5 = 0.03, all weights 1, A = B by symmetry:
    #   a = 0.03 + 0.85 (a/2 + c/3)        c = 0.03 + 0.85 (a/2 + a/2 + d/2)
    #   d = 0.03 + 0.85 (c/3 + e/1)        e = 0.03 + 0.85 (d/2)
    # solved exactly: a = 8852/46147, c = 65391/230735, d = 49054/230735, e = 5554/46147 (2a + c + d + e = 1)
    expected = {A: 8852 / 46147, B: 8852 / 46147, C: 65391 / 230735, D: 49054 / 230735, E: 5554 / 46147}
    for n, value in expected.items():
        assert c[n]["pagerank"] == pytest.approx(value, abs=1e-9)
    rows = centrality_rows(G)
    assert [r["node"] for r in rows] == [C, D, A, B, E]
    assert rows[0] == {"node": C, "label": "Charlie Centre", "neighbours": 3, "degree": 0.75,
                       "betweenness": 0.666667, "pagerank": 0.283403}


def test_pagerank_uses_weights_and_spreads_dangling_nodes() -> None:
    # x -> y, z alone: y and z are dangling, their rank is spread over all three nodes.
    # x = 0.05 + 0.85 (y + z)/3 = z;  y = x + 0.85 x;  x + y + z = 3.85 x = 1
    G = nx.DiGraph()
    G.add_nodes_from(["x", "y", "z"])
    G.add_edge("x", "y")
    ranks = pagerank(G)
    assert ranks["x"] == pytest.approx(1 / 3.85, abs=1e-9) and ranks["z"] == pytest.approx(1 / 3.85, abs=1e-9)
    assert ranks["y"] == pytest.approx(1.85 / 3.85, abs=1e-9)
    # a heavier edge pulls more rank: hub h with leaves p (weight 3) and q (weight 1)
    H = nx.Graph()
    H.add_edge("h", "p", weight=3)
    H.add_edge("h", "q", weight=1)
    r = pagerank(H)
    # p = 0.05 + 0.85 * 3/4 * h, q = 0.05 + 0.85 * 1/4 * h, h = 0.05 + 0.85 (p + q)
    h = (0.05 + 0.85 * 0.1) / (1 - 0.85 * 0.85)
    assert r["h"] == pytest.approx(h, abs=1e-9)
    assert r["p"] == pytest.approx(0.05 + 0.85 * 0.75 * h, abs=1e-9)
    assert r["q"] == pytest.approx(0.05 + 0.85 * 0.25 * h, abs=1e-9)


def test_communities_and_components(kb: Store) -> None:
    G = partner_graph(kb, kinds=NEWS_KINDS)
    # modularity, m = 5 edges: {A,B,C}{D,E} = (3/5 - (7/10)^2) + (1/5 - (3/10)^2) = 0.22, the best split
    # ({A,B}{C,D,E} = 0.08, {A,B,C}{D}{E} = 0.06, one community = 0)
    assert communities(G, seed=1) == [sorted([A, B, C]), sorted([D, E])]
    assert communities(G, seed=1) == communities(G, seed=1)
    assert components(partner_graph(kb)) == [sorted([A, B, C, D, E]), sorted([DF, F])]
    assert components(partner_graph(kb, rollup=True)) == [sorted([A, B, C, D, E, F])]
    assert summary(G) == {"name": "partners", "nodes": 5, "edges": 5, "components": 1, "isolated": 0,
                          "density": 0.5}


def test_shortest_path_with_its_chain_of_evidence(kb: Store) -> None:
    G = partner_graph(kb)
    [p] = paths(G, A, E)
    assert p.nodes == [A, C, D, E] and p.length == 3
    assert [s.kinds for s in p.steps] == [["project"], ["agreement"], ["partnership"]]
    assert [s.evidence for s in p.steps] == [["news-a.txt"], ["news-b.txt"], ["news-c.txt"]]
    assert paths(G, A, F) == []                     # DF and F form their own component
    R = partner_graph(kb, rollup=True)
    [q] = paths(R, A, F)
    assert q.labels == ["Alpha Agency", "Charlie Centre", "Delta Authority", "Foxtrot Fund"]
    assert q.steps[-1].kinds == ["evaluation", "key-action", "recommendation"]
    assert q.to_json()["steps"][-1]["evidence"] == ["response-r.txt"]
    with pytest.raises(NotFound):
        paths(G, A, f"{EX}org/unknown")


def test_all_shortest_paths_sorted_by_label() -> None:
    G = nx.Graph()
    for n, label in [("w", "West"), ("x", "Zulu"), ("y", "Alpha"), ("z", "East")]:
        G.add_node(n, label=label)
    G.add_edges_from([("w", "x"), ("x", "z"), ("w", "y"), ("y", "z")], kinds=["project"], evidence=["f.txt"])
    found = paths(G, "w", "z")
    assert [p.nodes for p in found] == [["w", "y", "z"], ["w", "x", "z"]]   # Alpha before Zulu
    assert len(paths(G, "w", "z", limit=1)) == 1


def test_ego_networks(kb: Store) -> None:
    G = partner_graph(kb)
    assert sorted(ego(G, A, 1).nodes) == sorted([A, B, C])
    two = ego(G, A, 2)
    assert sorted(two.nodes) == sorted([A, B, C, D])
    assert two.number_of_edges() == 4 and two.graph["center"] == A
    with pytest.raises(ConfigError, match="1 or 2"):
        ego(G, A, 3)


# ------------------------------------------------------------------------------------ names


def test_resolve_org_by_acronym_label_iri_and_its_errors(kb: Store) -> None:
    assert resolve_org(kb, "AA") == A
    assert resolve_org(kb, "alpha agency") == A
    assert resolve_org(kb, A) == A
    assert resolve_org(kb, "org/d-field") == DF
    assert resolve_org(kb, "Delta") == D                # an organisation wins over its unit
    with pytest.raises(ConfigError, match="several organisations"):
        resolve_org(kb, "EF Group")
    with pytest.raises(NotFound, match="Alpha Agency"):
        resolve_org(kb, "Alpah Agency")


# ------------------------------------------------------------------------------------ knowledge graph


def test_knowledge_graph_types_and_relations(kb: Store) -> None:
    K = knowledge_graph(kb)
    assert isinstance(K, nx.MultiDiGraph)
    types = defaultdict(int)
    for _, d in K.nodes(data=True):
        types[d["type"]] += 1
    assert dict(types) == {"organisation": 6, "unit": 1, "person": 1, "project": 1, "agreement": 1,
                           "partnership": 1, "evaluation": 1, "recommendation": 2, "key-action": 4}
    # 1 subOrganizationOf + 3 project roles + 4 parties + 1 commissioningUnit + 2 evaluation + 2 addressee
    # + 4 recommendation + 5 accountableUnit + 2 responsible
    assert K.number_of_edges() == 24
    assert K.has_edge(f"{EX}ka/k1", F, key="accountableUnit")
    assert K[DF][D]["subOrganizationOf"]["evidence"] == [REGISTRY_GRAPH]
    assert K[f"{EX}ka/k2"][PAT]["responsible"]["evidence"] == ["response-r.txt"]
    assert K.nodes[f"{EX}ka/k3"]["label"] == "Key action 1"
    [p] = paths(K, PAT, F)
    assert p.nodes == [PAT, f"{EX}ka/k1", F]
    assert [s.kinds for s in p.steps] == [["responsible"], ["accountableUnit"]]


# ------------------------------------------------------------------------------------ scorecard


def _by_key(rows: list) -> dict:
    return {r.key: r for r in rows}


def test_scorecard_by_organisation(kb: Store) -> None:
    rows = _by_key(scorecard(kb, "org", ASOF))
    assert set(rows) == {D, F}
    d = rows[D]   # K1 Completed, K2 Not Initiated due 2020-06-30, K4 No Longer Applicable (all through DF)
    assert (d.actions, d.completed, d.no_longer_applicable, d.open) == (3, 1, 1, 1)
    assert d.by_status == {"Completed": 1, "No Longer Applicable": 1, "Not Initiated": 1}
    assert d.completion_rate == 0.5            # 1 completed / (3 - 1 dropped)
    assert d.overdue == 1 and d.overdue_actions[0]["iri"] == f"{EX}ka/k2"
    assert d.oldest_open["ref"] == "1.2"
    assert d.recommendations == 2 and d.by_acceptance == {"Accepted": 1, "Rejected": 1}
    assert d.units == ["Delta Field Office"] and d.people == ["Pat Doe"]
    f = rows[F]   # K1 Completed, K3 Initiated due 2021-03-31
    assert (f.actions, f.completed, f.overdue, f.completion_rate) == (2, 1, 0, 0.5)
    assert f.oldest_open["iri"] == f"{EX}ka/k3"
    assert _by_key(scorecard(kb, "org", date(2021, 4, 1)))[F].overdue == 1
    assert _by_key(scorecard(kb, "org", date(2021, 3, 31)))[F].overdue == 0   # due on the day: not yet
    assert json.loads(json.dumps(d.to_json()))["evaluations"] == [
        {"evaluation": EVAL, "title": "Evaluation One", "actions": 3, "overdue": 1,
         "by_status": {"Completed": 1, "No Longer Applicable": 1, "Not Initiated": 1}}]


def test_scorecard_by_unit_person_and_country(kb: Store) -> None:
    units = _by_key(scorecard(kb, "unit", ASOF))
    assert units[DF].actions == 3 and units[DF].parent == "DA"
    people = _by_key(scorecard(kb, "person", ASOF))
    assert list(people) == [PAT]
    assert (people[PAT].label, people[PAT].actions, people[PAT].overdue) == ("Pat Doe", 2, 1)
    assert people[PAT].units == ["Delta Field Office", "Foxtrot Fund"]
    [country] = scorecard(kb, "country", ASOF)
    assert (country.label, country.actions, country.recommendations, country.overdue) == ("Yland", 4, 2, 1)
    with pytest.raises(ConfigError):
        scorecard(kb, "region", ASOF)
    with pytest.raises(ConfigError):
        scorecard(kb, "org", None)


# ------------------------------------------------------------------------------------ exports


def test_graphml_gexf_and_nodelink_load_back(kb: Store) -> None:
    for G in (partner_graph(kb), partner_graph(kb, rollup=True), knowledge_graph(kb)):
        back = nx.read_graphml(io.BytesIO(to_graphml(G)))
        assert (back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
        gexf = nx.read_gexf(io.BytesIO(to_gexf(G)))
        assert (gexf.number_of_nodes(), gexf.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
        data = json.loads(to_nodelink(G))
        again = nx.node_link_graph(data, edges="links")
        assert (again.number_of_nodes(), again.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    back = nx.read_graphml(io.BytesIO(to_graphml(partner_graph(kb))))
    assert back.edges[DF, F]["kinds"] == "evaluation; key-action; recommendation"
    assert back.edges[DF, F]["weight"] == 4
    assert "acronym" not in back.nodes[DF]          # None is left out


def test_betweenness_of_large_graphs_is_a_repeatable_estimate() -> None:
    from kb.analysis.metrics import centrality

    G = nx.barabasi_albert_graph(300, 3, seed=7)
    G = nx.relabel_nodes(G, {i: f"n{i:03d}" for i in G.nodes})
    exact = centrality(G)
    a, b = centrality(G, pivots=60), centrality(G, pivots=60)
    assert a == b                                  # fixed seed: the same estimate every time
    top_exact = sorted(exact, key=lambda n: -exact[n]["betweenness"])[:5]
    top_est = sorted(a, key=lambda n: -a[n]["betweenness"])[:10]
    assert set(top_exact) <= set(top_est)          # the hubs stay the hubs
    assert all(abs(a[n]["degree"] - exact[n]["degree"]) == 0 for n in G)
