"""``kb.sparql.executors``: bounded query execution on worker processes, in-thread and on a remote endpoint;
rendering answers; the service description; the health report."""

from __future__ import annotations

import csv
import io
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kb.errors import NotAcceptable, QueryError, QueryRefused, QueryTimeout, QueryTooLarge, StoreError
from kb.settings import load
from kb.sparql.executors import SD, Answer, InThreadExecutor, RemoteExecutor
from kb.sparql.negotiation import RDF_FORMATS, RESULT_FORMATS, choose, serialise_answer
from kb.sparql.pool import WorkerPool
from kb.sparql.service import answer, describe_service, health, make_executor, service_description
from kb.store import OxigraphStore, RemoteStore
from kb.store.results import AskResult, GraphResult, SelectResult
from tests.support.servers import free_port

LIMITS = {"timeout": 2.0, "max_rows": 100, "max_bytes": 65536}
#: a triple cartesian product over the seed KB (~5e9 rows), grouped: nothing comes out before it is all done
EXPENSIVE = "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } GROUP BY ?a"
#: crashes the engine's recursive parser (the endpoint's own check bounds brackets, not unary operators)
STACK_BUSTER = "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 60000 + "true) }"
ORGS = "SELECT ?o WHERE { ?o a org:Organization } ORDER BY ?o"


@pytest.fixture(scope="module")
def pool(seed_store_dir: Path) -> Iterator[WorkerPool]:
    p = WorkerPool(seed_store_dir, workers=2, **LIMITS)
    yield p
    p.close()


@pytest.fixture(scope="module")
def direct(seed_store_dir: Path) -> Iterator[OxigraphStore]:
    """The same KB opened read-only in the test process, to compare answers with."""
    store = OxigraphStore(seed_store_dir, read_only=True)
    yield store
    store.close()


def test_pool_answers_like_the_store(pool: WorkerPool, direct: OxigraphStore) -> None:
    ans = pool.execute(ORGS)
    assert ans.form == "SELECT" and isinstance(ans.result, SelectResult)
    expected = direct.select("PREFIX org: <http://www.w3.org/ns/org#> " + ORGS)
    assert ans.result.rows == expected.rows and len(expected.rows) > 5
    assert not ans.truncated
    ask = pool.execute("ASK { ?o a org:Organization }")
    assert ask.form == "ASK" and ask.result == AskResult(True)


def test_rows_and_triples_are_capped_and_marked(pool: WorkerPool) -> None:
    rows = pool.execute("SELECT * WHERE { ?s ?p ?o }")
    assert len(rows.result.rows) == 100 and rows.truncated
    graph = pool.execute("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(graph.result, GraphResult) and graph.result.count == 100 and graph.truncated
    exact = pool.execute("SELECT ?s WHERE { ?s ?p ?o } LIMIT 100")
    assert len(exact.result.rows) == 100 and not exact.truncated


def test_syntax_errors_carry_the_parser_message(pool: WorkerPool) -> None:
    with pytest.raises(QueryError, match=r"SPARQL syntax error: error at 1:\d+") as info:
        pool.execute("SELECT * WHERE { ?s ?p ?o")
    assert info.value.status == 400


def test_refusals_happen_before_any_worker_runs(pool: WorkerPool) -> None:
    before = pool.counts["queries"]
    with pytest.raises(QueryRefused):
        pool.execute("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryRefused):
        pool.execute("INSERT DATA { <a:a> <a:b> <a:c> }")
    assert pool.counts["queries"] == before


def test_a_query_past_the_limit_is_stopped_and_its_worker_replaced(pool: WorkerPool) -> None:
    pids = {w.process.pid for w in pool._workers}
    with pytest.raises(QueryTimeout, match="time limit of 2 s") as info:
        pool.execute(EXPENSIVE)
    assert info.value.status == 503
    assert pool.counts["timeouts"] >= 1
    killed = pids - {w.process.pid for w in pool._workers}
    assert len(killed) == 1
    assert pool.alive() == 2
    assert pool.execute("ASK { ?s ?p ?o }").result == AskResult(True)


def test_other_queries_are_answered_while_one_runs_long(pool: WorkerPool) -> None:
    outcome: dict[str, object] = {}
    started = threading.Event()

    def slow() -> None:
        started.set()
        try:
            pool.execute(EXPENSIVE, client="heavy")
        except QueryTimeout as exc:
            outcome["slow"] = exc

    t = threading.Thread(target=slow)
    t.start()
    started.wait()
    answers = [pool.execute("ASK { ?o a org:Organization }", client="light").result for _ in range(3)]
    t.join()
    assert answers == [AskResult(True)] * 3
    assert isinstance(outcome.get("slow"), QueryTimeout)


def test_a_query_that_crashes_its_worker_is_an_error_and_the_pool_recovers(seed_store_dir: Path) -> None:
    p = WorkerPool(seed_store_dir, workers=1, timeout=10, max_rows=10, max_bytes=1 << 20)
    try:
        with pytest.raises(QueryTooLarge, match=r"stopped the process running it .*SIGSEGV") as info:
            p.execute(STACK_BUSTER)
        assert info.value.status == 413
        # the worker stopped itself (not killed from outside): the query is named at once, not retried
        assert p.counts["crashes"] == 1 and p.counts["retries"] == 0
        assert p.execute("ASK { ?s ?p ?o }").result == AskResult(True)
    finally:
        p.close()


def test_a_worker_a_query_left_big_is_replaced_and_answers_go_on(seed_store_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.sparql import pool as pool_module

    monkeypatch.setattr(pool_module, "RECYCLE_MB", 0)      # every worker counts as big once it has answered
    p = WorkerPool(seed_store_dir, workers=1, **LIMITS)
    try:
        first = p.execute("ASK { ?s ?p ?o }")
        pid = next(iter(p._workers)).process.pid
        assert first.result == AskResult(True)
        assert p.execute("ASK { ?s ?p ?o }").result == AskResult(True)
        assert p.counts["recycled"] == 2 and p.counts["crashes"] == 0
        assert pid not in {w.process.pid for w in p._workers} and p.alive() == 1
    finally:
        p.close()


def test_writing_pauses_the_workers_and_they_see_the_write(seed_store_copy: Path) -> None:
    primary = OxigraphStore(seed_store_copy)
    p = WorkerPool(seed_store_copy, workers=2, primary=primary, **LIMITS)
    ask = "ASK { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> 'new' } }"
    try:
        assert p.execute(ask).result == AskResult(False)
        seen: list[object] = []
        with p.writing():
            assert p.alive() == 0
            # a query arriving now waits for the write and the restarted workers
            reader = threading.Thread(target=lambda: seen.append(p.execute(ask).result))
            reader.start()
            primary.update("INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> 'new' } }")
        reader.join()
        assert seen == [AskResult(True)]
        assert p.execute(ask).result == AskResult(True)
        assert p.alive() == 2
        p.refresh()
        assert p.execute(ask).result == AskResult(True)
    finally:
        p.close()
        primary.close()


def test_close_stops_every_worker(seed_store_dir: Path) -> None:
    p = WorkerPool(seed_store_dir, workers=2, **LIMITS)
    assert p.execute("ASK {}").result == AskResult(True)
    processes = [w.process for w in p._workers]
    p.close()
    assert processes and not any(proc.is_alive() for proc in processes)
    with pytest.raises(StoreError, match="shut down"):
        p.execute("ASK {}")


def test_a_missing_store_is_a_store_error(tmp_path: Path) -> None:
    p = WorkerPool(tmp_path / "nothing-here", workers=1, **LIMITS)
    try:
        with pytest.raises(StoreError, match="no store at") as info:
            p.execute("ASK {}")
        assert info.value.status == 503
    finally:
        p.close()


# ------------------------------------------------------------------------------------ other executors


def test_make_executor_picks_by_store_kind(seed_store: OxigraphStore, seed_store_copy: Path) -> None:
    settings = load({"MAKB_QUERY_TIMEOUT": 3, "MAKB_MAX_ROWS": 7, "MAKB_QUERY_WORKERS": 1}, env={})
    in_thread = make_executor(seed_store, settings)
    assert isinstance(in_thread, InThreadExecutor)
    assert (in_thread.timeout, in_thread.max_rows) == (3.0, 7)
    remote = make_executor(RemoteStore("http://127.0.0.1:9/query"), settings)
    assert isinstance(remote, RemoteExecutor) and remote.remote.query_url == "http://127.0.0.1:9/query"
    disk = OxigraphStore(seed_store_copy)
    workers = make_executor(disk, settings)
    try:
        assert isinstance(workers, WorkerPool) and workers.size == 1
        assert len(workers.execute("SELECT * { ?s ?p ?o }").result.rows) == 7
    finally:
        workers.close()
        disk.close()


def test_in_thread_executor_caps_rows(seed_store: OxigraphStore) -> None:
    ex = InThreadExecutor(seed_store, **LIMITS)
    ans = ex.execute("SELECT * { ?s ?p ?o }")
    assert len(ans.result.rows) == 100 and ans.truncated
    with pytest.raises(QueryError, match="syntax error"):
        ex.execute("ASK {")


@pytest.fixture
def remote(oxigraph: RemoteStore, seed_store: OxigraphStore) -> RemoteStore:
    triples = list(ox.parse(seed_store.dump("nt"), format=ox.RdfFormat.N_TRIPLES))
    oxigraph.replace_graphs([("urn:test:seed", triples)])
    return oxigraph


def test_remote_executor_forwards_and_caps(remote: RemoteStore) -> None:
    ex = RemoteExecutor(remote.query_url, timeout=2.0, max_rows=50, max_bytes=65536)
    rows = ex.execute("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(rows.result.rows) == 50 and rows.truncated
    assert ex.execute("ASK { ?o a org:Organization }").result == AskResult(True)
    with pytest.raises(QueryError) as info:
        ex.execute("SELECT * WHERE { ?s ?p ?o")
    assert info.value.status == 400 and "400" in info.value.message


def test_remote_executor_stops_waiting_at_the_limit(remote: RemoteStore) -> None:
    ex = RemoteExecutor(remote.query_url, timeout=1.0, max_rows=50, max_bytes=65536)
    with pytest.raises(QueryTimeout, match="time limit of 1 s"):
        ex.execute(EXPENSIVE)


def test_remote_executor_reports_an_unreachable_endpoint() -> None:
    ex = RemoteExecutor(f"http://127.0.0.1:{free_port()}/query", **LIMITS)
    with pytest.raises(StoreError, match="unreachable"):
        ex.execute("ASK {}")


# ------------------------------------------------------------------------------------ rendering


@pytest.fixture(scope="module")
def answers(pool: WorkerPool) -> dict[str, Answer]:
    return {
        "select": pool.execute("SELECT ?o ?label WHERE { ?o a org:Organization ; skos:prefLabel ?label } "
                               "ORDER BY ?o ?label LIMIT 5"),
        "ask": pool.execute("ASK { ?o a org:Organization }"),
        "construct": pool.execute("CONSTRUCT { ?o skos:prefLabel ?l } WHERE { ?o a org:Organization ; "
                                  "skos:prefLabel ?l } LIMIT 20"),
    }


def test_results_render_in_every_results_format(answers: dict[str, Answer]) -> None:
    select = answers["select"]
    rows = select.result.rows
    data = json.loads(serialise_answer(select.result, RESULT_FORMATS[0]))
    assert data["head"]["vars"] == ["o", "label"]
    assert [b["o"]["value"] for b in data["results"]["bindings"]] == [r[0].value for r in rows]
    root = ET.fromstring(serialise_answer(select.result, RESULT_FORMATS[1]))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert [u.text for u in root.iter(f"{ns}uri")] == [r[0].value for r in rows]
    table = list(csv.reader(io.StringIO(serialise_answer(select.result, RESULT_FORMATS[2]).decode("utf-8"))))
    assert table[0] == ["o", "label"] and [t[1] for t in table[1:]] == [r[1].value for r in rows]
    tsv = serialise_answer(select.result, RESULT_FORMATS[3]).decode("utf-8").splitlines()
    assert tsv[0] == "?o\t?label" and tsv[1].startswith(f"<{rows[0][0].value}>\t")
    assert json.loads(serialise_answer(answers["ask"].result, RESULT_FORMATS[0])) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("name", ["ttl", "nt", "jsonld", "rdfxml"])
def test_graphs_render_in_every_rdf_format(answers: dict[str, Answer], name: str) -> None:
    construct = answers["construct"]
    fmt = next(f for f in RDF_FORMATS if f.name == name)
    parsed = rdflib.Graph().parse(data=serialise_answer(construct.result, fmt), format={
        "ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[name])
    expected = rdflib.Graph().parse(data=construct.result.ntriples, format="nt")
    assert len(expected) > 10 and isomorphic(parsed, expected)


def test_turtle_declares_only_the_prefixes_it_uses(answers: dict[str, Answer]) -> None:
    text = serialise_answer(answers["construct"].result, RDF_FORMATS[0]).decode("utf-8")
    assert "@prefix skos:" in text and "@prefix foaf:" not in text


def test_a_format_of_the_wrong_kind_is_not_acceptable(answers: dict[str, Answer]) -> None:
    with pytest.raises(NotAcceptable):
        serialise_answer(answers["select"].result, RDF_FORMATS[0])
    with pytest.raises(NotAcceptable):
        serialise_answer(answers["construct"].result, RESULT_FORMATS[0])


def test_answer_negotiates_before_running(pool: WorkerPool) -> None:
    before = pool.counts["queries"]
    with pytest.raises(NotAcceptable):
        answer(pool, "SELECT * { ?s ?p ?o }", "text/turtle")
    assert pool.counts["queries"] == before
    reply = answer(pool, "SELECT ?s { ?s ?p ?o } LIMIT 3", None, ["csv"])
    assert reply.format.name == "csv" and reply.body.decode().splitlines()[0] == "s" and not reply.truncated


def test_service_description_names_the_endpoint_and_formats(pool: WorkerPool) -> None:
    url = "http://127.0.0.1:1234/sparql"
    triples = service_description(url, pool)
    g = rdflib.Graph().parse(data=describe_service(url, pool, choose("DESCRIBE", None)), format="turtle")
    assert len(g) == len(triples)
    me = rdflib.URIRef(url)
    assert (me, rdflib.RDF.type, rdflib.URIRef(SD + "Service")) in g
    assert (me, rdflib.URIRef(SD + "endpoint"), me) in g
    assert len(set(g.objects(me, rdflib.URIRef(SD + "resultFormat")))) == 8
    comment = str(g.value(me, rdflib.RDFS.comment))
    assert "2 s" in comment and "100 rows" in comment and "SERVICE are refused" in comment


def test_health_counts_triples_through_the_query_path(pool: WorkerPool, direct: OxigraphStore) -> None:
    report = health(pool, direct)
    assert report["status"] == "ok" and report["store"] == "embedded" and report["executor"] == "workers"
    assert report["triples"] == sum(direct.graph_counts().values())
    closed = WorkerPool(direct.location, workers=1, **LIMITS)
    closed.close()
    failing = health(closed, direct)
    assert failing["status"] == "failing" and failing["triples"] is None and "shut down" in failing["error"]
