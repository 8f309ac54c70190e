"""Whitespace, markup, quotes and bullets: text as printed -> text to read."""

from __future__ import annotations

import html
import re

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TAGS = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,20}(?:\s[^<>]{0,200})?/?>")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")


_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def newlines(text: str) -> str:
    """Every line break as "\\n": CRLF, CR, page breaks (form feeds of PDF conversion), Unicode separators."""
    return _LINE_BREAKS.sub("\n", text)


def clean(text: str) -> str:
    """Collapse every kind of whitespace (nbsp, tabs, thin spaces) to one space and strip."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def strip_markup(text: str) -> str:
    """Remove ``**``/``__`` bold markers, HTML tags, markdown escapes and entities (tabs are kept)."""
    text = _TAGS.sub("", text)
    text = _HEADING.sub("", text).replace("**", "").replace("__", "")
    text = _MD_ESCAPE.sub(r"\1", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def strip_quotes(text: str) -> str:
    """Remove quotation marks around a title (straight or curly)."""
    return text.strip().strip("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201f ").strip()


_BULLET = re.compile(r"^(?:[\u2022\u25cf\u25aa\u25a0\u2023\u2043\u00b7\u25e6\u2219\uf0b7\uf0a7*\-\u2013\u2014o])\s+")


def bullet_text(line: str) -> str | None:
    """The text of a bulleted line ("• text", "- text", "o text"), or None when not a bullet."""
    m = _BULLET.match(line)
    if not m:
        if line[:1] in "\u2022\u25cf\u25aa\u25e6\uf0b7" and len(line) > 1:
            return line[1:].strip() or None
        return None
    return line[m.end():].strip() or None


def join_lines(lines: list[str]) -> str | None:
    """Non-empty lines joined with newlines, or None."""
    kept = [ln for ln in (clean(x) for x in lines) if ln]
    return "\n".join(kept) if kept else None
