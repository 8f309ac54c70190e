"""The management-response document parser (``kb.ingest.response_doc``): the seed and hand-made variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ParseError
from kb.ingest import erc, response_doc
from kb.model import ManagementResponseDocument, RecommendationRecord
from kb.registry import Registry, load_registry
from kb.settings import DATA_DIR

SEED = DATA_DIR / "documents" / "001_47ac0c33fd8ef360.txt"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "response_doc"
BASE = "https://w3id.org/makb/id/"
CWM, PPME, MPU = BASE + "org/unitar-cwm", BASE + "org/unitar-ppme", BASE + "org/undp-montreal-protocol"


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def doc(reg: Registry) -> ManagementResponseDocument:
    return response_doc.parse(SEED.read_text(encoding="utf-8"), "001_47ac0c33fd8ef360.txt", reg)


def rec(doc: ManagementResponseDocument, number: str) -> RecommendationRecord:
    return next(r for r in doc.recommendations if r.number == number)


def codes(doc: ManagementResponseDocument) -> list[str]:
    return [f.code for f in doc.warnings]


def all_actions(doc: ManagementResponseDocument) -> list:
    return [ka for r in doc.recommendations for ka in r.key_actions]


# --------------------------------------------------------------------------- module contract


def test_module_contract() -> None:
    assert response_doc.KIND == "response-document"
    assert response_doc.PARSER_VERSION == "1.0"


def test_sniff_claims_response_documents_only() -> None:
    docs = DATA_DIR / "documents"
    assert response_doc.sniff(SEED.read_text(encoding="utf-8")) >= 0.9
    assert response_doc.sniff((docs / "000_ed0432e762aadb2d.txt").read_text(encoding="utf-8")) < 0.3
    assert response_doc.sniff((docs / "002_f7a1618a2c1dab11.txt").read_text(encoding="utf-8")) < 0.3
    assert response_doc.sniff("") == 0.0
    for path in FIXTURES.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert response_doc.sniff(text) >= 0.5, path.name
        assert erc.sniff(text) < 0.3, path.name


# --------------------------------------------------------------------------- seed


def test_seed_evaluation(doc: ManagementResponseDocument) -> None:
    ev = doc.evaluation
    assert doc.kind == "response-document"
    assert ev.title == ("Strengthen National Decision Making Towards Ratification of the Minamata Convention and "
                        "Build Capacity Towards Implementation of Future Provisions")
    assert ev.overall_comments.startswith("Some recommendations would require funding to engage on new activities")
    assert ev.overall_comments.endswith("beyond the narrow project activity.")
    assert "**" not in ev.overall_comments


def test_seed_prepared_by_interleaved_columns(doc: ManagementResponseDocument) -> None:
    people = doc.evaluation.prepared_by
    assert [p.name for p in people] == ["Jorge Ocana", "Monica Gaba Kapadia"]
    assert [p.role for p in people] == ["Manager", "Programme Analyst"]
    assert people[0].organisation is not None and people[0].organisation.iri == CWM
    assert people[1].organisation is not None and people[1].organisation.iri == MPU


def test_seed_recommendations(doc: ManagementResponseDocument) -> None:
    assert [r.number for r in doc.recommendations] == ["1", "2", "3", "4", "5"]
    assert rec(doc, "1").text.startswith("UNITAR should strengthen its knowledge management practices")
    assert rec(doc, "5").text.endswith("instruments e.g. UNDAF (now UNSDCF).")
    for r in doc.recommendations:
        assert "**" not in r.text and "<b>" not in r.text and "\t" not in r.text
        assert not r.text.startswith("Evaluation Recommendation")
        assert r.covers is None and r.addressee is None


def test_seed_acceptance(doc: ManagementResponseDocument) -> None:
    assert [rec(doc, n).response.acceptance for n in "12345"] == [
        "Partially accepted", "Partially accepted", "Partially accepted", "Accepted", "Accepted"]
    for r in doc.recommendations:
        assert r.response.added is None and r.response.updated is None


def test_seed_response_texts(doc: ManagementResponseDocument) -> None:
    assert rec(doc, "2").response.text.startswith("in principle the development of a contacts database")
    assert rec(doc, "2").response.text.endswith("has had limited success on this.")
    assert rec(doc, "3").response.text.startswith("agreed that this would contribute")
    assert rec(doc, "4").response.text.startswith("the action plans (that the countries have adopted")
    assert rec(doc, "5").response.text is None
    lines = rec(doc, "1").response.text.split("\n")
    assert lines == [
        "1. Filing reports and deliverables is common practice- this is already implemented.",
        "2. Hand-over protocols and tools are in place, with a standard template \u2013 already implemented",
        "- 1 and 2 are effective tools to capture knowledge of staff",
    ]


def test_seed_key_actions(doc: ManagementResponseDocument) -> None:
    assert [len(r.key_actions) for r in doc.recommendations] == [1, 1, 1, 1, 3]
    assert [k.number for k in rec(doc, "5").key_actions] == ["1", "2", "3"]
    kas = all_actions(doc)
    assert [k.due_text for k in kas] == ["By 30 March 2020", "Unknown", "Ongoing", "By 30 September 2020", "Done",
                                         "By 30 June 2020", "Ongoing"]
    assert [k.due for k in kas] == ["2020-03-30", None, None, "2020-09-30", None, "2020-06-30", None]
    assert [k.responsible_text for k in kas] == ["UNITAR CWM and PPME", "CWM", "UNITAR CWM & PPME", "UNITAR CWM",
                                                 "UNITAR CWM", "UNITAR CWM and UNDP MPU", "UNDP MPU and UNITAR CWM"]
    assert [k.responsible for k in kas] == [["UNITAR CWM", "PPME"], ["CWM"], ["UNITAR CWM", "PPME"], ["UNITAR CWM"],
                                            ["UNITAR CWM"], ["UNITAR CWM", "UNDP MPU"], ["UNDP MPU", "UNITAR CWM"]]
    assert [[p.organisation.iri for p in k.parties] for k in kas] == [
        [CWM, PPME], [CWM], [CWM, PPME], [CWM], [CWM], [CWM, MPU], [MPU, CWM]]
    assert all(p.kind == "unit" for k in kas for p in k.parties)
    assert all(k.status is None for k in kas)
    assert all(k.comment is None for k in kas)
    assert kas[0].text.startswith("UNITAR CWM to work with PPME to codify good practices")
    assert kas[4].text == "Current project proposals focus on technical support rather than support to management"
    assert kas[4].due_text == "Done" and kas[4].status is None


def test_seed_footnote_and_markup_yield_nothing(doc: ManagementResponseDocument) -> None:
    blob = repr(doc.to_json())
    for noise in ("implementation status is tracked", "**", "<b>", "</b>", "\\*", "Tracking"):
        assert noise not in blob, noise


def test_seed_organisations_and_findings(doc: ManagementResponseDocument) -> None:
    iris = [o.iri for o in doc.organisations]
    assert len(iris) == len(set(iris))
    assert set(iris) == {CWM, PPME, MPU}
    assert doc.warnings == []


def test_deterministic_and_crlf(reg: Registry, doc: ManagementResponseDocument) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert response_doc.parse(text, "001_47ac0c33fd8ef360.txt", reg).to_json() == doc.to_json()
    crlf = text.replace("\n", "\r\n")
    assert response_doc.parse(crlf, "001_47ac0c33fd8ef360.txt", reg).to_json() == doc.to_json()


# --------------------------------------------------------------------------- variants: Azerbaijan


@pytest.fixture(scope="module")
def aze(reg: Registry) -> ManagementResponseDocument:
    return response_doc.parse((FIXTURES / "azerbaijan_rejected.txt").read_text(encoding="utf-8"), "aze", reg)


def test_title_on_line_after_label(aze: ManagementResponseDocument) -> None:
    assert aze.evaluation.title == "Final Evaluation of the Mine Action Capacity Development Project in Azerbaijan"
    assert aze.evaluation.country == "Azerbaijan"


def test_prepared_by_tab_columns(aze: ManagementResponseDocument) -> None:
    people = aze.evaluation.prepared_by
    assert [(p.name, p.role) for p in people] == [("Leyla Mammadova", "Programme Analyst"),
                                                  ("Farid Aliyev", "Deputy Resident Representative")]
    assert all(p.organisation.iri == BASE + "org/undp-azerbaijan" for p in people)


def test_overall_comments_over_lines(aze: ManagementResponseDocument) -> None:
    assert aze.evaluation.overall_comments == ("The evaluation is welcome.\n"
                                               "It will inform the design of the next phase.")


def test_rejected_without_key_actions(aze: ManagementResponseDocument) -> None:
    r1 = rec(aze, "1")
    assert r1.text == "ANAMA should take over demining in the northern districts."
    assert r1.response.acceptance == "Rejected"
    assert r1.response.text == "the activity is outside the mandate of the project."
    assert r1.key_actions == []


def test_fewer_columns_and_dotted_numbers(aze: ManagementResponseDocument) -> None:
    r2 = rec(aze, "2")
    assert r2.text == "Develop a resource mobilisation plan\ncovering the next five years."
    assert r2.response.acceptance == "Partially accepted"
    assert r2.response.text == "ANAMA will lead the plan with UNDP support."
    k1, _ = r2.key_actions
    assert (k1.number, k1.text) == ("2.1", "Prepare a concept note for donors")
    assert (k1.due_text, k1.due) == ("By end of 2021", "2021-12")
    assert k1.comment == "Draft shared" and k1.status is None
    assert k1.responsible == ["ANAMA", "UNDP CO"]
    assert [p.organisation.iri for p in k1.parties] == [BASE + "org/anama", BASE + "org/undp-azerbaijan"]


def test_missing_time_frame(aze: ManagementResponseDocument) -> None:
    k2 = rec(aze, "2").key_actions[1]
    assert k2.number == "2.2"
    assert k2.due is None and k2.due_text is None
    assert k2.parties[0].organisation.iri == BASE + "org/undp-azerbaijan"
    assert any(f.code == "missing-due-date" and f.about == "key action 2.2" for f in aze.warnings)


def test_more_columns(aze: ManagementResponseDocument) -> None:
    r3 = rec(aze, "3")
    assert r3.response.acceptance == "Accepted" and r3.response.text is None
    k1, k2, k3 = r3.key_actions
    assert [k.number for k in r3.key_actions] == ["1", "2", "3"]
    assert (k1.due, k1.status, k1.comment) == ("2022-06", "Initiated", "Two trainings held")
    assert "Report.pdf" not in repr(aze.to_json())
    assert (k2.due, k2.status, k2.comment) == ("2022-12-31", "Completed", None)
    assert k2.parties[0].organisation.iri == BASE + "org/ciraq"
    assert k3.due is None and k3.responsible == [] and k3.parties == []
    assert any(f.code == "missing-responsible" and f.about == "key action 3.3" for f in aze.warnings)


def test_unknown_unit_of_known_organisation(aze: ManagementResponseDocument) -> None:
    k1 = rec(aze, "3").key_actions[0]
    assert k1.responsible == ["Mine Action Support Unit, UNDP"]
    org = k1.parties[0].organisation
    assert k1.parties[0].kind == "unit"
    assert org is not None and not org.known and org.parent == BASE + "org/undp"
    assert org.iri in [o.iri for o in aze.organisations]
    assert any(f.code == "unknown-organisation" and org.iri in f.message for f in aze.warnings)


# --------------------------------------------------------------------------- variants: PDF layout


@pytest.fixture(scope="module")
def vertical(reg: Registry) -> ManagementResponseDocument:
    return response_doc.parse((FIXTURES / "vertical_pdf.txt").read_text(encoding="utf-8"), "pdf", reg)


def test_vertical_table(vertical: ManagementResponseDocument) -> None:
    assert vertical.evaluation.title == "Final Evaluation of the Regional Mine Action Project"
    k1, k2 = rec(vertical, "1").key_actions
    assert (k1.text, k1.due, k1.responsible) == ("Organise quarterly coordination meetings", "2021-12-31",
                                                 ["UNDP Regional Hub"])
    assert (k2.text, k2.due_text, k2.responsible) == ("Publish the meeting minutes online", "Ongoing", ["IRH"])
    assert {p.organisation.iri for k in (k1, k2) for p in k.parties} == {BASE + "org/undp-regional-hub"}


def test_not_accepted_is_rejected(vertical: ManagementResponseDocument) -> None:
    r2 = rec(vertical, "2")
    assert r2.response.acceptance == "Rejected"
    assert r2.response.text == "lessons are shared already."


# --------------------------------------------------------------------------- small inline variants


def test_mixed_bold_markers_and_header_split(reg: Registry) -> None:
    text = "\n".join([
        "# Management Response: \u201cMid-term Review of the Mine Action Project\u201d",
        "**Evaluation Recommendation 1:** Do <b>this</b>.",
        "<b>Management Response:</b> **Partially Accepted** \u2013 some of it.",
        "**Key Action(s)**\tTime Frame\tResponsible Unit(s)\tTracking*\t",
        "\t\t\tStatus\tComments",
        "Action A\tBy 1 May 2021\tUNITAR PPME\tCompleted\tfinished early",
        "\tcontinued\t\t\t",
        "**Evaluation Recommendation 2:** Do that.",
        "**Management Response:** No response is given here.",
    ])
    doc = response_doc.parse(text, "x", reg)
    assert doc.evaluation.title == "Mid-term Review of the Mine Action Project"
    r1 = rec(doc, "1")
    assert r1.text == "Do this."
    assert (r1.response.acceptance, r1.response.text) == ("Partially accepted", "some of it.")
    ka = r1.key_actions[0]
    assert (ka.text, ka.due, ka.status, ka.comment) == ("Action A", "2021-05-01", "Completed", "finished early")
    assert ka.due_text == "By 1 May 2021 continued"
    assert ka.parties[0].organisation.iri == PPME
    r2 = rec(doc, "2")
    assert r2.response.acceptance is None and r2.response.text == "No response is given here."
    assert any(f.code == "missing-acceptance" and f.about == "recommendation 2" for f in doc.warnings)


def test_missing_management_response(reg: Registry) -> None:
    doc = response_doc.parse("Evaluation Recommendation 1: Do it.\nEvaluation Recommendation 2: Do more.\n",
                             "x", reg)
    assert [r.number for r in doc.recommendations] == ["1", "2"]
    assert all(r.response is None for r in doc.recommendations)
    assert codes(doc).count("missing-response") == 2
    assert "missing-title" in codes(doc)


def test_unknown_responsible_unit_minted(reg: Registry) -> None:
    doc = response_doc.parse("\n".join([
        "Management Response \u201cX\u201d",
        "Evaluation Recommendation 1: Do it.",
        "Management Response: Accepted",
        "Key Action(s)\tTime Frame\tResponsible Unit(s)",
        "Act\tDecember 2021\tMinistry of Defence; UNITAR Legal Unit",
    ]), "x", reg)
    ka = rec(doc, "1").key_actions[0]
    assert ka.due == "2021-12"
    assert ka.responsible == ["Ministry of Defence", "UNITAR Legal Unit"]
    mod, legal = (p.organisation for p in ka.parties)
    assert not mod.known and mod.iri == BASE + "org/ministry-of-defence"
    assert not legal.known and legal.parent == BASE + "org/unitar"
    assert codes(doc).count("unknown-organisation") == 2


def test_title_only_document(reg: Registry) -> None:
    doc = response_doc.parse("**Management Response \u201cAn Evaluation\u201d**\n", "x", reg)
    assert doc.evaluation.title == "An Evaluation"
    assert doc.recommendations == []
    assert "no-recommendations" in codes(doc)


# --------------------------------------------------------------------------- not a response document


@pytest.mark.parametrize("text", [
    "",
    "   \n\t\n",
    "Some unrelated text\nwith two lines",
    (DATA_DIR / "documents" / "002_f7a1618a2c1dab11.txt").read_text(encoding="utf-8"),
])
def test_not_a_response_document(reg: Registry, text: str) -> None:
    with pytest.raises(ParseError) as exc:
        response_doc.parse(text, "bad.txt", reg)
    assert exc.value.source == "bad.txt"
    assert exc.value.line == 1
    assert str(exc.value).startswith("bad.txt:1:")


def test_erc_page_is_not_claimed(reg: Registry) -> None:
    text = (DATA_DIR / "documents" / "000_ed0432e762aadb2d.txt").read_text(encoding="utf-8")
    assert response_doc.sniff(text) < erc.sniff(text)
    with pytest.raises(ParseError):
        response_doc.parse(text, "000", reg)


def test_recommendation_text_on_next_line(reg: Registry) -> None:
    doc = response_doc.parse("\n".join([
        "Management Response: Evaluation of the Demining Project",
        "**Evaluation Recommendation 1**",
        "Clear the remaining minefields.",
        "Management Response: Accepted \u2013 clearance continues.",
    ]), "x", reg)
    assert doc.evaluation.title == "Evaluation of the Demining Project"
    r1 = rec(doc, "1")
    assert r1.text == "Clear the remaining minefields."
    assert (r1.response.acceptance, r1.response.text) == ("Accepted", "clearance continues.")
