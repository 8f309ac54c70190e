"""The query layer: files read once, parameters and IRI lists filled into VALUES blocks, rows as dicts."""

from __future__ import annotations

import re

import pytest

from kb import queries
from kb.errors import ConfigError, NotFound
from kb.store import OxigraphStore

UNDP = "https://w3id.org/makb/id/org/undp"
UNIT = "https://w3id.org/makb/id/org/undp/co-tajikistan"
OTHER = "https://w3id.org/makb/id/org/unitar"


def test_query_files_are_read_once() -> None:
    assert queries.internal("web/labels") is queries.internal("web/labels")
    assert queries.get("overdue-actions") is queries.all_queries()["overdue-actions"]
    listed = queries.all_queries()
    listed.clear()                               # a caller's copy: the next caller still sees every query
    assert "overdue-actions" in queries.all_queries()


def test_named_finds_canned_and_internal_queries() -> None:
    assert queries.named("overdue-actions").name == "overdue-actions"
    assert queries.named("web/labels").name == "labels"
    with pytest.raises(NotFound, match="no canned query 'nope'; known: "):
        queries.named("nope")
    with pytest.raises(NotFound, match="no internal query 'web/nope'"):
        queries.named("web/nope")


def test_a_parameter_fills_its_values_block_and_nothing_else() -> None:
    q = queries.get("overdue-actions")
    assert "asOf" in [p.name for p in q.params]
    text = q.render({"asOf": "2020-06-30"})
    assert re.search(r'VALUES \?_asOf \{ "2020-06-30"\^\^<http://www.w3.org/2001/XMLSchema#date> \}', text)
    assert q.render() == q.text
    with pytest.raises(ConfigError, match="must be a date YYYY-MM-DD"):
        q.render({"asOf": "30/06/2020"})
    with pytest.raises(ConfigError, match="has no parameter when; it takes: asOf"):
        q.render({"when": "2020-06-30"})


def test_an_iri_list_fills_every_values_block_of_its_variable() -> None:
    q = queries.internal("web/labels")
    text = q.render(iris={"x": [UNDP, OTHER]})
    blocks = re.findall(r"VALUES \?x \{([^}]*)\}", text)
    assert len(blocks) == len(re.findall(r"VALUES \?x \{", q.text)) > 1
    assert {b.split() == [f"<{UNDP}>", f"<{OTHER}>"] for b in blocks} == {True}


@pytest.mark.parametrize("bad", ["not an iri", "no-scheme", UNDP + "> } DROP ALL { <x", f'{UNDP}"'])
def test_an_iri_list_refuses_what_is_not_an_iri(bad: str) -> None:
    with pytest.raises(ConfigError, match=r"not an (absolute )?IRI"):
        queries.internal("web/labels").render(iris={"x": [UNDP, bad]})


def test_an_iri_list_needs_a_values_block_to_fill() -> None:
    with pytest.raises(ConfigError, match=r"query labels has no 'VALUES \?graph"):
        queries.internal("web/labels").render(iris={"graph": [UNDP]})


def test_one_graph_listed_is_named_in_its_graph_patterns_too() -> None:
    one = queries.internal("web/document-facts").render(iris={"graph": [UNDP]})
    assert "GRAPH ?graph" not in one and f"GRAPH <{UNDP}>" in one
    assert re.search(rf"VALUES \?graph \{{\s*<{re.escape(UNDP)}>\s*\}}", one)   # still bound for the rest
    two = queries.internal("web/document-findings").render(iris={"graph": [UNDP, OTHER]})
    assert "GRAPH ?graph" in two and f"GRAPH <{UNDP}>" not in two


def test_a_graph_named_in_place_gives_the_same_answers(store: OxigraphStore) -> None:
    graph = "https://w3id.org/makb/id/graph/t"
    pinned = queries.internal("web/graph-sizes").render(iris={"graph": [graph]})
    assert f"GRAPH <{graph}>" in pinned
    assert store.select(pinned).rows == store.select(pinned.replace(f"GRAPH <{graph}>", "GRAPH ?graph")).rows
    assert queries.rows(store, "web/graph-sizes", iris={"graph": [graph]}) == [{"graph": graph, "n": "4"}]


@pytest.fixture
def store() -> OxigraphStore:
    s = OxigraphStore(None)
    s.update(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
INSERT DATA {{ GRAPH <https://w3id.org/makb/id/graph/t> {{
  <{UNDP}> skos:prefLabel "United Nations Development Programme"@en , "Programme des Nations Unies"@fr .
  <{UNIT}> org:subOrganizationOf <{UNDP}> .
  <{OTHER}> skos:prefLabel "UNITAR" .
}} }}""")
    return s


def test_rows_are_plain_strings_and_terms_stay_with_select(store: OxigraphStore) -> None:
    got = queries.rows(store, "web/labels", iris={"x": [UNDP]}, sort=True)
    assert got == [{"x": UNDP, "key": "1", "value": "Programme des Nations Unies"},
                   {"x": UNDP, "key": "1", "value": "United Nations Development Programme"}]
    terms = queries.select(store, "web/labels", iris={"x": [UNDP]})
    assert {row["value"].lang for row in terms} == {"en", "fr"}
    assert queries.rows(store, "web/suborganisations") == [{"unit": UNIT, "parent": UNDP}]


def test_rows_of_nothing_and_sorting_by_every_column(store: OxigraphStore) -> None:
    assert queries.rows(store, "web/labels", iris={"x": [UNIT]}) == []
    both = queries.rows(store, "web/labels", iris={"x": [UNDP, OTHER]}, sort=True)
    assert [(r["x"], r["value"]) for r in both] == sorted((r["x"], r["value"]) for r in both)
    assert [r["x"] for r in both] == [UNDP, UNDP, OTHER]


def test_select_refuses_a_query_that_is_not_a_select(store: OxigraphStore) -> None:
    with pytest.raises(ConfigError, match="is not a SELECT"):
        queries.select(store, "web/entity-rdf", {"iri": UNDP})
