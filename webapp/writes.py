"""Writes through the web: document upload, SPARQL Update, Graph Store Protocol.

Every write path exists only when ``MAKB_WRITE_TOKEN`` is set; the bearer
token is compared in constant time.  Without the setting every write is
refused (403).  Uploads are size-limited, parsed and mapped completely before
the public queries are paused and anything is stored.  While a write runs, the
public query workers are paused so that no reader sees half of it.

SPARQL Update never reaches the network: ``LOAD`` and ``SERVICE`` are refused
by name before it runs, and it runs on a thread that cannot open an IP socket
(``kb.sparql.sandbox``).  A write that fails for lack of disk space is
remembered (``/healthz`` says degraded); the next write reopens the store, so
writes work again as soon as space is freed.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Iterator

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, request

from kb.document_graphs import delete_document
from kb.errors import (
    ConfigError,
    Forbidden,
    KBError,
    ParseError,
    QueryError,
    QueryRefused,
    QueryTooLarge,
    Unauthorized,
)
from kb.sparql.check import update_refusal
from kb.store import RDF_FORMATS, Store
from kb.upload import prepare_upload, store_upload
from webapp.kbstate import disk_full, disk_full_error, kb, query_executor, write_failed

bp = Blueprint("writes", __name__)

#: media type -> pyoxigraph format for Graph Store bodies
_BODY_FORMATS = {media: fmt for fmt, media, _, quads in RDF_FORMATS.values() if not quads}
_BODY_FORMATS["text/plain"] = ox.RdfFormat.N_TRIPLES


def authorise() -> None:
    """Refuse the request unless writes are on and it carries the token."""
    token = kb().settings.get("MAKB_WRITE_TOKEN")
    if not token:
        raise Forbidden("writes are switched off on this server (set MAKB_WRITE_TOKEN to enable them)")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("utf-8"),
                                                             str(token).encode("utf-8")):
        raise Unauthorized("a valid bearer token is required to write (Authorization: Bearer <token>)")


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Serialise web writes and pause the public query workers around one."""
    state = kb()
    executor = query_executor()   # started now if need be, so no worker opens the store mid-write
    with state.write_lock, executor.writing():
        try:
            if state.write_fault:
                state.reopen_store()      # the engine may refuse writes after a full disk until reopened
            yield
        except Exception as exc:
            write_failed(state, exc)
            if disk_full(exc):
                raise disk_full_error() from exc
            raise
        else:
            state.write_fault = None
        finally:
            state.invalidate()


def _read_body(limit: int) -> bytes:
    length = request.content_length
    if length is not None and length > limit:
        raise QueryTooLarge(f"request body is {length:,} bytes; the limit is {limit:,}")
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise QueryTooLarge(f"request body is over the limit of {limit:,} bytes")
    return data


@bp.post("/upload")
def upload() -> tuple[Response, int]:
    """Ingest one document: multipart field ``file``, or the raw body (any other type) with ``?name=``."""
    authorise()
    state = kb()
    limit = int(state.settings["MAKB_MAX_UPLOAD_BYTES"])
    if request.mimetype == "multipart/form-data":
        f = request.files.get("file")
        if f is None:
            raise ConfigError("the multipart upload needs a field named 'file'")
        name = f.filename or "upload.txt"
        data = f.stream.read(limit + 1)
        if len(data) > limit:
            raise QueryTooLarge(f"{name} is over the upload limit of {limit:,} bytes")
    else:
        name = request.args.get("name") or "upload.txt"
        data = _read_body(limit)
    prepared = prepare_upload(state.registry, name, data, max_bytes=limit)   # before queries are paused
    with writing():
        outcome = store_upload(kb().store, state.registry, prepared)
    code = 201 if outcome.status in ("added", "replaced") else 200
    return jsonify(outcome.__dict__), code


@bp.post("/update")
def update() -> Response:
    """SPARQL 1.1 Update: form field ``update`` or an ``application/sparql-update`` body."""
    authorise()
    state = kb()
    limit = int(state.settings["MAKB_MAX_QUERY_BYTES"])
    if request.mimetype == "application/sparql-update":
        text = _read_body(limit).decode("utf-8", "replace")
    else:
        text = request.form.get("update", "")
        if len(text.encode("utf-8")) > limit:
            raise QueryTooLarge(f"update is over the limit of {limit:,} bytes")
    if not text.strip():
        raise ConfigError("no update given (form field 'update' or an application/sparql-update body)")
    refusal = update_refusal(text)
    if refusal:
        raise QueryRefused(refusal)
    with writing():
        state.guarded().call(_run_update, kb().store, text)
    return jsonify({"status": "ok"})


def _run_update(store: Store, text: str) -> None:
    """Run an update; an engine failure of any kind is a QueryError naming it, never a bare 500."""
    try:
        store.update(text)
    except KBError:
        raise
    except Exception as exc:  # the engine raises RuntimeError, ValueError... for evaluation errors
        raise QueryError(f"the update failed: {exc}") from exc


def _graph_param() -> str:
    graph = request.args.get("graph")
    if not graph:
        raise ConfigError("give the target graph as ?graph=IRI (the default graph is not writable)")
    try:
        ox.NamedNode(graph)
    except ValueError:
        raise ConfigError(f"not an IRI: {graph!r}") from None
    return graph


def _parse_body(graph: str) -> list[ox.Triple]:
    fmt = _BODY_FORMATS.get(request.mimetype)
    if fmt is None:
        raise ConfigError(f"unsupported content type {request.mimetype!r}; send one of "
                          f"{', '.join(sorted(_BODY_FORMATS))}")
    data = _read_body(int(kb().settings["MAKB_MAX_UPLOAD_BYTES"]))
    try:
        return [q.triple for q in ox.parse(data, format=fmt, base_iri=graph)]
    except SyntaxError as exc:
        raise ParseError(f"the body is not valid {request.mimetype}: {exc}", source="request body") from exc


@bp.route("/store", methods=["PUT", "POST", "DELETE"])
def graph_store() -> tuple[Response, int]:
    """Graph Store Protocol: PUT replaces a graph, POST adds to it, DELETE drops it."""
    authorise()
    graph = _graph_param()
    if request.method == "DELETE":
        with writing():   # a document graph goes with what only it supported among the shared entities
            existed = delete_document(kb().store, graph, kb().registry.base)
        return jsonify({"graph": graph, "deleted": existed}), 200 if existed else 404
    triples = _parse_body(graph)        # parsed completely before anything is stored
    with writing():
        store = kb().store
        existed = store.has_graph(graph)
        if request.method == "PUT":
            store.replace_graph(graph, triples)
        else:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            store.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body.decode('utf-8')}\n}} }}")
    return jsonify({"graph": graph, "triples": len(triples)}), 200 if existed else 201
