"""Text patterns of news releases: names, page chrome, cue expressions, places of a stated kind, name shapes.

Pure functions over strings: nothing here knows the registry.  Word lists and
cue expressions are data (``lexicons/words.json``, ``lexicons/cues.json``,
``lexicons/places.json``); this module compiles them once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kb.ingest.news.lexicon import PLACES, load, words


def _cue(item: dict[str, object]) -> re.Pattern[str]:
    return re.compile(str(item["re"]), re.I if item.get("i") else 0)


_CUES = load("cues")


def cue(name: str) -> re.Pattern[str]:
    return _cue(_CUES[name])


def cues(name: str) -> tuple[re.Pattern[str], ...]:
    return tuple(_cue(item) for item in _CUES[name])


# --------------------------------------------------------------------------- people

HONORIFIC = r"(?:Mr|Ms|Mrs|Miss|Dr|Prof|Mme|Mx|Sir|H\.\s?E)\.?"
NAME_TOKEN = r"(?:Mc|Mac|O['\u2019]|D['\u2019])?[A-Z][a-z\u00c0-\u024f'\u2019]+(?:-[A-Za-z\u00c0-\u024f'\u2019]+)*"
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|la|le|bin|ibn|al|el)"
PERSON_NAME = rf"{NAME_TOKEN}(?:\s+(?:[A-Z]\.\s+|{_PARTICLE}\s+)?{NAME_TOKEN}){{0,3}}"
EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
PHONE = re.compile(r"(?:(?<![\d+])\+|\b(?:tel|phone|mobile|fax)\.?:?\s*)\(?\d[\d\s().\-]{6,30}\d", re.I)
HON_NAME = re.compile(rf"(?<![\w\-])(?P<hon>{HONORIFIC})\s+(?P<name>{PERSON_NAME})")
WORD = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\u2019&\-]*")

ROLE_WORDS = words("role_words")
#: words that finish a post's title after "of" ("Head of Programmes")
ROLE_COMPLEMENTS = words("role_complements")
#: words that make a capitalised phrase an organisation's name, wherever they stand in it
ORG_WORDS = words("org_words")
#: organisation words that count only as the last word ("Handicap International", "Norwegian People's Aid")
ORG_LAST_WORDS = words("org_last_words")
NOT_ORG_WORDS = words("not_org_words")
#: capitalised words that open a sentence or a phrase but are never part of a name
STOP_WORDS = words("stop_words")
#: words that end a person's name: posts, organisation words, sentence openers
NOT_NAME_WORDS = STOP_WORDS | ROLE_WORDS | ORG_WORDS | ORG_LAST_WORDS | NOT_ORG_WORDS
CONNECTORS = words("connectors")
SMALL_WORDS = words("small_words")
SAY_VERBS = "|".join(load("words")["say_verbs"])
#: verbs a person's name is the subject of in news prose ("Ambassador X signed ...")
ACT_VERBS = "|".join(load("words")["act_verbs"])


def name_key(text: str) -> str:
    """Letters only, lower case: "Ruslan Ismayil-zada" and "ruslan.ismayilzada" share one key."""
    return re.sub(r"[^a-z]", "", text.lower())


# --------------------------------------------------------------------------- lines and cues

CHROME = cue("chrome")
CONTACT_HEADING = cue("contact_heading")
PUBLISHER = cue("publisher")
END_PUNCT = ".!?\"'\u201d\u2019:"

QUOTED = cue("quoted")
PROJECT_WORD = r"(?:project|programme|program|initiative)"
#: an unquoted project title ("Kabul Clearance Initiative"); "... Programme" names too many organisations
PROJECT_PHRASE = cue("project_phrase")
SEG_END = cue("seg_end")
#: what may follow an organisation named in a list ("funded by UNDP and ANAMA."), unlike "SESU instructors will"
LIST_FOLLOW = cue("list_follow")
BETWEEN_END = cue("between_end")
FUNDING_CUES = cues("funding_cues")
FUNDED_SUFFIX = cue("funded_suffix")
FUNDING_NOUN = cue("funding_noun")
GIVING_VERB = cue("giving_verb")
SUBJECT_GAP = cue("subject_gap")
LIST_GAP = cue("list_gap")
IMPLEMENT_CUES = cues("implement_cues")
CONSORTIUM_CUES = cues("consortium_cues")
CONSORTIUM_LEAD = cue("consortium_lead")
#: a verb whose subjects do the work ("HI and UNICEF have started a campaign", "MAG will clear ...")
ACTIVITY_VERB = cue("activity_verb")
BENEFIT = cue("benefit")
AGREEMENT = cue("agreement")
SIGN = cue("sign")
SIGN_PLACE = cue("sign_place")
PARTNER_CUE = cue("partner_cue")
SINCE = cue("since")
PARTNER_BETWEEN = cue("partner_between")
#: a name after a type cue: "local NGO Hayat", "the non-governmental organisation Mine Free Future"
NGO_CUE = cue("ngo_cue")
DONOR_CONTEXT = cue("donor_context")
PLACE_CONTEXT = cue("place_context")
#: a run of capitalised words and connectors ("Swiss Foundation for Mine Action")
CAP_RUN = re.compile(r"[A-Z][\w'\u2019&\-]*(?:\s+(?:(?:of|for|and|the|de|du|des|la|le|in|on|to|für)\s+)*"
                     r"[A-Z][\w'\u2019&\-]*)*")
BRACKET_ACRONYM = re.compile(r"\(\s*(?:the\s+)?(?P<acr>[A-Z][A-Za-z&\-]{1,11})\s*\)")
#: the capitalised run that ends a text ("... Lebanon Mine Action Centre " before "(LMAC)")
RUN_BEFORE = re.compile(r"[A-Z][\w'\u2019&\-]*(?:\s+(?:(?:of|for|and|the|de|du|des|la|le|in|on|to|für)\s+)*"
                        r"[A-Z][\w'\u2019&\-]*)*\s*$")

#: demonyms of mine-affected countries: they tell where a release is set, not who donates
DEMONYMS: dict[str, str] = dict(PLACES["demonyms"])
DEMONYM_RE = re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(k) for k in sorted(DEMONYMS, key=len, reverse=True))
                        + r")(?![\w\-])")


# --------------------------------------------------------------------------- places of a stated kind

_PLACE_KINDS: dict[str, str] = dict(PLACES["place_kinds"])
_KIND = r"(?P<kind>(?i:" + "|".join(sorted(_PLACE_KINDS, key=lambda k: (-len(k), k))) + "))"
_PNAME = (r"[A-Z][a-z\u00c0-\u024f'\u2019]+(?:-[A-Z]?[a-z\u00c0-\u024f'\u2019]+)*"
          r"(?:\s[A-Z][a-z\u00c0-\u024f'\u2019\-]+)?")
_PLIST = rf"(?P<list>{_PNAME}(?:,\s+{_PNAME}){{0,15}}(?:,?\s+and\s+{_PNAME})?)"
_PLACES_BEFORE_KIND = re.compile(rf"(?<![\w\-]){_PLIST}\s+{_KIND}(?![\w-])")
_PLACES_AFTER_KIND = re.compile(rf"\b{_KIND}\s+of\s+{_PLIST}")
PLACE_STOP = words("place_stop_words")


@dataclass(frozen=True)
class PlaceHit:
    name: str
    kind: str      #: district | region | city | site
    start: int
    end: int


_DIRECTIONS = frozenset({"northern", "southern", "eastern", "western", "central", "north", "south", "east", "west"})


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
                if name.lower() in _DIRECTIONS:     # "the Northern and Eastern provinces"
                    name = f"{name} {re.sub(r'(?i)ies$', 'y', m.group('kind')).rstrip('sS').title()}"
                elif name.split()[0].lower() in PLACE_STOP or name.lower() in PLACE_STOP:
                    continue
                hits.append(PlaceHit(name, kind, base + pm.start(), base + pm.end()))
    hits.sort(key=lambda h: h.start)
    return hits




# --------------------------------------------------------------------------- shapes


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
            target = next((u for u in types if u.endswith((" Agreement", " Contract"))), t)
        out[t] = target
    return out


def agreement_type(raw: str) -> str:
    """The printed agreement word in canonical form: "MoU" -> "Memorandum of Understanding"."""
    words = re.sub(r"\s+", " ", raw).strip()
    if words.lower() == "mou":
        return "Memorandum of Understanding"
    return " ".join(w if w.lower() in ("of",) else w[:1].upper() + w[1:].lower() for w in words.split())


def government_name(country: str) -> str:
    """"Government of Japan", "Government of the United Kingdom"."""
    article = "the " if re.match(r"(?:United|Republic|Democratic|Netherlands|Philippines|Russian|Syrian Arab"
                                 r"|Central African|Dominican|Czech|Gambia|Lao People)", country) else ""
    return f"Government of {article}{country}"
