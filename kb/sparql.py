"""Looking at SPARQL text without running it: its form, and what it must not do.

The public endpoint decides here, before any store sees the query, whether it
is an update (refused), whether it uses ``SERVICE`` (refused: every engine we
use would otherwise open an outbound connection), and whether it is too large.
The check works on a token stream with strings, IRIs and comments removed and
``\\uXXXX`` escapes decoded first (SPARQL allows them anywhere in a query).
"""

from __future__ import annotations

import re

from kb.errors import QueryError, QueryRefused, QueryTooLarge

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_STRIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'        # long double-quoted string
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"       # long single-quoted string
    r'|"(?:[^"\\\n]|\\.)*"'                 # string
    r"|'(?:[^'\\\n]|\\.)*'"                 # string
    r"|<[^<>\"{}|^`\\\s]*>"                 # IRI reference
    r"|#[^\n]*",                            # comment
    re.DOTALL,
)
_WORD = re.compile(r"(?<![\w?$:\-.])([A-Za-z_]+)(?![\w:\-])")
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


def keywords(query: str) -> list[str]:
    """Upper-cased bare words of the query, outside strings, IRIs and comments."""
    text = _STRIP.sub(" ", _decode_escapes(query))
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
    return "SERVICE" in keywords(query)


def check_public(query: str, max_bytes: int) -> str:
    """Check a query for the public endpoint; return its form or raise.

    Raises QueryTooLarge, QueryRefused (updates, SERVICE) or QueryError.
    """
    size = len(query.encode("utf-8"))
    if size > max_bytes:
        raise QueryTooLarge(f"query is {size:,} bytes; the limit is {max_bytes:,}")
    if not query.strip():
        raise QueryError("empty query")
    form = query_form(query)
    if form == "UPDATE":
        raise QueryRefused("SPARQL Update is not allowed on the public endpoint (it is read-only)")
    if uses_service(query):
        raise QueryRefused("SERVICE (federated query) is not allowed: this endpoint makes no outbound requests")
    return form


def with_prefixes(query: str, prefixes: dict[str, str]) -> str:
    """Prepend PREFIX lines for the prefixes a query uses but does not declare."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w\-]*):", query, re.IGNORECASE)}
    body = _STRIP.sub(" ", query)
    used = set(re.findall(r"(?<![\w<])([A-Za-z][\w\-]*):(?!//)", body))
    lines = [f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items() if p in used and p.lower() not in declared]
    return "".join(lines) + query
