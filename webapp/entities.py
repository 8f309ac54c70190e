"""Entity pages: every IRI the KB mints resolves, as HTML for browsers and as RDF for RDF clients.

- ``/id/<path>``: the IRI ``{MAKB_BASE_IRI}<path>``; ``/id/<path>.ttl`` (``.jsonld``,
  ``.nt``, ``.rdf``) or an ``Accept`` header for RDF;
- ``/entity?iri=...``: any other IRI (``&format=ttl`` for RDF);
- ``/ontology``: the ontology's terms, ``/ontology.ttl`` (or ``Accept``) the ontology itself.
"""

from __future__ import annotations

import math
import urllib.parse
from datetime import date

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import NotAcceptable

from kb import queries
from kb.analysis.scorecard import Commitments
from kb.analysis.scorecard import load as load_commitments
from kb.errors import ConfigError, NotFound
from kb.namespaces import MAKB, ONTOLOGY_IRI
from kb.views import entity as kb_entity
from kb.views.entity_summary import SOURCES_PER_PAGE, summarise
from kb.views.source import graph_summary
from webapp.kbstate import kb
from webapp.search import suggestions

bp = Blueprint("entities", __name__)

_HTML = ("text/html", "application/xhtml+xml")
_BY_MEDIA = {media: suffix for suffix, (_, media) in kb_entity.ENTITY_FORMATS.items()}


def _base() -> str:
    return kb().settings["MAKB_BASE_IRI"]


@bp.app_template_global()
def entity_url(iri: str) -> str:
    """The local page of an IRI."""
    return kb_entity.entity_path(iri, _base())


@bp.app_template_global()
def short_name(iri: str) -> str:
    return kb_entity.short_name(iri, _base())


@bp.app_template_global()
def graph_name(iri: str) -> str:
    if iri == ONTOLOGY_IRI:
        return "ontology"
    return iri.rstrip("/").rsplit("/", 1)[-1]


@bp.app_template_global()
def rdf_url(iri: str, suffix: str) -> str:
    """The address of the RDF description of an IRI in the format of ``suffix``."""
    path = entity_url(iri)
    if path.startswith("/id/"):
        return f"{path}.{suffix}"
    return f"/entity?iri={urllib.parse.quote(iri, safe='')}&format={suffix}"


def _negotiate() -> str | None:
    """The RDF suffix the Accept header asks for, or None for HTML."""
    if not request.headers.get("Accept"):
        return None
    best = request.accept_mimetypes.best_match([*_HTML, *_BY_MEDIA])
    if best is None:
        raise NotAcceptable(f"this resource is available as {', '.join([*_HTML, *_BY_MEDIA])}")
    return _BY_MEDIA.get(best)


def _vary(resp: Response) -> Response:
    resp.headers["Vary"] = "Accept"
    return resp


def _answer(iri: str, suffix: str | None) -> Response:
    queries.check_iri(iri)
    if suffix is None:
        suffix = _negotiate()
    if suffix is not None:
        data, media = kb_entity.entity_rdf(kb().store, iri, suffix)
        return _vary(Response(data, mimetype=media))
    spage = request.args.get("spage", "1")
    if not spage.isdigit() or int(spage) < 1:
        raise ConfigError(f"spage must be a positive whole number, got {spage!r}")
    # the page judges past due as of today; the library only ever gets the date as a parameter
    as_of = date.today()
    state = kb()
    key = f"{as_of.isoformat()} {iri} {spage} {'spage' in request.args}"
    kept = state.pages.get(key)
    if kept is not None:
        return _vary(Response(kept, mimetype="text/html"))
    generation = state.pages.generation
    try:
        described = kb_entity.describe(state.store, iri, _base())
    except NotFound as exc:
        return _vary(_unknown(iri, exc))
    spages = max(1, math.ceil(len(described.documents) / SOURCES_PER_PAGE))
    if int(spage) > spages:
        raise ConfigError(f"spage {spage} is past the last page ({spages}) of the sources")
    start = (int(spage) - 1) * SOURCES_PER_PAGE

    def commitments() -> Commitments:
        """The KB's key actions, read once per store state (the dashboard's), for the page's key actions."""
        commitments: Commitments = state.derived.get(("commitments",), lambda: load_commitments(state.store))
        return commitments
    html = render_template("entity.html", e=described, s=summarise(state.store, described, as_of, commitments),
                           as_of=as_of,
                           sources=described.documents[start:start + SOURCES_PER_PAGE], spage=int(spage),
                           spages=spages, spage_given="spage" in request.args, spage_url=_spage_url,
                           formats=kb_entity.ENTITY_FORMATS, format_names=kb_entity.FORMAT_NAMES,
                           limit=kb_entity.MAX_STATEMENTS)
    state.pages.put(key, html.encode("utf-8"), generation)
    return _vary(Response(html, mimetype="text/html"))


def _spage_url(page: int) -> str:
    """This entity page with page ``page`` of its sources open."""
    args = request.args.to_dict()
    args["spage"] = str(page)
    return f"{request.path}?{urllib.parse.urlencode(args)}#sources"


def _unknown(iri: str, exc: NotFound) -> Response:
    """A graph's page for a named graph that describes nothing itself; else a page naming the entities the
    address may have meant (status 404)."""
    try:
        summary = graph_summary(kb().store, iri, _base())
    except NotFound:
        name = iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
        html = render_template("unknown.html", iri=iri, message=exc.message, close=suggestions(name))
        return Response(html, status=404, mimetype="text/html")
    return Response(render_template("named_graph.html", g=summary, formats=kb_entity.FORMAT_NAMES),
                    mimetype="text/html")


@bp.get("/id/<path:path>")
def by_path(path: str) -> Response:
    path, suffix = kb_entity.split_suffix(path)
    return _answer(kb_entity.iri_for_path(path, _base()), suffix)


@bp.get("/entity")
def by_iri() -> Response:
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise ConfigError("give the IRI to show: /entity?iri=...")
    suffix = request.args.get("format") or None
    if suffix is not None and suffix not in kb_entity.ENTITY_FORMATS:
        raise ConfigError(f"unknown format {suffix!r}; choose one of {', '.join(kb_entity.ENTITY_FORMATS)}")
    return _answer(iri, suffix)


@bp.get("/ontology")
def ontology() -> Response:
    suffix = _negotiate()
    if suffix is not None:
        return ontology_file(suffix)
    terms = kb_entity.ontology_terms(kb().store)
    html = render_template("ontology.html", terms=terms, ontology_iri=ONTOLOGY_IRI, namespace=str(MAKB),
                           formats=kb_entity.ENTITY_FORMATS, format_names=kb_entity.FORMAT_NAMES)
    return _vary(Response(html, mimetype="text/html"))


@bp.get("/ontology.<suffix>")
def ontology_file(suffix: str) -> Response:
    data, media = kb_entity.ontology_rdf(kb().store, suffix)
    return _vary(Response(data, mimetype=media))
