"""Repairs and filters of organisation spans, and spaCy's statistical ORG proposals.

Fragments ("... and H" of "H.E."), seats ("Embassy of X in Y"), units named with their organisation.

Reads: a sentence's text, its spaCy entities and the spans found so far.  Sets nothing: each function says
whether or where a candidate name is cut, or proposes spans (``ner_spans``) for ``organisations.org_spans``.
"""

from __future__ import annotations

import re

from kb.ingest.news import patterns as pat
from kb.ingest.news.document import Context, Sentence, Span

#: spaCy labels of phrases that are not organisations even when an organisation word heads them
NOT_ORG_LABELS = ("LAW", "EVENT", "WORK_OF_ART", "FAC", "PRODUCT", "PERSON")


_HONORIFIC_OR_INITIAL = re.compile(rf"^(?:{pat.HONORIFIC}|[A-Z])$")


#: words that make a phrase a part of the organisation named after it ("Demining Department of SESU")
UNIT_WORDS = frozenset({"department", "unit", "division", "section", "office", "bureau", "directorate", "team"})


_OF_AFTER = re.compile(r"\s+(?:of|at)\s+(?:the\s+)?")


def cut_fragments(text: str, tokens: list[tuple[int, int, str]]) -> list[str]:
    """The words of a capitalised run up to a fragment: "Embassy in Phnom Penh and H" (of "H.E.") ends before "and"."""
    words = [t[2] for t in tokens]
    for i, w in enumerate(words[:-1]):
        if w.lower() == "and" and (_HONORIFIC_OR_INITIAL.match(words[i + 1]) or text[tokens[i + 1][1]:][:1] == "."):
            return words[:i]
    return words


_SEAT = re.compile(r"^(?P<name>.*\b(?:Embassy|Consulate|Delegation|Mission)\b.*?)\s+in\s+[A-Z].*$")


def seat_trimmed(name: str) -> str:
    """"Embassy of Australia in Vientiane" is the embassy; where it sits is a place, not part of its name."""
    m = _SEAT.match(name)
    return m.group("name") if m else name


def part_of_named(text: str, end: int, name: str, spans: list[Span]) -> bool:
    """A unit's name followed by "of" and an organisation found already ("Demining Department of SESU")."""
    m = _OF_AFTER.match(text, end)
    return name.split()[-1].lower() in UNIT_WORDS and m is not None and any(sp.start == m.end() for sp in spans)


def ner_spans(ctx: Context, s: Sentence, spans: list[Span]) -> list[Span]:
    """spaCy's statistical ORG entities the rules above missed, repaired (leading article, honorific and
    fragments after "and" cut, trailing connectors dropped) and kept only when they read as an organisation."""
    text = s.masked
    out: list[Span] = []
    for e in s.ents("ORG"):
        if e.ent_id or any(sp.start < e.end and e.start < sp.end for sp in spans):
            continue
        if re.match(r"(?:a|an)\s", e.text, re.I) or re.search(r"\b(?:a|an|as)\s*$", text[max(0, e.start - 8):e.start],
                                                              re.I):
            continue    # "... as a International Mine Action Centre": a description, not a name
        tokens = [(t.start() + e.start, t.end() + e.start, t.group(0)) for t in re.finditer(r"[^\s,;:()]+",
                                                                                           text[e.start:e.end])]
        words = cut_fragments(text, tokens)
        while words and (words[0].lower() in pat.STOP_WORDS or _HONORIFIC_OR_INITIAL.match(words[0])):
            words, tokens = words[1:], tokens[1:]
        while words and words[-1].lower() in pat.CONNECTORS:
            words = words[:-1]
        if not words or not pat.org_like(" ".join(words)) or not all(w[0].isupper() or w.lower() in pat.CONNECTORS
                                                                      for w in words):
            continue
        start, end = tokens[0][0], tokens[len(words) - 1][1]
        name = seat_trimmed(text[start:end].removesuffix("'s").removesuffix("\u2019s"))
        if part_of_named(text, start + len(name), name, spans):
            continue
        ref = ctx.lookup(name) or ctx.resolve(name)
        out.append(Span(start, start + len(name), ref))
    return out


def named_by_ner(s: Sentence, before: int, full: str, acr: str) -> bool:
    """A name without an organisation word defines an acronym when its initials spell it and the
    statistical recogniser reads it as an organisation ("Delvon Assistance for Social Harmony (DASH)")."""
    initials = "".join(w[0] for w in full.split() if w[0].isupper())
    if initials != re.sub(r"[^A-Z]", "", acr) or any(w.lower() in pat.NOT_ORG_WORDS for w in full.split()):
        return False
    start = before - len(full) - 2
    return any(e.start <= start + 2 < e.end or start <= e.start < before for e in s.ents("ORG") if not e.ent_id)
