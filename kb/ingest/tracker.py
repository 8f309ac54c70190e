"""Parser for the web management-response trackers of UN agencies (the text of a tracker page).

The page reads::

    : <commissioning unit>
    : <evaluation plan, "2010-2014">
    : <evaluation title>
    : <management response status, "Approved">
    Recommendation: 1. <text>
    Management Response: Accepted. <text>
    Thematic Area: <category>
    UNEG Criteria: <criterion>
    Key Actions
    Responsible Deadline Status Comments
    1.1. <key action text>
    <responsible> <deadline "12/2011"> <status "Over due"> <comment>

The header lines lost their labels in conversion: which is which is read from their content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from kb.errors import ParseError
from kb.ingest.erc_patterns import DUE_RE, STATUS_RE, TEXT_DUE_RE, split_details
from kb.ingest.guard import guarded_run
from kb.model import (
    EvaluationRecord,
    Finding,
    KeyActionRecord,
    ManagementResponseDocument,
    Party,
    RecommendationRecord,
)
from kb.model import ResponseRecord as Response
from kb.registry import Registry
from kb.registry.resolver import Resolver, find_country
from kb.text.acceptance import acceptance_in_prose, split_acceptance
from kb.text.clean import clean, strip_markup
from kb.text.dates import due_date

KIND: Final = "mr-tracker"
PARSER_VERSION = "1.0"

HEADER_RE = re.compile(r"^:\s*(.*)$")
REC_RE = re.compile(r"^Recommendation\s*(?:No\.?\s*)?:\s*(?:(\d{1,3}(?:\.\d{1,3})*)(?:[.:)]\s*|\s+|$))?(.*)$", re.I)
MR_RE = re.compile(r"^Management\s+Response\s*:\s*(.*)$", re.I)
CATEGORY_RE = re.compile(r"^(Thematic\s+Areas?|UNEG\s+Criteria|Management\s+Response\s+Category|Category|Priority|"
                         r"Evaluation\s+Criteria|Operating\s+Principles|Organi[sz]ational\s+(?:Priorities|Effectiveness)|"
                         r"Impact\s+Areas?|Strategic\s+Plan[\w ]{0,30}|Type|Outcome\s+Areas?|SDGs?)\s*:\s*(.*)$", re.I)
KA_SECTION_RE = re.compile(r"^Key\s+Actions?\s*:?$", re.I)
KA_HEADER_RE = re.compile(r"^(?:Key\s+Actions?\s+)?Responsible(?:\s+(?:Unit|Party|Parties|Office))?(?:\(s\))?\s+"
                          r"(?:Deadline|Due\s*Date|Time\s*Frame|Completion\s+Date)\s+Status(?:\s+Comments?)?"
                          r"(?:\s+Documents?)?$", re.I)
KA_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?\s+(\S.*)$|^(\d{1,2}|[a-h])[.)]\s+(\S.*)$")
MR_STATUS_RE = re.compile(r"^(?:Approved|Draft|Pending|Submitted|Under\s+review|Completed|Closed|Not\s+started)$", re.I)
PLAN_RE = re.compile(r"^((?:19|20)\d{2}\s*[-\u2013/]\s*(?:19|20)\d{2})(?:\s*,.*)?$")


def sniff(text: str) -> float:
    """Confidence that ``text`` is a management-response tracker page."""
    head = text[:200_000]
    score = 0.0
    if len(re.findall(r"^:\s*\S", head, re.M)) >= 2:
        score += 0.25
    if re.search(r"^\s*Recommendation\s*:\s*\S", head, re.M | re.I):
        score += 0.35
    if re.search(r"^\s*Management\s+Response\s*:\s*\S", head, re.M | re.I):
        score += 0.1
    if re.search(r"^\s*Responsible\s+(?:Deadline|Due\s*Date)\s+Status", head, re.M | re.I):
        score += 0.25
    if re.search(r"^\s*(?:Thematic\s+Area|UNEG\s+Criteria)\s*:", head, re.M | re.I):
        score += 0.15
    if re.search(r"\[\s*Added\s*:|^\s*Commissioning Unit\s*:", head, re.M | re.I):
        score *= 0.3
    return min(score, 1.0)


@dataclass
class _Rec:
    record: RecommendationRecord
    text: list[str] = field(default_factory=list)
    response: list[str] | None = None


class _Parser:
    def __init__(self, text: str, source: str, registry: Registry) -> None:
        self.source = source
        self.registry = registry
        self.lines = [clean(strip_markup(re.sub(r"<br\s*/?>", " ", ln))) for ln in text.split("\n")]
        self.findings: list[Finding] = []
        self.resolver = Resolver(registry, self.findings)
        self.header: list[tuple[str, int]] = []
        self.overall: list[str] = []
        self.recs: list[_Rec] = []
        self.state = "pre"
        self.action: KeyActionRecord | None = None
        self.action_has_details = False

    def run(self) -> ManagementResponseDocument:
        for i, ln in enumerate(self.lines):
            if ln:
                self.line(i, ln)
        if not self.recs and not self.header:
            raise ParseError("not a management-response tracker: no ': ' header lines and no 'Recommendation: N.'",
                             source=self.source, line=1)
        ev = self.evaluation()
        last = next((ln for ln in reversed(self.lines) if ln), "")
        cut_prose = self.state in ("rec", "response") and last[-1:] not in ".!?)]\"'\u201d"
        cut_action = self.state == "ka" and self.action is not None and (
            not self.action_has_details or (self.action.due_text is not None and self.action.status is None))
        if cut_prose or cut_action:
            about = f"recommendation {self.recs[-1].record.number}" if self.recs else "evaluation"
            self.findings.append(Finding("truncated", f"the page ends inside {about}", line=len(self.lines),
                                         about=about))
            if self.recs and self.recs[-1].record.key_actions and self.state == "ka":
                self.recs[-1].record.key_actions[-1].truncated = True
        records = [self.finish(r, ev) for r in self.recs]
        if not records:
            self.findings.append(Finding("no-recommendations", "the page lists no recommendation", line=1))
        return ManagementResponseDocument(
            source=self.source, kind=KIND, evaluation=ev, recommendations=records,
            warnings=sorted(self.findings, key=lambda f: (f.line is None, f.line or 0)),
            organisations=self.resolver.organisations())

    # ------------------------------------------------------------------ lines

    def line(self, i: int, ln: str) -> None:
        m = HEADER_RE.match(ln)
        if m and not self.recs:
            if self.overall and all(len(x.split()) <= 12 and x[-1] not in ".!?" for x in self.overall):
                # a header value printed on its own line between ':' lines ("Programme Division")
                self.header.extend((x, i) for x in self.overall)
                self.overall.clear()
            if m.group(1).strip():
                self.header.append((m.group(1).strip(), i + 1))
            return
        m = REC_RE.match(ln)
        if m:
            rec = _Rec(RecommendationRecord(number=m.group(1) or str(len(self.recs) + 1), text="", line=i + 1))
            if m.group(2):
                rec.text.append(m.group(2))
            self.recs.append(rec)
            self.state, self.action = "rec", None
            return
        if not self.recs:
            if self.header:     # the overall response, between the header lines and the first recommendation
                self.overall.append(ln)
            return
        rec = self.recs[-1]
        m = MR_RE.match(ln)
        if m and self.state in ("rec", "response"):
            rec.response = [m.group(1)] if m.group(1) else []
            self.state = "response"
            return
        if CATEGORY_RE.match(ln):
            self.state = "category"
            return
        if KA_SECTION_RE.match(ln):
            self.state = "ka"
            return
        if KA_HEADER_RE.match(ln):
            self.state = "ka"
            return
        if self.state == "rec":
            rec.text.append(ln)
        elif self.state == "response" and rec.response is not None:
            rec.response.append(ln)
        elif self.state == "ka":
            self.action_line(i, ln, rec)

    def action_line(self, i: int, ln: str, rec: _Rec) -> None:
        m = KA_RE.match(ln)
        unnumbered = self.action is None or (self.action_has_details and self.details_follow(i))
        if m or (unnumbered and not _is_details(ln)):
            number = (m.group(1) or m.group(3)) if m else str(len(rec.record.key_actions) + 1)
            text = (m.group(2) or m.group(4)) if m else ln
            self.action = KeyActionRecord(number=number, text=text, line=i + 1)
            rec.record.key_actions.append(self.action)
            self.action_has_details = False
            one_line = _one_line_action(text)
            if one_line is not None:      # "1.1. <text>. <responsible> 2011/12 Completed <comment>" on one line
                self.action.text, details = one_line
                self.set_details(self.action, details)
            return
        ka = self.action
        if ka is None:
            self.findings.append(Finding("unrecognised-line", f"text outside any key action: {ln[:120]!r}",
                                         line=i + 1, about=f"recommendation {rec.record.number}"))
            return
        if self.action_has_details:
            ka.comment = f"{ka.comment}\n{ln}" if ka.comment else ln
            return
        if not _is_details(ln):
            ka.text = f"{ka.text}\n{ln}"
            return
        self.set_details(ka, ln)

    def set_details(self, ka: KeyActionRecord, line: str) -> None:
        resp, due, status, comment = split_details(line)
        ka.responsible_text = resp or None
        ka.due_text = due
        ka.due = due_date(due)
        ka.status = status
        ka.comment = comment or None
        self.action_has_details = True

    def details_follow(self, i: int) -> bool:
        """True when the next non-empty line is a responsible / deadline / status line."""
        nxt = next((ln for ln in self.lines[i + 1:i + 4] if ln), "")
        return bool(nxt) and _is_details(nxt) and not KA_RE.match(nxt)

    # ------------------------------------------------------------------ records

    def evaluation(self) -> EvaluationRecord:
        """The evaluation from the unlabelled header lines: unit, "plan years, unit", title, unit, status word."""
        ev = EvaluationRecord(title="", overall_comments="\n".join(self.overall) or None)
        values = [v for v, _ in self.header if not MR_STATUS_RE.match(v)]
        plan_at = next((k for k, v in enumerate(values) if PLAN_RE.match(v)), None)
        if plan_at is not None:
            m = PLAN_RE.match(values[plan_at])
            ev.evaluation_plan = m.group(1) if m else None
            rest = values[:plan_at] + values[plan_at + 1:]
            after = values[plan_at + 1:]
            ev.title = after[0] if after else ""
        else:
            rest = values
            titled = [v for v in rest if re.search(r"\b(?:evaluation|review|assessment|appraisal)\b", v, re.I)]
            ev.title = (titled[-1:] or sorted(rest, key=len, reverse=True) or [""])[0]
        units = [v for v in rest if v != ev.title]
        ev.commissioning_unit = units[0] if units else None
        if not ev.title:
            self.findings.append(Finding("missing-title", "no evaluation title in the page header", line=1))
        ev.country = next((c for c in (find_country(v, self.registry) for v in rest) if c), None)
        self.resolver.country = ev.country
        if ev.commissioning_unit:
            line = next(ln for v, ln in self.header if v == ev.commissioning_unit)
            ev.commissioning_org = self.resolver.resolve(ev.commissioning_unit, line=line, about="commissioning unit",
                                                         type_hint="unit")
        return ev

    def finish(self, rec: _Rec, ev: EvaluationRecord) -> RecommendationRecord:
        record = rec.record
        about = f"recommendation {record.number}"
        record.text = "\n".join(rec.text)
        if not record.text:
            self.findings.append(Finding("empty-recommendation", f"{about} has no text", line=record.line, about=about))
        if rec.response is None:
            self.findings.append(Finding("missing-response", f"{about} has no management response",
                                         line=record.line, about=about))
        else:
            text = re.sub(r"^\d{1,2}\.\s+", "", "\n".join(rec.response))
            acceptance, rest = split_acceptance(text)
            record.response = Response(acceptance=acceptance or acceptance_in_prose(text), text=rest or None)
        for ka in record.key_actions:
            where = f"key action {ka.number}"
            office = ev.commissioning_org if ev.commissioning_org and _is_office(ev.commissioning_org.label) else None
            if office and ka.responsible_text and _is_office(ka.responsible_text) and \
                    len(ka.responsible_text.split()) <= 2:   # "Country Office" on a country office's page
                ka.parties = [Party(text=ka.responsible_text, kind="unit", organisation=office)]
            else:
                ka.parties = self.resolver.parties(ka.responsible_text, default_org=ev.commissioning_org,
                                                   line=ka.line, about=where)
            ka.responsible = [p.text for p in ka.parties]
            if ka.due_text and ka.due is None:
                self.findings.append(Finding("bad-date", f"{where}: deadline {ka.due_text!r} not understood",
                                             line=ka.line, about=where))
        return record


def _is_details(line: str) -> bool:
    """A responsible / deadline / status line: it has a deadline or a status."""
    return bool(DUE_RE.search(line) or TEXT_DUE_RE.search(line) or STATUS_RE.search(line))


_SENTENCE_END = re.compile(r"[.?!;)](?=\s+[A-Z\u00c0-\u024f])")


def _one_line_action(text: str) -> tuple[str, str] | None:
    """(action text, "responsible deadline status comment") when an action line carries its details: the
    text ends at the last sentence end before the deadline, and the responsible party follows it."""
    due = DUE_RE.search(text) or TEXT_DUE_RE.search(text)
    if due is None:
        return None
    after = text[due.end():].strip()
    if not (STATUS_RE.match(after) or len(after.split()) <= 1):   # a status, or one cut off
        return None
    before = text[:due.start()]
    ends = list(_SENTENCE_END.finditer(before))
    if not ends:
        return None
    cut = ends[-1].end()
    responsible = before[cut:].strip()
    if not responsible or len(responsible.split()) > 12:
        return None
    return before[:cut].strip(), text[cut:].strip()


def _is_office(name: str) -> bool:
    return bool(re.search(r"\b(?:Country\s+Office|CO)\b", name))


def parse(text: str, source: str, registry: Registry) -> ManagementResponseDocument:
    """Records of a management-response tracker page; ``ParseError`` when the text is not one."""
    return guarded_run(_Parser, text, source, registry)
