"""The rendered-page cache: bounded in bytes, least recently used out first, nothing kept across a write."""

from __future__ import annotations

from webapp.kbstate import PageCache


def test_pages_are_kept_until_the_bytes_run_out_least_recently_used_first() -> None:
    cache = PageCache(400)
    g = cache.generation
    for name in "abc":
        cache.put(name, name.encode() * 90, g)
    assert cache.get("a") == b"a" * 90          # a is now the most recently used
    cache.put("d", b"d" * 90, g)                # 4 x 90 fits in 400
    cache.put("e", b"e" * 90, g)                # b goes: least recently used
    assert cache.get("b") is None
    assert [cache.get(k) is not None for k in "acde"] == [True, True, True, True]


def test_a_page_over_a_quarter_of_the_cache_is_not_kept() -> None:
    cache = PageCache(400)
    cache.put("big", b"x" * 101, cache.generation)
    assert cache.get("big") is None
    assert PageCache(0).get("x") is None


def test_a_write_drops_every_page_and_refuses_pages_rendered_before_it() -> None:
    cache = PageCache(1000)
    before = cache.generation
    cache.put("a", b"old", before)
    cache.invalidate()
    assert cache.get("a") is None
    cache.put("a", b"rendered before the write", before)
    assert cache.get("a") is None
    cache.put("a", b"new", cache.generation)
    assert cache.get("a") == b"new"
