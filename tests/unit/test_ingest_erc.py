"""The ERC management-response page parser (``kb.ingest.erc``): the seed page and hand-made variants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.errors import ParseError
from kb.ingest import erc, response_doc
from kb.model import ManagementResponseDocument, RecommendationRecord
from kb.registry import Registry, load_registry
from kb.settings import DATA_DIR

SEED = DATA_DIR / "documents" / "000_ed0432e762aadb2d.txt"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "erc"
BASE = "https://w3id.org/makb/id/"


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def doc(reg: Registry) -> ManagementResponseDocument:
    return erc.parse(SEED.read_text(encoding="utf-8"), "000_ed0432e762aadb2d.txt", reg)


def rec(doc: ManagementResponseDocument, number: str) -> RecommendationRecord:
    return next(r for r in doc.recommendations if r.number == number)


def codes(doc: ManagementResponseDocument) -> list[str]:
    return [f.code for f in doc.warnings]


# --------------------------------------------------------------------------- module contract


def test_module_contract() -> None:
    assert erc.KIND == "erc-page"
    assert erc.PARSER_VERSION == "1.0"


def test_sniff_claims_erc_pages_only() -> None:
    docs = DATA_DIR / "documents"
    assert erc.sniff(SEED.read_text(encoding="utf-8")) >= 0.9
    assert erc.sniff((docs / "001_47ac0c33fd8ef360.txt").read_text(encoding="utf-8")) < 0.3
    assert erc.sniff((docs / "002_f7a1618a2c1dab11.txt").read_text(encoding="utf-8")) < 0.3
    assert erc.sniff("") == 0.0
    for path in FIXTURES.glob("*.txt"):
        assert erc.sniff(path.read_text(encoding="utf-8")) >= 0.9, path.name


# --------------------------------------------------------------------------- seed: evaluation


def test_seed_evaluation(doc: ManagementResponseDocument) -> None:
    ev = doc.evaluation
    assert doc.kind == "erc-page"
    assert doc.source == "000_ed0432e762aadb2d.txt"
    assert ev.title == "Final evaluation of the Support to Tajikistan Mine Action Programme"
    assert ev.commissioning_unit == "Tajikistan"
    assert ev.evaluation_plan == "2016-2020"
    assert ev.evaluation_type == "Project"
    assert ev.completion_date == "2019-12"
    assert ev.response_unit == "Tajikistan"
    assert ev.country == "Tajikistan"
    assert ev.commissioning_org is not None
    assert ev.commissioning_org.iri == BASE + "org/undp-tajikistan"
    assert ev.commissioning_org.known


def test_seed_recommendation_numbers_and_addressees(doc: ManagementResponseDocument) -> None:
    assert [r.number for r in doc.recommendations] == [str(n) for n in range(1, 11)]
    for n in range(1, 9):
        r = rec(doc, str(n))
        assert r.addressee == "UNDP CO"
        assert r.addressee_org is not None and r.addressee_org.iri == BASE + "org/undp-tajikistan"
        assert r.covers is None and r.items == []
    assert rec(doc, "9").addressee == "TNMAC"
    assert rec(doc, "9").addressee_org.iri == BASE + "org/tnmac"
    r10 = rec(doc, "10")
    assert r10.addressee in ("the Tajikistan Mine Action Sector", "Tajikistan Mine Action Sector")
    assert r10.addressee_org is not None and r10.addressee_org.known is False
    assert r10.addressee_org.iri == BASE + "org/tajikistan-mine-action-sector"
    assert any(f.code == "unknown-organisation" and "Tajikistan Mine Action Sector" in f.message
               for f in doc.warnings)


def test_seed_recommendation_text_strips_label(doc: ManagementResponseDocument) -> None:
    assert rec(doc, "1").text.startswith("Meet with Tajikistan National Mine Action Centre (TNMAC")
    assert rec(doc, "1").text.endswith("This meeting should be arranged as soon as possible.")
    assert rec(doc, "2").text == ("Advocate for funding for TNMAC and mine action. "
                                  "Promote Tajikistan as potentially mine free by 2025.")
    assert rec(doc, "5").text.startswith("Provide ongoing technical support for TNMAC")
    for r in doc.recommendations:
        assert not re.match(r"Recomm", r.text), r.text
        assert "\u00a0" not in r.text


def test_seed_grouped_recommendations(doc: ManagementResponseDocument) -> None:
    r9 = rec(doc, "9")
    assert r9.covers == [str(n) for n in range(9, 18)]
    assert len(r9.items) == 9
    assert r9.items[0] == "Promote Tajikistan as potentially mine free by 2025 to support resource mobilization"
    assert r9.items[-1] == ("Provide leadership and oversight for the implementation of the gender and "
                            "diversity strategy.")
    assert r9.text == "\n".join(r9.items)
    assert all(not i.startswith("\u2022") for i in r9.items)
    r10 = rec(doc, "10")
    assert r10.covers == [str(n) for n in range(18, 28)]
    assert len(r10.items) == 9
    mismatch = [f for f in doc.warnings if f.code == "covers-count-mismatch"]
    assert len(mismatch) == 1
    assert mismatch[0].about == "recommendation 10"
    assert "10" in mismatch[0].message and "9" in mismatch[0].message


def test_seed_responses(doc: ManagementResponseDocument) -> None:
    for n in range(1, 11):
        resp = rec(doc, str(n)).response
        assert resp is not None
        assert resp.acceptance is None
        assert resp.added == ("2020-01-11" if n <= 7 else "2020-11-03")
        assert resp.updated == "2020-11-08"
        assert (resp.text is None) == (n >= 8)
    assert rec(doc, "1").response.text == ("The meeting will be arranged with TNMAC and counterparts in "
                                           "January-February 2019.")


def test_seed_key_action_counts(doc: ManagementResponseDocument) -> None:
    counts = {r.number: len(r.key_actions) for r in doc.recommendations}
    assert counts == {"1": 1, "2": 1, "3": 2, "4": 1, "5": 0, "6": 0, "7": 2, "8": 0, "9": 0, "10": 0}
    assert sum(counts.values()) == 7
    for r in doc.recommendations:
        assert [k.number for k in r.key_actions] == [str(n) for n in range(1, len(r.key_actions) + 1)]
        for k in r.key_actions:
            assert k.added == "2020-01-11"
            assert k.updated == "2020-10-08"
            assert not k.truncated
            assert k.comment is None or "History" not in k.comment


def test_seed_key_action_1(doc: ManagementResponseDocument) -> None:
    ka = rec(doc, "1").key_actions[0]
    assert ka.text.startswith("Request the TNMAC to facilitate the organization of the meeting")
    assert ka.status == "No Longer Applicable"
    assert ka.due == "2020-02"
    assert ka.due_text == "2020/02"
    assert ka.responsible == ["Nargizakhon Usmanova"]
    assert ka.responsible_text == "Nargizakhon Usmanova"
    assert ka.justification is True
    assert ka.comment == "the project ended and UNDP didn't receive any request for support from TNMAC"
    assert len(ka.parties) == 1
    party = ka.parties[0]
    assert party.kind == "person"
    assert party.person is not None and party.person.name == "Nargizakhon Usmanova"
    assert party.person.organisation is not None
    assert party.person.organisation.iri == BASE + "org/undp-tajikistan"


def test_seed_key_action_2(doc: ManagementResponseDocument) -> None:
    ka = rec(doc, "2").key_actions[0]
    assert ka.status == "No Longer Applicable"
    assert ka.due == "2020-06"
    assert ka.justification is True
    assert ka.comment.startswith("Since UNDP didn\u2019t receive any formal request from TNMAC")
    assert ka.comment.endswith("beyond the end of the Programme")


@pytest.mark.parametrize("number", ["3", "7"])
def test_seed_completed_actions(doc: ManagementResponseDocument, number: str) -> None:
    kas = rec(doc, number).key_actions
    assert [k.text for k in kas] == ["Contribute into UNDP Global Report on Mine Action (2018-19)",
                                     "Provide inputs into SG\u2019s report on Mine Action"]
    for ka in kas:
        assert ka.status == "Completed"
        assert ka.due == "2020-01"
        assert ka.comment == "the action completed"
        assert ka.justification is False
        assert ka.responsible == ["Nargizakhon Usmanova"]


def test_seed_key_action_4_person_with_post_and_unit(doc: ManagementResponseDocument) -> None:
    ka = rec(doc, "4").key_actions[0]
    assert ka.status == "Not Initiated"
    assert ka.due == "2020-12"
    assert ka.comment == "the project ended"
    assert ka.responsible_text == ("Olaf Juergensen, Regional Development and Mine Action Specialist, "
                                   "HQ/Crisis Bureau")
    assert len(ka.parties) == 1
    person = ka.parties[0].person
    assert ka.parties[0].kind == "person"
    assert person is not None
    assert person.name == "Olaf Juergensen"
    assert person.role == "Regional Development and Mine Action Specialist"
    assert person.organisation is not None and person.organisation.iri == BASE + "org/undp-crisis-bureau"


def test_seed_date_before_response(doc: ManagementResponseDocument) -> None:
    found = [f for f in doc.warnings if f.code == "date-before-response"]
    assert found, doc.warnings
    assert found[0].about == "recommendation 1"
    assert "January-February 2019" in found[0].message
    assert "2020-01-11" in found[0].message
    assert all(f.about == "recommendation 1" for f in found)


def test_seed_noise_yields_nothing(doc: ManagementResponseDocument) -> None:
    blob = repr(doc.to_json())
    for noise in ("Success message", "error message", "warn message", "Documents Related", "Latest Evaluations",
                  "Contact us", "UN Plaza", "646 781", "erc.support@undp.org", "DC1-20th"):
        assert noise not in blob, noise
    assert doc.evaluation.overall_comments is None


def test_seed_organisations_deduplicated(doc: ManagementResponseDocument) -> None:
    iris = [o.iri for o in doc.organisations]
    assert len(iris) == len(set(iris))
    assert {BASE + "org/undp-tajikistan", BASE + "org/tnmac", BASE + "org/undp-crisis-bureau",
            BASE + "org/tajikistan-mine-action-sector"} <= set(iris)
    for r in doc.recommendations:
        if r.addressee_org:
            assert r.addressee_org.iri in iris
        for ka in r.key_actions:
            for p in ka.parties:
                if p.organisation:
                    assert p.organisation.iri in iris


def test_seed_only_expected_findings(doc: ManagementResponseDocument) -> None:
    assert sorted(codes(doc)) == ["covers-count-mismatch", "date-before-response", "unknown-organisation"]
    assert all(f.line for f in doc.warnings)


def test_seed_json_shape(doc: ManagementResponseDocument) -> None:
    out = doc.to_json()
    assert out["kind"] == "erc-page"
    assert out["evaluation"]["title"].startswith("Final evaluation")
    assert len(out["recommendations"]) == 10
    assert isinstance(out["warnings"][0], str)


def test_deterministic(reg: Registry) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert erc.parse(text, "a", reg).to_json() == erc.parse(text, "a", reg).to_json()


def test_crlf_same_as_lf(reg: Registry, doc: ManagementResponseDocument) -> None:
    text = SEED.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert erc.parse(text, "000_ed0432e762aadb2d.txt", reg).to_json() == doc.to_json()


# --------------------------------------------------------------------------- variants: Lebanon


@pytest.fixture(scope="module")
def lebanon(reg: Registry) -> ManagementResponseDocument:
    return erc.parse((FIXTURES / "lebanon_variants.txt").read_text(encoding="utf-8"), "lebanon", reg)


def test_other_country_office_minted_with_warning(lebanon: ManagementResponseDocument) -> None:
    ev = lebanon.evaluation
    assert ev.country == "Lebanon"
    assert ev.completion_date == "2019-06"
    org = ev.commissioning_org
    assert org is not None and not org.known
    assert org.iri == BASE + "org/undp-lebanon-country-office"
    assert org.parent == BASE + "org/undp"
    assert org.country == "Lebanon"
    r1 = rec(lebanon, "1")
    assert r1.addressee == "UNDP CO"
    assert r1.addressee_org is not None and r1.addressee_org.iri == org.iri
    minted = [f for f in lebanon.warnings if f.code == "unknown-organisation" and org.iri in f.message]
    assert len(minted) == 1
    assert org.iri in [o.iri for o in lebanon.organisations]


def test_other_country_office_from_registry(tmp_path: Path) -> None:
    ttl = (DATA_DIR / "registry.ttl").read_text(encoding="utf-8") + """
<place/lebanon> a schema:Country ; schema:name "Lebanon" ; makb:placeKind "country" .
<org/undp-lebanon> a org:OrganizationalUnit ;
    skos:prefLabel "UNDP Lebanon Country Office"@en ;
    skos:altLabel "UNDP Lebanon" ;
    makb:contextLabel "UNDP CO", "CO" ;
    makb:orgType makb:OrgUnit ;
    org:subOrganizationOf <org/undp> ;
    makb:country <place/lebanon> .
"""
    path = tmp_path / "registry.ttl"
    path.write_text(ttl, encoding="utf-8")
    reg = Registry(path, countries=DATA_DIR / "countries.tsv")
    doc = erc.parse((FIXTURES / "lebanon_variants.txt").read_text(encoding="utf-8"), "lebanon", reg)
    assert doc.evaluation.commissioning_org.iri == BASE + "org/undp-lebanon"
    assert doc.evaluation.commissioning_org.known
    assert rec(doc, "1").addressee_org.iri == BASE + "org/undp-lebanon"
    assert not any(f.message.endswith("/org/undp-lebanon-country-office>") for f in doc.warnings)
    unit = rec(doc, "1").key_actions[1].parties[0].person.organisation
    assert unit.parent == BASE + "org/undp-lebanon"


def test_dotted_key_action_numbers_and_statuses(lebanon: ManagementResponseDocument) -> None:
    r1, r2 = rec(lebanon, "1"), rec(lebanon, "2")
    assert [k.number for k in r1.key_actions] == ["1.1", "1.2", "1.3"]
    assert [k.number for k in r2.key_actions] == ["2.1", "2.2"]
    assert [k.status for k in r1.key_actions] == ["Completed", "Overdue-Initiated", "Initiated"]
    assert [k.status for k in r2.key_actions] == ["Overdue", "Ongoing"]
    assert r1.key_actions[1].due == "2020-12-31"
    assert r1.key_actions[1].due_text == "2020/12/31"
    assert r1.key_actions[0].text == "Recruit an information management adviser for LMAC"


def test_recommendation_label_with_colon(lebanon: ManagementResponseDocument) -> None:
    assert rec(lebanon, "1").text.startswith("Strengthen the capacity of the Lebanon Mine Action Centre")


def test_team_party(lebanon: ManagementResponseDocument) -> None:
    ka = rec(lebanon, "1").key_actions[0]
    assert ka.responsible == ["Project Team"]
    assert ka.parties[0].kind == "team"
    assert ka.parties[0].organisation is not None
    assert ka.parties[0].organisation.iri == BASE + "org/undp-lebanon-country-office"
    ka = rec(lebanon, "2").key_actions[0]
    assert ka.parties[0].kind == "team" and ka.parties[0].text == "Programme Team"
    assert ka.parties[0].organisation.iri == BASE + "org/lmac"


def test_multi_line_comments(lebanon: ManagementResponseDocument) -> None:
    k1, k2 = rec(lebanon, "1").key_actions[:2]
    assert k1.comment == "The adviser was recruited in November 2019\nand started work in December."
    assert k2.comment == "Training postponed because of COVID-19.\nTwo of four sessions were held online."
    assert "History" not in k2.comment


def test_multi_line_justification(lebanon: ManagementResponseDocument) -> None:
    ka = rec(lebanon, "2").key_actions[0]
    assert ka.justification is True
    assert ka.comment == "the draft was delayed\nbecause the LMAC leadership changed"


def test_no_responsible_person(lebanon: ManagementResponseDocument) -> None:
    ka = rec(lebanon, "1").key_actions[2]
    assert ka.responsible == [] and ka.parties == [] and ka.responsible_text is None
    assert ka.due == "2021-06"
    assert ka.added == "2019-07-25" and ka.updated is None
    ka = rec(lebanon, "2").key_actions[1]
    assert ka.responsible == [] and ka.due is None
    assert ka.comment == "consultations with the donors"
    assert any(f.code == "missing-due-date" and f.about == "key action 2.2" for f in lebanon.warnings)


def test_person_with_unknown_unit(lebanon: ManagementResponseDocument) -> None:
    ka = rec(lebanon, "1").key_actions[1]
    assert ka.responsible == ["Rania Haddad"]
    person = ka.parties[0].person
    assert person is not None and person.role == "Programme Analyst"
    unit = person.organisation
    assert unit is not None and not unit.known
    assert unit.name == "Energy and Environment Unit"
    assert unit.label == "Energy and Environment Unit, UNDP Lebanon Country Office"
    assert unit.parent == BASE + "org/undp-lebanon-country-office"
    assert unit.org_type == "unit"
    assert any(f.code == "unknown-organisation" and "Energy and Environment Unit" in f.message
               for f in lebanon.warnings)


def test_generic_units_are_scoped_to_their_office(reg: Registry) -> None:
    body = """1. Recommendation:
For UNDP CO
Recommendation 1. Do it.
Management Response: [Added: 2020/01/11]
Key Actions:
1. First
[Added: 2020/01/11]
Programme Unit 2020/05 Completed
History
"""
    tj = erc.parse(page(body), "tj", reg)
    lb = erc.parse(page(body).replace(": Tajikistan", ": Lebanon"), "lb", reg)
    tj_unit = rec(tj, "1").key_actions[0].parties[0].organisation
    lb_unit = rec(lb, "1").key_actions[0].parties[0].organisation
    assert tj_unit.iri != lb_unit.iri
    assert tj_unit.parent == BASE + "org/undp-tajikistan"
    assert lb_unit.parent == BASE + "org/undp-lebanon-country-office"


def test_printed_acceptance(lebanon: ManagementResponseDocument) -> None:
    assert rec(lebanon, "1").response.acceptance == "Partially accepted"
    assert rec(lebanon, "1").response.text.startswith("the project will support LMAC")
    assert rec(lebanon, "2").response.acceptance == "Accepted"
    assert rec(lebanon, "2").response.text.startswith("The strategy will be drafted")
    r3 = rec(lebanon, "3").response
    assert r3.acceptance is None and r3.text.startswith("Agreed that gender is important")


def test_unknown_addressee_minted(lebanon: ManagementResponseDocument) -> None:
    r2 = rec(lebanon, "2")
    assert r2.addressee == "LMAC"
    # the registry knows LMAC under the IRI the acronym alone used to mint: one office, one IRI
    assert r2.addressee_org is not None and r2.addressee_org.iri == BASE + "org/lmac" and r2.addressee_org.known
    r3 = rec(lebanon, "3")
    assert r3.addressee == "UNDP CO and LMAC"
    assert r3.addressee_org is not None and r3.addressee_org.iri == BASE + "org/undp-lebanon-country-office"


def test_date_before_response_year(lebanon: ManagementResponseDocument) -> None:
    found = [f for f in lebanon.warnings if f.code == "date-before-response"]
    assert [f.about for f in found] == ["recommendation 2"]
    assert "2018" in found[0].message


def test_footer_and_latest_evaluations_ignored(lebanon: ManagementResponseDocument) -> None:
    assert len(lebanon.recommendations) == 3
    assert rec(lebanon, "3").key_actions == []
    assert "Another Project" not in repr(lebanon.to_json())
    assert not any(f.code in ("truncated", "unrecognised-line") for f in lebanon.warnings)


# --------------------------------------------------------------------------- variants: Cambodia, truncated


@pytest.fixture(scope="module")
def cambodia(reg: Registry) -> ManagementResponseDocument:
    return erc.parse((FIXTURES / "cambodia_truncated.txt").read_text(encoding="utf-8"), "cambodia", reg)


def test_cambodia_header(cambodia: ManagementResponseDocument) -> None:
    ev = cambodia.evaluation
    assert ev.title == "Terminal Evaluation of the Clearing for Results Phase III Project"
    assert ev.country == "Cambodia"
    assert ev.commissioning_org.iri == BASE + "org/undp-cambodia-country-office"
    assert rec(cambodia, "1").key_actions[0].parties[0].organisation.iri == ev.commissioning_org.iri


def test_missing_key_actions_section(cambodia: ManagementResponseDocument) -> None:
    r2 = rec(cambodia, "2")
    assert r2.key_actions == []
    assert r2.response.text == "The strategy will be updated by the end of 2020."
    assert r2.response.updated is None
    assert rec(cambodia, "1").response.acceptance == "Accepted"
    assert rec(cambodia, "1").response.text is None


def test_truncated_in_justification(cambodia: ManagementResponseDocument) -> None:
    ka = rec(cambodia, "3").key_actions[0]
    assert ka.truncated is True
    assert ka.justification is True
    assert ka.comment == "the transfer is waiting for"
    assert ka.status == "Initiated"
    assert ka.parties[0].person.name == "Sok Chea"
    assert ka.parties[0].person.role == "Project Manager"
    found = [f for f in cambodia.warnings if f.code == "truncated"]
    assert len(found) == 1 and found[0].about == "key action 3.1"


@pytest.mark.parametrize("cut_after", [
    "1. Request the TNMAC to facilitate",
    "[Added: 2020/01/11] [Last Updated: 2020/10/08]\n",
    "Nargizakhon Usmanova 2020/02 No Longer Applicable [Justification: the project ended",
])
def test_seed_truncated_inside_action(reg: Registry, cut_after: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    cut = text[:text.index(cut_after) + len(cut_after)]
    doc = erc.parse(cut, "cut", reg)
    assert len(doc.recommendations) == 1
    ka = doc.recommendations[0].key_actions[0]
    assert ka.truncated is True
    assert [f.code for f in doc.warnings].count("truncated") == 1


def test_truncated_inside_recommendation(reg: Registry) -> None:
    text = SEED.read_text(encoding="utf-8")
    cut = text[:text.index("Recommendation 3. Publicize")]
    doc = erc.parse(cut, "cut", reg)
    assert [r.number for r in doc.recommendations] == ["1", "2", "3"]
    assert rec(doc, "3").response is None
    assert any(f.code == "truncated" and f.about == "recommendation 3" for f in doc.warnings)


def test_complete_action_at_end_without_footer_not_truncated(reg: Registry) -> None:
    text = SEED.read_text(encoding="utf-8")
    cut = text[:text.index("2. Recommendation:")]
    doc = erc.parse(cut, "cut", reg)
    assert not doc.recommendations[0].key_actions[0].truncated
    assert "truncated" not in codes(doc)


# --------------------------------------------------------------------------- small inline variants

HEADER = """Success message
Final Evaluation of the Mine Action Project
Commissioning Unit: Tajikistan
Evaluation Plan: 2016-2020
Evaluation Type: Project
Completion Date: 12/2019
Unit Responsible for providing Management Response: Tajikistan
Documents Related to overall Management Response:
"""


def page(body: str) -> str:
    return HEADER + body


def test_dotted_recommendation_numbers(reg: Registry) -> None:
    doc = erc.parse(page("""1.1. Recommendation:
For UNDP CO
Recommendation 1.1: Do the first thing.
Management Response: [Added: 2020/01/11] [Last Updated: 2020/11/08]
Will do.
Key Actions:
Key Action Responsible DueDate Status Comments Documents
1.1.1 First action
[Added: 2020/01/11] [Last Updated: 2020/10/08]
UNDP CO 2020/03 Overdue History
1.2. Recommendation:
For UNDP CO
Recommendation 1.2. Do the second thing.
Management Response: [Added: 2020/01/11] [Last Updated: 2020/11/08]
"""), "dotted", reg)
    assert [r.number for r in doc.recommendations] == ["1.1", "1.2"]
    assert rec(doc, "1.1").text == "Do the first thing."
    assert rec(doc, "1.2").text == "Do the second thing."
    ka = rec(doc, "1.1").key_actions[0]
    assert ka.number == "1.1.1" and ka.status == "Overdue" and ka.due == "2020-03"
    assert ka.parties[0].kind == "unit" and ka.parties[0].organisation.iri == BASE + "org/undp-tajikistan"
    assert "number-mismatch" not in codes(doc)


def test_status_without_due_date_and_no_due_status(reg: Registry) -> None:
    doc = erc.parse(page("""1. Recommendation:
Recommendation 1. Do it.
Management Response: [Added: 2020/01/11]
Key Actions:
1. First
[Added: 2020/01/11]
TNMAC No due date ongoing work
History
2. Second
[Added: 2020/01/11]
Nargizakhon Usmanova 2021/03/15 Overdue-Not Initiated
History
"""), "x", reg)
    k1, k2 = rec(doc, "1").key_actions
    assert k1.status == "No due date" and k1.due is None and k1.comment == "ongoing work"
    assert k1.parties[0].organisation.iri == BASE + "org/tnmac"
    assert k2.status == "Overdue-Not Initiated" and k2.due == "2021-03-15" and k2.comment is None
    assert rec(doc, "1").addressee is None
    assert k2.parties[0].person.organisation.iri == BASE + "org/undp-tajikistan"


def test_tab_separated_details(reg: Registry) -> None:
    doc = erc.parse(page("""1. Recommendation:
For TNMAC
Recommendation 1. Do it.
Management Response: [Added: 2020/01/11] [Last Updated: 2020/02/01]
Key Actions:
Key Action\tResponsible\tDueDate\tStatus\tComments\tDocuments
1. First
[Added: 2020/01/11] [Last Updated: 2020/02/01]
Project Team\t2020/05\tInitiated\twork started\t\tHistory
"""), "tabs", reg)
    ka = rec(doc, "1").key_actions[0]
    assert (ka.responsible, ka.due, ka.status, ka.comment) == (["Project Team"], "2020-05", "Initiated",
                                                                "work started")
    assert ka.parties[0].kind == "team" and ka.parties[0].organisation.iri == BASE + "org/tnmac"


def test_multi_line_action_text_and_numbered_comment_lines(reg: Registry) -> None:
    doc = erc.parse(page("""1. Recommendation:
For UNDP CO
Recommendation 1. Do it.
Management Response: [Added: 2020/01/11]
Key Actions:
1. Prepare the plan
with the partners
[Added: 2020/01/11]
Project Team 2020/05 Completed done in two steps:
1) drafting
3) validation
History
2. Second action
[Added: 2020/01/11]
Project Team 2020/06 Completed
History
"""), "x", reg)
    k1, k2 = rec(doc, "1").key_actions
    assert k1.text == "Prepare the plan\nwith the partners"
    assert k1.comment == "done in two steps:\n1) drafting\n3) validation"
    assert k2.number == "2" and k2.text == "Second action"


def test_several_parties(reg: Registry) -> None:
    doc = erc.parse(page("""1. Recommendation:
For UNDP CO
Recommendation 1. Do it.
Management Response: [Added: 2020/01/11]
Key Actions:
1. First
[Added: 2020/01/11]
TNMAC and UNDP CO 2020/05 Completed
History
2. Second
[Added: 2020/01/11]
Jane Doe; John Smith, Programme Analyst 2020/05 Completed
History
3. Third
[Added: 2020/01/11]
Programme Analyst 2020/05 Completed
History
"""), "x", reg)
    k1, k2, k3 = rec(doc, "1").key_actions
    assert k1.responsible == ["TNMAC", "UNDP CO"]
    assert [p.organisation.iri for p in k1.parties] == [BASE + "org/tnmac", BASE + "org/undp-tajikistan"]
    assert k2.responsible == ["Jane Doe", "John Smith"]
    assert [p.person.role for p in k2.parties] == [None, "Programme Analyst"]
    assert all(p.person.organisation.iri == BASE + "org/undp-tajikistan" for p in k2.parties)
    assert k3.parties[0].kind == "team" and k3.parties[0].text == "Programme Analyst"


def test_label_number_mismatch_and_list_covers(reg: Registry) -> None:
    doc = erc.parse(page("""1. Recommendation:
Recommendation 2. Wrong label.
Management Response: [Added: 2020/01/11]
2. Recommendation:
Recommendations 3, 4 and 5:
\u2022 a
\u2022 b
\u2022 c
Management Response: [Added: 2020/01/11]
"""), "x", reg)
    assert any(f.code == "number-mismatch" and f.about == "recommendation 1" for f in doc.warnings)
    assert rec(doc, "2").covers == ["3", "4", "5"]
    assert rec(doc, "2").items == ["a", "b", "c"]
    assert "covers-count-mismatch" not in codes(doc)


def test_unrecognised_lines_reported_not_dropped(reg: Registry) -> None:
    doc = erc.parse(page("""1. Recommendation:
Recommendation 1. Do it.
Management Response: [Added: 2020/01/11]
Key Actions:
Something odd here
"""), "x", reg)
    assert any(f.code == "unrecognised-line" and "Something odd here" in f.message for f in doc.warnings)


def test_key_action_dates_checked_against_added(reg: Registry) -> None:
    doc = erc.parse(page("""1. Recommendation:
Recommendation 1. Do it.
Management Response: [Added: 2020/01/11]
Response planned for March 2020.
Key Actions:
1. Hold the workshop in December 2019
[Added: 2020/01/11]
Project Team 2020/05 Completed
History
"""), "x", reg)
    found = [f for f in doc.warnings if f.code == "date-before-response"]
    assert [f.about for f in found] == ["key action 1.1"]
    assert "December 2019" in found[0].message


def test_non_country_commissioning_unit(reg: Registry) -> None:
    text = page("1. Recommendation:\nRecommendation 1. Do it.\n").replace(
        "Commissioning Unit: Tajikistan", "Commissioning Unit: Crisis Bureau").replace(
        "Unit Responsible for providing Management Response: Tajikistan",
        "Unit Responsible for providing Management Response: Crisis Bureau")
    doc = erc.parse(text, "x", reg)
    assert doc.evaluation.country is None
    assert doc.evaluation.commissioning_org.iri == BASE + "org/undp-crisis-bureau"


def test_title_only_page_without_recommendations(reg: Registry) -> None:
    doc = erc.parse(HEADER, "x", reg)
    assert doc.evaluation.title == "Final Evaluation of the Mine Action Project"
    assert doc.recommendations == []
    assert "no-recommendations" in codes(doc)


# --------------------------------------------------------------------------- not an ERC page


@pytest.mark.parametrize("text", [
    "",
    "\n\n\n",
    "Just some words\nand more words",
    (DATA_DIR / "documents" / "002_f7a1618a2c1dab11.txt").read_text(encoding="utf-8"),
])
def test_not_an_erc_page(reg: Registry, text: str) -> None:
    with pytest.raises(ParseError) as exc:
        erc.parse(text, "bad.txt", reg)
    assert exc.value.source == "bad.txt"
    assert exc.value.line == 1
    assert "bad.txt" in str(exc.value)


def test_response_document_is_not_claimed(reg: Registry) -> None:
    text = (DATA_DIR / "documents" / "001_47ac0c33fd8ef360.txt").read_text(encoding="utf-8")
    assert erc.sniff(text) < response_doc.sniff(text)
    with pytest.raises(ParseError):
        erc.parse(text, "001", reg)


def test_unnumbered_actions_and_status_before_dates(reg: Registry) -> None:
    doc = erc.parse(page("""1. Recommendation:
For UNDP CO
Recommendaci\u00f3n 1. Hacer algo.
Management Response: [Added: 2020/01/11]
Key Actions:
Prepare the plan
[Added: 2020/01/11]
Initiated planned for 2021/03
Validate the plan
[Added: 2020/01/11]
Project Team 2021/06 Not Initiated
History
"""), "x", reg)
    r1 = rec(doc, "1")
    assert r1.text == "Hacer algo."
    k1, k2 = r1.key_actions
    assert (k1.number, k1.text, k1.status, k1.due, k1.comment) == ("1", "Prepare the plan", "Initiated", None,
                                                                   "planned for 2021/03")
    assert k1.responsible == []
    assert (k2.number, k2.text, k2.status, k2.due) == ("2", "Validate the plan", "Not Initiated", "2021-06")
