"""The document page model: spans marked once and in text order, overlapping facts linked to the span
already marked, line starts and warnings placed where they belong, and the text given back whole."""

from __future__ import annotations

from kb.views.documents import StoredFinding
from kb.views.source import Fact, _line_starts, _mark, _segments, document_key, document_path

BASE = "https://example.org/id/"
TEXT = "Title line\nUNDP and ANAMA signed a memorandum.\nThe project costs 100 USD.\n"


def _fact(n: int, start: int | None, end: int | None, title: str = "") -> Fact:
    return Fact(n, "statement", title or f"fact {n}", start=start, end=end)


def test_spans_are_marked_once_in_text_order_and_overlaps_link_to_the_marked_one() -> None:
    sentence = TEXT.index("UNDP"), TEXT.index("memorandum.") + len("memorandum.")
    facts = [_fact(1, TEXT.index("The project"), len(TEXT) - 1), _fact(2, *sentence), _fact(3, *sentence),
             _fact(4, TEXT.index("ANAMA"), TEXT.index("ANAMA") + 5), _fact(5, None, None)]
    kept = _mark(facts)
    assert [(s, e, n) for s, e, n, _ in kept] == [(sentence[0], sentence[1], 1),
                                                  (TEXT.index("The project"), len(TEXT) - 1, 2)]
    assert [f.span for f in facts] == [2, 1, 1, 1, None]   # the same sentence and a span inside it share span 1


def test_segments_give_back_the_text_with_lines_marks_and_warnings() -> None:
    starts = _line_starts(TEXT)
    assert starts == [0, 11, TEXT.index("The project"), len(TEXT)]
    facts = [_fact(1, TEXT.index("UNDP"), TEXT.index("memorandum.") + len("memorandum."))]
    segments = _segments(TEXT, starts, _mark(facts), [StoredFinding("no-date", "no date found", 3)])
    assert "".join(s.text for s in segments if s.kind == "text") == TEXT
    lines = [s for s in segments if s.kind == "line"]
    assert [s.n for s in lines] == [1, 2, 3]                 # no empty line after the final newline
    assert [w.code for w in lines[2].warnings] == ["no-date"] and not lines[0].warnings
    kinds = [s.kind for s in segments]
    opened, closed = kinds.index("open"), kinds.index("close")
    marked = "".join(s.text for s in segments[opened:closed] if s.kind == "text")
    assert marked == "UNDP and ANAMA signed a memorandum."
    assert segments[opened - 1].kind == "line" and segments[opened - 1].n == 2   # the line starts, then the mark


def test_document_addresses() -> None:
    assert document_key(f"{BASE}graph/news/a-release-1234", BASE) == "news/a-release-1234"
    assert document_path(f"{BASE}graph/news/a-release-1234", BASE) == "/documents/news/a-release-1234"
    assert document_key(f"{BASE}graph/registry", BASE) is None
    assert document_key("https://elsewhere.org/graph/news/x", BASE) is None
