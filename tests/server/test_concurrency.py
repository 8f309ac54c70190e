"""Sixteen readers query over HTTP while documents are ingested through the web: no errors, and every
answer comes from a consistent state (a document graph is whole or absent, never half there)."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kb import ingest
from kb.registry import Registry
from tests.support.kbs import erc_variant, mapped_counts
from tests.support.webserver import running_app

TOKEN = "concurrency-token"
READERS = 16
DOCUMENTS = 12
QUERY = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o }
  FILTER (REGEX(STR(?g), "/graph/erc-page/final-evaluation-[0-9]+-")) } GROUP BY ?g"""


def expected_counts(texts: list[str], registry: Registry) -> dict[str, int]:
    return mapped_counts((ingest.decode(t.encode("utf-8"), f"variant-{i}.txt") for i, t in enumerate(texts)), registry)


def test_readers_see_whole_documents_while_an_ingest_runs(seed_store_copy: Path, registry: Registry) -> None:
    texts = [erc_variant(1000 + i) for i in range(DOCUMENTS)]
    expected = expected_counts(texts, registry)
    assert all(re.search(r"final-evaluation-[0-9]+-", g) for g in expected)
    # every reader comes from 127.0.0.1: let that one client have them all running or waiting
    config = {"MAKB_STORE": str(seed_store_copy), "MAKB_WRITE_TOKEN": TOKEN, "MAKB_QUERY_WORKERS": 2,
              "MAKB_QUERY_TIMEOUT": 30, "MAKB_CLIENT_QUERIES": READERS, "MAKB_QUERY_QUEUE": READERS}
    with running_app(config) as base:
        stop = threading.Event()
        answers: list[int] = []
        errors: list[str] = []
        inconsistent: list[str] = []
        lock = threading.Lock()

        def reader() -> None:
            url = base + "sparql?" + urllib.parse.urlencode({"query": QUERY})
            req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(req, timeout=60) as resp:
                        rows = json.load(resp)["results"]["bindings"]
                except (urllib.error.URLError, OSError, ValueError) as exc:
                    with lock:
                        errors.append(repr(exc))
                    continue
                seen = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
                bad = [g for g, n in seen.items() if expected.get(g) != n]
                with lock:
                    answers.append(len(seen))
                    inconsistent.extend(f"{g}: {seen[g]} of {expected.get(g)}" for g in bad)

        threads = [threading.Thread(target=reader, daemon=True) for _ in range(READERS)]
        for t in threads:
            t.start()
        for i, text in enumerate(texts):
            req = urllib.request.Request(f"{base}upload?name=variant-{i}.txt", data=text.encode("utf-8"),
                                         headers={"Authorization": f"Bearer {TOKEN}",
                                                  "Content-Type": "application/x-www-form-urlencoded"},
                                         method="POST")
            with urllib.request.urlopen(req, timeout=120) as resp:
                assert resp.status == 201
        stop.set()
        for t in threads:
            t.join(timeout=120)

        final_req = urllib.request.Request(base + "sparql?" + urllib.parse.urlencode({"query": QUERY}),
                                           headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(final_req, timeout=60) as resp:
            final = {r["g"]["value"]: int(r["n"]["value"]) for r in json.load(resp)["results"]["bindings"]}

    assert errors == []
    assert inconsistent == []
    assert final == expected
    assert len(answers) >= READERS          # every reader got answers
    assert min(answers) < DOCUMENTS         # reads overlapped the ingest: some saw it unfinished
    assert max(answers) <= DOCUMENTS
