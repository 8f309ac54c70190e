"""A Word management-response template flattened into one text field (as pasted into an ERC page).

The field reads, on one line or a few::

    Evaluation Recommendation or Issue 1: <text> Management Response: Accepted. <text>
    Key Action(s) Time Frame Responsible Unit(s) Tracking* Status Comments
    1.1 <action> 2019/12 Project Team Completed <comment> 1.2 <action> 2020/06 ...

``read_template`` splits it into the recommendation, the response and the numbered key actions, each
action into text, time frame, responsible, status and comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.ingest.erc_patterns import split_details
from kb.text.acceptance import split_acceptance
from kb.text.clean import clean
from kb.text.dates import MONTH

_HEADER_RE = re.compile(r"Key\s+Actions?\s*(?:\(s\))?\s+Time\s*[- ]?Frame\s+Responsible\s+"
                        r"(?:Unit|Part(?:y|ies))\s*(?:\(s\))?(?:\s+Tracking\s*\*?)?(?:\s+Status)?"
                        r"(?:\s+Comments?)?", re.I)
_REC_RE = re.compile(r"^(?:Evaluation\s+)?Recommendation(?:\s+or\s+Issue)?\s*(\d{1,3}(?:\.\d{1,3})*)\s*[:.]\s*", re.I)
_MR_RE = re.compile(r"\bManagement\s+Response\s*:\s*", re.I)
_TIME_RE = re.compile(
    r"(?<![\w/])(?:\d{4}/\d{1,2}(?:/\d{1,2})?|\d{4}-\d{2}(?:-\d{2})?|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}"
    r"|(?:By\s+)?(?:(?:the\s+)?end\s+of\s+)?(?:\d{1,2}\s+)?" + MONTH + r"\s+\d{4}"
    r"|(?:By\s+)?(?:the\s+)?end\s+of\s+\d{4}|Q[1-4]\s+\d{4}|(?:19|20)\d{2}(?:\s*[-\u2013]\s*(?:19|20)\d{2})?"
    r"|Ongoing|Continuous|Done)(?![\w/])", re.I)


@dataclass
class TemplateAction:
    number: str
    text: str
    due_text: str | None = None
    responsible: str | None = None
    status: str | None = None
    comment: str | None = None


@dataclass
class Template:
    recommendation: str
    number: str | None = None
    acceptance: str | None = None
    response: str | None = None
    actions: list[TemplateAction] = field(default_factory=list)


def read_template(text: str) -> Template | None:
    """The parts of a flattened template, or None when ``text`` holds no key-action table header."""
    flat = clean(text)
    header = _HEADER_RE.search(flat)
    if header is None:
        return None
    head, table = flat[:header.start()].strip(), flat[header.end():].strip()
    m = _REC_RE.match(head)
    number = m.group(1) if m else None
    head = head[m.end():] if m else head
    rec_text, response = head, None
    mr = _MR_RE.search(head)
    if mr:
        rec_text, response = head[:mr.start()].strip(), head[mr.end():].strip()
    acceptance, response_text = split_acceptance(response) if response else (None, None)
    out = Template(recommendation=rec_text, number=number, acceptance=acceptance, response=response_text or None)
    out.actions = _actions(table, number)
    return out


def _actions(table: str, number: str | None) -> list[TemplateAction]:
    prefix = re.escape(number) + r"\.\d{1,2}" if number else r"\d{1,2}\.\d{1,2}"
    starts = list(re.finditer(r"(?:^|(?<=\s))(" + prefix + r")\.?\s+(?=\S)", table))
    actions = []
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(table)
        actions.append(_action(m.group(1), table[m.end():end].strip()))
    return actions


def _action(number: str, body: str) -> TemplateAction:
    t = _TIME_RE.search(body)
    if t is None or t.start() == 0:
        return TemplateAction(number=number, text=body)
    resp, _, status, comment = split_details(body[t.end():].strip())
    return TemplateAction(number=number, text=body[:t.start()].strip(), due_text=t.group(0), responsible=resp or None,
                          status=status, comment=comment or None)
