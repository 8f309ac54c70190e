"""Layouts of ERC pages -> one stream: pipe tables and pipe header fields become the lines the reader knows.

A page converted with pipe tables prints its header fields as ``| Commissioning Unit: | Egypt |`` and its
key actions as a table whose cells may run over several lines::

    Key Action | Responsible | DueDate | Status | Comments | Documents |
    ---|---|---|---|---|---|
    1.2 Train twenty teachers [Added: 2020/05/04] | UNDP & PMU | 2021/06 | Initiated | Ten trained;
    the second group waits | |

``normalise`` keeps one output line per input line (so findings keep their line numbers): a header field
becomes ``Commissioning Unit: Egypt``, the table header and rule become blank, and each table row is
returned as a ``Row`` of cells by column role, attached to its first line (its other lines become blank).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.text.clean import clean

_TABLE_HEADER_RE = re.compile(r"^\|?\s*Key\s+Actions?\s*\|.*\bResponsible\b", re.I)
_RULE_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
#: lines that end a table: the next recommendation, response or section, the page footer
_STOP_RE = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*\s*[.)]?\s*Recommendation\b|Management\s+Response\b"
                      r"|Key\s+Actions?\s*:?\s*$|Latest\s+Evaluations|Contact\s+Us)", re.I)
_BR_RE = re.compile(r"<br\s*/?>", re.I)
_FIELD_RE = re.compile(r"^\|?\s*(?:\*\*)?([A-Z][A-Za-z /()]{2,80}:)(?:\*\*)?\s*\|\s*(.*?)\s*\|?\s*$")


@dataclass
class Row:
    """One row of a key-action table: cell text by role ("text", "responsible", "due", "status", "comment")."""

    cells: dict[str, str] = field(default_factory=dict)
    complete: bool = True        #: False when the page ends inside the row
    last_line: int = 0           #: index of the row's last line


def column_role(header: str) -> str:
    """The role of a key-action table column from its header ("DueDate" -> "due")."""
    h = clean(header).lower()
    if "key action" in h or h.startswith("action"):
        return "text"
    if "responsib" in h or h.startswith("lead"):
        return "responsible"
    if "status" in h or "tracking" in h:
        return "status"
    if "due" in h or "deadline" in h or "time" in h or "date" in h:
        return "due"
    if "comment" in h or "remark" in h:
        return "comment"
    if "document" in h:
        return "documents"
    return "comment"


def _cells(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return text.split("|")


def normalise(lines: list[str]) -> tuple[list[str], dict[int, Row]]:
    """(lines, rows by first line index): pipe layouts rewritten, every other line unchanged."""
    lines = [_BR_RE.sub(" ", ln) if "<" in ln else ln for ln in lines]
    out = list(lines)
    rows: dict[int, Row] = {}
    i = 0
    while i < len(lines):
        ln = lines[i]
        if "|" not in ln:
            i += 1
            continue
        if _TABLE_HEADER_RE.match(ln.strip()):
            roles = [column_role(c) for c in _cells(ln)]
            out[i] = ""
            i += 1
            if i < len(lines) and _RULE_RE.match(lines[i].strip()):
                out[i] = ""
                i += 1
            i = _rows(lines, out, rows, i, roles)
            continue
        m = _FIELD_RE.match(ln.strip())
        if m and ln.count("|") <= 3:
            out[i] = f"{m.group(1)} {m.group(2).strip()}".strip()
        elif _RULE_RE.match(ln.strip()) or not ln.replace("|", "").strip():
            out[i] = ""           # a table rule or a row of empty cells
        elif ln.strip().startswith("|"):
            out[i] = " ".join(c.strip() for c in _cells(ln) if c.strip())    # a one-row table: its text
        i += 1
    return out, rows


def _rows(lines: list[str], out: list[str], rows: dict[int, Row], i: int, roles: list[str]) -> int:
    """Read the rows of one table from line ``i``; the index of the first line after the table."""
    ncols = len(roles)
    while i < len(lines):
        ln = lines[i]
        if not ln.strip():
            i += 1
            continue
        if _STOP_RE.match(ln) or _TABLE_HEADER_RE.match(ln):
            return i
        start = i
        parts = [ln]
        while len(_cells("\n".join(parts))) < ncols and i + 1 < len(lines) and not _STOP_RE.match(lines[i + 1]) \
                and not _TABLE_HEADER_RE.match(lines[i + 1]):
            i += 1
            parts.append(lines[i])
        if "|" not in "".join(parts):
            return start
        cells = _cells("\n".join(parts))
        row = Row(complete=len(cells) >= ncols, last_line=i)
        for role, cell in zip(roles, cells, strict=False):
            text = "\n".join(c for c in (clean(x) for x in cell.split("\n")) if c)
            if text and role != "documents":
                row.cells[role] = f"{row.cells[role]}\n{text}" if role in row.cells else text
        rows[start] = row
        for k in range(start, i + 1):
            out[k] = ""
        i += 1
    return i
