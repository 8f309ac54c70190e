"""Patterns of ERC management-response pages: fields, headings, stamps, statuses, and detail-line splitting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.model import KeyActionRecord, RecommendationRecord
from kb.text.clean import clean
from kb.text.dates import MONTH
from kb.vocab import status_pattern

STATUS_RE = re.compile(r"(?<![\w-])(" + status_pattern() + r")(?![\w-])", re.I)

FIELDS = {
    "commissioning unit": "commissioning_unit",
    "evaluation plan": "evaluation_plan",
    "evaluation type": "evaluation_type",
    "completion date": "completion_date",
    "unit responsible for providing management response": "response_unit",
    "evaluation title": "title",
    "title": "title",
}
FIELD_RE = re.compile(r"^(" + "|".join(re.escape(k) for k in sorted(FIELDS, key=len, reverse=True))
                      + r")\s*:\s*(.*)$", re.I)
REC_HEADER_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\s*[.)]?\s*Recommendation(?:s(?=\s*:))?\s*(?::\s*(.*))?$", re.I)
MR_RE = re.compile(r"^Management\s+Response\s*:?\s*(.*)$", re.I)
ADDED_RE = re.compile(r"\[\s*Added\s*:?\s*([^\]]*)\]", re.I)
UPDATED_RE = re.compile(r"\[\s*Last\s+Updated\s*:?\s*([^\]]*)\]", re.I)
KA_SECTION_RE = re.compile(r"^Key\s+Actions?\s*:?\s*$", re.I)
KA_TABLE_HEADER_RE = re.compile(r"^Key\s+Actions?\s+Responsible\s+Due\s*Date\b", re.I)
KA_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*|[a-hA-H](?=[.)]))(?:[.)]\s*|\s+)(\S.*)$")
HISTORY_TAIL_RE = re.compile(r"(?:^|\s)History\s*$")
DUE_RE = re.compile(r"(?<![\d/])(\d{4}/\d{1,2}(?:/\d{1,2})?|\d{4}-\d{2}(?:-\d{2})?|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4})"
                    r"(?![\d/])")
#: a due date in words: "Dec 2011", "By 30 June 2020", "Q3 2021", "end of 2020"
TEXT_DUE_RE = re.compile(r"(?<![\w/])((?:(?:By|Before|End\s+of)\s+)?(?:\d{1,2}\s+)?" + MONTH + r",?\s+\d{4}"
                         r"|Q[1-4][\s/-]*\d{4}|(?:By\s+)?(?:the\s+)?end\s+of\s+\d{4})(?![\w/])", re.I)
NO_DUE_RE = re.compile(r"\bNo\s+due\s+date\b", re.I)
FOR_RE = re.compile(r"^For\s*:?\s+(.+)$", re.I)
LABEL_RE = re.compile(
    r"^(?:Evaluation\s+)?Recomm?[ae]nd?\w*(?:\s+or\s+Issue)?\s*(?:(?:No\.?|#)\s*)?(\d{1,3}(?:\.\d{1,3})*)"
    r"(?:\s*(?:[-\u2013\u2014]|to)\s*(\d{1,3}(?:\.\d{1,3})*))?"
    r"((?:\s*(?:,|and|&)\s*\d{1,3}(?:\.\d{1,3})*)*)\s*[.:)\-\u2013]?\s*", re.I)
JUSTIFICATION_RE = re.compile(r"^\[\s*Justification\s*:?\s*", re.I)

NOISE = {
    "success message", "error message", "warn message", "warning message", "info message",
    "documents related to overall management response:", "documents related to overall management response",
    "history", "documents", "share", "print", "download", "back to top", "skip to main content", "loading...",
    "home", "menu", "search", "close", "evaluation resource centre", "evaluation resource center", "erc",
    "management response", "key action responsible duedate status comments documents",
}
FOOTER_START = {"latest evaluations", "contact us", "related evaluations", "recent evaluations"}
NOISE_RE = re.compile(
    r"^(?:tel|fax|phone|telephone)\.?\s*[:.]?\s*\+?[\d\s()./-]{5,}$|^\S+@\S+\.\w+$|^\u00a9|^copyright\b"
    r"|^all rights reserved|^terms of use|^privacy|^\d+\s+UN\s+Plaza$|^New York,?\s+NY\b|^DC\d-\d+\w*\s+Floor$"
    r"|^page\s+\d+(?:\s+of\s+\d+)?$", re.I)


def is_noise(line: str) -> bool:
    low = line.lower()
    return low in NOISE or bool(NOISE_RE.search(line))


def is_footer_start(line: str) -> bool:
    return line.lower().rstrip(":") in FOOTER_START


@dataclass
class ActionState:
    rec: RecommendationRecord
    record: KeyActionRecord
    text_lines: list[str] = field(default_factory=list)
    comment_lines: list[str] = field(default_factory=list)
    has_added: bool = False
    has_details: bool = False
    has_status: bool = False
    closed: bool = False


@dataclass
class RecState:
    record: RecommendationRecord
    segments: list[tuple[str, str]] = field(default_factory=list)   #: ("para"|"item", text)
    response_lines: list[str] = field(default_factory=list)
    response_line: int | None = None
    addressee_line: int | None = None
    label_seen: bool = False
    last_blank: bool = True




def expand_range(first: str, last: str) -> list[str] | None:
    """["9", ..., "17"] for 9-17; ["1.1", "1.2", "1.3"] for 1.1-1.3; None when not a range."""
    a, b = first.split("."), last.split(".")
    if len(a) != len(b) or a[:-1] != b[:-1]:
        return None
    lo, hi = int(a[-1]), int(b[-1])
    if hi < lo or hi - lo > 200:
        return None
    prefix = ".".join(a[:-1])
    return [f"{prefix}.{n}" if prefix else str(n) for n in range(lo, hi + 1)]


def next_number(number: str) -> str:
    if len(number) == 1 and number.isalpha():
        return chr(ord(number) + 1)
    parts = number.split(".")
    try:
        parts[-1] = str(int(parts[-1]) + 1)
    except ValueError:
        return ""
    return ".".join(parts)


def ends_sentence(line: str) -> bool:
    """True when a line ends like finished text (a full stop, a closing bracket, "History")."""
    line = line.rstrip()
    return not line or line.endswith("History") or line[-1] in ".!?:;)]\"\u201d\u2019'"


def strip_history(line: str) -> tuple[str, bool]:
    """The line without a trailing "History" token, and whether there was one."""
    m = HISTORY_TAIL_RE.search(line)
    if not m:
        return line, False
    return line[:m.start()].rstrip(), True


def looks_like_details(line: str) -> bool:
    m = DUE_RE.search(line)
    return bool(m and STATUS_RE.match(line[m.end():].lstrip()))


def split_details(line: str) -> tuple[str, str | None, str | None, str]:
    """(responsible, due as printed, status, comment) from a key action's detail line."""
    if "\t" in line:
        cells = [clean(c) for c in line.split("\t")]
        due_i = next((k for k, c in enumerate(cells) if DUE_RE.fullmatch(c) or TEXT_DUE_RE.fullmatch(c)), None)
        status_i = next((k for k, c in enumerate(cells) if STATUS_RE.fullmatch(c)), None)
        if status_i is None and due_i is not None and due_i + 1 < len(cells) \
                and 0 < len(cells[due_i + 1].split()) <= 5 and cells[due_i + 1] != "History":
            status_i = due_i + 1    # the status column, printed in words outside the status table
        if due_i is not None or status_i is not None:
            cut = min(k for k in (due_i, status_i) if k is not None)
            after = max(k for k in (due_i, status_i) if k is not None)
            resp = ", ".join(c for c in cells[:cut] if c)
            comment = " ".join(c for c in cells[after + 1:] if c and c != "History")
            return (resp, cells[due_i] if due_i is not None else None,
                    cells[status_i] if status_i is not None else None, comment)
        line = clean(line)
    nd = NO_DUE_RE.search(line)
    if nd and not DUE_RE.search(line[:nd.start()]):
        rest = line[nd.end():].strip()
        ms = STATUS_RE.match(rest)
        if ms and rest[:1].isupper():   # "No due date" in the due column, then a printed status
            return line[:nd.start()].strip(" ,;-"), nd.group(0), clean(ms.group(1)), rest[ms.end():].strip()
    m = DUE_RE.search(line) or TEXT_DUE_RE.search(line)
    first_status = STATUS_RE.search(line)
    if m and first_status and first_status.start() < m.start():
        m = None
    if m:
        resp = line[:m.start()].strip(" ,;-")
        rest = line[m.end():].strip()
        ms = STATUS_RE.match(rest)
        if ms:
            return resp, m.group(1), clean(ms.group(1)), rest[ms.end():].strip()
        ms = STATUS_RE.search(rest)
        if ms and ms.start() < 40 and not rest[:ms.start()].strip(" ,;-"):
            return resp, m.group(1), clean(ms.group(1)), rest[ms.end():].strip()
        return resp, m.group(1), None, rest
    ms = first_status
    if ms:
        return line[:ms.start()].strip(" ,;-"), None, clean(ms.group(1)), line[ms.end():].strip()
    if len(line.split()) <= 12 and not line.endswith("."):
        return line, None, None, ""
    return "", None, None, line
