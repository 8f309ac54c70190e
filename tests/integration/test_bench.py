"""The benchmark keeps working: the corpus generator (at 100 evaluations) and an end-to-end run on a
small corpus (the package's layout is checked with the others' in tests/unit/test_layout.py).

Behaviour only: nothing here asserts a timing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus.generate import EVALUATIONS_PER_NEWS, corpus_for, generate, load_manifest
from bench.run import report
from bench.run.measure import percentile, repeat
from kb import ingest
from kb.registry import Registry
from kb.settings import PROJECT_ROOT

SEED = 6
EVALUATIONS = 100
#: the end-to-end run's corpus: every phase and every row, on a few documents (fewer than
#: EVALUATIONS_PER_NEWS, so no news release: the run stays clear of loading the NLP pipeline, which
#: the generator tests above exercise on the news releases of the larger corpus)
RUN_EVALUATIONS = 4
STATUSES = {"Completed", "Initiated", "Not Initiated", "No Longer Applicable", "Overdue", "Overdue-Initiated"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(EVALUATIONS, SEED, out)
    return out


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert RUN_EVALUATIONS < EVALUATIONS_PER_NEWS
    out = tmp_path_factory.mktemp("small-corpus")
    generate(RUN_EVALUATIONS, SEED, out)
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------- generator


def test_same_seed_gives_byte_identical_corpus(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(EVALUATIONS, SEED, again)
    assert _files(again) == _files(corpus)
    other = tmp_path / "other"
    generate(EVALUATIONS, SEED + 1, other)
    assert _files(other) != _files(corpus)


def test_regenerating_into_the_same_directory_replaces_the_documents(tmp_path: Path) -> None:
    generate(20, 1, tmp_path)
    generate(10, 1, tmp_path)
    manifest = load_manifest(tmp_path)
    assert len(list((tmp_path / "documents").glob("*.txt"))) == manifest["documents"] == 12


def test_a_matching_corpus_is_reused_and_another_size_regenerated(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    assert corpus_for(3, 1, out) == out
    written = (out / "manifest.json").stat().st_mtime_ns
    assert corpus_for(3, 1, out) == out
    assert (out / "manifest.json").stat().st_mtime_ns == written
    corpus_for(4, 1, out)
    assert load_manifest(out)["evaluations"] == 4 and len(list((out / "documents").glob("*.txt"))) == 4


def test_manifest_describes_a_varied_corpus(corpus: Path) -> None:
    m = load_manifest(corpus)
    entries = m["entries"]
    t = m["totals"]
    assert (m["evaluations"], m["seed"], m["documents"]) == (EVALUATIONS, SEED, len(entries))
    assert t["news"] == EVALUATIONS // 5
    assert t["erc-page"] + t["response-document"] == EVALUATIONS
    assert 0.6 * EVALUATIONS < t["erc-page"] < 0.95 * EVALUATIONS
    assert t["truncated"] >= 1 and t["grouped"] >= 1
    assert t["recommendations"] == sum(e.get("recommendations", 0) for e in entries)
    assert len({e["title"] for e in entries}) == len(entries), "titles are unique"
    for e in entries:
        assert (corpus / "documents" / e["file"]).is_file()
        if e["kind"] != "news" and not e["truncated"]:
            assert 3 <= e["recommendations"] <= 15
            assert 0 <= e["key_actions"] <= 5 * e["recommendations"]
    countries = {e["country"] for e in entries}
    assert len(countries) >= 15


def test_erc_pages_spread_statuses_and_due_dates(corpus: Path) -> None:
    statuses: set[str] = set()
    years: set[int] = set()
    detail = re.compile(r" (\d{4})/(\d{2}) (Completed|Initiated|Not Initiated|No Longer Applicable|"
                        r"Overdue-Initiated|Overdue)\b")
    for path in sorted((corpus / "documents").glob("*_erc.txt")):
        for m in detail.finditer(path.read_text(encoding="utf-8")):
            years.add(int(m.group(1)))
            statuses.add(m.group(3))
    assert statuses == STATUSES
    assert min(years) >= 2010 and max(years) <= 2026
    assert max(years) - min(years) >= 10


def test_parsers_recover_what_the_manifest_says(corpus: Path, registry: Registry) -> None:
    m = load_manifest(corpus)
    parties = found = 0
    for e in m["entries"]:
        src = ingest.read(corpus / "documents" / e["file"])
        doc = ingest.parse_text(src.text, src.source, registry)
        assert doc.kind == e["kind"], e["file"]
        if e["kind"] == "news":
            assert (doc.title, doc.date) == (e["title"], e["date"])
            names = {o.org.acronym for o in doc.organisations} | {o.org.name for o in doc.organisations}
            parties += len(e["parties"])
            found += sum(1 for p in e["parties"] if p in names)
            continue
        assert doc.evaluation.title == e["title"]
        assert len(doc.recommendations) == e["recommendations"], e["file"]
        assert sum(len(r.key_actions) for r in doc.recommendations) == e["key_actions"], e["file"]
        codes = {w.code for w in doc.warnings}
        assert ("truncated" in codes) == e["truncated"], e["file"]
        if e["grouped"]:
            assert any(r.covers for r in doc.recommendations), e["file"]
    assert found >= 0.85 * parties


# ---------------------------------------------------------------------------------------------- runner pieces


def test_percentile_and_repeat() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0
    assert percentile([10.0], 95) == 10.0
    calls: list[int] = []
    t = repeat(lambda: calls.append(1), reps=4, budget=1000, warmup=2)
    assert len(calls) == 6 and len(t.samples) == 4
    t = repeat(lambda: calls.append(1), reps=50, budget=0.0, warmup=0, min_reps=3)
    assert len(t.samples) == 3


def test_targets_and_ratios() -> None:
    fig = report.Figure("q", "x p50", 20.0, "ms", rdflib=400.0, raw=16.0,
                        targets=[report.Target("speedup", ">=", 10, ""), report.Target("overhead", "<=", 1.5, "")])
    assert fig.speedup == pytest.approx(20.0) and fig.overhead == pytest.approx(1.25)
    assert fig.result == "pass"
    fig.raw = 10.0
    assert fig.result == "MISS"
    rate = report.Figure("load", "rate", 100_000, "triples/s", "higher", rdflib=10_000, raw=400_000,
                         targets=[report.Target("value", ">=", 250_000, "")])
    assert rate.speedup == pytest.approx(10.0) and rate.overhead == pytest.approx(4.0)
    assert rate.result == "MISS"
    assert report.Figure("a", "b", None, "s", targets=[report.Target("value", "<=", 1, "")]).result == ""


def test_results_file_keeps_one_section_per_size(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    figs = [report.Figure("build", "wall", 1.0, "s")]
    machine = {"cpu": "test"}
    report.write_results(out, 1000, report.section(1000, machine, figs, ["first"]))
    report.write_results(out, 100, report.section(100, machine, figs, ["old"]))
    report.write_results(out, 100, report.section(100, machine, figs, ["new"]))
    text = out.read_text(encoding="utf-8")
    assert text.count("## 100 evaluations") == 1 and text.count("## 1,000 evaluations") == 1
    assert text.index("## 100 evaluations") < text.index("## 1,000 evaluations")
    assert "- new" in text and "- old" not in text and "- first" in text
    # another benchmark's section after the last size stays where it is
    out.write_text(text + "\n## Search and explorer\n\nfigures\n", encoding="utf-8")
    report.write_results(out, 10000, report.section(10000, machine, figs, ["big"]))
    text = out.read_text(encoding="utf-8")
    assert text.count("## Search and explorer") == 1 and text.rstrip().endswith("figures")
    assert text.index("## 10,000 evaluations") < text.index("## Search and explorer")


# ---------------------------------------------------------------------------------------------- end to end

#: every row the table must have (canned-query rows are checked against the query files)
FIGURE_ROWS = (
    "corpus: documents", "parse: throughput", "parse: recall: key actions", "load: store load",
    "load: rdflib Dataset load", "build: makb build wall time", "build: makb build throughput",
    "build: makb build peak RSS", "build: store size on disk", "analysis: partner graph build",
    "analysis: centrality", "analysis: communities", "analysis: whole partner-graph analysis",
    "analysis: scorecard by org", "web: ego graph page, depth 2", "web: throughput, 8 clients",
    "web: server peak RSS", "web: home page /", "web: documents page", "web: dashboard page",
)


@pytest.mark.server
def test_benchmark_runs_end_to_end(small_corpus: Path, tmp_path: Path) -> None:
    from kb.queries import all_queries

    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--evaluations", str(RUN_EVALUATIONS), "--seed", str(SEED),
         "--corpus", str(small_corpus), "--out", str(out), "--work", str(tmp_path / "work"), "--quick",
         "--web-seconds", "1", "--task-timeout", "120"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = proc.stdout
    for row in FIGURE_ROWS:
        assert row in table, row
    for name in all_queries():
        assert f"query in-process: {name} p50" in table
        assert f"query /sparql: {name} p50" in table
    for line in table.splitlines():
        if line.startswith(("query /sparql:", "web: ego graph page")):
            assert "HTTP" not in line, line
        if line.startswith(("corpus:", "parse: throughput", "build: makb build wall", "web: throughput")):
            assert "n/a" not in line, line
    results = out.read_text(encoding="utf-8")
    assert f"## {RUN_EVALUATIONS} evaluations" in results and "Machine: " in results and "pyoxigraph" in results
    assert "| build: makb build wall time |" in results
    assert "makb build reported failed documents" not in results

