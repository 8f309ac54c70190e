"""Text patterns of news releases: sentences, dates, money, counts, phases, places and people's names.

Also the word lists and cue expressions ``kb.ingest.news`` reads organisations,
roles, agreements and partnerships with.  Pure functions over strings: nothing
here knows the registry; ``kb.ingest.news`` combines these hits with the
organisations it resolves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset({
    "mr", "ms", "mrs", "dr", "prof", "st", "no", "nos", "vs", "e.g", "i.e", "u.s", "u.n", "u.k", "h.e", "jr",
    "sr", "inc", "ltd", "co", "gen", "col", "lt", "maj", "capt", "sgt", "amb", "hon", "rev", "approx", "fig",
    "p", "pp", "vol", "art", "para", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mt", "ft", "sq",
})
_BREAK = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(\s+)(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


def split_sentences(line: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of one line, stripped of surrounding spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BREAK.finditer(line):
        if line[m.start()] == ".":
            before = re.search(r"([\w.]+)$", line[max(start, m.start() - 12):m.start()])
            token = before.group(1).lower() if before else ""
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        spans.append((start, m.start(1)))
        start = m.end()
    spans.append((start, len(line)))
    out = []
    for a, b in spans:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


# --------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MON = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_YEAR = r"(?:19|20)\d\d"
_DATE_MDY = re.compile(
    rf"(?<![\w-])(?P<mon>{_MON})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>{_YEAR})(?!\d)")
_DATE_DMY = re.compile(
    rf"(?<![\w-])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<mon>{_MON})\.?,?\s+(?P<year>{_YEAR})(?!\d)")
_DATE_ISO = re.compile(rf"(?<![\w.\-/])(?P<year>{_YEAR})[-/](?P<month>\d{{1,2}})[-/](?P<day>\d{{1,2}})(?![\w\-/])")
_DATE_NUM = re.compile(rf"(?<![\w.\-/])(?P<a>\d{{1,2}})[./](?P<b>\d{{1,2}})[./](?P<year>{_YEAR})(?![\w/]|\.\d)")


@dataclass(frozen=True)
class DateHit:
    iso: str            #: YYYY-MM-DD
    text: str           #: as printed
    start: int
    end: int
    ambiguous: bool = False   #: day and month could be swapped ("05/07/2013")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[DateHit]:
    """Every full date (day, month and year) in the text, in order of appearance."""
    hits: list[DateHit] = []
    for rx in (_DATE_MDY, _DATE_DMY):
        for m in rx.finditer(text):
            mon = _MONTHS.get(m.group("mon").lower())
            iso = _iso(int(m.group("year")), mon, int(m.group("day"))) if mon else None
            if iso:
                hits.append(DateHit(iso, m.group(0), m.start(), m.end()))
    for m in _DATE_ISO.finditer(text):
        iso = _iso(int(m.group("year")), int(m.group("month")), int(m.group("day")))
        if iso:
            hits.append(DateHit(iso, m.group(0), m.start(), m.end()))
    for m in _DATE_NUM.finditer(text):
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("year"))
        # day first (the usual order outside the United States) unless that is impossible
        iso = _iso(year, b, a) or _iso(year, a, b)
        if iso:
            hits.append(DateHit(iso, m.group(0), m.start(), m.end(), ambiguous=a <= 12 and b <= 12 and a != b))
    hits.sort(key=lambda h: (h.start, -h.end))
    out: list[DateHit] = []
    for h in hits:
        if not out or h.start >= out[-1].end:
            out.append(h)
    return out


# --------------------------------------------------------------------------- money

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PREFIX_CURRENCIES = {
    "US$": "USD", "U.S.$": "USD", "$US": "USD", "USD": "USD", "$": "USD", "EUR": "EUR", "€": "EUR", "GBP": "GBP",
    "£": "GBP", "CHF": "CHF", "JPY": "JPY", "¥": "JPY", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "CAD": "CAD",
    "C$": "CAD", "AUD": "AUD", "A$": "AUD", "AZN": "AZN",
}
_MONEY_PREFIX = re.compile(
    r"(?<![\w$€£¥])(?P<cur>US\s?\$|U\.S\.\s?\$|\$US|USD|EUR|GBP|CHF|JPY|SEK|NOK|DKK|CAD|AUD|AZN|C\$|A\$|\$|€|£|¥)"
    rf"\s?(?P<num>{_NUM})(?:\s?(?P<scale>million|billion|thousand|mln|bn|m|k)\b)?")
_MONEY_SUFFIX = re.compile(
    rf"(?<![\w.,$€£¥])(?P<num>{_NUM})(?:\s?(?P<scale>million|billion|thousand))?\s?"
    r"(?P<cur>USD|US\s?dollars|U\.S\.\s?dollars|Canadian\s+dollars|Australian\s+dollars|American\s+dollars|dollars"
    r"|EUR|[Ee]uros?|GBP|British\s+pounds|pounds(?:\s+sterling)?|CHF|Swiss\s+francs|JPY|Japanese\s+yen|yen"
    r"|SEK|NOK|DKK|CAD|AUD|AZN|manats?)(?![\w$€£¥])")
_SCALES = {"million": 10**6, "mln": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9, "thousand": 1000, "k": 1000}


def _suffix_currency(word: str) -> str:
    w = re.sub(r"\s+", " ", word).lower()
    if w.startswith("canadian"):
        return "CAD"
    if w.startswith("australian"):
        return "AUD"
    if "dollar" in w:
        return "USD"
    if w.startswith("euro"):
        return "EUR"
    if "pound" in w:
        return "GBP"
    if "franc" in w:
        return "CHF"
    if "yen" in w:
        return "JPY"
    if w.startswith("manat"):
        return "AZN"
    return w.upper()


@dataclass(frozen=True)
class MoneyHit:
    amount: int | float
    currency: str
    text: str
    start: int
    end: int


def amount_value(number: str, scale: str | None) -> int | float | None:
    """The amount a printed number and an optional scale word stand for ("1.2", "million" -> 1200000)."""
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    value *= _SCALES.get((scale or "").lower(), 1)
    if value <= 0:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def find_money(text: str) -> list[MoneyHit]:
    """Sums of money with a currency ("US$ 1.2 million", "136,000 USD", "€250,000"), in order."""
    hits: list[MoneyHit] = []
    for m in _MONEY_PREFIX.finditer(text):
        amount = amount_value(m.group("num"), m.group("scale"))
        cur = _PREFIX_CURRENCIES.get(re.sub(r"\s", "", m.group("cur")))
        if amount is not None and cur:
            hits.append(MoneyHit(amount, cur, m.group(0), m.start(), m.end()))
    for m in _MONEY_SUFFIX.finditer(text):
        amount = amount_value(m.group("num"), m.group("scale"))
        if amount is not None:
            hits.append(MoneyHit(amount, _suffix_currency(m.group("cur")), m.group(0), m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -h.end))
    out: list[MoneyHit] = []
    for h in hits:
        if not out or h.start >= out[-1].end:
            out.append(h)
    return out


def money_purpose(sentence: str, hit: MoneyHit) -> str | None:
    """What a sum is for, from the words of its sentence ("project budget", "contribution"...), or None."""
    low = sentence.lower()
    after = low[hit.end:hit.end + 40]
    if "budget" in low or "total cost" in low:
        return "project budget" if re.search(r"\b(?:project|programme|program|initiative|campaign)\b", low) \
            else "budget"
    if re.match(r"\s+(?:[a-z\-]+\s+)?(?:project|programme|program|initiative|campaign)\b", after):
        return "project budget"
    if "contribut" in low:
        return "contribution"
    if re.search(r"\bgrants?\b", low):
        return "grant"
    if re.search(r"\bloans?\b", low):
        return "loan"
    if re.search(r"fund|financ|donat|pledg|allocat|receiv", low):
        return "funding"
    return None


# --------------------------------------------------------------------------- counts

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}
_PERSON_HEADS = (
    r"survivors?|victims?|people|persons?|beneficiar(?:y|ies)|famil(?:y|ies)|members?|households?|children|child"
    r"|women|girls?|boys?|residents?|villagers?|farmers?|returnees?|refugees?|IDPs?|students?|participants?"
    r"|trainees?|deminers?|staff|officers?|specialists?|experts?|instructors?|teachers?|amputees?|patients?"
    r"|workers?|employees?|entrepreneurs?|youths?|pupils?"
)
_THING_HEADS = (
    r"communit(?:y|ies)|villages?|districts?|provinces?|regions?|municipalit(?:y|ies)|governorates?|schools?"
    r"|teams?|NGOs?|organi[sz]ations?|partners?|countries|hectares?|(?:square|sq\.)\s+(?:metres|meters|kilometres"
    r"|kilometers)|km2|km²|m2|m²|(?:land)?mines?|items?|devices?|munitions?|minefields?|jobs?|businesses|loans?"
    r"|grants?|courses?|trainings?|sessions?|workshops?|dogs?"
)
_FUNCTION_WORDS = (r"(?:of|the|a|an|and|or|in|on|at|to|for|from|with|by|which|that|these|those|their|its|his|her"
                   r"|our|will|would|were|was|are|is|be|been|have|has|per|each|more|than|also|who)")
_COUNT = re.compile(
    r"(?<![\w.,$€£¥\-/])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|(?i:"
    + "|".join(NUMBER_WORDS) + r"))\s+(?P<what>(?:(?!" + _FUNCTION_WORDS + r"\b)[a-z][a-z\-]+\s+){0,2}?(?:"
    + _PERSON_HEADS + "|" + _THING_HEADS + r"))(?![\w-])(?!\s+(?:" + _PERSON_HEADS + "|" + _THING_HEADS
    + r")(?![\w-]))")
_APPROX = re.compile(r"\b(?:approximately|about|around|some|nearly|almost|over|more\s+than|up\s+to|an\s+estimated"
                     r"|estimated|roughly|close\s+to|at\s+least|approx\.)\s*$", re.I)
PERSON_HEAD_RE = re.compile(rf"(?:{_PERSON_HEADS})$")


@dataclass(frozen=True)
class CountHit:
    value: int
    what: str
    approximate: bool
    person: bool      #: the counted things are people (possible beneficiaries)
    start: int
    end: int


def find_counts(text: str) -> list[CountHit]:
    """Numbers of people and things ("40 mine survivors", "approximately 160 family members", "seven districts")."""
    hits: list[CountHit] = []
    for m in _COUNT.finditer(text):
        num = m.group("num").lower()
        if num in NUMBER_WORDS:
            value = NUMBER_WORDS[num]
        else:
            parts = num.split()
            amount = amount_value(parts[0], parts[1] if len(parts) > 1 else None)
            if amount is None or amount != int(amount):
                continue
            value = int(amount)
            if len(parts) == 1 and "," not in parts[0] and 1900 <= value <= 2099:
                continue     # a year, not a count
        what = re.sub(r"\s+", " ", m.group("what"))
        approximate = bool(_APPROX.search(text[max(0, m.start() - 30):m.start()]))
        hits.append(CountHit(value, what, approximate, bool(PERSON_HEAD_RE.search(what)), m.start(), m.end()))
    return hits


# --------------------------------------------------------------------------- phases

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_PHASE_BEFORE = re.compile(r"\b(?:(?P<n>\d{1,2})(?:st|nd|rd|th)|(?P<w>(?i:first|second|third|fourth|fifth|sixth"
                           r"|seventh|eighth|ninth|tenth)))\s+(?i:phase|stage)\b")
_PHASE_AFTER = re.compile(r"\b(?i:phase)[\s-]+(?:(?P<n>\d{1,2})\b|(?P<r>[IVX]{1,4})\b|(?P<w>(?i:one|two|three|four"
                          r"|five|six|seven|eight|nine|ten))\b)")


@dataclass(frozen=True)
class PhaseHit:
    number: str
    text: str
    start: int


def find_phase(text: str) -> PhaseHit | None:
    """The first numbered phase ("3rd phase", "phase II", "Phase 2", "second phase") as a digit string."""
    best: PhaseHit | None = None
    for rx in (_PHASE_BEFORE, _PHASE_AFTER):
        for m in rx.finditer(text):
            groups = m.groupdict()
            if groups.get("n"):
                value: int | None = int(groups["n"])
            elif groups.get("r"):
                value = _ROMAN.get(groups["r"])
            else:
                word = (groups.get("w") or "").lower()
                value = _ORDINALS.get(word) or NUMBER_WORDS.get(word)
            if value:
                if best is None or m.start() < best.start:
                    best = PhaseHit(str(value), m.group(0), m.start())
                break
    return best


# --------------------------------------------------------------------------- places

_PLACE_KINDS = {
    "district": "district", "districts": "district", "rayon": "district", "rayons": "district", "raion": "district",
    "raions": "district", "province": "region", "provinces": "region", "region": "region", "regions": "region",
    "governorate": "region", "governorates": "region", "oblast": "region", "oblasts": "region",
    "municipality": "city", "municipalities": "city", "city": "city", "cities": "city", "town": "city",
    "towns": "city", "village": "site", "villages": "site", "commune": "site", "communes": "site",
}
_KIND = r"(?P<kind>(?i:districts?|rayons?|raions?|provinces?|regions?|governorates?|oblasts?|municipalit(?:y|ies)" \
        r"|cities|city|towns?|villages?|communes?))"
_PNAME = r"[A-Z][a-z\u00c0-\u024f'\u2019\-]+(?:\s[A-Z][a-z\u00c0-\u024f'\u2019\-]+)?"
_PLIST = rf"(?P<list>{_PNAME}(?:,\s+{_PNAME}){{0,15}}(?:,?\s+and\s+{_PNAME})?)"
_PLACES_BEFORE_KIND = re.compile(rf"(?<![\w\-]){_PLIST}\s+{_KIND}(?![\w-])")
_PLACES_AFTER_KIND = re.compile(rf"\b{_KIND}\s+of\s+{_PLIST}")
_PLACE_STOP = frozenset({
    "the", "in", "on", "at", "of", "and", "all", "other", "several", "some", "many", "these", "those", "both", "each",
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "selected", "target",
    "targeted", "affected", "remaining", "neighbouring", "neighboring", "border", "rural", "urban", "mine", "mined",
    "contaminated", "priority", "pilot", "new", "capital", "local", "national", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "two", "most", "few", "various", "different", "following", "same", "key",
    "including", "remote", "poor", "poorest", "whole", "entire", "respective", "administrative", "project",
})


@dataclass(frozen=True)
class PlaceHit:
    name: str
    kind: str      #: district | region | city | site
    start: int
    end: int


def find_places(text: str) -> list[PlaceHit]:
    """Named sub-national places of a stated kind ("Aghjabedi, Beylagan and Saatli districts", "the province of X")."""
    hits: list[PlaceHit] = []
    for rx in (_PLACES_BEFORE_KIND, _PLACES_AFTER_KIND):
        for m in rx.finditer(text):
            kind = _PLACE_KINDS.get(m.group("kind").lower())
            if not kind:
                continue
            base = m.start("list")
            if rx is _PLACES_AFTER_KIND and re.match(rf"\s+{_KIND}(?![\w-])", text[m.end():]):
                continue    # "districts of Ninewa governorate": Ninewa is the governorate
            for pm in re.finditer(_PNAME, m.group("list")):
                name = pm.group(0)
                if name.split()[0].lower() in _PLACE_STOP or name.lower() in _PLACE_STOP:
                    continue
                hits.append(PlaceHit(name, kind, base + pm.start(), base + pm.end()))
    hits.sort(key=lambda h: h.start)
    return hits


# --------------------------------------------------------------------------- people

HONORIFIC = r"(?:Mr|Ms|Mrs|Miss|Dr|Prof|Mme|Mx|Sir|H\.\s?E)\.?"
NAME_TOKEN = r"[A-Z][a-z\u00c0-\u024f'\u2019]+(?:-[A-Za-z\u00c0-\u024f'\u2019]+)*"
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|la|le|bin|ibn|al|el)"
PERSON_NAME = rf"{NAME_TOKEN}(?:\s+(?:[A-Z]\.\s+|{_PARTICLE}\s+)?{NAME_TOKEN}){{0,3}}"
EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
PHONE = re.compile(r"(?:(?<![\d+])\+|\b(?:tel|phone|mobile|fax)\.?:?\s*)\(?\d[\d\s().\-]{6,30}\d", re.I)

ROLE_WORDS = frozenset({
    "representative", "director", "director-general", "coordinator", "co-ordinator", "officer", "manager", "head",
    "chief", "minister", "deputy", "ambassador", "adviser", "advisor", "specialist", "chairman", "chairperson",
    "chairwoman", "chair", "president", "vice-president", "secretary", "secretary-general", "administrator",
    "leader", "analyst", "associate", "consultant", "commissioner", "governor", "mayor", "spokesperson",
    "spokesman", "spokeswoman", "envoy", "counsellor", "counselor", "attaché", "attache", "expert", "supervisor",
    "commander", "founder", "ceo", "chargé", "charge", "executive", "lead", "focal", "assistant", "principal",
    "brigadier", "general", "colonel", "major", "lieutenant", "captain", "admiral", "marshal",
})
#: words that finish a post's title after "of" ("Head of Programmes")
ROLE_COMPLEMENTS = frozenset({
    "programmes", "programme", "programs", "program", "operations", "office", "mission", "delegation",
    "cooperation", "co-operation", "communications", "finance", "administration", "section", "staff", "affaires",
    "unit", "projects", "project", "partnerships", "policy", "development",
})


def name_key(text: str) -> str:
    """Letters only, lower case: "Ruslan Ismayil-zada" and "ruslan.ismayilzada" share one key."""
    return re.sub(r"[^a-z]", "", text.lower())


# --------------------------------------------------------------------------- word lists

#: words that make a capitalised phrase an organisation's name, wherever they stand in it
ORG_WORDS = frozenset({
    "centre", "center", "agency", "authority", "organisation", "organization", "trust", "foundation", "group",
    "service", "services", "office", "committee", "commission", "association", "society", "union", "council",
    "fund", "institute", "network", "campaign", "alliance", "department", "bureau", "mission", "federation",
    "coalition", "company", "ltd", "inc", "unit", "directorate", "bank", "embassy", "secretariat", "ministry",
    "government", "forces", "army", "police", "brigade", "battalion", "regiment", "university", "ngo", "consortium",
})
#: organisation words that count only as the last word ("Handicap International", "Norwegian People's Aid")
ORG_LAST_WORDS = frozenset({"international", "aid", "corps", "inclusion", "cross", "crescent", "demining"})
NOT_ORG_WORDS = frozenset({
    "standards", "standard", "strategy", "strategies", "convention", "treaty", "survey", "surveys", "education",
    "disposal", "device", "devices", "remnants", "ordnance", "plan", "plans", "framework", "assessment", "report",
    "day", "week", "month", "year", "conference", "meeting", "workshop", "award", "prize", "act", "law", "laws",
    "decree", "resolution", "protocol", "agreement", "memorandum", "understanding", "declaration", "project",
    "projects", "goals", "policy", "system", "guidelines", "review", "evaluation", "ceremony", "headquarters",
    "house", "building", "hall", "hotel", "street", "road", "airport", "park", "square", "district", "province",
    "region", "city", "village", "summit", "session", "training", "course", "statement", "phase", "revolving",
})
#: capitalised words that open a sentence or a phrase but are never part of a name
STOP_WORDS = frozenset({
    "the", "this", "that", "these", "those", "today", "yesterday", "tomorrow", "in", "on", "at", "for", "with",
    "within", "as", "by", "from", "during", "under", "after", "before", "since", "following", "according", "also",
    "and", "but", "while", "when", "its", "it", "their", "our", "his", "her", "a", "an", "all", "both", "each",
    "every", "other", "signing", "speaking", "meanwhile", "furthermore", "moreover", "however", "thanks",
    "through", "to", "of", "further", "mr", "ms", "mrs", "dr", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "contact", "information", "photo", "please", "dear", "we",
    "they", "he", "she", "there", "here", "last", "next", "first", "one", "two", "three", "several", "many",
    "some", "such", "over", "between", "among", "upon", "via", "per", "if", "so", "then", "thus", "now",
    "currently", "recently", "where", "what", "who", "which", "why", "how", "besides", "despite", "although",
    "because", "welcome", "welcoming", "addressing", "closing", "opening", "attending", "representing",
})
#: words that end a person's name: posts, organisation words, sentence openers
NOT_NAME_WORDS = STOP_WORDS | ROLE_WORDS | ORG_WORDS | ORG_LAST_WORDS | NOT_ORG_WORDS
CONNECTORS = frozenset({"of", "for", "and", "the", "de", "du", "des", "la", "le", "in", "on", "to", "für", "at"})
SAY_VERBS = (r"said|says|stated|noted|added|explained|emphasi[sz]ed|highlighted|underlined|stressed|announced"
              r"|welcomed|thanked|remarked|told|expressed|appreciated|mentioned|confirmed|declared|commented")

#: well-known mine-action donors and NGOs missing from a small registry: (acronym, full name, type, other names)
SUPPLEMENT: tuple[tuple[str | None, str, str, tuple[str, ...]], ...] = (
    ("EU", "European Union", "donor", ()),
    ("USAID", "United States Agency for International Development", "donor", ()),
    ("DFID", "Department for International Development", "donor", ("UK Department for International Development",)),
    ("FCDO", "Foreign, Commonwealth and Development Office", "government", ()),
    ("SIDA", "Swedish International Development Cooperation Agency", "donor", ("Sida",)),
    ("JICA", "Japan International Cooperation Agency", "donor", ()),
    ("KOICA", "Korea International Cooperation Agency", "donor", ()),
    ("SDC", "Swiss Agency for Development and Cooperation", "donor", ()),
    ("MAG", "Mines Advisory Group", "ngo", ()),
    ("NPA", "Norwegian People's Aid", "ngo", ()),
    ("DDG", "Danish Demining Group", "ngo", ()),
    ("FSD", "Swiss Foundation for Mine Action", "ngo", ("Fondation Suisse de Déminage",)),
    ("HALO", "HALO Trust", "ngo", ("The HALO Trust",)),
    ("HI", "Handicap International", "ngo", ("Humanity & Inclusion", "Humanity and Inclusion")),
    ("DCA", "DanChurchAid", "ngo", ()),
    ("ICRC", "International Committee of the Red Cross", "other", ()),
    ("UNHCR", "United Nations High Commissioner for Refugees", "un-agency", ("UN Refugee Agency",)),
    ("OCHA", "United Nations Office for the Coordination of Humanitarian Affairs", "un-agency", ()),
    ("NATO", "North Atlantic Treaty Organization", "intergovernmental", ()),
    ("ICBL", "International Campaign to Ban Landmines", "ngo", ()),
)

# --------------------------------------------------------------------------- line patterns

CHROME = re.compile(
    r"^(?:you\s+are\s+(?:at|here)\b.*|go\s+to\b.*|.*\baround\s+the\s+world|share(?:\s+this)?(?:\s+(?:page|article|story))?:?"
    r"|print(?:\s+this\s+page)?|e-?mail(?:\s+this)?(?:\s+(?:page|article))?|tweet|facebook|twitter|linkedin|whatsapp"
    r"|instagram|youtube|related(?:\s+(?:news|stories|content|articles|links|publications|documents))?:?"
    r"|home(?:\s*[>/|»›].*)?|.*\s[>|»›]\s.*|(?:latest\s+)?news(?:\s+(?:centre|center|room))?|newsroom"
    r"|press\s+releases?|press\s+(?:centre|center)|media\s+(?:centre|center)|follow\s+us.*|subscribe.*|sign\s+up.*"
    r"|read\s+more.*|back\s+to\s+top|skip\s+to.*|(?:main\s+)?menu|search.*|download.*|print|close"
    r"|(?:photos?|images?|pictures?|credits?|captions?|sources?)\s*:.*|©.*|\(c\)\s.*|copyright.*"
    r"|all\s+rights\s+reserved.*|privacy.*|terms\s+of\s+use.*|sitemap|(?:tags?|topics?|categories|category"
    r"|keywords)\s*:.*|posted\s+(?:on|by|in)\b.*|.*\bflags?|previous(?:\s+(?:article|story))?"
    r"|next(?:\s+(?:article|story))?|top|languages?.*|english|français|русский|español|عربي|view\s+(?:all|more).*"
    r"|about\s+us|who\s+we\s+are|what\s+we\s+do|our\s+work|where\s+we\s+work|operations|publications|jobs|careers"
    r"|contact(?:s|\s+us)?|contact\s+information:?|for\s+(?:more|further)\s+information.*"
    r"|(?:media|press)\s+contacts?.*|contacts?\s*(?:information|details)?\s*:)$", re.I)
CONTACT_HEADING = re.compile(r"^(?:contacts?(?:\s+(?:information|details|us))?|for\s+(?:more|further)\s+information"
                              r".*|(?:media|press)\s+contacts?.*)\s*:?$", re.I)
PUBLISHER = re.compile(r"^you\s+are\s+(?:at|here)\s*:?\s*(?P<org>.+?)\s*$", re.I)
END_PUNCT = ".!?\"'\u201d\u2019:"

# --------------------------------------------------------------------------- fact patterns

QUOTED = re.compile(r"[\"\u201c\u201e\u00ab]([^\"\u201c\u201d\u201e\u00ab\u00bb\n]{3,250}?)[\"\u201d\u00bb]")
PROJECT_WORD = r"(?:project|programme|program|initiative)"
#: an unquoted project title ("Kabul Clearance Initiative"); "... Programme" names too many organisations
PROJECT_PHRASE = re.compile(
    r"(?<![\w\-])(?:[A-Z][\w'\u2019\-]*\s+(?:(?:of|for|and|in|to|the|on)\s+){0,2}){1,12}"
    r"(?:Project|Initiative)(?![\w-])")
SMALL_WORDS = frozenset({"of", "for", "and", "in", "to", "the", "on", "a", "an", "with", "at", "by", "from", "or"})

SEG_END = re.compile(
    r"[.;!?]|,\s*(?:which|who|while|whereas|but|as\s+well\s+as)\b|,\s*and\s+(?:will|would|is|are|was|were|has|have"
    r"|to|with)\b|\b(?:will|would|shall|is|are|was|were|has|have|had|to|with|in\s+(?:a\s+)?consortium|in\s+partnership"
    r"|in\s+cooperation|in\s+collaboration|together\s+with|through|implemented|executed|carried|led|aims?|aiming"
    r"|under|within|during|since|on\s+behalf|so\s+that|in\s+order|that|as\s+part|signed|dates?)\b")
#: what may follow an organisation named in a list ("funded by UNDP and ANAMA."), unlike "SESU instructors will"
LIST_FOLLOW = re.compile(
    r"\s*(?:$|[,;.:()\[\]\-\u2013\u2014'\u2019\"]|(?:and|&|as|in|on|to|for|with|through|under|at|from|by|who|which"
    r"|that|will|would|shall|is|are|was|were|has|have|had|jointly|together|also|led|respectively|signed)\b)")
BETWEEN_END = re.compile(r"\b(?:on|for|regarding|concerning|about|at|in|held|took|to)\b")

FUNDING_CUES = (
    re.compile(r"\b(?:co-?)?(?:funded|financed|sponsored|supported\s+financially|bankrolled)\b(?:[^.;]|\.\d){0,60}?"
               r"\bby\b", re.I),
    re.compile(r"\bwith\s+(?:the\s+)?(?:generous\s+|kind\s+)?(?:financial\s+(?:support|assistance|contribution)"
               r"|funding|contributions?|grants?|donations?|financing)\s+(?:of|from)\b", re.I),
    re.compile(r"\b(?:funding|funds|contributions?|grants?|donations?|financing|financial\s+(?:support|assistance))"
               r"\s+(?:of\s+(?:[^.;]|\.\d){1,40}?\s+)?(?:from|provided\s+by)\b", re.I),
    re.compile(r"\b(?:donors?|funders?|funding\s+partners?)\s*(?:are|is|include|including|such\s+as|:)", re.I),
    re.compile(r"\breceiv(?:ed|es|ing)\b(?:[^.;]|\.\d){0,60}?\bfrom\b", re.I),
)
FUNDED_SUFFIX = re.compile(r"-(?:funded|financed|sponsored)\b", re.I)
FUNDING_NOUN = re.compile(r"\b(?:funding|funds|grant|contribution|financ)", re.I)
GIVING_VERB = re.compile(r"\b(?:contributed|donated|pledged|provided|allocated|granted|committed|gave|co-funded"
                          r"|co-financed|funded|financed)\b", re.I)
SUBJECT_GAP = re.compile(r"[\s,]*(?:(?:has|have|had|will|also|jointly|generously|kindly|recently|already|further)"
                          r"\s+)*", re.I)
LIST_GAP = re.compile(r"\s*(?:,|and|&|as\s+well\s+as)?\s*(?:the\s+)?(?:Government\s+of\s+)?", re.I)
IMPLEMENT_CUES = (
    re.compile(r"\b(?:implemented|executed|carried\s+out|delivered|conducted|run|managed)\s+(?:jointly\s+|together\s+"
               r"|directly\s+)?(?:by|through)\b", re.I),
    re.compile(r"\bimplementing\s+(?:partners?|agency|agencies|organi[sz]ations?)\s*(?:is|are|will\s+be|include"
               r"|including|:)?", re.I),
)
CONSORTIUM_CUES = (
    re.compile(r"\bin\s+(?:a\s+)?consortium\s+with\b", re.I),
    re.compile(r"\bconsortium\s+(?:of|comprising|consisting\s+of|including|made\s+up\s+of|formed\s+by|composed\s+of"
               r"|members?(?:\s+(?:are|include))?)\b\s*:?", re.I),
    re.compile(r"\bconsortium\s+(?:partners?|members?)\s*(?:are|is|include|:)?", re.I),
    re.compile(r"\b(?:implemented|executed|carried\s+out)\b(?:[^.;]|\.\d){0,80}?\b(?:together|jointly)\s+with\b",
               re.I),
)
CONSORTIUM_LEAD = re.compile(r"\bconsortium\b[^.;]{0,120}?\bled\s+by\b|\bled\s+by\b(?=[^.;]{0,80}\bconsortium\b)",
                              re.I)
BENEFIT = re.compile(r"benefi|assist|reach|support|receiv|help|serv|train|target|empower|provid|deliver", re.I)

AGREEMENT = re.compile(
    r"\b(?P<type>memorandum\s+of\s+(?:understanding|agreement|cooperation|co-operation)|memorandum|mou"
    r"|letter\s+of\s+(?:agreement|intent)|(?:grant|cooperation|co-operation|contribution|partnership|framework"
    r"|funding|financing|project|cost[\s-]sharing|host\s+country|trust\s+fund)\s+agreement|agreement)s?\b", re.I)
SIGN = re.compile(r"\b(?:sign(?:ed|ing|s)?|inked|concluded|entered\s+into)\b", re.I)
SIGN_PLACE = re.compile(
    r"\b(?:held|signed|took\s+place|organi[sz]ed|hosted)\b(?:[^.;]|\.\d){0,60}?\b(?:at|in)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w'\u2019\-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'\u2019\-]*){0,5})")
PARTNER_CUE = re.compile(r"\b(?:partner(?:ship)?s?|co-?operat\w*|collaborat\w*|relationship|alliance"
                          r"|work(?:ing|ed|s)?\s+(?:together|with))\b", re.I)
SINCE = re.compile(r"\b(?:since|dates?\s+back\s+to|dating\s+back\s+to|goes\s+back\s+to|began\s+in|started\s+in"
                    r"|established\s+in)\s+(?:the\s+year\s+)?(?:(?:early|mid|late)\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
PARTNER_BETWEEN = re.compile(r"\b(?:partnership|cooperation|co-operation|collaboration)\s+between\b", re.I)

#: a name after a type cue: "local NGO Hayat", "the non-governmental organisation Mine Free Future"
NGO_CUE = re.compile(r"\b(?:(?:local|national|international|partner|non-profit|humanitarian)\s+)?"
                     r"(?:NGOs?|non-governmental\s+organi[sz]ations?|charity|civil\s+society\s+organi[sz]ations?"
                     r"|CSOs?)\s+[\"\u201c]?(?P<name>[A-Z][\w'\u2019&\-]*(?:\s+(?:(?:of|for|and)\s+)?"
                     r"[A-Z][\w'\u2019&\-]*){0,5})")
#: a run of capitalised words and connectors ("Swiss Foundation for Mine Action")
CAP_RUN = re.compile(r"[A-Z][\w'\u2019&\-]*(?:\s+(?:(?:of|for|and|the|de|du|des|la|le|in|on|to|für)\s+)*"
                     r"[A-Z][\w'\u2019&\-]*)*")
BRACKET_ACRONYM = re.compile(r"\(\s*(?:the\s+)?(?P<acr>[A-Z][A-Za-z&\-]{1,11})\s*\)")
#: the capitalised run that ends a text ("... Lebanon Mine Action Centre " before "(LMAC)")
RUN_BEFORE = re.compile(r"[A-Z][\w'\u2019&\-]*(?:\s+(?:(?:of|for|and|the|de|du|des|la|le|in|on|to|für)\s+)*"
                        r"[A-Z][\w'\u2019&\-]*)*\s*$")
HON_NAME = re.compile(rf"(?<![\w\-])(?P<hon>{HONORIFIC})\s+(?P<name>{PERSON_NAME})")
WORD = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\u2019&\-]*")


def date_line(text: str) -> bool:
    """A line that is (mostly) a date: "Jul 12, 2013", "Baku, 12 July 2013", "Posted on 12.07.2013"."""
    hits = find_dates(text)
    if not hits:
        return False
    covered = sum(h.end - h.start for h in hits)
    return covered * 2 >= len(text.replace(" ", "")) or (len(text.split()) <= 8 and text[-1:] not in ".!?")


def shorten(text: str, limit: int) -> str:
    """The text cut at a word boundary to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]


def title_case(phrase: str) -> bool:
    """Most content words capitalised and no closing punctuation: a title, not quoted speech."""
    words = re.findall(r"[A-Za-z][\w'\u2019\-]*", phrase)
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    if len(words) < 2 or not content or phrase.rstrip()[-1:] in ".,!?;:":
        return False
    return sum(w[0].isupper() for w in content) / len(content) >= 0.7


def org_like(name: str) -> bool:
    """A name of two or more words with an organisation word and no word of a document, event or place."""
    words = [w.lower().strip("'\u2019").removesuffix("'s").removesuffix("\u2019s") for w in name.split()]
    if len(words) < 2 or any(w in NOT_ORG_WORDS for w in words):
        return False
    return any(w in ORG_WORDS for w in words) or words[-1] in ORG_LAST_WORDS


def org_pieces(tokens: list[str], is_country: Callable[[str], bool] = lambda _name: False) -> list[tuple[int, int]]:
    """Token ranges of the organisation names in one capitalised run.

    A run is cut at "and" between two organisation names ("Mines Advisory Group and Norwegian People's Aid")
    and before "and the ..." or "and <country>" ("Government of Germany and the United States").
    """
    low = [t.lower().strip("'\u2019").removesuffix("'s").removesuffix("\u2019s") for t in tokens]
    start = 0
    roles = [i for i, w in enumerate(low) if w in ROLE_WORDS]
    if roles:
        k = roles[-1] + 1
        if k + 1 < len(low) and low[k] in ("of", "for") and low[k + 1] in ROLE_COMPLEMENTS:
            k += 2
        if k < len(low) and low[k] in ("of", "at", "for", "in", "with"):
            start = k + 1
        else:
            return []
    pieces: list[tuple[int, int]] = []
    a = start
    for i in range(start, len(low)):
        if low[i] != "and" or i == a:
            continue
        right = " ".join(tokens[i + 1:])
        between_names = low[i - 1] in ORG_WORDS | ORG_LAST_WORDS and org_like(right)
        if between_names or low[i + 1:i + 2] == ["the"] or is_country(right):
            pieces.append((a, i))
            a = i + 1
    pieces.append((a, len(low)))
    out = []
    for a, b in pieces:
        while a < b and (low[a] in STOP_WORDS or low[a] in CONNECTORS):
            a += 1
        while b > a and low[b - 1] in CONNECTORS:
            b -= 1
        if b - a >= 2 and org_like(" ".join(tokens[a:b])):
            out.append((a, b))
    return out


def trim_to_acronym(tokens: list[str], acronym: str) -> str:
    """The words before "(ACR)" that the acronym abbreviates, or the run without leading stop words."""
    letters = re.sub(r"[^A-Z]", "", acronym.upper())
    for start in range(len(tokens)):
        cand = tokens[start:]
        if cand[0].lower() in CONNECTORS:
            continue
        initials = "".join(t[0] for t in cand if t[0].isupper())
        if initials.upper() == letters:
            return " ".join(cand)
    for start in range(len(tokens)):
        cand = tokens[start:]
        if cand[0].lower() in CONNECTORS or cand[0][0].upper() != letters[:1]:
            continue
        capitals = iter(re.sub(r"[^A-Z]", "", " ".join(cand)))
        if all(ch in capitals for ch in letters):
            return " ".join(cand)
    while tokens and tokens[0].lower() in STOP_WORDS:
        tokens = tokens[1:]
    return " ".join(tokens)


def directness(text: str, start: int, end: int) -> bool | None:
    """Direct (True) or indirect (False) beneficiaries, from the words around a count."""
    after = re.split(r"[.;,]|\b(?:while|whereas)\b", text[end:], maxsplit=1)[0]
    window = (text[max(0, start - 30):start] + " " + after).lower()
    if "indirect" in window:
        return False
    if re.search(r"\bdirect", window):
        return True
    if re.search(r"\balso\b[^.;]{0,30}\bbenefi", window):
        return False
    return None


def fold_types(types: list[str]) -> dict[str, str]:
    """A bare "Memorandum" or "Agreement" is the more specific one the release also names, if any."""
    out = {}
    for t in types:
        target = t
        if t == "Memorandum":
            target = next((u for u in types if u.startswith("Memorandum of")), t)
        elif t == "Agreement":
            target = next((u for u in types if u.endswith(" Agreement")), t)
        out[t] = target
    return out


def agreement_type(raw: str) -> str:
    """The printed agreement word in canonical form: "MoU" -> "Memorandum of Understanding"."""
    words = re.sub(r"\s+", " ", raw).strip()
    if words.lower() == "mou":
        return "Memorandum of Understanding"
    return " ".join(w if w.lower() in ("of",) else w[:1].upper() + w[1:].lower() for w in words.split())


# --------------------------------------------------------------------------- country hints

#: demonyms of mine-affected countries: they tell where a release is set, not who donates
DEMONYMS: dict[str, str] = {
    "Afghan": "Afghanistan", "Albanian": "Albania", "Angolan": "Angola", "Armenian": "Armenia",
    "Azerbaijani": "Azerbaijan", "Bosnian": "Bosnia and Herzegovina", "Cambodian": "Cambodia",
    "Colombian": "Colombia", "Croatian": "Croatia", "Congolese": "Democratic Republic of the Congo",
    "Eritrean": "Eritrea", "Ethiopian": "Ethiopia", "Georgian": "Georgia", "Iraqi": "Iraq", "Jordanian": "Jordan",
    "Kosovar": "Kosovo", "Lao": "Laos", "Lebanese": "Lebanon", "Libyan": "Libya", "Malian": "Mali",
    "Mozambican": "Mozambique", "Nepalese": "Nepal", "Palestinian": "Palestine", "Serbian": "Serbia",
    "Somali": "Somalia", "South Sudanese": "South Sudan", "Sudanese": "Sudan", "Sri Lankan": "Sri Lanka",
    "Syrian": "Syria", "Tajik": "Tajikistan", "Ukrainian": "Ukraine", "Vietnamese": "Viet Nam", "Yemeni": "Yemen",
    "Zimbabwean": "Zimbabwe", "Chadian": "Chad", "Nigerien": "Niger", "Senegalese": "Senegal", "Peruvian": "Peru",
    "Ecuadorian": "Ecuador", "Thai": "Thailand", "Tunisian": "Tunisia", "Cypriot": "Cyprus", "Kyrgyz": "Kyrgyzstan",
    "Uzbek": "Uzbekistan", "Turkmen": "Turkmenistan", "Moldovan": "Moldova", "Montenegrin": "Montenegro",
}
#: capitals and main cities of mine-affected countries (datelines name them)
CITIES: dict[str, str] = {
    "Kabul": "Afghanistan", "Tirana": "Albania", "Luanda": "Angola", "Yerevan": "Armenia", "Baku": "Azerbaijan",
    "Sarajevo": "Bosnia and Herzegovina", "Phnom Penh": "Cambodia", "Battambang": "Cambodia", "Bogotá": "Colombia",
    "Bogota": "Colombia", "Zagreb": "Croatia", "Kinshasa": "Democratic Republic of the Congo", "Asmara": "Eritrea",
    "Addis Ababa": "Ethiopia", "Tbilisi": "Georgia", "Baghdad": "Iraq", "Erbil": "Iraq", "Mosul": "Iraq",
    "Amman": "Jordan", "Pristina": "Kosovo", "Vientiane": "Laos", "Beirut": "Lebanon", "Bamako": "Mali",
    "Maputo": "Mozambique", "Yangon": "Myanmar", "Kathmandu": "Nepal", "Ramallah": "Palestine", "Belgrade": "Serbia",
    "Mogadishu": "Somalia", "Juba": "South Sudan", "Khartoum": "Sudan", "Colombo": "Sri Lanka", "Damascus": "Syria",
    "Dushanbe": "Tajikistan", "Kyiv": "Ukraine", "Kiev": "Ukraine", "Hanoi": "Viet Nam", "Sana'a": "Yemen",
    "Sanaa": "Yemen", "Aden": "Yemen", "Harare": "Zimbabwe", "N'Djamena": "Chad", "Niamey": "Niger",
    "Dakar": "Senegal", "Bangkok": "Thailand", "Laayoune": "Western Sahara", "Nicosia": "Cyprus",
    "Bishkek": "Kyrgyzstan", "Tashkent": "Uzbekistan", "Ashgabat": "Turkmenistan", "Chisinau": "Moldova",
    "Podgorica": "Montenegro", "Skopje": "North Macedonia",
}
COUNTRY_HINTS: dict[str, str] = {**DEMONYMS, **CITIES}
HINT_RE = re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(k) for k in sorted(COUNTRY_HINTS, key=len, reverse=True))
                     + r")(?![\w\-])")
DONOR_CONTEXT = re.compile(r"(?:\b(?:government|people|embassy|ambassador|minister|ministry|king|queen|president)"
                           r"\s+of\s+(?:the\s+)?|\b(?:from|by)\s+(?:the\s+)?)$", re.I)
PLACE_CONTEXT = re.compile(r"\b(?:in|across|throughout|within|inside|of)\s+(?:the\s+)?(?:north|south|east|west"
                           r"|northern|southern|eastern|western|central\s+)?$", re.I)


def government_name(country: str) -> str:
    """"Government of Japan", "Government of the United Kingdom"."""
    article = "the " if re.match(r"(?:United|Republic|Democratic|Netherlands|Philippines|Russian|Syrian Arab"
                                 r"|Central African|Dominican|Czech|Gambia|Lao People)", country) else ""
    return f"Government of {article}{country}"
