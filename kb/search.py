"""Find any entity by name: the search index the build maintains.

It holds the labels, acronyms and aliases of organisations, units, people, projects, evaluations and places.

The index is built from one query (``kb/queries/internal/web/search-entities.rq``) and kept as a JSON file
beside the embedded store (``<store>.search.json``, outside Oxigraph's own directory), written at the end of
``makb build``; for a remote store it is built when first needed.  Names are normalised (accents dropped,
case folded, punctuation to spaces), so "Genève" finds "GENEVE" and "mag" finds "MAG".  A query matches a
name exactly, at its start, at the start of one of its words, or anywhere inside it, in that order of
quality; hits of the same quality are ranked by connectedness (how many statements point at the entity).
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb import queries
from kb.errors import ConfigError, StoreError
from kb.store import Store

#: kinds of entity the index holds, in the order a page lists them
KINDS: tuple[str, ...] = ("organisation", "unit", "person", "project", "evaluation", "place")
#: match qualities, best first
EXACT, PREFIX, WORD, INSIDE = 0, 1, 2, 3
QUALITY_NAMES = {EXACT: "exact", PREFIX: "prefix", WORD: "word", INSIDE: "substring"}
#: version of the file format (an index file of another version is rebuilt)
FORMAT_VERSION = 1
#: the longest query text considered
MAX_QUERY = 200
#: at most this many substring occurrences are looked at per query (prefix matches are always complete)
MAX_SCAN = 20000
_SEP = "\x00"
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """``text`` for matching: accents dropped, case folded, runs of punctuation and space as one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", plain.casefold().replace("_", " ")).split())


@dataclass(frozen=True)
class Entry:
    """One entity of the index."""

    iri: str
    kind: str
    label: str
    names: tuple[str, ...]          #: every name as printed (label first, then acronyms and aliases)
    country: str | None = None
    score: int = 0                  #: connectedness: statements pointing at it

    def to_row(self) -> list[Any]:
        return [self.iri, self.kind, self.label, list(self.names), self.country, self.score]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Entry:
        iri, kind, label, names, country, score = row
        return cls(str(iri), str(kind), str(label), tuple(str(n) for n in names), country, int(score))


@dataclass(frozen=True)
class Hit:
    """One answer: the entity, the name that matched and how well."""

    entry: Entry
    matched: str
    quality: int

    def to_json(self, url: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"iri": self.entry.iri, "label": self.entry.label, "kind": self.entry.kind,
                               "matched": self.matched, "match": QUALITY_NAMES[self.quality],
                               "country": self.entry.country, "score": self.entry.score}
        if url is not None:
            out["url"] = url
        return out


class SearchIndex:
    """Normalised names of every entity, searchable by prefix (a sorted list) and substring (one string)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = sorted(entries, key=lambda e: (e.kind, e.label.lower(), e.iri))
        self.by_iri = {e.iri: i for i, e in enumerate(self.entries)}
        names: list[tuple[str, int, str]] = []
        for i, e in enumerate(self.entries):
            seen: set[str] = set()
            for name in e.names:
                key = normalise(name)
                if key and key not in seen:
                    seen.add(key)
                    names.append((key, i, name))
        names.sort()
        self._keys = [k for k, _, _ in names]
        self._owner = [i for _, i, _ in names]
        self._printed = [n for _, _, n in names]
        starts: list[int] = []
        pos = 0
        for key in self._keys:
            starts.append(pos)
            pos += len(key) + 1
        self._starts = starts
        self._haystack = _SEP.join(self._keys)

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, iri: str) -> Entry | None:
        i = self.by_iri.get(iri)
        return None if i is None else self.entries[i]

    def search(self, text: str, limit: int = 10, kinds: Sequence[str] | None = None) -> list[Hit]:
        """The best ``limit`` entities whose names match ``text``, best match first, then most connected."""
        if kinds is not None:
            unknown = sorted(set(kinds) - set(KINDS))
            if unknown:
                raise ConfigError(f"unknown entity kind {', '.join(unknown)}; choose from {', '.join(KINDS)}")
        wanted = normalise(text[:MAX_QUERY])
        if not wanted or limit <= 0:
            return []
        best: dict[int, tuple[int, int]] = {}     # entry -> (quality, name position)

        def offer(name_pos: int, quality: int) -> None:
            owner = self._owner[name_pos]
            if kinds is not None and self.entries[owner].kind not in kinds:
                return
            known = best.get(owner)
            if known is None or quality < known[0]:
                best[owner] = (quality, name_pos)

        lo = bisect.bisect_left(self._keys, wanted)
        hi = lo
        while hi < len(self._keys) and self._keys[hi].startswith(wanted):
            offer(hi, EXACT if self._keys[hi] == wanted else PREFIX)
            hi += 1
        # when enough names start with it, no inner match can rank higher: no scan
        found = -1 if len(best) >= limit else self._haystack.find(wanted)
        scanned = 0
        while found != -1 and scanned < MAX_SCAN:
            scanned += 1
            name_pos = bisect.bisect_right(self._starts, found) - 1
            start = self._starts[name_pos]
            if found > start:
                offer(name_pos, WORD if self._haystack[found - 1] == " " else INSIDE)
            found = self._haystack.find(wanted, found + 1)
        ranked = heapq.nsmallest(limit, best.items(), key=lambda kv: (
            kv[1][0], -self.entries[kv[0]].score, self.entries[kv[0]].label.lower(), self.entries[kv[0]].iri))
        return [Hit(self.entries[i], self._printed[pos], quality) for i, (quality, pos) in ranked[:limit]]

    def suggest(self, text: str, limit: int = 8, kinds: Sequence[str] | None = None) -> list[Hit]:
        """Entities to offer for a name that matched nothing exactly: its matches, else those of its words."""
        hits = self.search(text, limit, kinds)
        if hits:
            return hits
        merged: dict[str, Hit] = {}
        for word in sorted(set(normalise(text).split()), key=len, reverse=True):
            if len(word) < 3:
                continue
            for hit in self.search(word, limit, kinds):
                merged.setdefault(hit.entry.iri, hit)
        if not merged:                          # a misspelt end: the longest start of it that matches
            wanted = normalise(text[:MAX_QUERY])
            for size in range(len(wanted) - 1, 2, -1):
                hits = self.search(wanted[:size], limit, kinds)
                if hits:
                    return hits
        return sorted(merged.values(), key=lambda h: (h.quality, -h.entry.score, h.entry.label.lower()))[:limit]

    # -------------------------------------------------------------- files

    def save(self, path: Path) -> None:
        """Write the index to ``path`` (atomically: a reader sees the old file or the new one)."""
        tmp = path.with_name(path.name + f".{os.getpid()}.part")
        data = {"version": FORMAT_VERSION, "entries": [e.to_row() for e in self.entries]}
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def read(cls, path: Path) -> SearchIndex:
        """The index written at ``path``; ``StoreError`` when it cannot be read."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != FORMAT_VERSION:
                raise ValueError(f"format version {data.get('version')!r}, expected {FORMAT_VERSION}")
            return cls(Entry.from_row(row) for row in data["entries"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"cannot read the search index {path}: {exc}") from exc


# ------------------------------------------------------------------------------------ building


def build_index(store: Store) -> SearchIndex:
    """The index of every searchable entity of ``store``."""
    facts: dict[str, dict[str, Any]] = {}
    for row in queries.rows(store, "web/search-entities"):
        iri = row["entity"]
        f = facts.setdefault(iri, {"kinds": set(), "label": [], "acronym": [], "alt": [], "country": set(),
                                   "score": 0})
        f["kinds"].add(row["kind"])
        if "name" in row:
            f[row["key"]].append(row["name"])
        if "country" in row:
            f["country"].add(row["country"])
        if row.get("score", "").isdigit():
            f["score"] = max(f["score"], int(row["score"]))
    entries = []
    for iri, f in facts.items():
        kind = next(k for k in KINDS if k in f["kinds"])
        labels = sorted(set(f["label"]))
        others = sorted(set(f["acronym"])) + sorted(set(f["alt"]) - set(f["acronym"]))
        names = [n for n in dict.fromkeys([*labels, *others]) if n.strip()]
        if not names:
            continue
        label = labels[0] if labels else names[0]
        entries.append(Entry(iri, kind, label, tuple(names), min(f["country"]) if f["country"] else None,
                             f["score"]))
    return SearchIndex(entries)


def index_path(store: Store) -> Path | None:
    """Where the index of an embedded store lives (beside its directory); None for other stores."""
    if store.kind != "embedded":
        return None
    location = Path(store.location).resolve()
    return location.with_name(location.name + ".search.json")


def refresh(store: Store) -> SearchIndex | None:
    """Write the index of an embedded store anew beside it (other stores build theirs when first searched)."""
    path = index_path(store)
    if path is None:
        return None
    index = build_index(store)
    with _lock:
        _loaded.pop(str(path), None)
        try:
            index.save(path)
        except OSError:        # a place that cannot be written: readers build the index in memory instead
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    return index


_lock = threading.Lock()
#: indexes read from files in this process: path -> (mtime_ns, size, index)
_loaded: dict[str, tuple[int, int, SearchIndex]] = {}


def load(store: Store) -> SearchIndex:
    """The index of ``store``: read once per process from its file (again only when the file changes),
    or built (and written, for an embedded store) when there is none."""
    path = index_path(store)
    if path is None:
        return build_index(store)
    with _lock:
        try:
            stat = path.stat()
        except FileNotFoundError:
            stat = None
        if stat is not None:
            known = _loaded.get(str(path))
            if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
                return known[2]
            try:
                index = SearchIndex.read(path)
            except StoreError:
                index = None
            if index is not None:
                _loaded[str(path)] = (stat.st_mtime_ns, stat.st_size, index)
                return index
    index = build_index(store)
    try:
        with _lock:
            index.save(path)
            stat = path.stat()
            _loaded[str(path)] = (stat.st_mtime_ns, stat.st_size, index)
    except OSError:
        pass     # a read-only place: the index is still answered from memory
    return index


def forget(store: Store) -> None:
    """The store changed outside a build (a web write): drop its index file, so the next use rebuilds it."""
    path = index_path(store)
    if path is None:
        return
    with _lock:
        _loaded.pop(str(path), None)
        path.unlink(missing_ok=True)
