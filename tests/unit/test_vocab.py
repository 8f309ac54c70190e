"""The one status table: every spelling maps to its concept, the ontology agrees, unknown statuses are flagged."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
import rdflib.collection
from rdflib.namespace import SKOS

from kb.ingest import erc_patterns, parse_text
from kb.mapping import typed_date  # noqa: F401  (mapping imports the table: importing it must work)
from kb.namespaces import MAKB
from kb.registry import load_registry
from kb.text.acceptance import normalise_acceptance, split_acceptance
from kb.vocab import (
    NOT_PRINTED,
    STATUS_BY_KEY,
    STATUS_COLOURS,
    STATUS_TABLE,
    normalise_status,
    status_concept,
    status_for,
    status_of,
)

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "makb.ttl"
SEED_ERC = ROOT / "data" / "documents" / "000_ed0432e762aadb2d.txt"
TERMS = rdflib.Namespace(str(MAKB))

SPELLINGS = [(form, s.key) for s in STATUS_TABLE if s.key not in NOT_PRINTED for form in s.forms]


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


def test_the_table_names_every_concept_the_issue_asks_for() -> None:
    labels = {s.label for s in STATUS_TABLE}
    assert {"Completed", "Initiated", "Not Initiated", "No Longer Applicable", "Overdue", "Overdue-Initiated",
            "Closed", "Cancelled", "Pending", "Delayed", "In progress", "Ongoing", "Taken into account",
            "Unrecognised", "Not Reported"} <= labels
    assert status_of("In process") is STATUS_BY_KEY["InProgress"]
    terminal = {s.label for s in STATUS_TABLE if s.terminal}
    assert terminal == {"Completed", "Closed", "Cancelled", "No Longer Applicable", "Taken into account"}


@pytest.mark.parametrize(("printed", "key"), SPELLINGS)
def test_every_accepted_spelling_maps_to_its_concept(printed: str, key: str) -> None:
    for variant in (printed, printed.upper(), printed.lower(), f"  {printed}\u00a0", printed.replace(" ", "\u2009")):
        assert status_of(variant) is STATUS_BY_KEY[key], variant
        assert status_concept(variant) == str(MAKB[key])
    # the ERC parser's pattern accepts it as printed
    assert erc_patterns.STATUS_RE.fullmatch(printed), printed


def test_no_spelling_means_two_concepts() -> None:
    seen: dict[str, str] = {}
    for form, key in SPELLINGS:
        assert seen.setdefault(normalise_status(form), key) == key, form


def test_unknown_and_missing_statuses_are_explicit() -> None:
    assert status_concept(None) == str(MAKB.NotReported)
    assert status_concept("  ") == str(MAKB.NotReported)
    assert status_for("Half way there") is STATUS_BY_KEY["Unrecognised"]
    assert status_concept("Something else") == str(MAKB.Unrecognised)
    assert not STATUS_BY_KEY["Unrecognised"].terminal


def test_ontology_and_table_agree(onto: rdflib.Graph) -> None:
    in_scheme = {str(c) for c in onto.subjects(SKOS.inScheme, TERMS.StatusScheme)}
    assert in_scheme == {s.iri for s in STATUS_TABLE}
    for s in STATUS_TABLE:
        node = TERMS[s.key]
        assert str(onto.value(node, SKOS.prefLabel)) == s.label
        assert onto.value(node, TERMS.terminal).toPython() is s.terminal
        assert {str(a) for a in onto.objects(node, SKOS.altLabel)} == set(s.spellings)
        broader = onto.value(node, SKOS.broader)
        assert (str(broader) if broader else None) == (str(MAKB[s.broader]) if s.broader else None)


def test_pages_take_their_colours_from_the_table() -> None:
    from kb.views import dashboard
    assert dashboard.STATUS_COLOURS is STATUS_COLOURS
    assert list(STATUS_COLOURS) == [s.label for s in STATUS_TABLE]


def test_closed_on_the_seed_is_terminal_not_unreported() -> None:
    """Printing "Closed" where the seed prints "Completed" keeps every action terminal (never overdue)."""
    text = SEED_ERC.read_text(encoding="utf-8")
    reg = load_registry()
    before = parse_text(text, "seed.txt", reg)
    after = parse_text(text.replace("Completed", "Closed"), "seed.txt", reg)
    b = [ka.status for r in before.recommendations for ka in r.key_actions]
    a = [ka.status for r in after.recommendations for ka in r.key_actions]
    assert a == [("Closed" if s == "Completed" else s) for s in b]
    assert all(status_for(s).terminal == status_for(t).terminal for s, t in zip(a, b, strict=True))
    assert not any(f.code == "unrecognised-status" for f in after.warnings)


def test_an_unknown_printed_status_keeps_its_text_and_raises_a_finding() -> None:
    text = ("Management Response \"Evaluation of something\"\n"
            "Evaluation Recommendation 1: Do a thing.\n"
            "Management Response: Accepted \u2013 will do.\n"
            "Key Action(s)\tTime Frame\tResponsible Unit(s)\tStatus\tComments\n"
            "1.1 Do it.\tQ2 2020\tUNDP\tHalf way there\tnone yet\n")
    doc = parse_text(text, "x.txt", load_registry())
    ka = doc.recommendations[0].key_actions[0]
    assert ka.status == "Half way there"
    assert status_concept(ka.status) == str(MAKB.Unrecognised)
    assert [f.code for f in doc.warnings if f.code == "unrecognised-status"] == ["unrecognised-status"]


@pytest.mark.parametrize(("printed", "label"), [
    ("Agree", "Accepted"), ("Agreed", "Accepted"), ("agrees", "Accepted"), ("Accepted", "Accepted"),
    ("Partially agree", "Partially accepted"), ("Partially accepted", "Partially accepted"),
    ("Rejected", "Rejected"), ("Not accepted", "Rejected"), ("Noted", None), ("takes note", None),
])
def test_acceptance_wording(printed: str, label: str | None) -> None:
    assert normalise_acceptance(printed) == label
    assert split_acceptance(f"{printed} \u2013 the unit will act.")[0] == label


def test_the_shapes_accept_exactly_the_table() -> None:
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    prop = next(p for p in shapes.subjects(sh.path, TERMS.status))
    allowed = rdflib.collection.Collection(shapes, shapes.value(prop, sh["in"]))
    assert [str(x) for x in allowed] == [s.iri for s in STATUS_TABLE]


def test_every_spelling_reaches_its_concept_through_the_mapping() -> None:
    """Records carrying every printed spelling, mapped to triples: each key action's makb:status is its concept."""
    from datetime import UTC, datetime

    from kb.ingest import SourceText
    from kb.mapping import map_document
    from kb.model import EvaluationRecord, KeyActionRecord, ManagementResponseDocument, RecommendationRecord

    spellings = [*SPELLINGS, ("Half way there", "Unrecognised"), (None, "NotReported")]
    actions = [KeyActionRecord(number=str(k), text=f"action {k}", status=printed, responsible_text="UNDP")
               for k, (printed, _) in enumerate(spellings, 1)]
    doc = ManagementResponseDocument(source="s.txt", kind="erc-page", evaluation=EvaluationRecord(title="T"),
                                     recommendations=[RecommendationRecord(number="1", text="R", key_actions=actions)])
    src = SourceText(source="s.txt", text="x", sha256="0" * 64, size=1)
    graph = map_document(doc, src, load_registry(), datetime(2024, 1, 1, tzinfo=UTC))
    status_of_action = {}
    numbers = {}
    for t in graph.triples:
        if t.predicate.value == str(MAKB.status):
            status_of_action[t.subject.value] = t.object.value
        if t.predicate.value == str(MAKB.number):
            numbers[t.subject.value] = t.object.value
    found = {numbers[a]: s for a, s in status_of_action.items()}
    assert found == {str(k): str(MAKB[key]) for k, (_, key) in enumerate(spellings, 1)}


def test_overdue_actions_do_not_change_when_the_seed_prints_closed(tmp_path: Path) -> None:
    """The issue's case: "Closed" for "Completed" on the seed page used to turn 1 overdue row into 5."""
    from kb import queries
    from kb.build import build
    from kb.store import OxigraphStore

    def overdue(text: str, name: str) -> list[str]:
        doc = tmp_path / name
        doc.write_text(text, encoding="utf-8")
        store = OxigraphStore(None)
        try:
            report = build(store, [doc], load_registry())
            assert not report.failed, [o.error for o in report.failed]
            return sorted(r["number"] for r in queries.rows(store, "overdue-actions", {"asOf": "2021-01-01"}))
        finally:
            store.close()

    text = SEED_ERC.read_text(encoding="utf-8")
    assert overdue(text.replace("Completed", "Closed"), "closed.txt") == overdue(text, "seed.txt")
    assert len(overdue(text, "seed2.txt")) == 1
