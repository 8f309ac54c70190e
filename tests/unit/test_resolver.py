"""The one organisation resolver: one office, one IRI, whatever the printed form and whichever parser reads it."""

from __future__ import annotations

import pytest

from kb.ingest import parse_text
from kb.model import ManagementResponseDocument
from kb.registry import Registry, load_registry
from kb.registry.resolver import Resolver, mint_country_office, office_label, resolve_org

OFFICE_FORMS = ["UNDP Cambodia Country Office", "UNDP Cambodia", "UNDP in Cambodia",
                "UNDP Country Office in Cambodia", "the UNDP Cambodia"]


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry()


def office_iri(reg: Registry) -> str:
    return f"{reg.base}org/undp-cambodia-country-office"


@pytest.mark.parametrize("printed", OFFICE_FORMS)
def test_every_printed_form_of_an_unknown_office_gets_one_iri(reg: Registry, printed: str) -> None:
    ref = resolve_org(printed, reg)
    assert ref.iri == office_iri(reg)
    assert ref.label == "UNDP Cambodia Country Office"
    assert ref.name == printed
    assert ref.parent == f"{reg.base}org/undp"
    assert ref.org_type == "unit" and ref.country == "Cambodia" and not ref.known


def test_context_names_need_the_country(reg: Registry) -> None:
    assert resolve_org("UNDP CO", reg, country="Cambodia").iri == office_iri(reg)
    assert resolve_org("CO", reg, country="Cambodia", office_of="UNDP").iri == office_iri(reg)
    assert resolve_org("Cambodia", reg, office_of="UNDP").iri == office_iri(reg)
    # without a country "UNDP CO" names no particular office
    assert resolve_org("UNDP CO", reg).iri != office_iri(reg)


def test_the_minting_rule_lives_in_one_place(reg: Registry) -> None:
    assert office_label("UNICEF", "Iraq") == "UNICEF Iraq Country Office"
    ref = mint_country_office(reg, "UNICEF", "Iraq", printed="UNICEF in Iraq")
    assert ref.iri == resolve_org("UNICEF Iraq", reg).iri == f"{reg.base}org/unicef-iraq-country-office"
    assert ref.name == "UNICEF in Iraq"


def test_known_offices_and_organisations_come_from_the_registry(reg: Registry) -> None:
    tj = resolve_org("UNDP Tajikistan", reg)
    assert tj.known and tj.label == "UNDP Tajikistan Country Office"
    assert resolve_org("UNDP CO", reg, country="Tajikistan").iri == tj.iri
    assert resolve_org("UNDP", reg).iri == f"{reg.base}org/undp"
    # a name that is not an office is minted from its own slug, never as an office
    other = resolve_org("Clearing Partners Alliance", reg, country="Cambodia")
    assert other.iri == f"{reg.base}org/clearing-partners-alliance" and not other.known


def test_unknown_names_give_a_finding_only_when_asked(reg: Registry) -> None:
    findings: list = []
    resolve_org("UNDP Cambodia", reg, findings=findings)
    assert [f.code for f in findings] == ["unknown-organisation"]
    resolve_org("UNDP Cambodia", reg)   # no list: nothing to record, no error


def test_the_resolver_class_agrees_with_the_function(reg: Registry) -> None:
    r = Resolver(reg, [], country="Cambodia", country_office_of="UNDP")
    assert {r.resolve(n).iri for n in [*OFFICE_FORMS, "UNDP CO"]} == {office_iri(reg)}
    assert r.country_office("Cambodia").iri == office_iri(reg)


ERC_PAGE = """Final evaluation of the demining support project
Commissioning Unit: Cambodia
Evaluation Plan: 2019-2023
Evaluation Type: Project
Completion Date: 2021/05
Unit Responsible for providing Management Response: Cambodia
1. Recommendation:
For UNDP CO
Recommendation 1. Keep funding the survey teams.
Management Response: [Added: 2021/06/01]
Accepted.
Key Actions:
Key Action Responsible DueDate Status Comments Documents
1. Agree the survey budget with the authority
[Added: 2021/06/01]
UNDP Cambodia 2021/12 Initiated Talks started History
2. Report on the survey to the donors
[Added: 2021/06/01]
UNDP Cambodia Country Office 2022/03 Not Initiated History
"""


def test_one_office_one_iri_through_the_erc_parser(reg: Registry) -> None:
    doc = parse_text(ERC_PAGE, "cambodia.txt", reg)
    assert isinstance(doc, ManagementResponseDocument)
    rec = doc.recommendations[0]
    iris = {doc.evaluation.commissioning_org.iri if doc.evaluation.commissioning_org else None,
            rec.addressee_org.iri if rec.addressee_org else None}
    iris |= {p.organisation.iri for ka in rec.key_actions for p in ka.parties if p.organisation}
    assert iris == {office_iri(reg)} == {resolve_org("UNDP Cambodia", reg).iri}
    assert [o.iri for o in doc.organisations].count(office_iri(reg)) == 1
