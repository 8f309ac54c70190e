"""One uploaded document: read, parsed and mapped whole before anything is written, then written as a build does."""

from __future__ import annotations

from datetime import UTC, datetime

from kb import ingest
from kb.build import Builder, DocumentOutcome, Prepared, parse_source, prepare_source
from kb.errors import ParseError, StoreError
from kb.registry import Registry
from kb.store import Store


def ingest_bytes(store: Store, registry: Registry, name: str, data: bytes, max_bytes: int | None = None,
                 now: datetime | None = None) -> DocumentOutcome:
    """Ingest one uploaded document: decoded and parsed completely before anything is written.

    Raises ``ParseError`` (nothing written) when it cannot be read or parsed, and
    ``StoreError`` when the store refuses the write.
    """
    now = now or datetime.now(UTC).replace(microsecond=0)
    return store_upload(store, registry, prepare_upload(registry, name, data, max_bytes, now), now)


def prepare_upload(registry: Registry, name: str, data: bytes, max_bytes: int | None = None,
                   now: datetime | None = None) -> Prepared:
    """Decode, parse and map an uploaded document without touching any store (ParseError when it cannot be read)."""
    if max_bytes is not None and len(data) > max_bytes:
        raise ParseError(f"document is {len(data):,} bytes, over the limit of {max_bytes:,}", source=name)
    src = ingest.decode(data, name)
    doc = parse_source(src, registry)
    item = prepare_source(src, registry, now or datetime.now(UTC).replace(microsecond=0), doc)
    if isinstance(item, DocumentOutcome):
        raise StoreError(item.error or f"{name}: not written")
    return item


def store_upload(store: Store, registry: Registry, item: Prepared, now: datetime | None = None) -> DocumentOutcome:
    """Write a document ``prepare_upload`` made ready (StoreError when the store refuses)."""
    builder = Builder(store, registry, now=now)
    outcome = builder.ingest_prepared(item)
    builder.flush()
    if builder.store_error:
        raise StoreError(builder.store_error)
    if outcome.status == "failed":
        raise StoreError(outcome.error or f"{item.source}: not written")
    return outcome
