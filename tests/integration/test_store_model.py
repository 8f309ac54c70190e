"""One fact, one place: the union default graph never repeats a triple, and writes keep it so.

A KB built from the seeds and a 100-evaluation synthetic corpus is checked for
true counts (``COUNT(*)`` over the union equals the distinct triples, one row per
organisation, every canned query the same with and without DISTINCT); smaller
KBs are then rebuilt, given newer versions of documents (through the build and
through the upload path) and have documents deleted, and must stay consistent:
every shared entity is described once, credited to a document that still
refers to it, and removed when none does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from bench.corpus.generate import generate
from cli.main import main as makb
from kb import queries
from kb.build import build
from kb.document_graphs import delete_document
from kb.errors import StoreBusy
from kb.mapping import STATED_PREDICATES, entities_graph
from kb.namespaces import DEFAULT_BASE as BASE
from kb.registry import Registry
from kb.settings import DATA_DIR
from kb.store import OxigraphStore, Store
from kb.upload import ingest_bytes

SEEDS = DATA_DIR / "documents"
SEED_FILES = {"erc": SEEDS / "000_ed0432e762aadb2d.txt", "news": SEEDS / "002_f7a1618a2c1dab11.txt"}
FIXED_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
UNDP = BASE + "org/undp"

ENTITIES = entities_graph(BASE)
PREFIXES = """PREFIX makb: <https://w3id.org/makb/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


def count(store: Store, query: str) -> int:
    rows = store.select(PREFIXES + query).rows
    term = rows[0][0] if rows else None
    return int(term.value) if term is not None else 0


def union_count(store: Store) -> int:
    return count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def values(store: Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(t.value if t is not None else "" for t in row) for row in store.select(PREFIXES + query).rows]


def assert_consistent(store: Store) -> None:
    """The union default graph repeats nothing, and the entities graph holds exactly what documents support."""
    assert union_count(store) == store.distinct_triples()
    assert union_count(store) == sum(store.graph_counts().values())   # no triple in two graphs
    # every shared entity is described by one graph only: the entities graph (or the registry)
    assert not values(store, f"""SELECT ?e WHERE {{
        GRAPH <{ENTITIES}> {{ ?e prov:wasDerivedFrom ?d }}
        GRAPH ?g {{ ?e a ?type }} FILTER (?g != <{ENTITIES}>) }}""")
    # each is credited to exactly one document graph, one that still refers to it ...
    assert not values(store, f"""SELECT ?e WHERE {{ GRAPH <{ENTITIES}> {{ ?e prov:wasDerivedFrom ?d }}
        FILTER NOT EXISTS {{ GRAPH ?d {{ ?d dcterms:references ?e }} }} }}""")
    assert not values(store, f"""SELECT ?e (COUNT(?d) AS ?n)
        WHERE {{ GRAPH <{ENTITIES}> {{ ?e prov:wasDerivedFrom ?d }} }} GROUP BY ?e HAVING (COUNT(?d) > 1)""")
    # ... and nothing is described that no document refers to
    assert not values(store, f"""SELECT ?e WHERE {{ GRAPH <{ENTITIES}> {{ ?e ?p ?o }}
        FILTER NOT EXISTS {{ GRAPH <{ENTITIES}> {{ ?e prov:wasDerivedFrom ?d }} }}
        FILTER NOT EXISTS {{ GRAPH <{ENTITIES}> {{ ?e org:holds|org:memberOf ?x }} }} }}""")
    # a fact about a shared project or partnership stays while a document states it
    stated = " ".join(f"makb:{p}" for p in STATED_PREDICATES)
    assert not values(store, f"""SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {stated} }} GRAPH <{ENTITIES}> {{ ?s ?p ?o }}
        FILTER NOT EXISTS {{ GRAPH ?d {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} }} }}""")
    # no link to a shared entity that is no longer described
    assert not values(store, f"""SELECT ?x ?e WHERE {{ GRAPH <{ENTITIES}> {{ ?x ?p ?e }} FILTER (isIRI(?e))
        FILTER (STRSTARTS(STR(?e), "{BASE}person/") || STRSTARTS(STR(?e), "{BASE}place/")
                || STRSTARTS(STR(?e), "{BASE}project/"))
        FILTER NOT EXISTS {{ ?e a ?type }} }}""")


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 100-evaluation synthetic corpus (its documents directory)."""
    corpus = tmp_path_factory.mktemp("corpus")
    generate(100, 7, corpus)
    return corpus / "documents"


@pytest.fixture(scope="module")
def big_kb(tmp_path_factory: pytest.TempPathFactory, registry: Registry, big_corpus: Path) -> Iterator[OxigraphStore]:
    """The seeds and a 100-evaluation synthetic corpus, built on disk as ``makb build`` does."""
    store = OxigraphStore(tmp_path_factory.mktemp("kb") / "store")
    report = build(store, [SEEDS, big_corpus], registry, now=FIXED_NOW, jobs=2)
    assert not report.failed
    yield store
    store.close()


@pytest.fixture
def seed_kb(registry: Registry) -> Iterator[OxigraphStore]:
    store = OxigraphStore(None)
    assert not build(store, [SEEDS], registry, now=FIXED_NOW).failed
    yield store
    store.close()


def test_the_union_counts_each_triple_once(big_kb: OxigraphStore) -> None:
    assert union_count(big_kb) > 40_000
    assert_consistent(big_kb)


def test_one_row_per_organisation_and_person(big_kb: OxigraphStore) -> None:
    rows = values(big_kb, "SELECT ?o ?l WHERE { ?o a org:Organization ; skos:prefLabel ?l }")
    assert len(rows) == len({o for o, _ in rows}) > 20
    people = values(big_kb, "SELECT ?p WHERE { ?p a foaf:Person }")
    assert len(people) == len(set(people)) > 20
    assert count(big_kb, "SELECT (COUNT(*) AS ?n) WHERE { ?p a foaf:Person }") == len(people)


def _distinct(text: str) -> str:
    return re.sub(r"^SELECT\s", "SELECT DISTINCT ", text, count=1, flags=re.M)


@pytest.mark.parametrize("name", sorted(queries.all_queries()))
def test_canned_query_rows_are_the_same_with_and_without_distinct(big_kb: OxigraphStore, name: str) -> None:
    text = queries.get(name).render()
    plain = values(big_kb, text)
    assert plain or name == "status-changes", f"{name} answered nothing on the test KB"
    assert "SELECT DISTINCT" in _distinct(text)
    assert Counter(plain) == Counter(values(big_kb, _distinct(text)))


def test_listings_page_with_limit_and_offset(big_kb: OxigraphStore) -> None:
    listing = queries.get("overdue-actions")
    assert {p.name for p in listing.params} >= {"limit", "offset"}
    everything = values(big_kb, listing.render({"asOf": "2030-01-01", "limit": "100000"}))
    assert len(everything) > 30
    first = values(big_kb, listing.render({"asOf": "2030-01-01", "limit": "10"}))
    second = values(big_kb, listing.render({"asOf": "2030-01-01", "limit": "10", "offset": "10"}))
    assert first + second == everything[:20]


def test_rebuilding_and_replacing_keep_the_big_kb_true(big_kb: OxigraphStore, big_corpus: Path,
                                                       registry: Registry) -> None:
    """(Changes the module's big KB: it comes after the tests that only read it.)"""
    before = big_kb.graph_counts()
    again = build(big_kb, [SEEDS, big_corpus], registry, now=FIXED_NOW, jobs=2)
    assert again.count("unchanged") == len(again.outcomes) > 100
    assert big_kb.graph_counts() == before
    assert_consistent(big_kb)
    page = next(p for p in sorted(big_corpus.iterdir()) if "Completed" in p.read_text(encoding="utf-8"))
    newer = page.read_text(encoding="utf-8").replace("Completed", "Ongoing")
    outcome = ingest_bytes(big_kb, registry, page.name, newer.encode("utf-8"), now=FIXED_NOW)
    assert outcome.status == "replaced"
    assert_consistent(big_kb)
    rows = values(big_kb, "SELECT ?o ?l WHERE { ?o a org:Organization ; skos:prefLabel ?l }")
    assert len(rows) == len({o for o, _ in rows}) > 20


def test_provenance_stays_queryable(seed_kb: OxigraphStore) -> None:
    # which documents mention an organisation
    mentioning = values(seed_kb, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g dcterms:references <{UNDP}> }} }}")
    assert [g for (g,) in mentioning] == [next(g for g in seed_kb.graphs() if "/graph/news/" in g)]
    # which sentence a partnership came from, and in which document
    said = values(seed_kb, """SELECT ?partnership ?party ?sentence ?g WHERE {
        ?partnership a makb:Partnership .
        GRAPH ?g { ?st rdf:subject ?partnership ; rdf:predicate makb:party ; rdf:object ?party ;
                       makb:evidence ?sentence } }""")
    assert said and all("/graph/news/" in g and sentence for _, _, sentence, g in said)
    # a shared entity is described once, by the document that introduced it
    credited = values(seed_kb, f"SELECT ?e ?d WHERE {{ GRAPH <{ENTITIES}> {{ ?e prov:wasDerivedFrom ?d }} }}")
    assert credited and all(d.startswith(f"{BASE}graph/") for _, d in credited)


def test_rebuilding_changes_nothing(seed_kb: OxigraphStore, registry: Registry) -> None:
    before = seed_kb.graph_counts()
    again = build(seed_kb, [SEEDS], registry, now=FIXED_NOW)
    assert again.count("unchanged") == 3
    assert seed_kb.graph_counts() == before
    assert_consistent(seed_kb)


def _shorter_news(tmp_path: Path, title: str | None = None) -> Path:
    """The seed news release cut to its first paragraphs: with the same title and date, a later
    version of it; with another ``title``, another release naming some of the same things."""
    text = SEED_FILES["news"].read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    if title:
        paragraphs[0] = title
    path = tmp_path / "news-shorter.txt"
    path.write_text("\n\n".join(paragraphs[:4]) + "\n", encoding="utf-8")
    return path


def _entities(store: Store) -> set[str]:
    return {e for (e,) in values(store, f"SELECT ?e WHERE {{ GRAPH <{ENTITIES}> {{ ?e prov:wasDerivedFrom ?d }} }}")}


def test_replacing_a_document_releases_what_only_it_named(seed_kb: OxigraphStore, registry: Registry,
                                                          tmp_path: Path) -> None:
    before = _entities(seed_kb)
    report = build(seed_kb, [_shorter_news(tmp_path)], registry, now=FIXED_NOW)
    assert report.count("replaced") == 1
    after = _entities(seed_kb)
    assert after < before                      # places and partners only the full release named are gone
    assert_consistent(seed_kb)
    # the upload path puts the full version back, and the entities with it
    outcome = ingest_bytes(seed_kb, registry, "news.txt", SEED_FILES["news"].read_bytes(), now=FIXED_NOW)
    assert outcome.status == "replaced"
    assert _entities(seed_kb) == before
    assert_consistent(seed_kb)


def test_deleting_a_document_removes_entities_no_one_mentions(seed_kb: OxigraphStore, registry: Registry,
                                                              tmp_path: Path) -> None:
    news = next(g for g in seed_kb.graphs() if "/graph/news/" in g)
    other = build(seed_kb, [_shorter_news(tmp_path, "UNDP and ANAMA sign a Memorandum")], registry, now=FIXED_NOW)
    assert other.count("added") == 1
    refs = f"GRAPH <{news}> {{ <{news}> dcterms:references ?e }}"
    only_news = {e for (e,) in values(seed_kb, f"""SELECT ?e WHERE {{ {refs}
        FILTER NOT EXISTS {{ GRAPH ?g {{ ?g dcterms:references ?e }} FILTER (?g != <{news}>) }} }}""")}
    shared = {e for (e,) in values(seed_kb, f"""SELECT ?e WHERE {{ {refs}
        GRAPH ?g {{ ?g dcterms:references ?e }} FILTER (?g != <{news}>) }}""")}
    introduced = {e for (e,) in values(seed_kb, f"""SELECT ?e WHERE {{ {refs}
        GRAPH <{ENTITIES}> {{ ?e prov:wasDerivedFrom <{news}> }} }}""")}
    only_news &= introduced                       # (registry entries stay whoever names them)
    assert only_news and shared & introduced
    assert delete_document(seed_kb, news, BASE)
    assert not seed_kb.has_graph(news)
    listed = " ".join(f"<{e}>" for e in only_news)
    assert not values(seed_kb, f"SELECT ?p ?o WHERE {{ VALUES ?e {{ {listed} }} ?e ?p ?o }}")
    # still named by the other release: kept, and credited to it now
    kept = values(seed_kb, f"""SELECT ?e ?d WHERE {{ VALUES ?e {{ {" ".join(f"<{e}>" for e in shared & introduced)} }}
        GRAPH <{ENTITIES}> {{ ?e prov:wasDerivedFrom ?d }} }}""")
    assert kept and all("/graph/news/" in d and d != news for _, d in kept)
    assert_consistent(seed_kb)
    assert not delete_document(seed_kb, news, BASE)


# ------------------------------------------------------------------------------ reading a store held elsewhere

READ_COMMANDS = (("query", "--name", "documents", "--format", "json"), ("stats", "--json"),
                 ("export", "--format", "nt"), ("validate", "--json"))


Makb = Callable[..., tuple[int, str, str]]


@pytest.fixture
def runner(capsys: pytest.CaptureFixture[str]) -> Makb:
    """``makb --store STORE ARGV...`` in this process: (exit code, stdout, stderr)."""
    def run(*argv: str, store: Path) -> tuple[int, str, str]:
        status = makb(["--store", str(store), *argv])
        out, err = capsys.readouterr()
        return status, out, err
    return run


def test_read_commands_work_while_another_process_holds_the_store(seed_store_copy: Path, runner: Makb) -> None:
    code = (f"import pyoxigraph, time; s = pyoxigraph.Store({str(seed_store_copy)!r}); "
            "print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        with pytest.raises(StoreBusy):
            OxigraphStore(seed_store_copy)                 # a writer still cannot open it
        for argv in READ_COMMANDS:
            status, out, err = runner(*argv, store=seed_store_copy)
            assert status == 0, (argv, err)
            assert out.strip()
        status, out, _ = runner("stats", "--json", store=seed_store_copy)
        stats = json.loads(out)
        assert stats["triples"] == stats["quads"] > 1000     # and the counts are true
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def _files(path: Path) -> dict[str, bytes]:
    return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*")) if f.is_file()}


def test_read_commands_work_on_a_read_only_directory(seed_store_dir: Path, runner: Makb) -> None:
    # a directory any user may enter (the test's own temporary directory may not be)
    home = Path(tempfile.mkdtemp(prefix="makb-read-only-"))
    home.chmod(0o755)
    seed_store_copy = home / "store"
    shutil.copytree(seed_store_dir, seed_store_copy)
    before = _files(seed_store_copy)
    modes = {f: f.stat().st_mode for f in [seed_store_copy, *seed_store_copy.rglob("*")]}
    for f in modes:
        f.chmod(0o555 if f.is_dir() else 0o444)
    try:
        if os.geteuid() == 0:
            # root writes anywhere: run the commands as an unprivileged user, if this system can
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running as root without setpriv to drop privileges")
            for argv in READ_COMMANDS:
                done = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                                       sys.executable, "-m", "cli.main", "--store", str(seed_store_copy), *argv],
                                      capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
                assert done.returncode == 0, (argv, done.stderr)
                assert done.stdout.strip()
        else:
            for argv in READ_COMMANDS:
                status, _, err = runner(*argv, store=seed_store_copy)
                assert status == 0, (argv, err)
        assert _files(seed_store_copy) == before      # nothing written, not even a lock
    finally:
        for f, mode in modes.items():
            f.chmod(mode)
        shutil.rmtree(home)


def test_a_read_command_on_no_store_says_so(tmp_path: Path, runner: Makb) -> None:
    status, _, err = runner("stats", store=tmp_path / "nowhere")
    assert status != 0 and "no store at" in err
    assert not (tmp_path / "nowhere").exists()


def test_deleting_a_document_through_the_graph_store_releases_its_entities(
        seed_store_copy: Path, make_app: Callable[..., Flask]) -> None:
    app = make_app(seed_store_copy, MAKB_WRITE_TOKEN="t0ken", MAKB_QUERY_WORKERS=1)
    client = app.test_client()
    store = app.extensions["makb"].store
    news = next(g for g in store.graphs() if "/graph/news/" in g)
    assert any("/project/" in e for e in _entities(store))
    resp = client.delete("/store", query_string={"graph": news}, headers={"Authorization": "Bearer t0ken"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert not any("/project/" in e or "/partnership/" in e for e in _entities(store))
    assert_consistent(store)
