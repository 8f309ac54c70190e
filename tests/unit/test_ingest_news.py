"""The news-release parser on the seed release and on hand-made releases of other agencies and countries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.errors import ParseError
from kb.ingest import news
from kb.ingest.news import dates, quantities
from kb.ingest.news import patterns as pat
from kb.model import NewsDocument, OrgRef
from kb.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "documents" / "002_f7a1618a2c1dab11.txt"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news"
BASE = "https://w3id.org/makb/id/"


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry(ROOT / "data" / "registry.ttl")


def parse_file(path: Path, reg: Registry) -> NewsDocument:
    return news.parse(path.read_text(encoding="utf-8"), str(path), reg)


def fixture(name: str, reg: Registry) -> NewsDocument:
    return parse_file(FIXTURES / name, reg)


def iris(refs: list[OrgRef]) -> list[str]:
    return [r.iri.removeprefix(BASE) for r in refs]


def mention(doc: NewsDocument, iri: str) -> OrgRef:
    found = [m for m in doc.organisations if m.org.iri == BASE + iri]
    assert found, f"{iri} not among {[m.org.iri for m in doc.organisations]}"
    assert found[0].evidence
    return found[0].org


def codes(doc: NewsDocument) -> list[str]:
    return [w.code for w in doc.warnings]


# --------------------------------------------------------------------------- the seed release


@pytest.fixture(scope="module")
def seed(reg: Registry) -> NewsDocument:
    return parse_file(SEED, reg)


def test_seed_header(seed: NewsDocument) -> None:
    assert seed.kind == "news"
    assert seed.title == "UNDP and ANAMA signed Memorandum"
    assert seed.date == "2013-07-12"
    assert seed.date_text == "Jul 12, 2013"
    assert seed.country == "Azerbaijan"
    assert seed.publisher is not None and seed.publisher.iri == BASE + "org/undp-azerbaijan"
    assert [w for w in seed.warnings if w.code == "extraction-error"] == []


def test_seed_organisations(seed: NewsDocument) -> None:
    anama = mention(seed, "org/anama")
    assert anama.label == "Azerbaijan National Agency for Mine Action"
    assert anama.acronym == "ANAMA" and anama.known
    assert mention(seed, "org/undp").acronym == "UNDP"
    assert mention(seed, "org/undp-azerbaijan").parent == BASE + "org/undp"
    iom = mention(seed, "org/iom")
    assert iom.label == "International Organization for Migration"
    ciraq = mention(seed, "org/ciraq")
    assert ciraq.known and ciraq.org_type == "ngo" and ciraq.label == "Ciraq"
    assert all(m.org.known for m in seed.organisations), "nothing in the seed needs minting"
    assert not any("local NGO" in m.org.label for m in seed.organisations)
    assert "unknown-organisation" not in codes(seed)
    for m in seed.organisations:
        assert m.evidence and m.evidence in SEED.read_text(encoding="utf-8")


def test_seed_agreement(seed: NewsDocument) -> None:
    assert len(seed.agreements) == 1
    agreement = seed.agreements[0]
    assert agreement.type == "Memorandum"
    assert agreement.date == "2013-07-12"
    assert set(iris(agreement.parties)) == {"org/anama", "org/undp"}
    assert agreement.about == seed.projects[0].title
    assert agreement.place == "ANAMA Headquarters"
    assert agreement.evidence and "signing ceremony" in agreement.evidence


def test_seed_project(seed: NewsDocument) -> None:
    assert len(seed.projects) == 1
    project = seed.projects[0]
    assert project.title == ("Community Based Small Business Trainings and Micro-credit Revolving Fund for "
                             "Azerbaijan Mine Survivors Project")
    assert project.phase == "3"
    assert project.budget is not None
    assert (project.budget.amount, project.budget.currency, project.budget.what) == (136000, "USD", "project budget")
    assert iris(project.funders) == ["org/undp", "org/anama"]
    assert iris(project.implementers) == ["org/iom"]
    assert iris(project.consortium) == ["org/ciraq"]
    assert project.consortium[0].known


def test_seed_project_beneficiaries_and_places(seed: NewsDocument) -> None:
    project = seed.projects[0]
    survivors, families = project.beneficiaries
    assert (survivors.value, survivors.what, survivors.direct, survivors.approximate) == (40, "mine survivors", True,
                                                                                         False)
    assert (families.value, families.what, families.direct, families.approximate) == (160, "family members", False,
                                                                                     True)
    assert [p.name for p in project.places] == ["Aghjabedi", "Beylagan", "Imishli", "Saatli", "Bilasuvar"]
    assert {(p.kind, p.country) for p in project.places} == {("district", "Azerbaijan")}


def test_seed_project_evidence(seed: NewsDocument) -> None:
    ev = seed.projects[0].evidence
    for role in ("funders", "implementers", "consortium", "budget", "places", "beneficiaries", "title"):
        assert ev.get(role), role
    assert "co-funded" in ev["funders"]
    assert "in consortium with local NGO Ciraq" in ev["consortium"]
    assert "136,000 USD" in ev["budget"]
    assert "Bilasuvar" in ev["places"]


def test_seed_money_and_counts(seed: NewsDocument) -> None:
    assert [(m.amount, m.currency, m.text) for m in seed.money] == [(136000, "USD", "136,000 USD")]
    assert [(c.value, c.what) for c in seed.counts] == [(40, "mine survivors"), (160, "family members"),
                                                        (7, "districts")]
    assert all(c.evidence for c in seed.counts)


def test_seed_people(seed: NewsDocument) -> None:
    people = {p.name: p for p in seed.people}
    assert set(people) == {"Broek", "Ruslan Ismayil-zada"}
    broek = people["Broek"]
    assert broek.role == "Resident Representative"
    assert broek.organisation is not None
    assert broek.organisation.iri in (BASE + "org/undp-azerbaijan", BASE + "org/undp")
    ruslan = people["Ruslan Ismayil-zada"]
    assert ruslan.role == "Communications Officer"
    assert ruslan.email == "ruslan.ismayilzada@undp.org"
    assert ruslan.organisation is not None and ruslan.organisation.iri == BASE + "org/undp-azerbaijan"
    assert all(p.evidence for p in seed.people)


def test_seed_partnership(seed: NewsDocument) -> None:
    assert len(seed.partnerships) == 1
    partnership = seed.partnerships[0]
    assert partnership.since == "1999"
    assert iris(partnership.parties) in (["org/undp-azerbaijan", "org/anama"], ["org/undp", "org/anama"])
    assert partnership.evidence and "dates back to 1999" in partnership.evidence


def test_seed_places(seed: NewsDocument) -> None:
    places = [(p.name, p.kind) for p in seed.places]
    assert ("Azerbaijan", "country") in places
    for district in ("Aghjabedi", "Beylagan", "Imishli", "Saatli", "Bilasuvar"):
        assert (district, "district") in places


def test_seed_page_chrome_yields_no_facts(seed: NewsDocument) -> None:
    chrome = ("UNDP and ANAMA flags", "UNDP Around the world", "You are at UNDP Azerbaijan", "Go to UNDP Global",
              "Contact information")
    evidence = [m.evidence for m in seed.organisations] + [c.evidence for c in seed.counts] + \
               [p.evidence for p in seed.places] + [p.evidence for p in seed.people]
    for text in evidence:
        assert text not in chrome


def test_seed_to_json(seed: NewsDocument) -> None:
    out = seed.to_json()
    json.dumps(out)
    assert out["title"] == seed.title
    assert {o["iri"] for o in out["organisations"]} >= {BASE + "org/anama", BASE + "org/iom"}


def test_seed_is_detected_as_news() -> None:
    from kb.ingest import detect

    assert detect(SEED.read_text(encoding="utf-8"), str(SEED)) == "news"


# --------------------------------------------------------------------------- sniff


def test_sniff_scores_releases_high(reg: Registry) -> None:
    assert news.sniff(SEED.read_text(encoding="utf-8")) >= 0.8
    for path in sorted(FIXTURES.glob("*.txt")):
        assert news.sniff(path.read_text(encoding="utf-8")) >= 0.5, path.name


@pytest.mark.parametrize("name", ["000_ed0432e762aadb2d.txt", "001_47ac0c33fd8ef360.txt"])
def test_sniff_scores_management_responses_low(name: str) -> None:
    assert news.sniff((ROOT / "data" / "documents" / name).read_text(encoding="utf-8")) < 0.2


def test_sniff_low_on_management_response_words() -> None:
    text = ("Final evaluation of the mine action programme\nCommissioning Unit: Lebanon\n\nManagement Response: "
            "the project team accepts.\nKey Action 1. Hold a meeting with LMAC in July 2020.")
    assert news.sniff(text) < 0.2


@pytest.mark.parametrize("text", ["", "   \n\n", "12345", "\x00\x01"])
def test_sniff_nothing(text: str) -> None:
    assert news.sniff(text) <= 0.2


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("text", ["", "\n\n  \n", "12345\n67890", "----\n====\n", "!!! ??? ...", "A\nB\nC"])
def test_no_title_or_prose_is_a_parse_error(text: str, reg: Registry) -> None:
    with pytest.raises(ParseError) as info:
        news.parse(text, "empty.txt", reg)
    assert info.value.source == "empty.txt"
    assert "empty.txt" in str(info.value)


def test_title_only_gives_a_record_with_a_warning(reg: Registry) -> None:
    doc = news.parse("UNDP and ANAMA signed Memorandum\n", "t.txt", reg)
    assert doc.title == "UNDP and ANAMA signed Memorandum"
    assert "no-prose" in codes(doc)
    assert "no-date" in codes(doc)


def test_prose_without_title_line(reg: Registry) -> None:
    text = ("The United Nations Development Programme and the Azerbaijan National Agency for Mine Action signed a "
            "Memorandum of Understanding on a new project in Baku today, after two years of preparations and "
            "consultations with many partners in the country.")
    doc = news.parse(text, "p.txt", reg)
    assert "no-title" in codes(doc)
    assert doc.title and text.startswith(doc.title)
    assert doc.agreements and doc.agreements[0].type == "Memorandum of Understanding"


# --------------------------------------------------------------------------- hand-made releases


def test_lebanon_acronym_defined_in_brackets(reg: Registry) -> None:
    doc = fixture("lebanon_undp_lmac_eu.txt", reg)
    assert doc.date == "2013-07-12" and doc.date_text == "12.07.2013"
    assert doc.country == "Lebanon"
    lmac = mention(doc, "org/lmac")
    assert (lmac.label, lmac.acronym, lmac.known, lmac.org_type) == ("Lebanon Mine Action Centre", "LMAC", True,
                                                                     "national-authority")
    assert [w.about for w in doc.warnings if w.code == "unknown-organisation"] == ["UNDP Lebanon Country Office"]
    # the full name and later mentions of the bare acronym resolve to the same IRI
    agreement = doc.agreements[0]
    assert iris(agreement.parties) == ["org/undp", "org/lmac"]
    assert iris(doc.projects[0].implementers) == ["org/lmac"]
    assert [m.org.iri for m in doc.organisations].count(BASE + "org/lmac") == 1


def test_lebanon_project_agreement_and_people(reg: Registry) -> None:
    doc = fixture("lebanon_undp_lmac_eu.txt", reg)
    agreement = doc.agreements[0]
    assert agreement.type == "Letter of Agreement"
    assert agreement.place == "LMAC Headquarters"
    assert agreement.about == "Mine Victims Economic Reintegration Project"
    project = doc.projects[0]
    assert project.phase == "2"
    assert iris(project.funders) == ["org/european-union"]
    eu = mention(doc, "org/european-union")
    assert (eu.acronym, eu.org_type, eu.known) == ("EU", "donor", True)
    assert [(m.amount, m.currency) for m in doc.money] == [(250000, "EUR")]
    assert project.budget is None, "EUR 250,000 is printed as funding, not as a budget"
    assert [(b.value, b.what, b.direct, b.approximate) for b in project.beneficiaries] == [
        (300, "mine survivors", True, True), (1200, "family members", False, True)]
    assert [p.name for p in project.places] == ["Bint Jbeil", "Marjayoun", "Hasbaya"]
    people = {p.name: p for p in doc.people}
    assert people["John Smith"].role == "Resident Coordinator"
    assert people["John Smith"].organisation is not None
    assert people["John Smith"].organisation.iri == BASE + "org/undp"
    rana = people["Rana Haddad"]
    assert (rana.role, rana.email) == ("Communications Analyst", "rana.haddad@undp.org")
    assert rana.organisation is not None and rana.organisation.iri == BASE + "org/undp-lebanon-country-office"
    assert rana.organisation.parent == BASE + "org/undp"
    assert doc.partnerships[0].since == "2007"
    assert "ambiguous-date" in codes(doc)


def test_iraq_un_office_and_government_donor(reg: Registry) -> None:
    doc = fixture("iraq_unmas_japan.txt", reg)
    assert (doc.date, doc.date_text, doc.country) == ("2013-07-12", "2013-07-12", "Iraq")
    office = mention(doc, "org/unmas-iraq-country-office")
    assert (office.parent, office.org_type, office.country) == (BASE + "org/unmas", "unit", "Iraq")
    assert [(m.amount, m.currency, m.text) for m in doc.money] == [(1200000, "USD", "US$ 1.2 million")]
    project = doc.projects[0]
    assert iris(project.funders) == ["org/government-of-japan"]
    assert iris(project.implementers) == ["org/mines-advisory-group", "org/iraqi-health-and-social-care-organisation"]
    mag = mention(doc, "org/mines-advisory-group")
    assert (mag.acronym, mag.org_type) == ("MAG", "ngo")
    assert "project-title-from-headline" in codes(doc)
    assert {(p.name, p.kind) for p in project.places} == {("Mosul", "district"), ("Sinjar", "district"),
                                                          ("Ninewa", "region")}
    lodhammar = next(p for p in doc.people if p.name == "Pehr Lodhammar")
    assert lodhammar.role == "Senior Programme Manager"
    assert lodhammar.organisation is not None and lodhammar.organisation.iri == BASE + "org/unmas-iraq-country-office"
    assert [(iris(p.parties), p.since) for p in doc.partnerships] == [(["org/unmas", "org/government-of-japan"],
                                                                       "2016")]
    assert doc.agreements == [], "nothing was signed"


def test_tajikistan_training_dollar_budget(reg: Registry) -> None:
    doc = fixture("tajikistan_gichd_osce.txt", reg)
    assert (doc.date, doc.date_text, doc.country) == ("2013-07-12", "July 12, 2013", "Tajikistan")
    assert mention(doc, "org/gichd").known and mention(doc, "org/tnmac").known
    office = mention(doc, "org/osce-programme-office-in-dushanbe")
    assert office.parent == BASE + "org/osce" and office.org_type == "unit"
    project = doc.projects[0]
    assert project.title == "Strengthening National Mine Action Capacities in Tajikistan"
    assert project.phase == "2"
    assert project.budget is not None and (project.budget.amount, project.budget.currency) == (500000, "USD")
    assert iris(project.funders) == ["org/government-of-germany", "org/government-of-the-united-states"]
    petrova = next(p for p in doc.people if p.name == "Anna Petrova")
    assert petrova.role == "Chief of Information Management"
    assert petrova.organisation is not None and petrova.organisation.iri == BASE + "org/gichd"


def test_cambodia_grant_agreement(reg: Registry) -> None:
    doc = fixture("cambodia_cmac_jica.txt", reg)
    assert (doc.date, doc.date_text, doc.country) == ("2013-07-12", "12 July 2013", "Cambodia")
    cmac = mention(doc, "org/cambodian-mine-action-centre")
    assert (cmac.acronym, cmac.org_type) == ("CMAC", "national-authority")
    agreement = doc.agreements[0]
    assert agreement.type == "Grant Agreement"
    assert iris(agreement.parties) == ["org/cambodian-mine-action-centre",
                                       "org/japan-international-cooperation-agency"]
    assert agreement.place == "CMAC Headquarters"
    assert agreement.about is None, "the agreement sentence names no project"
    assert [(m.amount, m.currency, m.what) for m in doc.money] == [(3500000, "USD", "grant")]
    project = doc.projects[0]
    assert (project.title, project.phase) == ("Landmine Clearance for Rural Development Project", "2")
    assert iris(project.funders) == ["org/government-of-japan"], "JICA is the channel (through), not the funder"
    assert [p.name for p in project.places] == ["Battambang", "Banteay Meanchey"]
    assert {p.kind for p in project.places} == {"region"}
    assert [(b.value, b.approximate) for b in project.beneficiaries] == [(50000, True)]
    heng = next(p for p in doc.people if p.name == "Heng Ratana")
    assert heng.role == "Director General"
    assert heng.organisation is not None and heng.organisation.acronym == "CMAC"
    assert [(iris(p.parties), p.since) for p in doc.partnerships] == [
        (["org/cambodian-mine-action-centre", "org/government-of-japan"], "1999")]


def test_afghanistan_consortium_of_three_ngos(reg: Registry) -> None:
    doc = fixture("afghanistan_ngo_consortium.txt", reg)
    assert (doc.date, doc.country) == ("2013-07-12", "Afghanistan")
    project = doc.projects[0]
    assert project.title == "Kabul Clearance Initiative"
    assert project.phase is None
    assert iris(project.implementers) == ["org/halo-trust"], "the consortium lead"
    assert iris(project.consortium) == ["org/danish-demining-group", "org/mines-advisory-group"]
    assert iris(project.funders) == ["org/government-of-the-united-kingdom",
                                     "org/swedish-international-development-cooperation-agency"]
    assert project.budget is not None
    assert (project.budget.amount, project.budget.currency) == (2000000, "GBP")
    jane = next(p for p in doc.people if p.name == "Jane Doe")
    assert jane.role == "Head of Programmes"
    assert jane.organisation is not None and jane.organisation.iri == BASE + "org/halo-trust"
    assert [(b.value, b.what, b.direct, b.approximate) for b in project.beneficiaries] == [
        (12000, "residents", True, True)]
    assert [p.name for p in project.places] == ["Paghman", "Deh Sabz"]
    assert "unknown-organisation" not in codes(doc), "the three NGOs are in the registry"


def test_ukraine_release_without_date(reg: Registry) -> None:
    doc = fixture("ukraine_no_date.txt", reg)
    assert doc.date is None and doc.date_text is None
    assert "no-date" in codes(doc)
    assert doc.country == "Ukraine"
    office = mention(doc, "org/undp-ukraine-country-office")
    assert office.parent == BASE + "org/undp"
    assert doc.publisher is not None and doc.publisher.iri == office.iri
    assert [(m.amount, m.currency, m.text) for m in doc.money] == [(250000, "EUR", "250,000 euros")]
    project = doc.projects[0]
    assert project.phase == "3"
    assert iris(project.funders) == ["org/government-of-canada"]
    assert {(p.name, p.kind) for p in project.places} == {("Donetsk", "region"), ("Luhansk", "region")}
    olena = next(p for p in doc.people if p.name == "Olena Kovalenko")
    assert olena.role == "Project Manager"
    assert olena.organisation is not None and olena.organisation.iri == office.iri
    sesu = mention(doc, "org/state-emergency-service-of-ukraine")
    assert sesu.acronym == "SESU"
    assert doc.agreements == [] and doc.partnerships == []


def test_tajikistan_context_names_and_people(reg: Registry) -> None:
    doc = fixture("tajikistan_partnership.txt", reg)
    assert doc.country == "Tajikistan"
    assert doc.date == "2013-07-05" and "ambiguous-date" in codes(doc)
    office = mention(doc, "org/undp-tajikistan")
    assert office.known and office.name == "UNDP CO"
    people = {p.name: p for p in doc.people}
    assert people["Jamshed Khamidov"].role == "Director"
    assert people["Jamshed Khamidov"].organisation is not None
    assert people["Jamshed Khamidov"].organisation.iri == BASE + "org/tnmac"
    assert people["Pratibha Mehta"].role == "Resident Representative"
    assert people["Zarina Rahimova"].email == "zarina.rahimova@undp.org"
    assert people["Zarina Rahimova"].organisation is not None
    assert people["Zarina Rahimova"].organisation.iri == BASE + "org/undp-tajikistan"
    assert [(iris(p.parties), p.since) for p in doc.partnerships] == [(["org/undp", "org/tnmac"], "2003")]
    assert doc.projects == [] and doc.money == [], "no project facts are printed"


def test_cambodia_quoted_title_with_phase_and_partners_together_with(reg: Registry) -> None:
    doc = fixture("cambodia_undp_japan_phase3.txt", reg)
    assert (doc.date, doc.date_text, doc.country) == ("2013-07-12", "12 July 2013", "Cambodia")
    agreement = doc.agreements[0]
    assert agreement.type == "Agreement"
    assert iris(agreement.parties) == ["org/government-of-japan", "org/undp"]
    assert agreement.about == "Clearing for Results Phase III"
    project = doc.projects[0]
    assert (project.title, project.phase) == ("Clearing for Results Phase III", "3")
    assert iris(project.funders) == ["org/government-of-japan"]
    assert iris(project.implementers) == ["org/cambodian-mine-action-and-victim-assistance-authority"]
    assert iris(project.consortium) == ["org/cambodian-mine-action-centre", "org/halo-trust",
                                        "org/mines-advisory-group"]
    assert [(m.amount, m.currency) for m in doc.money] == [(4500000, "USD")]
    assert [(c.value, c.what, c.approximate) for c in doc.counts] == [
        (20, "square kilometres", False), (100000, "people", True), (40, "villages", False)]
    people = {p.name: p for p in doc.people}
    assert people["Hidehisa Horinouchi"].role == "Ambassador of Japan to Cambodia"
    yamazaki = people["Setsuko Yamazaki"]
    assert yamazaki.role == "Country Director", "'in Cambodia' places the post in the country office"
    assert yamazaki.organisation is not None
    assert yamazaki.organisation.iri == BASE + "org/undp-cambodia-country-office"
    sophea = people["Sophea Chan"]
    assert (sophea.role, sophea.email) == ("Communications Officer", "sophea.chan@undp.org")
    assert sophea.organisation is not None and sophea.organisation.iri == BASE + "org/undp-cambodia-country-office"
    assert [(iris(p.parties), p.since) for p in doc.partnerships] == [
        (["org/undp", "org/royal-government-of-cambodia"], "2006")]


def test_azerbaijan_mou_with_headline_project(reg: Registry) -> None:
    doc = fixture("azerbaijan_eu_mou.txt", reg)
    assert (doc.date, doc.country) == ("2014-09-03", "Azerbaijan")
    agreement = doc.agreements[0]
    assert agreement.type == "Memorandum of Understanding"
    assert iris(agreement.parties) == ["org/european-union", "org/undp-azerbaijan"]
    assert agreement.about is None, "no project title is printed"
    project = doc.projects[0]
    assert project.title == doc.title and "project-title-from-headline" in codes(doc)
    assert iris(project.funders) == ["org/european-union"]
    assert iris(project.implementers) == ["org/anama"]
    assert [(m.amount, m.currency, m.what) for m in doc.money] == [(1500000, "EUR", "contribution")]
    assert project.budget is None
    assert [p.name for p in project.places] == ["Tartar", "Aghdam", "Fuzuli"]
    assert [(b.value, b.what, b.approximate) for b in project.beneficiaries] == [(350, "survivors", True)]
    assert [(iris(p.parties), p.since) for p in doc.partnerships] == [(["org/anama", "org/undp"], "1999")]
    assert [p.name for p in doc.people] == ["Malena Mård"]


def test_every_fixture_keeps_evidence_from_its_own_text(reg: Registry) -> None:
    for path in [SEED, *sorted(FIXTURES.glob("*.txt"))]:
        text = path.read_text(encoding="utf-8")
        doc = parse_file(path, reg)
        assert "extraction-error" not in codes(doc), path.name
        evidence = [m.evidence for m in doc.organisations] + [p.evidence for p in doc.people] + \
                   [p.evidence for p in doc.places] + [m.evidence for m in doc.money] + \
                   [c.evidence for c in doc.counts] + [a.evidence for a in doc.agreements] + \
                   [p.evidence for p in doc.partnerships]
        evidence += [e for project in doc.projects for e in project.evidence.values()]
        for item in evidence:
            assert item and item in text, (path.name, item)


# --------------------------------------------------------------------------- smaller cases


def test_local_ngo_unknown_is_minted_as_ngo(reg: Registry) -> None:
    text = ("UNDP supports survivors in Azerbaijan\n\nJul 12, 2013\n\nThe project will be implemented by "
            "International Organization for Migration in consortium with local NGO Hayat Yolu.\n")
    doc = news.parse(text, "n.txt", reg)
    hayat = mention(doc, "org/hayat-yolu")
    assert (hayat.label, hayat.org_type, hayat.known) == ("Hayat Yolu", "ngo", False)
    assert iris(doc.projects[0].consortium) == ["org/hayat-yolu"]
    assert [w.about for w in doc.warnings if w.code == "unknown-organisation"] == ["Hayat Yolu"]


def test_title_first_and_name_first_posts(reg: Registry) -> None:
    text = ("Mine action partners meet in Baku\n\n12 July 2013\n\n"
            "\"We are proud of the results,\" said Resident Coordinator UNDP, John Smith.\n\n"
            "Ms. Jane Doe, Head of Programmes of HALO Trust, presented the clearance plan.\n\n"
            "UNDP Resident Representative Maria Lopez said the work would continue.\n")
    doc = news.parse(text, "p.txt", reg)
    people = {p.name: (p.role, p.organisation.acronym if p.organisation else None) for p in doc.people}
    assert people == {"John Smith": ("Resident Coordinator", "UNDP"),
                      "Jane Doe": ("Head of Programmes", "HALO"),
                      "Maria Lopez": ("Resident Representative", "UNDP")}


def test_chrome_only_organisations_are_not_facts(reg: Registry) -> None:
    text = ("Local communities celebrate safe land\n\nJul 12, 2013\n\nUNDP and ANAMA flags\n\n"
            "Villagers in the region celebrated the return of safe farmland after years of clearance work.\n\n"
            "UNDP Around the world\nYou are at UNDP Azerbaijan\nGo to UNDP Global\n")
    doc = news.parse(text, "c.txt", reg)
    assert doc.organisations == []
    assert doc.publisher is not None and doc.publisher.iri == BASE + "org/undp-azerbaijan"


def test_no_invented_facts(reg: Registry) -> None:
    text = ("Deminers complete survey\n\nJuly 12, 2013\n\nThe survey teams finished their work in the north of the "
            "country and handed the maps to the local authorities.\n")
    doc = news.parse(text, "s.txt", reg)
    assert doc.agreements == [] and doc.projects == [] and doc.partnerships == []
    assert doc.money == [] and doc.people == [] and doc.organisations == []


def test_agreement_without_signing_is_not_an_agreement(reg: Registry) -> None:
    text = ("UNDP continues work with ANAMA\n\nJuly 12, 2013\n\nUnder the agreement of 2010, UNDP and ANAMA "
            "continue their joint work on victim assistance in the country.\n")
    assert news.parse(text, "a.txt", reg).agreements == []


def test_parse_is_deterministic(reg: Registry) -> None:
    text = (FIXTURES / "lebanon_undp_lmac_eu.txt").read_text(encoding="utf-8")
    assert news.parse(text, "x", reg).to_json() == news.parse(text, "x", reg).to_json()


def test_module_contract() -> None:
    assert news.KIND == "news"
    assert news.PARSER_VERSION == "2.0"


# --------------------------------------------------------------------------- patterns


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("US$ 1.2 million", 1200000, "USD"),
    ("$500,000", 500000, "USD"),
    ("EUR 250,000", 250000, "EUR"),
    ("€250,000", 250000, "EUR"),
    ("250,000 euros", 250000, "EUR"),
    ("136,000 USD", 136000, "USD"),
    ("GBP 2 million", 2000000, "GBP"),
    ("£1.5m", 1500000, "GBP"),
    ("USD 3.75 million", 3750000, "USD"),
    ("2 million US dollars", 2000000, "USD"),
    ("CHF 80,000", 80000, "CHF"),
])
def test_money_forms(text: str, amount: int, currency: str) -> None:
    hits = quantities.find_money(f"The project receives {text} this year.")
    assert [(h.amount, h.currency, h.text) for h in hits] == [(amount, currency, text)]


def test_money_needs_a_currency() -> None:
    assert quantities.find_money("In 2013, 40 survivors and 1,200 family members took part in 7 districts.") == []


@pytest.mark.parametrize("text", ["Jul 12, 2013", "12 July 2013", "July 12, 2013", "2013-07-12", "12.07.2013",
                                  "12th July 2013", "July 12th, 2013", "12 Jul. 2013"])
def test_date_forms(text: str) -> None:
    hits = dates.find_dates(f"Posted {text} in Baku")
    assert [(h.iso, h.text) for h in hits] == [("2013-07-12", text)]


def test_impossible_dates_are_ignored() -> None:
    assert dates.find_dates("31 February 2013, 2013-13-40, 45.45.2013") == []


@pytest.mark.parametrize(("text", "phase"), [
    ("the 3rd phase of the project", "3"), ("phase II of the project", "2"), ("the second phase", "2"),
    ("Phase 2 of the project", "2"), ("its Phase III", "3"), ("phase-4 activities", "4"),
])
def test_phase_forms(text: str, phase: str) -> None:
    hit = quantities.find_phase(text)
    assert hit is not None and hit.number == phase


def test_phase_absent() -> None:
    assert quantities.find_phase("The current phase of the project and the phase-out plan") is None


def test_counts() -> None:
    hits = quantities.find_counts(
        "approximately 160 family members, 40 mine survivors, seven districts and 1,200 people")
    assert [(h.value, h.what, h.approximate, h.person) for h in hits] == [
        (160, "family members", True, True), (40, "mine survivors", False, True), (7, "districts", False, False),
        (1200, "people", False, True)]


def test_places() -> None:
    hits = pat.find_places("in Aghjabedi, Beylagan and Saatli districts and the provinces of Battambang and Pailin")
    assert [(h.name, h.kind) for h in hits] == [("Aghjabedi", "district"), ("Beylagan", "district"),
                                                ("Saatli", "district"), ("Battambang", "region"), ("Pailin", "region")]


def test_sentences_keep_abbreviations() -> None:
    line = "Mr. Broek spoke, e.g. about loans. The U.S. Embassy attended. J. Smith left."
    spans = dates.split_sentences(line)
    assert [line[a:b] for a, b in spans] == ["Mr. Broek spoke, e.g. about loans.", "The U.S. Embassy attended.",
                                             "J. Smith left."]


@pytest.mark.parametrize(("text", "count"), [
    ("The number of beneficiaries will be about 160.", (160, "beneficiaries", True)),
    ("Participants totalled 1,200 in 2013.", (1200, "participants", False)),
    ("The project trains forty mine survivors.", (40, "mine survivors", False)),
])
def test_counts_printed_after_or_in_words(text: str, count: tuple[int, str, bool]) -> None:
    assert [(h.value, h.what, h.approximate) for h in quantities.find_counts(text)] == [count]


@pytest.mark.parametrize("text", ["Survivors were 40% of the trainees.", "The project runs for 18 months.",
                                  "People are 30 percent of the target."])
def test_durations_and_percentages_are_not_counts(text: str) -> None:
    assert quantities.find_counts(text) == []
