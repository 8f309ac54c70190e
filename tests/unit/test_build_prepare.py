"""The build's preparation step: each document's kind detected once, failures kept in place, and the
parser workers' lower CPU priority."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kb import ingest
from kb.build import WORKER_NICENESS, DocumentOutcome, Prepared, _worker_init, prepare_paths
from kb.registry import Registry
from kb.settings import PROJECT_ROOT

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SEEDS = sorted((PROJECT_ROOT / "data" / "documents").glob("*.txt"))


def test_each_document_is_detected_once(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    detect = ingest.detect

    def counting(text: str, source: str = "<input>") -> str:
        calls.append(source)
        return detect(text, source)

    monkeypatch.setattr(ingest, "detect", counting)
    out = prepare_paths(SEEDS, registry, NOW, None)
    assert [o.source for o in out] == [str(p) for p in SEEDS]
    assert all(isinstance(o, Prepared) for o in out)
    assert sorted(calls) == sorted(str(p) for p in SEEDS)      # once each, not again inside the parser
    kinds = {Path(o.source).name: o.kind for o in out if isinstance(o, Prepared)}
    assert set(kinds.values()) >= {ingest.news.KIND}              # the news seed still went through spaCy


def test_an_unrecognised_document_fails_in_its_place(registry: Registry, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("shopping list\neggs\nmilk\n", encoding="utf-8")
    missing = tmp_path / "gone.txt"
    out = prepare_paths([SEEDS[0], junk, missing, SEEDS[-1]], registry, NOW, None)
    assert [Path(o.source).name for o in out] == [SEEDS[0].name, "notes.txt", "gone.txt", SEEDS[-1].name]
    first, bad, gone, last = out
    assert isinstance(first, Prepared) and isinstance(last, Prepared)
    assert isinstance(bad, DocumentOutcome) and bad.status == "failed"
    assert "notes.txt" in (bad.error or "") and "not a recognised document" in (bad.error or "")
    assert isinstance(gone, DocumentOutcome) and "cannot read" in (gone.error or "")


def _niceness() -> int:
    return os.nice(0)


def test_parser_workers_run_at_lower_priority(registry: Registry) -> None:
    ctx = multiprocessing.get_context("forkserver")
    init = (str(registry.path), registry.base, str(registry.countries_path), NOW, None, WORKER_NICENESS)
    with ctx.Pool(1, initializer=_worker_init, initargs=init) as pool:
        worker = pool.apply(_niceness)
    assert WORKER_NICENESS > 0
    assert worker == min(19, os.nice(0) + WORKER_NICENESS)
