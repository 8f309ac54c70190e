"""The web pages over a KB built from the seeds plus one hostile news release:
start page, editor, entity pages and content negotiation, ontology, documents,
downloads, graph explorer and dashboard; escaping and error pages."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
from datetime import date

import networkx as nx
import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from kb import queries
from kb.analysis import partner_graph, scorecard
from kb.analysis.scorecard import load as load_commitments
from kb.analysis.scorecard import tally
from kb.errors import ConfigError
from kb.store import OxigraphStore
from kb.views.dashboard import build as build_dashboard
from kb.views.dashboard_filters import DashboardFilters
from kb.views.entity import describe, entity_path, iri_for_path, split_suffix
from kb.views.explorer import MORE_NODE, Filters, view_of, vis_asset
from tests.support.kbs import ANAMA, BASE, HOSTILE_MARKUP, SEED_FILES, UNDP

ERC_FILE = SEED_FILES["erc"].name
NEWS_FILE = SEED_FILES["news"].name


@pytest.fixture
def store(app: Flask) -> OxigraphStore:
    return app.extensions["makb"].store


def html(client: FlaskClient, url: str, status: int = 200) -> str:
    resp = client.get(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert resp.status_code == status, (url, resp.status_code, resp.get_data(as_text=True)[:500])
    assert resp.mimetype == "text/html"
    return resp.get_data(as_text=True)


def graph_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.DOTALL)
    assert m, "the graph page embeds its data"
    return json.loads(m.group(1))


PAGES = ["/", "/query", "/query?name=overdue-actions&run=1", "/documents", "/downloads", "/graph",
         "/graph?org=ANAMA&depth=2", "/dashboard", "/dashboard?as_of=2021-01-01", "/ontology", "/id/org/undp"]


# ------------------------------------------------------------------------------------ every page


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_html_that_needs_nothing_from_another_host(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    page = resp.get_data(as_text=True)
    refs = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert refs
    external = [r for r in refs if re.match(r"(?i)(https?:)?//", r)]
    assert external == [], external
    assert "<script>" not in page        # no inline script: every script is a file of this server
    for target in ("/query", "/graph", "/dashboard", "/documents", "/downloads", "/ontology"):
        assert f'href="{target}"' in page, target


def test_start_page_links_to_every_part_and_counts_the_kb(client: FlaskClient) -> None:
    page = html(client, "/")
    for target in ("/query", "/graph", "/dashboard", "/documents", "/downloads", "/sparql", "/ontology"):
        assert f'href="{target}"' in page
    assert re.search(r"<b>4</b> documents", page)
    assert re.search(r"<b>14</b> key actions", page)


# ------------------------------------------------------------------------------------ entities


def test_every_iri_the_kb_mints_resolves(client: FlaskClient, store: OxigraphStore) -> None:
    rows = store.select(f"""SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} }}
                            FILTER (isIRI(?x) && STRSTARTS(STR(?x), "{BASE}")) }}""")
    iris = sorted(r["x"].value for r in rows)
    assert len(iris) > 150
    for iri in iris:
        path = entity_path(iri, BASE)
        assert path.startswith("/id/")
        resp = client.get(path)
        assert resp.status_code == 200, (iri, resp.status_code)
        assert f"<code>{iri}</code>" in resp.get_data(as_text=True)


def test_entity_page_groups_statements_with_source_and_evidence(client: FlaskClient) -> None:
    page = html(client, "/id/org/undp")
    assert "<h1>United Nations Development Programme</h1>" in page
    assert 'href="/entity?iri=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23Organization"' in page   # its type
    out, incoming = page.split("Statements pointing at it")
    assert "headquarters in" in out and "registry" in out
    funder = incoming.split('>funder</a>')[1].split("</tbody>")[0]
    assert NEWS_FILE in funder
    assert '<q class="evidence">Micro grant project will be funded from existing project' in funder
    assert "org:subOrganizationOf" in incoming and "UNDP Tajikistan Country Office" in incoming


def test_key_action_page_links_its_status_concept_and_recommendation(client: FlaskClient,
                                                                    store: OxigraphStore) -> None:
    rows = store.select("""PREFIX makb: <https://w3id.org/makb/ontology#>
        SELECT ?a WHERE { ?a a makb:KeyAction ; makb:status makb:Completed } ORDER BY ?a LIMIT 1""")
    action = rows.rows[0][0].value
    page = html(client, entity_path(action, BASE))
    assert 'href="/ontology#Completed"' in page
    rec = action.rsplit("/action/", 1)[0]
    assert f'href="{entity_path(rec, BASE)}"' in page
    assert ERC_FILE in page


def test_rdf_clients_get_turtle_and_json_ld(client: FlaskClient) -> None:
    label = ox.Literal("United Nations Development Programme", language="en")
    pref = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    for url, accept, fmt in (("/id/org/undp", "text/turtle", ox.RdfFormat.TURTLE),
                             ("/id/org/undp.ttl", None, ox.RdfFormat.TURTLE),
                             ("/id/org/undp", "application/ld+json", ox.RdfFormat.JSON_LD),
                             ("/id/org/undp.jsonld", None, ox.RdfFormat.JSON_LD),
                             ("/id/org/undp.nt", None, ox.RdfFormat.N_TRIPLES),
                             ("/entity?iri=" + UNDP.replace(":", "%3A") + "&format=ttl", None, ox.RdfFormat.TURTLE)):
        resp = client.get(url, headers={"Accept": accept} if accept else {})
        assert resp.status_code == 200, url
        assert resp.headers["Vary"] == "Accept"
        triples = {q.triple for q in ox.parse(resp.data, format=fmt)}
        assert ox.Triple(ox.NamedNode(UNDP), pref, label) in triples, url
        # statements pointing at it are part of its description
        assert ox.Triple(ox.NamedNode(BASE + "org/undp-tajikistan"),
                         ox.NamedNode("http://www.w3.org/ns/org#subOrganizationOf"), ox.NamedNode(UNDP)) in triples


def test_browsers_get_html_and_unacceptable_types_a_406(client: FlaskClient) -> None:
    resp = client.get("/id/org/undp", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert resp.mimetype == "text/html"
    assert client.get("/id/org/undp", headers={"Accept": "*/*"}).mimetype == "text/html"
    assert client.get("/id/org/undp", headers={"Accept": "image/png"}).status_code == 406


def test_external_iris_resolve_through_the_entity_route(client: FlaskClient) -> None:
    page = html(client, "/entity?iri=mailto%3Aruslan.ismayilzada%40undp.org")
    assert "foaf:mbox" in page and "Ruslan Ismayil-zada" in page
    person = html(client, "/id/person/ruslan-ismayil-zada")
    assert 'href="/entity?iri=mailto%3Aruslan.ismayilzada%40undp.org"' in person


def test_unknown_and_malformed_entities(client: FlaskClient) -> None:
    page = html(client, "/id/org/no-such-organisation", status=404)
    assert "no statement about" in page
    assert client.get("/entity?iri=not%20an%20iri").status_code == 400
    assert client.get("/entity").status_code == 400
    resp = client.get("/entity?iri=x", headers={"Accept": "application/json"})
    assert resp.status_code == 400 and resp.get_json()["error"] == "config"


def test_entity_addresses_round_trip() -> None:
    iri = BASE + "evaluation/some-eval-1234/rec/1/action/2"
    path = entity_path(iri, BASE)
    assert path == "/id/evaluation/some-eval-1234/rec/1/action/2"
    assert iri_for_path(split_suffix(path[len("/id/"):] + ".ttl")[0], BASE) == iri
    assert split_suffix("org/undp.jsonld") == ("org/undp", "jsonld")
    assert split_suffix("org/undp.html") == ("org/undp.html", None)
    assert entity_path("https://w3id.org/makb/ontology#KeyAction", BASE) == "/ontology#KeyAction"
    assert entity_path("http://example.org/a b", BASE) == "/entity?iri=http%3A%2F%2Fexample.org%2Fa%20b"


def test_describe_reports_truncation(store: OxigraphStore) -> None:
    assert describe(store, UNDP, BASE).truncated is False
    cut = describe(store, UNDP, BASE, limit=2)
    assert cut.truncated is True
    assert sum(len(g.statements) for g in cut.outgoing) == 2


def test_ontology_page_and_file(client: FlaskClient) -> None:
    page = html(client, "/ontology")
    assert '<dt id="KeyAction">' in page and '<dt id="Completed">' in page and '<dt id="dueDate">' in page
    ttl = client.get("/ontology.ttl")
    assert ttl.mimetype == "text/turtle"
    triples = {q.triple for q in ox.parse(ttl.data, format=ox.RdfFormat.TURTLE)}
    assert ox.Triple(ox.NamedNode("https://w3id.org/makb/ontology#KeyAction"),
                     ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("http://www.w3.org/2002/07/owl#Class")) in triples
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).data == ttl.data


# ------------------------------------------------------------------------------------ documents and downloads


def test_documents_page_shows_provenance_extraction_and_warnings(client: FlaskClient) -> None:
    page = html(client, "/documents")
    sections = {m.group(1): m.group(0) for m in re.finditer(r'<section class="document".*?<h2>([^<]+?) ?<.*?</section>',
                                                             page, re.DOTALL)}
    assert set(sections) == {ERC_FILE, SEED_FILES["response"].name, NEWS_FILE, "hostile_news.txt"}
    erc = sections[ERC_FILE]
    assert "erc-page" in erc and "<b>7</b> key actions" in erc and "<b>10</b> recommendations" in erc
    for code in ("date-before-response", "covers-count-mismatch", "unknown-organisation"):
        assert f"<code>{code}</code>" in erc
    news = sections[NEWS_FILE]
    assert "<b>1</b> project" in news and "<b>1</b> agreement" in news and "None." in news


def test_whole_kb_downloads_in_every_format(client: FlaskClient, store: OxigraphStore) -> None:
    distinct = store.distinct_triples()
    for fmt, rdf_format in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES),
                            ("jsonld", ox.RdfFormat.JSON_LD)):
        resp = client.get(f"/download/kb.{fmt}")
        assert resp.status_code == 200
        assert resp.headers["Content-Disposition"].startswith("attachment")
        assert len({q.triple for q in ox.parse(resp.data, format=rdf_format)}) == distinct, fmt
    trig = client.get("/download/kb.trig")
    quads = list(ox.parse(trig.data, format=ox.RdfFormat.TRIG))
    assert len(quads) == sum(store.graph_counts().values())
    assert {q.graph_name.value for q in quads} == set(store.graphs())


def test_each_document_graph_downloads_in_every_format(client: FlaskClient, store: OxigraphStore) -> None:
    counts = store.graph_counts()
    page = html(client, "/downloads")
    links = re.findall(r'href="(/download/graph\.(\w+)\?graph=[^"]+)"', page)
    assert {fmt for _, fmt in links} == {"ttl", "trig", "nt", "jsonld"}
    assert len(links) == 4 * len(counts)
    for url, fmt in links:
        resp = client.get(url.replace("&amp;", "&"))
        assert resp.status_code == 200, url
        graph = re.search(r"graph=([^&]+)", url).group(1)
        rdf_format = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
                      "jsonld": ox.RdfFormat.JSON_LD}[fmt]
        n = len(list(ox.parse(resp.data, format=rdf_format)))
        from urllib.parse import unquote
        assert n == counts[unquote(graph)], url
    assert client.get("/download/graph.ttl?graph=" + BASE + "graph/none").status_code == 404
    assert client.get("/download/graph.ttl?graph=x%3E%20%7B").status_code == 400
    assert client.get("/download/kb.docx").status_code == 400


def test_partner_graph_downloads_as_graphml(client: FlaskClient, store: OxigraphStore) -> None:
    resp = client.get("/download/partner-graph.graphml")
    assert resp.status_code == 200 and resp.mimetype == "application/graphml+xml"
    G = nx.read_graphml(io.BytesIO(resp.data))
    assert set(G.nodes) == set(partner_graph(store).nodes)
    assert G.has_edge(UNDP, ANAMA) or G.has_edge(ANAMA, UNDP)


# ------------------------------------------------------------------------------------ graph explorer


def test_graph_page_draws_the_partner_graph_with_legend_and_links(client: FlaskClient, store: OxigraphStore) -> None:
    page = html(client, "/graph")
    data = graph_data(page)
    G = partner_graph(store)
    assert {n["id"] for n in data["nodes"]} == set(G.nodes)
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id[UNDP]["url"] == "/id/org/undp" and by_id[UNDP]["label"] == "UNDP"
    assert by_id[UNDP]["color"] != by_id[ANAMA]["color"]          # UN agency vs national authority
    assert by_id[BASE + "org/undp-tajikistan"]["color"] == by_id[BASE + "org/undp-azerbaijan"]["color"]
    assert len(data["edges"]) == G.number_of_edges()
    heavy = next(e for e in data["edges"] if {e["from"], e["to"]} == {UNDP, ANAMA})
    light = next(e for e in data["edges"] if {e["from"], e["to"]} == {ANAMA, BASE + "org/ciraq"})
    assert heavy["width"] > light["width"]                          # two shared things against one
    assert "UN agency" in page and "National authority" in page     # the legend
    assert data["options"]["layout"]["randomSeed"] == 42
    assert '<script src="/vendor/vis-network.min.js"></script>' in page


def test_graph_filters_by_kind_ego_country_and_year(client: FlaskClient) -> None:
    agreements = graph_data(html(client, "/graph?kind=agreement"))
    assert {n["id"] for n in agreements["nodes"]} == {UNDP, ANAMA}
    ego = graph_data(html(client, "/graph?org=TNMAC&depth=1"))
    ids = {n["id"] for n in ego["nodes"]}
    assert BASE + "org/tnmac" in ids and ANAMA not in ids
    assert next(n for n in ego["nodes"] if n["id"] == BASE + "org/tnmac")["borderWidth"] == 4
    azerbaijan = graph_data(html(client, "/graph?country=Azerbaijan"))
    assert ANAMA in {n["id"] for n in azerbaijan["nodes"]}
    assert BASE + "org/tnmac" not in {n["id"] for n in azerbaijan["nodes"]}
    assert {n["id"] for n in graph_data(html(client, "/graph?year=2013"))["nodes"]} >= {UNDP, ANAMA}
    empty = html(client, "/graph?year=1950")
    assert graph_data(empty)["nodes"] == [] and "No organisation has ties" in empty
    for bad in ("depth=3", "kind=friendship", "year=soon"):
        assert client.get(f"/graph?{bad}").status_code == 400, bad
    assert client.get("/graph?org=Nobody%20Known").status_code == 404


def test_large_graphs_are_capped_and_aggregated() -> None:
    G = nx.Graph()
    for i in range(12):
        G.add_node(f"{BASE}org/o{i}", label=f"Org {i}", org_type="ngo")
    for i in range(1, 12):
        G.add_edge(f"{BASE}org/o0", f"{BASE}org/o{i}", weight=1, kinds=["project"], evidence=[])
    G.add_edge(f"{BASE}org/o1", f"{BASE}org/o2", weight=3, kinds=["project"], evidence=[])
    view = view_of(G, BASE, cap=5, filters=Filters())
    ids = [n["id"] for n in view.nodes]
    assert len(ids) == 5 and ids[-1] == MORE_NODE
    assert {f"{BASE}org/o0", f"{BASE}org/o1", f"{BASE}org/o2"} <= set(ids)   # the most central stay
    more = next(n for n in view.nodes if n["id"] == MORE_NODE)
    assert more["label"] == "8 more organisations" and more["url"] is None
    assert view.aggregated == 8 and "aggregated into one node" in view.notes[0]
    assert [e for e in view.edges if e["to"] == MORE_NODE] == [
        {"from": f"{BASE}org/o0", "to": MORE_NODE, "width": 7.0, "dashes": True,
         "title": "ties to folded organisations: weight 8", "kinds": []}]
    centred = view_of(G, BASE, cap=3, filters=Filters(), center=f"{BASE}org/o11")
    assert centred.nodes[0]["id"] == f"{BASE}org/o11"


def test_vis_network_is_served_from_the_installed_pyvis(client: FlaskClient) -> None:
    with client.get("/vendor/vis-network.min.js") as resp:
        assert resp.status_code == 200 and resp.data == vis_asset("vis-network.min.js").read_bytes()
    with client.get("/vendor/vis-network.css") as resp:
        assert resp.mimetype == "text/css"
    assert client.get("/vendor/..%2Fnetwork.py").status_code == 404
    assert client.get("/vendor/other.js").status_code == 404


# ------------------------------------------------------------------------------------ dashboard


def test_dashboard_overdue_depends_on_the_as_of_date(client: FlaskClient) -> None:
    early = html(client, "/dashboard?as_of=2019-01-01")
    late = html(client, "/dashboard?as_of=2021-01-01")
    assert re.search(r'<b class="past-due-figure">0</b> past due as of 2019-01-01', early)
    assert re.search(r'<b class="past-due-figure">4</b> past due as of 2021-01-01', late)
    assert 'id="status-chart"' in late and 'id="timeline-chart"' in late
    assert "Scorecard: Organisations" in late and ">Units</a>" in late and ">People</a>" in late
    assert client.get("/dashboard?as_of=01/02/2021").status_code == 400


def test_dashboard_scorecards_agree_with_the_analysis(store: OxigraphStore) -> None:
    as_of = date(2021, 1, 1)
    board = build_dashboard(load_commitments(store), DashboardFilters(as_of))
    for by in ("org", "unit", "person", "country"):
        mine = {r.key: (r.actions, r.open, r.overdue, r.completed, r.completion_rate)
                for r in board.scorecards[by] if r.actions}
        theirs = {r.key: (r.actions, r.open, r.overdue, r.completed, r.completion_rate)
                  for r in scorecard(store, by, as_of) if r.actions}
        assert mine == theirs, by
    with pytest.raises(ConfigError, match="choose one of org, unit, person, country"):
        tally(load_commitments(store), "region", as_of)


def test_dashboard_filters_and_csv(client: FlaskClient, store: OxigraphStore) -> None:
    everything = client.get("/dashboard?as_of=2021-01-01&format=csv")
    assert everything.mimetype == "text/csv"
    assert "attachment" in everything.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(everything.get_data(as_text=True))))
    assert len(rows) == 14 and sum(r["overdue"] == "yes" for r in rows) == 4
    tajik = BASE + "place/tajikistan"
    only = list(csv.DictReader(io.StringIO(
        client.get(f"/dashboard?as_of=2021-01-01&format=csv&country={tajik}").get_data(as_text=True))))
    assert 0 < len(only) < 14 and all(r["countries"] == "Tajikistan" for r in only)
    evaluation = next(r["evaluation"] for r in rows if "Minamata" in r["evaluation"])
    ev_iri = store.select(f'''PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?e WHERE {{ ?e dcterms:title "{evaluation}" }}''').rows[0][0].value
    one = list(csv.DictReader(io.StringIO(
        client.get(f"/dashboard?as_of=2021-01-01&format=csv&evaluation={ev_iri}").get_data(as_text=True))))
    assert len(one) == 7 and {r["evaluation"] for r in one} == {evaluation}
    page = html(client, f"/dashboard?as_of=2021-01-01&evaluation={ev_iri}")
    assert "<b>7</b> key actions" in page
    assert client.get("/dashboard?format=pdf").status_code == 400


# ------------------------------------------------------------------------------------ editor


def test_editor_offers_the_canned_queries_prefixes_and_a_permalink(client: FlaskClient) -> None:
    page = html(client, "/query")
    canned = queries.all_queries()
    for q in canned.values():
        assert f'data-name="{q.name}"' in page and q.description.replace("'", "&#39;") in page
    data = json.loads(re.search(r'id="editor-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert set(data["canned"]) == set(canned)
    assert data["canned"]["overdue-actions"]["text"] == canned["overdue-actions"].text
    assert data["prefixes"]["makb"] == "https://w3id.org/makb/ontology#"
    assert data["endpoint"] == "/sparql" and data["run"] is False
    assert 'data-prefix="skos"' in page
    q = "SELECT ?s WHERE { ?s a org:Organization }"
    linked = html(client, "/query?run=1&query=" + q.replace(" ", "+").replace("?", "%3F").replace("{", "%7B")
                  .replace("}", "%7D"))
    assert f">{q}</textarea>" in linked
    assert json.loads(re.search(r'id="editor-data">(.*?)</script>', linked, re.DOTALL).group(1))["run"] is True
    named = html(client, "/query?name=projects")
    assert f'rows="18">{escape(canned["projects"].text)}</textarea>' in named
    assert client.get("/query?name=nope").status_code == 400


# ------------------------------------------------------------------------------------ hardening


def test_markup_from_a_document_is_shown_as_text(client: FlaskClient, store: OxigraphStore) -> None:
    rows = store.select("""PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?n WHERE { ?n dcterms:title ?t FILTER CONTAINS(?t, "<script>") }""")
    news = rows.rows[0][0].value
    escaped = "UNDP and ANAMA signed &lt;script&gt;alert(1)&lt;/script&gt; Memorandum"
    for url in (entity_path(news, BASE), "/documents", "/downloads"):
        page = html(client, url)
        assert escaped in page, url
        assert "<script>alert(1)" not in page and HOSTILE_MARKUP not in page
    holder = store.select("""SELECT ?s WHERE { ?s ?p ?t FILTER (isLiteral(?t) && CONTAINS(?t, "<img")) }
                             ORDER BY ?s LIMIT 1""").rows[0][0].value
    page = html(client, entity_path(holder, BASE))
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and HOSTILE_MARKUP not in page
    editor = html(client, "/query?query=%3C%2Ftextarea%3E%3Cscript%3Ealert(3)%3C%2Fscript%3E")
    assert "&lt;/textarea&gt;&lt;script&gt;alert(3)&lt;/script&gt;</textarea>" in editor


def test_error_pages_carry_no_stack_trace(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import webapp.pages

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/makb/kb/documents.py line 12")

    monkeypatch.setattr(webapp.pages, "documents_page", broken)
    for accept in ("text/html", "application/json"):
        resp = client.get("/documents", headers={"Accept": accept})
        body = resp.get_data(as_text=True)
        assert resp.status_code == 500
        assert "Traceback" not in body and "secret internals" not in body and "documents.py" not in body
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Traceback" not in missing.get_data(as_text=True)


def test_long_filter_lists_become_search_boxes_that_still_filter(client: FlaskClient,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.views import dashboard_filters

    listed = html(client, "/dashboard")
    assert '<select name="evaluation">' in listed
    evaluation = re.search(r'<select name="evaluation"><option value="">[^<]*</option><option value="([^"]+)">([^<]+)<',
                           listed)
    assert evaluation, "the dashboard lists no evaluation"
    iri, title = evaluation.group(1), evaluation.group(2)
    monkeypatch.setattr(dashboard_filters, "LONGEST_LIST", 0)
    page = html(client, "/dashboard?" + urllib.parse.urlencode({"evaluation": iri}))
    assert '<select name="evaluation">' not in page and '<select name="person">' not in page
    # the box shows the chosen evaluation's title; the form sends its IRI from a hidden field
    assert re.search(r'<input type="search" id="evaluation-search"[^>]*data-kinds="evaluation"', page)
    assert f'value="{escape(title)}"' in page
    assert f'<input type="hidden" id="evaluation-value" name="evaluation" value="{escape(iri)}">' in page
    # ... and the page is filtered by it, as with the list
    assert re.search(r'<ul class="inline active-filters"[^>]*>\s*<li>Evaluation: <b>', page)
