"""Syntax errors placed in the user's text with a one-line message, from the engine's own errors."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kb.namespaces import PREFIXES
from kb.sparql.check import with_prefixes
from kb.sparql.syntax import added_lines, locate


def engine_error(query: str) -> str:
    """The message the endpoint's engine gives for ``query`` run as the endpoint runs it."""
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(with_prefixes(query, PREFIXES))
    return f"SPARQL syntax error: {caught.value}"


def test_an_unknown_prefix_is_one_line_at_the_start_of_its_name() -> None:
    query = "SELECT ?x WHERE {\n  ?x ?p ?o .\n  ?x foo:bar ?y\n}"
    message = engine_error(query)
    assert len(message) > 300                     # the engine lists its grammar
    problem = locate(message, query)
    assert problem is not None
    assert (problem.line, problem.column) == (3, 6)
    assert problem.message == "unknown prefix 'foo:' (declare it with PREFIX foo: <...>)"
    assert problem.describe() == ("SPARQL syntax error at line 3, column 6: unknown prefix 'foo:' "
                                  "(declare it with PREFIX foo: <...>)")


def test_lines_the_endpoint_adds_for_the_kb_prefixes_are_counted_back() -> None:
    query = "SELECT ?x WHERE {\n  ?x skos:prefLabel ?l ; org:x ?o .\n  ?x nope:bar ?y\n}"
    assert added_lines(query) == 2
    problem = locate(engine_error(query), query)
    assert problem is not None and (problem.line, problem.column) == (3, 6)
    assert "'nope:'" in problem.message


def test_columns_count_characters_not_bytes() -> None:
    query = 'SELECT ?x WHERE {\n ?x ?p "é😀" . ?x foo:b ?y }'
    problem = locate(engine_error(query), query)
    assert problem is not None and (problem.line, problem.column) == (2, 18)
    assert query.split("\n")[1][problem.column - 1:].startswith("foo:b")


def test_other_errors_name_what_was_found_and_a_few_expected_tokens() -> None:
    query = "SELECT ?x { ?x ?p ?o } LIMIT x"
    problem = locate(engine_error(query), query)
    assert problem is not None and problem.line == 1
    assert problem.message.startswith("unexpected 'x'; expected ")
    assert "[" not in problem.message and len(problem.message) < 120
    problem = locate(engine_error("SELECT * WHERE { ?s ?p ?o "), "SELECT * WHERE { ?s ?p ?o ")
    assert problem is not None and problem.message.startswith("unexpected end of query")


def test_a_bad_iri_points_at_its_start() -> None:
    query = "SELECT ?x WHERE { ?x <http://a b> ?y }"
    problem = locate(engine_error(query), query)
    assert problem is not None and query[problem.column - 1:].startswith("<http://a b>")
    assert problem.message.startswith("invalid IRI")


def test_messages_without_a_position_are_left_alone() -> None:
    assert locate("query failed: division by zero", "SELECT (1/0 AS ?x) {}") is None
