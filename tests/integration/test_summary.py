"""The derived tables answer every analysis query exactly as SPARQL does, and stay so after every kind of write."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.corpus.generate import generate
from kb import queries
from kb.build import build
from kb.document_graphs import delete_document
from kb.errors import QueryError
from kb.namespaces import DEFAULT_BASE as BASE
from kb.registry import Registry
from kb.settings import DATA_DIR
from kb.store import OxigraphStore
from kb.summary import ANSWERED
from kb.summary.tables import Summary
from kb.upload import ingest_bytes

SEEDS = DATA_DIR / "documents"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
MAKB = "https://w3id.org/makb/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _sparql(store: OxigraphStore, name: str) -> Counter[tuple[tuple[str, str], ...]]:
    result = queries.select(store, f"analysis/{name}")
    return Counter(tuple(sorted((v, t.value) for v, t in row.items())) for row in result)


def _derived(store: OxigraphStore, name: str) -> Counter[tuple[tuple[str, str], ...]]:
    answer = store.summary.answer(name, store.raw)
    assert answer is not None, f"the derived tables did not answer {name}"
    return Counter(tuple(sorted(r.items())) for r in answer[1])


def assert_same_answers(store: OxigraphStore) -> None:
    for name in ANSWERED:
        derived, sparql = _derived(store, name), _sparql(store, name)
        assert derived == sparql, f"{name}: {len(derived - sparql)} only derived, {len(sparql - derived)} only asked"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(30, 11, folder)
    return folder / "documents"


@pytest.fixture
def kb(tmp_path: Path, registry: Registry, corpus: Path) -> Iterator[OxigraphStore]:
    store = OxigraphStore(tmp_path / "store")
    assert not build(store, [SEEDS, corpus], registry, now=NOW).failed
    yield store
    store.close()


def test_a_build_leaves_fresh_tables_that_answer_as_sparql_does(kb: OxigraphStore) -> None:
    assert kb.summary.state() == "fresh"
    assert Path(str(kb.summary.path)).is_file()
    for name in ANSWERED:
        assert sum(_sparql(kb, name).values()) > 0, f"{name} answers nothing on the test KB"
    assert_same_answers(kb)


def test_analyses_read_the_tables_when_they_are_fresh(kb: OxigraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    sparql_rows = {name: queries.rows(kb, f"analysis/{name}", sort=True) for name in ANSWERED}
    asked: list[str] = []
    real = queries.select
    monkeypatch.setattr(queries, "select",
                        lambda store, name, *a, **k: asked.append(name) or real(store, name, *a, **k))
    for name in ANSWERED:
        assert queries.rows(kb, f"analysis/{name}", sort=True) == sparql_rows[name]
    assert asked == []


def test_every_kind_of_write_keeps_them_in_step(kb: OxigraphStore, registry: Registry, corpus: Path) -> None:
    # a newer version of a document, through the upload path (one SPARQL Update naming its graphs)
    first = sorted(corpus.iterdir())[0]
    text = first.read_text(encoding="utf-8")
    outcome = ingest_bytes(kb, registry, first.name, text.replace("Completed", "Ongoing").encode(), now=NOW)
    assert outcome.status == "replaced"
    assert kb.summary.state() == "fresh"
    assert_same_answers(kb)
    # a document deleted
    graph = next(g for g in kb.graphs() if g.startswith(BASE + "graph/") and g != outcome.graph
                 and not g.endswith(("entities", "registry")))
    assert delete_document(kb, graph, BASE)
    assert kb.summary.state() == "fresh"
    assert_same_answers(kb)
    # a graph written as raw triples (the Graph Store Protocol's PUT), then dropped
    action, rec = ox.NamedNode(BASE + "test/action"), ox.NamedNode(BASE + "test/rec")
    kb.replace_graph(BASE + "graph/test", [
        ox.Triple(action, ox.NamedNode(RDF_TYPE), ox.NamedNode(MAKB + "KeyAction")),
        ox.Triple(action, ox.NamedNode(MAKB + "recommendation"), rec),
        ox.Triple(action, ox.NamedNode(MAKB + "status"), ox.NamedNode(MAKB + "status/completed"))])
    assert kb.summary.state() == "fresh"
    assert (BASE + "test/action") in {r["action"] for r in queries.rows(kb, "analysis/key-actions")}
    assert_same_answers(kb)
    kb.drop_graph(BASE + "graph/test")
    assert_same_answers(kb)
    # a user's SPARQL Update, whose graphs nobody names: the tables go stale and are rebuilt before they answer
    kb.update(f"DELETE WHERE {{ GRAPH ?g {{ ?a <{MAKB}status> ?s }} }}")
    assert kb.summary.state() == "stale"
    assert_same_answers(kb)
    assert kb.summary.state() == "fresh"
    assert not any("status" in r for r in queries.rows(kb, "analysis/key-actions"))


def test_a_failed_write_leaves_them_stale_and_the_next_answer_rebuilds(kb: OxigraphStore) -> None:
    with pytest.raises(QueryError):
        kb.update("INSERT DATA { this is not SPARQL }")
    assert kb.summary.state() == "stale"
    assert_same_answers(kb)


def test_an_interrupted_write_is_rebuilt_by_the_next_writer(kb: OxigraphStore, tmp_path: Path) -> None:
    path = Path(str(kb.summary.path))
    kb.close()
    with sqlite3.connect(path) as conn:   # as a process killed between the store's write and the tables'
        conn.execute("UPDATE meta SET value = 'writing' WHERE key = 'state'")
        conn.execute("DELETE FROM fact WHERE rowid % 3 = 0")
    reader = OxigraphStore(tmp_path / "store", read_only=True)
    try:
        # a reading process never answers from tables caught mid-write: it asks the store
        assert reader.summary.answer("key-actions") is None
        rows = queries.rows(reader, "analysis/key-actions")
        assert len(rows) == sum(_sparql(reader, "key-actions").values()) > 0
    finally:
        reader.close()
    store = OxigraphStore(tmp_path / "store")
    try:
        assert store.summary.state() == "writing"
        assert_same_answers(store)
        assert store.summary.state() == "fresh"
    finally:
        store.close()


def test_a_store_without_tables_gets_them_from_its_contents(kb: OxigraphStore, tmp_path: Path) -> None:
    path = Path(str(kb.summary.path))
    kb.close()
    path.unlink()
    store = OxigraphStore(tmp_path / "store")
    try:
        assert store.summary.state() == "stale"
        assert_same_answers(store)
    finally:
        store.close()


def test_a_reader_without_the_file_asks_the_store(tmp_path: Path) -> None:
    summary = Summary(tmp_path / "none.sqlite", read_only=True)
    assert summary.state() == "absent"
    assert summary.answer("key-actions") is None
    assert not (tmp_path / "none.sqlite").exists()


def test_whole_kb_results_are_made_once_per_state_of_the_store(kb: OxigraphStore, tmp_path: Path) -> None:
    from kb.analysis import partner_graph
    from kb.analysis.scorecard import load
    from kb.summary import memo

    memo.forget()
    first = partner_graph(kb)
    assert partner_graph(kb) is first and load(kb) is load(kb)
    kept = list(Path(str(kb.summary.path)).with_suffix(".d").glob("*.pickle"))
    assert len(kept) == 2                      # the partner graph and the commitments, for the next process
    # another process (here: this one, having forgotten) reads them from the files, equal to what was made
    memo.forget()
    again = partner_graph(kb)
    assert again is not first and sorted(again.edges(data="weight")) == sorted(first.edges(data="weight"))
    # a write is a new state: the graph is made anew and shows it
    org, project = BASE + "test/new-partner", BASE + "test/project"
    kb.replace_graph(BASE + "graph/test-tie", [
        ox.Triple(ox.NamedNode(org), ox.NamedNode(RDF_TYPE), ox.NamedNode("http://www.w3.org/ns/org#Organization")),
        ox.Triple(ox.NamedNode(project), ox.NamedNode(RDF_TYPE), ox.NamedNode(MAKB + "Project")),
        ox.Triple(ox.NamedNode(project), ox.NamedNode(MAKB + "funder"), ox.NamedNode(org)),
        ox.Triple(ox.NamedNode(project), ox.NamedNode(MAKB + "funder"), ox.NamedNode(BASE + "org/undp"))])
    after = partner_graph(kb)
    assert after is not again and after.has_edge(org, BASE + "org/undp") and not first.has_node(org)
    # tables that are not fresh keep nothing: each call asks the store
    kb.update(f"INSERT DATA {{ GRAPH <{BASE}graph/test-tie> {{ <{org}> <{MAKB}acronym> \"NP\" }} }}")
    assert kb.summary.fresh_generation() is None
    assert memo.remembered(kb, "probe", object) is not memo.remembered(kb, "probe", object)


def test_a_build_over_a_store_made_before_the_tables_fills_them(kb: OxigraphStore, tmp_path: Path,
                                                                registry: Registry, corpus: Path) -> None:
    path = Path(str(kb.summary.path))
    kb.close()
    path.unlink()
    store = OxigraphStore(tmp_path / "store")
    try:
        report = build(store, [SEEDS, corpus], registry, now=NOW)     # nothing new to write
        assert report.count("unchanged") == len(report.outcomes)
        assert store.summary.state() == "fresh"
    finally:
        store.close()
