"""Parser for an Executive Board management response (a DP/year/N document of UNDP, UNFPA or UNOPS).

The document reads::

    United Nations    DP/2016/5
    Executive Board of the United Nations Development Programme, ...
    Management response to the evaluation of <subject>
    I. Context and background
    1. <numbered paragraph of context>
    II. Recommendations and management response
    Recommendation 1. <text>
    Management response: UNDP agrees with this recommendation. <text>
    Key action(s)  Time frame  Responsible unit(s)  Tracking*   (a table, sometimes)

Recommendations, responses and key-action tables are read as in a response document
(``kb.ingest.response_doc``); this module reads the title and the context, and a document cut off
before its first recommendation still gives its evaluation with no recommendation.
"""

from __future__ import annotations

import re
from typing import Final

from kb.ingest import response_doc
from kb.ingest.guard import guarded_run
from kb.model import Finding, ManagementResponseDocument
from kb.registry import Registry

KIND: Final = "board-response"
PARSER_VERSION = "1.0"

TITLE_RE = re.compile(r"^Management\s+response\s+to\s+the\s+(?:executive\s+summary\s+of\s+the\s+)?"
                      r"((?:independent\s+|joint\s+|thematic\s+|final\s+)*evaluation\s+of\b.+)$", re.I)
SYMBOL_RE = re.compile(r"\bDP(?:/FPA|/OPS)?/\d{4}/\d+")
PARA_RE = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
HEADING_RE = re.compile(r"^(?:[IVX]{1,5}\.|[A-H]\.)?\s*[A-Z][A-Za-z,;&/ -]{2,80}$")


def sniff(text: str) -> float:
    """Confidence that ``text`` is an Executive Board management response."""
    head = text[:200_000]
    score = 0.0
    if re.search(r"^\s*Management\s+response\s+to\s+the\s+(?:executive\s+summary\s+of\s+the\s+)?"
                 r"(?:\w+\s+){0,2}evaluation\s+of\b", head, re.M | re.I):
        score += 0.5
    if SYMBOL_RE.search(head[:5000]):
        score += 0.25
    if re.search(r"Executive\s+Board", head[:5000]):
        score += 0.2
    if re.search(r"^\s*Recommendation\s+\d", head, re.M | re.I):
        score += 0.05
    return min(score, 1.0)


class _Parser(response_doc.ResponseDocumentReader):
    def __init__(self, text: str, source: str, registry: Registry) -> None:
        super().__init__(reflow(text), source, registry)
        self.kind = KIND
        self.paragraphs: list[str] = []
        self.in_paragraph = False
        self.title_open = False

    def preamble(self, i: int, raw: str, stripped: str, cleaned: str) -> None:
        m = TITLE_RE.match(cleaned)
        if m and self.title is None:
            subject = m.group(1).strip()
            self.title = subject[0].upper() + subject[1:]
            self.title_marked = self.title_open = True
            return
        if self.title is None:
            return          # the document's masthead: symbol, board, session, agenda item
        if self.title_open and cleaned[:1].islower():
            self.title = f"{self.title} {cleaned}"     # a title wrapped over two lines
            return
        self.title_open = False
        m = PARA_RE.match(cleaned)
        if m:
            self.paragraphs.append(m.group(2))
            self.in_paragraph = True
        elif HEADING_RE.match(cleaned) and not cleaned.endswith("."):
            self.in_paragraph = False
        elif self.in_paragraph and self.paragraphs:
            self.paragraphs[-1] = f"{self.paragraphs[-1]} {cleaned}"

    def run(self) -> ManagementResponseDocument:
        doc = super().run()
        if self.paragraphs:
            doc.evaluation.overall_comments = "\n".join(self.paragraphs)
        last = next((ln.strip() for ln in reversed(self.raw) if ln.strip()), "")
        if last and last[-1].isalnum() and not self.recs:
            doc.warnings.append(Finding("truncated", "the document ends before its first recommendation",
                                        line=len(self.raw), about="evaluation"))
        return doc


_BREAK_BEFORE = re.compile(
    r"\s(?=Management\s+response\s+to\s+the\s|(?:Context\s+and\s+background|Context|Background|Introduction|"
    r"Recommendations\s+and\s+management\s+responses?|Key\s+issues\s+and\s+recommendations)\s+(?:\d{1,2}\.\s|"
    r"Recommendation\s)|Recommendation\s+\d{1,2}\s*[.:]|Management\s+response\s*:|Key\s+action\s*\(s\))")
#: page furniture of a printed UN document: job number "16-00123 (E) 120116", barcode "*1600123*", "2/12"
_PAGE_NOISE_RE = re.compile(r"^(?:\d{2}-\d{5}(?:\s*\([A-Z]\)\s*\d{6})?|\*\d{7,8}\*|\d{1,3}\s*/\s*\d{1,3}|"
                            r"\d{2}-\d{5}\s+\d{1,3}/\d{1,3}|\d{1,3}/\d{1,3}\s+\d{2}-\d{5})$")
_HEADING_BREAK = re.compile(r"^(Context\s+and\s+background|Context|Background|Introduction)\s+(?=\d{1,2}\.\s)", re.M)
_PARAGRAPH_BREAK = re.compile(r"(?<=[.;:])\s+(?=\d{1,2}\.\s+[A-Z])|\s+(?=(?:[IVX]{1,4})\.\s+[A-Z][a-z])")


def reflow(text: str) -> str:
    """Lines for a document flattened into a few very long lines (a PDF copied as one paragraph):
    breaks before the title, the headings, each numbered paragraph, recommendation and response."""
    lines = []
    symbol = SYMBOL_RE.search(text[:5000])
    for k, ln in enumerate(text.split("\n")):
        bare = ln.strip()
        if _PAGE_NOISE_RE.match(bare) or (symbol and k > 3 and bare == symbol.group(0)):
            ln = ""        # the running head, the page number or the job number of a printed page
        if len(ln) > 600:
            ln = _PARAGRAPH_BREAK.sub("\n", _BREAK_BEFORE.sub("\n", ln))
            ln = _HEADING_BREAK.sub("\\1\n", ln)
        lines.append(ln)
    return "\n".join(lines)


def parse(text: str, source: str, registry: Registry) -> ManagementResponseDocument:
    """Records of an Executive Board management response; ``ParseError`` when the text is not one."""
    return guarded_run(_Parser, text, source, registry)
