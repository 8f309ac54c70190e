"""The documents and KBs tests build on: the seeds, a fixed ingest time, the web KB with a hostile release."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from kb import ingest
from kb.build import build
from kb.mapping import map_document
from kb.namespaces import DEFAULT_BASE
from kb.registry import Registry
from kb.settings import DATA_DIR
from kb.store import OxigraphStore

SEEDS = DATA_DIR / "documents"
SEED_FILES = {
    "erc": SEEDS / "000_ed0432e762aadb2d.txt",
    "response": SEEDS / "001_47ac0c33fd8ef360.txt",
    "news": SEEDS / "002_f7a1618a2c1dab11.txt",
}
#: a fixed ingest time, so that builds in tests are reproducible
FIXED_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
#: the base of every IRI the KB mints (the default setting)
BASE = DEFAULT_BASE
UNDP = BASE + "org/undp"
ANAMA = BASE + "org/anama"

#: the seed ERC page's evaluation, renamed by ``erc_variant``
ERC_TITLE = "Final evaluation of the Support to Tajikistan Mine Action Programme"
HOSTILE_TITLE = "UNDP and ANAMA signed <script>alert(1)</script> Memorandum"
HOSTILE_MARKUP = "<img src=x onerror=alert(2)>"


@cache
def seed_text(kind: str) -> str:
    """The text of the seed document of ``kind`` ("erc", "response", "news"), read once."""
    return SEED_FILES[kind].read_text(encoding="utf-8")


def erc_variant(i: int) -> str:
    """The seed ERC page under another title: another evaluation, same shape."""
    return seed_text("erc").replace(ERC_TITLE, ERC_TITLE.replace("evaluation", f"evaluation {i}", 1))


def mapped_counts(sources: Iterable[ingest.SourceText], registry: Registry) -> dict[str, int]:
    """Graph IRI -> distinct triples each document maps to (the ingest time does not change the count)."""
    out = {}
    for src in sources:
        dg = map_document(ingest.parse_text(src.text, src.source, registry), src, registry, datetime.now(UTC))
        out[dg.iri] = len(set(dg.triples))
    return out


def write_hostile_document(folder: Path) -> Path:
    """The seed news release with markup in its title and in one sentence, as a document may carry it."""
    lines = seed_text("news").split("\n")
    lines[0] = HOSTILE_TITLE
    text = "\n".join(lines).replace("The budget of the project is 136,000 USD.",
                                    f"The budget of the project is 136,000 USD. {HOSTILE_MARKUP}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hostile_news.txt"
    path.write_text(text, encoding="utf-8")
    return path


def build_web_kb(path: Path, registry: Registry, docs: Path) -> Path:
    """An on-disk KB of the three seeds and the hostile release."""
    store = OxigraphStore(path)
    report = build(store, [SEEDS, write_hostile_document(docs)], registry, now=FIXED_NOW)
    store.close()
    assert not report.failed, [o.error for o in report.failed]
    assert report.count("added") == 4
    return path
