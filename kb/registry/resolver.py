"""The one organisation resolver: responsible-party and organisation text -> registry entries or minted ones."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache

from kb.model import Finding, OrgRef, Party, PersonRef
from kb.registry import Registry, guess_type
from kb.text.clean import clean


@lru_cache(maxsize=16)
def _country_regex(names: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every country name of a gazetteer (longest first), and name -> display."""
    display: dict[str, str] = {}
    for key, shown in names:
        for name in (key, shown):
            if len(name) >= 4:
                display.setdefault(name.lower(), shown)
    alternatives = sorted(display, key=lambda n: (-len(n), n))
    body = "|".join(re.escape(n) for n in alternatives) or "(?!)"
    return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])", re.I), display


def find_country(text: str, registry: Registry) -> str | None:
    """The first country the gazetteer knows that ``text`` names ("... Project in Azerbaijan" -> "Azerbaijan")."""
    names = getattr(registry, "countries", {}) or {}
    pattern, display = _country_regex(tuple(names.items()))
    m = pattern.search(text)
    return display.get(m.group(0).lower()) if m else None


PARTICLES = {"de", "da", "das", "do", "dos", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le",
             "al", "el", "bin", "ibn", "binti", "ben", "y", "e", "st", "mac", "af", "ter", "ten", "zu", "abu"}
ORG_WORDS = {
    "unit", "units", "team", "teams", "office", "offices", "bureau", "division", "department", "section",
    "secretariat", "programme", "program", "programmes", "project", "projects", "portfolio", "cluster", "sector",
    "ministry", "government", "municipality", "district", "province", "committee", "commission", "council",
    "board", "authority", "agency", "centre", "center", "institute", "university", "school", "foundation",
    "association", "society", "network", "alliance", "forum", "group", "secretary-general", "hq", "headquarters",
    "desk", "cell", "task", "force", "working", "steering", "technical", "staff", "management", "partners",
    "partner", "donors", "donor", "un", "nations", "united", "bank", "fund", "embassy", "company", "ltd", "inc",
    "consortium", "coalition", "initiative", "facility", "hub", "mine", "action", "demining", "clearance",
    "energy", "environment", "governance", "health", "education", "gender", "climate", "poverty", "resilience",
    "recovery", "communications", "communication", "finance", "operations", "procurement", "human", "resources",
    "partnerships", "development", "democratic", "inclusive", "growth", "sustainable", "crisis", "prevention",
    "justice", "security", "peace", "peacebuilding", "rule", "law", "youth", "rural", "urban", "local",
    "economic", "social", "protection", "monitoring", "evaluation", "planning", "policy", "support", "services",
    "service", "country", "regional", "global", "national", "international", "public", "private", "civil",
    "ngo", "ngos", "stakeholders", "counterparts", "government's", "all", "relevant", "implementing",
    "the", "of", "for", "and", "with", "in", "on", "to", "at",
}
TITLE_WORDS = {
    "manager", "specialist", "analyst", "officer", "coordinator", "co-ordinator", "representative", "advisor",
    "adviser", "head", "director", "chief", "associate", "assistant", "consultant", "expert", "lead", "leader",
    "deputy", "resident", "senior", "junior", "administrator", "economist", "engineer", "secretary", "minister",
    "ambassador", "chair", "chairman", "chairperson", "president", "rr", "drr", "arr", "crr", "focal", "intern",
    "volunteer", "principal", "portfolio", "team-leader", "m&e", "clerk", "owner",
}
HONORIFICS = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|mx|h\.?e)\.?\s+", re.I)
_TEAM_RE = re.compile(r"\b(?:team|teams|staff|personnel)\b", re.I)
_UNIT_RE = re.compile(r"\b(?:unit|office|bureau|division|department|section|secretariat|ministry|agency|centre|"
                      r"center|committee|commission|council|authority|government|hq|headquarters|cluster|sector|"
                      r"programme|program|project|ngo|institute|foundation|association)\b", re.I)
_NULL_PARTIES = {"", "-", "--", "n/a", "na", "none", "tbd", "tbc", "nil", "not applicable", "to be determined"}
_CO_RE = re.compile(r"^(?:(?P<org>[A-Z][A-Za-z]{1,11})\s+)?(?:CO|Country\s+Office)"
                    r"(?:\s+(?:in|of|for)?\s*(?P<country>[A-Z][\w .'-]{2,60}))?$")
#: "UNDP Cambodia", "UNDP in Cambodia", "UNDP Cambodia Country Office", "UNDP Cambodia CO"
_ORG_COUNTRY_RE = re.compile(r"^(?P<org>[A-Z][A-Za-z-]{1,11})\s+(?:in\s+)?(?P<country>[A-Z][\w .'-]{2,60}?)"
                             r"(?:\s+(?:CO|Country\s+Office))?$")
_AND_SPLIT = re.compile(r"\s+(?:and|&)\s+|\s+&|&\s+", re.I)
#: between parties of one cell: "; ", " / ", " | ", a new line, "with support from", "in collaboration with"
_CHUNK_SPLIT = re.compile(r"\s*(?:;|\n|\s/\s|\s\|\s)\s*|,?\s+(?:with\s+(?:the\s+)?support\s+(?:from|of)|supported\s+by|"
                          r"in\s+(?:close\s+)?(?:collaboration|cooperation|coordination|partnership)\s+with)\s+(?:the\s+)?",
                          re.I)


def strip_honorific(name: str) -> str:
    return HONORIFICS.sub("", name).strip()


def is_person_name(text: str) -> bool:
    """Two to five capitalised words, no digits, no acronyms, no organisation or job-title words."""
    text = strip_honorific(clean(text))
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or len(text) > 60:
        return False
    named = 0
    for tok in tokens:
        low = tok.lower().strip(".,")
        if low in PARTICLES and named:
            continue
        if low in ORG_WORDS or low in TITLE_WORDS:
            return False
        core = re.sub(r"[-'\u2019.]", "", tok)
        if not core or not core.isalpha() or not tok[0].isupper():
            return False
        if len(core) >= 2 and core.isupper() and not (len(core) <= 3 and tok.endswith(".")):
            return False
        named += 1
    return named >= 2


def is_post(text: str) -> bool:
    """A job title without a name ("Project Manager", "Programme Analyst")."""
    words = {w.lower().strip(".,()") for w in clean(text).split()}
    return bool(words & TITLE_WORDS) and len(words) <= 8


@dataclass
class Resolver:
    """Resolves organisation names for one document and records every OrgRef and finding.

    ``country`` is the document's country (context for names like "UNDP CO");
    ``country_office_of`` names the organisation whose country offices a bare country
    name or "CO" means (ERC pages are UNDP's).
    """

    registry: Registry
    findings: list[Finding]
    country: str | None = None
    country_office_of: str | None = None
    orgs: dict[str, OrgRef] = field(default_factory=dict)
    _reported: set[str] = field(default_factory=set)

    # ---------------------------------------------------------------- bookkeeping

    def record(self, ref: OrgRef) -> OrgRef:
        self.orgs.setdefault(ref.iri, ref)
        return ref

    def organisations(self) -> list[OrgRef]:
        return list(self.orgs.values())

    def _report_minted(self, ref: OrgRef, line: int | None, about: str | None) -> None:
        if ref.known or ref.iri in self._reported:
            return
        self._reported.add(ref.iri)
        named = f"{ref.label!r} (printed {ref.name!r})" if ref.label != ref.name else repr(ref.name)
        self.findings.append(Finding(
            "unknown-organisation", f"organisation {named} is not in the registry; minted <{ref.iri}>",
            line=line, about=about))

    # ---------------------------------------------------------------- look-ups

    def _lookup(self, name: str) -> OrgRef | None:
        try:
            return self.registry.lookup(name, self.country)
        except Exception:  # a registry look-up never stops a parse
            return None

    def lookup(self, name: str) -> OrgRef | None:
        """The registry organisation a name means (with variants), or None; never mints."""
        name = clean(name).strip(" .,;:")
        if not name or len(name) > 200:
            return None
        ref = self._lookup(name)
        if ref:
            return ref
        bare = re.sub(r"^the\s+", "", name, flags=re.I)
        m = re.match(r"^(.*?)\s*\(([^()]{1,80})\)$", bare)
        if m:
            for cand in (m.group(1), m.group(2)):
                ref = self._lookup(cand) if cand.strip() else None
                if ref:
                    return dataclasses.replace(ref, name=name)
        if "," in bare:
            head, _, tail = bare.rpartition(",")
            if head.strip() and tail.strip():
                ref = self._lookup(f"{tail.strip()} {head.strip()}")
                if ref:
                    return dataclasses.replace(ref, name=name)
        office = self._country_office(bare)
        if office:
            ref = self._lookup(f"{office[0]} {office[1]}") or self._lookup(f"{office[0]} Country Office in {office[1]}")
            if ref:
                return dataclasses.replace(ref, name=name)
        return None

    def _country_office(self, name: str) -> tuple[str, str] | None:
        """("UNDP", "Lebanon") when a name means a country office: "UNDP CO", "CO", or a bare country name."""
        country_of = self.registry.country
        if self.country_office_of and country_of(name):
            return self.country_office_of, country_of(name) or name
        m = _CO_RE.match(name)
        if not m:
            m = _ORG_COUNTRY_RE.match(name)
            if not m or not country_of(m.group("country")):
                return None
            parent = self._lookup(m.group("org"))
            if parent is None or parent.org_type == "unit":
                return None
            return m.group("org"), country_of(m.group("country")) or m.group("country")
        org = m.group("org") or self.country_office_of
        country = country_of(m.group("country")) if m.group("country") else self.country
        if not org or not country:
            return None
        return org, country

    # ---------------------------------------------------------------- resolution

    def resolve(self, name: str, line: int | None = None, about: str | None = None,
                type_hint: str | None = None, scope: OrgRef | None = None) -> OrgRef:
        """The registry organisation, or a minted one (``known=False``) with an "unknown-organisation" finding.

        A generic unit name ("Programme Unit") is minted inside ``scope`` (the organisation the
        document is about), so that the programme units of two country offices stay apart.
        """
        printed = clean(name)
        ref = self.lookup(printed)
        if ref is None:
            ref = self._mint(printed, type_hint, scope)
            self._report_minted(ref, line, about)
        return self.record(ref)

    def country_office(self, country: str, line: int | None = None, about: str | None = None,
                       as_printed: str | None = None) -> OrgRef | None:
        """The country office of ``country_office_of`` in a country (minted when the registry lacks it)."""
        if not self.country_office_of:
            return None
        name = as_printed or country
        ref = self._lookup(f"{self.country_office_of} {country}")
        if ref is None and self.country and country == self.country:
            ref = self._lookup(f"{self.country_office_of} CO")
        if ref is None:
            ref = self._mint_office(self.country_office_of, country, name)
            self._report_minted(ref, line, about)
        else:
            ref = dataclasses.replace(ref, name=name)
        return self.record(ref)

    def _mint_office(self, org: str, country: str, printed: str) -> OrgRef:
        return mint_country_office(self.registry, org, country, printed)

    def _mint(self, printed: str, type_hint: str | None, scope: OrgRef | None = None) -> OrgRef:
        office = self._country_office(re.sub(r"^the\s+", "", printed, flags=re.I))
        if office:
            return self._mint_office(office[0], office[1], printed)
        bare = re.sub(r"^the\s+", "", printed, flags=re.I) or printed
        if scope is not None and self._is_generic_unit(bare):
            ref = self.registry.mint(f"{bare}, {scope.label}", type_hint="unit", country=scope.country)
            return dataclasses.replace(ref, name=printed, parent=scope.iri)
        acronym = None
        m = re.match(r"^(.*?)\s*\(([A-Z][A-Za-z0-9&-]{1,15})\)$", bare)
        if m and m.group(1):
            bare, acronym = m.group(1), m.group(2)
        parent = self._parent_of_unit(bare)
        if "," in bare and parent:
            head, _, tail = bare.rpartition(",")
            bare = f"{tail.strip()} {head.strip()}"
        ref = self.registry.mint(bare, type_hint=type_hint or _type_of(bare), acronym=acronym)
        return dataclasses.replace(ref, name=printed, parent=parent)

    def _is_generic_unit(self, name: str) -> bool:
        """A unit name that names no organisation of its own ("Programme Unit", not "LVAC Programme Unit")."""
        if "," in name or not _GENERIC_UNIT_RE.search(name) or re.match(r"^[A-Z0-9&-]{2,}\b", name):
            return False
        return self._parent_of_unit(name) is None

    def _parent_of_unit(self, name: str) -> str | None:
        """The organisation a minted unit name starts or ends with ("UNITAR XYZ", "XYZ, UNDP")."""
        cands = []
        if "," in name:
            cands.append(name.rpartition(",")[2])
        tokens = name.split()
        if len(tokens) > 1:
            cands.append(tokens[0])
        for cand in cands:
            ref = self._lookup(cand.strip())
            if ref and ref.org_type != "unit":
                return ref.iri
        return None

    # ---------------------------------------------------------------- parties

    def parties(self, text: str | None, default_org: OrgRef | None = None, line: int | None = None,
                about: str | None = None) -> list[Party]:
        """Split responsible-party text into persons, teams, units and organisations.

        "Olaf Juergensen, Regional Development and Mine Action Specialist, HQ/Crisis Bureau" is one
        person with a post and a unit; "UNITAR CWM and PPME" is two units; "Project Team" is a team of
        ``default_org``; a person without a printed unit belongs to ``default_org``.
        """
        text = clean(text or "")
        if text.lower().strip(" .") in _NULL_PARTIES or len(text) > 500:
            return []
        whole = self.lookup(text)
        if whole:
            return [self._org_party(text, self.record(whole))]
        out: list[Party] = []
        for chunk in _CHUNK_SPLIT.split(text):
            chunk = chunk.strip(" ,.")
            if not chunk:
                continue
            ref = self.lookup(chunk)
            if ref is None and self._is_unit_of(chunk):
                ref = self.resolve(chunk, line, about, type_hint="unit")
            if ref:
                out.append(self._org_party(chunk, self.record(ref)))
                continue
            person = self._person_chunk(chunk, default_org, line, about)
            if person is not None:
                out.extend(person)
                continue
            previous: str | None = None
            for piece in self._split_pieces(chunk):
                out.append(self._classify(piece, default_org, line, about, previous))
                previous = piece
        return out

    def _is_unit_of(self, chunk: str) -> bool:
        """True for "Mine Action Support Unit, UNDP": an unknown unit followed by its known organisation."""
        head, _, tail = chunk.rpartition(",")
        if not head.strip() or "," in head or is_person_name(head) or not _UNIT_RE.search(head):
            return False
        if self.lookup(head):
            return False
        ref = self.lookup(tail)
        return ref is not None and ref.org_type != "unit"

    def _split_pieces(self, chunk: str) -> list[str]:
        pieces: list[str] = []
        for part in chunk.split(","):
            part = part.strip(" .")
            if not part:
                continue
            if self.lookup(part):
                pieces.append(part)
                continue
            subs = [s.strip(" .") for s in _AND_SPLIT.split(part) if s.strip(" .")]
            left_is_of = bool(re.search(r"\b(?:of|for)\b", subs[0], re.I)) if subs else False
            if len(subs) > 1 and left_is_of and not all(self.lookup(s) for s in subs):
                pieces.append(part)
            else:
                pieces.extend(subs)
        return pieces

    def _person_chunk(self, chunk: str, default_org: OrgRef | None, line: int | None,
                      about: str | None) -> list[Party] | None:
        """Parties for "Name, Post, Unit" / "Name (Post)" chunks, or None when the chunk starts with no name."""
        m = re.match(r"^(.+?)\s*\(([^()]+)\)$", chunk)
        if m and is_person_name(m.group(1)):
            pieces = [m.group(1), m.group(2)]
        else:
            pieces = [p.strip(" .") for p in chunk.split(",") if p.strip(" .")]
        if not pieces or not is_person_name(pieces[0]):
            return None
        people: list[tuple[str, list[str], OrgRef | None]] = []
        for piece in pieces:
            if is_person_name(piece):
                people.append((piece, [], None))
                continue
            name, roles, org = people[-1]
            ref = self.lookup(piece)
            if ref is None and not is_post(piece) and (_UNIT_RE.search(piece) or re.fullmatch(r"[A-Z]{2,10}", piece)):
                ref = self.resolve(piece, line, about, scope=default_org)
            if ref is not None and org is None:
                people[-1] = (name, roles, self.record(ref))
                continue
            subs = [s.strip() for s in _AND_SPLIT.split(piece) if s.strip()]
            if len(subs) > 1 and is_person_name(subs[-1]):
                roles.append(" and ".join(subs[:-1]))
                people.append((subs[-1], [], None))
            else:
                roles.append(piece)
        out = []
        for name, roles, org in people:
            org = org or default_org
            person = PersonRef(name=strip_honorific(name), role=", ".join(roles) or None, organisation=org)
            out.append(Party(text=name, kind="person", person=person, organisation=org))
        return out

    def _classify(self, piece: str, default_org: OrgRef | None, line: int | None, about: str | None,
                  previous: str | None) -> Party:
        ref = self.lookup(piece)
        if ref:
            return self._org_party(piece, self.record(ref))
        if previous and len(previous.split()) > 1:
            ref = self.lookup(f"{previous.split()[0]} {piece}")
            if ref:
                return self._org_party(piece, self.record(ref))
        unqualified = re.sub(r"(?i)\b(?:project|programme|program)\b", "", piece)
        if _TEAM_RE.search(piece) and not _UNIT_RE.search(unqualified):
            return Party(text=piece, kind="team", organisation=default_org)
        if is_person_name(piece):
            person = PersonRef(name=strip_honorific(piece), organisation=default_org)
            return Party(text=piece, kind="person", person=person, organisation=default_org)
        if is_post(piece) and not _UNIT_RE.search(unqualified):
            return Party(text=piece, kind="team", organisation=default_org)
        ref = self.resolve(piece, line, about, scope=default_org)
        return self._org_party(piece, ref)

    @staticmethod
    def _org_party(text: str, ref: OrgRef) -> Party:
        return Party(text=text, kind="unit" if ref.org_type == "unit" else "organisation", organisation=ref)


# --------------------------------------------------------------------------- public API


def office_label(org: str, country: str) -> str:
    """The canonical name of an organisation's office in a country: "UNDP Cambodia Country Office"."""
    return f"{org} {country} Country Office"


def mint_country_office(registry: Registry, org: str, country: str, printed: str | None = None) -> OrgRef:
    """The minted country office of ``org`` in ``country``: IRI from the slug of its canonical name, a unit of
    ``org`` (the one minting rule for offices the registry lacks)."""
    parent = registry.lookup(org)
    short = (parent.acronym or org) if parent else org
    ref = registry.mint(office_label(short, country), type_hint="unit", country=country)
    return dataclasses.replace(ref, name=printed or ref.name, parent=parent.iri if parent else None)


def resolve_org(name: str, registry: Registry, *, country: str | None = None, office_of: str | None = None,
                findings: list[Finding] | None = None) -> OrgRef:
    """The organisation a name as printed means: the registry's entry, or a minted one (``known=False``).

    ``country`` is the document's country: "UNDP CO" on a Cambodia page is the UNDP Cambodia country
    office.  ``office_of`` names the organisation a bare country name or "CO" belongs to (UNDP on ERC
    pages).  Country offices the registry lacks are minted as units of their organisation with the
    canonical name "<ORG> <Country> Country Office", whatever the printed form ("UNDP Cambodia",
    "UNDP in Cambodia", "UNDP Country Office in Cambodia"); other names get the slug of the name.
    An "unknown-organisation" finding is added to ``findings`` when given.
    """
    resolver = Resolver(registry, findings if findings is not None else [], country=country,
                        country_office_of=office_of)
    return resolver.resolve(name)


_UNIT_TYPE_RE = re.compile(r"\b(?:unit|bureau|division|department|section|office|secretariat|desk|cell|team)\b", re.I)


_GENERIC_UNIT_RE = re.compile(r"\b(?:unit|section|cell|desk|team|cluster|portfolio|pillar)s?$", re.I)


def _type_of(name: str) -> str:
    """The organisation type of a minted name: units by their wording, else the registry's guess."""
    return "unit" if _UNIT_TYPE_RE.search(name) else guess_type(name)
