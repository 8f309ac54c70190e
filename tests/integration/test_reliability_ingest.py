"""Ingest holds up: bad documents among good ones, a build killed with SIGKILL, a remote store that dies.

Every document graph in the store is always either complete or absent, and
the next build completes what was missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kb import ingest
from kb.build import build
from kb.registry import Registry
from kb.store import OxigraphStore, RemoteStore, Store
from tests.support.kbs import erc_variant, mapped_counts, seed_text
from tests.support.servers import free_port, oxigraph_server


def write_corpus(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"erc-{i:04d}.txt"
        p.write_text(erc_variant(i), encoding="utf-8")
        paths.append(p)
    return paths


def expected_counts(paths: list[Path], registry: Registry) -> dict[str, int]:
    """graph IRI -> distinct triples its document maps to."""
    return mapped_counts((ingest.read(p) for p in paths), registry)


def document_graphs(store: Store) -> dict[str, int]:
    return {g: n for g, n in store.graph_counts().items() if "/graph/erc-page/" in g}


def makb(*argv: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli.main", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, text=True)


def test_bad_documents_among_good_ones(tmp_path: Path, registry: Registry) -> None:
    docs = tmp_path / "docs"
    good = write_corpus(docs / "good", 3)
    (docs / "junk.bin").write_bytes(os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00")
    (docs / "empty.txt").write_bytes(b"")
    (docs / "blank.txt").write_text("   \n\n  \n")
    cp1252 = seed_text("erc").replace("’", "'").encode("utf-8").replace(b"Tajikistan", b"Tadjikist\xe1n")
    (docs / "cp1252.txt").write_bytes(cp1252)
    (docs / "truncated.txt").write_text(erc_variant(99)[:2500], encoding="utf-8")
    (docs / "not-a-document.txt").write_text("Lorem ipsum dolor sit amet.\n" * 3)
    big = docs / "huge.txt"
    with big.open("wb") as fh:
        fh.write(b"x" * (50 * 1024 * 1024))
    store = OxigraphStore(None)
    report = build(store, [docs], registry, max_bytes=20_000_000)
    by_name = {Path(o.source).name: o for o in report.outcomes}
    assert {n for n, o in by_name.items() if o.status == "added"} == {p.name for p in good} | {"truncated.txt"}
    reasons = {n: o.error for n, o in by_name.items() if o.status == "failed"}
    assert "binary data" in reasons["junk.bin"]
    assert "empty document" in reasons["empty.txt"] and "empty document" in reasons["blank.txt"]
    assert "cp1252.txt:" in reasons["cp1252.txt"] and "not UTF-8" in reasons["cp1252.txt"]
    assert "over the limit" in reasons["huge.txt"]
    assert "not a recognised document" in reasons["not-a-document.txt"]
    assert any("truncat" in w or "page ends" in w for w in by_name["truncated.txt"].warnings)
    # the store is consistent: exactly the good documents, each complete
    assert document_graphs(store) == expected_counts([*good, docs / "truncated.txt"], registry)


def test_a_directory_of_a_thousand_files(tmp_path: Path, registry: Registry) -> None:
    docs = tmp_path / "many"
    good = write_corpus(docs, 700)
    for i in range(300):
        (docs / f"bad-{i:03d}.txt").write_bytes(b"\xff\xfe" + bytes([i % 256]) * 50)
    store = OxigraphStore(None)
    report = build(store, [docs], registry)
    assert len(report.outcomes) == 1000
    assert report.count("added") == 700 and report.count("failed") == 300
    counts = document_graphs(store)
    assert len(counts) == 700
    for graph, n in expected_counts(good[::70], registry).items():   # every 70th document, checked whole
        assert counts[graph] == n


def test_build_killed_with_sigkill_leaves_whole_graphs(tmp_path: Path, registry: Registry) -> None:
    paths = write_corpus(tmp_path / "docs", 300)
    expected = expected_counts(paths, registry)
    store_dir = tmp_path / "store"
    proc = makb("--store", str(store_dir), "build", "--verbose", "--no-progress", str(tmp_path / "docs"),
                env={"MAKB_BATCH_TRIPLES": "2000"})
    assert proc.stdout is not None
    for seen, _line in enumerate(proc.stdout, 1):
        if seen >= 120:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    store = OxigraphStore(store_dir)
    partial = document_graphs(store)
    store.close()
    assert 0 < len(partial) < 300                       # killed in the middle
    for graph, n in partial.items():
        assert n == expected[graph], graph                # every graph present is complete
    rerun = makb("--store", str(store_dir), "build", "--no-progress", str(tmp_path / "docs"))
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{len(partial)} unchanged" in out
    store = OxigraphStore(store_dir)
    assert document_graphs(store) == expected
    store.close()


def test_remote_store_killed_mid_load(tmp_path: Path, registry: Registry) -> None:
    paths = write_corpus(tmp_path / "docs", 150)
    expected = expected_counts(paths, registry)
    location = tmp_path / "oxigraph"
    port = free_port()
    with oxigraph_server(location, port) as (base, server):
        proc = makb("--endpoint", f"{base}/query", "build", "--verbose", "--no-progress", str(tmp_path / "docs"),
                    env={"MAKB_REMOTE_RETRIES": "3"})
        assert proc.stdout is not None
        for i, _line in enumerate(proc.stdout):
            if i == 60:
                server.send_signal(signal.SIGKILL)     # the endpoint dies in the middle of the load
                server.wait()
                break
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 3
        assert "unreachable after 3 attempts" in err
        assert "Traceback" not in err
    with oxigraph_server(location, port) as (base, _):
        remote = RemoteStore(f"{base}/query", retries=1)
        partial = document_graphs(remote)
        assert len(partial) < 150
        for graph, n in partial.items():
            assert n == expected[graph], graph
        again = makb("--endpoint", f"{base}/query", "build", "--no-progress", str(tmp_path / "docs"))
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
        assert document_graphs(remote) == expected


def test_endpoint_down_from_the_start_is_a_clear_error(tmp_path: Path) -> None:
    write_corpus(tmp_path / "docs", 5)
    proc = makb("--endpoint", f"http://127.0.0.1:{free_port()}/query", "build", "--no-progress",
                str(tmp_path / "docs"), env={"MAKB_REMOTE_RETRIES": "2"})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 3
    assert err.startswith("makb: error: remote endpoint") and "unreachable after 2 attempts" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("n", [1, 2])
def test_reingest_is_idempotent_and_replacement_is_atomic(tmp_path: Path, registry: Registry, n: int) -> None:
    store = OxigraphStore(tmp_path / "s")
    paths = write_corpus(tmp_path / "docs", n)
    build(store, [tmp_path / "docs"], registry)
    first = store.graph_counts()
    again = build(store, [tmp_path / "docs"], registry)
    assert again.count("unchanged") == n and store.graph_counts() == first
    store.close()
    assert len(paths) == n
