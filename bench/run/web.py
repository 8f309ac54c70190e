"""The HTTP phase: ``makb serve`` on 127.0.0.1 over the built store, measured from outside.

Canned queries through ``/sparql``, the ego-graph page, throughput with concurrent clients
for a bounded time, and the server's peak resident memory (the process and its workers).
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench.run.measure import RssSampler, percentile
from bench.run.phases import MB, Run, canned_texts, makb_command
from bench.run.report import Figure, Target
from kb import queries

HOST = "127.0.0.1"
SPARQL_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, */*;q=0.1"
#: queries at least this slow on raw pyoxigraph are held to the endpoint-overhead target
OVERHEAD_FLOOR_MS = 50.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: str
    #: seconds from launch until ``/healthz`` answered (``makb serve`` warms its pages before it listens)
    start_s: float = 0.0
    #: resident memory of the server's process tree, sampled from launch
    rss: RssSampler | None = None

    def get(self, path: str, accept: str = "*/*", timeout: float = 120.0) -> tuple[int, bytes]:
        """One GET on a fresh connection: (status, body)."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Accept": accept})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


def _wait(port: int, proc: subprocess.Popen[bytes], timeout: float, log: str) -> None:
    """Until ``/healthz`` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"makb serve exited with {proc.returncode}; see {log}")
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    raise RuntimeError(f"makb serve did not listen on {HOST}:{port} within {timeout:.0f} s; see {log}")


@contextmanager
def serve(run: Run, startup_timeout: float = 600.0) -> Iterator[Server]:
    """``makb --store STORE serve`` on a free port of 127.0.0.1, stopped on exit; its memory is sampled
    from launch, so the warming it does before it listens counts."""
    assert run.store_dir is not None
    port = free_port()
    log_path = run.work / "serve.log"
    cmd = [*makb_command(), "--store", str(run.store_dir), "serve", "--host", HOST, "--port", str(port)]
    t0 = time.perf_counter()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    rss = RssSampler(proc.pid).__enter__()
    try:
        _wait(port, proc, startup_timeout, str(log_path))
        yield Server(proc, port, str(log_path), time.perf_counter() - t0, rss)
    finally:
        rss.__exit__()
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _sparql_path(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


@dataclass
class Requests:
    """Timings (seconds) of repeated GETs of one path, their statuses, and whether one went unanswered."""

    samples: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    unanswered: bool = False
    #: the first request's time (before any warm-up): what the first visitor waits
    first: float | None = None

    def note(self, timeout: float) -> str:
        parts = []
        if self.first is not None:
            parts.append(f"first request {self.first * 1000:,.0f} ms")
        if self.samples:
            parts.append(f"p95 {percentile(self.samples, 95) * 1000:,.1f} ms")
        bad = sorted({s for s in self.statuses if s != 200})
        if bad:
            parts.append(f"HTTP {', '.join(map(str, bad))}")
        if self.unanswered:
            parts.append(f"no answer within {timeout:.0f} s")
        return "; ".join(parts)

    @property
    def p50_ms(self) -> float | None:
        return percentile(self.samples, 50) * 1000 if self.samples else None


def time_requests(server: Server, path: str, accept: str, reps: int, budget: float, warmup: int,
                  timeout: float) -> Requests:
    """GET ``path`` ``warmup`` times untimed, then up to ``reps`` times (at least 2 unless the budget
    of seconds is spent); stops at the first request unanswered within ``timeout`` seconds."""
    out = Requests()
    start = time.perf_counter()
    for k in range(warmup + reps):
        t0 = time.perf_counter()
        try:
            status, _ = server.get(path, accept, timeout=timeout)
        except (TimeoutError, OSError, http.client.HTTPException):
            out.unanswered = True
            return out
        if k == 0:
            out.first = time.perf_counter() - t0
        if k >= warmup:
            out.samples.append(time.perf_counter() - t0)
            out.statuses.append(status)
            if len(out.samples) >= min(2, reps) and time.perf_counter() - start > budget:
                break
    return out


# ---------------------------------------------------------------------------------------------- throughput


@dataclass
class Load:
    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


def throughput(port: int, paths: list[str], clients: int, seconds: float,
               timeout: float = 60.0) -> tuple[Load, float]:
    """``clients`` threads, each on one keep-alive connection, requesting ``paths`` in turn until
    ``seconds`` have passed (a request unanswered within ``timeout`` counts as an error);
    (counts, elapsed seconds)."""
    load = Load()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        i = k
        try:
            while time.monotonic() < deadline:
                path = paths[i % len(paths)]
                i += 1
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path, headers={"Accept": SPARQL_ACCEPT if path.startswith("/sparql")
                                                       else "text/html"})
                    resp = conn.getresponse()
                    resp.read()
                    status = resp.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
                    status = 0
                dt = time.perf_counter() - t0
                with lock:
                    load.statuses[status] = load.statuses.get(status, 0) + 1
                    if status == 200:
                        load.ok += 1
                        load.latencies.append(dt)
                    else:
                        load.errors += 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return load, time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------- phase


def web_phase(run: Run, seconds: float = 30.0, clients: int = 8) -> list[Figure]:
    figs: list[Figure] = []
    texts = canned_texts()
    timeout = run.task_timeout
    with serve(run) as server:
        rss = server.rss
        assert rss is not None
        figs.append(Figure("web", "server start (warms its pages before it listens)", server.start_s, "s",
                           note="launch to the first /healthz answer"))
        status, _ = server.get("/healthz")
        if status != 200:
            raise RuntimeError(f"makb serve answers /healthz with HTTP {status}; see {server.log}")
        for name, text in texts.items():
            r = time_requests(server, _sparql_path(text), SPARQL_ACCEPT, run.reps, run.budget, run.warmup, timeout)
            raw = run.query_ms.get(name, {}).get("raw")
            answered = bool(r.statuses) and all(x == 200 for x in r.statuses)
            # an error answer (the endpoint's time or size limit) is not comparable with a full answer
            fig = Figure("query /sparql", f"{name} p50", r.p50_ms, "ms", raw=raw if answered else None,
                         rdflib=run.rdflib_ms.get(name) if answered else None, note=r.note(timeout))
            # a listing's first page (it takes limit/offset) within 300 ms, a grouped query within 150 ms
            listing = any(p.name == "limit" for p in queries.get(name).params)
            fig.targets.append(Target("value", "<=", 300, "p50 <= 300 ms") if listing
                               else Target("value", "<=", 150, "p50 <= 150 ms"))
            if raw is not None and raw >= OVERHEAD_FLOOR_MS:
                fig.targets.append(Target("overhead", "<=", 1.3, "<= 1.3x raw"))
            figs.append(fig)
        if run.hub_iri:
            path = "/graph?" + urllib.parse.urlencode({"org": run.hub_iri, "depth": "2"})
            r = time_requests(server, path, "text/html", run.reps, run.budget, run.warmup, timeout)
            figs.append(Figure("web", "ego graph page, depth 2", r.p50_ms, "ms",
                               targets=[Target("value", "<=", 200, "<= 200 ms")],
                               note="; ".join(x for x in (r.note(timeout), run.hub_name or "") if x)))
        pages = list(PAGES)
        if run.hub_iri:
            pages.append(("entity page", "/entity?" + urllib.parse.urlencode({"iri": run.hub_iri})))
        for label, path in pages:
            # the first request is timed apart: the first visitor after the server started
            r = time_requests(server, path, "text/html", min(run.reps, 5), run.budget, 0, timeout)
            first = Figure("web", f"{label} first request", r.first * 1000 if r.first is not None else None, "ms",
                           note=path)
            warm = Figure("web", f"{label} {path}", r.p50_ms, "ms", note=r.note(timeout))
            if label in TARGET_PAGES:
                first.targets.append(Target("value", "<=", 1000, "<= 1 s"))
                warm.targets.append(Target("value", "<=", 150, "p50 <= 150 ms"))
            figs += [first, warm]
        paths = ["/", _sparql_path(texts.get("documents", "ASK {}")), "/documents"]
        if run.hub_iri:
            paths.append("/graph?" + urllib.parse.urlencode({"org": run.hub_iri, "depth": "1"}))
        load, elapsed = throughput(server.port, paths, clients, seconds, timeout)
    lat = load.latencies
    note = f"{load.ok:,} ok, {load.errors:,} errors in {elapsed:.1f} s"
    if lat:
        note += f"; latency p50 {percentile(lat, 50) * 1000:,.0f} ms, p95 {percentile(lat, 95) * 1000:,.0f} ms"
    figs.append(Figure("web", f"throughput, {clients} clients", load.ok / elapsed if elapsed else None, "req/s",
                       "higher", note=note))
    figs.append(Figure("web", "server peak RSS (all processes)", rss.peak_kib * 1024 / MB, "MB",
                       rdflib=run.rdflib_rss_mb, targets=[Target("value", "<=", 800, "<= 800 MB")],
                       note="from launch, warming included"))
    return figs


#: pages timed one by one: (label, path)
PAGES = (("home page", "/"), ("documents page", "/documents"), ("dashboard page", "/dashboard"),
         ("explorer page", "/graph"))
#: the pages with a first-request and a warm target
TARGET_PAGES = {"dashboard page", "explorer page", "entity page"}
