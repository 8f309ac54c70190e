"""The in-process benchmark phases: parsing, mapping and loading, ``makb build``, canned queries, analyses.

Each phase returns ``Figure`` rows (``bench.run.report``) and leaves what later phases need in ``Run``.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.run.measure import disk_usage, percentile, timed
from bench.run.report import Figure, Target
from bench.run.worker import Outcome, run_tasks

#: the ingest time stamped into every benchmark graph, so runs are comparable
FIXED_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
#: the as-of date of scorecards and overdue queries
AS_OF = date(2026, 1, 15)
MB = 1_000_000


@dataclass
class Run:
    """Settings of one benchmark run and what the phases hand to each other."""

    evaluations: int
    corpus: Path                 #: the generator's output directory
    work: Path                   #: scratch directory (stores, dumps, logs)
    reps: int = 20               #: most timed repetitions of one query
    task_timeout: float = 300.0  #: a query or analysis still running after this many seconds is stopped
    budget: float = 10.0         #: seconds one query's repetitions may take (at least 3 are made)
    warmup: int = 1              #: untimed runs before the timed ones
    log: Callable[[str], None] = print
    manifest: dict[str, Any] = field(default_factory=dict)
    store_dir: Path | None = None
    triples: int = 0
    query_ms: dict[str, dict[str, float | None]] = field(default_factory=dict)   #: name -> side -> p50 ms
    notes: list[str] = field(default_factory=list)
    rdflib_rss_mb: float | None = None   #: resident memory of rdflib holding the same data
    rdflib_ms: dict[str, float] = field(default_factory=dict)   #: canned query -> p50 on rdflib
    hub_name: str | None = None          #: the best-connected organisation (its acronym or label)
    hub_iri: str | None = None           #: and its IRI

    @property
    def documents(self) -> Path:
        return self.corpus / "documents"


def makb_command() -> list[str]:
    """The ``makb`` console script of this interpreter's environment (else ``python -m cli.main``)."""
    script = Path(sys.executable).with_name("makb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]


# ---------------------------------------------------------------------------------------------- parse, map, load


def _recall(found: int, expected: int) -> float:
    return 100.0 * found / expected if expected else 100.0


def pipeline(run: Run) -> list[Figure]:
    """Parse and map every document in-process (timed apart), serialising each batch of mapped
    graphs as N-Quads the way ``makb build`` does; then load the batches into an on-disk store
    through ``Store.add_graphs(bulk=True)`` and, as the floor, into raw pyoxigraph
    (``Store.bulk_load`` of the same bytes).  Each load runs on its own, after parsing, and its
    store is closed before the next starts, so no store's background work overlaps another figure."""
    from kb import ingest
    from kb.build import BATCH_TRIPLES
    from kb.mapping import map_document
    from kb.registry import load_registry
    from kb.store import OxigraphStore, nquads

    registry = load_registry()
    entries = {e["file"]: e for e in run.manifest["entries"]}
    files = sorted(run.documents.glob("*.txt"))
    batches_dir = run.work / "batches"
    shutil.rmtree(batches_dir, ignore_errors=True)
    batches_dir.mkdir(parents=True)
    t_read = t_parse = t_map = t_ser = 0.0
    size = triples = failed = 0
    found = {"recommendations": 0, "key_actions": 0, "parties": 0}
    expected = {"recommendations": 0, "key_actions": 0, "parties": 0}
    pending: list[tuple[str, list[ox.Triple]]] = []
    pending_n = 0
    batches: list[tuple[Path, list[str]]] = []

    def flush() -> None:
        nonlocal t_ser, pending, pending_n
        if not pending:
            return
        t0 = time.perf_counter()
        data = b"".join(nquads(g, ts) for g, ts in pending)
        t_ser += time.perf_counter() - t0
        path = batches_dir / f"{len(batches):05d}.nq"
        path.write_bytes(data)
        batches.append((path, [g for g, _ in pending]))
        pending, pending_n = [], 0

    for path in files:
        dt, src = timed(partial(ingest.read, path))
        t_read += dt
        size += src.size
        try:
            dt, doc = timed(partial(ingest.parse_text, src.text, src.source, registry))
            t_parse += dt
            _count_recall(doc, entries.get(path.name, {}), found, expected)
            dt, dg = timed(partial(map_document, doc, src, registry, FIXED_NOW))
            t_map += dt
        except Exception as exc:  # a parser or mapping failure is a finding of the benchmark, not a crash
            failed += 1
            if failed <= 5:
                run.notes.append(f"{path.name} failed to parse or map: {type(exc).__name__}: {str(exc)[:120]}")
            continue
        pending.append((dg.iri, dg.triples))
        pending_n += len(dg.triples)
        triples += len(dg.triples)
        if pending_n >= BATCH_TRIPLES:
            flush()
    flush()
    pending = []
    gc.collect()

    ours_dir, raw_dir = run.work / "load-ours", run.work / "load-raw"
    t_ours = t_ser
    ours = OxigraphStore(ours_dir)
    for path, graphs in batches:
        data = path.read_bytes()
        dt, _ = timed(partial(ours.add_graphs, data, graphs, bulk=True))
        t_ours += dt
    t0 = time.perf_counter()
    ours.close()            # flushes: part of the load
    t_ours += time.perf_counter() - t0
    del ours
    gc.collect()
    shutil.rmtree(ours_dir, ignore_errors=True)

    t_raw = 0.0
    raw = ox.Store(str(raw_dir))
    for path, _ in batches:
        data = path.read_bytes()
        dt, _ = timed(partial(raw.bulk_load, data, format=ox.RdfFormat.N_QUADS))
        t_raw += dt
    dt, _ = timed(raw.flush)
    t_raw += dt
    del raw
    gc.collect()
    shutil.rmtree(raw_dir, ignore_errors=True)
    shutil.rmtree(batches_dir, ignore_errors=True)

    n = len(files)
    figs = [
        Figure("corpus", "documents", n, "", note=f"{size / MB:,.1f} MB of text, {triples:,} triples mapped"),
        Figure("parse", "throughput (kb.ingest.parse_text)", n / t_parse if t_parse else None, "docs/s", "higher",
               note=f"{size / MB / t_parse:,.2f} MB/s, one process" if t_parse else ""),
        Figure("parse", "mapping to triples (kb.mapping)", n / t_map if t_map else None, "docs/s", "higher"),
        Figure("parse", "recall: recommendation entries", _recall(found["recommendations"],
               expected["recommendations"]), "%", "higher"),
        Figure("parse", "recall: key actions", _recall(found["key_actions"], expected["key_actions"]), "%", "higher"),
        Figure("parse", "recall: news parties", _recall(found["parties"], expected["parties"]), "%", "higher"),
        Figure("load", "store load (N-Quads + OxigraphStore.add_graphs)", triples / t_ours if t_ours else None,
               "triples/s", "higher", raw=triples / t_raw if t_raw else None,
               note=f"{t_ours:,.1f} s on disk, of which {t_ser:,.1f} s serialising; {len(batches)} batches",
               targets=[Target("value", ">=", 250_000, ">= 250,000 triples/s")]),
    ]
    if failed:
        figs[0].note += f"; {failed} failed to parse or map"
    run.log(f"  parsed {n} documents in {t_parse:.1f} s, mapped in {t_map:.1f} s, loaded {triples:,} triples "
            f"in {t_ours:.1f} s (raw {t_raw:.1f} s), read in {t_read:.1f} s")
    return figs


def _count_recall(doc: Any, entry: dict[str, Any], found: dict[str, int], expected: dict[str, int]) -> None:
    if not entry:
        return
    if entry["kind"] == "news":
        names = {m.org.acronym for m in doc.organisations} | {m.org.name for m in doc.organisations}
        expected["parties"] += len(entry["parties"])
        found["parties"] += sum(1 for p in entry["parties"] if p in names)
        return
    recs = getattr(doc, "recommendations", [])
    expected["recommendations"] += entry["recommendations"]
    expected["key_actions"] += entry["key_actions"]
    found["recommendations"] += min(len(recs), entry["recommendations"])
    found["key_actions"] += min(sum(len(r.key_actions) for r in recs), entry["key_actions"])


# ---------------------------------------------------------------------------------------------- makb build


def build(run: Run) -> list[Figure]:
    """``makb build`` of the corpus in a child process: wall time, peak memory, store size."""
    store_dir = run.work / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    log_path = run.work / "build.log"
    cmd = [*makb_command(), "--store", str(store_dir), "build", str(run.documents), "--no-progress"]
    with log_path.open("wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    summary = next((ln for ln in log_path.read_text(encoding="utf-8", errors="replace").splitlines()
                    if " documents: " in ln), "")
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"makb build failed ({proc.returncode}); see {log_path}")
    if proc.returncode == 1:
        run.notes.append(f"makb build reported failed documents: {summary}")
    from kb.store import OxigraphStore
    store = OxigraphStore(store_dir)
    run.triples = len(store.raw)
    store.close()
    run.store_dir = store_dir
    size = disk_usage(store_dir)
    run.log(f"  makb build: {wall:.1f} s, {run.triples:,} quads, {size / MB:,.0f} MB; {summary}")
    return [
        Figure("build", "makb build wall time", wall, "s", targets=[Target("value", "<=", 60, "<= 60 s")],
               note=f"{run.triples:,} quads"),
        Figure("build", "makb build throughput", run.triples / wall, "triples/s", "higher"),
        Figure("build", "makb build peak RSS", usage.ru_maxrss * 1024 / MB, "MB"),
        Figure("build", "store size on disk", size / MB, "MB", note=f"{size / max(run.triples, 1):,.0f} bytes/quad"),
    ]


# ---------------------------------------------------------------------------------------------- queries


def canned_texts() -> dict[str, str]:
    """Every canned query with its default parameters and the prefixes it uses."""
    from kb import queries
    from kb.namespaces import PREFIXES
    from kb.sparql.check import with_prefixes

    return {name: with_prefixes(q.render(), PREFIXES) for name, q in queries.all_queries().items()}


def is_grouped(text: str) -> bool:
    return "group by" in " ".join(text.lower().split())


def _spec(run: Run, backend: str, tasks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"backend": backend, "store": str(run.store_dir), "reps": run.reps, "budget": run.budget,
            "warmup": run.warmup, "as_of": AS_OF.isoformat(), "tasks": tasks, **extra}


def _p50(samples: list[float] | None) -> float | None:
    return percentile(samples, 50) if samples else None


def _ms(samples: list[float] | None) -> float | None:
    p50 = _p50(samples)
    return None if p50 is None else p50 * 1000


def _stopped(run: Run, out: Outcome, name: str) -> str:
    if name in out.timed_out:
        return f"stopped after {run.task_timeout:.0f} s"
    if name in out.skipped:
        return "not run: a task like it was stopped"
    return f"error: {out.errors.get(name, 'no result')[:100]}"


def queries_in_process(run: Run) -> list[Figure]:
    """The canned queries on the built store, in a child process: through ``OxigraphStore.query``
    and on raw pyoxigraph, run alternately."""
    assert run.store_dir is not None
    texts = canned_texts()
    out = run_tasks(_spec(run, "oxigraph", [{"name": n, "kind": "pair", "text": t} for n, t in texts.items()]),
                    run.work, run.task_timeout, 120, log=run.log)
    figs = []
    for name in texts:
        o, r = out.samples.get(name), out.info.get(name, {}).get("raw")
        o_ms, r_ms = _ms(o), _ms(r)
        run.query_ms[name] = {"ours": o_ms, "raw": r_ms}
        if o:
            note = f"p95 {percentile(o, 95) * 1000:,.1f} ms" + ("" if len(o) > 1 else ", one run")
        else:
            note = _stopped(run, out, name)
        figs.append(Figure("query in-process", f"{name} p50", o_ms, "ms", raw=r_ms, note=note))
    return figs


# ---------------------------------------------------------------------------------------------- analyses

ANALYSES = ("partner-graph", "centrality", "communities", "ego")


def analyses(run: Run) -> list[Figure]:
    """Partner graph, centrality, communities, an ego graph and the scorecards, on the built store
    (in a child process, each stopped after the task time limit)."""
    from kb.analysis import SCORECARD_BY

    assert run.store_dir is not None
    names = [*ANALYSES, "partner-graph:kept", *(f"scorecard:{by}" for by in SCORECARD_BY),
             *(f"scorecard:{by}:kept" for by in SCORECARD_BY)]
    spec = _spec(run, "oxigraph", [{"name": n, "kind": "analysis", "group": n.split(":")[0]} for n in names])
    spec["reps"] = min(run.reps, 5)
    spec["budget"] = run.budget * 2
    out = run_tasks(spec, run.work, run.task_timeout, 120, log=run.log)

    def fig(name: str, label: str, unit: str = "s", **kw: Any) -> Figure:
        p50 = _p50(out.samples.get(name))
        if p50 is None:
            return Figure("analysis", label, None, unit, note=_stopped(run, out, name), **kw)
        return Figure("analysis", label, p50 * (1000 if unit == "ms" else 1), unit, **kw)

    graph = out.info.get("partner-graph", {})
    figs = [fig("partner-graph", "partner graph build"), fig("centrality", "centrality"),
            fig("communities", "communities (Louvain)")]
    if graph:
        figs[0].note = f"{graph['nodes']:,} nodes, {graph['edges']:,} edges"
    parts = [f.value for f in figs if f.value is not None]
    total = sum(parts) if len(parts) == len(figs) else None
    figs.append(Figure("analysis", "whole partner-graph analysis", total, "s",
                       targets=[Target("value", "<=", 5, "<= 5 s")], note="graph + centrality + communities"))
    ego = fig("ego", "ego graph depth 2 (in-process)", "ms")
    info = out.info.get("ego", {})
    if info:
        run.hub_name, run.hub_iri = info["hub"], info["iri"]
        ego.note = f"{info['hub']}: {info['nodes']} nodes"
    figs.append(ego)
    kept = fig("partner-graph:kept", "partner graph, kept for the store's state",
               note="read back by a process that did not make it")
    figs.append(kept)
    if kept.value is not None and parts and len(parts) == 3:
        figs.append(Figure("analysis", "whole partner-graph analysis, graph kept", kept.value + sum(parts[1:]), "s",
                           targets=[Target("value", "<=", 5, "<= 5 s")], note="kept graph + centrality + communities"))
    figs += [fig(f"scorecard:{by}", f"scorecard by {by}", targets=[Target("value", "<=", 1, "<= 1 s")],
                 note="its key actions read from the derived tables")
             for by in SCORECARD_BY]
    figs += [fig(f"scorecard:{by}:kept", f"scorecard by {by}, commitments kept", targets=[Target("value", "<=", 1,
                                                                                                "<= 1 s")],
                 note="the key actions read back by a process that did not read them")
             for by in SCORECARD_BY]
    return figs
