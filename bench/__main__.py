"""``python -m bench``: how the KB behaves at scale, measured on this machine.

Generates (or reuses) the synthetic corpus of N evaluations, then measures, in one run:
parse throughput and parser recall; the store load of the mapped triples (against raw
pyoxigraph); ``makb build`` wall time, throughput, peak RSS and store size; the canned
queries in-process, on raw pyoxigraph and on rdflib's in-memory ``Dataset``; partner-graph
analyses and scorecards; and, against ``makb serve`` on 127.0.0.1, the canned queries
through ``/sparql``, the ego-graph page, web throughput with concurrent clients and the
server's peak RSS.  Prints one table and writes the section of this size in
``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.corpus.generate import corpus_for, load_manifest
from bench.run import report
from bench.run.measure import machine, percentile
from bench.run.phases import MB, Run, analyses, build, canned_texts, is_grouped, pipeline, queries_in_process
from bench.run.report import Figure, Target
from bench.run.web import web_phase
from bench.run.worker import run_tasks

BENCH_DIR = Path(__file__).resolve().parent


#: most seconds one canned query may take on rdflib (the speed-up is then a lower bound)
RDFLIB_QUERY_SECONDS = 60.0
#: below this many quads, rdflib's data is reloaded after a stopped query so the slower ones still run
RDFLIB_RESTART_QUADS = 2_000_000


def rdflib_phase(run: Run, figs: list[Figure], load_timeout: float) -> None:
    """Fill the rdflib column: load rate and each canned query, on a dump of the built store."""
    import pyoxigraph as ox

    from kb.store import OxigraphStore

    assert run.store_dir is not None
    nq = run.work / "kb.nq"
    store = OxigraphStore(run.store_dir)
    try:
        store.raw.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    finally:
        store.close()
    texts = canned_texts()
    # fastest first (by our own time); once rdflib is stopped on one, its data is reloaded for the
    # slower ones only on small corpora (at 10,000 evaluations a reload costs minutes)
    limit = min(run.task_timeout, RDFLIB_QUERY_SECONDS)
    order = sorted(texts, key=lambda n: (run.query_ms.get(n, {}).get("ours") or float("inf"), n))
    spec = {"backend": "rdflib", "nq": str(nq), "reps": min(run.reps, 3), "budget": run.budget,
            "warmup": 0, "tasks": [{"name": n, "kind": "rdflib", "text": texts[n]} for n in order]}
    res = run_tasks(spec, run.work, limit, load_timeout, log=run.log, restart=run.triples < RDFLIB_RESTART_QUADS)
    nq.unlink(missing_ok=True)
    by_name = {f"{f.group}: {f.name}": f for f in figs}
    if res.ready_seconds:
        rate = res.triples / res.ready_seconds
        load = by_name.get("load: store load (N-Quads + OxigraphStore.add_graphs)")
        if load is not None:
            load.rdflib = rate
        run.rdflib_rss_mb = res.rss_kib * 1024 / MB
        at = next((i + 1 for i, f in enumerate(figs) if f.group == "load"), len(figs))
        figs.insert(at, Figure("load", "rdflib Dataset load (reference)", rate, "triples/s", "higher",
                               note=f"{res.ready_seconds:,.1f} s, {run.rdflib_rss_mb:,.0f} MB RSS"))
        run.log(f"  rdflib: {res.triples:,} triples loaded in {res.ready_seconds:,.1f} s")
    else:
        run.notes.append("rdflib: the data did not load within the time limit")
    for name, text in texts.items():
        fig = by_name.get(f"query in-process: {name} p50")
        if fig is None:
            continue
        samples = res.samples.get(name)
        if samples:
            fig.rdflib = run.rdflib_ms[name] = percentile(samples, 50) * 1000
        elif name in res.timed_out:
            fig.rdflib = run.rdflib_ms[name] = limit * 1000
            fig.note += f"; rdflib stopped at {limit:.0f} s (speed-up is a lower bound)"
        elif name in res.errors:
            fig.note += f"; rdflib error: {res.errors[name][:80]}"
        elif name in res.skipped:
            fig.note += "; not run on rdflib (it was stopped on a faster query)"
        if is_grouped(text):
            fig.targets.append(Target("speedup", ">=", 10, ">= 10x rdflib (grouped)"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="example: python -m bench --evaluations 1000")
    parser.add_argument("--evaluations", "-n", type=int, default=100, help="corpus size (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--corpus", type=Path, help="corpus directory (default bench/.corpus/n<N>-s<SEED>)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "RESULTS.md", help="results file to update")
    parser.add_argument("--work", type=Path, help="scratch directory (default: a temporary one, removed after)")
    parser.add_argument("--reps", type=int, default=20, help="most timed runs of one query (default 20)")
    parser.add_argument("--query-budget", type=float, default=10.0, help="seconds per query's runs (default 10)")
    parser.add_argument("--web-seconds", type=float, default=30.0, help="duration of the throughput test")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the throughput test")
    parser.add_argument("--skip-rdflib", action="store_true", help="no rdflib comparison (slow at large sizes)")
    parser.add_argument("--skip-web", action="store_true", help="no HTTP measurements")
    parser.add_argument("--task-timeout", type=float, default=300.0,
                        help="stop a query or analysis (all its runs) after this many seconds (default 300)")
    parser.add_argument("--quick", action="store_true",
                        help="one timed run of everything, no warm-up (to check that the benchmark works)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the table")
    args = parser.parse_args(argv)
    if args.evaluations < 1:
        parser.error("--evaluations must be at least 1")

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    own_work = args.work is None
    work = Path(tempfile.mkdtemp(prefix="makb-bench-")) if own_work else args.work
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    described = machine()
    try:
        log(f"corpus: {args.evaluations} evaluations, seed {args.seed}")
        corpus = corpus_for(args.evaluations, args.seed, args.corpus)
        run = Run(args.evaluations, corpus, work, reps=args.reps, budget=args.query_budget, log=log,
                  manifest=load_manifest(corpus))
        run.task_timeout = args.task_timeout
        if args.quick:
            run.reps, run.budget, run.warmup = 1, 0.0, 0
        figs: list[Figure] = []
        failed: list[str] = []

        def attempt(title: str, phase: Callable[[], list[Figure] | None]) -> None:
            log(title)
            try:
                figs.extend(phase() or [])
            except Exception as exc:  # one failing phase must not lose the figures of the others
                log(traceback.format_exc())
                run.notes.append(f"{title} failed: {type(exc).__name__}: {str(exc)[:200]}")
                failed.append(title)

        attempt("parse, map and load", lambda: pipeline(run))
        attempt("makb build", lambda: build(run))
        if run.store_dir is not None:
            attempt("canned queries in-process", lambda: queries_in_process(run))
            attempt("analyses", lambda: analyses(run))
            if not args.skip_rdflib:
                attempt("rdflib comparison",
                        lambda: rdflib_phase(run, figs, load_timeout=max(1800.0, args.task_timeout)))
            if not args.skip_web:
                attempt("web", lambda: web_phase(run, seconds=args.web_seconds, clients=args.clients))
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        run.notes.append(f"whole benchmark run: {time.perf_counter() - started:,.0f} s; load average at the start "
                         f"{described['load average']}, at the end {load} (1/5/15 min; other work on the machine "
                         "slows every figure)")
        if args.skip_rdflib:
            run.notes.append("rdflib comparison skipped (--skip-rdflib)")
        print(report.text_table(figs))
        text = report.section(args.evaluations, described, figs, run.notes)
        report.write_results(args.out, args.evaluations, text)
        log(f"results: {args.out}")
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
