"""The result cache behind ``/sparql``: the same bytes and headers hit or miss, a web write drops it, errors and
refusals are never kept, a hit takes no query worker, and ``MAKB_RESULT_CACHE_MB=0`` turns it off."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from kb.namespaces import PREFIXES
from kb.sparql.check import with_prefixes
from kb.sparql.pool import WorkerPool
from tests.support.kbs import erc_variant
from webapp.kbstate import KBState, query_executor
from webapp.sparql import CACHE_HEADER, TRUNCATED_HEADER

TOKEN = "cache-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {"Accept": "application/sparql-results+json"}
GRAPH = "urn:test:cache"
COUNT_IN_GRAPH = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
EVALUATIONS = "SELECT (COUNT(?e) AS ?n) WHERE { ?e a makb:Evaluation }"


@pytest.fixture
def app(make_app: Callable[..., Flask], seed_store_copy: Path) -> Flask:
    return make_app(seed_store_copy, MAKB_WRITE_TOKEN=TOKEN, MAKB_QUERY_WORKERS=1)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


def state_of(app: Flask) -> KBState:
    return app.extensions["makb"]


def pool_of(app: Flask) -> WorkerPool:
    executor = query_executor(app)
    assert isinstance(executor, WorkerPool)
    return executor


def ask(client: FlaskClient, query: str, headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None) -> TestResponse:
    return client.get("/sparql", query_string={"query": query, **(params or {})}, headers=headers or JSON)


def count(resp: TestResponse) -> int:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return int(resp.get_json()["results"]["bindings"][0]["n"]["value"])


def test_a_hit_is_the_same_bytes_and_headers_and_takes_no_worker(app: Flask, client: FlaskClient) -> None:
    query = "SELECT ?org ?label WHERE { ?org a org:Organization ; skos:prefLabel ?label } ORDER BY ?org ?label"
    first = ask(client, query)
    assert first.status_code == 200 and first.headers[CACHE_HEADER] == "miss"
    queries_run = pool_of(app).counts["queries"]
    second = ask(client, query)
    assert second.headers[CACHE_HEADER] == "hit"
    assert second.get_data() == first.get_data() and len(first.get_json()["results"]["bindings"]) > 3
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["Access-Control-Allow-Origin"] == "*" and CACHE_HEADER in \
        second.headers["Access-Control-Expose-Headers"]
    assert pool_of(app).counts["queries"] == queries_run          # no worker was asked
    # the same query sent another way, spaced otherwise, with its prefixes declared: the same answer
    spaced = "# organisations and their names\n" + with_prefixes(query, PREFIXES).replace(" ; ", " ;\n    ")
    posted = client.post("/sparql", data=spaced, content_type="application/sparql-query", headers=JSON)
    assert posted.headers[CACHE_HEADER] == "hit" and posted.get_data() == first.get_data()
    # another format is another answer
    csv = ask(client, query, {"Accept": "text/csv"})
    assert csv.headers[CACHE_HEADER] == "miss" and csv.headers["Content-Type"].startswith("text/csv")
    assert ask(client, query, {"Accept": "text/csv"}).get_data() == csv.get_data()
    assert client.get("/healthz").get_json()["result_cache"]["hits"] == 3


def test_an_uncached_answer_equals_a_cached_one(make_app: Callable[..., Flask], seed_store_dir: Path,
                                                tmp_path: Path, client: FlaskClient) -> None:
    query = "CONSTRUCT { ?o skos:prefLabel ?l } WHERE { ?o a org:Organization ; skos:prefLabel ?l }"
    ask(client, query, {"Accept": "application/n-triples"})
    hit = ask(client, query, {"Accept": "application/n-triples"})
    assert hit.headers[CACHE_HEADER] == "hit"
    other = tmp_path / "same-kb"
    shutil.copytree(seed_store_dir, other)     # the same KB, held by an app without the cache
    plain = make_app(other, MAKB_RESULT_CACHE_MB=0, MAKB_QUERY_WORKERS=1)
    with plain.test_client() as c:
        uncached = ask(c, query, {"Accept": "application/n-triples"})
    assert CACHE_HEADER not in uncached.headers
    assert uncached.get_data() == hit.get_data() and uncached.headers["Content-Type"] == hit.headers["Content-Type"]
    assert len(hit.get_data().splitlines()) > 3


def test_a_cut_answer_keeps_its_truncation_header(make_app: Callable[..., Flask], seed_store_copy: Path) -> None:
    app = make_app(seed_store_copy, MAKB_MAX_ROWS=3, MAKB_QUERY_WORKERS=1)
    with app.test_client() as c:
        first = ask(c, "SELECT * WHERE { ?s ?p ?o }")
        second = ask(c, "SELECT * WHERE { ?s ?p ?o }")
    assert first.headers[TRUNCATED_HEADER] == "true" and second.headers[TRUNCATED_HEADER] == "true"
    assert second.headers[CACHE_HEADER] == "hit" and second.get_data() == first.get_data()
    assert len(second.get_json()["results"]["bindings"]) == 3


def test_a_dataset_named_by_the_request_is_another_answer(client: FlaskClient) -> None:
    whole = count(ask(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    resp = ask(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", params={"default-graph-uri": "urn:test:none"})
    assert resp.headers[CACHE_HEADER] == "miss" and count(resp) == 0 < whole


def test_sparql_update_through_the_app_drops_the_cache(client: FlaskClient) -> None:
    assert count(ask(client, COUNT_IN_GRAPH)) == 0
    assert ask(client, COUNT_IN_GRAPH).headers[CACHE_HEADER] == "hit"
    resp = client.post("/update", data=f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> 'c', 'd' }} }}",
                       content_type="application/sparql-update", headers=AUTH)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    after = ask(client, COUNT_IN_GRAPH)
    assert after.headers[CACHE_HEADER] == "miss" and count(after) == 2


def test_graph_store_writes_drop_the_cache(client: FlaskClient) -> None:
    assert count(ask(client, COUNT_IN_GRAPH)) == 0
    resp = client.put(f"/store?graph={GRAPH}", data="<urn:a> <urn:b> <urn:c> .", content_type="application/n-triples",
                      headers=AUTH)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert count(ask(client, COUNT_IN_GRAPH)) == 1
    assert client.delete(f"/store?graph={GRAPH}", headers=AUTH).status_code == 200
    assert count(ask(client, COUNT_IN_GRAPH)) == 0


def test_an_upload_drops_the_cache(client: FlaskClient) -> None:
    before = count(ask(client, EVALUATIONS))
    assert ask(client, EVALUATIONS).headers[CACHE_HEADER] == "hit"
    resp = client.post("/upload?name=variant.txt", data=erc_variant(3).encode("utf-8"), headers=AUTH)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    after = ask(client, EVALUATIONS)
    assert after.headers[CACHE_HEADER] == "miss" and count(after) == before + 1


def test_a_refused_write_keeps_the_cache(client: FlaskClient, app: Flask) -> None:
    ask(client, EVALUATIONS)
    resp = client.post("/update", data="INSERT DATA { <urn:a> <urn:b> 'c' }", content_type="application/sparql-update")
    assert resp.status_code == 401
    assert ask(client, EVALUATIONS).headers[CACHE_HEADER] == "hit"


@pytest.mark.parametrize(("query", "status"), [
    ("SELECT * WHERE { ?s ?p }", 400),                                          # a syntax error
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403),     # refused before it runs
])
def test_errors_and_refusals_are_never_kept(app: Flask, client: FlaskClient, query: str, status: int) -> None:
    for _ in range(2):
        resp = ask(client, query)
        assert resp.status_code == status and CACHE_HEADER not in resp.headers
    assert len(state_of(app).results) == 0


def test_a_timeout_is_not_kept(make_app: Callable[..., Flask], seed_store_copy: Path) -> None:
    app = make_app(seed_store_copy, MAKB_QUERY_TIMEOUT=0.5, MAKB_QUERY_WORKERS=1)
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    pool_of(app).run_checked("ASK {}", deadline=time.monotonic() + 60)    # the worker has opened the store
    with app.test_client() as c:
        resp = ask(c, heavy)
    assert resp.status_code == 503 and resp.get_json()["error"] == "query-timeout"
    assert CACHE_HEADER not in resp.headers
    assert len(state_of(app).results) == 0


def test_zero_turns_the_cache_off(make_app: Callable[..., Flask], seed_store_copy: Path) -> None:
    app = make_app(seed_store_copy, MAKB_RESULT_CACHE_MB=0, MAKB_QUERY_WORKERS=1)
    with app.test_client() as c:
        first, second = ask(c, EVALUATIONS), ask(c, EVALUATIONS)
    assert CACHE_HEADER not in first.headers and CACHE_HEADER not in second.headers
    assert first.get_data() == second.get_data()
    assert pool_of(app).counts["queries"] == 2 and len(state_of(app).results) == 0
