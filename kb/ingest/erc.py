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

Other layouts of the same page are first brought to this stream: pipe tables and pipe header fields
(``kb.ingest.erc_layout``), a Word template flattened into one recommendation field
(``kb.ingest.template``).  A recommendation field may start with a report heading and preamble
("8. Recommendations", "Outcome 1 and 2") before its own label ("1:", "2.", "Recommendation 3.",
"Evaluation Recommendation or Issue 4:"); key actions are numbered "1.1.", "1.1", "a." or not at all
(``kb.ingest.erc_actions``).
"""

from __future__ import annotations

import re
from typing import Final

from kb.errors import ParseError
from kb.ingest.erc_actions import KeyActionReader
from kb.ingest.erc_layout import normalise
from kb.ingest.erc_patterns import (
    ADDED_RE,
    FIELD_RE,
    FIELDS,
    FOR_RE,
    KA_SECTION_RE,
    KA_TABLE_HEADER_RE,
    LABEL_RE,
    MR_RE,
    REC_HEADER_RE,
    UPDATED_RE,
    ActionState,
    RecState,
    ends_sentence,
    expand_range,
    is_footer_start,
    is_noise,
)
from kb.ingest.guard import guarded_run
from kb.ingest.template import Template, read_template
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
from kb.text.clean import bullet_text, clean, strip_markup, strip_quotes
from kb.text.dates import dates_before, due_date, parse_date

KIND: Final = "erc-page"
PARSER_VERSION = "1.0"

#: The organisation whose country offices ERC commissioning units are.
ERC_OWNER = "UNDP"

def sniff(text: str) -> float:
    """Confidence that ``text`` is an ERC management-response page."""
    head = text[:200_000]
    score = 0.0
    if re.search(r"^[\s|]*Commissioning Unit\s*:", head, re.M | re.I):
        score += 0.3
    if re.search(r"^[\s|]*Evaluation Plan\s*:", head, re.M | re.I):
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
    if re.search(r"Key Action[\s|]+Responsible[\s|]+Due\s*Date", head, re.I):
        score += 0.1
    return min(score, 1.0)


class _Parser(KeyActionReader):
    def __init__(self, text: str, source: str, registry: Registry) -> None:
        self.source = source
        self.registry = registry
        self.raw = text.split("\n")
        lines, self.rows = normalise(self.raw)
        self.lines = [clean(strip_markup(ln)) if ("*" in ln or "<" in ln or "#" in ln[:7]) else clean(ln)
                      for ln in lines]
        self.findings: list[Finding] = []
        self.resolver = Resolver(registry, self.findings, country_office_of=ERC_OWNER)
        self.recs: list[RecState] = []
        self.rec: RecState | None = None
        self.action: ActionState | None = None
        self.state = "pre"
        self.saw_history = False
        self.in_footer = False
        self.footer_seen = False
        self.commissioning_org: OrgRef | None = None
        self.last_line = ""
        self.last_cut_heading: str | None = None

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
                    if ln and not is_noise(ln) and not re.search(r"\.(?:pdf|docx?|xlsx?|pptx?|zip)$", ln, re.I)]
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

    def drop_cut_heading(self) -> None:
        """A page cut inside a heading ("Key", "Management Resp") ends with the heading's start: it is no text."""
        last = max((k for k, ln in enumerate(self.lines) if ln), default=None)
        if last is None or last == 0:
            return
        ln = self.lines[last].lower()
        if len(ln) >= 3 and any(h.startswith(ln) and h != ln for h in _HEADINGS):
            self.last_cut_heading = self.lines[last]
            self.lines[last] = ""

    def _title_before(self, end: int) -> str | None:
        block: list[str] = []
        for i in range(end - 1, -1, -1):
            ln = self.lines[i]
            if not ln or is_noise(ln) or FIELD_RE.match(ln):
                if block:
                    break
                continue
            block.insert(0, ln)
        title = strip_quotes(" ".join(block)) if block else ""
        return title or None

    # ------------------------------------------------------------------ body

    def run(self) -> ManagementResponseDocument:
        ev, start = self.header()
        self.drop_cut_heading()
        for i in range(start, len(self.lines)):
            self.line(i)
        self.finish_action(eof=True)
        self.finish_rec(eof=True)
        if self.last_cut_heading and not any(f.code == "truncated" for f in self.findings):
            self.findings.append(Finding("truncated", f"the page ends inside a heading ({self.last_cut_heading!r})",
                                         line=len(self.lines)))
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
        row = self.rows.get(i)
        if row is not None and self.rec is not None:
            self.table_row(i, row)
            return
        if not ln:
            if self.rec:
                self.rec.last_blank = True
            return
        self.last_line = ln
        if is_footer_start(ln):
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
        if is_noise(ln):
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
        self.rec = RecState(record=record)
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
            covers = expand_range(first, last)
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
        segments = _drop_preamble(rec.segments, record.number)
        template = read_template("\n".join(t for _, t in segments))
        if template is not None:
            segments = [("para", template.recommendation)] if template.recommendation else []
        record.text = "\n".join(t for _, t in segments)
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
            and not ends_sentence(self.last_line)
        if cut_text and record.response is not None:
            self.findings.append(Finding("truncated", f"the page ends inside {about}", line=len(self.lines),
                                         about=about))
        if record.response is not None:
            response = record.response
            acceptance, text = split_acceptance("\n".join(rec.response_lines))
            response.acceptance = acceptance
            response.text = text or None
            if template is not None:
                response.acceptance = template.acceptance or response.acceptance
                response.text = template.response or response.text
            for d in dates_before(response.text, response.added):
                self.findings.append(Finding(
                    "date-before-response",
                    f"the response to {about} mentions {d.text!r}, which ends before the response was added "
                    f"({response.added})", line=rec.response_line, about=about))
        elif eof and not self.footer_seen:
            self.findings.append(Finding("truncated", f"the page ends inside {about}, before its management response",
                                         line=len(self.lines), about=about))
        elif template is not None and (template.acceptance or template.response):
            record.response = ResponseRecord(acceptance=template.acceptance, text=template.response)
        else:
            self.findings.append(Finding("missing-response", f"{about} has no management response",
                                         line=record.line, about=about))
        if template is not None and not record.key_actions:
            self.use_template(record, template)
        self.resolve_parties(record)

    def use_template(self, record: RecommendationRecord, template: Template) -> None:
        """Key actions from a template flattened into the recommendation field."""
        for act in template.actions:
            ka = KeyActionRecord(number=act.number, text=act.text, responsible_text=act.responsible,
                                 due_text=act.due_text, due=due_date(act.due_text), status=act.status,
                                 comment=act.comment, line=record.line)
            record.key_actions.append(ka)

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


_HEADINGS = ("key actions:", "key action responsible duedate status comments documents", "management response:",
             "documents related to overall management response:", "latest evaluations")
_NUMBER_LABEL = r"^(?:(?:Evaluation\s+)?Recommendation(?:\s+or\s+Issue)?\s*)?(?:No\.?\s*)?{n}\s*[:.)]\s*(?=\S)"
_HEADING_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?[A-Z][\w,&/ -]{2,60}$")


def _drop_preamble(segments: list[tuple[str, str]], number: str) -> list[tuple[str, str]]:
    """The segments from the recommendation's own numbered label on ("1: Review ...", "2. Put ..."), without
    the label, when the field starts with it or with a report heading ("8. Recommendations") and preamble."""
    label = re.compile(_NUMBER_LABEL.format(n=re.escape(number)), re.I)
    for k, (kind, text) in enumerate(segments):
        m = label.match(text)
        if m is None:
            continue
        if k == 0 or _HEADING_RE.match(segments[0][1]):
            return [(kind, text[m.end():].strip()), *segments[k + 1:]]
        break
    return segments


def parse(text: str, source: str, registry: Registry) -> ManagementResponseDocument:
    """Records of an ERC management-response page; ``ParseError`` when the text is not one."""
    return guarded_run(_Parser, text, source, registry)
