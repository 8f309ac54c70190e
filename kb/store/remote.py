"""A SPARQL 1.1 server reached over HTTP: Query, Update and the Graph Store Protocol."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

import pyoxigraph as ox

from kb.errors import ConfigError, NotFound, QueryError, StoreError
from kb.sparql.check import query_form
from kb.store.base import Store, _format, from_term, ntriples
from kb.store.results import GraphResult, QueryResult, SelectResult, parse_json_results


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint reached over HTTP, with bounded retries."""

    kind = "remote"

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None,
                 retries: int = 3, timeout: float = 60.0) -> None:
        if not query_url.startswith(("http://", "https://")):
            raise ConfigError(f"endpoint must be an http(s) URL, got {query_url!r}")
        self.location = query_url
        self.query_url = query_url
        root = query_url.rstrip("/")
        if root.endswith("/query"):
            root = root[: -len("/query")]
            derived_update, derived_gsp = root + "/update", root + "/store"
        elif root.endswith("/sparql"):
            derived_update, derived_gsp = root[: -len("/sparql")] + "/update", root[: -len("/sparql")] + "/data"
        else:
            derived_update, derived_gsp = root + "/update", root + "/store"
            self.query_url = root + "/query"
        self.update_url = update_url or derived_update
        self.gsp_url = None if (gsp_url or "").lower() == "none" else (gsp_url or derived_gsp)
        self.retries = max(1, retries)
        self.timeout = timeout

    # ---------------------------------------------------------------- HTTP

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str) -> bytes:
        last: Exception | None = None
        for attempt in range(self.retries):
            req = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.read()
            except urllib.error.HTTPError as exc:
                body = exc.read().decode("utf-8", "replace")[:2000]
                if exc.code in (400, 403, 404, 406, 413, 415) or exc.code < 500:
                    raise QueryError(f"{self.location} answered {exc.code}: {body.strip()}") from exc
                last = exc
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                last = exc
            if attempt + 1 < self.retries:
                time.sleep(0.2 * 2 ** attempt)
        reason = getattr(last, "reason", None) or last
        raise StoreError(f"remote endpoint {url} unreachable after {self.retries} attempts: {reason}")

    def query(self, sparql: str, limit: int | None = None) -> QueryResult:
        form = query_form(sparql)
        if form == "UPDATE":
            raise QueryError("use update() for SPARQL Update")
        accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        body = self._request(self.query_url, sparql.encode("utf-8"),
                             {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept}, "POST")
        if form in ("CONSTRUCT", "DESCRIBE"):
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            truncated = limit is not None and len(triples) > limit
            if truncated:
                triples = triples[:limit]
            return GraphResult(ntriples(triples).decode("utf-8"), len(triples), truncated)
        try:
            result = parse_json_results(json.loads(body))
        except (ValueError, KeyError) as exc:
            raise StoreError(f"{self.location} sent an unreadable answer: {exc}") from exc
        if isinstance(result, SelectResult) and limit is not None and len(result.rows) > limit:
            result.rows = result.rows[:limit]
            result.truncated = True
        return result

    def update(self, sparql: str) -> None:
        self._request(self.update_url, sparql.encode("utf-8"),
                      {"Content-Type": "application/sparql-update; charset=utf-8"}, "POST")

    def replace_graphs(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
        for graph, triples in graphs:
            body = ntriples(triples)
            if self.gsp_url:
                url = f"{self.gsp_url}?graph={urllib.parse.quote(graph, safe='')}"
                self._request(url, body, {"Content-Type": "application/n-triples"}, "PUT")
            else:
                text = body.decode("utf-8")
                self.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{text}\n}} }}")

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        rdf_format, _, _, quads = _format(fmt)
        if graph is not None and not self.has_graph(graph):
            raise NotFound(f"no graph <{graph}> in the store")
        if graph is not None or not quads:
            where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
            res = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}")
            assert isinstance(res, GraphResult)
            triples = ox.parse(res.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
            return ox.serialize(triples, format=rdf_format) or b""
        rows = self.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        quads_ = [ox.Quad(from_term(s), from_term(p), from_term(o), from_term(g))  # type: ignore[arg-type]
                  for g, s, p, o in rows.rows]
        return ox.serialize(quads_, format=rdf_format) or b""
