"""The start page, the query editor, the documents page and the downloads.

The editor also names the IRIs its results show (``/api/labels``).  Every HTML
answer of the app also gets a strict Content-Security-Policy: scripts, styles,
images and connections from this server only, so a page can never reach
another host, and no inline script ever runs.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kb import queries
from kb.errors import ConfigError
from kb.namespaces import MAKB, PREFIXES
from kb.sparql.negotiation import parse_accept
from kb.store import RDF_FORMATS, dump_kb
from kb.views.documents import documents_page, download_formats, overview
from kb.views.entity import FORMAT_NAMES, labels
from webapp.kbstate import file_chunks, kb

bp = Blueprint("pages", __name__)

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'self'")


#: where the editor sends queries (the SPARQL 1.1 Protocol endpoint of ``webapp.sparql``)
SPARQL_ENDPOINT = "/sparql"
#: result rows per page in the editor
RESULTS_PAGE_SIZE = 50
#: most IRIs named by one request to /api/labels
MAX_LABELS = 1000
#: what /api/labels looks up (anything else in the list is skipped, not an error)
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+")


@bp.after_app_request
def _security_headers(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    if resp.mimetype == "text/html":
        resp.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.headers.setdefault("Referrer-Policy", "same-origin")
    return resp


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"page must be a positive whole number, got {raw!r}")
    return int(raw)


@bp.get("/")
def index() -> str:
    return render_template("index.html", figures=overview(kb().store))


@bp.get("/favicon.ico")
def favicon() -> Response:
    return current_app.send_static_file("favicon.svg")


def prefers_html(accept: str | None) -> bool:
    """Whether an ``Accept`` header names HTML at least as high as any other type it names.

    A browser asks for ``text/html`` by name; a SPARQL client asks for result or
    RDF types, or ``*/*`` alone, and keeps getting what it asked for.
    """
    html = other = 0.0
    for r in parse_accept(accept):
        if f"{r.type}/{r.subtype}" in ("text/html", "application/xhtml+xml"):
            html = max(html, r.q)
        elif r.type != "*" and r.subtype != "*":
            other = max(other, r.q)
    return html > 0 and html >= other


def editor_page(text: str | None = None, name: str | None = None, run: bool = False) -> str:
    """The query editor holding ``text`` (run on load when ``run``)."""
    canned = queries.all_queries()
    canned_json = {q.name: {"title": q.title, "text": q.text} for q in canned.values()}
    settings = kb().settings
    return render_template("editor.html", canned=canned, canned_json=canned_json, text=text or "", name=name,
                           prefixes=PREFIXES, base=settings["MAKB_BASE_IRI"], ontology_ns=str(MAKB),
                           url_for_endpoint=SPARQL_ENDPOINT, run=bool(text) and run,
                           page_size=RESULTS_PAGE_SIZE, max_rows=int(settings["MAKB_MAX_ROWS"]),
                           timeout=float(settings["MAKB_QUERY_TIMEOUT"]))


@bp.get("/query")
def editor() -> str:
    canned = queries.all_queries()
    name = request.args.get("name")
    text = request.args.get("query")
    if text is None and name:
        if name not in canned:
            raise ConfigError(f"no canned query {name!r}; known: {', '.join(canned)}")
        text = canned[name].text
    return editor_page(text, name, bool(request.args.get("run")))


@bp.post("/api/labels")
def iri_labels() -> Response:
    """Names of the IRIs a result shows: ``{"iris": [...]}`` in, ``{"labels": {iri: name}}`` out."""
    body = request.get_json(silent=True)
    iris = body.get("iris") if isinstance(body, dict) else None
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        raise ConfigError('send JSON {"iris": ["https://...", ...]}')
    if len(iris) > MAX_LABELS:
        raise ConfigError(f"at most {MAX_LABELS} IRIs per request, got {len(iris)}")
    return jsonify({"labels": labels(kb().store, [i for i in iris if _IRI.fullmatch(i)])})


@bp.get("/documents")
def documents() -> str:
    return render_template("documents.html", p=documents_page(kb().store, _page_arg(), memo=kb().derived.get),
                           formats=download_formats(), format_names=FORMAT_NAMES)


@bp.get("/downloads")
def downloads() -> str:
    return render_template("downloads.html", p=documents_page(kb().store, _page_arg(), memo=kb().derived.get),
                           formats=download_formats(), format_names=FORMAT_NAMES)


def _rdf_download(fmt: str, graph: str | None, filename: str) -> Response:
    if fmt not in RDF_FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(RDF_FORMATS)}")
    _, media, suffix, _ = RDF_FORMATS[fmt]
    store = kb().store
    data = store.dump(fmt, graph=graph) if graph else dump_kb(store, fmt)
    return Response(data, mimetype=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{suffix}"'})


@bp.get("/download/kb.<fmt>")
def download_kb(fmt: str) -> Response:
    """The whole KB (every graph; TriG and N-Quads keep the graphs apart), streamed from a file written once."""
    path = kb().downloads.path(fmt)     # type: ignore[union-attr]
    _, media, suffix, _ = RDF_FORMATS[fmt]
    return Response(file_chunks(path), mimetype=media, headers={
        "Content-Length": str(path.stat().st_size), "Content-Disposition": f'attachment; filename="makb.{suffix}"'})


@bp.get("/download/graph.<fmt>")
def download_graph(fmt: str) -> Response:
    """One named graph: ``?graph=<IRI>``."""
    graph = request.args.get("graph", "").strip()
    if not graph:
        raise ConfigError("give the graph to download: ?graph=<IRI>")
    queries.check_iri(graph)
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in graph.rstrip("/").rsplit("/", 1)[-1])
    return _rdf_download(fmt, graph, name or "graph")
