"""Parser for a management-response document converted from Word or PDF.

Such a document follows the UNDP/UNITAR template::

    **Management Response "<evaluation title>"**
    Prepared by: <name>          (a second column may be interleaved line by line:
     Input by UNDP: <name>        "Prepared by: X" / "Input by UNDP: Y")
    Position: ... / Unit/Bureau: ...
    **Overall comments:** ...
    **Evaluation Recommendation 1:** <text>
    **Management Response: Partially accepted** – <text>
    Key Action(s)<TAB>Time Frame<TAB>Responsible Unit(s)<TAB>Tracking*<TAB>
    <TAB><TAB><TAB>Status<TAB>Comments
    <action><TAB><time frame><TAB><responsible><TAB><status><TAB><comments>

Bold may be ``**...**`` or ``<b>...</b>``; footnotes ("\\* The implementation status is
tracked in the ERC.") yield nothing.
"""

from __future__ import annotations

import re
from typing import Final

from kb.errors import ParseError
from kb.ingest.guard import due_finding, guarded_run
from kb.ingest.response_table import HEADER_WORDS, RecState, Table, TableReader, table_role
from kb.model import (
    EvaluationRecord,
    Finding,
    KeyActionRecord,
    Kind,
    ManagementResponseDocument,
    OrgRef,
    PersonRef,
    RecommendationRecord,
    ResponseRecord,
)
from kb.registry import Registry
from kb.registry.resolver import Resolver, find_country, strip_honorific
from kb.text.acceptance import SEPARATORS, acceptance_in_prose, normalise_acceptance, split_acceptance
from kb.text.clean import clean, join_lines, strip_markup, strip_quotes
from kb.text.dates import due_date

KIND: Final = "response-document"
PARSER_VERSION = "1.0"

REC_RE = re.compile(r"^(?:Evaluation\s+)?Recommendation(?:\s+or\s+Issue)?\s*(?:No\.?\s*|#\s*)?"
                    r"(\d{1,3}(?:\.\d{1,3})*)\s*(?:[:.)\-\u2013\u2014]\s*(.*)|$)", re.I)
MR_RE = re.compile(r"^Management\s+Response\b\s*(?:[:.\-\u2013\u2014]\s*)?(.*)$", re.I)
MR_TITLE_RE = re.compile(r"^Management\s+Response\s*(?:(?:to|for|on|of)\s+)?(?:the\s+)?(?:[:\-\u2013\u2014]\s*)?",
                         re.I)
KA_HEADER_RE = re.compile(r"^Key\s+Actions?\s*(?:\(s\))?\s*:?\s*$", re.I)
BOLD_RE = re.compile(r"(?:\*\*|<b>|<strong>)(.*?)(?:\*\*|</b>|</strong>)", re.I)
FIELD_RE = re.compile(
    r"^(Prepared\s+by|Input\s+by[^:]{0,40}|Input\s+into\s+and\s+update\s+in\s+ERC|Cleared\s+by|Approved\s+by|"
    r"Reviewed\s+by|Submitted\s+by|Position|Title|Unit\s*/\s*Bureau|Unit|Bureau|Organi[sz]ation|Agency|"
    r"Evaluation\s+title|Title\s+of\s+(?:the\s+)?evaluation|Date|Overall\s+comments?|"
    r"Overall\s+management\s+response)\s*:\s*(.*)$", re.I)
FIELD_SPLIT_RE = re.compile(r"\s{2,}(?=(?:Prepared|Input|Cleared|Approved|Reviewed|Submitted|Position|Unit|Bureau)"
                            r"\b[^:]{0,40}:)")
PIPE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
FOOTNOTE_RE = re.compile(r"^\s*(?:\\\*|\*\s*The implementation status|\*\s*Implementation status)", re.I)
NOISE_RE = re.compile(r"^(?:page\s+\d+(?:\s+of\s+\d+)?|\d+\s*\|\s*p\s*a\s*g\s*e|\d{1,3}|-\s*\d+\s*-)$", re.I)
KA_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)[.)]?\s+(?=\S)|^(\d{1,2})[.)]\s+(?=\S)")
ERC_MARKER_RE = re.compile(r"^\s*Management Response\s*:?\s*\[\s*Added\s*:", re.M | re.I)
ERC_HEADER_RE = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3})*\.?\s*Recommendation\s*:\s*$", re.M | re.I)
PERSON_FIELDS = ("prepared", "input", "cleared", "approved", "reviewed", "submitted")


def sniff(text: str) -> float:
    """Confidence that ``text`` is a management-response document (not an ERC page)."""
    head = text[:200_000]
    score = 0.0
    if re.search(r"^[\s*#<>/a-z]*(?:Evaluation\s+)?Recommendation(?:\s+or\s+Issue)?\s*\d{1,3}(?:\.\d{1,3})*\s*[:.]",
                 head, re.M | re.I) and re.search(r"Evaluation\s+Recommendation|Management\s+Response\s*:",
                                                  head, re.I):
        score += 0.45
    if re.search(r"Key\s+Action\s*\(s\)|Key\s+Actions?\s*:?\t", head, re.I):
        score += 0.2
    if re.search(r"Time\s*Frame", head, re.I):
        score += 0.15
    if re.search(r"Responsible\s+Unit", head, re.I):
        score += 0.15
    if re.search(r"Management\s+Response\s*:", head, re.I):
        score += 0.1
    if re.search(r"Tracking\*?\s*(?:\t|\s)*Status", head, re.I):
        score += 0.05
    if re.search(r"^\s*Prepared by\s*:", head, re.M | re.I):
        score += 0.05
    if re.search(r"\[\s*Added\s*:|^\s*Commissioning Unit\s*:", head, re.M | re.I):
        score *= 0.3
    if re.search(r"\bDP(?:/FPA)?/\d{4}/\d+|Executive\s+Board", head[:5000]):
        score *= 0.5   # an Executive Board document (kb.ingest.board)
    return min(score, 1.0)




class ResponseDocumentReader(TableReader):
    """Reads a response document line by line; ``kb.ingest.board`` reuses it with its own preamble."""

    def __init__(self, text: str, source: str, registry: Registry) -> None:
        self.kind: Kind = KIND
        self.source = source
        self.registry = registry
        self.text = text
        self.raw = text.split("\n")
        self.findings: list[Finding] = []
        self.resolver = Resolver(registry, self.findings)
        self.title: str | None = None
        self.title_pending = False
        self.title_marked = False
        self.people: dict[str, list[tuple[str | None, int]]] = {"person": [], "position": [], "unit": []}
        self.person_labels: list[str] = []
        self.overall: list[str] | None = None
        self.recs: list[RecState] = []
        self.rec: RecState | None = None
        self.state = "pre"
        self.table: Table | None = None
        self.first_lines: list[str] = []
        self.country: str | None = None
        self.owner: OrgRef | None = None    #: the office that prepared the response: teams and people belong to it

    # ------------------------------------------------------------------ driver

    def run(self) -> ManagementResponseDocument:
        erc_marker = ERC_MARKER_RE.search(self.text)
        if erc_marker and ERC_HEADER_RE.search(self.text):
            raise ParseError("not a management-response document but an ERC management-response page",
                             source=self.source, line=self.text.count("\n", 0, erc_marker.start()) + 1)
        for i, raw in enumerate(self.raw):
            self.line(i, raw)
        self.check_cut()
        self.finish_rec()
        if not self.recs and not self.title_marked:
            raise ParseError("not a management-response document: no 'Management Response' title, no "
                             "'Evaluation title:' and no 'Evaluation Recommendation N:' heading",
                             source=self.source, line=1)
        title = self.title
        if not title and self.first_lines:
            title = strip_quotes(self.first_lines[0])
        if not title:
            self.findings.append(Finding("missing-title", "no evaluation title before the recommendations", line=1))
        if not self.recs:
            self.findings.append(Finding("no-recommendations", "the document lists no evaluation recommendation",
                                         line=1))
        ev = EvaluationRecord(title=title or "", country=self.country,
                              prepared_by=self.prepared_by(), overall_comments=join_lines(self.overall or []))
        return ManagementResponseDocument(
            source=self.source, kind=self.kind, evaluation=ev, recommendations=[r.record for r in self.recs],
            warnings=sorted(self.findings, key=lambda f: (f.line is None, f.line or 0)),
            organisations=self.resolver.organisations())

    def line(self, i: int, raw: str) -> None:
        if FOOTNOTE_RE.match(raw):
            return
        if raw.count("|") >= 2:           # a pipe table (Word converted to markdown): its cells as tab cells
            if PIPE_RULE_RE.match(raw):
                return
            raw = "\t".join(c.strip() for c in raw.strip().strip("|").split("|"))
        stripped = strip_markup(raw)
        cleaned = clean(stripped)
        if not cleaned or NOISE_RE.match(cleaned):
            return
        cells = [clean(c) for c in stripped.split("\t")]
        m = REC_RE.match(cleaned)
        if m and (self.state != "pre" or not FIELD_RE.match(cleaned)):
            self.start_rec(i, m.group(1), m.group(2) or "")
            return
        m = MR_RE.match(cleaned)
        if m and self.rec is not None:
            self.start_response(i, raw, m.group(1))
            return
        if self.rec is not None and KA_HEADER_RE.match(cells[0]) and (len(cells) > 1 or len(cleaned) < 20):
            self.start_table(i, cells)
            return
        if self.table is not None and "\t" in stripped and self.is_header_continuation(cells):
            self.merge_header(cells)
            return
        if self.state == "pre":
            self.preamble(i, raw, stripped, cleaned)
        elif self.state == "rec":
            assert self.rec is not None
            self.rec.text_lines.append(cleaned)
        elif self.state == "response":
            assert self.rec is not None
            if "\t" in stripped and sum(1 for c in cells if c) >= 2:
                self.start_table(i, [], implicit=True)
                self.row(i, cells)
            else:
                self.rec.response_lines.append(cleaned)
        elif self.state == "table":
            if "\t" in stripped:
                if any(cells):
                    self.row(i, cells)
            elif self.table is not None and not self.table.rows and not self.table.vertical \
                    and cleaned.lower().strip(" *:") in HEADER_WORDS:
                self.table.header_cells.append(cleaned)
                self.table.roles.append(table_role(cleaned))
            else:
                self.vertical_line(i, cleaned)

    def check_cut(self) -> None:
        """A "truncated" finding when the text ends mid-way: inside a table row (fewer cells than the header,
        ending in a word) or inside a long sentence."""
        k = max((n for n, ln in enumerate(self.raw) if ln.strip()), default=None)
        if k is None or self.rec is None:
            return
        last = self.raw[k].rstrip()
        about = f"recommendation {self.rec.record.number}"
        if not last[-1:].isalnum():
            return
        kas = self.rec.record.key_actions
        if self.table is not None and "\t" in last and kas and len(last.split("\t")) < len(self.table.roles):
            kas[-1].truncated = True
            about = f"key action {kas[-1].number}"
        elif "\t" in last or len(last.split()) <= 8:
            return
        self.findings.append(Finding("truncated", f"the document ends inside {about}", line=k + 1, about=about))

    # ------------------------------------------------------------------ preamble

    def preamble(self, i: int, raw: str, stripped: str, cleaned: str) -> None:
        parts = [p for c in stripped.split("\t") for p in FIELD_SPLIT_RE.split(c)]
        parts = [clean(p) for p in parts if clean(p)]
        fields = [FIELD_RE.match(p) for p in parts]
        if parts and all(fields):
            for m in fields:
                assert m is not None
                self.field(i, m.group(1), m.group(2))
            return
        if self.overall is not None:
            self.overall.append(cleaned)
            return
        m = MR_TITLE_RE.match(cleaned)
        if m and self.title is None and re.match(r"^Management\s+Response\b", cleaned, re.I):
            self.title_marked = True
            rest = strip_quotes(cleaned[m.end():])
            if rest:
                self.title = rest
            else:
                self.title_pending = True
            return
        if self.title_pending and self.title is None:
            self.title = strip_quotes(cleaned)
            self.title_pending = False
            return
        if self.title is None:
            self.first_lines.append(cleaned)
            return
        self.findings.append(Finding("unrecognised-line", f"text before the recommendations: {cleaned[:120]!r}",
                                     line=i + 1))

    def field(self, i: int, label: str, value: str) -> None:
        key = re.sub(r"\s+", " ", label.lower())
        value = clean(value)
        if key.startswith(PERSON_FIELDS):
            self.people["person"].append((value or None, i + 1))
            self.person_labels.append(key)
        elif key == "position" or (key == "title" and self.people["person"]):
            self.people["position"].append((value or None, i + 1))
        elif key.replace(" ", "") in ("unit/bureau", "unit", "bureau", "organisation", "organization", "agency"):
            self.people["unit"].append((value or None, i + 1))
        elif key in ("title", "evaluation title") or key.startswith("title of"):
            if value:
                self.title = strip_quotes(value)
                self.title_marked = True
        elif key.startswith("overall"):
            self.overall = [value] if value else []

    def owner_org(self) -> OrgRef | None:
        """The registry organisation of the unit that prepared the response ("Unit/Bureau: UNDP Tajikistan")."""
        names = [u for u, _ in reversed(self.people["unit"]) if u]
        names += [m.group(1) for k in self.person_labels if (m := re.match(r"input by\s+(.+)$", k))]
        for name in names:
            ref = self.resolver.lookup(name)
            if ref is not None:
                return ref
        return None

    def prepared_by(self) -> list[PersonRef]:
        out: list[PersonRef] = []
        for k, (name, line) in enumerate(self.people["person"]):
            if not name:
                continue
            position = self.people["position"][k][0] if k < len(self.people["position"]) else None
            unit = self.people["unit"][k][0] if k < len(self.people["unit"]) else None
            org: OrgRef | None = None
            if unit:
                org = self.resolver.resolve(unit, line=line, about=f"prepared by {name}")
            else:
                m = re.match(r"input by\s+(.+)$", self.person_labels[k])
                if m:
                    org = self.resolver.lookup(m.group(1))
                    if org:
                        org = self.resolver.record(org)
            out.append(PersonRef(name=strip_honorific(name), role=position, organisation=org))
        return out

    # ------------------------------------------------------------------ recommendations

    def start_rec(self, i: int, number: str, text: str) -> None:
        self.finish_rec()
        if not self.recs:
            title = self.title or (self.first_lines[0] if self.first_lines else "")
            self.country = find_country(title, self.registry)
            self.resolver.country = self.country
            self.owner = self.owner_org()
        record = RecommendationRecord(number=number, text="", line=i + 1)
        self.rec = RecState(record=record)
        if text:
            self.rec.text_lines.append(text)
        self.recs.append(self.rec)
        self.state = "rec"

    def start_response(self, i: int, raw: str, rest: str) -> None:
        rec = self.rec
        assert rec is not None
        self.finish_table()
        self.state = "response"
        rec.response_line = i + 1
        acceptance: str | None = None
        bold = BOLD_RE.search(raw)
        if bold:
            inner = clean(strip_markup(bold.group(1)))
            m = MR_RE.match(inner)
            word = clean(m.group(1)) if m else ""
            acceptance = normalise_acceptance(word) if word else None
            if acceptance:
                pos = rest.lower().find(word.lower())
                rest = rest[pos + len(word):] if pos >= 0 else rest
                rest = rest.strip().lstrip(SEPARATORS).strip()
        if acceptance is None:
            acceptance, rest = split_acceptance(rest)
        if acceptance is None:
            acceptance = acceptance_in_prose(rest)
        rec.record.response = ResponseRecord(acceptance=acceptance)
        if rest:
            rec.response_lines.append(rest)

    def finish_rec(self) -> None:
        self.finish_table()
        rec = self.rec
        if rec is None:
            return
        self.rec = None
        record = rec.record
        about = f"recommendation {record.number}"
        record.text = "\n".join(rec.text_lines)
        if not record.text:
            self.findings.append(Finding("empty-recommendation", f"{about} has no text", line=record.line,
                                         about=about))
        if record.response is None:
            self.findings.append(Finding("missing-response", f"{about} has no management response",
                                         line=record.line, about=about))
        else:
            record.response.text = join_lines(rec.response_lines)
            if record.response.acceptance is None:
                self.findings.append(Finding("missing-acceptance", f"the response to {about} states no acceptance",
                                             line=rec.response_line, about=about))
        for ka in record.key_actions:
            self.finish_action(record, ka)

    def finish_action(self, record: RecommendationRecord, ka: KeyActionRecord) -> None:
        about = f"key action {ka.number}" if "." in ka.number else f"key action {record.number}.{ka.number}"
        ka.due = due_date(ka.due_text)
        f = due_finding(ka.due_text, about, ka.line)
        if f:
            self.findings.append(f)
        if ka.responsible_text:
            ka.parties = self.resolver.parties(ka.responsible_text, default_org=self.owner, line=ka.line, about=about)
            ka.responsible = [p.text for p in ka.parties]
        else:
            self.findings.append(Finding("missing-responsible", f"{about} names no responsible unit",
                                         line=ka.line, about=about))
        if not ka.text:
            self.findings.append(Finding("empty-key-action", f"{about} has no text", line=ka.line, about=about))


def parse(text: str, source: str, registry: Registry) -> ManagementResponseDocument:
    """Records of a management-response document; ``ParseError`` when the text is not one."""
    return guarded_run(ResponseDocumentReader, text, source, registry)
