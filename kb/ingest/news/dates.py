"""Sentences and dates of news releases: abbreviation-aware sentence spans, full dates in the usual printed forms."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kb.ingest.news.lexicon import words

# --------------------------------------------------------------------------- sentences

ABBREVIATIONS = words("sentence_abbreviations")
_BREAK = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(\s+)(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


def split_sentences(line: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of one line, stripped of surrounding spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BREAK.finditer(line):
        if line[m.start()] == ".":
            before = re.search(r"([\w.]+)$", line[max(start, m.start() - 12):m.start()])
            token = before.group(1).lower() if before else ""
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        spans.append((start, m.start(1)))
        start = m.end()
    spans.append((start, len(line)))
    out = []
    for a, b in spans:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


# --------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MON = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_YEAR = r"(?:19|20)\d\d"
_DATE_MDY = re.compile(
    rf"(?<![\w-])(?P<mon>{_MON})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>{_YEAR})(?!\d)")
_DATE_DMY = re.compile(
    rf"(?<![\w-])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<mon>{_MON})\.?,?\s+(?P<year>{_YEAR})(?!\d)")
_DATE_ISO = re.compile(rf"(?<![\w.\-/])(?P<year>{_YEAR})[-/](?P<month>\d{{1,2}})[-/](?P<day>\d{{1,2}})(?![\w\-/])")
_DATE_NUM = re.compile(rf"(?<![\w.\-/])(?P<a>\d{{1,2}})[./](?P<b>\d{{1,2}})[./](?P<year>{_YEAR})(?![\w/]|\.\d)")


@dataclass(frozen=True)
class DateHit:
    iso: str            #: YYYY-MM-DD
    text: str           #: as printed
    start: int
    end: int
    ambiguous: bool = False   #: day and month could be swapped ("05/07/2013")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[DateHit]:
    """Every full date (day, month and year) in the text, in order of appearance."""
    hits: list[DateHit] = []
    for rx in (_DATE_MDY, _DATE_DMY):
        for m in rx.finditer(text):
            mon = _MONTHS.get(m.group("mon").lower())
            iso = _iso(int(m.group("year")), mon, int(m.group("day"))) if mon else None
            if iso:
                hits.append(DateHit(iso, m.group(0), m.start(), m.end()))
    for m in _DATE_ISO.finditer(text):
        iso = _iso(int(m.group("year")), int(m.group("month")), int(m.group("day")))
        if iso:
            hits.append(DateHit(iso, m.group(0), m.start(), m.end()))
    for m in _DATE_NUM.finditer(text):
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("year"))
        # day first (the usual order outside the United States) unless that is impossible
        iso = _iso(year, b, a) or _iso(year, a, b)
        if iso:
            hits.append(DateHit(iso, m.group(0), m.start(), m.end(), ambiguous=a <= 12 and b <= 12 and a != b))
    hits.sort(key=lambda h: (h.start, -h.end))
    out: list[DateHit] = []
    for h in hits:
        if not out or h.start >= out[-1].end:
            out.append(h)
    return out


# --------------------------------------------------------------------------- money


def date_line(text: str) -> bool:
    """A line that is (mostly) a date: "Jul 12, 2013", "Baku, 12 July 2013", "Posted on 12.07.2013"."""
    hits = find_dates(text)
    if not hits:
        return False
    covered = sum(h.end - h.start for h in hits)
    return covered * 2 >= len(text.replace(" ", "")) or (len(text.split()) <= 8 and text[-1:] not in ".!?")


def shorten(text: str, limit: int) -> str:
    """The text cut at a word boundary to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]
