"""The key-action table of a response document: header cells, tab rows, wrapped cells and PDF cells one per line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.model import KeyActionRecord, RecommendationRecord
from kb.text.clean import bullet_text
from kb.text.dates import due_date
from kb.vocab import status_of

KA_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)[.)]?\s+(?=\S)|^(\d{1,2})[.)]\s+(?=\S)")
HEADER_WORDS = {
    "key action(s)", "key actions", "key action", "time frame", "timeframe", "time-frame", "responsible unit(s)",
    "completion date", "target date", "responsible party", "responsible parties", "tracking: comments",
    "tracking: status", "tracking status", "responsible office", "responsible unit (s)",
    "responsible units", "responsible unit", "responsible", "tracking", "status", "comments",
    "comment", "documents", "due date", "deadline", "remarks",
}
DUE_WORDS = {"ongoing", "on-going", "done", "unknown", "continuous", "continuing", "tbd", "tbc", "n/a",
             "immediate", "immediately", "completed", "permanent", "regularly", "as needed"}


@dataclass
class RecState:
    record: RecommendationRecord
    text_lines: list[str] = field(default_factory=list)
    response_lines: list[str] = field(default_factory=list)
    response_line: int | None = None


@dataclass
class Table:
    roles: list[str] = field(default_factory=list)
    header_cells: list[str] = field(default_factory=list)
    header_line: int = 0
    vertical: list[str] = field(default_factory=list)
    vertical_line: int | None = None
    awaiting_responsible: KeyActionRecord | None = None
    rows: int = 0



class TableReader:
    """The key-action table half of the response-document reader (mixed into it)."""

    rec: RecState | None
    table: Table | None
    state: str


    def start_table(self, i: int, cells: list[str], implicit: bool = False) -> None:
        self.finish_table()
        self.table = Table(header_line=i + 1)
        if not implicit:
            self.table.header_cells = list(cells)
            self.table.roles = [table_role(c) for c in cells]
        self.state = "table"

    def is_header_continuation(self, cells: list[str]) -> bool:
        words = [c.lower().strip(" *:") for c in cells if c]
        return bool(words) and all(w in HEADER_WORDS for w in words) and self.table is not None \
            and self.table.rows == 0

    def merge_header(self, cells: list[str]) -> None:
        table = self.table
        assert table is not None
        merged = list(table.header_cells)
        for k, c in enumerate(cells):
            if k < len(merged):
                merged[k] = f"{merged[k]} {c}".strip()
            else:
                merged.append(c)
        table.header_cells = merged
        table.roles = [table_role(c) for c in merged]

    def row(self, i: int, cells: list[str]) -> None:
        rec, table = self.rec, self.table
        assert rec is not None and table is not None
        roles = table.roles or ["text", "due", "responsible", "status", "comment"]
        values: dict[str, list[str]] = {}
        for k, c in enumerate(cells):
            role = roles[k] if k < len(roles) else "comment"
            if c and role != "documents":
                values.setdefault(role, []).append(c)
        text = " ".join(values.get("text", []))
        if table.vertical:
            text = "\n".join(table.vertical + ([text] if text else []))
            line = table.vertical_line or i + 1
            table.vertical = []
            table.vertical_line = None
        else:
            line = i + 1
        kas = rec.record.key_actions
        if not text and kas and table.rows:
            self.continue_row(kas[-1], values)
            return
        table.rows += 1
        ka = self.new_action(line, text)
        ka.due_text = " ".join(values.get("due", [])) or None
        ka.responsible_text = " ".join(values.get("responsible", [])) or None
        ka.status = " ".join(values.get("status", [])) or None
        comments = values.get("comment", []) + values.get("other", [])
        ka.comment = "\n".join(comments) or None

    def continue_row(self, ka: KeyActionRecord, values: dict[str, list[str]]) -> None:
        """A row with an empty action cell continues the previous row (a wrapped cell)."""
        for role, attr in (("due", "due_text"), ("responsible", "responsible_text"), ("status", "status"),
                           ("comment", "comment"), ("other", "comment")):
            extra = " ".join(values.get(role, []))
            if extra:
                current = getattr(ka, attr)
                sep = "\n" if attr == "comment" else " "
                setattr(ka, attr, f"{current}{sep}{extra}" if current else extra)

    def vertical_line(self, i: int, line: str) -> None:
        """A table line without tabs: the cells of a PDF conversion, one per line."""
        table, rec = self.table, self.rec
        assert table is not None and rec is not None
        if table.awaiting_responsible is not None:
            ka = table.awaiting_responsible
            table.awaiting_responsible = None
            if len(line.split()) <= 10 and not line.endswith(".") and status_of(line) is None:
                ka.responsible_text = line
                return
        last = rec.record.key_actions[-1] if rec.record.key_actions else None
        if not table.vertical and last is not None and last.status is None and len(line.split()) <= 4 \
                and status_of(line) is not None:      # the status cell of the action just read
            last.status = line
            return
        if table.vertical and _looks_like_due(line):
            ka = self.new_action(table.vertical_line or i + 1, "\n".join(table.vertical))
            ka.due_text = line
            table.vertical = []
            table.vertical_line = None
            table.awaiting_responsible = ka
            return
        if not table.vertical:
            table.vertical_line = i + 1
        table.vertical.append(line)

    def finish_table(self) -> None:
        table, rec = self.table, self.rec
        self.table = None
        if table is None or rec is None:
            return
        if table.vertical:
            items = [bullet_text(v) or v for v in table.vertical]
            numbered = all(bullet_text(v) or KA_NUMBER_RE.match(v) for v in table.vertical)
            for text in (items if numbered and len(items) > 1 else ["\n".join(table.vertical)]):
                self.new_action(table.vertical_line or table.header_line, text)

    def new_action(self, line: int, text: str) -> KeyActionRecord:
        rec = self.rec
        assert rec is not None
        text = bullet_text(text) or text
        m = KA_NUMBER_RE.match(text)
        if m:
            number = m.group(1) or m.group(2)
            text = text[m.end():]
        else:
            number = str(len(rec.record.key_actions) + 1)
        ka = KeyActionRecord(number=number, text=text.strip(), line=line)
        rec.record.key_actions.append(ka)
        return ka


def table_role(header: str) -> str:
    """The role of a key-action table column from its header ("Time Frame" -> "due")."""
    h = header.lower()
    if "key action" in h or h.startswith("action"):
        return "text"
    if "responsib" in h or h.startswith("lead"):
        return "responsible"
    if "status" in h or "tracking" in h:
        return "status"
    if "time" in h or "frame" in h or "due" in h or "deadline" in h or "date" in h:
        return "due"
    if "comment" in h or "remark" in h:
        return "comment"
    if "document" in h:
        return "documents"
    return "other" if h.strip() else "comment"


def _looks_like_due(line: str) -> bool:
    low = line.lower().strip(" .")
    if low in DUE_WORDS:
        return True
    if len(line.split()) > 8:
        return False
    return bool(due_date(line)) or bool(re.match(r"^(?:by|before|until|end|within|q[1-4]|mid)\b", low))
