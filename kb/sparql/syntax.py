"""Where a SPARQL syntax error is, and what it says in one line, from the engine's message.

pyoxigraph reports a syntax error as ``error at LINE:COLUMN: expected one of
...`` followed by every token its grammar would have taken there, character
classes included (a few hundred characters for an unknown prefix).  ``locate``
turns that into a line and a column of the text the user wrote (the public
endpoint declares the KB's prefixes for a query by prepending ``PREFIX``
lines, so lines are counted back) and a short message: ``unknown prefix
foo:``, ``invalid IRI``, or what was found and the few keywords expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.namespaces import PREFIXES
from kb.sparql.check import with_prefixes

#: the position part of the engine's message (1-based line and column, columns in characters)
_AT = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
#: a prefixed name ending at the error position
_PNAME_BEFORE = re.compile(r"((?:[A-Za-z][\w\-.]*)?):[\w\-.%]*\Z")
#: expected items that are tokens worth naming: quoted punctuation and keywords
_ITEM = re.compile(r'"([^"]+)"|\b([A-Za-z][A-Za-z0-9_]*)\b')
#: grammar phrases in the expected list that are not tokens
_NOISE = {"one", "of", "Prefix", "not", "found", "IRI", "parsing", "failed", "_"}
#: keywords the engine lists at almost every position; naming them helps nobody
_UNHELPFUL = {"LATERAL", "SERVICE", "ADJUST", "TRIPLE", "SUBJECT", "PREDICATE", "OBJECT", "isTRIPLE"}
#: most expected tokens named in a message
MAX_EXPECTED = 6


@dataclass(frozen=True)
class SyntaxProblem:
    """A syntax error placed in the user's text."""

    line: int       #: 1-based line of the user's query
    column: int     #: 1-based column, in characters
    message: str    #: one line, without the position

    def describe(self) -> str:
        return f"SPARQL syntax error at line {self.line}, column {self.column}: {self.message}"


def added_lines(query: str) -> int:
    """How many lines the public endpoint puts before ``query`` (its KB prefix declarations)."""
    return with_prefixes(query, PREFIXES).count("\n") - query.count("\n")


def _offset(text: str, line: int, column: int) -> int:
    """The character index of a 1-based line and column in ``text`` (clamped to the text)."""
    lines = text.split("\n")
    if line < 1 or line > len(lines):
        return len(text)
    start = sum(len(x) + 1 for x in lines[:line - 1])
    return min(start + max(column - 1, 0), start + len(lines[line - 1]))


def _found(text: str, index: int) -> str:
    rest = text[index:].lstrip()
    if not rest:
        return "end of query"
    token = re.match(r"[^\s{}()\[\].,;]+|\S", rest)
    word = token.group() if token else rest[0]
    return f"'{word[:40]}'"


def _expected(tail: str) -> list[str]:
    names: list[str] = []
    # character classes ([...]) say nothing a reader can act on
    tail = re.sub(r"^\s*expected(\s+one\s+of)?", " ", tail)
    for m in _ITEM.finditer(re.sub(r"\[[^\]]*\]", " ", tail)):
        if m.group(1):
            name = f"'{m.group(1)}'"
        elif m.group(2) in _NOISE or m.group(2) in _UNHELPFUL:
            continue
        else:
            name = m.group(2)
        if name not in names:
            names.append(name)
    return names


def locate(message: str, query: str | None = None, shift: int | None = None) -> SyntaxProblem | None:
    """The position and a one-line message of an engine syntax error; None when ``message`` has no position.

    ``query`` is the text the user wrote; ``shift`` the lines put before it when
    it ran (by default those the public endpoint adds, counted from ``query``).
    Without ``query`` the position is that of the text as it ran.
    """
    m = _AT.search(message)
    if m is None:
        return None
    line, column, tail = int(m.group(1)), int(m.group(2)), m.group(3)
    if shift is None:
        shift = added_lines(query) if query is not None else 0
    line = max(1, line - shift)
    index = _offset(query, line, column) if query is not None else None
    if "Prefix not found" in tail and query is not None and index is not None:
        name = _PNAME_BEFORE.search(query[:index])
        if name is not None:
            prefix = name.group(1)
            start = index - len(name.group())
            column = start - (query.rfind("\n", 0, start) + 1) + 1
            return SyntaxProblem(line, column, f"unknown prefix '{prefix}:' (declare it with PREFIX {prefix}: <...>)")
    if "Prefix not found" in tail:
        return SyntaxProblem(line, column, "unknown prefix (declare it with PREFIX name: <...>)")
    if "IRI parsing failed" in tail:
        if query is not None and index is not None:
            start = query.rfind("<", query.rfind("\n", 0, index) + 1, index)
            if start >= 0:
                column = start - (query.rfind("\n", 0, start) + 1) + 1
        return SyntaxProblem(line, column, "invalid IRI (an IRI needs a scheme, such as <https://...>, "
                                           "and no spaces)")
    expected = _expected(tail)
    found = _found(query, index) if query is not None and index is not None else None
    text = f"unexpected {found}" if found else "unexpected text"
    if expected:
        shown = ", ".join(expected[:MAX_EXPECTED]) + (", ..." if len(expected) > MAX_EXPECTED else "")
        text += f"; expected {shown}"
    return SyntaxProblem(line, column, text)
