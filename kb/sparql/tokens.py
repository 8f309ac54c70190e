"""A SPARQL 1.1 tokenizer that follows the grammar's terminals (section 19.8 of the Query recommendation).

At each position the longest terminal wins, as the grammar says: ``IRIREF``,
``PNAME_LN`` / ``PNAME_NS`` (a local name cannot start with ``.`` or ``-``,
nor end with ``.``), ``BLANK_NODE_LABEL``, ``VAR1`` / ``VAR2``, ``LANGTAG``,
``DOUBLE`` / ``DECIMAL`` / ``INTEGER`` (with their exponents), the four string
forms, ``NIL``, ``ANON``, comments, keywords and punctuation.  Anything else is
one ``other`` character.  ``kb.sparql.check`` reads text more suspiciously than
this (engines split keywords off neighbouring words); the tests hold it to
refuse at least what this tokenizer reads as a ``SERVICE`` keyword.  The
endpoint also uses it to tell whether a query names its own dataset (``FROM``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                  "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:(?:[{_PN_CHARS}.])*[{_PN_CHARS}])?"
_PN_LOCAL = (f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
             f"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?")
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_EXPONENT = r"[eE][+-]?[0-9]+"
_ECHAR = r"\\[tbnrf\\\"']"
_WS = r"[\x20\x09\x0d\x0a]"

#: (kind, pattern) in the order ties are broken (the longest match wins first)
_TERMINALS: tuple[tuple[str, str], ...] = (
    ("comment", r"#[^\r\n]*"),
    ("ws", f"{_WS}+"),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("string", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'),
    ("string", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"),
    ("string", f'"(?:[^"\\\\\\n\\r]|{_ECHAR})*"'),
    ("string", f"'(?:[^'\\\\\\n\\r]|{_ECHAR})*'"),
    ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("bnode", f"_:(?:[{_PN_CHARS_U}0-9])(?:(?:[{_PN_CHARS}.])*[{_PN_CHARS}])?"),
    ("var", f"[?$]{_VARNAME}"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", f"[+-]?(?:[0-9]+\\.[0-9]*{_EXPONENT}|\\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT})"),
    ("number", r"[+-]?(?:[0-9]*\.[0-9]+)"),
    ("number", r"[+-]?[0-9]+"),
    ("nil", f"\\({_WS}*\\)"),
    ("anon", f"\\[{_WS}*\\]"),
    ("word", r"[A-Za-z][A-Za-z0-9_]*"),
    ("punct", r"\^\^|\|\||&&|!=|<=|>=|[{}()\[\];,.*+\-/<>=!|^?$&@]"),
)
_COMPILED = tuple((kind, re.compile(p)) for kind, p in _TERMINALS)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Token(NamedTuple):
    kind: str
    text: str
    start: int


def decode_escapes(text: str) -> str:
    """Replace ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes, as the grammar does before tokenizing."""
    def sub(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:
            return " "
    return _ESCAPE.sub(sub, text)


def tokenize(text: str) -> Iterator[Token]:
    """The tokens of ``text`` (escapes not decoded), whitespace and comments included."""
    pos = 0
    while pos < len(text):
        best: tuple[int, str] | None = None
        for kind, pattern in _COMPILED:
            m = pattern.match(text, pos)
            if m is not None and m.end() > pos and (best is None or m.end() > best[0]):
                best = (m.end(), kind)
        if best is None:
            yield Token("other", text[pos], pos)
            pos += 1
            continue
        end, kind = best
        yield Token(kind, text[pos:end], pos)
        pos = end


def words(text: str) -> list[str]:
    """The upper-cased keywords of ``text`` (escapes decoded), in order."""
    return [t.text.upper() for t in tokenize(decode_escapes(text)) if t.kind == "word"]


def has_keyword(text: str, keyword: str) -> bool:
    """True when ``keyword`` is one of the words of ``text`` (case-insensitive)."""
    return keyword.upper() in words(text)
