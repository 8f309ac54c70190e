"""The canned queries answer the issues' questions on the KB built from the seed documents."""

from __future__ import annotations

from kb import queries
from kb.ingest import parser_version
from kb.store import OxigraphStore
from tests.support.kbs import BASE


def rows(store: OxigraphStore, name: str, **params: str) -> list[dict]:
    return store.select(queries.get(name).render(params)).values()


def test_every_canned_query_runs_and_answers(seed_store: OxigraphStore) -> None:
    empty = {"status-changes"}     # nothing has changed status in a single build
    for name in queries.all_queries():
        got = rows(seed_store, name)
        assert (len(got) == 0) == (name in empty), name


def test_overdue_as_of_a_date(seed_store: OxigraphStore) -> None:
    tajik = [r for r in rows(seed_store, "overdue-actions", asOf="2021-01-01") if "Tajikistan" in r["evaluationTitle"]]
    assert len(tajik) == 1
    assert tajik[0]["statusLabel"] == "Not Initiated" and tajik[0]["dueText"] == "2020/12"
    assert tajik[0]["people"] == "Olaf Juergensen" and tajik[0]["units"] == "UNDP Headquarters, Crisis Bureau"
    # due 2020/12 means by the end of December: not overdue on the 31st
    later = rows(seed_store, "overdue-actions", asOf="2020-12-31")
    assert not [r for r in later if "Tajikistan" in r["evaluationTitle"]]


def test_acceptance_per_evaluation(seed_store: OxigraphStore) -> None:
    found = rows(seed_store, "acceptance-per-evaluation")
    got = {(r["title"][:20], r["acceptance"]): r["recommendations"] for r in found}
    assert got[("Strengthen National ", "Partially accepted")] == 3
    assert got[("Strengthen National ", "Accepted")] == 2
    assert got[("Final evaluation of ", "Not reported")] == 10


def test_actions_by_status_per_country(seed_store: OxigraphStore) -> None:
    found = rows(seed_store, "actions-by-status-per-country")
    got = {(r["countryLabel"], r["statusLabel"]): r["actions"] for r in found}
    assert got[("Tajikistan", "Completed")] == 4
    assert got[("Tajikistan", "No Longer Applicable")] == 2
    assert got[("Tajikistan", "Not Initiated")] == 1
    assert got[("(no country)", "Not Reported")] == 7     # the Minamata response prints no status


def test_commitments_of_one_person(seed_store: OxigraphStore) -> None:
    nargiz = rows(seed_store, "person-commitments", person="nargizakhon usmanova")
    assert len(nargiz) == 6
    assert sorted(r["statusLabel"] for r in nargiz) == ["Completed"] * 4 + ["No Longer Applicable"] * 2
    justified = next(r for r in nargiz if r["recommendationNumber"] == "1")
    assert justified["comment"].startswith("the project ended and UNDP didn't receive")
    assert len(rows(seed_store, "person-commitments", person="Olaf Juergensen")) == 1
    assert rows(seed_store, "person-commitments", person="Nobody") == []


def test_open_actions_by_organisation(seed_store: OxigraphStore) -> None:
    got = {(r["organisation"], r["unit"]): r["open"] for r in rows(seed_store, "open-actions-by-organisation")}
    assert got[(f"{BASE}org/undp", f"{BASE}org/undp-crisis-bureau")] == 1
    assert got[(f"{BASE}org/unitar", f"{BASE}org/unitar-cwm")] == 7
    assert got[(f"{BASE}org/unitar", f"{BASE}org/unitar-ppme")] == 2
    assert got[(f"{BASE}org/undp", f"{BASE}org/undp-montreal-protocol")] == 2
    assert (f"{BASE}org/undp", f"{BASE}org/undp-tajikistan") not in got      # all six are Completed or dropped


def test_project_with_funders_implementers_budget_beneficiaries_places(seed_store: OxigraphStore) -> None:
    (p,) = rows(seed_store, "projects")
    assert p["title"] == ("Community Based Small Business Trainings and Micro-credit Revolving Fund "
                          "for Azerbaijan Mine Survivors Project")
    assert p["phase"] == "3"
    assert set(p["funders"].split("; ")) == {"United Nations Development Programme",
                                             "Azerbaijan National Agency for Mine Action"}
    assert p["implementers"] == "International Organization for Migration"
    assert p["consortium"] == "Ciraq"
    assert int(p["budget"]) == 136000 and p["budgetCurrency"] == "USD"
    assert {"40 mine survivors", "160 family members"} <= set(p["beneficiaries"].split("; "))
    assert set(p["places"].split("; ")) >= {"Aghjabedi", "Beylagan", "Imishli", "Saatli", "Bilasuvar"}


def test_every_project_fact_has_its_evidence_sentence(seed_store: OxigraphStore) -> None:
    facts = rows(seed_store, "project-evidence")
    props = {r["property"].rsplit("#", 1)[-1] for r in facts}
    assert {"funder", "implementer", "consortiumMember", "location"} <= props
    funding = [r for r in facts if r["property"].endswith("#funder")]
    assert all("co-funded" in r["evidence"] for r in funding)
    assert all(r["graph"].startswith(f"{BASE}graph/news/") for r in facts)
    budget = seed_store.select("""PREFIX makb: <https://w3id.org/makb/ontology#>
        SELECT ?e WHERE { ?p makb:budget/makb:evidence ?e }""").values()
    assert "136,000 USD" in budget[0]["e"]


def test_findings_are_queryable(seed_store: OxigraphStore) -> None:
    codes = {r["code"] for r in rows(seed_store, "data-quality-findings")}
    assert {"covers-count-mismatch", "date-before-response", "unknown-organisation"} <= codes


def test_documents_carry_provenance(seed_store: OxigraphStore) -> None:
    docs = rows(seed_store, "documents")
    assert sorted(r["fileName"] for r in docs) == ["000_ed0432e762aadb2d.txt", "001_47ac0c33fd8ef360.txt",
                                                   "002_f7a1618a2c1dab11.txt"]
    assert {r["kind"] for r in docs} == {"erc-page", "response-document", "news"}
    assert all(len(r["hash"]) == 64 and r["parser"] == parser_version(r["kind"]) for r in docs)
