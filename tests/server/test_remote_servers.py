"""The KB in two real SPARQL 1.1 servers, Oxigraph server and Virtuoso, built through ``makb --endpoint``.

Each server gets the seeds plus a synthetic corpus of ``EVALUATIONS`` evaluations (kept small so the
module runs in about a minute; the README gives figures at 1,000); stats, every canned query, the
scorecards, the partner graph, validation and the Turtle export must equal the embedded store's.
Virtuoso runs with a row cap (``ResultSetMaxRows``) below the size of several answers and of the
export, so paging and the per-graph export are exercised.  An Oxigraph server started without
``--union-default-graph`` is refused with a one-line error and exit code 2.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from cli.main import main
from kb import queries
from kb.analysis import partner_graph, scorecard
from kb.analysis.scorecard import SCORECARD_BY
from kb.errors import ConfigError, StoreError
from kb.namespaces import DEFAULT_BASE, PREFIXES
from kb.sparql.check import with_prefixes
from kb.stats import stats
from kb.store import OxigraphStore, RemoteStore, dump_kb, kb_graphs, open_store
from kb.store.results import SelectResult, Term
from kb.validate import validate
from kb.views.documents import documents_page, overview
from tests.conftest import SEEDS
from tests.support.servers import oxigraph_server
from tests.support.virtuoso import virtuoso_server

#: evaluations in the synthetic corpus built into each server (besides the seeds)
EVALUATIONS = 100
#: Virtuoso's row cap in these tests: below several answers and below the size of the export
MAX_ROWS = 2000
AS_OF = date(2024, 6, 30)
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def _generate(evaluations: int, seed: int, out: Path) -> None:
    from bench.corpus.generate import generate

    generate(evaluations, seed, out)


def makb(*argv: str) -> tuple[int, str, str]:
    """``makb`` in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("corpus")
    _generate(EVALUATIONS, 7, out)
    return [str(SEEDS), str(out / "documents")]


@pytest.fixture(scope="module")
def embedded(corpus: list[str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    path = tmp_path_factory.mktemp("embedded") / "store"
    code, _, err = makb("--store", str(path), "build", "--no-progress", "--jobs", "1", *corpus)
    assert code == 0, err
    store = OxigraphStore(path, read_only=True)
    yield store
    store.close()


def _remote_build(endpoint: str, corpus: list[str]) -> RemoteStore:
    code, _, err = makb("--endpoint", endpoint, "build", "--no-progress", "--jobs", "1", *corpus)
    assert code == 0, err
    return RemoteStore(endpoint, retries=1, timeout=120)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest, corpus: list[str],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, RemoteStore]]:
    where = tmp_path_factory.mktemp(request.param)
    if request.param == "oxigraph":
        with oxigraph_server(where / "db") as (base, _):
            yield "oxigraph", _remote_build(f"{base}/query", corpus)
    else:
        with virtuoso_server(where, max_rows=MAX_ROWS) as url:
            yield "virtuoso", _remote_build(url, corpus)


# ------------------------------------------------------------------------------------ comparisons


def _value(t: Term | None) -> Any:
    """A term as compared across engines: numbers by value, text without its language tag (the Turtle export
    compares tags) and with the parts of a GROUP_CONCAT in order, the build's clock left out, and the empty
    GROUP_CONCAT of no values (the SPARQL 1.1 answer, Virtuoso's) the same as unbound (Oxigraph's)."""
    if t is None or (t.kind == "literal" and t.value == "" and not t.lang):
        return None
    if t.kind == "literal":
        if t.datatype == XSD_DATETIME:
            return ("dateTime",)
        v = t.py()
        if isinstance(v, bool):
            return ("boolean", v)
        if isinstance(v, int | float | Decimal) and not isinstance(v, bool):
            return ("number", round(float(v), 6))
        # GROUP_CONCAT keeps a shared language tag on Oxigraph, not on Virtuoso, and its order is undefined
        return ("literal", "; ".join(sorted(t.value.split("; "))))
    return (t.kind, t.value)


def _rows(result: SelectResult) -> list[tuple[Any, ...]]:
    return sorted((tuple(_value(t) for t in row) for row in result.rows), key=repr)


def _triples(data: bytes) -> set[tuple[str, str, str]]:
    out = set()
    for t in ox.parse(data, format=ox.RdfFormat.TURTLE):
        o = t.object
        if isinstance(o, ox.Literal) and o.datatype.value == XSD_DATETIME:
            o = ox.Literal("build time")
        assert not isinstance(t.subject, ox.BlankNode) and not isinstance(o, ox.BlankNode)
        out.add((str(t.subject), str(t.predicate), str(o)))
    return out


def test_stats_and_graphs_match(embedded: OxigraphStore, remote: tuple[str, RemoteStore]) -> None:
    _, store = remote
    mine, theirs = stats(embedded), stats(store)
    assert theirs.to_json() == mine.to_json()
    assert kb_graphs(store) == kb_graphs(embedded) == embedded.graphs()
    assert mine.quads > MAX_ROWS * 5   # the export is well above Virtuoso's row cap


@pytest.mark.parametrize("name", sorted(queries.all_queries()))
def test_canned_queries_match(embedded: OxigraphStore, remote: tuple[str, RemoteStore], name: str) -> None:
    _server, store = remote
    text = with_prefixes(queries.get(name).render({}), PREFIXES)
    mine, theirs = embedded.select(text), store.select(text)
    assert theirs.vars == mine.vars
    assert _rows(theirs) == _rows(mine)


def _plain(row: Any) -> Any:
    return dataclasses.asdict(row) if dataclasses.is_dataclass(row) and not isinstance(row, type) else row


@pytest.mark.parametrize("by", SCORECARD_BY)
def test_scorecards_match(embedded: OxigraphStore, remote: tuple[str, RemoteStore], by: str) -> None:
    _, store = remote
    mine = [_plain(r) for r in scorecard(embedded, by, AS_OF)]
    assert mine or by == "person"   # the corpus names few people
    assert [_plain(r) for r in scorecard(store, by, AS_OF)] == mine


def test_partner_graph_matches(embedded: OxigraphStore, remote: tuple[str, RemoteStore]) -> None:
    _, store = remote
    mine, theirs = partner_graph(embedded), partner_graph(store)
    assert mine.number_of_edges() > 5
    assert dict(theirs.nodes(data=True)) == dict(mine.nodes(data=True))
    assert ({frozenset((u, v)): d for u, v, d in theirs.edges(data=True)}
            == {frozenset((u, v)): d for u, v, d in mine.edges(data=True)})


def test_turtle_export_and_validation_match(embedded: OxigraphStore, remote: tuple[str, RemoteStore],
                                            tmp_path: Path) -> None:
    _, store = remote
    mine = _triples(embedded.dump("ttl"))
    assert _triples(dump_kb(store, "ttl")) == mine
    code, _, err = makb("--endpoint", store.location, "export", "--format", "trig", "--out", str(tmp_path / "kb.trig"))
    assert code == 0 and not err
    quads = list(ox.parse((tmp_path / "kb.trig").read_bytes(), format=ox.RdfFormat.TRIG))
    assert len(quads) == stats(embedded).quads
    assert {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)} == set(embedded.graphs())
    report, expected = validate(store), validate(embedded)
    assert (report.conforms, report.triples) == (expected.conforms, expected.triples)


# ------------------------------------------------------------------------------------ Virtuoso specifics


@pytest.fixture(scope="module")
def virtuoso(remote: tuple[str, RemoteStore]) -> RemoteStore:
    server, store = remote
    if server != "virtuoso":
        pytest.skip("Virtuoso only")
    return store


def test_virtuoso_system_graphs_are_not_the_kbs(virtuoso: RemoteStore, embedded: OxigraphStore) -> None:
    every = virtuoso.graphs()
    assert any("virtrdf" in g for g in every)           # the server's own graphs are there ...
    assert set(kb_graphs(virtuoso)) == set(embedded.graphs())   # ... and never counted as the KB's
    page, expected = documents_page(virtuoso), documents_page(embedded)
    assert [g.graph for g in page.other_graphs] == [g.graph for g in expected.other_graphs]
    assert (page.total, [d.graph for d in page.documents]) == (expected.total, [d.graph for d in expected.documents])
    assert overview(virtuoso) == overview(embedded)


def test_virtuoso_row_cap_is_paged_not_truncated(virtuoso: RemoteStore, embedded: OxigraphStore) -> None:
    text = f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), STR(<{DEFAULT_BASE}>))) }}"
    mine = embedded.select(text)
    assert len(mine.rows) > 3 * MAX_ROWS
    theirs = virtuoso.select(text)
    assert virtuoso.row_cap == MAX_ROWS and not theirs.truncated
    assert _rows(theirs) == _rows(mine)
    ordered = virtuoso.select(text + " ORDER BY DESC(?s) ?p ?o")
    assert [r[0] for r in ordered.rows] == [r[0] for r in embedded.select(text + " ORDER BY DESC(?s) ?p ?o").rows]


def test_virtuoso_capped_construct_is_an_error(virtuoso: RemoteStore) -> None:
    code, out, err = makb("--endpoint", virtuoso.location, "query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert code == 1 and not out
    assert err.count("\n") == 1 and "ResultSetMaxRows" in err


def test_virtuoso_blank_nodes_are_relabelled(virtuoso: RemoteStore) -> None:
    graph = f"{DEFAULT_BASE}graph/test-blank-nodes"
    a, b, p = ox.BlankNode(), ox.BlankNode(), ox.NamedNode(f"{DEFAULT_BASE}p")
    virtuoso.replace_graph(graph, [ox.Triple(a, p, b), ox.Triple(b, p, ox.Literal("x"))])   # Graph Store PUT
    try:
        rows = virtuoso.select(f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows
        labels = {t.value for row in rows for t in row if t is not None and t.kind == "bnode"}
        assert len(labels) == 2 and all(":" not in v and "/" not in v for v in labels)
        trig = virtuoso.dump("trig", graph=graph)
        back = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
        assert len(back) == 2 and back[0].subject != back[0].object
        nq = list(ox.parse(dump_kb(virtuoso, "nq"), format=ox.RdfFormat.N_QUADS))
        assert sum(1 for q in nq if isinstance(q.subject, ox.BlankNode)) == 2
        assert not any("virtrdf" in q.graph_name.value for q in nq if isinstance(q.graph_name, ox.NamedNode))
    finally:
        virtuoso.drop_graph(graph)


def test_virtuoso_wrong_graph_store_url_is_a_configuration_error(virtuoso: RemoteStore,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = virtuoso.location[: -len("/sparql")]
    monkeypatch.setenv("MAKB_GSP_ENDPOINT", f"{root}/data")
    code, _, err = makb("--endpoint", virtuoso.location, "build", "--no-progress", str(SEEDS))
    assert code == 2
    assert err.count("\n") == 1 and "MAKB_GSP_ENDPOINT" in err and "unreachable" not in err


def test_virtuoso_update_over_its_size_limit_is_split_by_graph(virtuoso: RemoteStore) -> None:
    graphs = [f"{DEFAULT_BASE}graph/test-large-{i}" for i in range(5)]

    def block(graph: str, n: int, size: int) -> str:
        return f"GRAPH <{graph}> {{\n" + "".join(f'<{graph}#s{i}> <{DEFAULT_BASE}p> "{"x" * size}" .\n'
                                                  for i in range(n)) + "}\n"

    try:   # about 12 MB in three graphs (Virtuoso takes 10 MB a request): sent in parts, each graph whole
        virtuoso.update("INSERT DATA {\n" + "".join(block(g, 2_000, 2_000) for g in graphs[:3]) + "}")
        counts = virtuoso.graph_counts()
        assert [counts.get(g) for g in graphs[:3]] == [2_000] * 3
        # one graph over the limit: its triples in halves
        virtuoso.update("INSERT DATA {\n" + block(graphs[3], 2_000, 6_000) + "}")
        assert virtuoso.graph_counts().get(graphs[3]) == 2_000
        # one triple over the limit cannot be split: a one-line error naming the setting, nothing written
        with pytest.raises(StoreError, match="MAKB_BATCH_TRIPLES") as exc:
            virtuoso.update("INSERT DATA {\n" + block(graphs[4], 1, 11_000_000) + "}")
        assert "\n" not in exc.value.message
        assert not virtuoso.has_graph(graphs[4])
    finally:
        for g in graphs:
            virtuoso.drop_graph(g)


# ------------------------------------------------------------------------------------ union default graph


@pytest.fixture
def plain_oxigraph(tmp_path: Path) -> Iterator[str]:
    """An Oxigraph server WITHOUT ``--union-default-graph``; yields its base URL."""
    with oxigraph_server(tmp_path / "db", union=False) as (base, _proc):
        yield base


def test_oxigraph_without_union_default_graph_is_refused(plain_oxigraph: str) -> None:
    endpoint = f"{plain_oxigraph}/query"
    # an empty server: the check writes a probe triple, finds it missing, removes it
    code, out, err = makb("--endpoint", endpoint, "build", "--no-progress", str(SEEDS))
    assert code == 2 and not out
    assert err.count("\n") == 1 and "--union-default-graph" in err and "unionDefaultGraph" in err
    probe = RemoteStore(endpoint, retries=1)
    assert probe.graphs() == []
    # a server holding data: the check asks for a triple it knows is there
    graph = urllib.parse.quote(f"{DEFAULT_BASE}graph/registry", safe="")
    req = urllib.request.Request(f"{plain_oxigraph}/store?graph={graph}", method="PUT",
                                 data=f"<{DEFAULT_BASE}a> <{DEFAULT_BASE}p> <{DEFAULT_BASE}b> .\n".encode(),
                                 headers={"Content-Type": "application/n-triples"})
    with urllib.request.urlopen(req, timeout=10):
        pass
    code, out, err = makb("--endpoint", endpoint, "stats")
    assert code == 2 and not out and err.count("\n") == 1 and "--union-default-graph" in err
    with pytest.raises(ConfigError):
        open_store({"MAKB_ENDPOINT": endpoint, "MAKB_REMOTE_RETRIES": 1}).graphs()
