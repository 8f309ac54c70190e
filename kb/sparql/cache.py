"""Answers of the public SPARQL endpoint kept for reuse: bounded in bytes, least recently used first, dropped on writes.

An answer is kept by the query text as it is run (the KB's prefixes declared,
whitespace and comments normalised, so the editor's text and the same text
with its PREFIX lines share an entry), the dataset the request names, the media type it is answered in and the caps it
was cut at, so a kept answer is the very bytes the query would give again.
Only complete answers are kept: an error, a timeout or a refusal is never
stored, and an answer larger than a quarter of the budget is not either (it
would push everything else out).  Every write through the app calls
``invalidate``; an answer computed across a write is not kept (the cache's
generation changed while it ran).  A remote store can change behind our back,
so there an entry also expires ``ttl`` seconds after it was stored.

``answer_cached`` is ``kb.sparql.service.answer`` with the cache in front of
the executor: the query is checked (size, updates, ``SERVICE``) and its
format chosen before the cache is consulted, so a query refused without the
cache is refused with it, and a hit takes no query worker.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kb.namespaces import PREFIXES
from kb.sparql import tokens
from kb.sparql.check import check_public, with_prefixes
from kb.sparql.executors import Answer, QueryExecutor, Reply
from kb.sparql.negotiation import choose, serialise_answer
from kb.sparql.worker import NO_DATASET, Dataset

#: bytes counted for an entry beyond its body and query text (key, record, dictionary slot)
ENTRY_OVERHEAD = 256
#: the largest share of the budget one answer may take
MAX_ENTRY_SHARE = 4
K = TypeVar("K")
V = TypeVar("V")
#: what ``answer_cached`` reports: the answer came from the cache, or was computed (and offered to it)
HIT, MISS = "hit", "miss"


def normalise(query: str) -> str:
    """``query`` with each run of whitespace and comments as one space, trimmed at both ends.

    Strings, IRIs and every other token are kept as written, and no space is
    added where there was none, so two texts with the same normal form differ
    only where the grammar ignores them.  A text the tokenizer cannot read
    completely is only trimmed.
    """
    parts: list[str] = []
    gap = False
    for token in tokens.tokenize(query):
        if token.kind in ("ws", "comment"):
            gap = True
            continue
        if token.kind == "other":
            return query.strip()
        if gap and parts:
            parts.append(" ")
        gap = False
        parts.append(token.text)
    return "".join(parts)


@dataclass(frozen=True)
class CacheKey:
    """What decides an answer's bytes besides the store's state."""

    query: str              #: the query text as run, normalised
    dataset: Dataset        #: default-graph-uri / named-graph-uri
    media_type: str         #: the Content-Type answered
    max_rows: int           #: the row cap the answer was cut at
    max_result_bytes: int   #: the byte cap the answer was cut at


@dataclass
class _Entry(Generic[V]):
    value: V
    size: int
    stored: float


class BoundedCache(Generic[K, V]):
    """Values by key, at most ``max_bytes`` of them, least recently used out first; thread-safe.

    ``max_bytes`` 0 switches the cache off (``get`` finds nothing, ``put`` keeps
    nothing).  ``ttl`` (seconds, None: no expiry) bounds an entry's age by
    ``clock``, which tests may replace.  ``size(key, value)`` is what an entry counts.
    """

    def __init__(self, max_bytes: int, size: Callable[[K, V], int], ttl: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self.ttl = ttl
        self.clock = clock
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[K, _Entry[V]] = OrderedDict()
        self._bytes = 0
        self._generation = 0
        self.counts = {"hits": 0, "misses": 0, "stored": 0, "evicted": 0, "expired": 0, "invalidated": 0}

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def generation(self) -> int:
        """Changes on every ``invalidate``: take it before computing a value, give it to ``put``."""
        with self._lock:
            return self._generation

    @property
    def size(self) -> int:
        """Bytes held now."""
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self.ttl is not None and self.clock() - entry.stored >= self.ttl:
                self._drop(key)
                self.counts["expired"] += 1
                entry = None
            if entry is None:
                self.counts["misses"] += 1
                return None
            self._entries.move_to_end(key)
            self.counts["hits"] += 1
            return entry.value

    def put(self, key: K, value: V, generation: int) -> bool:
        """Keep ``value`` for ``key`` unless the store changed since ``generation`` or it is too large.

        Older entries go, least recently used first, until the new one fits.
        Returns whether it was kept.
        """
        size = self._size(key, value)
        if not self.enabled or size > self.max_bytes // MAX_ENTRY_SHARE:
            return False
        with self._lock:
            if generation != self._generation:
                return False
            if key in self._entries:
                self._drop(key)
            while self._entries and self._bytes + size > self.max_bytes:
                self._drop(next(iter(self._entries)))
                self.counts["evicted"] += 1
            self._entries[key] = _Entry(value, size, self.clock())
            self._bytes += size
            self.counts["stored"] += 1
            return True

    def _drop(self, key: K) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.size

    def invalidate(self) -> None:
        """The store changed: drop every value, and refuse those computed before now."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._bytes = 0
            self.counts["invalidated"] += 1

    def info(self) -> dict[str, Any]:
        """Size and counters, for the health report."""
        with self._lock:
            return {"max_bytes": self.max_bytes, "bytes": self._bytes, "entries": len(self._entries),
                    "ttl": self.ttl, **self.counts}


def _answer_size(key: CacheKey, reply: Reply) -> int:
    return len(reply.body) + len(key.query.encode("utf-8")) + ENTRY_OVERHEAD


class ResultCache(BoundedCache[CacheKey, Reply]):
    """Serialised answers of ``/sparql`` by what decides their bytes (see the module's docstring)."""

    def __init__(self, max_bytes: int, ttl: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(max_bytes, _answer_size, ttl, clock)

    def put(self, key: CacheKey, reply: Reply, generation: int) -> bool:
        if not isinstance(reply.body, bytes):    # a streamed answer is never kept
            return False
        return super().put(key, reply, generation)


def answer_cached(cache: ResultCache | None, executor: QueryExecutor, query: str, accept: str | None,
                  format_params: Iterable[str] = (), *, dataset: Dataset = NO_DATASET, client: str = "",
                  deadline: float | None = None) -> tuple[Reply, str | None]:
    """Answer ``query`` as ``kb.sparql.service.answer`` does, from ``cache`` when it holds the answer.

    Returns the reply and ``HIT`` or ``MISS`` (None when there is no cache or it is off).
    The query is checked and its format chosen first, whatever the cache holds.
    """
    form = check_public(query, executor.max_bytes)
    fmt = choose(form, accept, format_params)
    key: CacheKey | None = None
    generation = 0
    if cache is not None and cache.enabled:
        key = CacheKey(normalise(with_prefixes(query, PREFIXES)), dataset, fmt.content_type,
                       executor.max_rows, executor.max_result_bytes)
        kept = cache.get(key)
        if kept is not None:
            return Reply(kept.body, fmt, kept.truncated, form), HIT
        generation = cache.generation
    ans = Answer(form, executor.run_checked(query, dataset=dataset, client=client, deadline=deadline))
    reply = Reply(serialise_answer(ans.result, fmt), fmt, ans.truncated, form)
    if cache is None or key is None:
        return reply, None
    cache.put(key, reply, generation)
    return reply, MISS
