"""Result serialisations follow the SPARQL 1.1 result formats."""

from __future__ import annotations

import json
from decimal import Decimal

import rdflib

from kb.store.results import AskResult, SelectResult, Term, parse_json_results, serialise, table

XSD = "http://www.w3.org/2001/XMLSchema#"
RESULT = SelectResult(["s", "n", "label"], [
    (Term("uri", "https://w3id.org/makb/ontology#Completed"), Term("literal", "4", XSD + "integer"),
     Term("literal", "Fini, \"done\"", None, "fr")),
    (Term("bnode", "b0"), None, Term("literal", "tab\there")),
])


def test_json_round_trip() -> None:
    text = serialise(RESULT, "json")
    back = parse_json_results(json.loads(text))
    assert isinstance(back, SelectResult) and back.vars == RESULT.vars and back.rows == RESULT.rows
    assert back.values()[0]["n"] == 4


def test_xml_and_csv_parse_back_with_rdflib() -> None:
    for fmt in ("xml", "csv", "json"):
        parsed = rdflib.query.Result.parse(source=__import__("io").BytesIO(serialise(RESULT, fmt).encode()),
                                           format=fmt)
        rows = list(parsed)
        assert len(rows) == 2
        assert str(rows[0][0]) == "https://w3id.org/makb/ontology#Completed"


def test_tsv_uses_n3_terms() -> None:
    lines = serialise(RESULT, "tsv").splitlines()
    assert lines[0] == "?s\t?n\t?label"
    assert lines[1] == '<https://w3id.org/makb/ontology#Completed>\t4\t"Fini, \\"done\\""@fr'
    assert lines[2] == '_:b0\t\t"tab\\there"'


def test_ask_formats() -> None:
    assert json.loads(serialise(AskResult(True), "json"))["boolean"] is True
    assert "<boolean>false</boolean>" in serialise(AskResult(False), "xml")


def test_term_python_values_and_table() -> None:
    assert Term("literal", "1.50", XSD + "decimal").py() == Decimal("1.50")
    assert Term("literal", "true", XSD + "boolean").py() is True
    assert Term("literal", "x1", XSD + "integer").py() == "x1"
    out = table(RESULT)
    assert "makb:Completed" in out and "(2 rows)" in out
