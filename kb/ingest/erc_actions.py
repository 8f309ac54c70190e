"""Key actions of an ERC page: numbered or unnumbered entries, their stamps, detail lines and comments."""

from __future__ import annotations

import re

from kb.ingest.erc_layout import Row
from kb.ingest.erc_patterns import (
    ADDED_RE,
    JUSTIFICATION_RE,
    KA_RE,
    KA_TABLE_HEADER_RE,
    NO_DUE_RE,
    REC_HEADER_RE,
    UPDATED_RE,
    ActionState,
    RecState,
    ends_sentence,
    is_footer_start,
    looks_like_details,
    next_number,
    split_details,
    strip_history,
)
from kb.model import Finding, KeyActionRecord
from kb.text.clean import clean
from kb.text.dates import dates_before, due_date, parse_date
from kb.vocab import status_of

_STAMP_END = re.compile(r"\[\s*(?:Added|Last\s+Updated)\s*:?[^\]]*\]", re.I)


class KeyActionReader:
    """The key-action half of the ERC page reader (mixed into it); it reads ``lines`` from ``start``."""

    raw: list[str]
    lines: list[str]
    findings: list[Finding]
    rec: RecState | None
    action: ActionState | None
    state: str
    saw_history: bool
    footer_seen: bool
    last_line: str
    _last_structure: int | None = None   #: index of the last stamp, heading or footer line (computed once)


    def table_row(self, i: int, row: Row) -> None:
        """A key action given as a table row: text with its stamps, responsible, due date, status, comment."""
        rec = self.rec
        assert rec is not None
        self.finish_action()
        text = row.cells.get("text", "")
        added, updated = ADDED_RE.search(text), UPDATED_RE.search(text)
        body = "\n".join(x for x in (clean(t) for t in UPDATED_RE.sub("", ADDED_RE.sub("", text)).split("\n")) if x)
        m = KA_RE.match(body)
        number, body = (m.group(1), m.group(2)) if m else (str(len(rec.record.key_actions) + 1), body)
        self.start_action(i, number, body)
        act = self.action
        assert act is not None
        record, about = act.record, self.about(act)
        record.added = self.date(added.group(1), i, about) if added else None
        record.updated = self.date(updated.group(1), i, about) if updated else None
        act.has_added = added is not None
        record.responsible_text = clean(row.cells.get("responsible", "")) or None
        record.due_text = clean(row.cells.get("due", "")) or None
        record.due = due_date(record.due_text)
        record.status = clean(row.cells.get("status", "")) or None
        act.has_details = True
        act.has_status = record.status is not None
        if row.cells.get("comment"):
            act.comment_lines.append(row.cells["comment"])
        if record.due_text and record.due is None and not status_of(record.due_text):
            self.findings.append(Finding("bad-date", f"{about}: due date {record.due_text!r} not understood",
                                         line=i + 1, about=about))
        if record.status is None:
            self.findings.append(Finding("missing-status", f"{about} has no status", line=i + 1, about=about))
        if not row.complete:
            record.truncated = True
            self.findings.append(Finding("truncated", f"the page ends inside {about}", line=row.last_line + 1,
                                         about=about))
        self.state = "ka-comment"
        self.finish_action()

    def key_action_line(self, i: int, ln: str) -> None:
        m = KA_RE.match(ln)
        if m and self.starts_action(i, m.group(1)):
            self.start_action(i, m.group(1), m.group(2))
            return
        act = self.action
        unnumbered = self.added_follows(i) if act is None or self.state == "ka" else (
            self.state == "ka-comment" and self.added_follows(i, 1))
        if not unnumbered and act is None and self.state == "ka" and self.after_table_header(i) and self.at_tail(i):
            unnumbered = True     # the page ends inside an unnumbered action, before its "[Added: ...]"
        if unnumbered:
            self.start_action(i, str(len(self.rec.record.key_actions) + 1) if self.rec else "1", ln)
            return
        if act is None:
            about = f"recommendation {self.rec.record.number}" if self.rec else None
            self.findings.append(Finding("unrecognised-line", f"text outside any key action: {ln[:120]!r}",
                                         line=i + 1, about=about))
            return
        if self.state == "ka-text":
            if looks_like_details(ln):
                self.details(i, ln)
            else:
                text, closed = strip_history(ln)
                act.text_lines.append(text)
                if closed:
                    self.saw_history = True
                    self.finish_action()
        elif self.state == "ka-added":
            self.details(i, ln)
        else:
            text, closed = strip_history(ln)
            if text:
                act.comment_lines.append(text)
            if closed:
                self.saw_history = True
                self.finish_action()

    def after_table_header(self, i: int) -> bool:
        """True when the line before ``i`` (blank lines aside) is the key-action table header."""
        before = next((ln for ln in reversed(self.lines[:i]) if ln), "")
        return bool(KA_TABLE_HEADER_RE.match(before))

    def at_tail(self, i: int) -> bool:
        """True when nothing but text follows line ``i`` to the end of the page (it was cut off there)."""
        if self._last_structure is None:
            self._last_structure = max((k for k, ln in enumerate(self.lines) if ADDED_RE.match(ln)
                                        or REC_HEADER_RE.match(ln) or is_footer_start(ln) or ln == "History"),
                                       default=-1)
        return i > self._last_structure

    def starts_action(self, i: int, number: str) -> bool:
        act = self.action
        if act is None or self.state == "ka":
            return True
        if number == next_number(act.record.number):
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
            if KA_RE.match(ln) or REC_HEADER_RE.match(ln) or ln == "History" or is_footer_start(ln):
                return False
        return False

    def start_action(self, i: int, number: str, text: str) -> None:
        self.finish_action()
        rec = self.rec
        assert rec is not None
        record = KeyActionRecord(number=number, text="", line=i + 1)
        rec.record.key_actions.append(record)
        self.action = ActionState(rec=rec.record, record=record)
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
        ln, closed = strip_history(ln)
        raw = self.raw[i]
        stamps = list(_STAMP_END.finditer(raw))
        cells = raw[stamps[-1].end():] if stamps else raw      # the cells after "[Added: ...] [Last Updated: ...]"
        resp, due, status, comment = split_details(cells if "\t" in cells.strip() else ln)
        record.responsible_text = resp or None
        record.due_text = due
        record.due = due_date(due)
        record.status = status
        act.has_details = True
        act.has_status = status is not None
        if comment:
            act.comment_lines.append(comment)
        about = self.about(act)
        if due and record.due is None and not NO_DUE_RE.fullmatch(due):
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
            or not ends_sentence(self.last_line))
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

    def about(self, act: ActionState) -> str:
        n = act.record.number
        return f"key action {n}" if "." in n else f"key action {act.rec.number}.{n}"

    def date(self, text: str, i: int, about: str) -> str | None:
        value = parse_date(text)
        if value is None and text.strip():
            self.findings.append(Finding("bad-date", f"{about}: date {text.strip()!r} not understood", line=i + 1,
                                         about=about))
        return value
