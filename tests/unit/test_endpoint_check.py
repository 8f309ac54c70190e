"""``kb.sparql``: what the public endpoint refuses before any store sees a query.

The SERVICE cases are checked against the engine itself: each refused text is
first shown to make pyoxigraph connect to a listener on 127.0.0.1 (so the
refusal matters), and random texts built from risky fragments never make the
engine connect without the check refusing them.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import QueryError, QueryRefused, QueryTooLarge
from kb.sparql import tokens
from kb.sparql.check import (
    MAX_NESTING,
    check_public,
    keywords,
    nesting_depth,
    query_form,
    update_refusal,
    uses_service,
    with_prefixes,
)


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives and drops them."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            conn.close()

    def count(self) -> int:
        with self._lock:
            return self.connections

    def close(self) -> None:
        """Stop listening: shutting the socket down wakes the blocked ``accept`` at once."""
        with contextlib.suppress(OSError):     # a listening socket is "not connected" on some systems
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self._thread.join(5)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def engine() -> ox.Store:
    """A store whose triple patterns match, so that the engine really evaluates SERVICE."""
    store = ox.Store()
    s, p = ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p")
    for o in (ox.Literal("1"), ox.Literal(1), ox.Literal(True), ox.Literal("x"), ox.Literal("x", language="en"),
              ox.NamedNode("http://a/C"), ox.Literal(2.5), ox.Literal(1000.0),
              ox.NamedNode("https://w3id.org/makb/ontology#KeyAction")):
        store.add(ox.Quad(s, p, o))
    store.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("http://a/C")))
    store.add(ox.Quad(ox.BlankNode("b"), p, ox.Literal(1)))
    return store


def engine_connects(engine: ox.Store, listener: Listener, query: str) -> bool:
    """Run ``query`` on pyoxigraph itself and tell whether it opened a connection to the listener."""
    before = listener.count()
    try:
        result = engine.query(query, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    # The engine waits for the listener to drop its connection before it returns, and the listener
    # counts a connection before dropping it: the count is complete once the query is over.
    return listener.count() > before


#: texts that reach the network through pyoxigraph; {E} is the listener's URL
SERVICE_BYPASSES = {
    "plain": "SELECT * {{ SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "lower case": "SELECT * {{ service <{E}> {{ ?a ?b ?c }} }}",
    "silent glued": "SELECT * {{ SERVICESILENT<{E}> {{ ?a ?b ?c }} }}",
    "after a dot": "SELECT * {{ ?s ?p ?o.SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "after an integer": "SELECT * {{ ?s ?p 1SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "after true": "SELECT * {{ ?s ?p trueSERVICE <{E}> {{ ?a ?b ?c }} }}",
    "after a string": "SELECT * {{ ?s ?p 'x'SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "after a bracket": "SELECT * {{ [ <http://a/p> 1 ]SERVICE<{E}>{{ ?a ?b ?c }} }}",
    "after a filter": "SELECT * {{ ?s ?p ?o FILTER(true)SERVICE<{E}>{{ ?a ?b ?c }} }}",
    "after rdf:type a": "SELECT * {{ ?s a<http://a/C>.SERVICE<{E}>{{ ?a ?b ?c }} }}",
    "empty-prefix name": "PREFIX : <{E}> SELECT * {{ SERVICE:x {{ ?a ?b ?c }} }}",
    "glued prefixed name": "PREFIX ex: <{E}> SELECT * {{ SERVICEex:x {{ ?a ?b ?c }} }}",
    "less-than read as an IRI, then a string":
        "SELECT * {{ ?s ?p ?o FILTER(1<'a>'||true) SERVICE <{E}> {{ ?a ?b ?c }} # '\n }}",
    "less-than read as an IRI, with a comment":
        "PREFIX : <{E}> SELECT * {{ ?s ?p ?o FILTER(1<2)SERVICE:x#>\n {{ ?a ?b ?c }} }}",
    "comment between SERVICE and its IRI": "SELECT * {{ ?s ?p ?o FILTER(1<2)SERVICE#>\n<{E}> {{ ?a ?b ?c }} }}",
    "variable endpoint": "SELECT * {{ BIND(<{E}> AS ?e) SERVICE ?e {{ ?a ?b ?c }} }}",
    "local name cannot start with a dot": "PREFIX ka: <https://w3id.org/makb/ontology#KeyAction> "
                                          "SELECT * {{ ?s ?p ka:.SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "after a double's exponent": "SELECT * {{ ?s ?p 2.5e0SERVICE <{E}> {{ ?a ?b ?c }} }}",
    "after an exponent without a fraction": "SELECT * {{ ?s ?p 1E3SERVICE <{E}> {{ ?a ?b ?c }} }}",
}


@pytest.mark.parametrize("name", sorted(SERVICE_BYPASSES))
def test_every_service_spelling_that_reaches_the_network_is_refused(
        name: str, engine: ox.Store, listener: Listener) -> None:
    query = SERVICE_BYPASSES[name].format(E=listener.url)
    if name != "variable endpoint":   # oxigraph needs the variable bound before the SERVICE
        assert engine_connects(engine, listener, query), "the case no longer reaches the network"
    assert uses_service(query)
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_public(query, 65536)


@pytest.mark.parametrize("query", [
    r"SELECT * { \u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    r"SELECT * { \U00000053\U00000045RVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * { SeRvIcE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * { ?x ?y ?z } #\nSERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "SELECT * { 'a' ?b ?c . SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_escaped_and_odd_service_spellings_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused):
        check_public(query, 65536)


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service a ?type }",
    "SELECT $service WHERE { $service ?p ?o }",
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT ?x { ?x a sd:Service }",
    "SELECT ?x { ?x a <http://www.w3.org/ns/sparql-service-description#Service> }",
    "SELECT ?x { ?x ?p <http://example.org/service#x> }",
    "SELECT ?x { ?x ?p ?o FILTER(?o < 3) ?x <http://example.org/service> ?o }",
    'SELECT ?x { ?x ?p "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }" }',
    "SELECT ?x { ?x ?p '''a\nSERVICE <http://127.0.0.1:9/> {}''' }",
    "SELECT ?x { ?x ?p ?o } # SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/> SELECT ?x { ?x ex:myservice _:service . ?x ex:service ?y }",
    'SELECT ?x { ?x ?p "Service"@en }',
])
def test_service_in_names_strings_iris_and_comments_is_allowed(query: str) -> None:
    assert not uses_service(query)
    assert check_public(query, 65536) == "SELECT"


#: slots of generated texts: what comes before SERVICE, its spelling, the gap, the endpoint, the group
_BEFORE = ["", " ", ".", " . ", "?o", "?o.", "1", "true", "'x'", '"x"', "<http://a/C>", "FILTER(1<2)",
           "FILTER(1<'a>'||true)", "FILTER(?o<2)", "FILTER(1<=2)", "[<http://a/p> 1]", "{}", "OPTIONAL{}", "#c\n",
           "'x'@en", ":x", "ex:y", "_:b", ";<http://a/p>?o"]
_SPELLINGS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "SERVICESILENT", "SERVICE\nSILENT",
              "SERVICE#c\nSILENT"]
_GAPS = ["", " ", "\n", "#>\n", "#c\n", "\t"]
_TARGETS = ["<{E}>", ":x", "ex:x", ":", "ex:"]
_GROUPS = ["{?a ?b ?c}", " { ?a ?b ?c } ", "{}", "#>\n{?a ?b ?c}", "\n{?a ?b ?c}#'"]
_NOISE = ["", "", "", " ", "'", "#", "<", ">", ")", "(", "\n"]


@given(parts=st.tuples(st.sampled_from(_BEFORE), st.sampled_from(_NOISE), st.sampled_from(_SPELLINGS),
                       st.sampled_from(_GAPS), st.sampled_from(_TARGETS), st.sampled_from(_NOISE),
                       st.sampled_from(_GROUPS)))
@settings(derandomize=True, max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_text_the_check_lets_through_reaches_the_network(
        parts: tuple[str, ...], engine: ox.Store, listener: Listener) -> None:
    """About one generated text in eight makes the engine connect; the check must refuse every such text."""
    body = "".join(parts).replace("{E}", listener.url)
    query = f"PREFIX : <{listener.url}> PREFIX ex: <{listener.url}> SELECT * {{ ?s ?p ?o {body} }}"
    if engine_connects(engine, listener, query):
        assert uses_service(query), query
    if "SERVICE" in tokens.words(query):      # the grammar's own reading: the check refuses at least that
        assert uses_service(query), query


@pytest.mark.parametrize(("text", "expected"), [
    ("PREFIX ka: <http://x#> ASK { ?a a ka:.SERVICE <http://y> {} }",
     ["word PREFIX", "pname ka:", "iri <http://x#>", "word ASK", "punct {", "var ?a", "word a", "pname ka:",
      "punct .", "word SERVICE", "iri <http://y>", "punct {", "punct }", "punct }"]),
    ("?a ?b 2.5e0SERVICE", ["var ?a", "var ?b", "number 2.5e0", "word SERVICE"]),
    ("ex:a.b. ex:a-b _:x.y. 'it''s' @en-GB 1.5 .5 1e-3 -2",
     ["pname ex:a.b", "punct .", "pname ex:a-b", "bnode _:x.y", "punct .", "string 'it'", "string 's'",
      "langtag @en-GB", "number 1.5", "number .5", "number 1e-3", "number -2"]),
    ('"""a "" b""" # SERVICE\n <a:b> ( ) [ ]',
     ['string """a "" b"""', "comment # SERVICE", "iri <a:b>", "nil ( )", "anon [ ]"]),
    ("x:\\.y ?service $from FROM", ["pname x:\\.y", "var ?service", "var $from", "word FROM"]),
])
def test_the_tokenizer_follows_the_grammar_terminals(text: str, expected: list[str]) -> None:
    got = [f"{t.kind} {t.text}" for t in tokens.tokenize(text) if t.kind != "ws"]
    assert got == expected


def test_the_tokenizer_decodes_escapes_before_reading_keywords() -> None:
    assert tokens.words(r"SELECT * { \u0053ERVICE <a:b> {} }") == ["SELECT", "SERVICE"]
    assert tokens.has_keyword("SELECT * FROM <a:b> { }", "from")
    assert not tokens.has_keyword("SELECT ?from { ?s <a:FROM> 'FROM' } # FROM", "FROM")


# ------------------------------------------------------------------------------------ updates with the token


@pytest.mark.parametrize("update", [
    "LOAD <http://127.0.0.1:9/x>",
    "LOAD SILENT <http://127.0.0.1:9/x> INTO GRAPH <http://g>",
    "load<http://127.0.0.1:9/x>",
    "INSERT DATA { <a:a> <a:b> <a:c> } ;\nLOAD <http://127.0.0.1:9/x>",
    "INSERT DATA { <a:a> <a:b> 'x' };LOAD <http://127.0.0.1:9/x>",
    r"\u004cOAD <http://127.0.0.1:9/x>",
])
def test_load_in_updates_is_refused_by_name(update: str) -> None:
    assert "LOAD" in (update_refusal(update) or "")


@pytest.mark.parametrize("update", [
    "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "INSERT { ?s ?p ?o } WHERE { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "PREFIX ka: <http://x#> INSERT { ?s ?p ?o } WHERE { ?s a ka:.SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p 2.5e0SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_service_in_updates_is_refused_by_name(update: str) -> None:
    assert "SERVICE" in (update_refusal(update) or "")


@pytest.mark.parametrize("update", [
    "INSERT DATA { GRAPH <http://g> { <a:a> <a:b> 'LOAD <http://127.0.0.1:9/x>' } }",
    "DELETE WHERE { ?load <http://x/service> ?service } # LOAD <http://127.0.0.1:9/>",
    "INSERT DATA { <http://x/LOAD> <a:b> <http://x/SERVICE> }",
])
def test_updates_that_only_mention_load_or_service_may_run(update: str) -> None:
    assert update_refusal(update) is None


# ------------------------------------------------------------------------------------ other refusals


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:a> <a:b> <a:c> }",
    "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ex:p ?o }",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR ALL",
    "drop graph <http://g>",
])
def test_updates_are_refused(query: str) -> None:
    assert query_form(query) == "UPDATE"
    with pytest.raises(QueryRefused, match="read-only"):
        check_public(query, 65536)


def test_size_limit_counts_utf8_bytes() -> None:
    query = "SELECT * { ?s ?p 'é' }"    # 22 characters, 23 bytes
    assert check_public(query, 23) == "SELECT"
    with pytest.raises(QueryTooLarge, match="23 bytes; the limit is 22"):
        check_public(query, 22)
    assert QueryTooLarge.status == 413


def test_empty_and_formless_texts_are_query_errors() -> None:
    for text in ("", "   \n", "hello world", "# only a comment"):
        with pytest.raises(QueryError) as info:
            check_public(text, 65536)
        assert info.value.status == 400


def test_nesting_is_bounded() -> None:
    ok = "SELECT * WHERE " + "{" * MAX_NESTING + " ?s ?p ?o " + "}" * MAX_NESTING
    assert check_public(ok, 1 << 20) == "SELECT"
    deep = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * (MAX_NESTING + 5) + "1" + ")" * (MAX_NESTING + 5) + ") }"
    with pytest.raises(QueryError, match=f"{MAX_NESTING + 7} deep; the limit is {MAX_NESTING}"):
        check_public(deep, 1 << 20)


def test_brackets_in_strings_iris_and_comments_do_not_count_as_nesting() -> None:
    assert nesting_depth("SELECT * { ?s ?p '((((' . ?s ?p <http://x/((((> } # ((((") == 1
    assert nesting_depth("ASK { { [ ?p ( 1 2 ) ] } }") == 4


def test_forms_are_read_past_prologue_strings_and_comments() -> None:
    assert query_form("# SELECT\nPREFIX ex: <http://x/select> ASK { ?s ex:p 'CONSTRUCT' }") == "ASK"
    assert query_form("BASE <http://x/> construct where { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form("DESCRIBE <http://x/insert>") == "DESCRIBE"
    assert keywords("SELECT ?select { ?s ex:where 'WHERE' }") == ["SELECT"]


def test_with_prefixes_declares_only_what_is_used_and_missing() -> None:
    prefixes = {"org": "http://www.w3.org/ns/org#", "skos": "http://www.w3.org/2004/02/skos/core#"}
    text = with_prefixes("PREFIX skos: <http://x/> SELECT ?o { ?o a org:Organization ; skos:x <http://y/> }",
                         prefixes)
    assert text.startswith("PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX skos: <http://x/>")
    assert with_prefixes("SELECT * { ?s <http://skos.org/a> 'org:x' }", prefixes).startswith("SELECT")


def test_the_check_stays_fast_on_hostile_texts() -> None:
    """Linear work: texts at the size limit full of the scanner's special cases finish (no timing assert:
    a quadratic scan would take minutes here)."""
    hostile = [
        "SELECT * {" + " ".join(f"?s <http://ex.org/service/{i}#a> ?service ." for i in range(1200)) + "}",
        "SELECT * {" + "'" * 65000 + "}",
        "SELECT * {" + "<a:b)" * 13000 + "}",
        "SELECT * {" + "?aservice " * 6500 + "}",
    ]
    for text in hostile:
        assert not uses_service(text)
