"""Properties of the management-response parsers and their text helpers (hypothesis + examples).

Any text gives either a record or a ``ParseError`` naming the source; records always keep
their invariants (normalised dates, deduplicated organisations, truncation reported).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import ParseError
from kb.ingest import board, erc, response_doc, tracker
from kb.model import Finding, ManagementResponseDocument
from kb.registry import Registry, load_registry
from kb.registry.resolver import Resolver, find_country, is_person_name
from kb.settings import DATA_DIR
from kb.text.acceptance import split_acceptance
from kb.text.clean import bullet_text, clean, strip_markup, strip_quotes
from kb.text.dates import date_mentions, dates_before, parse_date

REG = load_registry()
SEEDS = DATA_DIR / "documents"
FIXTURES = Path(__file__).parents[1] / "fixtures"
TEXTS = [p.read_text(encoding="utf-8") for p in
         [SEEDS / "000_ed0432e762aadb2d.txt", SEEDS / "001_47ac0c33fd8ef360.txt",
          *sorted(FIXTURES.glob("erc/*.txt")), *sorted(FIXTURES.glob("response_doc/*.txt")),
          *sorted(FIXTURES.glob("tracker/*.txt")), *sorted(FIXTURES.glob("board/*.txt"))]]
FRAGMENTS = sorted({ln for t in TEXTS for ln in t.split("\n")} | {
    "History", "Key Actions:", "[Added: 2020/01/11] [Last Updated: 2020/10/08]", "[Added: 2020/13/45]",
    "1. Recommendation:", "1.1. Recommendation:", "For UNDP CO", "For", "Recommendations 3-1:",
    "Recommendations 1-999:", "Key Action(s)\tTime Frame\tResponsible Unit(s)", "\t\t\tStatus\tComments",
    "\u2022", "\\* footnote", "Management Response:", "Management Response: [Added: ]", "1.", "1. [Added: 2020/01/01]",
    "[Justification: ", "]", "Project Team 2020/02", "2020/02 Completed", "Evaluation Recommendation 1:",
    "**Management Response: Accepted**", "\t\t\t\t", "Latest Evaluations", "Contact us", "Prepared by:",
    "Position:", "Unit/Bureau:", "Input by UNDP: A B", "Commissioning Unit: Lebanon", "Commissioning Unit:",
    ": ", ": Approved", ":", "Recommendation:", "Recommendation: 1.", "Responsible Deadline Status Comments",
    "Key Action | Responsible | DueDate | Status | Comments | Documents |", "---|---|---|", "| a | b |", "|",
    "Management response to the evaluation of", "DP/2016/5", "1.1. x. Unit 2011/12 Over due",
})
PARSERS = [erc, response_doc, tracker, board]
PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=60).map("\n".join)


def check(mod: ModuleType, text: str, source: str = "prop.txt") -> ManagementResponseDocument | None:
    """Parse; on success check the record's invariants, on failure check the error names the source."""
    try:
        doc = mod.parse(text, source, REG)
    except ParseError as exc:
        assert exc.source == source
        assert source in str(exc)
        assert "internal parser error" not in exc.reason
        return None
    assert isinstance(doc, ManagementResponseDocument)
    assert doc.kind == mod.KIND and doc.source == source
    assert isinstance(doc.evaluation.title, str)
    iris = [o.iri for o in doc.organisations]
    assert len(iris) == len(set(iris))
    for f in doc.warnings:
        assert isinstance(f, Finding) and f.code and f.message
    truncated = [ka for r in doc.recommendations for ka in r.key_actions if ka.truncated]
    assert len(truncated) <= sum(1 for f in doc.warnings if f.code == "truncated")
    for r in doc.recommendations:
        assert r.number and isinstance(r.text, str)
        if r.addressee_org:
            assert r.addressee_org.iri in iris
        if r.response:
            for d in (r.response.added, r.response.updated):
                assert d is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)
        for ka in r.key_actions:
            assert ka.number
            assert ka.due is None or re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", ka.due)
            assert len(ka.responsible) == len(ka.parties)
            for p in ka.parties:
                assert p.kind in ("person", "unit", "organisation", "team")
                assert p.text
                if p.organisation:
                    assert p.organisation.iri in iris
                if p.kind == "person":
                    assert p.person is not None and p.person.name
    doc.to_json()
    return doc


# --------------------------------------------------------------------------- parsers: any text


@pytest.mark.parametrize("mod", PARSERS, ids=lambda m: m.KIND)
@PROPS
@given(text=st.text(max_size=3000))
def test_any_text_gives_record_or_parse_error(mod: ModuleType, text: str) -> None:
    check(mod, text)
    assert 0.0 <= mod.sniff(text) <= 1.0


@pytest.mark.parametrize("mod", PARSERS, ids=lambda m: m.KIND)
@PROPS
@given(text=documents)
def test_shuffled_fragments_give_record_or_parse_error(mod: ModuleType, text: str) -> None:
    check(mod, text)
    assert 0.0 <= mod.sniff(text) <= 1.0


@pytest.mark.parametrize("mod", PARSERS, ids=lambda m: m.KIND)
@PROPS
@given(data=st.data())
def test_every_prefix_of_a_real_document(mod: ModuleType, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(TEXTS))
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    check(mod, text[:cut])


FULL_SEED = erc.parse(TEXTS[0], "full", REG)


@PROPS
@given(cut=st.integers(min_value=0, max_value=len(TEXTS[0])))
def test_truncated_erc_page_keeps_what_came_before(cut: int) -> None:
    full = FULL_SEED
    doc = check(erc, TEXTS[0][:cut])
    if doc is None:
        return
    assert len(doc.recommendations) <= len(full.recommendations)
    for part, whole in zip(doc.recommendations[:-1], full.recommendations, strict=False):
        assert part.number == whole.number and part.text == whole.text
        assert [k.text for k in part.key_actions] == [k.text for k in whole.key_actions]


@PROPS
@given(text=documents)
def test_sniffers_never_both_sure(text: str) -> None:
    assert min(erc.sniff(text), response_doc.sniff(text)) < 0.9 or (
        "[Added" in text and "Evaluation Recommendation" in text)


@PROPS
@given(text=documents)
def test_parsing_is_deterministic(text: str) -> None:
    for mod in PARSERS:
        try:
            first = mod.parse(text, "d", REG).to_json()
        except ParseError as exc:
            with pytest.raises(ParseError) as again:
                mod.parse(text, "d", REG)
            assert again.value.reason == exc.reason
            continue
        assert mod.parse(text, "d", REG).to_json() == first


# --------------------------------------------------------------------------- helpers: properties


@PROPS
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_parse_date_formats(day: dt.date) -> None:
    iso, month = day.isoformat(), day.isoformat()[:7]
    assert parse_date(day.strftime("%Y/%m/%d")) == iso
    assert parse_date(f"By {day.day} {day.strftime('%B')} {day.year}") == iso
    assert parse_date(f"{day.strftime('%B')} {day.day}, {day.year}") == iso
    assert parse_date(day.strftime("%Y/%m")) == month
    assert parse_date(f"{day.month:02d}/{day.year}") == month
    assert parse_date(f"{day.strftime('%b')} {day.year}") == month


@PROPS
@given(text=st.text(max_size=300))
def test_helpers_never_fail(text: str) -> None:
    value = parse_date(text)
    assert value is None or re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", value)
    for d in date_mentions(text):
        assert isinstance(d.end, dt.date) and d.text
    once = clean(text)
    assert clean(once) == once
    assert "\u00a0" not in once and "  " not in once and "\t" not in once
    acceptance, _rest = split_acceptance(text)
    assert acceptance in (None, "Accepted", "Partially accepted", "Rejected")
    strip_markup(text)
    is_person_name(text)


@PROPS
@given(text=st.one_of(st.text(max_size=200), st.sampled_from(FRAGMENTS)))
def test_parties_never_fail(text: str) -> None:
    findings: list[Finding] = []
    resolver = Resolver(REG, findings, country="Tajikistan", country_office_of="UNDP")
    for party in resolver.parties(text):
        assert party.text and party.kind in ("person", "unit", "organisation", "team")
        if party.organisation:
            assert party.organisation.iri in resolver.orgs
    assert all(f.code == "unknown-organisation" for f in findings)


@PROPS
@given(year=st.integers(1990, 2090), month=st.integers(1, 12))
def test_month_mentions_end_on_last_day(year: int, month: int) -> None:
    name = dt.date(year, month, 1).strftime("%B")
    [mention] = date_mentions(f"We will meet in {name} {year} with partners.")
    assert mention.end.year == year and mention.end.month == month
    assert (mention.end + dt.timedelta(days=1)).day == 1


# --------------------------------------------------------------------------- helpers: examples


@pytest.mark.parametrize(("text", "expected"), [
    ("2020/02", "2020-02"), ("2020/12/31", "2020-12-31"), ("12/2019", "2019-12"), ("By 30 March 2020", "2020-03-30"),
    ("30th of June, 2021", "2021-06-30"), ("March 30, 2020", "2020-03-30"), ("Sept. 2020", "2020-09"),
    ("31/12/2022", "2022-12-31"), ("12/31/2022", "2022-12-31"), ("2021-05-04", "2021-05-04"), ("Q2 2022", "2022-06"),
    ("2023 Q4", "2023-12"), ("By end of 2021", "2021-12"), ("mid-2020", "2020-06"), ("Ongoing", None),
    ("Done", None), ("Unknown", None), ("2020", None), ("2020/13", None), ("31 February 2020", None), ("", None),
])
def test_parse_date_examples(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "mentions"), [
    ("The meeting will be arranged in January-February 2019.", [("January-February 2019", "2019-02-28")]),
    ("Support beyond 2019 and the 2018-19 report", []),
    ("to be finished by the end of 2019", [("by the end of 2019", "2019-12-31")]),
    ("planned during 2018-2019", [("during 2018-2019", "2019-12-31")]),
    ("on 5 May 2020 and in Q3 2021", [("5 May 2020", "2020-05-05"), ("Q3 2021", "2021-09-30")]),
])
def test_date_mentions_examples(text: str, mentions: list[tuple[str, str]]) -> None:
    assert [(d.text, d.end.isoformat()) for d in date_mentions(text)] == mentions


def test_dates_before() -> None:
    assert [d.text for d in dates_before("in March 2020 and April 2020", "2020-04-01")] == ["March 2020"]
    assert dates_before("in March 2020", None) == []
    assert dates_before(None, "2020-04-01") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Partially Accepted \u2013 agreed that", ("Partially accepted", "agreed that")),
    ("Accepted", ("Accepted", "")),
    ("accepted. The plan", ("Accepted", "The plan")),
    ("Not accepted: no", ("Rejected", "no")),
    ("Rejected", ("Rejected", "")),
    ("Agreed that gender matters", (None, "Agreed that gender matters")),
    ("The response", (None, "The response")),
])
def test_split_acceptance(text: str, expected: tuple[str | None, str]) -> None:
    assert split_acceptance(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Nargizakhon Usmanova", True), ("Olaf Juergensen", True), ("Monica Gaba Kapadia", True), ("Ms. Jane Doe", True),
    ("Jean-Luc de la Croix", True), ("Project Team", False), ("UNDP CO", False), ("Programme Analyst", False),
    ("Tajikistan Mine Action Sector", False), ("TNMAC", False), ("Olaf", False), ("the Government", False),
])
def test_is_person_name(text: str, expected: bool) -> None:
    assert is_person_name(text) is expected


def test_clean_and_markup() -> None:
    assert clean("\u00a0 Recommendation\u00a0 2.\t x \u200b") == "Recommendation 2. x"
    assert strip_markup("**Bold** <b>tag</b> \\* star &amp; co\tcell") == "Bold tag * star & co\tcell"
    assert strip_quotes("\u201cA title\u201d") == "A title"
    assert bullet_text("\u2022 Promote it") == "Promote it"
    assert bullet_text("- item") == "item"
    assert bullet_text("Not a bullet") is None


def resolver(country: str | None = "Tajikistan", registry: Registry = REG) -> Resolver:
    return Resolver(registry, [], country=country, country_office_of="UNDP")


def test_parties_examples() -> None:
    base = "https://w3id.org/makb/id/org/"
    r = resolver()
    [olaf] = r.parties("Olaf Juergensen, Regional Development and Mine Action Specialist, HQ/Crisis Bureau")
    assert olaf.kind == "person" and olaf.text == "Olaf Juergensen"
    assert olaf.person.role == "Regional Development and Mine Action Specialist"
    assert olaf.person.organisation.iri == base + "undp-crisis-bureau"
    units = r.parties("UNITAR CWM and PPME")
    assert [(p.text, p.kind, p.organisation.iri) for p in units] == [
        ("UNITAR CWM", "unit", base + "unitar-cwm"), ("PPME", "unit", base + "unitar-ppme")]
    [co] = r.parties("Tajikistan")
    assert co.organisation.iri == base + "undp-tajikistan"
    [team] = r.parties("Project Team", default_org=co.organisation)
    assert team.kind == "team" and team.organisation.iri == base + "undp-tajikistan"
    [named] = r.parties("Jane Doe (Programme Analyst)", default_org=co.organisation)
    assert named.person.name == "Jane Doe" and named.person.role == "Programme Analyst"
    assert r.parties("N/A") == [] and r.parties("") == [] and r.parties(None) == []
    [ministry] = r.parties("Ministry of Labour and Social Protection")
    assert ministry.kind == "organisation" and not ministry.organisation.known
    assert ministry.organisation.org_type == "government"


def test_country_office_without_registry_entry_is_minted_once() -> None:
    findings: list[Finding] = []
    r = Resolver(REG, findings, country="Cambodia", country_office_of="UNDP")
    a = r.resolve("UNDP CO", line=3)
    b = r.country_office("Cambodia", line=1)
    assert a.iri == b.iri == "https://w3id.org/makb/id/org/undp-cambodia-country-office"
    assert not a.known and a.parent == "https://w3id.org/makb/id/org/undp" and a.country == "Cambodia"
    assert [f.code for f in findings] == ["unknown-organisation"]
    assert r.organisations() == [a]


def test_find_country() -> None:
    assert find_country("Final Evaluation of the Mine Action Project in Azerbaijan", REG) == "Azerbaijan"
    assert find_country("Strengthen National Decision Making", REG) is None


def test_only_generic_units_are_scoped() -> None:
    base = "https://w3id.org/makb/id/org/"
    r = resolver()
    office = r.country_office("Tajikistan")
    scoped = r.resolve("Governance Unit", scope=office)
    assert scoped.parent == base + "undp-tajikistan"
    assert scoped.label == "Governance Unit, UNDP Tajikistan Country Office"
    own = r.resolve("Office of the Prime Minister", scope=office)
    assert own.parent is None and own.label == "Office of the Prime Minister"
    prefixed = r.resolve("UNITAR Legal Unit", scope=office)
    assert prefixed.parent == base + "unitar"
