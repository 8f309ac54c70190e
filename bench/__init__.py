"""Benchmarks at scale and the synthetic corpus they run on (not part of the installed package).

- ``python -m bench.corpus.generate --evaluations N --seed S --out DIR``: a deterministic corpus
  of ERC pages, management-response documents and news releases, with a manifest;
- ``python -m bench --evaluations N``: measures the KB on that corpus and updates
  ``bench/RESULTS.md`` (one section per size).
"""
