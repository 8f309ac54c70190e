"""One error vocabulary for the whole library.

Library code raises these and never prints or exits.  The CLI turns them into
one-line messages with an exit code; the web app turns them into one JSON/HTML
error shape with the HTTP status carried here.
"""

from __future__ import annotations


class KBError(Exception):
    """Base class of every error the library raises on purpose."""

    #: HTTP status the web layer answers with.
    status: int = 500
    #: Short machine-readable code, stable across releases.
    code: str = "error"
    #: Process exit code the CLI uses.
    exit_code: int = 1

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class ConfigError(KBError):
    """A setting or a command-line argument is wrong."""

    status = 400
    code = "config"
    exit_code = 2


class ParseError(KBError):
    """A document could not be read or parsed.

    Always names the file and, where known, the line.
    """

    status = 422
    code = "parse"

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 detail: str | None = None) -> None:
        where = source or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}", detail=detail)
        self.source = source
        self.line = line
        self.reason = message


class UnknownDocumentKind(ParseError):
    """No parser recognises the document."""

    code = "unknown-kind"


class StoreError(KBError):
    """The store cannot be opened, read or written."""

    status = 503
    code = "store"


class StoreBusy(StoreError):
    """Another process holds the embedded store."""

    code = "store-busy"


class QueryError(KBError):
    """A SPARQL query is malformed or not allowed."""

    status = 400
    code = "query"


class QueryRefused(QueryError):
    """A query that is well-formed but not allowed here (update, SERVICE...)."""

    status = 403
    code = "query-refused"


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped."""

    status = 503
    code = "query-timeout"


class QueryTooLarge(QueryError):
    """A query text or its result is over a size limit."""

    status = 413
    code = "query-too-large"


class NotAcceptable(QueryError):
    """No answer format both fits the query and is acceptable to the client."""

    status = 406
    code = "not-acceptable"


class NotFound(KBError):
    """A named thing (organisation, graph, entity) does not exist."""

    status = 404
    code = "not-found"


class Unauthorized(KBError):
    """A write was attempted without a valid token."""

    status = 401
    code = "unauthorized"


class Forbidden(KBError):
    """A write path that is switched off."""

    status = 403
    code = "forbidden"


class Busy(StoreError):
    """Every worker is taken and the queue is full, or a page is still being computed: try again shortly."""

    code = "busy"


class TooManyRequests(KBError):
    """One client has as many queries running or waiting as it may."""

    status = 429
    code = "too-many-requests"
