"""Turn source documents into typed records: reading, kind detection, dispatch.

Each parser module in this package exposes

- ``KIND``: the kind it parses ("erc-page", "response-document", "mr-tracker", "board-response", "news");
- ``PARSER_VERSION``: bumped whenever its output changes;
- ``sniff(text) -> float``: how sure it is (0..1) that the text is of its kind;
- ``parse(text, source, registry) -> Document``: the records, or ``ParseError``.

Nothing here touches a store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from kb.errors import ParseError, UnknownDocumentKind
from kb.ingest import board, erc, news, response_doc, tracker
from kb.model import Document
from kb.registry import Registry
from kb.text.clean import newlines

PARSERS: dict[str, ModuleType] = {m.KIND: m for m in (erc, response_doc, tracker, board, news)}

#: Below this confidence no parser claims a document.
MIN_CONFIDENCE = 0.3


@dataclass(frozen=True)
class SourceText:
    """A document read from disk (or an upload), decoded, with its content hash."""

    source: str          #: file name as given (path or upload name)
    text: str
    sha256: str
    size: int


def decode(data: bytes, source: str) -> SourceText:
    """Decode bytes as UTF-8 text (BOM allowed), or raise ``ParseError`` naming the place."""
    if not data.strip():
        raise ParseError("empty document", source=source)
    if b"\x00" in data[:65536]:
        raise ParseError("binary data (NUL bytes), not a text document", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                         source=source, line=line) from exc
    text = newlines(text)
    return SourceText(source=source, text=text, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def read(path: str | Path, max_bytes: int | None = None) -> SourceText:
    """Read and decode a file; ``ParseError`` for unreadable, oversized or non-text files."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise ParseError(f"document is {size:,} bytes, over the limit of {max_bytes:,}", source=str(p))
        data = p.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", source=str(p)) from exc
    return decode(data, str(p))


def detect(text: str, source: str = "<input>") -> str:
    """The kind of a document, or ``UnknownDocumentKind``."""
    scores = sorted(((m.sniff(text), kind) for kind, m in PARSERS.items()), reverse=True)
    best, kind = scores[0]
    if best < MIN_CONFIDENCE:
        raise UnknownDocumentKind(
            "not a recognised document (expected an ERC management-response page, a management-response "
            "document, a management-response tracker page, an Executive Board management response or a news "
            "release)", source=source, line=1)
    return kind


def parse_text(text: str, source: str, registry: Registry, kind: str | None = None) -> Document:
    """Detect (unless ``kind`` is given) and parse."""
    kind = kind or detect(text, source)
    if kind not in PARSERS:
        raise UnknownDocumentKind(f"unknown document kind {kind!r}", source=source)
    return PARSERS[kind].parse(text, source, registry)


def parser_version(kind: str) -> str:
    return f"{kind}/{PARSERS[kind].PARSER_VERSION}"
