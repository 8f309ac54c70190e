"""``python -m bench.explore --evaluations N``: search and explorer figures on the synthetic corpus.

Builds the corpus of N evaluations into a temporary store (the build writes the search index beside it),
then measures: the index build, its file size and cold read; search latency in-process (p50 / p95 / max
over three-letter prefixes, whole acronyms, inner substrings and accented spellings) and through
``/search?format=json`` in the app; the explorer page (whole graph and an ego graph) first and warm, and
one tie's details.  Prints a Markdown table to paste into ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import functools
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpus.generate import corpus_for
from bench.run.measure import percentile


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _get(client: Any, path: str, query: dict[str, str]) -> None:
    client.get(path, query_string=query).close()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _accented(text: str) -> str:
    table = {"e": "é", "a": "à", "o": "ô", "u": "ü", "i": "î"}
    return "".join(table.get(c, c) for c in text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explore", description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=400, help="search queries timed")
    parser.add_argument("--store", type=Path, help="build into this directory, or reuse the store already there")
    args = parser.parse_args(argv)

    from kb import search, settings
    from kb.build import build, default_jobs
    from kb.registry import load_registry
    from kb.store import OxigraphStore
    from webapp import create_app

    corpus = corpus_for(args.evaluations, args.seed, None)
    conf = settings.load({})
    registry = load_registry(conf["MAKB_REGISTRY"], conf["MAKB_BASE_IRI"])
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="makb-bench-explore-") as tmp:
        location = args.store or Path(tmp) / "store"
        reuse = location.exists()
        store = OxigraphStore(location)
        if not reuse:
            start = time.perf_counter()
            build(store, [corpus / "documents"], registry, jobs=default_jobs())
            rows.append(("build (with the search index)", f"{time.perf_counter() - start:.1f} s"))
        rows.append(("search index: build from the store", f"{_timed(lambda: search.refresh(store)):.2f} s"))
        path = search.index_path(store)
        assert path is not None
        index = search.SearchIndex.read(path)
        rows.append(("search index: entities / file size",
                     f"{len(index):,} entities, {path.stat().st_size / 1e6:.1f} MB"))
        rows.append(("search index: cold read of the file", f"{_timed(lambda: search.SearchIndex.read(path)):.2f} s"))

        rng = random.Random(args.seed)
        names = [n for e in index.entries for n in e.names if len(search.normalise(n)) >= 4]
        texts: list[str] = []
        for _ in range(args.queries):
            name = search.normalise(rng.choice(names))
            pick = rng.random()
            if pick < 0.4:
                texts.append(name[:3])
            elif pick < 0.6:
                texts.append(name)
            elif pick < 0.85:
                cut = rng.randrange(0, max(1, len(name) - 4))
                texts.append(name[cut:cut + 4])
            else:
                texts.append(_accented(name[:6]).upper())
        times = [_timed(functools.partial(index.search, t, 10)) for t in texts]
        rows.append((f"search in-process ({len(texts)} queries) p50 / p95 / max",
                     f"{_ms(percentile(times, 50))} / {_ms(percentile(times, 95))} / {_ms(max(times))}"))
        store.close()
        # the index at ten times the entities (each entity of this corpus ten times, with its own IRI): the
        # names that grow with the corpus (evaluations, people, projects, places) grow about that much
        big = search.SearchIndex(search.Entry(f"{e.iri}#{i}", e.kind, e.label, e.names, e.country, e.score)
                                 for e in index.entries for i in range(10))
        times = [_timed(functools.partial(big.search, t, 10)) for t in texts]
        rows.append((f"search in-process, index x10 ({len(big):,} entities) p50 / p95 / max",
                     f"{_ms(percentile(times, 50))} / {_ms(percentile(times, 95))} / {_ms(max(times))}"))

        app = create_app({"MAKB_STORE": str(location), "TESTING": True})
        try:
            client = app.test_client()
            client.get("/search?q=und&format=json").close()
            web = [_timed(functools.partial(_get, client, "/search", {"q": t, "format": "json"})) for t in texts[:100]]
            rows.append(("/search?format=json (in the app, 100 queries) p50 / p95",
                         f"{_ms(percentile(web, 50))} / {_ms(percentile(web, 95))}"))
            first = _timed(lambda: client.get("/graph").close())
            warm = [_timed(lambda: client.get("/graph").close()) for _ in range(5)]
            rows.append(("explorer /graph first / warm p50", f"{_ms(first)} / {_ms(percentile(warm, 50))}"))
            org = "UNDP"
            first = _timed(lambda: client.get("/graph", query_string={"org": org, "depth": "2"}).close())
            warm = [_timed(lambda: client.get("/graph", query_string={"org": org, "depth": "2"}).close())
                    for _ in range(5)]
            rows.append((f"explorer ego graph of {org} (depth 2) first / warm p50",
                         f"{_ms(first)} / {_ms(percentile(warm, 50))}"))
            import json
            import re
            with client.get("/graph") as resp:
                page = resp.get_data(as_text=True)
                if resp.status_code != 200:
                    raise SystemExit(f"/graph answered {resp.status_code}: {page[:500]}")
            data = json.loads(re.search(r'id="graph-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
            edge = next(e for e in data["edges"] if e.get("kind"))
            tie = [_timed(lambda: client.get("/graph/tie", query_string={"a": edge["from"], "b": edge["to"]}).close())
                   for _ in range(5)]
            rows.append(("explorer tie details p50", _ms(percentile(tie, 50))))
        finally:
            app.extensions["makb"].close()

    print(f"| Figure ({args.evaluations:,} evaluations) | Value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
