"""Measuring helpers: percentiles, repeated timings, result consumption, process memory, disk usage, the machine."""

from __future__ import annotations

import os
import platform
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation; ``values`` need not be sorted."""
    if not values:
        raise ValueError("no values")
    data = sorted(values)
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


@dataclass
class Timing:
    """Repeated wall-clock timings of one operation, in seconds."""

    samples: list[float] = field(default_factory=list)
    timed_out: bool = False

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def best(self) -> float:
        return min(self.samples)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples)


def repeat(fn: Callable[[], Any], reps: int, budget: float, warmup: int = 1, min_reps: int = 3) -> Timing:
    """Time ``fn`` up to ``reps`` times (after ``warmup`` untimed runs), stopping early once
    ``budget`` seconds are spent and at least ``min_reps`` samples exist."""
    min_reps = min(min_reps, reps)
    for _ in range(warmup):
        fn()
    t = Timing()
    start = time.perf_counter()
    while len(t.samples) < reps:
        t0 = time.perf_counter()
        fn()
        t.samples.append(time.perf_counter() - t0)
        if len(t.samples) >= min_reps and time.perf_counter() - start > budget:
            break
    return t


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """(seconds, result) of one call."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def consume_raw(result: Any) -> int:
    """Pull every row (every value) out of a raw pyoxigraph result; the count (an ASK answer: 0 or 1).

    Duck-typed, so that this module does not load pyoxigraph into the rdflib worker's memory."""
    if not hasattr(result, "__iter__"):     # QueryBoolean
        return int(bool(result))
    n = 0
    for item in result:                     # QuerySolution (its values) or Triple (its terms)
        tuple(item)
        n += 1
    return n


# ---------------------------------------------------------------------------------------------- memory


def _status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_rss_kib(pid: int) -> int:
    """Current resident memory of a process and its descendants, KiB."""
    return sum(_status_kib(p, "VmRSS") for p in process_tree(pid))


class RssSampler:
    """Samples the resident memory of a process tree in a thread; ``peak_kib`` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
        self._stop.set()
        self._thread.join()


def disk_usage(path: str | Path) -> int:
    """Bytes allocated on disk by the files under ``path``."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_blocks * 512
            except OSError:
                continue
    return total


# ---------------------------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _mem_total_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def machine() -> dict[str, str]:
    """A description of this machine and the software versions that matter for the figures."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count() or 0),
        "ram": f"{_mem_total_gib():.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "load average": "/".join(f"{x:.1f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "pyoxigraph": _version("pyoxigraph"),
        "rdflib": _version("rdflib"),
        "networkx": _version("networkx"),
        "flask": _version("flask"),
        "waitress": _version("waitress"),
    }
