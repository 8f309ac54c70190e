"""Properties of the news-release parser over generated text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.errors import ParseError
from kb.ingest import news
from kb.ingest.news import dates as news_dates
from kb.ingest.news import quantities
from kb.model import NewsDocument, ProjectRecord
from kb.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "data" / "documents" / "002_f7a1618a2c1dab11.txt").read_text(encoding="utf-8")
FIXTURES = [p.read_text(encoding="utf-8")
            for p in sorted((Path(__file__).parents[1] / "fixtures" / "news").glob("*.txt"))]
REGISTRY = Registry(ROOT / "data" / "registry.ttl")
BASE = "https://w3id.org/makb/id/"

PROFILE = settings(max_examples=200, deadline=None)
SEED_DOC = news.parse(SEED, "chrome.txt", REGISTRY)

WORDS = ["UNDP", "ANAMA", "IOM", "Mr.", "Ms.", "of", "and", "the", "Project", "phase", "II", "(LMAC)", "districts",
         "funded", "by", "in", "consortium", "with", "signed", "Memorandum", "since", "1999", "US$", "1.2", "million",
         "136,000", "USD", "€250,000", "Jul", "12,", "2013", "\u201c", "\u201d", '"', ",", ".", ";", "\n", "\n\n",
         "Head", "Director", "Resident", "Representative", "John", "Smith", "local", "NGO", "Ciraq", "Lebanon",
         "Mine", "Action", "Centre", "x@y.org", "approximately", "160", "family", "members", "You are at", "-"]
CHROME = ["Skip to main content", "Home > News > Press releases", "Share this page", "UNDP and ANAMA flags",
          "UNDP Around the world", "You are at UNDP Azerbaijan", "Go to UNDP Global", "Print this page",
          "Follow us on Twitter", "Related news", "Photo: UNDP Azerbaijan"]
ORGS = [("UNDP", "org/undp"), ("ANAMA", "org/anama"), ("IOM", "org/iom"), ("UNICEF", "org/unicef"),
        ("United Nations Mine Action Service", "org/unmas"), ("Geneva International Centre for Humanitarian Demining",
                                                              "org/gichd"), ("TNMAC", "org/tnmac")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


def date_forms(d: dt.date) -> list[str]:
    month = MONTHS[d.month - 1]
    return [f"{month[:3]} {d.day}, {d.year}", f"{d.day} {month} {d.year}", f"{month} {d.day}, {d.year}",
            d.isoformat(), f"{d.day:02d}.{d.month:02d}.{d.year}"]


def evidence_of(doc: NewsDocument) -> list[str | None]:
    out = [m.evidence for m in doc.organisations] + [p.evidence for p in doc.people] + \
          [p.evidence for p in doc.places] + [m.evidence for m in doc.money] + [c.evidence for c in doc.counts] + \
          [a.evidence for a in doc.agreements] + [p.evidence for p in doc.partnerships]
    return out + [e for project in doc.projects for e in project.evidence.values()]


def parse_or_none(text: str) -> NewsDocument | None:
    try:
        return news.parse(text, "gen.txt", REGISTRY)
    except ParseError as exc:
        assert exc.source == "gen.txt"
        return None


# --------------------------------------------------------------------------- any input


@PROFILE
@given(st.text(max_size=600))
def test_any_text_parses_or_raises_parse_error(text: str) -> None:
    doc = parse_or_none(text)
    assert 0.0 <= news.sniff(text) <= 1.0
    if doc is not None:
        assert doc.title
        assert not [w for w in doc.warnings if w.code == "extraction-error"]


@PROFILE
@given(st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join))
def test_release_like_word_soup(text: str) -> None:
    doc = parse_or_none(text)
    assert 0.0 <= news.sniff(text) <= 1.0
    if doc is not None:
        assert not [w for w in doc.warnings if w.code == "extraction-error"]
        for item in evidence_of(doc):
            assert item and item in text
        assert all(m.amount > 0 for m in doc.money)
        assert all(c.value >= 0 for c in doc.counts)


@PROFILE
@given(st.sampled_from([SEED, *FIXTURES]), st.integers(0, 10_000), st.integers(0, 10_000))
def test_truncated_releases(text: str, a: int, b: int) -> None:
    piece = text[min(a, b) % (len(text) + 1):max(a, b) % (len(text) + 1)]
    doc = parse_or_none(piece)
    if doc is not None:
        assert not [w for w in doc.warnings if w.code == "extraction-error"]
        for item in evidence_of(doc):
            assert item and item in piece
        assert news.parse(piece, "gen.txt", REGISTRY).to_json() == doc.to_json()


# --------------------------------------------------------------------------- page chrome


@PROFILE
@given(st.lists(st.sampled_from(CHROME), max_size=4), st.lists(st.sampled_from(CHROME), max_size=4))
def test_chrome_lines_add_no_facts(before: list[str], after: list[str]) -> None:
    lines = SEED.split("\n")
    text = "\n".join([*before, "", lines[0], *lines[1:], "", *after])
    doc = news.parse(text, "chrome.txt", REGISTRY)
    base = SEED_DOC
    assert doc.title == base.title and doc.date == base.date
    assert [m.org.iri for m in doc.organisations] == [m.org.iri for m in base.organisations]
    assert [(p.name, p.role, p.email) for p in doc.people] == [(p.name, p.role, p.email) for p in base.people]
    assert unspanned(doc.projects) == unspanned(base.projects)
    assert unspanned(doc.agreements) == unspanned(base.agreements)
    assert unspanned(doc.partnerships) == unspanned(base.partnerships)
    assert unspanned(doc.counts) == unspanned(base.counts) and unspanned(doc.money) == unspanned(base.money)
    for record in [*doc.money, *doc.counts, *doc.agreements, *doc.partnerships, *doc.organisations]:
        assert record.start is not None and record.end is not None
        assert text[record.start:record.end] == record.evidence, "offsets move with the text"


def unspanned(records: list[Any]) -> list[Any]:
    """The records without their source offsets (which move when lines are added above)."""
    out = []
    for r in records:
        changes: dict[str, Any] = {f.name: None for f in dataclasses.fields(r) if f.name in ("start", "end")}
        if isinstance(r, ProjectRecord):
            changes["spans"] = {}
            changes["budget"] = unspanned([r.budget])[0] if r.budget else None
            changes["places"] = unspanned(r.places)
            changes["beneficiaries"] = unspanned(r.beneficiaries)
        out.append(dataclasses.replace(r, **changes))
    return out


# --------------------------------------------------------------------------- generated releases


@PROFILE
@given(dates, st.integers(0, 4), st.sampled_from(ORGS), st.sampled_from(ORGS), st.integers(1, 999_999),
       st.sampled_from(["{n:,} USD", "US$ {n:,}", "${n:,}", "EUR {n:,}", "€{n:,}", "{n:,} euros", "GBP {n:,}"]),
       st.integers(2, 9_999), st.sampled_from(["mine survivors", "families", "children", "people"]))
def test_generated_release(day: dt.date, form: int, funder: tuple[str, str], implementer: tuple[str, str],
                           amount: int, money_form: str, count: int, who: str) -> None:
    money_text = money_form.format(n=amount)
    currency = "USD" if "USD" in money_form or "$" in money_form else "GBP" if "GBP" in money_form else "EUR"
    text = "\n".join([
        "Skip to main content",
        "New clearance project launched",
        "",
        date_forms(day)[form],
        "",
        f'Partners today launched the second phase of the "Safe Fields for Rural Families Project" with a total '
        f"budget of {money_text}.",
        "",
        f"The project is funded by {funder[0]} and will be implemented by {implementer[0]}.",
        "",
        f"It is expected that {count:,} {who} will directly benefit from the project.",
        "",
        "Share this page",
    ])
    doc = news.parse(text, "gen.txt", REGISTRY)
    assert doc.date == day.isoformat()
    assert doc.title == "New clearance project launched"
    project = doc.projects[0]
    assert project.title == "Safe Fields for Rural Families Project"
    assert project.phase == "2"
    assert project.budget is not None
    assert (project.budget.amount, project.budget.currency, project.budget.text) == (amount, currency, money_text)
    assert [r.iri for r in project.funders] == [BASE + funder[1]]
    assert [r.iri for r in project.implementers] == [BASE + implementer[1]]
    assert [(b.value, b.what, b.direct) for b in project.beneficiaries] == [(count, who, True)]
    for item in evidence_of(doc):
        assert item and item in text


# --------------------------------------------------------------------------- patterns


@PROFILE
@given(dates)
def test_every_date_form_reads_back(day: dt.date) -> None:
    for text in date_forms(day):
        hits = news_dates.find_dates(f"Baku, {text}")
        assert [(h.iso, h.text) for h in hits] == [(day.isoformat(), text)]


@PROFILE
@given(st.integers(1, 10**9), st.sampled_from(["US$ {n:,}", "${n:,}", "USD {n}", "{n:,} USD", "EUR {n:,}",
                                                 "€{n:,}", "{n:,} euros", "GBP {n:,}", "£{n}", "CHF {n:,}"]))
def test_every_money_form_reads_back(amount: int, form: str) -> None:
    text = form.format(n=amount)
    hits = quantities.find_money(f"with a contribution of {text} to the project")
    assert [(h.amount, h.text) for h in hits] == [(amount, text)]


@PROFILE
@given(st.integers(1, 999), st.sampled_from(["thousand", "million", "billion"]), st.integers(0, 9))
def test_scaled_money(whole: int, scale: str, tenth: int) -> None:
    factor = {"thousand": 1000, "million": 10**6, "billion": 10**9}[scale]
    hits = quantities.find_money(f"US$ {whole}.{tenth} {scale}")
    assert [h.amount for h in hits] == [whole * factor + tenth * factor // 10]


@PROFILE
@given(st.integers(1, 20), st.sampled_from(["roman", "digit", "ordinal", "suffix"]))
def test_phase_forms_read_back(number: int, form: str) -> None:
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
    if form in ("roman", "ordinal") and number > 10:
        number = number % 10 + 1
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10, "th")
    text = {"roman": f"phase {roman[min(number, 10) - 1]}", "digit": f"Phase {number}",
            "ordinal": f"the {ordinals[min(number, 10) - 1]} phase", "suffix": f"the {number}{suffix} phase"}[form]
    hit = quantities.find_phase(f"Work began on {text} of the project.")
    assert hit is not None and hit.number == str(number)


@PROFILE
@given(st.text(max_size=300))
def test_sentence_spans_cover_the_line(line: str) -> None:
    line = line.replace("\n", " ")
    spans = news_dates.split_sentences(line)
    assert all(0 <= a < b <= len(line) for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
    assert all(line[a:b] == line[a:b].strip() for a, b in spans)
    visible = "".join(c for c in line if not c.isspace())
    assert "".join(c for a, b in spans for c in line[a:b] if not c.isspace()) == visible
