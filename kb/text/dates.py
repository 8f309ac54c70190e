"""The one date layer: dates and time frames as printed -> value, period and span; dates in running text."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kb.text.clean import clean

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
         r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?")
_YEAR = r"((?:19|20)\d{2})(?!\d)"


def month_number(name: str) -> int | None:
    return _MONTHS.get(name.strip(". ").lower()[:3])


def _ymd(y: int, m: int, d: int | None = None) -> str | None:
    if not (1900 <= y <= 2100 and 1 <= m <= 12):
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)"), "dmy"),
    (re.compile(r"(?<![\d/.-])(\d{4})[/.-](\d{1,2})(?![\d/-]|\.\d)"), "ym"),
    (re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{4})(?![\d/-]|\.\d)"), "my"),
    (re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + MONTH + r"),?\s+" + _YEAR, re.I), "d-month-y"),
    (re.compile(r"\b(" + MONTH + r")\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR, re.I), "month-d-y"),
    (re.compile(r"\b(" + MONTH + r"),?\s+" + _YEAR, re.I), "month-y"),
    (re.compile(r"\bQ([1-4])\s*[-/,]?\s*" + _YEAR, re.I), "q-y"),
    (re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/]?\s*Q([1-4])\b", re.I), "y-q"),
    (re.compile(r"\b(?:(?:the\s+)?end(?:\s+of)?(?:\s+the)?(?:\s+year)?|year[- ]end|second\s+half(?:\s+of)?|H2)[\s,-]+"
                + _YEAR, re.I), "end-y"),
    (re.compile(r"\b(?:mid(?:dle)?(?:\s+of)?|first\s+half(?:\s+of)?|H1)[\s,-]+" + _YEAR, re.I), "mid-y"),
]


_SPAN_RE = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})\s*(?:[-\u2013\u2014/]|\s|\bto\b|\band\b)\s*"
                      r"((?:19|20)\d{2})(?![\d/-])", re.I)
_YEAR_RE = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/-]|\.\d)")


@dataclass(frozen=True)
class When:
    """A date or time frame as printed: its value ("2020", "2020-03", "2020-03-30") and the period it spans.

    "Ongoing", "Done" and other words keep their text and give no value.
    """

    text: str                   #: as printed (cleaned of odd spaces)
    value: str | None = None    #: "YYYY-MM-DD", "YYYY-MM" or "YYYY": the date a reader would file it under
    start: dt.date | None = None  #: first day of the period
    end: dt.date | None = None    #: last day of the period (the deadline)

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        return (self.start, self.end) if self.start and self.end else None


def _match_value(text: str) -> tuple[str | None, dt.date | None, bool]:
    """(value, start of a quarter, whether date-like text was found) for the first date-like text."""
    for pattern, form in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        g = m.groups()
        out: str | None = None
        start: dt.date | None = None
        if form == "ymd":
            out = _ymd(int(g[0]), int(g[1]), int(g[2]))
        elif form == "dmy":
            a, b, y = int(g[0]), int(g[1]), int(g[2])
            out = _ymd(y, a, b) if b > 12 >= a else _ymd(y, b, a)
        elif form == "ym":
            out = _ymd(int(g[0]), int(g[1]))
        elif form == "my":
            out = _ymd(int(g[1]), int(g[0]))
        elif form == "d-month-y":
            mo = month_number(g[1])
            out = _ymd(int(g[2]), mo, int(g[0])) if mo else None
        elif form == "month-d-y":
            mo = month_number(g[0])
            out = _ymd(int(g[2]), mo, int(g[1])) if mo else None
        elif form == "month-y":
            mo = month_number(g[0])
            out = _ymd(int(g[1]), mo) if mo else None
        elif form in ("q-y", "y-q"):
            year, q = (int(g[1]), int(g[0])) if form == "q-y" else (int(g[0]), int(g[1]))
            out = _ymd(year, q * 3)
            start = dt.date(year, q * 3 - 2, 1) if out else None
        elif form == "end-y":
            out = _ymd(int(g[0]), 12)
        elif form == "mid-y":
            out = _ymd(int(g[0]), 6)
        return out, start, True
    return None, None, False


def when(text: str | None, years: bool = True) -> When:
    """A date or time frame as printed -> ``When`` (value, period start and end).

    Understands 2020/02, 2020/02/15, 2020-02-15, 15/02/2020 (day first unless impossible),
    12/2019, 30 March 2020, March 30, 2020, March 2020, Q1 2021 (the quarter, filed under its
    last month), end of 2020 (December), mid-2020 (June), and with ``years`` a year range
    ("2009 2010", "2020-2021": filed under its last year) or a year alone.  The first date-like
    text decides: an impossible one ("31 February 2020", "2020/13") gives no value.
    """
    if not text:
        return When(text="")
    printed = clean(text)
    if years:
        m = _SPAN_RE.search(printed)
        if m and int(m.group(1)) <= int(m.group(2)) and not _match_value(printed[:m.start()])[2]:
            first, last = int(m.group(1)), int(m.group(2))
            return When(printed, str(last), dt.date(first, 1, 1), dt.date(last, 12, 31))
    value, start, found = _match_value(printed)
    if not found and years:
        m = _YEAR_RE.search(printed)
        if m and 1900 <= int(m.group(1)) <= 2100:
            value = m.group(1)
    if value is None:
        return When(printed)
    end = period_end(value)
    if start is None and end is not None:
        start = period_start(value)
    return When(printed, value, start, end)


def parse_date(text: str | None) -> str | None:
    """The value of a date as printed ("YYYY-MM-DD" or "YYYY-MM"); None for years alone, "Ongoing", "Done"..."""
    return when(text, years=False).value if text else None


def due_date(text: str | None) -> str | None:
    """The value of a time frame as printed: like ``parse_date`` but a year or year range counts ("2009 2010")."""
    return when(text).value if text else None


def period_start(value: str) -> dt.date | None:
    """The first day of a "YYYY-MM-DD", "YYYY-MM" or "YYYY" value."""
    try:
        parts = [int(p) for p in value.split("-")]
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def period_end(value: str | None) -> dt.date | None:
    """The last day of a "YYYY-MM-DD", "YYYY-MM" or "YYYY" value (None when it is not one)."""
    if not value or not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", value):
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            return dt.date(parts[0], parts[1], parts[2])
        if len(parts) == 2:
            return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        return dt.date(parts[0], 12, 31)
    except (ValueError, IndexError):
        return None


@dataclass(frozen=True)
class DateMention:
    """A date or period mentioned in running text."""

    text: str
    end: dt.date       #: the last day of the period


_RANGE_SEP = r"(?:\s*[-\u2013\u2014/]\s*|\s+(?:to|and|or|through|until|till)\s+)"
_MENTION_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + MONTH + r"),?\s+" + _YEAR, re.I), "dmy"),
    (re.compile(r"\b(" + MONTH + r")\s+(\d{1,2})(?:st|nd|rd|th)?,\s*" + _YEAR, re.I), "mdy"),
    (re.compile(r"\b" + MONTH + _RANGE_SEP + r"(" + MONTH + r"),?\s+" + _YEAR, re.I), "my"),
    (re.compile(r"\b(" + MONTH + r"),?\s+" + _YEAR, re.I), "my"),
    (re.compile(r"\bQ([1-4])\s*[-/,]?\s*" + _YEAR, re.I), "qy"),
    (re.compile(r"\b(?:in|by|during|until|till|before|within|through|throughout)\s+(?:the\s+)?"
                r"(?:(?:end|beginning|start|middle|course)\s+of\s+(?:the\s+)?(?:year\s+)?|early\s+|mid[- ]?|late\s+|"
                r"year[- ]end\s+)?"
                + _YEAR + r"(?:\s*[-\u2013/]\s*((?:19|20)?\d{2})(?!\d))?", re.I), "y"),
]


def date_mentions(text: str) -> list[DateMention]:
    """Month-years ("January-February 2019", "March 2020"), full dates, quarters and years in
    time phrases ("in 2019", "by end of 2019") mentioned in running text, with the end of each period.

    Bare years without such a phrase ("the 2018-19 report", "beyond 2019") are not mentions.
    """
    found: list[tuple[int, DateMention]] = []
    taken: list[tuple[int, int]] = []
    for pattern, form in _MENTION_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            g = m.groups()
            value: str | None = None
            if form == "dmy":
                mo = month_number(g[1])
                value = _ymd(int(g[2]), mo, int(g[0])) if mo else None
            elif form == "mdy":
                mo = month_number(g[0])
                value = _ymd(int(g[2]), mo, int(g[1])) if mo else None
            elif form == "my":
                mo = month_number(g[0])
                value = _ymd(int(g[1]), mo) if mo else None
            elif form == "qy":
                value = _ymd(int(g[1]), int(g[0]) * 3)
            elif form == "y":
                year = int(g[0])
                if g[1]:
                    end = int(g[1]) if len(g[1]) == 4 else (year // 100) * 100 + int(g[1])
                    year = end if end >= year else year
                value = str(year)
            end_date = period_end(value) if value else None
            if end_date is None:
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), DateMention(text=clean(m.group(0)), end=end_date)))
    return [d for _, d in sorted(found, key=lambda p: p[0])]


def dates_before(text: str | None, reference: str | None) -> list[DateMention]:
    """Mentions in ``text`` whose period ends before the ``reference`` date ("YYYY-MM-DD")."""
    if not text or not reference:
        return []
    ref = period_end(reference) if len(reference) == 10 else None
    if ref is None:
        return []
    return [d for d in date_mentions(text) if d.end < ref]
