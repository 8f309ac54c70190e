"""The `makb` command end to end: build, stats, export, validate, query, extract, and the remote path."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from cli.main import main
from kb.store import OxigraphStore
from tests.support.kbs import SEED_FILES, SEEDS
from tests.support.makb import MakbRunner
from tests.support.servers import oxigraph_server


@pytest.fixture(scope="module")
def cli_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A KB that ``makb build`` made from the seeds, once per module (tests get a copy: ``built``)."""
    store = tmp_path_factory.mktemp("cli-kb") / "store"
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--store", str(store), "build", "--no-progress", str(SEEDS)])
    assert code == 0, err.getvalue()
    assert "3 documents: 3 added" in out.getvalue()
    return store


@pytest.fixture
def built(cli_built: Path, tmp_path: Path) -> Path:
    """A private copy of the ``makb build`` KB (safe to write to)."""
    store = tmp_path / "store"
    shutil.copytree(cli_built, store)
    return store


def _stats(runner: MakbRunner, *target: str) -> dict:
    code, out, _ = runner(*target, "stats", "--json")
    assert code == 0
    return json.loads(out)


def test_export_parses_to_the_counts_stats_reports(built: Path, runner: MakbRunner,
                                                   tmp_path: Path) -> None:
    stats = _stats(runner, "--store", str(built))
    assert stats["triples"] > 500 and stats["quads"] >= stats["triples"]
    assert len(stats["graphs"]) == 6   # ontology, registry, shared entities, three documents
    expected = {"ttl": stats["triples"], "nt": stats["triples"], "trig": stats["quads"]}
    for fmt, n in expected.items():
        out = tmp_path / f"kb.{fmt}"
        code, _, err = runner("--store", str(built), "export", "--format", fmt, "--out", str(out))
        assert code == 0, err
        rd = rdflib.Dataset() if fmt == "trig" else rdflib.Graph()
        rd.parse(out, format={"ttl": "turtle", "nt": "nt", "trig": "trig"}[fmt])
        rd_count = sum(len(g) for g in rd.graphs()) if fmt == "trig" else len(rd)
        ox_count = len(list(ox.parse(path=str(out), format={"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                                                            "trig": ox.RdfFormat.TRIG}[fmt])))
        assert rd_count == ox_count == n, fmt


def test_rebuild_changes_nothing(built: Path, runner: MakbRunner) -> None:
    before = _stats(runner, "--store", str(built))
    code, out, _ = runner("--store", str(built), "build", "--no-progress", str(SEEDS))
    assert code == 0 and "3 unchanged" in out and "0 triples written" in out
    assert _stats(runner, "--store", str(built)) == before


def test_validate_clean_then_broken(built: Path, runner: MakbRunner) -> None:
    code, out, _ = runner("--store", str(built), "validate")
    assert code == 0 and out.startswith("valid:") and len(out.strip().splitlines()) == 1
    store = OxigraphStore(built)
    store.update("""PREFIX makb: <https://w3id.org/makb/ontology#>
        DELETE { GRAPH ?g { ?a makb:status ?s } } INSERT { GRAPH ?g { ?a makb:status makb:Postponed } }
        WHERE { { SELECT ?a WHERE { GRAPH ?k { ?a a makb:KeyAction } } ORDER BY ?a LIMIT 1 }
                GRAPH ?g { ?a makb:status ?s } }""")
    store.close()
    code, out, _ = runner("--store", str(built), "validate")
    assert code == 1
    assert out.startswith("invalid: 1 violation")
    assert "makb:status" in out and "exactly one status from makb:StatusScheme" in out and "/action/" in out


def test_query_formats_and_canned_queries(built: Path, runner: MakbRunner) -> None:
    code, out, _ = runner("--store", str(built), "query",
                       "SELECT ?l WHERE { <https://w3id.org/makb/id/org/tnmac> skos:prefLabel ?l }")
    assert code == 0 and "Tajikistan National Mine Action Centre" in out and "(1 row)" in out
    code, out, _ = runner("--store", str(built), "query", "--name", "overdue-actions",
                       "--param", "asOf=2021-01-01", "--format", "json")
    rows = json.loads(out)["results"]["bindings"]
    # the Tajikistan action due 2020-12 (Not Initiated) and three Minamata actions with dated time frames
    # and no status reported
    assert code == 0
    assert [r["dueEnd"]["value"] for r in rows] == ["2020-03-30", "2020-06-30", "2020-09-30", "2020-12-31"]
    assert rows[-1]["statusLabel"]["value"] == "Not Initiated" and rows[-1]["people"]["value"] == "Olaf Juergensen"
    code, out, _ = runner("--store", str(built), "query", "--name", "overdue-actions",
                       "--param", "asOf=2020-01-01", "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 1      # header only: nothing overdue yet
    code, out, _ = runner("--store", str(built), "query",
                       "CONSTRUCT { ?o a org:Organization } WHERE { ?o a org:Organization }")
    assert code == 0 and len(rdflib.Graph().parse(data=out, format="turtle")) >= 14


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["query", "SELECT WHERE {"], 1, "syntax error"),
    (["query", "--name", "nope"], 1, "no canned query 'nope'"),
    (["query", "--name", "overdue-actions", "--param", "asOf=yesterday"], 2, "must be a date"),
    (["build", "/does/not/exist"], 2, "no such file or directory"),
    (["export", "--format", "ttl", "--graph", "x"], 2, "not an IRI"),
    (["export", "--format", "ttl", "--graph", "https://example.org/none"], 1, "no graph"),
])
def test_user_errors_are_one_line(built: Path, runner: MakbRunner, argv: list[str], code: int,
                                  message: str) -> None:
    got, _, err = runner("--store", str(built), *argv)
    assert got == code
    assert err.startswith("makb: error: ") and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_build_reports_bad_documents_and_keeps_the_good(tmp_path: Path, runner: MakbRunner) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_bytes(SEED_FILES["erc"].read_bytes())
    (docs / "junk.bin").write_bytes(bytes(range(256)) * 4)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "latin1.txt").write_bytes("Caf\xe9 news\n\nJul 12, 2013\n".encode("latin-1"))
    code, out, err = runner("--store", str(tmp_path / "s"), "build", "--no-progress", str(docs))
    assert code == 1
    assert "1 added" in out and "3 failed" in out
    assert "junk.bin: binary data" in err and "empty.txt: empty document" in err
    assert "latin1.txt:1: not UTF-8 text" in err


def test_extract_json_does_not_touch_the_store(tmp_path: Path, runner: MakbRunner) -> None:
    store = tmp_path / "untouched"
    code, out, _ = runner("--store", str(store), "extract", "--json", str(SEED_FILES["erc"]))
    data = json.loads(out)
    assert code == 0 and data["kind"] == "erc-page" and len(data["recommendations"]) == 10
    assert not store.exists()
    code, out, _ = runner("extract", str(SEED_FILES["news"]))
    assert code == 0 and "news" in out


def test_remote_build_gives_the_same_counts(built: Path, tmp_path: Path, runner: MakbRunner) -> None:
    embedded = _stats(runner, "--store", str(built))
    with oxigraph_server(tmp_path / "ox") as (base, _):
        endpoint = f"{base}/query"
        code, _, err = runner("--endpoint", endpoint, "build", "--no-progress", str(SEEDS))
        assert code == 0, err
        remote = _stats(runner, "--endpoint", endpoint)
        code, out, _ = runner("--endpoint", endpoint, "validate")
        assert code == 0 and out.startswith("valid:")
    assert remote["triples"] == embedded["triples"] and remote["quads"] == embedded["quads"]
    assert remote["graphs"].keys() == embedded["graphs"].keys()


def test_help_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for cmd in ("build", "extract", "query", "queries", "export", "validate", "stats", "settings"):
        with pytest.raises(SystemExit) as exc:
            main([cmd, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "examples:" in out and f"makb {cmd}" in out
