"""Organisations of a release, and the country it is about.

Found as: registry names (regex gazetteer and spaCy's entity ruler), acronyms a release defines, names
after a type cue, capitalised phrases headed by an organisation word, and statistical ORG entities repaired
and filtered.

Reads: sentences (text, spaCy entities), the registry, the place gazetteer.  Sets: ``Sentence.spans``
(resolved ``OrgRef``s), ``Sentence.countries``, ``Context.aliases``, ``Context.country``; the component
``organisations`` sets ``NewsDocument.organisations`` and an ``unknown-organisation`` finding per minted name.
Names keep the form printed (``OrgRef.name``); a UN agency followed by a country is its office there.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Iterable
from functools import lru_cache

from kb.ingest.news import patterns as pat
from kb.ingest.news.document import Context, Sentence, Span, non_overlapping, squash
from kb.ingest.news.repairs import (
    NOT_ORG_LABELS,
    cut_fragments,
    named_by_ner,
    ner_spans,
    part_of_named,
    seat_trimmed,
)
from kb.model import NewsDocument, OrganisationMention, OrgRef
from kb.registry import Registry
from kb.registry.resolver import mint_country_office, office_label

#: organisations whose "<name> <Country> Office" is their office there ("KOICA Laos Office")
OFFICE_OWNERS = ("un-agency", "intergovernmental", "donor", "ngo", "government")
_DEMONYM_GOVERNMENT = re.compile(rf"^(?P<d>{pat.DEMONYM_RE.pattern})\s+Government$")


def _name_pattern(name: str) -> str:
    """Regex for one organisation name: acronyms exactly, other names in any case and spelling variant."""
    """Regex for one organisation name: acronyms exactly, other names in any case and spelling variant."""
    if not re.search(r"[a-z]", name):
        return r"\s+".join(re.escape(t) for t in name.split())
    parts = []
    for token in name.split():
        if token.lower() in ("and", "&"):
            parts.append(r"(?:and|&)")
            continue
        p = "-?".join(re.escape(piece) for piece in token.split("-"))
        p = re.sub(r"['\u2019]", "['\u2019]", p)
        p = re.sub(r"(?i)organi[sz]ation", "organi[sz]ation", p)
        p = re.sub(r"(?i)programme\b", "program(?:me)?", p)
        p = re.sub(r"(?i)cent(?:er|re)", "cent(?:er|re)", p)
        parts.append(p)
    return "(?i:" + r"\s+".join(parts) + ")"


def _alternation(patterns: Iterable[str]) -> re.Pattern[str] | None:
    pats = list(patterns)
    if not pats:
        return None
    return re.compile(r"(?<![\w@\-])(?:" + "|".join(pats) + r")(?![\w@])")


@lru_cache(maxsize=4096)
def _alias_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """The pattern of the names a release defines (the same few recur across a corpus)."""
    return _alternation(_name_pattern(n) for n in names)


class Gazetteer:
    """Compiled name patterns of one registry (built once per registry)."""

    def __init__(self, registry: Registry) -> None:
        self.names: dict[str, str] = {}       # squashed -> registry name
        ordered: list[str] = []
        for name, _entry in registry.all_names():
            key = squash(name)
            if key and key not in self.names:
                self.names[key] = name
                ordered.append(name)
        self.names_re = _alternation(_name_pattern(n) for n in ordered)
        self.context: dict[str, str] = {}
        for entry in registry.entries.values():
            for name in entry.context_names:
                self.context.setdefault(squash(name), name)
        ctx = sorted(set(self.context.values()), key=lambda n: (-len(n), n))
        self.context_re = _alternation(_name_pattern(n) for n in ctx)
        self.countries = sorted(set(registry.countries.values()), key=lambda n: (-len(n), n))
        country_alt = "|".join(re.escape(c) for c in self.countries)
        self.country_re = re.compile(rf"(?<![\w\-])(?:{country_alt})(?![\w-])") if self.countries else None
        self.unit_tail = re.compile(
            rf"\s+(?:(?P<co>Country\s+Office|CO)\b(?:\s+(?:in|for)\s+(?P<c1>{country_alt}))?"
            rf"|(?:in\s+)?(?P<c2>{country_alt})(?:\s+(?:Country\s+Office|CO))?)(?![\w-])") if self.countries else None


_GAZETTEERS: weakref.WeakKeyDictionary[Registry, Gazetteer] = weakref.WeakKeyDictionary()


def gazetteer(registry: Registry) -> Gazetteer:
    gaz = _GAZETTEERS.get(registry)
    if gaz is None:
        gaz = _GAZETTEERS[registry] = Gazetteer(registry)
    return gaz


def _person_trimmed(name: str) -> str:
    """"KOICA Laos Office Oh Sungsoo": words after the last organisation word that read as a person's name
    (no connector, no organisation word) are not part of the organisation's name."""
    words = name.split()
    last = max((i for i, w in enumerate(words) if w.lower() in pat.ORG_WORDS), default=-1)
    tail = words[last + 1:]
    if last >= 1 and 2 <= len(tail) <= 3 and all(re.fullmatch(pat.NAME_TOKEN, w) and w.lower() not in
                                                  pat.NOT_NAME_WORDS for w in tail):
        return " ".join(words[:last + 1])
    return name


def _spells(full: str, acronym: str) -> bool:
    """The capitals of a name contain the acronym's letters in order ("Lebanon Mine Action Centre" LMAC)."""
    capitals = iter(re.sub(r"[^A-Z]", "", full))
    return all(ch in capitals for ch in re.sub(r"[^A-Z]", "", acronym.upper()))


def find_aliases(ctx: Context) -> None:
    """Acronyms a release defines: "Lebanon Mine Action Centre (LMAC)"."""
    for s in ctx.prose():
        for m in pat.BRACKET_ACRONYM.finditer(s.masked):
            acr = m.group("acr")
            run = pat.RUN_BEFORE.search(s.masked[max(0, m.start() - 160):m.start()])
            if sum(c.isupper() for c in acr) < 2:
                continue
            full = pat.trim_to_acronym(run.group(0).split(), acr) if run else ""
            at = s.masked.rfind(full, 0, m.start()) if full else -1
            if not full or registry_name(ctx, full) or not _spells(full, acr) or (
                    at > 0 and re.search(r"\b[A-Z]\.\s*$", s.masked[:at])):
                continue    # the words before do not abbreviate to it, or are the tail of "U.S Department ..."
            if not pat.org_like(full) and not named_by_ner(s, m.start(), full, acr):
                continue
            known = ctx.registry.lookup(acr)
            if known is not None:    # the registry's own names find it; the words before may hold a post
                continue
            country = next((c for c in ctx.gaz.countries if re.search(rf"\b{re.escape(c)}\b", full)), None)
            ref = known or ctx.registry.resolve(full, acronym=acr, country=country)
            if not ref.known:
                ref = dataclasses.replace(ref, acronym=acr)
            ctx.aliases.setdefault(squash(full), ref)
            ctx.aliases.setdefault(acr, ref)
            ctx.alias_names.update({full, acr})
    names = sorted(ctx.alias_names, key=lambda n: (-len(n), n))
    ctx.alias_re = _alias_pattern(tuple(names))


def names_organisation(ctx: Context, phrase: str) -> bool:
    """The phrase ends with an organisation's name ("United Nations Development Programme")."""
    return any(m.end() == len(phrase) for rx in (ctx.gaz.names_re,) if rx
               for m in rx.finditer(phrase))


def registry_name(ctx: Context, name: str) -> str | None:
    return ctx.gaz.names.get(squash(name))


def org_spans(ctx: Context, s: Sentence, mint: bool = True) -> list[Span]:
    text = s.masked
    cands: list[Span] = []
    if ctx.gaz.names_re:
        for m in ctx.gaz.names_re.finditer(text):
            printed = m.group(0)
            reg = ctx.gaz.names.get(squash(printed))
            ref = ctx.lookup(printed, reg) if printed[0].isupper() and reg else None
            if ref:
                cands.append(Span(m.start(), m.end(), ref))
    if ctx.alias_re:
        for m in ctx.alias_re.finditer(text):
            ref = ctx.aliases.get(m.group(0)) or ctx.aliases.get(squash(m.group(0)))
            if ref and m.group(0)[0].isupper():
                cands.append(Span(m.start(), m.end(), dataclasses.replace(ref, name=m.group(0))))
    if ctx.gaz.context_re:
        for m in ctx.gaz.context_re.finditer(text):
            reg = ctx.gaz.context.get(squash(m.group(0)))
            ref = ctx.lookup(m.group(0), reg) if reg and m.group(0)[0].isupper() else None
            if ref:
                cands.append(Span(m.start(), m.end(), ref))
    for e in s.entities:
        if e.ent_id and e.label == "ORG":     # the registry's entity ruler
            entry = ctx.registry.get(e.ent_id)
            ref = ctx.lookup(e.text) or (entry.ref(e.text) if entry else None)
            if ref:
                cands.append(Span(e.start, e.end, ref))
    spans = non_overlapping(cands)
    spans = non_overlapping([unit_extension(ctx, text, sp) for sp in spans])
    if mint and s.kind != "title":
        spans = non_overlapping(spans + cue_spans(ctx, text, spans))
        if s.kind == "prose":
            spans = non_overlapping(spans + phrase_spans(ctx, s, spans))
            spans = non_overlapping(spans + ner_spans(ctx, s, spans))
    return spans


def unit_extension(ctx: Context, text: str, sp: Span) -> Span:
    """"UNDP Lebanon", "UNMAS in Iraq", "UNDP CO": the agency's office in a country."""
    ref = sp.ref
    if ctx.gaz.unit_tail is None or ref.org_type not in ("un-agency", "intergovernmental") or ref.parent:
        return sp
    m = ctx.gaz.unit_tail.match(text, sp.end)
    if not m:
        return sp
    country = m.group("c1") or m.group("c2") or (ctx.country if m.group("co") else None)
    country = ctx.registry.country(country) if country else None
    if not country:
        return sp
    printed = text[sp.start:m.end()]
    short = ref.acronym or ref.label
    found = ctx.lookup(printed) or ctx.lookup(printed, f"{short} {country}") or ctx.lookup(
        printed, office_label(short, country))
    if found is None:    # the resolver's one minting rule for offices: one office, one IRI in every parser
        found = mint_country_office(ctx.registry, short, country, printed)
    return Span(sp.start, m.end(), found)


def cue_spans(ctx: Context, text: str, spans: list[Span]) -> list[Span]:
    """Names after a type cue: "local NGO Hayat", "the non-governmental organisation X"."""
    out = []
    for m in pat.NGO_CUE.finditer(text):
        start, name = m.start("name"), m.group("name")
        if any(sp.start <= start < sp.end for sp in spans):
            continue
        tokens = name.split()
        while tokens and tokens[-1].lower() in pat.CONNECTORS:
            tokens.pop()
        if not tokens or tokens[0].lower() in pat.STOP_WORDS:
            continue
        name = " ".join(tokens)
        ref = ctx.lookup(name) or ctx.lookup(name, f"NGO {name}") or ctx.registry.mint(name, type_hint="ngo")
        out.append(Span(start, start + len(name), ref))
    return out


def phrase_spans(ctx: Context, s: Sentence, spans: list[Span]) -> list[Span]:
    """Capitalised phrases headed by an organisation word ("Swiss Foundation for Mine Action").

    A phrase spaCy reads as a law, event, work, facility or product is not an organisation; a phrase is cut
    before "and" + honorific or initial ("... Embassy in Phnom Penh and H.E. ...").
    """
    text = s.masked
    not_orgs = [(e.start, e.end) for e in s.ents(*NOT_ORG_LABELS)]
    residual = list(text)
    for sp in spans:
        residual[sp.start:sp.end] = "\x00" * (sp.end - sp.start)
    res = "".join(residual)
    out = []
    for m in pat.CAP_RUN.finditer(res):
        tokens = [(t.start() + m.start(), t.end() + m.start(), t.group(0)) for t in re.finditer(r"\S+", m.group(0))]
        if len(tokens) > 24:
            continue    # title-case text, not a name
        person = next((e.start for e in s.ents("PERSON") if tokens[0][0] < e.start <= tokens[-1][0]), None)
        if person is not None:      # "... of the KOICA Laos Office Oh Sungsoo": the name ends at the person
            tokens = [t for t in tokens if t[1] <= person]
        for a, b in pat.org_pieces(cut_fragments(text, tokens), ctx.is_country):
            start, end = tokens[a][0], tokens[b - 1][1]
            if any(x <= start and end <= y for x, y in not_orgs) or re.search(r"\b[A-Z]\.$", text[:start]):
                continue    # a law or an event; or a piece of "U.S Department ...": not a name
            if re.search(r"\b(?:a|an|as\s+a|as\s+an)\s*$", res[max(0, start - 8):start], re.I):
                continue
            name = text[start:end].rstrip("'\u2019s") if text[start:end].endswith(("'s", "\u2019s")) \
                else text[start:end]
            name = seat_trimmed(_person_trimmed(name))
            if part_of_named(text, start + len(name), name, spans):
                continue    # "the Demining Department of SESU": a part of SESU, named with it
            owner = next((sp for sp in spans if sp.end < start and not text[sp.end:start].strip()), None)
            if owner and not owner.ref.parent and owner.ref.org_type in OFFICE_OWNERS:
                start, name = owner.start, text[owner.start:start + len(name)]
                unit = ctx.registry.mint(name, type_hint="unit", country=ctx.country)
                out.append(Span(start, start + len(name), dataclasses.replace(unit, parent=owner.ref.iri)))
                continue
            demonym = _DEMONYM_GOVERNMENT.match(name)
            country = ctx.registry.country(pat.DEMONYMS[demonym.group("d")]) if demonym else None
            if country:     # "the Sri Lankan Government" is the Government of Sri Lanka
                ref = dataclasses.replace(ctx.government(country), name=name)
            else:
                ref = ctx.lookup(name) or ctx.resolve(name)
            out.append(Span(start, start + len(name), ref))
    return out


def organisations(ctx: Context, doc: NewsDocument) -> None:
    mentions: dict[str, OrganisationMention] = {}
    order = sorted(ctx.sentences, key=lambda s: s.kind != "prose")
    firsts: dict[str, tuple[OrgRef, Sentence]] = {}
    for s in ctx.sentences:
        for sp in s.spans:
            firsts.setdefault(sp.ref.iri, (sp.ref, s))
    for ref, s in ctx.extra_mentions:
        firsts.setdefault(ref.iri, (ref, s))
    for iri, (ref, first) in firsts.items():
        where = next((s for s in order if any(sp.ref.iri == iri for sp in s.spans)), first)
        mentions[iri] = OrganisationMention(ref, where.text, *where.span)
        if not ref.known:
            ctx.warn("unknown-organisation", f"{ref.label!r} is not in the registry; minted {ref.iri}",
                       first.line, ref.label)
    doc.organisations = list(mentions.values())
