"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` and the health check at ``/healthz``.

Queries come by GET ``?query=``, by POST form or by POST
``application/sparql-query``; answers are negotiated by ``Accept`` or a
``format`` parameter (``kb.sparql.negotiation``); a GET without a query answers the
service description.  Reads carry ``Access-Control-Allow-Origin: *``.  The
query runs through the app's ``kb.sparql.executors`` executor, which holds the limits:
one deadline from the request's arrival, the per-client limit (by peer address),
the queue bound.  ``default-graph-uri`` / ``named-graph-uri`` name the dataset.
Busy (503) and too-many-requests (429) answers carry ``Retry-After``.
Answers are kept in the app's result cache (``kb.sparql.cache``, dropped on
every web write) and say ``X-Cache: hit`` or ``miss``; a hit is checked like any
query but takes no worker.
``/healthz`` answers 503 when the service is degraded (a worker down, the last
write failed for lack of space) or failing.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from kb.errors import QueryError, QueryRefused, QueryTooLarge
from kb.sparql.cache import answer_cached
from kb.sparql.executors import RETRY_AFTER
from kb.sparql.negotiation import choose
from kb.sparql.service import describe_service, health
from kb.sparql.worker import Dataset
from webapp.kbstate import kb, query_executor
from webapp.pages import editor_page, prefers_html

bp = Blueprint("sparql", __name__)

#: the parameters clients use to name a format (Virtuoso ``format``, Joseki ``output``, others ``results``)
FORMAT_PARAMS = ("format", "output", "results")
#: response header set when an answer was cut at the row cap
TRUNCATED_HEADER = "X-MAKB-Truncated"
#: response header saying whether the answer came from the result cache ("hit") or was computed ("miss")
CACHE_HEADER = "X-Cache"
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": f"{TRUNCATED_HEADER}, {CACHE_HEADER}",
    "Access-Control-Max-Age": "86400",
}
def _params(name: str) -> list[str]:
    values = request.args.getlist(name)
    if request.mimetype == "application/x-www-form-urlencoded":
        values += request.form.getlist(name)
    return values


def _query_text() -> str | None:
    """The query of this request, or None when it has none."""
    if _params("update") or request.mimetype == "application/sparql-update":
        raise QueryRefused("SPARQL Update is not accepted here: /sparql is a read-only query endpoint")
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        limit = int(kb().settings["MAKB_MAX_QUERY_BYTES"])
        if request.content_length is not None and request.content_length > limit:
            raise QueryTooLarge(f"query is {request.content_length:,} bytes; the limit is {limit:,}")
        data = request.get_data(cache=False)
        if len(data) > limit:
            raise QueryTooLarge(f"query is over the limit of {limit:,} bytes")
        try:
            return data.decode(request.mimetype_params.get("charset", "utf-8"))
        except (LookupError, UnicodeDecodeError) as exc:
            raise QueryError(f"the query body cannot be decoded: {exc}") from None
    if request.method == "POST" and request.mimetype not in ("application/x-www-form-urlencoded", ""):
        raise UnsupportedMediaType("send the query as application/sparql-query or as a form "
                                   "(application/x-www-form-urlencoded) with a 'query' field")
    queries = _params("query")
    if len(queries) > 1:
        raise QueryError("give exactly one 'query' parameter")
    return queries[0] if queries else None


def _dataset() -> Dataset:
    """The dataset named by ``default-graph-uri`` / ``named-graph-uri`` (SPARQL 1.1 Protocol 2.1.4)."""
    return Dataset.from_params(_params("default-graph-uri"), _params("named-graph-uri"))


def client_id() -> str:
    """Who asks, for the per-client limit: the peer address (a proxy in front must pass its own limits)."""
    return request.remote_addr or ""


def request_deadline() -> float:
    """When this request must be answered by: one time limit from its arrival, wait and run together."""
    if "makb_deadline" not in g:
        g.makb_deadline = time.monotonic() + float(kb().settings["MAKB_QUERY_TIMEOUT"])
    return float(g.makb_deadline)


@bp.before_app_request
def _start_clock() -> None:
    """The deadline counts from the request's arrival, before its body is read."""
    if request.path == "/sparql":
        request_deadline()


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a query, or describe the service when a GET has none."""
    query = _query_text()
    formats = [v for name in FORMAT_PARAMS for v in _params(name)]
    executor = query_executor()
    if query is None:
        if request.method == "POST":
            raise QueryError("no query given: send a 'query' form field or an application/sparql-query body")
        if not formats and prefers_html(request.headers.get("Accept")):
            return Response(editor_page())    # a browser: the query editor, as other endpoints show
        fmt = choose("DESCRIBE", request.headers.get("Accept"), formats)
        body = describe_service(request.base_url, executor, fmt)
        return Response(body, content_type=fmt.content_type)
    reply, cached = answer_cached(kb().results, executor, query, request.headers.get("Accept"), formats,
                                  dataset=_dataset(), client=client_id(), deadline=request_deadline())
    resp = Response(reply.body, content_type=reply.format.content_type)
    if reply.truncated:
        resp.headers[TRUNCATED_HEADER] = "true"
    if cached is not None:
        resp.headers[CACHE_HEADER] = cached
    return resp


@bp.after_request
def _cors(resp: Response) -> Response:
    """CORS on every /sparql answer, errors and the automatic OPTIONS preflight included."""
    if request.path == "/sparql":
        for key, value in _CORS.items():
            resp.headers.setdefault(key, value)
        resp.vary.add("Accept")
    return resp


@bp.after_app_request
def _retry_after(resp: Response) -> Response:
    """Busy (503) and too-many-requests (429) answers say when to come back."""
    if resp.status_code in (429, 503):
        resp.headers.setdefault("Retry-After", str(RETRY_AFTER))
    return resp


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Whether queries are answered: store kind, executor, limits, triple count; 503 when degraded or failing."""
    state = kb()
    report = health(query_executor(), state.store, state.problems())
    report["result_cache"] = state.results.info()
    return jsonify(report), 200 if report["status"] == "ok" else 503
