"""The dashboard's charts as plain geometry (bars, axis ticks, legend), which a template draws as SVG.

Both charts are laid out in a ``CHART_WIDTH``-wide view box that the page
stretches to its full width.  Computed overdue ("past due") has its own colour,
apart from the colour of the reported status Overdue.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from kb.vocab import STATUS_COLOURS

#: view box width (SVG user units); the page draws it at 100 % of its width
CHART_WIDTH = 1000
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 190
AXIS_HEIGHT = 36
TIMELINE_HEIGHT = 240
TIMELINE_LEFT = 48
MAX_MONTHS = 120
#: widest bar of the timeline (few months would otherwise draw slabs)
MAX_BAR_WIDTH = 36.0
#: computed overdue: due before the as-of date and not terminal (never a status colour)
PAST_DUE_COLOUR = "#5b2a86"
NOT_YET_DUE_COLOUR = "#0b5cad"
OTHER_COLOUR = "#90a4ae"


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    colour: str
    note: str = ""


@dataclass
class Chart:
    """Bars, axis ticks ((position, text)), legend ((colour, text)) and the view box height."""

    bars: list[Bar] = field(default_factory=list)
    height: float = 0.0
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    axis_y: float = 0.0                  #: where the horizontal axis is drawn
    plot_left: float = 0.0
    plot_right: float = float(CHART_WIDTH)
    marker_x: float | None = None        #: the as-of line of the timeline
    marker_label: str = ""

    @property
    def width(self) -> int:
        return CHART_WIDTH


def nice_ticks(top: int, most: int = 5) -> list[int]:
    """Round axis values from 0 to at least ``top`` (at most ``most`` + 1 of them)."""
    if top <= 0:
        return [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, int(step))
    return list(range(0, (math.ceil(top / step) * step) + 1, step))


def status_chart(counts: list[tuple[str, int]]) -> Chart:
    """Horizontal bars of key actions per reported status, with a count axis below."""
    if not counts:
        return Chart()
    ticks = nice_ticks(max(n for _, n in counts))
    left, right = LABEL_WIDTH, CHART_WIDTH - 50
    span = right - left
    scale = span / ticks[-1]
    bars = [Bar(label, n, left, i * (BAR_HEIGHT + BAR_GAP), n * scale, BAR_HEIGHT,
                STATUS_COLOURS.get(label, OTHER_COLOUR)) for i, (label, n) in enumerate(counts)]
    axis_y = len(bars) * (BAR_HEIGHT + BAR_GAP)
    return Chart(bars=bars, height=axis_y + AXIS_HEIGHT, x_ticks=[(left + t * scale, str(t)) for t in ticks],
                 axis_y=axis_y, plot_left=left, plot_right=right)


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < MAX_MONTHS:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _span(first: str, last: str) -> int:
    """Months from ``first`` to ``last`` inclusive."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def _shift(month: str, delta: int) -> str:
    total = int(month[:4]) * 12 + int(month[5:7]) - 1 + delta
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def timeline_chart(due_open: list[tuple[str, bool]], as_of: date) -> Chart:
    """Open key actions per due month ((due date, past due?) each): past-due and not-yet-due bars stacked."""
    per_month = Counter(due[:7] for due, _ in due_open)
    late_per_month = Counter(due[:7] for due, late in due_open if late)
    if not per_month:
        return Chart()
    first, last = min(per_month), max(per_month)
    key = as_of.isoformat()[:7]
    end = key if last < key <= _shift(last, 12) and _span(first, key) <= MAX_MONTHS else last
    start = first if _span(first, end) <= MAX_MONTHS else _shift(end, -(MAX_MONTHS - 1))
    months = _months(start, end)
    left, right = TIMELINE_LEFT, CHART_WIDTH - 10
    axis_y = TIMELINE_HEIGHT - AXIS_HEIGHT
    plot_top = 24
    width = (right - left) / len(months)
    ticks = nice_ticks(max(per_month[m] for m in months) if any(per_month[m] for m in months) else 1)
    scale = (axis_y - plot_top) / ticks[-1]
    bars = []
    for i, month in enumerate(months):
        n, late = per_month.get(month, 0), late_per_month.get(month, 0)
        w = min(max(1.0, width - 2), MAX_BAR_WIDTH)
        x = left + i * width + (width - w) / 2
        if late:
            bars.append(Bar(month, late, x, axis_y - late * scale, w, late * scale, PAST_DUE_COLOUR,
                            "past due"))
        if n - late:
            top = axis_y - late * scale
            bars.append(Bar(month, n - late, x, top - (n - late) * scale, w, (n - late) * scale,
                            NOT_YET_DUE_COLOUR, "not yet due"))
    step = max(1, math.ceil(len(months) / 10))
    x_ticks = [(left + i * width + width / 2, m) for i, m in enumerate(months) if i % step == 0]
    y_ticks = [(axis_y - t * scale, str(t)) for t in ticks]
    marker = (left + months.index(key) * width + width * (as_of.day / 31)) if key in months else None
    return Chart(bars=bars, height=TIMELINE_HEIGHT, x_ticks=x_ticks, y_ticks=y_ticks, axis_y=axis_y,
                 plot_left=left, plot_right=right, marker_x=marker, marker_label=f"as of {as_of.isoformat()}",
                 legend=[(PAST_DUE_COLOUR, "past due (computed overdue)"), (NOT_YET_DUE_COLOUR, "not yet due")])
