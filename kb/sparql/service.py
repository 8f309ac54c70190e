"""Answers of the public endpoint: one query in the negotiated format, the service description, health, the executor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from kb.errors import Busy, KBError, QueryError, QueryTimeout, StoreError, TooManyRequests
from kb.sparql.check import check_public
from kb.sparql.executors import (
    _RDF_TYPE,
    _RDFS,
    DEFAULT_RESULT_BYTES,
    SD,
    Answer,
    InThreadExecutor,
    QueryExecutor,
    RemoteExecutor,
    Reply,
)
from kb.sparql.negotiation import FORMATS, Format, choose, serialise_answer, serialise_graph
from kb.sparql.pool import WorkerPool
from kb.sparql.sandbox import memory_mb
from kb.sparql.worker import NO_DATASET, Dataset
from kb.store import OxigraphStore, RemoteStore, Store
from kb.store.results import SelectResult


def answer(executor: QueryExecutor, query: str, accept: str | None, format_params: Iterable[str] = (), *,
           dataset: Dataset = NO_DATASET, client: str = "", deadline: float | None = None) -> Reply:
    """Check ``query``, choose its format (before running it), run it and serialise the result.

    ``deadline`` (``time.monotonic()``) is when the request must be answered by; ``client`` names who
    asks (for the per-client limit); ``dataset`` is what the protocol parameters named.
    """
    form = check_public(query, executor.max_bytes)
    fmt = choose(form, accept, format_params)
    ans = Answer(form, executor.run_checked(query, dataset=dataset, client=client, deadline=deadline))
    return Reply(serialise_answer(ans.result, fmt), fmt, ans.truncated, form)


def service_description(endpoint: str, executor: QueryExecutor) -> list[ox.Triple]:
    """The endpoint described in the SPARQL 1.1 Service Description vocabulary."""
    from kb.sparql.negotiation import RDF_FORMATS as GRAPH_FORMATS
    from kb.sparql.negotiation import RESULT_FORMATS

    me = ox.NamedNode(endpoint)

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    triples = [
        ox.Triple(me, _RDF_TYPE, sd("Service")),
        ox.Triple(me, sd("endpoint"), me),
        ox.Triple(me, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(me, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(me, ox.NamedNode(_RDFS + "label"), ox.Literal("Mine Action KB SPARQL endpoint")),
        ox.Triple(me, ox.NamedNode(_RDFS + "comment"), ox.Literal(
            f"Read-only SPARQL 1.1 Query. The default graph is the union of all named graphs unless the "
            f"query names a dataset (FROM, FROM NAMED) or the request does (default-graph-uri, "
            f"named-graph-uri). Each request is answered within {executor.timeout:g} s and returns at most "
            f"{executor.max_rows:,} rows or triples and about {executor.max_result_bytes:,} bytes "
            f"(a cut answer carries the header X-MAKB-Truncated: true); query texts up to "
            f"{executor.max_bytes:,} bytes. SPARQL Update and SERVICE are refused. The KB's usual "
            f"prefixes (makb, org, prov, skos, dcterms, ...) may be used without declaring them.")),
    ]
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        triples.append(ox.Triple(me, sd("resultFormat"), ox.NamedNode(fmt.iri)))
    return triples


def describe_service(endpoint: str, executor: QueryExecutor, fmt: Format) -> bytes:
    """The service description of ``endpoint`` serialised in ``fmt``."""
    prefixes = {"sd": SD, "formats": FORMATS, "rdfs": _RDFS}
    return serialise_graph(service_description(endpoint, executor), fmt, prefixes)


def health(executor: QueryExecutor, store: Store, problems: Iterable[str] = ()) -> dict[str, Any]:
    """Whether the public query path answers, with the store's kind and its triple count.

    ``status`` is "ok", "degraded" (answers, but a worker is down or ``problems`` names
    something, such as the last write failing for lack of space) or "failing".
    """
    from kb import queries

    reasons = [*executor.problems(), *problems]
    out: dict[str, Any] = {"status": "degraded" if reasons else "ok", "store": store.kind, **executor.info(),
                           "web_peak_rss_mb": memory_mb().get("peak")}
    if reasons:
        out["problems"] = reasons
    try:
        result = executor.execute(queries.internal("endpoint/health").text, client="healthz").result
        if not isinstance(result, SelectResult):
            raise QueryError("internal query endpoint-health is not a SELECT")
        out["triples"] = int(result.rows[0][0].value) if result.rows and result.rows[0][0] else 0
    except (Busy, QueryTimeout, TooManyRequests) as exc:     # saturated, not broken
        out.update(status="degraded", triples=None, problems=[*reasons, exc.message])
    except KBError as exc:
        out.update(status="failing", triples=None, error=exc.message)
    return out


def make_executor(store: Store, settings: Mapping[str, Any]) -> QueryExecutor:
    """The executor for ``store``: worker processes on disk, forwarding for a remote, in-thread in memory."""
    limits = {"timeout": float(settings["MAKB_QUERY_TIMEOUT"]), "max_rows": int(settings["MAKB_MAX_ROWS"]),
              "max_bytes": int(settings["MAKB_MAX_QUERY_BYTES"]),
              "max_result_bytes": int(settings.get("MAKB_MAX_RESULT_BYTES", DEFAULT_RESULT_BYTES))}
    if isinstance(store, RemoteStore):
        return RemoteExecutor(store.query_url, **limits)
    if isinstance(store, OxigraphStore) and store.kind == "embedded":
        return WorkerPool(store.location, workers=int(settings["MAKB_QUERY_WORKERS"]), primary=store,
                          memory_mb=int(settings.get("MAKB_WORKER_MEMORY", 0)),
                          queue=int(settings.get("MAKB_QUERY_QUEUE", 4)),
                          client_limit=int(settings.get("MAKB_CLIENT_QUERIES", 4)), **limits)
    if isinstance(store, OxigraphStore):
        return InThreadExecutor(store, **limits)
    raise StoreError(f"no query executor for a {type(store).__name__}")
