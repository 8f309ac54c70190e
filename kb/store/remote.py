"""A SPARQL 1.1 server reached over HTTP: Query, Update and the Graph Store Protocol.

Queries go as GET when short and as form POSTs otherwise (Virtuoso 7.2 never
answers a POST of ``application/sparql-query``).  A server's row cap
(Virtuoso's ``X-SPARQL-MaxRows``) is detected and the answer read page by
page; an export is read graph by graph and checked against each graph's
COUNT, so an answer is complete or an error, never silently partial.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

import pyoxigraph as ox

from kb.errors import ConfigError, NotFound, QueryError, QueryTooLarge, StoreError
from kb.namespaces import DEFAULT_BASE
from kb.sparql.check import query_form
from kb.store.base import Store, _format, ntriples
from kb.store.results import AskResult, GraphResult, QueryResult, SelectResult, Term, parse_json_results

#: queries whose URL-encoded text is shorter than this are sent as GET
GET_LIMIT = 1500
#: rows asked for per page when a server caps answers but does not say at how many
DEFAULT_PAGE = 10000

#: how to make the default graph the union of the named graphs, per server (one line)
UNION_HELP = ("start Oxigraph server with --union-default-graph; on Fuseki set tdb2:unionDefaultGraph true; "
              "on Virtuoso it is the default (leave [SPARQL] DefaultGraph unset)")

#: the setting that names each URL, for configuration errors
URL_SETTINGS = {
    "query": "--endpoint / MAKB_ENDPOINT (the SPARQL query URL)",
    "update": "--update-endpoint / MAKB_UPDATE_ENDPOINT (the SPARQL Update URL; Virtuoso: the /sparql URL)",
    "gsp": ("MAKB_GSP_ENDPOINT (the Graph Store URL; Virtuoso: .../sparql-graph-crud, "
            "or 'none' to write through SPARQL Update)"),
}

_PROLOGUE = re.compile(r"\A(?:\s+|#[^\n]*\n|(?:PREFIX\s+[^\s:]*:\s*<[^>]*>)|(?:BASE\s*<[^>]*>))*", re.IGNORECASE)
_TOP_ORDER = re.compile(r"\bORDER\s+BY\b[^}]*\Z", re.IGNORECASE)
#: how servers say a request is over their size limit (Virtuoso: SR578 and "longer than 10Mb" over 10 MB,
#: SP030 "memory exhausted" when its parser meets some thousands of triples in one block)
_TOO_LARGE = re.compile(r"too large|longer than \d+ ?Mb|SP030.*memory exhausted", re.IGNORECASE)
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BNODE_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def safe_bnode(label: str) -> str:
    """A blank-node label every RDF syntax accepts (Virtuoso sends ``nodeID://b10001``); the same label
    always maps to the same one."""
    if _BNODE_LABEL.fullmatch(label):
        return label
    return "r" + hashlib.sha1(label.encode("utf-8")).hexdigest()[:24]


def _clean(t: Term | None) -> Term | None:
    """A term as the embedded store would give it: safe blank-node labels, booleans as true/false
    (Virtuoso writes 1 and 0)."""
    if t is None:
        return None
    if t.kind == "bnode":
        return Term("bnode", safe_bnode(t.value))
    if t.datatype == _BOOLEAN and t.value in ("0", "1"):
        return Term("literal", "true" if t.value == "1" else "false", _BOOLEAN)
    return t


def _clean_row(row: tuple[Term | None, ...]) -> tuple[Term | None, ...]:
    if not any(t is not None and (t.kind == "bnode" or t.datatype == _BOOLEAN) for t in row):
        return row
    return tuple(_clean(t) for t in row)


def _one_line(text: str, limit: int = 300) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _term_n3(t: Term) -> str:
    return t.n3() if t.kind != "bnode" else f"_:{safe_bnode(t.value)}"


def derive_urls(query_url: str) -> tuple[str, str, str]:
    """(query, update, Graph Store) URLs from the query URL a user gives.

    ``.../query`` (Oxigraph server, Fuseki ``/ds/query``): ``.../update`` and ``.../store``;
    ``.../sparql`` (Virtuoso): update at the same URL, Graph Store at ``.../sparql-graph-crud``;
    a bare server root (Oxigraph): ``/query``, ``/update``, ``/store`` under it.
    """
    root = query_url.rstrip("/")
    if root.endswith("/query"):
        base = root[: -len("/query")]
        return query_url, base + "/update", base + "/store"
    if root.endswith("/sparql"):
        return query_url, query_url, root + "-graph-crud"
    return root + "/query", root + "/update", root + "/store"


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint reached over HTTP, with bounded retries."""

    kind = "remote"

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None,
                 retries: int = 3, timeout: float = 60.0, base_iri: str = DEFAULT_BASE) -> None:
        if not query_url.startswith(("http://", "https://")):
            raise ConfigError(f"endpoint must be an http(s) URL, got {query_url!r}")
        self.location = query_url
        self.query_url, derived_update, derived_gsp = derive_urls(query_url)
        self.update_url = update_url or derived_update
        self.gsp_url = None if (gsp_url or "").lower() == "none" else (gsp_url or derived_gsp)
        self.retries = max(1, retries)
        self.timeout = timeout
        self.base_iri = base_iri
        #: the server's row cap, once it has said (``X-SPARQL-MaxRows``) or shown it (a short page)
        self.row_cap: int | None = None
        #: the union-default-graph check still to run before the first request (see ``require_union``)
        self._union_check: bool | None = None

    def require_union(self, probe_write: bool = True) -> None:
        """Check, before the first query or write, that the default graph is the union of the named graphs
        (``check_union_default_graph``); ``probe_write`` allows a probe triple when the store is empty."""
        self._union_check = probe_write

    def _check_once(self) -> None:
        if self._union_check is not None:
            probe_write, self._union_check = self._union_check, None
            self.check_union_default_graph(probe_write)

    # ---------------------------------------------------------------- HTTP

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str,
                 role: str = "query") -> tuple[bytes, http.client.HTTPMessage]:
        """One request with bounded retries; ``role`` ("query", "update", "gsp") names the setting to fix
        when the server says the URL is wrong (404, 405, 501) or refuses a write (401, 403)."""
        last: Exception | None = None
        where = url.split("?", 1)[0]
        for attempt in range(self.retries):
            req = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.read(), resp.headers
            except urllib.error.HTTPError as exc:
                body = _one_line(exc.read().decode("utf-8", "replace")) or str(exc.reason)
                if exc.code in (404, 405, 501):
                    raise ConfigError(f"{where} answered {exc.code} ({body}) to {method}: "
                                      f"set {URL_SETTINGS[role]}") from None
                if exc.code in (401, 403) and method != "GET":
                    raise ConfigError(f"{where} refused a write ({exc.code}: {body}): allow updates there "
                                      "(Virtuoso: GRANT SPARQL_UPDATE TO \"SPARQL\") or set "
                                      f"{URL_SETTINGS[role]}") from None
                if data is not None and role != "query" and (exc.code == 413 or _TOO_LARGE.search(body)):
                    if role == "update":
                        raise _TooLarge(body) from None   # update() splits it where it can
                    raise StoreError(f"{where} refused a request of {len(data) / 1e6:.1f} MB as too large ({body}): "
                                     "write smaller batches (MAKB_BATCH_TRIPLES)") from None
                if exc.code < 500:
                    raise QueryError(f"{where} answered {exc.code}: {body}") from None
                last = StoreError(f"{where} answered {exc.code}: {body}")
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError,
                    OSError) as exc:
                last = exc
            if attempt + 1 < self.retries:
                time.sleep(0.2 * 2 ** attempt)
        if isinstance(last, StoreError):   # the server answered, with an error of its own
            raise StoreError(f"{last.message} (after {self.retries} attempts)")
        reason = getattr(last, "reason", None) or last
        raise StoreError(f"remote endpoint {where} unreachable after {self.retries} attempts: "
                         f"{_one_line(str(reason))}")

    def _send_query(self, sparql: str, accept: str) -> tuple[bytes, http.client.HTTPMessage]:
        encoded = urllib.parse.urlencode({"query": sparql})
        headers = {"Accept": accept}
        if len(encoded) < GET_LIMIT:
            sep = "&" if "?" in self.query_url else "?"
            body, resp = self._request(f"{self.query_url}{sep}{encoded}", None, headers, "GET")
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body, resp = self._request(self.query_url, encoded.encode("ascii"), headers, "POST")
        state = resp.get("X-SQL-State")
        if state:   # Virtuoso's "anytime query": a partial answer when its time limit is hit
            raise StoreError(f"{self.location} stopped the query early and sent a partial answer "
                             f"({state}: {_one_line(resp.get('X-SQL-Message') or '')}); raise "
                             "[SPARQL] MaxQueryExecutionTime on the server")
        return body, resp

    def _select_page(self, sparql: str) -> tuple[SelectResult | AskResult, int | None]:
        body, headers = self._send_query(sparql, "application/sparql-results+json")
        try:
            result = parse_json_results(json.loads(body))
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.location} sent an unreadable answer: {_one_line(str(exc))}") from None
        if isinstance(result, SelectResult):
            if result.vars == ["__ASK_RETVAL"]:   # Virtuoso 7 answers ASK as a one-column table
                value = bool(result.rows) and result.rows[0][0] is not None and result.rows[0][0].value != "0"
                return AskResult(value), None
            result.rows = [_clean_row(r) for r in result.rows]
        cap = headers.get("X-SPARQL-MaxRows")
        return result, int(cap) if cap and cap.strip().isdigit() else None

    # ---------------------------------------------------------------- queries

    def query(self, sparql: str, limit: int | None = None) -> QueryResult:
        form = query_form(sparql)
        if form == "UPDATE":
            raise QueryError("use update() for SPARQL Update")
        self._check_once()
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self._graph_query(sparql, limit)
        result, cap = self._select_page(sparql)
        if not isinstance(result, SelectResult):
            return result
        if cap is not None:
            self.row_cap = cap
        if limit is not None and len(result.rows) > limit:
            result.rows = result.rows[:limit]
            result.truncated = True
        elif cap is not None and len(result.rows) >= cap:
            result.rows = self._all_pages(sparql, result.vars, cap, limit)
            if limit is not None and len(result.rows) > limit:
                result.rows = result.rows[:limit]
                result.truncated = True
        return result

    def _all_pages(self, sparql: str, vars_: list[str], cap: int, limit: int | None) -> list[tuple[Term | None, ...]]:
        """Every row of a SELECT the server capped, read in pages of ``cap`` rows in a fixed order."""
        prologue = _PROLOGUE.match(sparql)
        head = prologue.group(0) if prologue else ""
        body = sparql[len(head):]
        if not _TOP_ORDER.search(body):   # no order of its own: order by every column so pages do not overlap
            order = " ".join(f"?{v}" for v in vars_)
            body = f"SELECT * WHERE {{ {{ {body}\n}} }} ORDER BY {order}"
        rows: list[tuple[Term | None, ...]] = []
        while True:
            paged = f"{head}SELECT * WHERE {{ {{ {body}\n}} }} LIMIT {cap} OFFSET {len(rows)}"
            page, page_cap = self._select_page(paged)
            if not isinstance(page, SelectResult):
                raise StoreError(f"{self.location} answered a page of a SELECT with something else")
            index = [page.vars.index(v) if v in page.vars else None for v in vars_]
            rows.extend(tuple(r[i] if i is not None else None for i in index) for r in page.rows)
            if page_cap is not None and page_cap < cap and len(page.rows) >= page_cap:
                cap = self.row_cap = page_cap   # the server caps lower than the page asked for: smaller pages
                continue
            if len(page.rows) < cap or (limit is not None and len(rows) > limit):
                return rows

    def _graph_query(self, sparql: str, limit: int | None) -> GraphResult:
        body, _ = self._send_query(sparql, "application/n-triples")
        triples = self._parse_triples(body)
        if (limit is None or limit >= len(triples)) and self._capped_at(len(triples)):
            raise QueryTooLarge(f"{self.location} cuts answers at {self.row_cap:,} rows, so this CONSTRUCT answer "
                                "may be incomplete: raise the server's row limit (Virtuoso: [SPARQL] "
                                "ResultSetMaxRows) or ask with SELECT, which is read page by page")
        truncated = limit is not None and len(triples) > limit
        if truncated:
            triples = triples[:limit]
        return GraphResult(ntriples(triples).decode("utf-8"), len(triples), truncated)

    def _capped_at(self, n: int) -> bool:
        """Whether an answer of ``n`` rows or triples may have been cut by the server's row cap.

        A server that has not said its cap yet is asked once, with a SELECT of ``n + 1`` rows (only for
        answers of a thousand rows or more: no server caps lower)."""
        if self.row_cap is None and n >= 1000:
            _, cap = self._select_page(f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n + 1}")
            self.row_cap = cap
        return self.row_cap is not None and n >= self.row_cap

    def _parse_triples(self, body: bytes) -> list[ox.Triple]:
        try:
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise StoreError(f"{self.location} sent unreadable N-Triples: {_one_line(str(exc))}") from None

    # ---------------------------------------------------------------- writes

    def update(self, sparql: str, graphs: Sequence[str] | None = None) -> None:
        self._check_once()
        self._update(sparql)

    def _update(self, sparql: str) -> None:
        """Send one update; an ``INSERT DATA`` over the server's size limit (Virtuoso takes 10 MB, and some
        thousands of triples in one block) is sent in halves: by graph, each graph's block whole in one request,
        and a single graph's triples in halves."""
        data = sparql.encode("utf-8")
        try:
            self._request(self.update_url, data, {"Content-Type": "application/sparql-update; charset=utf-8"},
                          "POST", "update")
        except _TooLarge as exc:
            blocks = _graph_blocks(sparql)
            if len(blocks) == 1:   # one graph: its triples in halves (INSERT DATA only adds)
                head, _, rest = blocks[0].partition("\n")
                lines = rest.rstrip().removesuffix("}").splitlines(keepends=True)
                blocks = [f"{head}\n{''.join(part)}}}\n" for part in (lines[: len(lines) // 2],
                                                                     lines[len(lines) // 2:]) if part]
            if len(blocks) < 2:
                raise StoreError(f"{self.update_url} refused an update of {len(data) / 1e6:.1f} MB as too large "
                                 f"({_one_line(str(exc))}): write smaller batches (MAKB_BATCH_TRIPLES)") from None
            half = len(blocks) // 2
            for part in (blocks[:half], blocks[half:]):
                self._update("INSERT DATA {\n" + "".join(part) + "}")

    def _graph_url(self, graph: str) -> str:
        assert self.gsp_url is not None
        sep = "&" if "?" in self.gsp_url else "?"
        return f"{self.gsp_url}{sep}graph={urllib.parse.quote(graph, safe='')}"

    def replace_graphs(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
        self._check_once()
        for graph, triples in graphs:
            body = ntriples(triples)
            if self.gsp_url:
                self._request(self._graph_url(graph), body, {"Content-Type": "application/n-triples"}, "PUT", "gsp")
            else:
                text = body.decode("utf-8")
                self.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{text}\n}} }}")

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    # ---------------------------------------------------------------- checks

    def check_union_default_graph(self, probe_write: bool = True) -> None:
        """Stop with a ConfigError unless queries without GRAPH see the named graphs' triples.

        Asks for one triple known to be in a named graph; in an empty store a probe triple is written to a
        graph of its own and removed after (skipped when ``probe_write`` is false).
        """
        found = self.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) } } LIMIT 1")
        probe_graph = None
        if found.rows:
            s, p, o = (_term_n3(t) for t in found.rows[0] if t is not None)
        elif probe_write:
            probe_graph = f"{self.base_iri}graph/union-probe"
            s, p, o = f"<{probe_graph}#s>", f"<{probe_graph}#p>", f"<{probe_graph}#o>"
            self.update(f"INSERT DATA {{ GRAPH <{probe_graph}> {{ {s} {p} {o} }} }}")
        else:
            return
        try:
            seen = self.query(f"ASK {{ {s} {p} {o} }}")
        finally:
            if probe_graph:
                self.drop_graph(probe_graph)
        if not (isinstance(seen, AskResult) and seen.value):
            raise ConfigError(f"{self.location}: the default graph is not the union of the named graphs, so "
                              f"queries would see no data: {UNION_HELP}")

    # ---------------------------------------------------------------- export

    def graph_triples(self, graph: str, expected: int) -> list[ox.Triple]:
        """Every triple of one graph, checked against its COUNT (Graph Store GET, else pages of a SELECT)."""
        triples: list[ox.Triple] = []
        if self.gsp_url:
            try:
                body, _ = self._request(self._graph_url(graph), None, {"Accept": "application/n-triples"}, "GET",
                                        "gsp")
                triples = self._parse_triples(body)
            except (ConfigError, QueryError):
                triples = []
        if len(triples) != expected:
            rows = self._all_pages(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                                   ["s", "p", "o"], self.row_cap or DEFAULT_PAGE, None)
            try:
                triples = [ox.Triple(_node(s), _node(p), _node(o)) for s, p, o in rows]  # type: ignore[arg-type]
            except (ValueError, TypeError) as exc:
                raise StoreError(f"{self.location} sent a term that is not RDF in graph <{graph}>: "
                                 f"{_one_line(str(exc))}") from None
        if len(set(triples)) != expected:
            raise StoreError(f"{self.location} gave {len(set(triples)):,} triples of graph <{graph}> whose COUNT "
                             f"is {expected:,}: the export would be incomplete")
        return triples

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        if graph is None:
            return self.dump_graphs(fmt, self.graphs())
        return self.dump_graphs(fmt, [graph])

    def dump_graphs(self, fmt: str, graphs: Sequence[str]) -> bytes:
        """The given named graphs as ``fmt``, each read whole (checked against its COUNT)."""
        rdf_format, _, _, quads = _format(fmt)
        counts = self.graph_counts()
        for g in graphs:
            if g not in counts:
                raise NotFound(f"no graph <{g}> in the store")
        if quads:
            out = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                   for g in graphs for t in self.graph_triples(g, counts[g])]
            return ox.serialize(out, format=rdf_format) or b""
        seen: dict[ox.Triple, None] = {}
        for g in graphs:
            seen.update(dict.fromkeys(self.graph_triples(g, counts[g])))
        return ox.serialize(list(seen), format=rdf_format) or b""


class _TooLarge(Exception):
    """An update over the server's request size limit (internal: ``update`` splits it or says so)."""


_INSERT_DATA = re.compile(r"\A\s*INSERT\s+DATA\s*\{\s*(GRAPH\s*<.*)\}\s*\Z", re.IGNORECASE | re.DOTALL)
_GRAPH_START = re.compile(r"^GRAPH\s*<", re.MULTILINE)


def _graph_blocks(sparql: str) -> list[str]:
    """The ``GRAPH <g> { ... }`` blocks of an ``INSERT DATA`` of N-Triples lines, one a line, as written by
    the build (each block starts a line: no N-Triples line does); [] for any other update."""
    found = _INSERT_DATA.match(sparql)
    if not found:
        return []
    body = found.group(1)
    starts = [m.start() for m in _GRAPH_START.finditer(body)]
    if not starts or starts[0] != 0:
        return []
    return [body[a:b].rstrip() + "\n" for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]


def _node(t: Term | None) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if t is None:
        raise StoreError("a remote answer left a triple's term unbound")
    if t.kind == "uri":
        return ox.NamedNode(t.value)
    if t.kind == "bnode":
        return ox.BlankNode(safe_bnode(t.value))
    if t.lang:
        return ox.Literal(t.value, language=t.lang)
    if t.datatype:
        return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype))
    return ox.Literal(t.value)
