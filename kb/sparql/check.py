"""Looking at SPARQL text without running it: its form, and what it must not do.

The public endpoint decides here, before any store sees the query, whether it
is an update (refused), whether it uses ``SERVICE`` (refused: every engine we
use would otherwise open an outbound connection), whether it is too large and
whether it nests too deeply for the engine's recursive parser.

The ``SERVICE`` check errs on the side of refusing.  Engines match keywords
without word boundaries (``?o.SERVICE<x>{}``, ``1SERVICE``, ``SERVICEex:x``
and ``SERVICE:x`` all call out), and a lexer that reads text outside any
grammar cannot always tell an IRI from a ``<`` comparison (``FILTER(1<'a>')``
followed by a string-looking tail).  So the check follows *every* reading of
the text at the same time (each ``<`` both as an IRI and as an operator) and
refuses the query when any reading has ``service`` outside a string, an IRI or
a comment, unless it continues a variable (``?service``), a prefixed or blank
node name (``sd:Service``, ``_:service``) or a language tag.  ``\\uXXXX``
escapes are decoded first, as the SPARQL grammar says they may be, and the raw
text is checked as well.  A prefix named ``service:`` is therefore refused too.
Whatever this reading refuses, it refuses at least every ``SERVICE`` keyword
that ``kb.sparql.tokens`` (the grammar's terminals) finds.

This check only gives a clear error early.  What stops outbound requests is the
operating system: the processes and threads that run public queries and
updates cannot open an IP socket at all (``kb.sparql.sandbox``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from kb.errors import QueryError, QueryRefused, QueryTooLarge
from kb.sparql import tokens

#: deepest bracket nesting ({, ( and [) accepted: the engine's parser recurses per level
MAX_NESTING = 200

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SPECIAL = re.compile(r"[<'\"#]")
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'",
    re.DOTALL,
)
_EOL = re.compile(r"[\r\n]")
_WORD = re.compile(r"(?<![\w?$:\-.@])([A-Za-z_]+)(?![\w:\-])")
_SERVICE = re.compile(r"service", re.IGNORECASE | re.ASCII)
_LOAD = re.compile(r"load", re.IGNORECASE | re.ASCII)
#: a token that swallows a following ``service``: variable, language tag, prefixed name or blank node
#: (a local name cannot start with ``.`` or ``-``: ``ka:.SERVICE`` is ``ka:``, ``.`` and the keyword)
_NAME_BEFORE = re.compile(
    r"(?:[?$]\w*"
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"
    r"|(?:_|[^\W\d][\w\-.]*)?:(?:[\w:%\\][\w\-.:%\\]*)?)\Z"
)
#: a bare word before ``service``; engines split these keywords off it (``trueSERVICE``)
_BARE_BEFORE = re.compile(r"[^\W\d]\w*\Z")
_SPLIT_KEYWORDS = {"a", "true", "false", "undef"}
_LOOKBACK = 64
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def _decode_escapes(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        try:
            return chr(code)
        except ValueError:
            return " "
    return _ESCAPE.sub(sub, text)


# ------------------------------------------------------------------------------------ lexing


def _primary_code(text: str) -> Iterator[str]:
    """The code of the usual reading (every ``<...>`` that can be an IRI is one), strings and comments out."""
    pos = 0
    while pos < len(text):
        m = _SPECIAL.search(text, pos)
        if m is None:
            yield text[pos:]
            return
        yield text[pos:m.start()]
        p = m.start()
        yield " "
        if m.group() == "#":
            eol = _EOL.search(text, p)
            pos = eol.end() if eol else len(text)
        elif m.group() == "<":
            iri = _IRIREF.match(text, p)
            pos = iri.end() if iri else p + 1
            if iri is None:
                yield "<"
        else:
            s = _STRING.match(text, p)
            pos = s.end() if s else p + 1


def _code_stretches(text: str) -> Iterator[tuple[int, int, tuple[int, int] | None, str]]:
    """Every stretch of ``text`` that some reading treats as code.

    Yields ``(start, stop, span, terminator)``: ``text[start:stop]`` is code in
    some reading; ``span`` is ``(first, end)`` when that reading took the ``<``
    before ``first`` as an operator although ``text[first - 1:end]`` could also
    be an IRI; ``terminator`` is the character that ends the stretch ('' at the
    end).  Readings that meet again at the same place are followed once, so the
    work stays linear.
    """
    eols = [m.end() for m in _EOL.finditer(text)]
    seen: set[tuple[int, tuple[int, int] | None]] = set()
    todo: list[tuple[int, tuple[int, int] | None]] = [(0, None)]
    while todo:
        pos, span = todo.pop()
        if span is not None and pos >= span[1]:
            span = None
        if (pos, span) in seen:
            continue
        seen.add((pos, span))
        m = _SPECIAL.search(text, pos)
        if m is None:
            yield pos, len(text), span, ""
            continue
        p, c = m.start(), m.group()
        yield pos, p, span, c
        if c == "#":
            after = bisect.bisect_right(eols, p)
            todo.append((eols[after] if after < len(eols) else len(text), span))
        elif c == "<":
            iri = _IRIREF.match(text, p)
            if iri is not None:
                todo.append((iri.end(), None))                              # an IRI
            todo.append((p + 1, (p + 1, iri.end()) if iri else None))      # an operator: < or <=
        else:
            s = _STRING.match(text, p)
            todo.append((s.end() if s else p + 1, span))


def _is_keyword_at(text: str, k: int) -> bool:
    # A window cut inside a longer name leaves a bare word that is no keyword: the check still holds.
    before = text[max(0, k - _LOOKBACK):k]
    if _NAME_BEFORE.search(before):
        return False
    bare = _BARE_BEFORE.search(before)
    if bare is None or bare.group().lower() in _SPLIT_KEYWORDS:
        return True
    # a word right after a digit is a number's exponent (``2.5e0SERVICE``): the keyword follows it
    return bare.start() > 0 and before[bare.start() - 1].isdigit()


def _service_in(text: str) -> bool:
    return _keyword_in(text, _SERVICE)


def _keyword_in(text: str, word: re.Pattern[str]) -> bool:
    keyword: dict[int, bool] = {}
    for start, stop, span, terminator in _code_stretches(text):
        for m in word.finditer(text, start, stop):
            k = m.start()
            if k not in keyword:
                keyword[k] = _is_keyword_at(text, k)
            if not keyword[k]:
                continue
            # In text that is also an IRI, a '<' operator sits inside a parenthesised expression, so
            # SERVICE needs a ')' before it, and a comment must swallow the IRI's closing '>' (the
            # group after SERVICE cannot sit inside an IRI).
            if span is not None and k < span[1] and (
                    ")" not in text[span[0]:k] or terminator != "#" or stop >= span[1]):
                continue
            return True
    return False


# ------------------------------------------------------------------------------------ public API


def keywords(query: str) -> list[str]:
    """Upper-cased bare words of the query, outside strings, IRIs and comments."""
    text = "".join(_primary_code(_decode_escapes(query)))
    return [w.upper() for w in _WORD.findall(text)]


def query_form(query: str) -> str:
    """'SELECT', 'ASK', 'CONSTRUCT', 'DESCRIBE' or 'UPDATE'; QueryError when none."""
    for word in keywords(query):
        if word in _FORMS:
            return word
        if word in _UPDATES:
            return "UPDATE"
    raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found")


def uses_service(query: str) -> bool:
    """True when some reading of the query has a ``SERVICE`` keyword (see the module docstring)."""
    decoded = _decode_escapes(query)
    return (_service_in(decoded) or (decoded != query and _service_in(query))
            or "SERVICE" in tokens.words(query))


def update_refusal(update: str) -> str | None:
    """Why a token-bearing SPARQL Update must not run (``LOAD`` or ``SERVICE`` would fetch URLs), or None."""
    if "LOAD" in tokens.words(update) or "LOAD" in keywords(update) or _keyword_in(_decode_escapes(update), _LOAD):
        return "LOAD is not allowed in updates: this server fetches no URLs (upload the document instead)"
    if uses_service(update):
        return "SERVICE is not allowed in updates: this server makes no outbound requests"
    return None


def nesting_depth(query: str) -> int:
    """Deepest nesting of ``{``, ``(`` and ``[`` outside strings, IRIs and comments."""
    depth = deepest = 0
    for chunk in _primary_code(_decode_escapes(query)):
        for ch in chunk:
            if ch in "{([":
                depth += 1
                deepest = max(deepest, depth)
            elif ch in "})]":
                depth = max(0, depth - 1)
    return deepest


def check_public(query: str, max_bytes: int) -> str:
    """Check a query for the public endpoint; return its form or raise.

    Raises QueryTooLarge, QueryRefused (updates, SERVICE) or QueryError (empty,
    not a query, nested deeper than ``MAX_NESTING``).
    """
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise QueryTooLarge(f"query is {size:,} bytes; the limit is {max_bytes:,}")
    if not query.strip():
        raise QueryError("empty query")
    form = query_form(query)
    if form == "UPDATE":
        raise QueryRefused("SPARQL Update is not allowed on the public endpoint (it is read-only)")
    if uses_service(query):
        raise QueryRefused("SERVICE (federated query) is not allowed: this endpoint makes no outbound requests")
    depth = nesting_depth(query)
    if depth > MAX_NESTING:
        raise QueryError(f"query nests brackets {depth} deep; the limit is {MAX_NESTING}")
    return form


def with_prefixes(query: str, prefixes: dict[str, str]) -> str:
    """Prepend PREFIX lines for the prefixes a query uses but does not declare."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w\-]*):", query, re.IGNORECASE)}
    body = "".join(_primary_code(query))
    used = set(re.findall(r"(?<![\w<])([A-Za-z][\w\-]*):(?!//)", body))
    lines = [f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items() if p in used and p.lower() not in declared]
    return "".join(lines) + query
