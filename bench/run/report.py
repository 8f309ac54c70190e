"""Figures, targets and the two outputs: the printed table and the sections of ``bench/RESULTS.md``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

RESULTS_HEADER = """# Benchmark results

Produced by `python -m bench --evaluations N` (what it measures: `python -m bench --help`):
one section per corpus size, replaced when the benchmark is run again at that size.
Corpora come from `python -m bench.corpus.generate --evaluations N --seed 1` (deterministic).

Columns: **rdflib / ours** is the speed-up over rdflib's in-memory `Dataset` on the same
data in the same run (above 1: we are faster); **ours / raw** is the overhead over raw
pyoxigraph (`Store.query` fully consumed, no conversion; 1 is the floor). Latencies are
p50 / p95 over repeated runs after one warm-up run. Targets are those of the benchmark issue
at 10,000 evaluations; at smaller sizes they are shown for reference.
"""


@dataclass(frozen=True)
class Target:
    """A goal for a figure: on its value, on the speed-up over rdflib or on the overhead over raw pyoxigraph."""

    on: str          #: "value" | "speedup" | "overhead"
    op: str          #: "<=" | ">="
    threshold: float
    label: str

    def met(self, fig: Figure) -> bool | None:
        x = {"value": fig.value, "speedup": fig.speedup, "overhead": fig.overhead}[self.on]
        if x is None:
            return None
        return x <= self.threshold if self.op == "<=" else x >= self.threshold


@dataclass
class Figure:
    group: str
    name: str
    value: float | None
    unit: str
    better: str = "lower"            #: "lower" | "higher"
    rdflib: float | None = None      #: the same figure on rdflib's memory store, same unit
    raw: float | None = None         #: the same figure on raw pyoxigraph, same unit
    targets: list[Target] = field(default_factory=list)
    note: str = ""

    @property
    def speedup(self) -> float | None:
        if self.value is None or self.rdflib is None or not self.value or not self.rdflib:
            return None
        return self.rdflib / self.value if self.better == "lower" else self.value / self.rdflib

    @property
    def overhead(self) -> float | None:
        if self.value is None or self.raw is None or not self.value or not self.raw:
            return None
        return self.value / self.raw if self.better == "lower" else self.raw / self.value

    @property
    def result(self) -> str:
        outcomes = [t.met(self) for t in self.targets]
        outcomes = [o for o in outcomes if o is not None]
        if not outcomes:
            return ""
        return "pass" if all(outcomes) else "MISS"


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit in ("docs/s", "triples/s", "req/s", "MB/s"):
        return f"{value:,.0f} {unit}" if value >= 100 else f"{value:,.1f} {unit}"
    if unit == "ms":
        return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "s":
        return f"{value:,.2f} s" if value < 100 else f"{value:,.0f} s"
    if unit == "MB":
        return f"{value:,.0f} MB" if value >= 10 else f"{value:,.1f} MB"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "":
        return f"{value:,.0f}"
    return f"{value:,.3g} {unit}"


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return ""
    return f"{r:,.0f}x" if r >= 100 else f"{r:,.1f}x" if r >= 10 else f"{r:.2f}x"


COLUMNS = ("Figure", "Value", "Target", "rdflib / ours", "ours / raw", "Result")


def rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for f in figures:
        value = fmt_value(f.value, f.unit)
        if f.note:
            value += f" ({f.note})"
        out.append((f"{f.group}: {f.name}", value, "; ".join(t.label for t in f.targets),
                    fmt_ratio(f.speedup), fmt_ratio(f.overhead), f.result))
    return out


def text_table(figures: list[Figure]) -> str:
    body = rows(figures)
    widths = [max(len(c), *(len(r[i]) for r in body)) if body else len(c) for i, c in enumerate(COLUMNS)]
    line = "  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(out)


def markdown_table(figures: list[Figure]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] * len(COLUMNS)) + "|"]
    out += ["| " + " | ".join(esc(v) for v in r) + " |" for r in rows(figures)]
    return "\n".join(out)


def section(evaluations: int, machine: dict[str, str], figures: list[Figure], notes: list[str]) -> str:
    """The RESULTS.md section of one corpus size."""
    passed = sum(1 for f in figures if f.result == "pass")
    missed = [f"{f.group}: {f.name}" for f in figures if f.result == "MISS"]
    lines = [f"<!-- section: {evaluations} -->", f"## {evaluations:,} evaluations", "",
             "Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()), "",
             markdown_table(figures), "",
             f"Targets met: {passed} of {passed + len(missed)}."
             + (f" Missed: {'; '.join(missed)}." if missed else "")]
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    lines.append(f"<!-- end section: {evaluations} -->")
    return "\n".join(lines)


_SECTION_RE = re.compile(r"<!-- section: (\d+) -->.*?<!-- end section: \1 -->", re.S)


def write_results(path: str | Path, evaluations: int, text: str) -> None:
    """Put ``text`` (a ``section``) into the results file, replacing the section of the same size;
    sections are kept in increasing size."""
    path = Path(path)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    found = list(_SECTION_RE.finditer(old))
    sections = {int(m.group(1)): m.group(0) for m in found}
    sections[evaluations] = text
    body = "\n\n".join(sections[k] for k in sorted(sections))
    # what follows the last section (other benchmarks' own sections) stays as it is
    rest = old[found[-1].end():].strip("\n") if found else ""
    path.write_text(RESULTS_HEADER + "\n" + body + "\n" + (f"\n{rest}\n" if rest else ""), encoding="utf-8")
