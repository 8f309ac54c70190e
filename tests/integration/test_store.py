"""The store interface on the embedded, in-memory and remote (real Oxigraph server) backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kb.errors import ConfigError, QueryError, StoreBusy, StoreError
from kb.store import OxigraphStore, RemoteStore, Store, nquads, open_store
from kb.store.results import AskResult, GraphResult, SelectResult
from tests.support.servers import free_port

G1 = "https://example.org/graph/1"
G2 = "https://example.org/graph/2"
G3 = "https://example.org/graph/3"
G4 = "https://example.org/graph/4"


def _triples(n: int, tag: str = "a") -> list[ox.Triple]:
    p = ox.NamedNode("https://example.org/p")
    return [ox.Triple(ox.NamedNode(f"https://example.org/{tag}/{i}"), p, ox.Literal(str(i))) for i in range(n)]


def _exercise(store: Store) -> None:
    store.replace_graphs([(G1, _triples(5)), (G2, _triples(3, "b"))])
    assert store.graphs() == [G1, G2]
    assert store.graph_counts() == {G1: 5, G2: 3}
    # replacing a graph swaps its whole content
    store.replace_graph(G1, _triples(2, "c"))
    assert store.graph_counts() == {G1: 2, G2: 3}
    res = store.query("SELECT ?s WHERE { ?s <https://example.org/p> ?o } ORDER BY ?s")
    assert isinstance(res, SelectResult) and len(res) == 5      # union of the named graphs
    assert res.rows[0][0].value == "https://example.org/b/0"
    capped = store.query("SELECT ?s WHERE { ?s ?p ?o }", limit=2)
    assert isinstance(capped, SelectResult) and len(capped) == 2 and capped.truncated
    ask = store.query(f"ASK {{ GRAPH <{G2}> {{ ?s ?p \"2\" }} }}")
    assert isinstance(ask, AskResult) and ask.value
    con = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(con, GraphResult) and con.count == 5
    assert store.has_graph(G2) and not store.has_graph("https://example.org/none")
    store.drop_graph(G2)
    store.drop_graph(G2)   # dropping an absent graph is fine
    assert store.graphs() == [G1]
    trig = store.dump("trig")
    assert len(list(ox.parse(trig, format=ox.RdfFormat.TRIG))) == 2
    one = store.dump("nt", graph=G1)
    assert len(list(ox.parse(one, format=ox.RdfFormat.N_TRIPLES))) == 2
    with pytest.raises(QueryError, match=r"syntax|400"):
        store.query("SELECT WHERE {")
    with pytest.raises(ConfigError):
        store.dump("docx")
    # new graphs as one N-Quads text, transactional and bulk; an existing graph is replaced whole
    data = nquads(G2, _triples(4, "d")) + nquads(G3, _triples(1, "e"))
    store.add_graphs(data, [G2, G3])
    assert store.graph_counts() == {G1: 2, G2: 4, G3: 1}
    store.add_graphs(nquads(G1, _triples(3, "f")) + nquads(G4, _triples(2, "g")), [G1, G4], bulk=True)
    assert store.graph_counts() == {G1: 3, G2: 4, G3: 1, G4: 2}
    with pytest.raises(StoreError, match="outside any named graph"):
        store.add_graphs(b'<https://example.org/s> <https://example.org/p> "x" .\n', [G1])
    assert store.graph_counts()[G1] == 3


def test_memory_store() -> None:
    _exercise(OxigraphStore(None))


def test_embedded_store_persists(tmp_path: Path) -> None:
    path = tmp_path / "kb"
    store = OxigraphStore(path)
    _exercise(store)
    store.close()
    again = OxigraphStore(path)
    assert again.graph_counts() == {G1: 3, G2: 4, G3: 1, G4: 2}
    again.close()


def test_remote_store_against_a_real_oxigraph_server(oxigraph: RemoteStore) -> None:
    _exercise(oxigraph)


def test_remote_store_through_sparql_update_only(oxigraph: RemoteStore) -> None:
    update_only = RemoteStore(oxigraph.query_url, gsp_url="none", retries=1)
    _exercise(update_only)


def test_embedded_store_held_by_another_process_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "kb"
    OxigraphStore(path).close()
    code = f"import pyoxigraph, time; s = pyoxigraph.Store({str(path)!r}); print('ok', flush=True); time.sleep(30)"
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"ok"
        with pytest.raises(StoreBusy, match="in use by another process"):
            OxigraphStore(path)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_unreachable_endpoint_fails_after_bounded_retries() -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", retries=2, timeout=2)
    with pytest.raises(StoreError, match="unreachable after 2 attempts"):
        store.query("ASK {}")


def test_open_store_prefers_the_endpoint(tmp_path: Path) -> None:
    s = open_store({"MAKB_ENDPOINT": "http://127.0.0.1:9/query", "MAKB_STORE": str(tmp_path)})
    assert isinstance(s, RemoteStore) and s.update_url == "http://127.0.0.1:9/update"
    assert s.gsp_url == "http://127.0.0.1:9/store"
    e = open_store({"MAKB_ENDPOINT": None, "MAKB_STORE": str(tmp_path / "kb")})
    assert isinstance(e, OxigraphStore) and e.kind == "embedded"
    e.close()
    with pytest.raises(ConfigError):
        RemoteStore("ftp://example.org/sparql")
