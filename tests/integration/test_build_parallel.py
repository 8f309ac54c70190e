"""``makb build`` with parser worker processes gives exactly the store a one-process build gives."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.corpus.generate import generate
from kb.build import PARALLEL_MIN_DOCUMENTS, build
from kb.registry import Registry
from kb.store import OxigraphStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(60, 3, out)
    docs = out / "documents"
    (docs / "zz-junk.txt").write_bytes(b"\x00\x01 not a document")
    assert len(list(docs.glob("*.txt"))) >= PARALLEL_MIN_DOCUMENTS
    return docs


def _quads(store: OxigraphStore) -> set[str]:
    return {str(q) for q in ox.parse(store.dump("nq"), format=ox.RdfFormat.N_QUADS)}


def test_parallel_build_equals_sequential_build(corpus: Path, registry: Registry, tmp_path: Path) -> None:
    seq, par = OxigraphStore(tmp_path / "seq"), OxigraphStore(tmp_path / "par")
    seen: list[str] = []
    r1 = build(seq, [corpus], registry, now=NOW, jobs=1)
    r2 = build(par, [corpus], registry, now=NOW, jobs=2, progress=lambda o: seen.append(o.source))
    # outcomes arrive in document order, the bad file reported in both with the same reason
    assert [o.source for o in r2.outcomes] == seen == [o.source for o in r1.outcomes]
    assert [(o.status, o.triples, o.error) for o in r1.outcomes] == [(o.status, o.triples, o.error)
                                                                       for o in r2.outcomes]
    assert r2.count("failed") == 1 and "zz-junk.txt" in (r2.failed[0].error or "")
    assert _quads(seq) == _quads(par)
    assert len(seq.graphs()) == r1.count("added") + 3      # + ontology, registry and shared entities
    # a second parallel build over the same store changes nothing
    r3 = build(par, [corpus], registry, now=NOW, jobs=2)
    assert r3.count("unchanged") == r1.count("added") and r3.triples_written == 0
    seq.close()
    par.close()
