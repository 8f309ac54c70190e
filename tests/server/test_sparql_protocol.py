"""The SPARQL 1.1 Protocol at /sparql on the real app under waitress (127.0.0.1), with real clients:
SPARQLWrapper and rdflib's SPARQLStore; negotiation, CORS, the service description; and hardening:
updates and SERVICE refused, the time limit, the row cap, hostile queries, no stack traces."""

from __future__ import annotations

import csv
import http.client
import io
import json
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from kb.store import OxigraphStore
from tests.support.webserver import running_app
from tests.unit.test_endpoint_check import Listener

pytestmark = pytest.mark.server

ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
ORGS = ("PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?o ?label WHERE { ?o a org:Organization ; skos:prefLabel ?label } ORDER BY ?o ?label")
LABELS = ("PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
          "CONSTRUCT { ?o skos:prefLabel ?l } WHERE { ?o a org:Organization ; skos:prefLabel ?l }")
EXPENSIVE = "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } GROUP BY ?a"
MAX_ROWS = 100


@dataclass
class Site:
    base: str          #: http://127.0.0.1:PORT/
    sparql: str        #: its /sparql URL
    store: Path        #: the on-disk KB it serves


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]

    def json(self) -> dict:
        return json.loads(self.body)


@pytest.fixture(scope="module")
def site(seed_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    store = tmp_path_factory.mktemp("protocol-kb") / "store"
    shutil.copytree(seed_store_dir, store)
    config = {"MAKB_STORE": str(store), "MAKB_QUERY_TIMEOUT": 2, "MAKB_MAX_ROWS": MAX_ROWS,
              "MAKB_QUERY_WORKERS": 2, "MAKB_ENDPOINT": ""}
    with running_app(config) as base:
        yield Site(base, base + "sparql", store)


@pytest.fixture(scope="module")
def expected(seed_store_dir: Path) -> Iterator[OxigraphStore]:
    """The served KB opened read-only in the test process: what every answer is compared with."""
    store = OxigraphStore(seed_store_dir, read_only=True)
    yield store
    store.close()


def call(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None, params: dict[str, str] | None = None, source: str | None = None) -> Reply:
    """One request; ``source`` is another loopback address to send it from (another client to the server)."""
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    if source is not None:
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30,
                                          source_address=(source, 0))
        try:
            conn.request(method or ("POST" if data is not None else "GET"),
                         parts.path + (f"?{parts.query}" if parts.query else ""), body=data, headers=headers or {})
            resp = conn.getresponse()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def query(site: Site, text: str, accept: str | None = None, how: str = "get", source: str | None = None,
          **params: str) -> Reply:
    headers = {"Accept": accept} if accept else {}
    if how == "get":
        return call(site.sparql, headers=headers, params={"query": text, **params}, source=source)
    if how == "form":
        return call(site.sparql, data=urllib.parse.urlencode({"query": text, **params}).encode(),
                    headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    return call(site.sparql, data=text.encode("utf-8"), params=params or None,
                headers={**headers, "Content-Type": "application/sparql-query"})


def assert_error(reply: Reply, status: int, *words: str) -> None:
    """One JSON error shape, naming the problem, without a stack trace."""
    assert reply.status == status, (reply.status, reply.body[:300])
    assert reply.type == "application/json"
    data = reply.json()
    assert set(data) >= {"error", "message", "status"} and data["status"] == status
    for word in words:
        assert word in data["message"], (word, data["message"])
    text = reply.body.decode("utf-8", "replace")
    assert "Traceback" not in text and 'File "' not in text and ".py" not in text


def still_answers(site: Site) -> None:
    reply = query(site, "ASK { ?o a org:Organization }", "application/sparql-results+json")
    assert reply.status == 200 and reply.json()["boolean"] is True


# ------------------------------------------------------------------------------------ real clients


def test_sparqlwrapper_json(site: Site, expected: OxigraphStore) -> None:
    sw = SPARQLWrapper(site.sparql)
    sw.setQuery(ORGS)
    sw.setReturnFormat(JSON)
    data = sw.query().convert()
    got = [(b["o"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]]
    want = [(r["o"].value, r["label"].value) for r in expected.select(ORGS)]
    assert got == want and len(want) > 10


def test_sparqlwrapper_xml_by_post(site: Site, expected: OxigraphStore) -> None:
    sw = SPARQLWrapper(site.sparql)
    sw.setQuery(ORGS)
    sw.setReturnFormat(XML)
    sw.setMethod(POST)
    doc = sw.query().convert()
    uris = [u.firstChild.data for u in doc.getElementsByTagName("uri")]
    assert uris == [r["o"].value for r in expected.select(ORGS)]


def test_sparqlwrapper_csv(site: Site, expected: OxigraphStore) -> None:
    sw = SPARQLWrapper(site.sparql)
    sw.setQuery(ORGS)
    sw.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(sw.query().convert().decode("utf-8"))))
    assert rows[0] == ["o", "label"]
    assert [tuple(r) for r in rows[1:]] == [(r["o"].value, r["label"].value) for r in expected.select(ORGS)]


def test_sparqlwrapper_construct_turtle(site: Site, expected: OxigraphStore) -> None:
    sw = SPARQLWrapper(site.sparql)
    sw.setQuery(LABELS)
    sw.setReturnFormat(TURTLE)
    got = rdflib.Graph().parse(data=sw.query().convert(), format="turtle")
    want = rdflib.Graph().parse(data=expected.query(LABELS).ntriples, format="nt")
    assert len(want) > 10 and isomorphic(got, want)


def test_rdflib_sparqlstore(site: Site, expected: OxigraphStore) -> None:
    graph = rdflib.Graph(store=SPARQLStore(site.sparql))
    rows = [(str(r.o), str(r.label)) for r in graph.query(ORGS)]
    assert rows == [(r["o"].value, r["label"].value) for r in expected.select(ORGS)]
    orgs = set(graph.subjects(rdflib.RDF.type, ORG.Organization))
    assert orgs == {rdflib.URIRef(r["o"].value) for r in expected.select(ORGS)}
    assert graph.query("ASK { ?o a <http://www.w3.org/ns/org#Organization> }").askAnswer is True


# ------------------------------------------------------------------------------------ protocol


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_the_three_ways_to_send_a_query_agree(site: Site, how: str, expected: OxigraphStore) -> None:
    reply = query(site, ORGS, "application/sparql-results+json", how)
    assert reply.status == 200 and reply.type == "application/sparql-results+json"
    assert [b["o"]["value"] for b in reply.json()["results"]["bindings"]] == [
        r["o"].value for r in expected.select(ORGS)]


@pytest.mark.parametrize(("accept", "params", "media_type"), [
    (None, {}, "application/sparql-results+json"),
    ("application/sparql-results+xml", {}, "application/sparql-results+xml"),
    ("text/csv", {}, "text/csv"),
    ("text/tab-separated-values", {}, "text/tab-separated-values"),
    ("text/html", {"format": "csv"}, "text/csv"),
    (None, {"output": "tsv"}, "text/tab-separated-values"),
])
def test_select_formats(site: Site, accept: str | None, params: dict[str, str], media_type: str) -> None:
    reply = query(site, "SELECT ?o WHERE { ?o a org:Organization } LIMIT 2", accept, **params)
    assert reply.status == 200 and reply.type == media_type
    assert "o" in reply.body.decode("utf-8").splitlines()[0]


@pytest.mark.parametrize(("accept", "params", "media_type", "parser"), [
    (None, {}, "text/turtle", "turtle"),
    ("application/n-triples", {}, "application/n-triples", "nt"),
    ("application/ld+json", {}, "application/ld+json", "json-ld"),
    ("application/rdf+xml", {}, "application/rdf+xml", "xml"),
    (None, {"format": "jsonld"}, "application/ld+json", "json-ld"),
    (None, {"format": "xml"}, "application/rdf+xml", "xml"),
])
def test_construct_formats(site: Site, expected: OxigraphStore, accept: str | None, params: dict[str, str],
                           media_type: str, parser: str) -> None:
    reply = query(site, LABELS, accept, "form", **params)
    assert reply.status == 200 and reply.type == media_type
    want = rdflib.Graph().parse(data=expected.query(LABELS).ntriples, format="nt")
    assert isomorphic(rdflib.Graph().parse(data=reply.body, format=parser), want)


def test_an_unmeetable_format_is_406(site: Site) -> None:
    assert_error(query(site, "ASK {}", "text/html"), 406, "application/sparql-results+json")
    assert_error(query(site, "ASK {}", format="ttl"), 406, "json, xml, csv, tsv")


def test_service_description_without_a_query(site: Site) -> None:
    reply = call(site.sparql)
    assert reply.status == 200 and reply.type == "text/turtle"
    g = rdflib.Graph().parse(data=reply.body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    me = rdflib.URIRef(site.sparql)
    assert (me, rdflib.RDF.type, sd.Service) in g and (me, sd.endpoint, me) in g
    assert (me, sd.supportedLanguage, sd.SPARQL11Query) in g
    as_jsonld = call(site.sparql, headers={"Accept": "application/ld+json"})
    assert as_jsonld.type == "application/ld+json"
    assert isomorphic(rdflib.Graph().parse(data=as_jsonld.body, format="json-ld"), g)


def test_cors_on_reads_errors_and_preflight(site: Site) -> None:
    ok = query(site, "ASK {}")
    error = query(site, "SELECT * {")
    posted = query(site, "ASK {}", how="direct")
    for reply in (ok, error, posted):
        assert reply.headers["access-control-allow-origin"] == "*"
    pre = call(site.sparql, method="OPTIONS", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status in (200, 204)
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "content-type" in pre.headers["access-control-allow-headers"].lower()


def test_rows_are_capped_and_the_answer_says_so(site: Site) -> None:
    cut = query(site, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert cut.status == 200 and len(cut.json()["results"]["bindings"]) == MAX_ROWS
    assert cut.headers.get("x-makb-truncated") == "true"
    whole = query(site, "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "text/csv")
    assert whole.status == 200 and "x-makb-truncated" not in whole.headers
    assert len(whole.body.decode().strip().splitlines()) == 6


def test_healthz(site: Site, expected: OxigraphStore) -> None:
    reply = call(site.base + "healthz")
    data = reply.json()
    assert reply.status == 200 and data["status"] == "ok"
    assert data["store"] == "embedded" and data["executor"] == "workers" and data["workers"] == 2
    assert data["triples"] == sum(expected.graph_counts().values()) and data["timeout"] == 2.0


# ------------------------------------------------------------------------------------ hardening


@pytest.mark.parametrize(("how", "body", "ctype"), [
    ("form-update", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "application/x-www-form-urlencoded"),
    ("update-body", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "application/sparql-update"),
    ("query-body", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "application/sparql-query"),
    ("query-form", "DELETE WHERE { ?s ?p ?o }", "application/x-www-form-urlencoded"),
])
def test_updates_are_refused(site: Site, how: str, body: str, ctype: str) -> None:
    if how == "form-update":
        data = urllib.parse.urlencode({"update": body}).encode()
    elif how == "query-form":
        data = urllib.parse.urlencode({"query": body}).encode()
    else:
        data = body.encode()
    assert_error(call(site.sparql, data=data, headers={"Content-Type": ctype}), 403, "read-only")
    assert query(site, "ASK { <urn:x:a> ?p ?o }").json()["boolean"] is False
    assert query(site, "ASK { ?s ?p ?o }").json()["boolean"] is True


@pytest.mark.parametrize("template", [
    "SELECT * {{ SERVICE <{E}> {{ ?s ?p ?o }} }}",
    "select * {{ service silent <{E}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ \\u0053ERVICE <{E}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?a ?b ?c.SERVICE <{E}> {{ ?s ?p ?o }} }}",
    "PREFIX : <{E}> SELECT * {{ ?a ?b ?c FILTER(1<2)SERVICE:x#>\n {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_and_nothing_connects(site: Site, template: str) -> None:
    listener = Listener()
    try:
        reply = query(site, template.format(E=listener.url), how="form")
        assert_error(reply, 403, "SERVICE")
        still_answers(site)    # a later query has gone through a worker: any call-out would be counted by now
        assert listener.count() == 0
    finally:
        listener.close()


def test_an_expensive_query_is_stopped_while_others_are_served(site: Site) -> None:
    slow: dict[str, Reply] = {}
    started = threading.Event()

    def run_slow() -> None:
        started.set()
        slow["reply"] = query(site, EXPENSIVE, "application/sparql-results+json")

    t = threading.Thread(target=run_slow)
    t.start()
    started.wait()
    # another client: one client never holds every worker
    quick = [query(site, "ASK { ?o a org:Organization }", "application/sparql-results+json", source="127.0.0.2")
             for _ in range(3)]
    t.join(60)
    assert [q.json()["boolean"] for q in quick] == [True, True, True]
    assert_error(slow["reply"], 503, "time limit of 2 s")
    still_answers(site)
    health = call(site.base + "healthz").json()
    assert health["timeouts"] >= 1 and health["workers_alive"] == 2


def test_hostile_queries_get_a_named_error_and_the_server_stays_up(site: Site) -> None:
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (1 << 20)
    cases = [
        (query(site, "SELECT * WHERE { ?s ?p ?o", how="direct"), 400, ["syntax error", "error at 1:"]),
        (call(site.sparql, data=b"\xff\xfe\x00SELECT", headers={"Content-Type": "application/sparql-query"}),
         400, ["cannot be decoded"]),
        (query(site, "", how="form"), 400, ["empty query"]),
        (query(site, "hello world"), 400, ["not a SPARQL query"]),
        (query(site, huge, how="direct"), 413, ["1,048,", "limit is 65,536"]),
        (query(site, huge, how="form"), 413, ["limit is 65,536"]),
        (query(site, "SELECT * WHERE " + "{" * 5000 + "}" * 5000), 400, ["nests brackets 5000 deep"]),
        (query(site, "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 60000 + "true) }", how="direct"), 413,
         ["stopped the process running it", "SIGSEGV"]),
        (query(site, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"), 503, ["time limit"]),
        (query(site, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f "
                     "FILTER regex(CONCAT(STR(?c), STR(?f)), '^(a+)+(b+)+(c+)+$') }"), 503, ["time limit"]),
        (call(site.sparql, data=b"query=x", headers={"Content-Type": "text/plain"}), 415, ["sparql-query"]),
        (query(site, "ASK {}", **{"default-graph-uri": "not an IRI"}), 400, ["default-graph-uri", "not an IRI"]),
    ]
    for reply, status, words in cases:
        assert_error(reply, status, *words)
        still_answers(site)
    # a URL over the HTTP server's header limit is refused before the app, with a status that says so
    too_long = query(site, huge)
    assert too_long.status == 431 and b"Traceback" not in too_long.body
    # a cartesian product that streams is cut at the row cap; a backtracking-prone regex is linear here
    streamed = query(site, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "application/sparql-results+json")
    assert streamed.status == 200 and streamed.headers["x-makb-truncated"] == "true"
    digits = "1" + "0" * 48      # becomes 49 a's and a '!': 2^49 paths for a backtracking engine
    for tail, matches in (("!", False), ("", True)):
        redos = query(site, f"ASK {{ BIND(CONCAT(REPLACE(STR({digits}), '.', 'a'), '{tail}') AS ?x) "
                            "FILTER regex(?x, '^(a+)+$') }", "application/sparql-results+json")
        assert redos.status == 200 and redos.json()["boolean"] is matches
    still_answers(site)


def test_a_web_write_pauses_the_workers_and_queries_then_see_it(seed_store_copy: Path) -> None:
    from webapp import create_app

    app = create_app({"MAKB_STORE": str(seed_store_copy), "MAKB_WRITE_TOKEN": "secret", "MAKB_ENDPOINT": "",
                      "MAKB_QUERY_WORKERS": 1})
    client = app.test_client()
    ask = {"query": "ASK { <urn:x:new> ?p ?o }"}
    try:
        assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
        executor = app.extensions["makb"].services["executor"]
        before = {w.process.pid for w in executor._workers}
        written = client.post("/update", data="INSERT DATA { GRAPH <urn:x:g> { <urn:x:new> <urn:x:p> 1 } }",
                              content_type="application/sparql-update", headers={"Authorization": "Bearer secret"})
        assert written.status_code == 200
        assert {w.process.pid for w in executor._workers}.isdisjoint(before)   # workers started afresh
        assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True
    finally:
        app.extensions["makb"].close()


# ------------------------------------------------------------------------------------ datasets (FROM, protocol)

REGISTRY_GRAPH = "https://w3id.org/makb/id/graph/registry"
COUNT = "SELECT (COUNT(*) AS ?n) {FROM} WHERE {{ ?s ?p ?o }}"
COUNT_NAMED = "SELECT (COUNT(*) AS ?n) {FROM} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"


def count(reply: Reply) -> int:
    assert reply.status == 200, reply.body[:300]
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def test_from_and_the_protocol_parameters_choose_the_dataset(site: Site, expected: OxigraphStore) -> None:
    registry = len(expected.select(f"SELECT * WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?s ?p ?o }} }}"))
    everything = len(expected.select("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert 0 < registry < everything
    js = "application/sparql-results+json"
    # no dataset named: the default graph is the union of every graph
    assert count(query(site, COUNT.format(FROM=""), js)) == everything
    # FROM names the default graph; FROM NAMED alone leaves it empty and names the graphs GRAPH sees
    assert count(query(site, COUNT.format(FROM=f"FROM <{REGISTRY_GRAPH}>"), js)) == registry
    assert count(query(site, COUNT.format(FROM=f"FROM <{REGISTRY_GRAPH}>"), js, how="direct")) == registry
    assert count(query(site, COUNT.format(FROM=f"FROM NAMED <{REGISTRY_GRAPH}>"), js)) == 0
    assert count(query(site, COUNT_NAMED.format(FROM=f"FROM NAMED <{REGISTRY_GRAPH}>"), js)) == registry
    assert count(query(site, COUNT.format(FROM="FROM <https://example.org/no-such-graph>"), js)) == 0
    # default-graph-uri / named-graph-uri, by GET and by form, override the query's own dataset
    for how in ("get", "form"):
        assert count(query(site, COUNT.format(FROM=""), js, how=how,
                           **{"default-graph-uri": REGISTRY_GRAPH})) == registry
        assert count(query(site, COUNT.format(FROM="FROM <https://example.org/no-such-graph>"), js, how=how,
                           **{"default-graph-uri": REGISTRY_GRAPH})) == registry
        assert count(query(site, COUNT_NAMED.format(FROM=""), js, how=how,
                           **{"named-graph-uri": REGISTRY_GRAPH})) == registry
    # the words FROM in a string, an IRI or a variable name no dataset
    assert count(query(site, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(STR(?o) != 'FROM') }", js)) \
        <= everything
    assert count(query(site, "SELECT (COUNT(?from) AS ?n) WHERE { ?from ?p ?o }", js)) == everything
