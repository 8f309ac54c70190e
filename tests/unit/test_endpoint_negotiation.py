"""``kb.sparql.negotiation``: the Accept parser, the choice of a format, the ``format`` parameter."""

from __future__ import annotations

import pytest

from kb.errors import NotAcceptable
from kb.sparql.negotiation import RDF_FORMATS, RESULT_FORMATS, STORE_FORMAT, by_name, choose, negotiate, parse_accept
from kb.store import RDF_FORMATS as STORE_RDF_FORMATS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def test_parse_accept_reads_types_q_values_and_order() -> None:
    ranges = parse_accept("Text/CSV;charset=utf-8;q=0.5, application/json , */*;q=0")
    assert [(r.type, r.subtype, r.q, r.order) for r in ranges] == [
        ("text", "csv", 0.5, 0), ("application", "json", 1.0, 1), ("*", "*", 0.0, 2)]


@pytest.mark.parametrize("header", ["", None, "garbage", "text", "*/json", "a/b c", ";q=1", "text/csv;q=2",
                                    "text/csv;q=-1", "text/csv;q=abc", "text/csv;q=nan"])
def test_malformed_accept_entries_are_skipped(header: str | None) -> None:
    assert parse_accept(header) == []


def test_malformed_entries_do_not_hide_good_ones() -> None:
    assert [r.subtype for r in parse_accept("text/csv;q=abc, text/tab-separated-values;q=0.3")] == [
        "tab-separated-values"]


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "json"),                                           # no header: the default
    ("*/*", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),                               # an alias
    ("text/csv, application/sparql-results+json;q=0.5", "csv"),
    ("application/sparql-results+json;q=0.5, text/csv", "csv"),  # q beats order
    ("text/*;q=0.9, text/tab-separated-values", "tsv"),       # the exact type beats text/*
    ("text/*", "csv"),                                        # text/* ties: the table's order decides
    ("text/csv;q=0.2, */*;q=0.9", "json"),                    # */* at 0.9 beats csv at 0.2
    ("application/json", "json"),
    (BROWSER, "xml"),                                         # browsers ask for application/xml at 0.9
    ("text/turtle;q=0.9, application/sparql-results+json", "json"),  # the web editor's header
])
def test_negotiate_results(accept: str | None, expected: str) -> None:
    fmt = negotiate(accept, RESULT_FORMATS)
    assert fmt is not None and fmt.name == expected


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "ttl"),
    ("application/sparql-results+json, text/turtle;q=0.9", "ttl"),   # the web editor on a CONSTRUCT
    ("application/n-triples", "nt"),
    ("text/plain", "nt"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/turtle,text/turtle", "ttl"),                  # SPARQLWrapper's Turtle header
    ("text/rdf+n3", "ttl"),
])
def test_negotiate_graphs(accept: str | None, expected: str) -> None:
    fmt = negotiate(accept, RDF_FORMATS)
    assert fmt is not None and fmt.name == expected


@pytest.mark.parametrize("accept", ["text/html", "image/png, text/html;q=0.9", "*/*;q=0", "application/json;q=0"])
def test_nothing_acceptable_is_none(accept: str) -> None:
    assert negotiate(accept, RESULT_FORMATS) is None


def test_q_zero_excludes_a_type_that_a_wildcard_would_allow() -> None:
    fmt = negotiate("application/sparql-results+json;q=0, */*", RESULT_FORMATS)
    assert fmt is not None and fmt.name == "xml"


@pytest.mark.parametrize(("form", "value", "expected"), [
    ("SELECT", "json", "json"), ("ASK", "xml", "xml"), ("SELECT", "csv", "csv"), ("SELECT", "TSV", "tsv"),
    ("SELECT", "text/tab-separated-values", "tsv"), ("SELECT", "srj", "json"),
    ("CONSTRUCT", "ttl", "ttl"), ("CONSTRUCT", "turtle", "ttl"), ("DESCRIBE", "nt", "nt"),
    ("CONSTRUCT", "jsonld", "jsonld"), ("CONSTRUCT", "json-ld", "jsonld"), ("CONSTRUCT", "rdfxml", "rdfxml"),
    ("CONSTRUCT", "rdf+xml", "rdfxml"),
    ("CONSTRUCT", "xml", "rdfxml"),      # 'xml' means RDF/XML for a CONSTRUCT (SPARQLWrapper sends it so)
    ("CONSTRUCT", "json", "jsonld"),
    ("CONSTRUCT", "application/rdf+xml", "rdfxml"),
])
def test_format_parameter_is_read_against_the_form(form: str, value: str, expected: str) -> None:
    assert choose(form, "text/csv", [value]).name == expected   # the parameter wins over Accept


def test_first_usable_format_parameter_wins() -> None:
    # SPARQLWrapper sends format=tsv&format=text/tab-separated-values, and format/output/results together
    assert choose("SELECT", None, ["tab", "tsv", "csv"]).name == "tsv"


def test_unusable_format_parameter_is_406_naming_the_choices() -> None:
    with pytest.raises(NotAcceptable, match="use one of: json, xml, csv, tsv") as info:
        choose("SELECT", None, ["ttl"])
    assert info.value.status == 406
    with pytest.raises(NotAcceptable, match="ttl, nt, jsonld, rdfxml"):
        choose("CONSTRUCT", None, ["csv"])


def test_unacceptable_accept_is_406_naming_the_media_types() -> None:
    with pytest.raises(NotAcceptable, match="application/sparql-results\\+json"):
        choose("ASK", "text/html", [])


def test_every_format_has_a_store_serialiser_and_distinct_names() -> None:
    assert {f.name for f in RDF_FORMATS} == set(STORE_FORMAT)
    for name, key in STORE_FORMAT.items():
        assert key in STORE_RDF_FORMATS, name
    for table in (RESULT_FORMATS, RDF_FORMATS):
        spellings = [s for f in table for s in (f.name, *f.names)]
        assert len(spellings) == len(set(spellings))
        for f in table:
            assert by_name(f.media_type, table) is f
            assert f.content_type.startswith(f.media_type)
