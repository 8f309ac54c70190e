"""Organisation resolution: names, acronyms, aliases, context, minting."""

from __future__ import annotations

import pytest

from kb.errors import ConfigError
from kb.registry import Registry, guess_type, normalise, slugify
from tests.support.kbs import BASE

SEED_ORGS = ["undp", "undp-tajikistan", "undp-azerbaijan", "undp-regional-hub", "undp-crisis-bureau",
             "undp-montreal-protocol", "tnmac", "anama", "unitar", "unitar-cwm", "unitar-ppme", "iom", "unops",
             "gichd", "osce", "unido", "who", "unep", "ciraq"]


def test_every_seed_organisation_is_registered_with_type(registry: Registry) -> None:
    for key in SEED_ORGS:
        entry = registry.get(f"{BASE}org/{key}")
        assert entry is not None, key
        assert entry.label and entry.org_type != "other"
    assert registry.get(f"{BASE}org/undp-tajikistan").parent == f"{BASE}org/undp"
    assert registry.get(f"{BASE}org/unitar-cwm").parent == f"{BASE}org/unitar"
    assert registry.get(f"{BASE}org/tnmac").org_type == "national-authority"
    assert registry.get(f"{BASE}org/ciraq").org_type == "ngo"
    assert registry.get(f"{BASE}org/anama").country == "Azerbaijan"


@pytest.mark.parametrize(("name", "country", "key"), [
    ("TNMAC", None, "tnmac"),
    ("Tajikistan National Mine Action Centre", None, "tnmac"),
    ("tajikistan national mine action center", None, "tnmac"),
    ("UNDP CO", "Tajikistan", "undp-tajikistan"),
    ("UNDP CO", "Azerbaijan", "undp-azerbaijan"),
    ("HQ/Crisis Bureau", None, "undp-crisis-bureau"),
    ("UNITAR CWM", None, "unitar-cwm"),
    ("PPME", None, "unitar-ppme"),
    ("UNDP MPU", None, "undp-montreal-protocol"),
    ("Montreal Protocol/Chemicals, UNDP", None, "undp-montreal-protocol"),
    ("International Organisation for Migration", None, "iom"),
    ("UN Environment", None, "unep"),
    ("the United Nations Development Programme", None, "undp"),
])
def test_lookup(registry: Registry, name: str, country: str | None, key: str) -> None:
    ref = registry.lookup(name, country)
    assert ref is not None and ref.iri == f"{BASE}org/{key}"
    assert ref.name == name and ref.known


def test_context_names_need_a_country(registry: Registry) -> None:
    assert registry.lookup("UNDP CO") is None
    assert registry.lookup("UNDP CO", "Lebanon") is None


def test_unknown_names_are_minted_deterministically(registry: Registry) -> None:
    a = registry.resolve("Somaliland Mine Action Centre", acronym="SMAC")
    b = registry.resolve("Somaliland Mine Action Centre")
    assert a.iri == b.iri == f"{BASE}org/somaliland-mine-action-centre"
    assert not a.known and a.org_type == "national-authority" and a.acronym == "SMAC"


def test_guess_type() -> None:
    assert guess_type("local NGO Ciraq") == "ngo"
    assert guess_type("Ministry of Defence") == "government"
    assert guess_type("UNMAS") == "un-agency"
    assert guess_type("Acme") == "other"
    assert guess_type("Energy and Environment Unit") == "unit"          # not "UN..." in any case
    assert guess_type("United Kingdom Embassy") == "donor"
    assert guess_type("United Nations Population Fund") == "un-agency"


def test_slug_and_normalise() -> None:
    assert slugify("Final évaluation: Support (STMAP)") == "final-evaluation-support-stmap"
    assert normalise("  The  Tajikistan National Mine Action Centre. ") == "tajikistan national mine action center"


def test_countries(registry: Registry) -> None:
    assert registry.country("azerbaijan") == "Azerbaijan"
    assert registry.country("Atlantis") is None


def test_bad_registry_is_a_config_error(tmp_path) -> None:
    bad = tmp_path / "registry.ttl"
    bad.write_text("<org/x> a <y> ; broken")
    with pytest.raises(ConfigError, match="not valid Turtle"):
        Registry(bad)
    with pytest.raises(ConfigError, match="not found"):
        Registry(tmp_path / "missing.ttl")
