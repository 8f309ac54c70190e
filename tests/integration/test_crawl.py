"""Every same-origin link, followed from the start page to depth 2, answers (no 404, no server error);
the search, document and explorer pages answer as they promise: JSON or HTML by Accept, facts marked at
their spans, unknown names with suggestions, every graph IRI with a page, the drawn view as GraphML."""

from __future__ import annotations

import json
import re
import urllib.parse
from html.parser import HTMLParser

import networkx as nx
from flask.testing import FlaskClient

from tests.support.kbs import ANAMA, BASE, UNDP

#: links that lead to whole-KB files (written by a separate process); their own tests cover them
SKIPPED = ("/download/kb.",)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href:
            self.links.append(href)


def _same_origin(href: str) -> str | None:
    parts = urllib.parse.urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))


def _fetch(client: FlaskClient, url: str) -> tuple[int, str, str]:
    """(status, media type, text) of ``url``, one redirect followed; the answer is closed once read."""
    with client.get(url) as resp:
        status, mimetype, location = resp.status_code, resp.mimetype or "", resp.headers.get("Location")
        body = resp.get_data(as_text=True) if mimetype == "text/html" else ""
    target = _same_origin(location) if location and status in (301, 302, 303, 307, 308) else None
    return _fetch(client, target) if target else (status, mimetype, body)


def test_every_link_to_depth_two_answers(client: FlaskClient) -> None:
    seen: dict[str, int] = {}
    frontier = ["/"]
    broken: list[str] = []
    for depth in range(3):
        following: list[str] = []
        for url in frontier:
            if url in seen or url.startswith(SKIPPED):
                continue
            status, mimetype, body = _fetch(client, url)
            seen[url] = status
            if status >= 400:
                broken.append(f"{url} -> {status}")
                continue
            if depth < 2 and mimetype == "text/html":
                parser = _Links()
                parser.feed(body)
                following += [u for u in (_same_origin(h) for h in parser.links) if u]
        frontier = following
    assert broken == []
    assert len(seen) > 60                                    # the crawl really went somewhere
    assert any(u.startswith("/documents/") for u in seen)    # document pages are linked
    assert "/id/graph/registry" in seen or any(u.startswith("/id/graph/") for u in seen)


def test_search_answers_html_or_json(client: FlaskClient) -> None:
    data = client.get("/search?q=anama", headers={"Accept": "application/json"}).get_json()
    assert data["hits"][0]["iri"] == ANAMA and data["hits"][0]["url"] == "/id/org/anama"
    assert client.get("/search?q=anama&format=json").get_json() == data
    page = client.get("/search?q=anama", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and 'href="/id/org/anama"' in page.get_data(as_text=True)
    units = client.get("/search?q=undp&kind=unit&format=json").get_json()["hits"]
    assert units and {h["kind"] for h in units} == {"unit"}
    close = client.get("/search?q=anamax").get_data(as_text=True)
    assert "Nothing is called" in close and 'href="/id/org/anama"' in close
    assert client.get("/search?q=x&kind=planet").status_code == 400
    assert 'role="combobox"' in client.get("/documents").get_data(as_text=True)     # the box on every page


def test_document_page_marks_each_fact_and_opens_at_a_sentence(client: FlaskClient) -> None:
    listing = client.get("/documents").get_data(as_text=True)
    news = next(u for u in re.findall(r'href="(/documents/news/[^"]+)"', listing) if "script" not in u)
    page = client.get(news).get_data(as_text=True)
    marks = re.findall(r'<mark id="span-(\d+)"[^>]*>(.*?)</mark>', page, re.S)
    assert marks and [int(n) for n, _ in marks] == list(range(1, len(marks) + 1))
    facts = re.findall(r'<a href="#span-(\d+)">', page)
    assert facts and {int(n) for n in facts} <= {int(n) for n, _ in marks}
    sentence = "Micro grant project will be funded from existing project between ANAMA and UNDP"
    marked = [text for _, text in marks if sentence in text]
    assert marked, "the evidence sentence is marked in the text"
    where = client.get(f"{news}/evidence?text=" + urllib.parse.quote(re.sub(r"<[^>]+>", "", marked[0])))
    assert where.status_code == 303 and re.search(r"#span-\d+$", where.headers["Location"])
    entity = client.get("/id/org/anama").get_data(as_text=True)
    assert "/evidence?text=" in entity                      # an entity page links back to the sentence


def test_erc_warnings_sit_at_their_lines(client: FlaskClient) -> None:
    listing = client.get("/documents").get_data(as_text=True)
    erc = next(u for u in re.findall(r'href="(/documents/erc-page/[^"]+)"', listing))
    page = client.get(erc).get_data(as_text=True)
    warnings = re.findall(r'<span class="no" id="line-(\d+)"[^>]*>\d+</span><span class="warning"', page)
    assert warnings
    assert re.search(r'<a href="#span-\d+">Key action', page)


def test_unknown_names_answer_with_suggestions_and_graphs_resolve(client: FlaskClient) -> None:
    resp = client.get("/id/org/anamax")
    assert resp.status_code == 404 and 'href="/id/org/anama"' in resp.get_data(as_text=True)
    for graph in ("registry", "entities"):
        page = client.get(f"/id/graph/{graph}")
        assert page.status_code == 200 and f"Graph {graph}" in page.get_data(as_text=True)
    ego = client.get("/graph?org=Azerbaijan%20Agency")
    assert ego.status_code == 404
    assert "/graph?org=" + urllib.parse.quote(ANAMA, safe="") in ego.get_data(as_text=True)


def test_tie_details_and_the_drawn_view(client: FlaskClient) -> None:
    tie = client.get("/graph/tie?" + urllib.parse.urlencode({"a": ANAMA, "b": UNDP})).get_json()
    kinds = {t["kind"] for t in tie["ties"]}
    assert {"agreement", "project"} <= kinds
    sentences = [ev for t in tie["ties"] for ev in t["evidence"] if ev["sentence"]]
    assert sentences and all(ev["link"].startswith("/documents/news/") for ev in sentences)
    assert client.get("/graph/tie?" + urllib.parse.urlencode({"a": ANAMA, "b": BASE + "org/tnmac"})).status_code == 404
    graphml = client.get("/graph/view.graphml?kind=agreement")
    G = nx.parse_graphml(graphml.get_data(as_text=True))
    assert set(G.nodes) == {ANAMA, UNDP}
    page = client.get("/graph?type=national-authority&type=un-agency").get_data(as_text=True)
    found = re.search(r'id="graph-data">(.*?)</script>', page, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert {n["info"]["type"] for n in data["nodes"] if n["id"] != "more-organisations"} <= {
        "National authority", "UN agency"}
    assert 'class="edge-details"' in page and 'class="node-details"' in page
    for node in data["nodes"]:                  # each panel's links answer
        if node["id"] != "more-organisations":
            for key in ("entity", "ego", "dashboard"):
                with client.get(node["info"][key]) as resp:
                    assert resp.status_code == 200, (key, node["info"][key])
