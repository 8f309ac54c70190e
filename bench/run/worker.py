"""Timed tasks in a child process, so that a task that runs for minutes can be stopped.

pyoxigraph cannot cancel a running query, and some queries or analyses may take far longer
at scale than the benchmark can wait; rdflib also holds its data in its own memory, measured
apart.  ``python -m bench.run.worker SPEC.json START`` opens the backend named in the spec, prints
``{"event": "ready", ...}``, then runs the spec's tasks from index ``START`` on and prints one
JSON line per task with its timings (seconds) or its error.

Task kinds: ``ours`` (``OxigraphStore.query``, converted rows), ``raw`` (raw pyoxigraph, every
value pulled), ``pair`` (both, run alternately so that both see the same machine load),
``rdflib`` (rdflib ``Dataset.query``, every row pulled) and ``analysis`` (``partner-graph``,
``centrality``, ``communities``, ``ego``, ``scorecard:<by>``).
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run.measure import consume_raw

#: the project root, where the worker process starts (so that ``bench`` and ``kb`` import)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: a task slower than this (seconds per run) is not repeated
SLOW = 10.0


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _emit(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def _time(fn: Callable[[], Any], reps: int, budget: float, warmup: int) -> list[float]:
    """Timings of ``fn``: the first run is a warm-up when ``warmup`` (unless it is the only run),
    then up to ``reps`` runs, stopping once ``budget`` seconds are spent and 3 runs are done."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    if first > SLOW or reps <= 1:
        return [first]
    samples = [] if warmup else [first]
    start = time.perf_counter()
    while len(samples) < reps:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
        if len(samples) >= min(3, reps) and time.perf_counter() - start > budget:
            break
    return samples


def _time_pair(fa: Callable[[], Any], fb: Callable[[], Any], reps: int, budget: float,
               warmup: int) -> dict[str, list[float]]:
    """Timings of two ways of doing the same thing, run alternately so that both see the same load."""
    a: list[float] = []
    b: list[float] = []

    def once() -> None:
        t0 = time.perf_counter()
        fa()
        t1 = time.perf_counter()
        fb()
        a.append(t1 - t0)
        b.append(time.perf_counter() - t1)

    once()
    if a[0] > SLOW or b[0] > SLOW or reps <= 1:
        return {"a": a, "b": b}
    if warmup:
        a.clear()
        b.clear()
    start = time.perf_counter()
    while len(a) < reps:
        once()
        if len(a) >= min(3, reps) and time.perf_counter() - start > budget:
            break
    return {"a": a, "b": b}


class _Oxigraph:
    def __init__(self, spec: dict[str, Any]) -> None:
        from kb.store import OxigraphStore

        self.store = OxigraphStore(spec["store"], read_only=True)
        self.graph: Any = None
        self.hub: str | None = None
        self.as_of = spec.get("as_of", "2026-01-15")

    def ready(self) -> dict[str, Any]:
        return {"triples": len(self.store.raw)}

    def task(self, task: dict[str, Any]) -> tuple[Callable[[], Any], dict[str, Any]]:
        kind, name = task["kind"], task["name"]
        if kind == "ours":
            return (lambda: self.store.query(task["text"])), {}
        if kind == "raw":
            return (lambda: consume_raw(self.store.raw.query(task["text"], use_default_graph_as_union=True))), {}
        return self.analysis(name)

    def pair(self, task: dict[str, Any]) -> tuple[Callable[[], Any], Callable[[], Any]]:
        """(ours, raw) for a query, to be timed alternately."""
        return self.task({**task, "kind": "ours"})[0], self.task({**task, "kind": "raw"})[0]

    def analysis(self, name: str) -> tuple[Callable[[], Any], dict[str, Any]]:
        from datetime import date

        from kb.analysis import centrality, communities, ego, partner_graph, scorecard
        from kb.summary import memo

        def computed(f: Callable[[], Any]) -> Callable[[], Any]:
            """``f`` with every whole-KB result computed anew (from the derived tables)."""
            def run() -> Any:
                with memo.bypassed():
                    return f()
            return run

        def kept(f: Callable[[], Any]) -> Callable[[], Any]:
            """``f`` in a process that has not made the results yet: they are read back from beside the store."""
            def run() -> Any:
                memo.forget()
                return f()
            return run

        if name in ("partner-graph", "partner-graph:kept"):
            self.graph = partner_graph(self.store)     # made once and kept for the store's state
            G = self.graph
            call = kept if name.endswith(":kept") else computed
            return call(lambda: partner_graph(self.store)), {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
        if name.startswith("scorecard:"):
            as_of = date.fromisoformat(self.as_of)
            by = name.split(":")[1]
            scorecard(self.store, by=by, as_of=as_of)  # the commitments kept for the store's state
            call = kept if name.endswith(":kept") else computed
            return call(lambda: scorecard(self.store, by=by, as_of=as_of)), {}
        if self.graph is None:
            self.graph = partner_graph(self.store)
        G = self.graph
        if name == "centrality":
            return (lambda: centrality(G)), {}
        if name == "communities":
            return (lambda: communities(G)), {}
        if name == "ego":
            if not G.number_of_nodes():
                raise ValueError("the partner graph is empty")
            hub = max(G.nodes, key=lambda n: (G.degree(n), n))
            sub = ego(G, hub, depth=2)
            return (lambda: ego(G, hub, depth=2)), {
                "hub": G.nodes[hub].get("acronym") or G.nodes[hub].get("label") or hub, "iri": hub,
                "nodes": sub.number_of_nodes()}
        raise ValueError(f"unknown analysis {name!r}")


class _Rdflib:
    def __init__(self, spec: dict[str, Any]) -> None:
        from rdflib import Dataset

        self.ds = Dataset(default_union=True)
        self.ds.parse(spec["nq"], format="nquads")

    def ready(self) -> dict[str, Any]:
        return {"triples": len(self.ds)}

    def task(self, task: dict[str, Any]) -> tuple[Callable[[], Any], dict[str, Any]]:
        def run() -> int:
            result = self.ds.query(task["text"])
            if result.type == "ASK":
                return int(bool(result.askAnswer))
            n = 0
            for row in result:
                if isinstance(row, tuple):   # a SELECT row or a CONSTRUCT triple: pull every value
                    tuple(row)
                n += 1
            return n
        return run, {}


def worker(spec_path: str, start: int) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    backend = _Rdflib(spec) if spec["backend"] == "rdflib" else _Oxigraph(spec)
    _emit({"event": "ready", "seconds": time.perf_counter() - t0, "rss_kib": _rss_kib(), **backend.ready()})
    for task in spec["tasks"][start:]:
        try:
            if task["kind"] == "pair" and isinstance(backend, _Oxigraph):
                ours, raw = backend.pair(task)
                pair = _time_pair(ours, raw, spec["reps"], spec["budget"], spec["warmup"])
                _emit({"event": "task", "name": task["name"], "samples": pair["a"], "info": {"raw": pair["b"]}})
                continue
            fn, info = backend.task(task)
            samples = _time(fn, spec["reps"], spec["budget"], spec["warmup"])
            _emit({"event": "task", "name": task["name"], "samples": samples, "info": info})
        except Exception as exc:  # an error of the measured code is a result of the benchmark
            _emit({"event": "task", "name": task["name"], "error": f"{type(exc).__name__}: {exc}"[:300]})
    return 0


# ---------------------------------------------------------------------------------------------- parent side


@dataclass
class Outcome:
    ready_seconds: float | None = None
    rss_kib: int = 0
    triples: int = 0
    samples: dict[str, list[float]] = field(default_factory=dict)
    info: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    timed_out: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)


def run_tasks(spec: dict[str, Any], work: Path, timeout: float, ready_timeout: float,
              log: Callable[[str], None] = print, restart: bool = True) -> Outcome:
    """Run ``spec["tasks"]`` in a worker; a task over ``timeout`` seconds is stopped (the worker
    killed) and recorded in ``timed_out``.  Then, with ``restart``, a new worker goes on with the
    next tasks, except those of the same ``group`` as the stopped one (recorded in ``skipped``);
    without it, all the remaining tasks are skipped."""
    pending = list(spec["tasks"])
    out = Outcome()
    launch = 0
    while pending:
        launch += 1
        path = work / f"worker-{spec['backend']}-{launch}.json"
        path.write_text(json.dumps({**spec, "tasks": pending}), encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "bench.run.worker", str(path), "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                cwd=PROJECT_ROOT)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump(p: subprocess.Popen[str] = proc, q: queue.Queue[str | None] = lines) -> None:
            assert p.stdout is not None
            for ln in p.stdout:
                q.put(ln)
            q.put(None)

        threading.Thread(target=pump, daemon=True).start()
        stopped: dict[str, Any] | None = None
        try:
            event = _next(lines, ready_timeout)
            if event is None or event.get("event") != "ready":
                for t in pending:
                    out.errors[t["name"]] = f"the {spec['backend']} worker did not start in time"
                return out
            if out.ready_seconds is None:
                out.ready_seconds, out.rss_kib, out.triples = event["seconds"], event["rss_kib"], event["triples"]
            while pending:
                task = pending[0]
                event = _next(lines, timeout)
                if event is None:
                    if proc.poll() is not None:
                        out.errors[task["name"]] = f"the worker ended (exit code {proc.returncode})"
                    else:
                        out.timed_out.add(task["name"])
                        log(f"  {task['name']}: stopped after {timeout:.0f} s")
                    stopped = pending.pop(0)
                    break
                pending.pop(0)
                if "error" in event:
                    out.errors[task["name"]] = event["error"]
                else:
                    out.samples[task["name"]] = event["samples"]
                    out.info[task["name"]] = event.get("info") or {}
        finally:
            proc.kill()
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
            path.unlink(missing_ok=True)
        if stopped is not None:
            group = stopped.get("group")
            drop = pending if not restart else [t for t in pending if group and t.get("group") == group]
            out.skipped.update(t["name"] for t in drop)
            pending = [t for t in pending if t not in drop]
    return out


def _next(lines: queue.Queue[str | None], timeout: float) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            return None
        if line is None:
            return None
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)


if __name__ == "__main__":
    sys.exit(worker(sys.argv[1], int(sys.argv[2])))
