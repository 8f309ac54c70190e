"""The organisation registry: canonical organisations, units, aliases, acronyms.

The registry itself is data (``data/registry.ttl``); this module loads it and
answers "which organisation is this name?", in context where names depend on it
("UNDP CO" on a Tajikistan page is the UNDP Tajikistan country office).  Names
it does not know get a deterministic minted IRI, never a silent drop.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import ORG, RDF, SKOS

from kb.errors import ConfigError
from kb.model import OrgRef
from kb.namespaces import DEFAULT_BASE, MAKB, SCHEMA
from kb.settings import DATA_DIR

#: makb:orgType concept local name -> the short type code used in records.
ORG_TYPES = {
    "UNAgency": "un-agency",
    "NationalAuthority": "national-authority",
    "NGO": "ngo",
    "Intergovernmental": "intergovernmental",
    "Government": "government",
    "Donor": "donor",
    "OrgUnit": "unit",
    "OtherOrganisation": "other",
}
TYPE_CONCEPTS = {v: k for k, v in ORG_TYPES.items()}


def slugify(text: str, max_len: int = 80) -> str:
    """Lower-case ASCII slug: deterministic, used in every minted IRI."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "x"


_SPACE_RUN = re.compile(r"[\s\u00a0]+")


@lru_cache(maxsize=1 << 16)
def normalise(name: str) -> str:
    """Key for name look-ups: case, spacing, quotes and a leading 'the' do not matter."""
    text = unicodedata.normalize("NFKC", name).replace("\u2019", "'").replace("&", " and ")
    text = _SPACE_RUN.sub(" ", text).strip(" .,;:()\"'").lower()
    text = text.removeprefix("the ")
    return text.replace("organisation", "organization").replace("centre", "center").replace("programme", "program")


@dataclass
class Entry:
    iri: str
    label: str
    acronym: str | None
    org_type: str
    parent: str | None
    country: str | None
    names: list[str] = field(default_factory=list)
    context_names: list[str] = field(default_factory=list)

    def ref(self, as_printed: str) -> OrgRef:
        return OrgRef(name=as_printed, iri=self.iri, label=self.label, acronym=self.acronym, known=True,
                      org_type=self.org_type, parent=self.parent, country=self.country)


class Registry:
    """Look-ups over the organisation registry and the country gazetteer."""

    def __init__(self, path: str | Path | None = None, base: str = DEFAULT_BASE,
                 countries: str | Path | None = None) -> None:
        self.path = Path(path) if path else DATA_DIR / "registry.ttl"
        self.base = base
        self.graph = rdflib.Graph()
        try:
            self.graph.parse(self.path, format="turtle", publicID=base)
        except FileNotFoundError as exc:
            raise ConfigError(f"organisation registry not found: {self.path}") from exc
        except Exception as exc:  # rdflib raises several parser exception types
            raise ConfigError(f"organisation registry {self.path} is not valid Turtle: {exc}") from exc
        self.entries: dict[str, Entry] = {}
        self._by_name: dict[str, list[Entry]] = {}
        self._by_context: dict[str, list[Entry]] = {}
        self.countries: dict[str, str] = {}         # normalised name -> display name
        self.country_codes: dict[str, str] = {}     # display name -> ISO code
        self.countries_path = Path(countries) if countries else self.path.parent / "countries.tsv"
        self._load_entries()
        self._load_countries(self.countries_path)

    # ------------------------------------------------------------------ loading

    def _load_entries(self) -> None:
        g = self.graph
        place_names = {str(p): str(n) for p, n in g.subject_objects(SCHEMA.name)}
        subjects = set(g.subjects(RDF.type, ORG.Organization)) | set(g.subjects(RDF.type, ORG.OrganizationalUnit))
        for s in sorted(subjects, key=str):
            label = g.value(s, SKOS.prefLabel)
            if label is None:
                raise ConfigError(f"registry {self.path}: {s} has no skos:prefLabel")
            acronym = g.value(s, MAKB.acronym)
            otype = g.value(s, MAKB.orgType)
            parent = g.value(s, ORG.subOrganizationOf)
            country = g.value(s, MAKB.country)
            entry = Entry(
                iri=str(s), label=str(label), acronym=str(acronym) if acronym else None,
                org_type=ORG_TYPES.get(str(otype).rsplit("#", 1)[-1], "other") if otype else "other",
                parent=str(parent) if parent else None,
                country=place_names.get(str(country)) if country else None,
            )
            entry.names = [str(label)] + [str(a) for a in g.objects(s, SKOS.altLabel)]
            if acronym:
                entry.names.append(str(acronym))
            entry.context_names = [str(c) for c in g.objects(s, MAKB.contextLabel)]
            self.entries[entry.iri] = entry
            for n in entry.names:
                self._by_name.setdefault(normalise(n), []).append(entry)
            for n in entry.context_names:
                self._by_context.setdefault(normalise(n), []).append(entry)

    def _load_countries(self, path: Path) -> None:
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                rows = csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t")
                next(rows, None)
                first: dict[str, str] = {}      # ISO code -> its first (display) name
                for row in rows:
                    if len(row) >= 2:
                        display = first.setdefault(row[1], row[0])
                        self.countries[normalise(row[0])] = display
                        self.country_codes[row[0]] = row[1]
        for name in self.graph.objects(None, SCHEMA.name):
            self.countries.setdefault(normalise(str(name)), str(name))

    # ------------------------------------------------------------------ look-ups

    def get(self, iri: str) -> Entry | None:
        return self.entries.get(iri)

    def lookup(self, name: str, country: str | None = None) -> OrgRef | None:
        """The registry organisation this name means, or None.

        Context names ("UNDP CO") only resolve with a country that picks one unit.
        """
        key = normalise(name)
        if not key:
            return None
        found = self._by_name.get(key, [])
        if len(found) > 1 and country:
            found = [e for e in found if e.country == country] or found
        if found:
            return found[0].ref(name)
        ctx = self._by_context.get(key, [])
        if country:
            ctx = [e for e in ctx if e.country and normalise(e.country) == normalise(country)]
        if len(ctx) == 1:
            return ctx[0].ref(name)
        return None

    def resolve(self, name: str, country: str | None = None, type_hint: str | None = None,
                acronym: str | None = None) -> OrgRef:
        """Like ``lookup`` but never None: unknown names get a minted IRI (``known=False``)."""
        ref = self.lookup(name, country)
        if ref is None and acronym:
            ref = self.lookup(acronym, country)
        if ref is not None:
            return ref
        return self.mint(name, type_hint=type_hint, acronym=acronym, country=country)

    def mint(self, name: str, type_hint: str | None = None, acronym: str | None = None,
             country: str | None = None) -> OrgRef:
        """A deterministic IRI for an organisation the registry does not know."""
        clean = re.sub(r"\s+", " ", name).strip()
        org_type = type_hint or guess_type(clean)
        return OrgRef(name=clean, iri=f"{self.base}org/{slugify(clean)}", label=clean, acronym=acronym,
                      known=False, org_type=org_type, parent=None, country=country)

    def country(self, name: str) -> str | None:
        """The display name of a country, or None when the name is not a country."""
        return self.countries.get(normalise(name))

    def country_of(self, ref: OrgRef) -> str | None:
        """The country of an organisation or, for units without one, of its parent."""
        if ref.country:
            return ref.country
        parent = self.entries.get(ref.parent) if ref.parent else None
        return parent.country if parent else None

    def all_names(self) -> list[tuple[str, Entry]]:
        """Every (name, entry) pair, longest name first: the gazetteer for free text."""
        pairs = [(n, e) for e in self.entries.values() for n in e.names]
        return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))

    def person_iri(self, name: str) -> str:
        return f"{self.base}person/{slugify(name)}"

    def place_iri(self, name: str) -> str:
        return f"{self.base}place/{slugify(name)}"


_TYPE_HINTS = (
    (r"\bNGO\b|non-governmental|foundation|association|society|charity", "ngo"),
    (r"^(?-i:UN)\b|^United Nations\b|\b(?-i:UN[A-Z]{2,})\b", "un-agency"),
    (r"\bministry\b|\bgovernment\b|\bministry of\b", "government"),
    (r"national (mine action|agency|authority|centre|center)|mine action (centre|center|authority|agency)",
     "national-authority"),
    (r"embassy|\baid\b|department for international|development agency|\bdonor", "donor"),
    (r"\bunit\b|\bbureau\b|\bprogramme team\b|\bproject team\b|\boffice\b", "unit"),
)


def guess_type(name: str) -> str:
    """The organisation type a name suggests ("local NGO Ciraq" -> ngo), else 'other'."""
    for pattern, kind in _TYPE_HINTS:
        if re.search(pattern, name, re.IGNORECASE):
            return kind
    return "other"


@lru_cache(maxsize=8)
def load_registry(path: str | None = None, base: str = DEFAULT_BASE) -> Registry:
    """Cached registry per (path, base)."""
    return Registry(path, base=base)
