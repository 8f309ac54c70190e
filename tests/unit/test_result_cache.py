"""The public endpoint's result cache: bounded in bytes, least recently used out first, dropped on writes."""

from __future__ import annotations

import threading

import pytest

from kb.sparql.cache import ENTRY_OVERHEAD, MAX_ENTRY_SHARE, CacheKey, ResultCache, normalise
from kb.sparql.executors import Reply
from kb.sparql.negotiation import RESULT_FORMATS
from kb.sparql.worker import NO_DATASET, Dataset

JSON = RESULT_FORMATS[0]


def key(query: str, dataset: Dataset = NO_DATASET, media: str = JSON.content_type, rows: int = 100) -> CacheKey:
    return CacheKey(query, dataset, media, rows, 1_000_000)


def reply(body: bytes, truncated: bool = False) -> Reply:
    return Reply(body, JSON, truncated, "SELECT")


def entry_size(k: CacheKey, body: bytes) -> int:
    return len(body) + len(k.query.encode("utf-8")) + ENTRY_OVERHEAD


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_kept_answer_is_found_by_its_key_only() -> None:
    cache = ResultCache(1 << 20)
    k = key("SELECT * { ?s ?p ?o }")
    assert cache.get(k) is None
    assert cache.put(k, reply(b'{"rows": 1}', truncated=True), cache.generation)
    found = cache.get(k)
    assert found is not None and found.body == b'{"rows": 1}' and found.truncated
    # every part of the key matters: another dataset, media type or row cap is another answer
    assert cache.get(key("SELECT * { ?s ?p ?o }", Dataset(("urn:g",), ()))) is None
    assert cache.get(key("SELECT * { ?s ?p ?o }", media="text/csv; charset=utf-8")) is None
    assert cache.get(key("SELECT * { ?s ?p ?o }", rows=10)) is None
    assert cache.counts["hits"] == 1 and cache.counts["misses"] == 4


def test_eviction_by_bytes_least_recently_used_first() -> None:
    body = b"x" * 1000
    one = entry_size(key("q1"), body)
    cache = ResultCache(one * 5 + 10)
    names = ["q1", "q2", "q3", "q4", "q5"]
    for name in names:
        assert cache.put(key(name), reply(body), cache.generation)
    assert len(cache) == 5 and cache.size == one * 5
    assert cache.get(key("q1")) is not None          # q1 is now the most recently used: q2 goes first
    assert cache.put(key("q6"), reply(body), cache.generation)
    assert cache.get(key("q2")) is None
    assert all(cache.get(key(n)) is not None for n in ("q1", "q3", "q4", "q5", "q6"))
    assert cache.size <= cache.max_bytes and cache.counts["evicted"] == 1
    # a larger answer pushes out as many as it needs, least recently used first (the check above used
    # q1, q3, q4, q5, q6 in that order: q1 and q3 go)
    big = b"y" * one     # with its key and overhead, about 1.2 entries
    assert cache.put(key("q7"), reply(big), cache.generation)
    assert cache.size <= cache.max_bytes and cache.counts["evicted"] == 3
    assert cache.get(key("q1")) is None and cache.get(key("q3")) is None
    assert all(cache.get(key(n)) is not None for n in ("q4", "q5", "q6", "q7"))


def test_an_answer_over_its_share_of_the_budget_is_not_kept() -> None:
    cache = ResultCache(40_000)
    limit = cache.max_bytes // MAX_ENTRY_SHARE
    assert not cache.put(key("big"), reply(b"z" * limit), cache.generation)
    assert cache.get(key("big")) is None and cache.size == 0
    assert cache.put(key("fits"), reply(b"z" * (limit - 2000)), cache.generation)


def test_a_replaced_entry_is_counted_once() -> None:
    cache = ResultCache(1 << 20)
    cache.put(key("q"), reply(b"a" * 500), cache.generation)
    cache.put(key("q"), reply(b"b" * 100), cache.generation)
    assert len(cache) == 1 and cache.size == entry_size(key("q"), b"b" * 100)
    found = cache.get(key("q"))
    assert found is not None and found.body == b"b" * 100


def test_invalidate_drops_everything_and_refuses_answers_computed_before_it() -> None:
    cache = ResultCache(1 << 20)
    cache.put(key("q"), reply(b"old"), cache.generation)
    before = cache.generation          # a query starts...
    cache.invalidate()                 # ...a write lands while it runs...
    assert cache.get(key("q")) is None and cache.size == 0
    assert not cache.put(key("q"), reply(b"computed across the write"), before)   # ...its answer is not kept
    assert cache.get(key("q")) is None
    assert cache.put(key("q"), reply(b"new"), cache.generation)
    found = cache.get(key("q"))
    assert found is not None and found.body == b"new"


def test_entries_expire_after_the_ttl() -> None:
    clock = Clock()
    cache = ResultCache(1 << 20, ttl=60.0, clock=clock)
    cache.put(key("q"), reply(b"remote answer"), cache.generation)
    clock.now += 59.9
    assert cache.get(key("q")) is not None
    clock.now += 0.2
    assert cache.get(key("q")) is None
    assert cache.size == 0 and cache.counts["expired"] == 1
    no_ttl = ResultCache(1 << 20, clock=clock)
    no_ttl.put(key("q"), reply(b"embedded answer"), no_ttl.generation)
    clock.now += 1e6
    assert no_ttl.get(key("q")) is not None


def test_zero_bytes_switches_the_cache_off() -> None:
    cache = ResultCache(0)
    assert not cache.enabled
    assert not cache.put(key("q"), reply(b"a"), cache.generation)
    assert cache.get(key("q")) is None


def test_a_body_that_is_not_complete_bytes_is_never_kept() -> None:
    cache = ResultCache(1 << 20)
    streamed = Reply(iter([b"part"]), JSON, False, "SELECT")   # type: ignore[arg-type]
    assert not cache.put(key("q"), streamed, cache.generation)
    assert cache.get(key("q")) is None


def test_threads_share_the_cache_without_losing_its_bounds() -> None:
    body = b"r" * 200
    cache = ResultCache(entry_size(key("q00"), body) * 8)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(300):
                k = key(f"q{(n * 7 + i) % 20:02d}")
                found = cache.get(k)
                if found is not None:
                    assert found.body == body
                else:
                    cache.put(k, reply(body), cache.generation)
                if i % 97 == 0:
                    cache.invalidate()
                assert cache.size <= cache.max_bytes
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert cache.size == sum(entry_size(k, body) for k in list(cache._entries))
    assert len(cache) <= 8
    assert cache.counts["hits"] + cache.counts["misses"] == 4 * 300


@pytest.mark.parametrize(("a", "b"), [
    ("SELECT * { ?s ?p ?o }", "  SELECT *\n{\t?s ?p   ?o }\n"),
    ("SELECT * { ?s ?p ?o }", "SELECT * # every triple\n{ ?s ?p ?o }"),
    ("ASK {}", "ASK {}   "),
])
def test_whitespace_and_comments_outside_terms_do_not_change_the_key(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(("a", "b"), [
    ('SELECT * { ?s ?p "a  b" }', 'SELECT * { ?s ?p "a b" }'),            # inside a string
    ("SELECT * { ?s ?p '''x\n\ny''' }", "SELECT * { ?s ?p '''x\ny''' }"),   # inside a long string
    ('SELECT * { ?s ?p "#not a comment" }', 'SELECT * { ?s ?p "#" }'),
    ("SELECT * { <urn:a#b> ?p ?o }", "SELECT * { <urn:a#c> ?p ?o }"),       # a fragment, not a comment
    ("SELECT ?a?b {}", "SELECT ?a ?b {}"),                                  # no space is added where none was
    ("select * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }"),                     # case is kept as written
])
def test_text_that_may_matter_keeps_keys_apart(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)


def test_text_the_tokenizer_cannot_read_is_only_trimmed() -> None:
    odd = 'SELECT * { ?s ?p "unterminated\n  string" }'
    assert normalise(odd) == odd.strip()
