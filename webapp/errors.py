"""One error shape for the whole app: ``{"error", "message", "status"}`` as JSON,
or a plain HTML page, chosen by the request; never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template_string, request
from werkzeug.exceptions import HTTPException

from kb.errors import KBError

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ status }} {{ title }}</title>
<link rel="stylesheet" href="/static/app.css"></head><body><main class="error">
<h1>{{ status }} {{ title }}</h1><p>{{ message }}</p>
<p><a href="/">Back to the start page</a></p></main></body></html>"""


def wants_json() -> bool:
    if request.path.startswith(("/sparql", "/api/", "/upload", "/update", "/store", "/healthz")) \
            or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str) -> Response:
    if wants_json():
        resp = jsonify({"error": code, "message": message, "status": status})
    else:
        title = code.replace("-", " ")
        resp = Response(render_template_string(_PAGE, status=status, title=title, message=message),
                        mimetype="text/html")
    resp.status_code = status
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="makb"'
    return resp


def init_app(app: Flask) -> None:
    @app.errorhandler(KBError)
    def _kb_error(exc: KBError) -> Response:
        return error_response(exc.status, exc.code, exc.message)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "-")
        return error_response(exc.code or 500, code, exc.description or exc.name or "error")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        app.logger.exception("unhandled error on %s", request.path)
        return error_response(500, "internal", "internal error; the server log has the details")
