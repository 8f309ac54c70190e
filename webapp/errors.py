"""One error shape for the whole app, as JSON or as a page, never a stack trace.

``{"error", "message", "status"}`` as JSON (with ``line`` and ``column`` for a
SPARQL syntax error), or a page in the site layout with a plain title, chosen
by the request.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from kb.errors import KBError, QueryError
from kb.sparql.syntax import SyntaxProblem, locate

#: the plain words of a status in a page title (the rest come from the HTTP reason phrase)
TITLES = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 406: "No acceptable format", 413: "Too large", 422: "Cannot be read",
          500: "Server error", 503: "Unavailable"}
#: statuses whose message is short enough to join the title ("Bad request: year must be a number")
_TITLE_WITH_MESSAGE = (400, 403, 406, 413, 422)
_MAX_TITLE_MESSAGE = 140


def wants_json() -> bool:
    if request.path.startswith(("/sparql", "/api/", "/upload", "/update", "/store", "/healthz")) \
            or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def page_title(status: int, message: str) -> str:
    """The heading of an error page: plain words, with a short message after a colon where it helps."""
    words = TITLES.get(status) or HTTP_STATUS_CODES.get(status, "Error")
    message = message.strip().rstrip(".")
    if status in _TITLE_WITH_MESSAGE and message and "\n" not in message and len(message) <= _MAX_TITLE_MESSAGE:
        return f"{words}: {message}"
    return words


def error_response(status: int, code: str, message: str, problem: SyntaxProblem | None = None) -> Response:
    if problem is not None:
        message = problem.describe()
    if wants_json():
        body: dict[str, Any] = {"error": code, "message": message, "status": status}
        if problem is not None:
            body.update(line=problem.line, column=problem.column)
        resp = jsonify(body)
    else:
        title = page_title(status, message)
        page = render_template("error.html", status=status, title=title,
                               message="" if title.endswith(message.strip().rstrip(".")) else message)
        resp = Response(page, mimetype="text/html")
    resp.status_code = status
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="makb"'
    return resp


def _request_query() -> str | None:
    """The query text the request sent as a parameter or form field, if it can still be read."""
    values = request.args.getlist("query")
    if not values and request.mimetype == "application/x-www-form-urlencoded":
        values = request.form.getlist("query")
    return values[0] if len(values) == 1 else None


def syntax_problem(exc: KBError) -> SyntaxProblem | None:
    """Where a query's syntax error is, in the text the request sent; None for other errors."""
    if not isinstance(exc, QueryError) or "error at " not in exc.message:
        return None
    query = _request_query()
    # a raw application/sparql-query body was read once by the endpoint: without the text the
    # lines its prefix declarations shifted are unknown, so the engine's message stays as it is
    return locate(exc.message, query) if query is not None else None


def init_app(app: Flask) -> None:
    @app.errorhandler(KBError)
    def _kb_error(exc: KBError) -> Response:
        return error_response(exc.status, exc.code, exc.message, syntax_problem(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "-")
        return error_response(exc.code or 500, code, exc.description or exc.name or "error")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        app.logger.exception("unhandled error on %s", request.path)
        return error_response(500, "internal", "internal error; the server log has the details")
