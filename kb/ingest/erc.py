"""Parser for the text of an Evaluation Resource Centre (ERC) management-response page.

The page (as copied or extracted from erc.undp.org) reads::

    <evaluation title>
    Commissioning Unit: Tajikistan
    Evaluation Plan: 2016-2020
    ...
    1. Recommendation:
    For UNDP CO
    Recommendation 1. <text>
    Management Response: [Added: 2020/01/11] [Last Updated: 2020/11/08]
    <response text>
    Key Actions:
    Key Action Responsible DueDate Status Comments Documents
    1. <key action text>
    [Added: 2020/01/11] [Last Updated: 2020/10/08]
    <responsible> <due YYYY/MM> <status> <comments...> History

plus site chrome ("Success message", "Latest Evaluations", the contact block) that yields nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.errors import ParseError
from kb.ingest.guard import guarded_run
from kb.model import (
    EvaluationRecord,
    Finding,
    KeyActionRecord,
    ManagementResponseDocument,
    OrgRef,
    RecommendationRecord,
    ResponseRecord,
)
from kb.registry import Registry
from kb.registry.resolver import Resolver
from kb.text.acceptance import split_acceptance
from kb.text.clean import bullet_text, clean, strip_quotes
from kb.text.dates import dates_before, due_date, parse_date
from kb.vocab import status_pattern

KIND = "erc-page"
PARSER_VERSION = "1.0"

#: The organisation whose country offices ERC commissioning units are.
ERC_OWNER = "UNDP"

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
REC_HEADER_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\s*[.)]?\s*Recommendations?\s*(?::\s*(.*))?$", re.I)
MR_RE = re.compile(r"^Management\s+Response\s*:?\s*(.*)$", re.I)
ADDED_RE = re.compile(r"\[\s*Added\s*:?\s*([^\]]*)\]", re.I)
UPDATED_RE = re.compile(r"\[\s*Last\s+Updated\s*:?\s*([^\]]*)\]", re.I)
KA_SECTION_RE = re.compile(r"^Key\s+Actions?\s*:?\s*$", re.I)
KA_TABLE_HEADER_RE = re.compile(r"^Key\s+Actions?\s+Responsible\s+Due\s*Date\b", re.I)
KA_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(?:[.)]\s*|\s+)(\S.*)$")
HISTORY_TAIL_RE = re.compile(r"(?:^|\s)History\s*$")
DUE_RE = re.compile(r"(?<![\d/])(\d{4}/\d{1,2}(?:/\d{1,2})?|\d{4}-\d{2}(?:-\d{2})?|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4})"
                    r"(?![\d/])")
FOR_RE = re.compile(r"^For\s*:?\s+(.+)$", re.I)
LABEL_RE = re.compile(
    r"^Recomm?[ae]nd?\w*\s*(?:(?:No\.?|#)\s*)?(\d{1,3}(?:\.\d{1,3})*)"
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


def sniff(text: str) -> float:
    """Confidence that ``text`` is an ERC management-response page."""
    head = text[:200_000]
    score = 0.0
    if re.search(r"^\s*Commissioning Unit\s*:", head, re.M | re.I):
        score += 0.3
    if re.search(r"^\s*Evaluation Plan\s*:", head, re.M | re.I):
        score += 0.15
    if re.search(r"Unit Responsible for providing Management Response", head, re.I):
        score += 0.15
    if re.search(r"Management Response\s*:?\s*\[\s*Added\s*:", head, re.I):
        score += 0.3
    if re.search(r"^\s*\d{1,3}(?:\.\d{1,3})*\.?\s*Recommendation\s*:\s*$", head, re.M | re.I):
        score += 0.2
    if re.search(r"\[\s*Last Updated\s*:", head, re.I):
        score += 0.1
    if re.search(r"^\s*Key Actions\s*:\s*$", head, re.M | re.I):
        score += 0.05
    if re.search(r"Key Action\s+Responsible\s+Due\s*Date", head, re.I):
        score += 0.1
    return min(score, 1.0)


def _is_noise(line: str) -> bool:
    low = line.lower()
    return low in NOISE or bool(NOISE_RE.search(line))


def _is_footer_start(line: str) -> bool:
    return line.lower().rstrip(":") in FOOTER_START


@dataclass
class _Action:
    rec: RecommendationRecord
    record: KeyActionRecord
    text_lines: list[str] = field(default_factory=list)
    comment_lines: list[str] = field(default_factory=list)
    has_added: bool = False
    has_details: bool = False
    has_status: bool = False
    closed: bool = False


@dataclass
class _Rec:
    record: RecommendationRecord
    segments: list[tuple[str, str]] = field(default_factory=list)   #: ("para"|"item", text)
    response_lines: list[str] = field(default_factory=list)
    response_line: int | None = None
    addressee_line: int | None = None
    label_seen: bool = False
    last_blank: bool = True


class _Parser:
    def __init__(self, text: str, source: str, registry: Registry) -> None:
        self.source = source
        self.registry = registry
        self.raw = text.split("\n")
        self.lines = [clean(ln) for ln in self.raw]
        self.findings: list[Finding] = []
        self.resolver = Resolver(registry, self.findings, country_office_of=ERC_OWNER)
        self.recs: list[_Rec] = []
        self.rec: _Rec | None = None
        self.action: _Action | None = None
        self.state = "pre"
        self.saw_history = False
        self.in_footer = False
        self.footer_seen = False
        self.commissioning_org: OrgRef | None = None
        self.last_line = ""

    # ------------------------------------------------------------------ header

    def header(self) -> tuple[EvaluationRecord | None, int]:
        """The evaluation record from the lines before the first recommendation, and that line's index."""
        first_rec = next((i for i, ln in enumerate(self.lines) if REC_HEADER_RE.match(ln)), len(self.lines))
        values: dict[str, str] = {}
        first_field: int | None = None
        docs_at: int | None = None
        for i in range(first_rec):
            ln = self.lines[i]
            m = FIELD_RE.match(ln)
            if m:
                key = FIELDS[m.group(1).lower()]
                if m.group(2).strip():
                    values.setdefault(key, m.group(2).strip())
                if first_field is None:
                    first_field = i
            elif ln.lower().startswith("documents related to overall management response"):
                docs_at = i
        title = values.pop("title", None)
        if first_field is None and first_rec == len(self.lines):
            return None, first_rec
        if not title:
            title = self._title_before(first_field if first_field is not None else first_rec)
        if not title and first_field is None:
            return None, first_rec
        overall = None
        if docs_at is not None:
            kept = [ln for ln in self.lines[docs_at + 1:first_rec]
                    if ln and not _is_noise(ln) and not re.search(r"\.(?:pdf|docx?|xlsx?|pptx?|zip)$", ln, re.I)]
            overall = "\n".join(kept) or None
        if not title:
            self.findings.append(Finding("missing-title", "no evaluation title before the page's fields", line=1))
        ev = EvaluationRecord(title=title or "", overall_comments=overall)
        ev.commissioning_unit = values.get("commissioning_unit")
        ev.evaluation_plan = values.get("evaluation_plan")
        ev.evaluation_type = values.get("evaluation_type")
        ev.response_unit = values.get("response_unit")
        if values.get("completion_date"):
            parsed = parse_date(values["completion_date"])
            ev.completion_date = parsed[:7] if parsed else None
            if parsed is None:
                self.findings.append(Finding(
                    "bad-date", f"completion date {values['completion_date']!r} not understood",
                    line=(first_field or 0) + 1, about="evaluation"))
        for unit in (ev.commissioning_unit, ev.response_unit):
            if unit and self.registry.country(unit):
                ev.country = self.registry.country(unit)
                break
        self.resolver.country = ev.country
        line = (first_field or 0) + 1
        if ev.country:
            ev.commissioning_org = self.resolver.country_office(ev.country, line=line, about="commissioning unit",
                                                                as_printed=ev.commissioning_unit)
        elif ev.commissioning_unit:
            unit = ev.commissioning_unit
            ref = self.resolver.lookup(unit) or self.resolver.lookup(f"{ERC_OWNER} {unit}")
            ev.commissioning_org = (self.resolver.record(ref) if ref else
                                    self.resolver.resolve(unit if unit.upper().startswith(ERC_OWNER) else
                                                          f"{ERC_OWNER} {unit}", line=line, about="commissioning unit",
                                                          type_hint="unit"))
        self.commissioning_org = ev.commissioning_org
        return ev, first_rec

    def _title_before(self, end: int) -> str | None:
        block: list[str] = []
        for i in range(end - 1, -1, -1):
            ln = self.lines[i]
            if not ln or _is_noise(ln) or FIELD_RE.match(ln):
                if block:
                    break
                continue
            block.insert(0, ln)
        title = strip_quotes(" ".join(block)) if block else ""
        return title or None

    # ------------------------------------------------------------------ body

    def run(self) -> ManagementResponseDocument:
        ev, start = self.header()
        for i in range(start, len(self.lines)):
            self.line(i)
        self.finish_action(eof=True)
        self.finish_rec(eof=True)
        if ev is None and not self.recs:
            raise ParseError("not an ERC management-response page: no evaluation title, no field "
                             "('Commissioning Unit:') and no 'N. Recommendation:' heading", source=self.source, line=1)
        if ev is None:
            self.findings.append(Finding("missing-title", "no evaluation title or fields before the recommendations",
                                         line=1))
            ev = EvaluationRecord(title="")
        if not self.recs:
            self.findings.append(Finding("no-recommendations", "the page lists no recommendation", line=start + 1))
        return ManagementResponseDocument(
            source=self.source, kind=KIND, evaluation=ev, recommendations=[r.record for r in self.recs],
            warnings=sorted(self.findings, key=lambda f: (f.line is None, f.line or 0)),
            organisations=self.resolver.organisations())

    def line(self, i: int) -> None:
        ln = self.lines[i]
        if self.in_footer:
            if REC_HEADER_RE.match(ln):
                self.in_footer = False
            else:
                return
        if not ln:
            if self.rec:
                self.rec.last_blank = True
            return
        self.last_line = ln
        if _is_footer_start(ln):
            self.finish_action()
            self.in_footer = self.footer_seen = True
            return
        m = REC_HEADER_RE.match(ln)
        if m:
            self.start_rec(i, m.group(1), m.group(2))
            return
        if self.rec is None:
            return
        if ln == "History":
            self.saw_history = True
            self.finish_action()
            self.state = "ka"
            return
        if _is_noise(ln):
            return
        m = MR_RE.match(ln)
        if m and self.state in ("rec", "rec-pre"):
            self.start_response(i, m.group(1))
            return
        if KA_SECTION_RE.match(ln):
            self.finish_action()
            self.state = "ka"
            return
        if KA_TABLE_HEADER_RE.match(ln):
            return
        if ln.startswith("[") and ADDED_RE.match(ln):
            self.added(i, ln)
            return
        if self.state.startswith("ka"):
            self.key_action_line(i, ln)
        elif self.state == "response":
            self.rec.response_lines.append(ln)
        else:
            self.rec_line(i, ln)

    # ------------------------------------------------------------------ recommendations

    def start_rec(self, i: int, number: str, rest: str | None) -> None:
        self.finish_action()
        self.finish_rec()
        record = RecommendationRecord(number=number, text="", line=i + 1)
        self.rec = _Rec(record=record)
        self.recs.append(self.rec)
        self.state = "rec-pre"
        if rest and rest.strip():
            self.rec_line(i, rest.strip())

    def rec_line(self, i: int, ln: str) -> None:
        rec = self.rec
        assert rec is not None
        if self.state == "rec-pre":
            self.state = "rec"
            m = FOR_RE.match(ln)
            if m and len(m.group(1).split()) <= 10 and "," not in m.group(1) and not ln.endswith("."):
                rec.record.addressee = m.group(1).strip()
                rec.addressee_line = i + 1
                rec.last_blank = True
                return
        if not rec.label_seen:
            m = LABEL_RE.match(ln)
            if m:
                rec.label_seen = True
                self.label(i, m)
                ln = ln[m.end():].strip()
                if not ln:
                    rec.last_blank = True
                    return
        item = bullet_text(ln)
        if item is not None:
            rec.segments.append(("item", item))
        elif rec.segments and rec.segments[-1][0] == "item" and not rec.last_blank:
            rec.segments[-1] = ("item", f"{rec.segments[-1][1]} {ln}")
        else:
            rec.segments.append(("para", ln))
        rec.last_blank = False

    def label(self, i: int, m: re.Match[str]) -> None:
        rec = self.rec
        assert rec is not None
        first, last, more = m.group(1), m.group(2), m.group(3)
        about = f"recommendation {rec.record.number}"
        if last:
            covers = _expand(first, last)
            if covers is None:
                self.findings.append(Finding("bad-covers", f"cannot expand recommendation range {first}-{last}",
                                             line=i + 1, about=about))
            rec.record.covers = covers
        elif more:
            rec.record.covers = [first, *re.findall(r"\d{1,3}(?:\.\d{1,3})*", more)]
        elif first != rec.record.number and first.split(".")[0] != rec.record.number:
            self.findings.append(Finding(
                "number-mismatch", f"entry {rec.record.number} is labelled 'Recommendation {first}'",
                line=i + 1, about=about))

    def start_response(self, i: int, rest: str) -> None:
        rec = self.rec
        assert rec is not None
        self.state = "response"
        rec.response_line = i + 1
        response = ResponseRecord()
        about = f"recommendation {rec.record.number}"
        m = ADDED_RE.search(rest)
        if m:
            response.added = self.date(m.group(1), i, about)
        m = UPDATED_RE.search(rest)
        if m:
            response.updated = self.date(m.group(1), i, about)
        rest = UPDATED_RE.sub("", ADDED_RE.sub("", rest)).strip()
        if rest:
            rec.response_lines.append(rest)
        rec.record.response = response

    def finish_rec(self, eof: bool = False) -> None:
        rec = self.rec
        if rec is None:
            return
        self.rec = None
        record = rec.record
        about = f"recommendation {record.number}"
        items = [t for kind, t in rec.segments if kind == "item"]
        record.items = items
        record.text = "\n".join(t for _, t in rec.segments)
        if not record.text:
            self.findings.append(Finding("empty-recommendation", f"{about} has no text", line=record.line, about=about))
        if record.covers and items and len(record.covers) != len(items):
            self.findings.append(Finding(
                "covers-count-mismatch",
                f"{about} covers {len(record.covers)} numbers ({record.covers[0]}-{record.covers[-1]}) "
                f"but lists {len(items)} items", line=record.line, about=about))
        if record.addressee:
            record.addressee_org = self.addressee_org(record.addressee, rec.addressee_line, about)
        cut_text = eof and not self.footer_seen and self.state in ("rec", "rec-pre", "response") \
            and not _ends_sentence(self.last_line)
        if cut_text and record.response is not None:
            self.findings.append(Finding("truncated", f"the page ends inside {about}", line=len(self.lines),
                                         about=about))
        if record.response is not None:
            response = record.response
            acceptance, text = split_acceptance("\n".join(rec.response_lines))
            response.acceptance = acceptance
            response.text = text or None
            for d in dates_before(response.text, response.added):
                self.findings.append(Finding(
                    "date-before-response",
                    f"the response to {about} mentions {d.text!r}, which ends before the response was added "
                    f"({response.added})", line=rec.response_line, about=about))
        elif eof and not self.footer_seen:
            self.findings.append(Finding("truncated", f"the page ends inside {about}, before its management response",
                                         line=len(self.lines), about=about))
        else:
            self.findings.append(Finding("missing-response", f"{about} has no management response",
                                         line=record.line, about=about))
        self.resolve_parties(record)

    def addressee_org(self, name: str, line: int | None, about: str) -> OrgRef | None:
        kind = self.resolver.parties(name, default_org=self.commissioning_org, line=line, about=about)
        orgs = [p.organisation for p in kind if p.kind in ("unit", "organisation") and p.organisation]
        if orgs:
            return orgs[0]
        if kind and kind[0].kind == "team":
            return self.commissioning_org
        return None

    def resolve_parties(self, record: RecommendationRecord) -> None:
        default = record.addressee_org or self.commissioning_org
        for ka in record.key_actions:
            about = f"key action {record.number}.{ka.number}" if "." not in ka.number else f"key action {ka.number}"
            ka.parties = self.resolver.parties(ka.responsible_text, default_org=default, line=ka.line, about=about)
            ka.responsible = [p.text for p in ka.parties]
            for p in ka.parties:
                if p.person and p.person.organisation:
                    self.resolver.record(p.person.organisation)
                if p.organisation:
                    self.resolver.record(p.organisation)

    # ------------------------------------------------------------------ key actions

    def key_action_line(self, i: int, ln: str) -> None:
        m = KA_RE.match(ln)
        if m and self.starts_action(i, m.group(1)):
            self.start_action(i, m.group(1), m.group(2))
            return
        act = self.action
        unnumbered = self.added_follows(i) if act is None or self.state == "ka" else (
            self.state == "ka-comment" and self.added_follows(i, 1))
        if unnumbered:
            self.start_action(i, str(len(self.rec.record.key_actions) + 1) if self.rec else "1", ln)
            return
        if act is None:
            about = f"recommendation {self.rec.record.number}" if self.rec else None
            self.findings.append(Finding("unrecognised-line", f"text outside any key action: {ln[:120]!r}",
                                         line=i + 1, about=about))
            return
        if self.state == "ka-text":
            if _looks_like_details(ln):
                self.details(i, ln)
            else:
                text, closed = _strip_history(ln)
                act.text_lines.append(text)
                if closed:
                    self.saw_history = True
                    self.finish_action()
        elif self.state == "ka-added":
            self.details(i, ln)
        else:
            text, closed = _strip_history(ln)
            if text:
                act.comment_lines.append(text)
            if closed:
                self.saw_history = True
                self.finish_action()

    def starts_action(self, i: int, number: str) -> bool:
        act = self.action
        if act is None or self.state == "ka":
            return True
        if number == _next_number(act.record.number):
            return True
        return self.added_follows(i)

    def added_follows(self, i: int, within: int = 40) -> bool:
        """True when an "[Added: ...]" line follows line ``i`` (within so many non-empty lines) before any
        other structure."""
        seen = 0
        for j in range(i + 1, min(i + 40, len(self.lines))):
            ln = self.lines[j]
            if not ln:
                continue
            if ADDED_RE.match(ln):
                return True
            seen += 1
            if seen >= within:
                return False
            if KA_RE.match(ln) or REC_HEADER_RE.match(ln) or ln == "History" or _is_footer_start(ln):
                return False
        return False

    def start_action(self, i: int, number: str, text: str) -> None:
        self.finish_action()
        rec = self.rec
        assert rec is not None
        record = KeyActionRecord(number=number, text="", line=i + 1)
        rec.record.key_actions.append(record)
        self.action = _Action(rec=rec.record, record=record)
        self.state = "ka-text"
        m = ADDED_RE.search(text)
        if m:
            self.action.text_lines.append(text[:m.start()].strip())
            self.added(i, text[m.start():])
        else:
            self.action.text_lines.append(text)

    def added(self, i: int, ln: str) -> None:
        act = self.action
        if act is None:
            self.findings.append(Finding("unrecognised-line", f"'[Added: ...]' outside any key action: {ln[:80]!r}",
                                         line=i + 1))
            return
        about = self.about(act)
        m = ADDED_RE.search(ln)
        act.record.added = self.date(m.group(1), i, about) if m else None
        m = UPDATED_RE.search(ln)
        act.record.updated = self.date(m.group(1), i, about) if m else None
        act.has_added = True
        self.state = "ka-added"
        rest = UPDATED_RE.sub("", ADDED_RE.sub("", ln)).strip()
        if rest:
            self.details(i, rest)

    def details(self, i: int, ln: str) -> None:
        act = self.action
        assert act is not None
        record = act.record
        ln, closed = _strip_history(ln)
        raw = self.raw[i]
        resp, due, status, comment = _split_details(raw if "\t" in raw and not closed else ln)
        record.responsible_text = resp or None
        record.due_text = due
        record.due = due_date(due)
        record.status = status
        act.has_details = True
        act.has_status = status is not None
        if comment:
            act.comment_lines.append(comment)
        about = self.about(act)
        if due and record.due is None:
            self.findings.append(Finding("bad-date", f"{about}: due date {due!r} not understood", line=i + 1,
                                         about=about))
        if status is None:
            self.findings.append(Finding("missing-status", f"{about} has no recognised status", line=i + 1,
                                         about=about))
        self.state = "ka-comment"
        if closed:
            self.saw_history = True
            self.finish_action()

    def finish_action(self, eof: bool = False) -> None:
        act = self.action
        if act is None:
            return
        self.action = None
        if self.state.startswith("ka"):
            self.state = "ka"
        record = act.record
        about = self.about(act)
        record.text = "\n".join(t for t in act.text_lines if t)
        comment = "\n".join(act.comment_lines).strip()
        unclosed = False
        if JUSTIFICATION_RE.match(comment):
            record.justification = True
            body = JUSTIFICATION_RE.sub("", comment, count=1)
            end = body.rfind("]")
            if end >= 0:
                body = (body[:end] + " " + body[end + 1:]).strip()
            else:
                unclosed = True
            comment = body.strip()
        record.comment = comment or None
        cut = eof and not self.footer_seen and (
            not act.has_added or not act.has_details or not act.has_status or unclosed or self.saw_history
            or not _ends_sentence(self.last_line))
        if cut:
            record.truncated = True
            self.findings.append(Finding("truncated", f"the page ends inside {about}", line=len(self.lines),
                                         about=about))
        elif not act.has_details:
            self.findings.append(Finding("missing-details", f"{about} has no responsible / due date / status line",
                                         line=record.line, about=about))
        if not record.truncated and record.due is None and act.has_details and not record.due_text and not (
                record.status and record.status.lower() in ("no due date", "no longer applicable")):
            self.findings.append(Finding("missing-due-date", f"{about} has no due date", line=record.line,
                                         about=about))
        if not record.text:
            self.findings.append(Finding("empty-key-action", f"{about} has no text", line=record.line, about=about))
        reference = record.added or (act.rec.response.added if act.rec.response else None)
        for d in dates_before(record.text, reference):
            self.findings.append(Finding(
                "date-before-response",
                f"{about} mentions {d.text!r}, which ends before it was added ({reference})",
                line=record.line, about=about))

    def about(self, act: _Action) -> str:
        n = act.record.number
        return f"key action {n}" if "." in n else f"key action {act.rec.number}.{n}"

    def date(self, text: str, i: int, about: str) -> str | None:
        value = parse_date(text)
        if value is None and text.strip():
            self.findings.append(Finding("bad-date", f"{about}: date {text.strip()!r} not understood", line=i + 1,
                                         about=about))
        return value


# --------------------------------------------------------------------------- helpers


def _expand(first: str, last: str) -> list[str] | None:
    """["9", ..., "17"] for 9-17; ["1.1", "1.2", "1.3"] for 1.1-1.3; None when not a range."""
    a, b = first.split("."), last.split(".")
    if len(a) != len(b) or a[:-1] != b[:-1]:
        return None
    lo, hi = int(a[-1]), int(b[-1])
    if hi < lo or hi - lo > 200:
        return None
    prefix = ".".join(a[:-1])
    return [f"{prefix}.{n}" if prefix else str(n) for n in range(lo, hi + 1)]


def _next_number(number: str) -> str:
    parts = number.split(".")
    try:
        parts[-1] = str(int(parts[-1]) + 1)
    except ValueError:
        return ""
    return ".".join(parts)


def _ends_sentence(line: str) -> bool:
    """True when a line ends like finished text (a full stop, a closing bracket, "History")."""
    line = line.rstrip()
    return not line or line.endswith("History") or line[-1] in ".!?:;)]\"\u201d\u2019'"


def _strip_history(line: str) -> tuple[str, bool]:
    """The line without a trailing "History" token, and whether there was one."""
    m = HISTORY_TAIL_RE.search(line)
    if not m:
        return line, False
    return line[:m.start()].rstrip(), True


def _looks_like_details(line: str) -> bool:
    m = DUE_RE.search(line)
    return bool(m and STATUS_RE.match(line[m.end():].lstrip()))


def _split_details(line: str) -> tuple[str, str | None, str | None, str]:
    """(responsible, due as printed, status, comment) from a key action's detail line."""
    if "\t" in line:
        cells = [clean(c) for c in line.split("\t")]
        due_i = next((k for k, c in enumerate(cells) if DUE_RE.fullmatch(c)), None)
        status_i = next((k for k, c in enumerate(cells) if STATUS_RE.fullmatch(c)), None)
        if due_i is not None or status_i is not None:
            cut = min(k for k in (due_i, status_i) if k is not None)
            after = max(k for k in (due_i, status_i) if k is not None)
            resp = ", ".join(c for c in cells[:cut] if c)
            comment = " ".join(c for c in cells[after + 1:] if c and c != "History")
            return (resp, cells[due_i] if due_i is not None else None,
                    cells[status_i] if status_i is not None else None, comment)
        line = clean(line)
    m = DUE_RE.search(line)
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


def parse(text: str, source: str, registry: Registry) -> ManagementResponseDocument:
    """Records of an ERC management-response page; ``ParseError`` when the text is not one."""
    return guarded_run(_Parser, text, source, registry)
