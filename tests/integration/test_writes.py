"""Writes through the web exist only with a token; uploads are limited and parsed before storing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.store import OxigraphStore
from tests.conftest import SEED_FILES
from webapp import create_app

TOKEN = "s3cret-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
G = "https://example.org/graph/uploaded"


def make_app(store_dir: Path, token: str | None, **extra: object) -> Flask:
    config = {"MAKB_STORE": str(store_dir), "MAKB_WRITE_TOKEN": token, "MAKB_QUERY_WORKERS": 1, "TESTING": True}
    config.update(extra)
    return create_app(config)


@pytest.fixture
def client(seed_store_copy: Path) -> Iterator[FlaskClient]:
    app = make_app(seed_store_copy, TOKEN, MAKB_MAX_UPLOAD_BYTES=200_000)
    with app.test_client() as c:
        yield c
    app.extensions["makb"].close()


WRITES = [
    ("post", "/upload?name=x.txt", {"data": b"hello"}),
    ("post", "/update", {"data": "INSERT DATA { <a:a> <a:b> <a:c> }", "content_type": "application/sparql-update"}),
    ("put", f"/store?graph={G}", {"data": "<a:a> <a:b> <a:c> .", "content_type": "application/n-triples"}),
    ("post", f"/store?graph={G}", {"data": "<a:a> <a:b> <a:c> .", "content_type": "application/n-triples"}),
    ("delete", f"/store?graph={G}", {}),
]


@pytest.mark.parametrize(("method", "url", "kwargs"), WRITES)
def test_without_a_configured_token_every_write_is_refused(seed_store_copy: Path, method: str, url: str,
                                                           kwargs: dict) -> None:
    app = make_app(seed_store_copy, None)
    with app.test_client() as c:
        resp = getattr(c, method)(url, headers=AUTH, **kwargs)
        assert resp.status_code == 403
        assert resp.get_json()["error"] == "forbidden" and "MAKB_WRITE_TOKEN" in resp.get_json()["message"]
    app.extensions["makb"].close()


@pytest.mark.parametrize(("method", "url", "kwargs"), WRITES)
@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_a_wrong_or_missing_token_is_unauthorised(client: FlaskClient, method: str, url: str, kwargs: dict,
                                                  header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    resp = getattr(client, method)(url, headers=headers, **kwargs)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert resp.get_json() == {"error": "unauthorized", "status": 401,
                               "message": "a valid bearer token is required to write (Authorization: Bearer <token>)"}


def test_upload_ingests_a_document(client: FlaskClient) -> None:
    text = SEED_FILES["erc"].read_text(encoding="utf-8").replace(
        "Final evaluation of the Support", "Mid-term evaluation of the Support")
    resp = client.post("/upload?name=midterm.txt", data=text.encode("utf-8"), headers=AUTH)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "added" and body["kind"] == "erc-page" and body["triples"] > 300
    again = client.post("/upload", data={"file": (SEED_FILES["news"].open("rb"), "news.txt")}, headers=AUTH,
                        content_type="multipart/form-data")
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"
    store = client.application.extensions["makb"].store
    assert body["graph"] in store.graphs()


def test_bad_uploads_change_nothing(client: FlaskClient) -> None:
    store = client.application.extensions["makb"].store
    before = store.graph_counts()
    junk = client.post("/upload?name=junk.bin", data=b"\x00\x01\x02" * 100, headers=AUTH)
    assert junk.status_code == 422 and "junk.bin: binary data" in junk.get_json()["message"]
    prose = client.post("/upload?name=prose.txt", data=b"Nothing to see here.\n", headers=AUTH)
    assert prose.status_code == 422 and "prose.txt:1: not a recognised document" in prose.get_json()["message"]
    big = client.post("/upload?name=big.txt", data=b"a" * 300_000, headers=AUTH)
    assert big.status_code == 413
    assert store.graph_counts() == before


def test_sparql_update_with_the_token(client: FlaskClient) -> None:
    resp = client.post("/update", data={"update": f"INSERT DATA {{ GRAPH <{G}> {{ <a:s> <a:p> \"o\" }} }}"},
                       headers=AUTH)
    assert resp.status_code == 200
    store = client.application.extensions["makb"].store
    assert store.graph_counts()[G] == 1
    bad = client.post("/update", data="INSERT DATA {", content_type="application/sparql-update", headers=AUTH)
    assert bad.status_code == 400 and "syntax" in bad.get_json()["message"].lower()


def test_graph_store_put_post_delete(client: FlaskClient) -> None:
    store: OxigraphStore = client.application.extensions["makb"].store
    put = client.put(f"/store?graph={G}", data="<a:s> <a:p> <a:o1> , <a:o2> .", content_type="text/turtle",
                     headers=AUTH)
    assert put.status_code == 201 and put.get_json()["triples"] == 2
    post = client.post(f"/store?graph={G}", data="<a:s> <a:p> <a:o3> .", content_type="application/n-triples",
                       headers=AUTH)
    assert post.status_code == 200 and store.graph_counts()[G] == 3
    replace = client.put(f"/store?graph={G}", data="<a:s> <a:p> <a:o9> .", content_type="text/turtle", headers=AUTH)
    assert replace.status_code == 200 and store.graph_counts()[G] == 1
    broken = client.put(f"/store?graph={G}", data="<a:s> <a:p> .", content_type="text/turtle", headers=AUTH)
    assert broken.status_code == 422 and "not valid text/turtle" in broken.get_json()["message"]
    assert store.graph_counts()[G] == 1                  # a bad body changes nothing
    assert client.delete(f"/store?graph={G}", headers=AUTH).status_code == 200
    assert G not in store.graphs()
    assert client.delete(f"/store?graph={G}", headers=AUTH).status_code == 404
    assert client.put("/store", data="", content_type="text/turtle", headers=AUTH).status_code == 400


def test_the_partner_graph_page_follows_writes(client: FlaskClient) -> None:
    """The explorer reuses its partner graph between requests, and a write drops it."""
    org = "https://example.org/org/zz-new-partner"
    before = client.get("/graph").get_data(as_text=True)
    assert "zz-new-partner" not in before
    update = f"""PREFIX makb: <https://w3id.org/makb/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        INSERT DATA {{ GRAPH <{G}> {{
          <{org}> a org:Organization ; skos:prefLabel "ZZ New Partner" .
          <https://example.org/project/p1> a makb:Project ;
            makb:funder <{org}> , <https://w3id.org/makb/id/org/undp> .
        }} }}"""
    resp = client.post("/update", data=update, content_type="application/sparql-update", headers=AUTH)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    after = client.get("/graph").get_data(as_text=True)
    assert "zz-new-partner" in after


def test_the_dashboard_follows_writes(client: FlaskClient) -> None:
    before = client.get("/dashboard?format=csv&as_of=2026-01-01").get_data(as_text=True).splitlines()
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a <https://w3id.org/makb/ontology#accountableUnit> ?u } }"
    rows = client.get("/sparql", query_string={"query": q},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
    assert rows and len(before) > 1
    for row in rows:
        resp = client.delete("/store", query_string={"graph": row["g"]["value"]}, headers=AUTH)
        assert resp.status_code in (200, 204), resp.get_data(as_text=True)
    after = client.get("/dashboard?format=csv&as_of=2026-01-01").get_data(as_text=True).splitlines()
    assert len(after) == 1      # the header row only: no key action is left


def test_an_entity_page_follows_writes(client: FlaskClient) -> None:
    """Entity pages are kept once rendered, and a write drops them."""
    page = "/entity?iri=https%3A%2F%2Fw3id.org%2Fmakb%2Fid%2Forg%2Fundp"
    before = client.get(page).get_data(as_text=True)
    assert client.get(page).get_data(as_text=True) == before
    assert "ZZ Renamed" not in before
    update = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
              f'INSERT DATA {{ GRAPH <{G}> {{ <https://w3id.org/makb/id/org/undp> skos:altLabel "ZZ Renamed" }} }}')
    resp = client.post("/update", data=update, content_type="application/sparql-update", headers=AUTH)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert "ZZ Renamed" in client.get(page).get_data(as_text=True)
