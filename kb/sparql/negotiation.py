"""Content negotiation for the SPARQL endpoint: format tables, a pure ``Accept`` parser, serialisers.

SELECT and ASK answers come as SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT
and DESCRIBE answers as RDF (Turtle, N-Triples, JSON-LD, RDF/XML).  The client
picks with the ``Accept`` header (q-values honoured) or, from a browser, with a
``format`` parameter naming a format (``json``, ``xml``, ``csv``, ``tsv``,
``ttl``, ``nt``, ``jsonld``, ``rdfxml`` and the spellings other endpoints use)
or a media type.  A name is read against the query's form: ``xml`` is SPARQL
XML results for a SELECT and RDF/XML for a CONSTRUCT, as SPARQL clients expect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kb.errors import NotAcceptable
from kb.store import RDF_FORMATS as STORE_RDF_FORMATS
from kb.store.results import GraphResult, QueryResult, serialise

#: the W3C namespace naming formats (used by service descriptions)
FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One answer format: its name, media type and what it serialises."""

    name: str                     #: short name, also the ``format=`` value
    media_type: str               #: the media type answered with
    kind: str                     #: "results" (SELECT/ASK) or "rdf" (CONSTRUCT/DESCRIBE)
    iri: str                      #: the format's IRI (http://www.w3.org/ns/formats/...)
    also: tuple[str, ...] = ()    #: other media types a client may ask it by
    names: tuple[str, ...] = ()   #: other ``format=`` spellings
    text: bool = True             #: a text type (answered with ``charset=utf-8``)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.also)


#: SELECT/ASK answer formats, the default first
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "results", FORMATS + "SPARQL_Results_JSON",
           ("application/json", "text/javascript"), ("srj",)),
    Format("xml", "application/sparql-results+xml", "results", FORMATS + "SPARQL_Results_XML",
           ("application/xml", "text/xml"), ("srx",)),
    Format("csv", "text/csv", "results", FORMATS + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", "results", FORMATS + "SPARQL_Results_TSV"),
)

#: CONSTRUCT/DESCRIBE answer formats (and the service description's), the default first
RDF_FORMATS: tuple[Format, ...] = (
    Format("ttl", "text/turtle", "rdf", FORMATS + "Turtle",
           ("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
           ("turtle", "n3")),
    Format("nt", "application/n-triples", "rdf", FORMATS + "N-Triples", ("text/plain",), ("ntriples", "n-triples")),
    Format("jsonld", "application/ld+json", "rdf", FORMATS + "JSON-LD", ("application/x-json+ld", "application/json"),
           ("json-ld", "json")),
    Format("rdfxml", "application/rdf+xml", "rdf", FORMATS + "RDF_XML", ("application/xml", "text/xml"),
           ("rdf+xml", "rdf", "xml")),
)

#: the key of ``kb.store.RDF_FORMATS`` that serialises each RDF format
STORE_FORMAT: dict[str, str] = {"ttl": "ttl", "nt": "nt", "jsonld": "jsonld", "rdfxml": "xml"}


def formats_for(form: str) -> tuple[Format, ...]:
    """The formats a query form can be answered in ('SELECT', 'ASK', 'CONSTRUCT', 'DESCRIBE')."""
    return RDF_FORMATS if form.upper() in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS


# ------------------------------------------------------------------------------------ Accept


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    q: float
    order: int    #: position in the header

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 3 exact, 2 ``type/*``, 1 ``*/*``, 0 not."""
        t, _, s = media_type.partition("/")
        if self.type == "*":
            return 1
        if self.type != t:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == s else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped.

    Types are lower-cased, parameters other than ``q`` are ignored, a q-value
    that is not a number in [0, 1] drops its entry (as RFC 9110 allows).
    """
    ranges: list[MediaRange] = []
    for order, part in enumerate((header or "").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        kind = pieces[0].lower()
        t, slash, s = kind.partition("/")
        if not slash or not t or not s or " " in kind or (t == "*" and s != "*"):
            continue
        q = 1.0
        valid = True
        for param in pieces[1:]:
            key, eq, value = param.partition("=")
            if key.strip().lower() != "q":
                continue
            try:
                q = float(value.strip()) if eq else -1.0
            except ValueError:
                valid = False
                break
            if not 0.0 <= q <= 1.0 or q != q:
                valid = False
                break
        if valid:
            ranges.append(MediaRange(t, s, q, order))
    return ranges


def _quality(ranges: Sequence[MediaRange], media_type: str) -> tuple[float, int]:
    """(q, specificity) the most specific matching range gives ``media_type``; (0, 0) when none."""
    best: tuple[int, float] = (0, 0.0)
    for r in ranges:
        spec = r.matches(media_type)
        if spec > best[0]:
            best = (spec, r.q)
    return best[1], best[0]


def negotiate(accept: str | None, offered: Sequence[Format]) -> Format | None:
    """The offered format the ``Accept`` header prefers; the first offered when it says nothing usable.

    Highest q wins; on a tie, the more specific match, then the order of ``offered``.
    ``None`` when the header rules every offered format out (q=0 or no match).
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0] if offered else None
    candidates: list[tuple[tuple[float, int, int, int], Format]] = []
    for index, fmt in enumerate(offered):
        # a format's own media type counts a little more than its aliases on a tie
        q, spec, own = max((*_quality(ranges, m), m == fmt.media_type) for m in fmt.media_types())
        if q > 0:
            candidates.append(((q, spec, int(own), -index), fmt))
    return max(candidates, key=lambda c: c[0])[1] if candidates else None


def by_name(value: str, offered: Sequence[Format]) -> Format | None:
    """The offered format a ``format=`` value names (a name, another spelling or a media type)."""
    v = value.strip().lower()
    for fmt in offered:
        if v == fmt.name or v in fmt.names or v in fmt.media_types():
            return fmt
    return None


def choose(form: str, accept: str | None, format_params: Iterable[str] = ()) -> Format:
    """The answer format for a query of ``form``: the ``format`` parameter first, else ``Accept``.

    Raises ``NotAcceptable`` (406) naming the formats on offer when neither can be met.
    """
    offered = formats_for(form)
    params = [p for p in format_params if p and p.strip()]
    for value in params:
        fmt = by_name(value, offered)
        if fmt is not None:
            return fmt
    names = ", ".join(f.name for f in offered)
    if params:
        raise NotAcceptable(f"format {params[0]!r} cannot answer a {form.upper()} query; use one of: {names}")
    fmt = negotiate(accept, offered)
    if fmt is None:
        types = ", ".join(f.media_type for f in offered)
        raise NotAcceptable(f"none of the accepted media types can answer a {form.upper()} query; "
                            f"this endpoint offers {types} (or format={names.replace(', ', '|')})")
    return fmt


# ------------------------------------------------------------------------------------ serialising


def serialise_graph(triples: Iterable[ox.Triple], fmt: Format, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Triples in an RDF format; Turtle and RDF/XML declare the prefixes (the KB's by default) in use."""
    from kb.namespaces import PREFIXES

    triples = list(triples)
    used: dict[str, str] | None = None
    if fmt.name in ("ttl", "rdfxml"):
        text = "\n".join(str(t) for t in triples)
        used = {p: ns for p, ns in (prefixes or PREFIXES).items() if f"<{ns}" in text}
    return ox.serialize(triples, format=STORE_RDF_FORMATS[STORE_FORMAT[fmt.name]][0], prefixes=used) or b""


def serialise_answer(result: QueryResult, fmt: Format) -> bytes:
    """A query result in ``fmt``: a results format for SELECT/ASK, an RDF format for CONSTRUCT/DESCRIBE."""
    if isinstance(result, GraphResult):
        if fmt.kind != "rdf":
            raise NotAcceptable(f"a graph answer cannot be given as {fmt.name}, a results format")
        return serialise_graph(ox.parse(result.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES), fmt)
    if fmt.kind != "results":
        raise NotAcceptable(f"a results table cannot be given as {fmt.name}, an RDF format")
    return serialise(result, fmt.name).encode("utf-8")
