"""Money, counts and phases in news prose: "USD 9 millions", "1000 million yens", "forty mine survivors", "phase II".

Currencies, scales, number words and the heads of counted things are data
(``lexicons/quantities.json``).  Durations ("three years") and percentages are
never counts: their heads are not in the lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kb.ingest.news.lexicon import QUANTITIES

_Q = QUANTITIES
NUMBER_WORDS: dict[str, int] = dict(_Q["number_words"])
_SCALES: dict[str, int] = dict(_Q["scales"])
_CODES: dict[str, str] = dict(_Q["currency_codes"])
_CURRENCY_WORDS: dict[str, str] = dict(_Q["currency_words"])


def _alt(items: list[str]) -> str:
    return "|".join(re.escape(i).replace(r"\ ", r"\s+") for i in sorted(items, key=lambda x: (-len(x), x)))


# --------------------------------------------------------------------------- money

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\s\d{3})+(?![\d,.])|\d+(?:\.\d+)?"
_SCALE = r"(?P<scale>" + _alt([s for s in _SCALES if len(s) > 2]) + r"|mln|bn|mn|m|k)"
_PREFIX = r"US\s?\$|U\.S\.\s?\$|\$US|C\$|A\$|\$|€|£|¥|" + "|".join(c for c in _CODES if c.isalpha())
_MONEY_PREFIX = re.compile(
    rf"(?<![\w$€£¥])(?P<cur>{_PREFIX})\s?(?P<num>{_NUM})(?:\s?{_SCALE}(?![\w-]))?")
_MONEY_SUFFIX = re.compile(
    rf"(?<![\w.,$€£¥])(?P<num>{_NUM})(?:\s?{_SCALE.replace('|mln|bn|mn|m|k', '|mln|bn')})?\s?"
    rf"(?P<cur>{'|'.join(c for c in _CODES if c.isalpha())}|(?i:{_alt(list(_CURRENCY_WORDS))}))(?![\w$€£¥])")


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
        value = Decimal(re.sub(r"[,\s]", "", number))
    except InvalidOperation:
        return None
    value *= _SCALES.get((scale or "").lower(), 1)
    if value <= 0:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _currency(printed: str) -> str | None:
    key = re.sub(r"\s+", " ", printed).strip()
    return _CODES.get(key.replace(" ", "")) or _CURRENCY_WORDS.get(key.lower())


def find_money(text: str) -> list[MoneyHit]:
    """Sums of money with a currency ("US$ 1.2 million", "136,000 USD", "€250,000", "USD 9 millions"), in order."""
    hits: list[MoneyHit] = []
    for rx in (_MONEY_PREFIX, _MONEY_SUFFIX):
        for m in rx.finditer(text):
            amount = amount_value(m.group("num"), m.group("scale"))
            cur = _currency(m.group("cur"))
            if amount is not None and cur:
                hits.append(MoneyHit(amount, cur, m.group(0), m.start(), m.end()))
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
    if re.match(r"\s+(?:[a-z\-]+\s+)?(?:project|programme|program|initiative|campaign)\b", after) or re.search(
            r"\b(?:project|programme|program|initiative)\s+worth\s*$", low[max(0, hit.start - 40):hit.start]):
        return "project budget"
    if "contribut" in low:
        return "contribution"
    if re.search(r"\bgrant(?:s|ed)?\b", low):
        return "grant"
    if re.search(r"\bloans?\b", low):
        return "loan"
    if re.search(r"fund|financ|donat|pledg|allocat|receiv|provid|award", low):
        return "funding"
    return None


# --------------------------------------------------------------------------- counts


# --------------------------------------------------------------------------- counts

_PERSON_HEADS = "|".join(_Q["person_heads"])
_THING_HEADS = "|".join(_Q["thing_heads"])
_NUMBER_WORD = r"(?i:(?:" + "|".join(w for w in NUMBER_WORDS if w not in ("hundred",)) + r")(?:-(?:one|two|three" \
    r"|four|five|six|seven|eight|nine))?(?:\s+hundred)?|hundred)"
_FUNCTION_WORDS = (r"(?:of|the|a|an|and|or|in|on|at|to|for|from|with|by|which|that|these|those|their|its|his|her"
                   r"|our|will|would|were|was|are|is|be|been|have|has|per|each|more|than|also|who)")
_COUNT = re.compile(
    r"(?<![\w.,$€£¥\-/])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|" + _NUMBER_WORD
    + r")\s+(?P<what>(?:[a-z][a-z\-]+\s+and\s+(?=[a-z]))?(?:(?!" + _FUNCTION_WORDS + r"\b)[a-z][a-z\-]+\s+){0,2}?(?:"
    + _PERSON_HEADS + "|" + _THING_HEADS + r"))(?![\w-])(?!\s+(?:" + _PERSON_HEADS + "|" + _THING_HEADS
    + r")(?![\w-]))")
_APPROX = re.compile(r"\b(?:" + _alt(_Q["approximate"]) + r")\s*$", re.I)
#: a count printed after what it counts: "beneficiaries will be about 160", "participants totalled 1,200"
_COUNT_AFTER = re.compile(
    r"\b(?P<what>(?i:" + _PERSON_HEADS + r"))\s+(?:is|are|was|were|will\s+be|would\s+be|reached|numbered|totall?ed"
    r"|total)\s+(?P<approx>(?:" + _alt(_Q["approximate"]) + r")\s+)?(?P<num>\d{1,3}(?:,\d{3})+|\d+)"
    r"(?![\w%]|[.,]\d|\s*(?:per\s*cent|percent))")
PERSON_HEAD_RE = re.compile(rf"(?:{_PERSON_HEADS})$")


def word_number(text: str) -> int | None:
    """The value of a number in words: "forty" 40, "twenty-five" 25, "three hundred" 300."""
    total = 0
    for part in re.split(r"[\s-]+", text.lower()):
        if part == "hundred":
            total = (total or 1) * 100
        elif part in NUMBER_WORDS:
            total += NUMBER_WORDS[part]
        else:
            return None
    return total or None

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
        if num[0].isalpha():
            worded = word_number(num)
            if worded is None:
                continue
            value = worded
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
    for m in _COUNT_AFTER.finditer(text):   # "the number of beneficiaries is about 160"
        amount = amount_value(m.group("num"), None)
        if amount is None or amount != int(amount) or any(h.start <= m.start("num") < h.end for h in hits):
            continue
        what = re.sub(r"\s+", " ", m.group("what")).lower()
        hits.append(CountHit(int(amount), what, bool(m.group("approx")), bool(PERSON_HEAD_RE.search(what)),
                             m.start("num"), m.end("num")))
    hits.sort(key=lambda h: h.start)
    return hits


# --------------------------------------------------------------------------- phases


# --------------------------------------------------------------------------- phases

_ORDINALS: dict[str, int] = dict(_Q["ordinals"])
_ROMAN: dict[str, int] = dict(_Q["roman"])
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

