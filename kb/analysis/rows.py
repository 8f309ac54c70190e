"""The internal SPARQL queries of the analyses (``kb/queries/internal/analysis/*.rq``) and their rows.

Rows come back as plain dicts of strings (term values; language tags and
datatypes dropped, unbound variables absent), sorted, so that the embedded
store and a remote endpoint give the analyses exactly the same input.
"""

from __future__ import annotations

from functools import cache

from kb import queries
from kb.store import Store


@cache
def query_text(name: str) -> str:
    """The text of ``internal/analysis/<name>.rq``."""
    return queries.internal(f"analysis/{name}").text


def rows(store: Store, name: str) -> list[dict[str, str]]:
    """Run ``analysis/<name>.rq``; each row as {variable: value}, in a fixed order."""
    result = store.select(query_text(name))
    names = result.vars
    out = [{v: t.value for v, t in zip(names, row, strict=False) if t is not None} for row in result.rows]
    out.sort(key=lambda r: tuple(r.get(v, "") for v in names))
    return out


def graph_files(store: Store) -> dict[str, str]:
    """Named graph IRI -> file name of the source document it was derived from."""
    files: dict[str, str] = {}
    for r in rows(store, "graph-files"):
        files.setdefault(r["g"], r["file"])
    return files


def evidence_name(graph: str, files: dict[str, str]) -> str:
    """How a named graph is cited as evidence: its source file name, else its IRI."""
    return files.get(graph, graph)
