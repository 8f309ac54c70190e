"""People of a release, with their posts and organisations.

Reads: sentences with organisation spans and spaCy PERSON entities, e-mail addresses of contact lines.  Sets:
``NewsDocument.people``.  Forms read: "Mr. Broek, Resident Representative of UNDP", "Resident Coordinator UNDP,
John Smith", "UNDP Resident Representative Maria Lopez said", "Vugar Suleymanov, Chairman of the Board",
"H.E. Mr. Y, the first Secretary of the Embassy of Japan"; a PERSON entity the patterns missed is kept when its
words read as a name (honorifics such as H.E., Mr., Mrs., Dr. dropped), with the post printed next to it.
"""

from __future__ import annotations

import bisect
import re

from kb.ingest.news import patterns as pat
from kb.ingest.news.document import Context, Sentence, Span
from kb.model import NewsDocument, OrgRef, PersonRef
from kb.registry.resolver import mint_country_office

_HONORIFICS = re.compile(r"^(?:(?:H\.\s?E\.?|Mr\.?|Ms\.?|Mrs\.?|Miss|Dr\.?|Prof\.?|Mme\.?|Sir|His|Her|Excellency"
                         r"|Ambassador|Minister|Madam|Mister)\s+)+")
_NAME_WORD = re.compile(rf"{pat.NAME_TOKEN}|[A-Z]\.|(?:van|von|de|der|den|da|di|du|la|le|bin|ibn|al|el)")
#: ", the " (and a lower-case rank word) between a name and its post: "Mr. Y, the first Secretary of ..."
#: ranks printed before a name that are not the post held ("Brigadier General Ziad Nasr, Director of LMAC")
_MILITARY = frozenset({"brigadier", "general", "colonel", "major", "lieutenant", "captain", "admiral", "marshal",
                       "commander", "lt", "col", "gen", "brig"})
_LOWER_POST = re.compile(r"(?P<word>[a-z][a-z\-]+)(?:\s+[a-z][a-z\-]+)?\s+(?:of|at|for)\s+(?:the\s+)?")
_POSTED_TO = re.compile(r"\s+(?:to|in)\s+(?:the\s+)?")
_HONORIFIC_BEFORE = re.compile(r"(?:H\.\s?E\.?|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?|Excellency)\s*$")
_NEXT_PERSON = re.compile(r",?\s+and\s+(?:H\.\s?E\.?|Mr|Ms|Mrs|Dr|Prof)\b")
#: organisations whose posts "in <country>" are in their country office there (as the resolver mints them)
_AGENCIES = ("un-agency", "intergovernmental")
_ORG_IN_COUNTRY = re.compile(r"\s*\)?\s*(?:\([A-Z]{2,10}\)\s*)?(?P<where>(?:in|for)\s+(?:the\s+)?"
                             r"[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)")
#: "... of the United Nations Development Program (UNDP) in Azerbaijan Nuno Queiroz": the post's tail
_POST_TAIL = re.compile(r"\s*(?:\([A-Z]{2,10}\)\s*)?(?:in|for)\s+(?:the\s+)?[A-Z][\w\-]*\s+$")
_IN_COUNTRY = re.compile(r"\s+(?:in|for)\s+(?:the\s+)?(?P<c>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)$")
_AFTER_NAME = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?(?:(?P<rank>first|second|third|acting|deputy|former|senior|interim"
                         r"|chief|executive)\s+)?")


def people(ctx: Context, doc: NewsDocument) -> None:
    people: dict[str, PersonRef] = {}
    emails: list[tuple[str, Sentence]] = []
    for s in ctx.sentences:
        if s.kind == "title":
            continue
        for m in pat.EMAIL.finditer(s.text):
            emails.append((m.group(0).rstrip("."), s))
        for person in persons_in(ctx, s) + entity_persons(ctx, s):
            key = pat.name_key(person.name)
            # "Jan Willem" and "Jan Willem de Vries" are one person: the longer name stays
            key = next((k for k in people if key in k or k in key), key)
            known = people.get(key)
            if known is None:
                people[key] = person
            else:
                if len(person.name) > len(known.name):
                    known.name = person.name
                known.role = known.role or person.role
                known.organisation = known.organisation or person.organisation
    for email, s in emails:
        local = pat.name_key(email.split("@")[0])
        in_sentence = [p for p in people.values() if p.evidence == s.text]
        match = next((p for p in people.values() if pat.name_key(p.name) == local), None)
        match = match or next((p for p in in_sentence if pat.name_key(p.name.split()[-1]) in local), None)
        match = match or (in_sentence[0] if len(in_sentence) == 1 else None)
        if match and not match.email:
            match.email = email
            if match.organisation is None:
                match.organisation = email_org(ctx, email)
    doc.people = list(people.values())


def email_org(ctx: Context, email: str) -> OrgRef | None:
    domain = email.split("@")[-1].split(".")
    label = domain[-2] if len(domain) >= 2 else ""
    return ctx.lookup(label.upper()) if label else None


def persons_in(ctx: Context, s: Sentence) -> list[PersonRef]:
    found: list[tuple[int, int, PersonRef]] = []
    runs = sentence_runs(ctx, s)

    taken: list[tuple[int, int]] = []      # sorted, not overlapping

    def add(start: int, end: int, name: str, role_span: tuple[int, int] | None, rank: str | None = None) -> None:
        i = bisect.bisect_left(taken, (start, end))
        if not name or (i < len(taken) and taken[i][0] < end) or (i > 0 and taken[i - 1][1] > start):
            return
        taken.insert(i, (start, end))
        role, org = role_of(ctx, s, role_span) if role_span and has_role(ctx, s, role_span) else (None, None)
        if org is None and role and role_span:
            nxt = next((r for r in runs if r[0] >= role_span[1]), None)
            if nxt and re.fullmatch(r",\s*(?:the\s+)?", s.text[role_span[1]:nxt[0]]) and all(u[2] for u in nxt[2]):
                org = nxt[2][0][2].ref  # type: ignore[union-attr]
        if org is None and role and s.kind == "contact":
            org = ctx.publisher
        if role and rank:
            role = f"{rank.title()} {role}"
        found.append((start, end, PersonRef(name, role, org, None, s.text, *s.span)))

    run_after = {a: (a, b, units) for a, b, units in runs}
    # "Mr. Broek, Resident Representative of UNDP" / "Resident Representative, Mr. Broek"
    for m in pat.HON_NAME.finditer(s.text):
        units = [u for u in word_units(ctx, s, m.start("name"), m.end("name"))]
        name_units = name_part(ctx, s, units, allow_single=True)
        if not name_units:
            continue
        end = name_units[-1][1]
        after = _AFTER_NAME.match(s.text, end)
        nxt = run_after.get(after.end()) if after else None
        role_span = (nxt[0], nxt[1]) if nxt and has_role(ctx, s, (nxt[0], nxt[1])) else None
        role_span = role_span or (_lower_post(ctx, s, after.end()) if after else None)
        rank = after.group("rank") if after and role_span else None
        role_span = role_span or run_before(ctx, s, m.start())
        add(name_units[0][0], end, " ".join(s.text[a:b] for a, b, _sp in name_units), role_span, rank)
    for i, (a, b, units) in enumerate(runs):
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        comma_gap = nxt is not None and re.fullmatch(r",\s+(?:the\s+)?", s.text[b:nxt[0]]) is not None
        tail = s.text[b:]
        ends_clause = re.match(rf"\s*(?:[,.;:)!?]|$|(?:{pat.SAY_VERBS}|{pat.ACT_VERBS}|and|who)\b)", tail) is not None
        # "Ruslan Ismayil-zada, Communications Officer"
        name_units = name_part(ctx, s, units)
        if name_units and len(name_units) == len(trim_stop(ctx, s, units)) and comma_gap and nxt \
                and has_role(ctx, s, (nxt[0], nxt[1])):
            add(name_units[0][0], name_units[-1][1], " ".join(s.text[x:y] for x, y, _sp in name_units),
                (nxt[0], nxt[1]))
            continue
        if not has_role(ctx, s, (a, b)):
            continue
        # "Resident Coordinator UNDP, John Smith"
        if comma_gap and nxt:
            nxt_units = trim_stop(ctx, s, nxt[2])
            follow = re.match(rf"\s*(?:[,.;:)!?]|$|(?:{pat.SAY_VERBS}|and|who)\b)", s.text[nxt[1]:]) is not None
            name_units = name_part(ctx, s, nxt_units)
            if name_units and len(name_units) == len(nxt_units) and follow:
                add(name_units[0][0], name_units[-1][1], " ".join(s.text[x:y] for x, y, _sp in name_units), (a, b))
                continue
        # "UNDP Resident Representative John Smith said"
        role_idx = [k for k, (x, y, sp) in enumerate(units) if sp is None and s.text[x:y].lower() in pat.ROLE_WORDS]
        tail_units = units[role_idx[-1] + 1:] if role_idx else []
        role_end = units[role_idx[-1]][1] if role_idx else b
        posted = _posted_to(ctx, s.text, role_end) if role_idx else None
        if posted:      # "Ambassador to Sri Lanka Mizukoshi Hideaki": the country is part of the post
            role_end = posted
            tail_units = [u for u in tail_units if u[0] > posted]
        name_units = name_part(ctx, s, tail_units)
        if role_idx and name_units and len(name_units) == len(tail_units) and ends_clause:
            # "Brigadier General Ziad Nasr, Director of LMAC": the post after the name is the one held
            title_units = units[:role_idx[-1] + 1]
            rank_only = all(sp is None and s.text[x:y].lower() in _MILITARY
                            for x, y, sp in trim_stop(ctx, s, title_units))
            after_role = rank_only and comma_gap and nxt is not None and has_role(ctx, s, (nxt[0], nxt[1]))
            add(name_units[0][0], name_units[-1][1], " ".join(s.text[x:y] for x, y, _sp in name_units),
                (nxt[0], nxt[1]) if after_role and nxt else (a, role_end))
    return [p for _a, _b, p in sorted(found, key=lambda t: t[0])]


def word_units(ctx: Context, s: Sentence, start: int, end: int) -> list[tuple[int, int, Span | None]]:
    """Words and organisation names between two offsets."""
    units: list[tuple[int, int, Span | None]] = [(sp.start, sp.end, sp) for sp in s.spans
                                                  if start <= sp.start and sp.end <= end]
    units += [(m.start(), m.end(), None) for m in pat.WORD.finditer(s.text, start, end) if not s.inside(m.start())]
    return sorted(units, key=lambda u: u[0])


def sentence_runs(ctx: Context, s: Sentence) -> list[tuple[int, int, list[tuple[int, int, Span | None]]]]:
    """Runs of capitalised words, connectors and organisation names (split at punctuation)."""
    if s.runs is None:
        s.runs = make_runs(ctx, s)
        s.run_ends = [b for _a, b, _u in s.runs]
    return s.runs


def make_runs(ctx: Context, s: Sentence) -> list[tuple[int, int, list[tuple[int, int, Span | None]]]]:
    runs: list[tuple[int, int, list[tuple[int, int, Span | None]]]] = []
    current: list[tuple[int, int, Span | None]] = []
    pending: list[tuple[int, int, Span | None]] = []
    last_end = -1
    for a, b, sp in word_units(ctx, s, 0, len(s.text)):
        word = s.text[a:b]
        joined = last_end >= 0 and s.text[last_end:a].strip() in ("", "'s", "\u2019s")   # "HALO's Programme Manager"
        if sp is not None or word[0].isupper():
            if current and not joined:
                runs.append((current[0][0], current[-1][1], current))
                current = []
            current += pending if current else []
            current.append((a, b, sp))
            pending = []
        elif current and joined and word.lower() in pat.CONNECTORS:
            pending.append((a, b, sp))
        else:
            if current:
                runs.append((current[0][0], current[-1][1], current))
            current, pending = [], []
        last_end = b
    if current:
        runs.append((current[0][0], current[-1][1], current))
    return runs


def trim_stop(ctx: Context, s: Sentence,
               units: list[tuple[int, int, Span | None]]) -> list[tuple[int, int, Span | None]]:
    k = 0
    while k < len(units) and units[k][2] is None and s.text[units[k][0]:units[k][1]].lower() in pat.STOP_WORDS:
        k += 1
    return units[k:]


def name_part(ctx: Context, s: Sentence, units: list[tuple[int, int, Span | None]],
                allow_single: bool = False) -> list[tuple[int, int, Span | None]]:
    """The units that form a person's name (leading stop words dropped), or [] when they do not."""
    units = trim_stop(ctx, s, units)
    kept: list[tuple[int, int, Span | None]] = []
    for a, b, sp in units:
        word = s.text[a:b]
        low = word.lower()
        if sp is not None or not re.fullmatch(pat.NAME_TOKEN, word) or low in pat.NOT_NAME_WORDS \
                or ctx.registry.country(word):
            break
        kept.append((a, b, sp))
    if len(kept) > 4 or len(kept) < (1 if allow_single else 2):
        return []
    return kept


def run_before(ctx: Context, s: Sentence, pos: int) -> tuple[int, int] | None:
    """The run that ends at ``pos`` (spaces and a comma allowed between)."""
    end = pos
    while end > 0 and (s.text[end - 1].isspace() or s.text[end - 1] == ","):
        end -= 1
    runs = sentence_runs(ctx, s)
    i = bisect.bisect_left(s.run_ends, end)
    return (runs[i][0], runs[i][1]) if i < len(runs) and runs[i][1] == end else None


def has_role(ctx: Context, s: Sentence, span: tuple[int, int]) -> bool:
    a, b = span
    chars = list(s.text[a:b])
    for sp in s.spans:
        if a <= sp.start < b:
            chars[sp.start - a:sp.end - a] = " " * (sp.end - sp.start)
    return any(w.lower() in pat.ROLE_WORDS for w in re.findall(r"[\w\-]+", "".join(chars)))


def role_of(ctx: Context, s: Sentence, span: tuple[int, int]) -> tuple[str | None, OrgRef | None]:
    a, b = span
    # a post ends where the next person starts: "... Minister of Labour Baykham Khattiya", "... and Mr. Thoms"
    b = min([b, *(e.start for e in s.ents("PERSON") if a < e.start < b)])
    cut = _NEXT_PERSON.search(s.text, a, b)
    b = cut.start() if cut else b
    inside = [sp for sp in s.spans if a <= sp.start < b]
    org = inside[0].ref if inside else None
    if inside and inside[0].start > a:
        role = s.text[a:inside[0].start]
    elif inside:
        role = s.text[inside[0].end:inside[1].start if len(inside) > 1 else b]
    else:
        role = s.text[a:b]
    words = role.replace(",", " ").split()
    while words and (words[0].lower() in pat.CONNECTORS or words[0] in ("'s", "\u2019s")):
        words.pop(0)
    while words and words[-1].lower() in pat.CONNECTORS:
        words.pop()
    role_text = " ".join(words) or None
    if role_text and not any(w.lower() in pat.ROLE_WORDS for w in re.findall(r"[\w\-]+", role_text)):
        role_text = None
    place = _IN_COUNTRY.search(role_text) if role_text and org is not None else None
    if place is None and inside and org is not None:     # "Representative of UNDP (UNDP) in Azerbaijan"
        tail = _ORG_IN_COUNTRY.match(s.text, inside[-1].end, b)
        place = _IN_COUNTRY.search(" " + tail.group("where")) if tail else None
    country = ctx.registry.country(place.group("c")) if place else None
    if place and country and org is not None and not org.parent and org.org_type in _AGENCIES:
        # "UNDP Resident Representative in Ukraine": the post is in the agency's office there
        role_text = role_text[:place.start()].rstrip() if role_text and role_text.endswith(place.group(0)) \
            else role_text
        short = org.acronym or org.label
        org = ctx.lookup(f"{short} {country}") or mint_country_office(ctx.registry, short, country)
    elif place and country and role_text and role_text.endswith(place.group(0)):
        role_text = role_text[:place.start()].rstrip()     # "Programme Manager in Afghanistan" of an NGO
    return (role_text[0].upper() + role_text[1:]) if role_text else role_text, org


def _lower_post(ctx: Context, s: Sentence, pos: int) -> tuple[int, int] | None:
    """A post printed in lower case after a name: ", head of the Mine Action Coordination Centre (MACCA)"."""
    m = _LOWER_POST.match(s.text, pos)
    if m is None or m.group("word").lower() not in pat.ROLE_WORDS:
        return None
    run = next((r for r in sentence_runs(ctx, s) if r[0] == m.end()), None)
    return (pos, run[1]) if run else None


def _posted_to(ctx: Context, text: str, pos: int) -> int | None:
    """Where "to <Country>" after a post ends, when a country follows the post ("Ambassador to Sri Lanka")."""
    m = _POSTED_TO.match(text, pos)
    words = list(re.finditer(r"[A-Z][\w\-]*", text[m.end():m.end() + 60])) if m else []
    for k in range(min(len(words), 4), 0, -1):
        if m and ctx.registry.country(text[m.end():m.end() + words[k - 1].end()]):
            return m.end() + words[k - 1].end()
    return None


def _family_name(ctx: Context, word: str) -> bool:
    """A family name printed in capitals ("Mr. MIZUKOSHI Hideaki"), not an acronym the registry knows."""
    return word.isupper() and word.isalpha() and len(word) >= 3 and ctx.registry.lookup(word) is None


def entity_persons(ctx: Context, s: Sentence) -> list[PersonRef]:
    """PERSON entities of the sentence that read as names, with the post printed after (", Chairman of the
    Board of X") or before ("Deputy Director X") them."""
    if s.kind == "title":
        return []
    out: list[PersonRef] = []
    for e in s.ents("PERSON"):
        if s.inside(e.start):
            continue
        m = _HONORIFICS.match(e.text)
        start = e.start + (m.end() if m else 0)
        name = s.text[start:e.end].removesuffix("'s").removesuffix("\u2019s").strip(" ,")
        while name.split() and ctx.registry.country(name.split()[0]):     # "to Laos Ricarda Rieger"
            first = name.split()[0]
            start, name = start + len(first) + 1, name[len(first):].strip()
        words = name.split()
        honoured = m is not None or _HONORIFIC_BEFORE.search(s.text[:start]) is not None
        if name in ctx.state.get("place_names", ()):
            continue    # "Sinjar and Tal Afar districts": a place the recogniser took for a person
        if not 2 <= len(words) <= 5 or not all(_NAME_WORD.fullmatch(w) or _family_name(ctx, w) for w in words) \
                or not any(_NAME_WORD.fullmatch(w) for w in words) \
                or any(w.lower() in pat.NOT_NAME_WORDS for w in words) or ctx.places.lookup(name) is not None:
            continue
        role_span, rank = None, None
        # "KOICA President Lee Mikyung": the post printed right before the name, in the same run
        run = next((r for r in sentence_runs(ctx, s) if r[0] < start <= r[1]), None)
        if run and has_role(ctx, s, (run[0], start)):
            role_span = (run[0], len(s.text[:start].rstrip()))
        after = _AFTER_NAME.match(s.text, start + len(name)) if role_span is None else None
        if after:
            nxt = next((r for r in sentence_runs(ctx, s) if r[0] == after.end()), None)
            if nxt and has_role(ctx, s, (nxt[0], nxt[1])):
                role_span, rank = (nxt[0], nxt[1]), after.group("rank")
            else:
                role_span = _lower_post(ctx, s, after.end())
        if role_span is None:
            before = run_before(ctx, s, e.start)
            role_span = before if before and has_role(ctx, s, before) else None
        tail = _POST_TAIL.search(s.text[:start]) if role_span is None else None
        if tail:
            before = run_before(ctx, s, tail.start())
            role_span = (before[0], start) if before and has_role(ctx, s, before) else None
        role, org = role_of(ctx, s, role_span) if role_span else (None, None)
        if org is None and s.kind == "contact" and role:
            org = ctx.publisher
        if role and rank:
            role = f"{rank.title()} {role}"
        said = re.search(rf"\b(?:{pat.SAY_VERBS})\s*$", s.text[:start]) or re.match(
            rf"\s*,?\s*(?:{pat.SAY_VERBS})\b", s.text[start + len(name):])
        if not (honoured or role or said):
            continue    # a capitalised phrase the recogniser took for a name ("Grant Assistance")
        out.append(PersonRef(name, role, org, None, s.text, *s.span))
    return out

