"""Source documents: ``/documents/<kind>/<key>``, a document's text with its facts marked.

Each fact's evidence is marked (``#span-N``) beside the list of facts and the warnings at their lines;
``.../evidence?text=`` opens the page at the span of one evidence sentence (the link entity pages give).
"""

from __future__ import annotations

import urllib.parse

from flask import Blueprint, Response, redirect, render_template, request

from kb.errors import ConfigError
from kb.views.entity import entity_path
from kb.views.source import document_path, evidence_span, source_page
from webapp.kbstate import kb

bp = Blueprint("sources", __name__)


def _base() -> str:
    return str(kb().settings["MAKB_BASE_IRI"])


def _graph(key: str) -> str:
    if not key or any(c in key for c in ' <>"{}|^`\\') or "/" not in key.strip("/"):
        raise ConfigError(f"not a document address: /documents/{key}")
    return f"{_base()}graph/{key}"


@bp.app_template_global()
def document_url(graph: str) -> str:
    """The page of a document graph (the entity page for other graphs)."""
    return document_path(graph, _base()) or entity_path(graph, _base())


@bp.app_template_global()
def evidence_url(graph: str, sentence: str) -> str:
    """The document page of ``graph`` opened at ``sentence``."""
    path = document_path(graph, _base())
    if path is None:
        return entity_path(graph, _base())
    return f"{path}/evidence?text={urllib.parse.quote(sentence, safe='')}"


@bp.get("/documents/<path:key>/evidence")
def evidence(key: str) -> Response:
    graph = _graph(key)
    page = source_page(kb().store, graph, _base())
    span = evidence_span(page, request.args.get("text", ""))
    target = f"/documents/{key}" + (f"#span-{span}" if span is not None else "")
    return redirect(target, 303)   # type: ignore[return-value]


@bp.get("/documents/<path:key>")
def document(key: str) -> str:
    graph = _graph(key)
    return render_template("document.html", d=source_page(kb().store, graph, _base()))
