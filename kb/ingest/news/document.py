"""A news release as the components see it: lines, sentences with offsets, entities and organisation spans.

``Context`` holds what one release is read with, and the helpers every component shares.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kb.ingest.news import dates
from kb.ingest.news import patterns as pat
from kb.model import Finding, OrgRef
from kb.registry import Registry, normalise
from kb.registry.resolver import resolve_org

if TYPE_CHECKING:
    from kb.ingest.news.organisations import Gazetteer
    from kb.registry.places import Places


@dataclass(frozen=True)
class Span:
    """An organisation named in a sentence: character offsets within the sentence and its resolution."""

    start: int
    end: int
    ref: OrgRef


@dataclass(frozen=True)
class Entity:
    """A spaCy entity of a sentence: offsets within the sentence, label, and the registry IRI the ruler gave it."""

    start: int
    end: int
    label: str
    ent_id: str
    text: str


@dataclass
class Sentence:
    text: str
    line: int
    kind: str                 #: title | prose | contact
    offset: int = 0           #: where the sentence starts in the source text
    masked: str = ""          #: text with quoted titles blanked out
    spans: list[Span] = field(default_factory=list)
    countries: list[tuple[int, int, str]] = field(default_factory=list)   #: outside organisation names
    entities: list[Entity] = field(default_factory=list)                  #: spaCy's, in sentence offsets

    starts: list[int] = field(default_factory=list)
    runs: list[tuple[int, int, list[tuple[int, int, Span | None]]]] | None = None
    run_ends: list[int] = field(default_factory=list)

    def set_spans(self, spans: list[Span]) -> None:
        """Organisation names of the sentence: sorted, not overlapping."""
        self.spans = spans
        self.starts = [sp.start for sp in spans]

    def inside(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.spans[i].end

    @property
    def span(self) -> tuple[int, int]:
        """The sentence's character span in the source text."""
        return self.offset, self.offset + len(self.text)

    def ents(self, *labels: str) -> list[Entity]:
        return [e for e in self.entities if e.label in labels]


@dataclass
class Line:
    number: int
    text: str
    offset: int = 0           #: where the stripped line starts in the source text
    kind: str = "blank"       #: blank | chrome | date | contact | prose | short | title


class Context:
    """The state one release is read with; components read and set it (see each component's docstring)."""

    def __init__(self, text: str, source: str, registry: Registry, gaz: Gazetteer, places: Places) -> None:
        self.text = text if isinstance(text, str) else ""
        self.source = source
        self.registry = registry
        self.gaz = gaz
        self.places = places
        self.warnings: list[Finding] = []
        self.lines: list[Line] = []
        self.sentences: list[Sentence] = []
        self.country: str | None = None
        self.country_evidence: str | None = None    #: the text the document's country was read from
        self.publisher: OrgRef | None = None
        self.aliases: dict[str, OrgRef] = {}
        self.alias_names: set[str] = set()
        self.alias_re: re.Pattern[str] | None = None
        self.project_titles: list[tuple[str, Sentence]] = []
        self.extra_mentions: list[tuple[OrgRef, Sentence]] = []
        self.state: dict[str, Any] = {}

    # ------------------------------------------------------------------ findings

    def warn(self, code: str, message: str, line: int | None, about: str | None = None) -> None:
        self.warnings.append(Finding(code, message, line, about))

    def guard(self, stage: str, step: Callable[[], None]) -> None:
        """Run one component; a failure in it is reported, not raised, and the other components still run."""
        try:
            step()
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, re.error) as exc:
            self.warn("extraction-error", f"{stage}: {type(exc).__name__}: {exc}", None, stage)

    # ------------------------------------------------------------------ sentences

    def prose(self) -> list[Sentence]:
        return [s for s in self.sentences if s.kind == "prose"]

    def sentence_of(self, text: str) -> Sentence | None:
        return next((s for s in self.sentences if s.text == text), None)

    def span_of(self, evidence: str | None) -> tuple[int | None, int | None]:
        """The source offsets of an evidence sentence (or of its first occurrence in the text)."""
        if not evidence:
            return None, None
        s = self.sentence_of(evidence)
        if s is not None:
            return s.span
        at = self.text.find(evidence)
        return (at, at + len(evidence)) if at >= 0 else (None, None)

    # ------------------------------------------------------------------ organisations and countries

    def lookup(self, printed: str, name: str | None = None) -> OrgRef | None:
        ref = self.registry.lookup(name or printed, self.country)
        return dataclasses.replace(ref, name=printed) if ref else None

    def resolve(self, name: str) -> OrgRef:
        """A name as printed through the one resolver: the registry's entry, or the IRI every parser mints."""
        return dataclasses.replace(resolve_org(name, self.registry, country=self.country), name=name)

    def is_country(self, name: str) -> bool:
        return self.registry.country(re.sub(r"^the\s+", "", name, flags=re.I)) is not None

    def country_matches(self, text: str) -> list[tuple[int, int, str]]:
        if self.gaz.country_re is None:
            return []
        out = []
        for m in self.gaz.country_re.finditer(text):
            name = self.registry.country(m.group(0))
            if name:
                out.append((m.start(), m.end(), name))
        return out

    def government(self, country: str) -> OrgRef:
        ref = self.registry.resolve(pat.government_name(country), type_hint="government", country=country)
        return dataclasses.replace(ref, name=country)

    def orgs_after(self, s: Sentence, pos: int, extra: re.Pattern[str] | None = None) -> list[Span]:
        """Organisations listed from ``pos`` to the end of the clause."""
        end = len(s.masked)
        for rx in (pat.SEG_END, extra):
            if rx is None:
                continue
            for m in rx.finditer(s.masked, pos):
                if not s.inside(m.start()) and not _abbreviation_dot(s.masked, m):
                    end = min(end, m.start())
                    break
        return [sp for sp in s.spans if pos <= sp.start < end and pat.LIST_FOLLOW.match(s.masked, sp.end)]

    def countries_after(self, s: Sentence, pos: int) -> list[tuple[int, OrgRef]]:
        end = next((m.start() for m in pat.SEG_END.finditer(s.masked, pos)
                    if not s.inside(m.start()) and not _abbreviation_dot(s.masked, m)), len(s.masked))
        return [(a, self.government(name)) for a, _b, name in s.countries if pos <= a < end]

    def subject(self, s: Sentence, verb: int) -> list[tuple[int, OrgRef]]:
        """Organisations (or countries, as governments) listed right before a verb."""
        items = [(sp.start, sp.end, sp.ref) for sp in s.spans] + \
                [(a, b, self.government(name)) for a, b, name in s.countries]
        items.sort(key=lambda t: t[0])
        chain: list[tuple[int, OrgRef]] = []
        boundary = verb
        gap_re = pat.SUBJECT_GAP
        for a, b, ref in reversed([t for t in items if t[1] <= verb]):
            if not gap_re.fullmatch(s.masked[b:boundary]):
                break
            chain.insert(0, (a, ref))
            boundary, gap_re = a, pat.LIST_GAP
        for _a, ref in chain:
            if ref.org_type == "government":
                self.extra_mentions.append((ref, s))
        return chain


# --------------------------------------------------------------------------- lines and sentences


def classify_lines(text: str) -> list[Line]:
    """Every line of the text with its kind and its offset."""
    lines: list[Line] = []
    pos = 0
    for i, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip()) if stripped else 0
        lines.append(Line(i, stripped, pos + lead))
        pos += len(raw) + 1
    contact_left = 0
    for ln in lines:
        s = ln.text
        if not s:
            continue
        words = len(s.split())
        if words <= 12 and pat.CONTACT_HEADING.match(s):
            ln.kind, contact_left = "chrome", 4
        elif words <= 12 and dates.date_line(s):
            ln.kind = "date"
        elif words <= 12 and pat.CHROME.match(s):
            ln.kind = "chrome"
            contact_left = 0 if pat.PUBLISHER.match(s) else contact_left
        elif ((pat.EMAIL.search(s) or pat.PHONE.search(s)) and words <= 30) or (contact_left and words <= 20):
            ln.kind = "contact"
        elif words >= 8 or (words >= 4 and s[-1] in pat.END_PUNCT):
            ln.kind = "prose"
        elif re.search(r"[A-Za-z]{2,}", s):
            ln.kind = "short"
        else:
            ln.kind = "chrome"
        if ln.kind != "contact" and contact_left:
            contact_left -= 1
    candidates = [ln for ln in lines if ln.kind in ("short", "prose")]
    for ln in candidates[:6]:
        n = len(ln.text.split())
        if ln.kind == "prose" and (n > 30 or (n > 20 and ln.text[-1] in ".!?")):
            break
        if n >= 3 or (n == 2 and ln is candidates[-1]):
            ln.kind = "title"
            break
    return lines


def build_sentences(lines: list[Line]) -> list[Sentence]:
    out: list[Sentence] = []
    for ln in lines:
        if ln.kind == "title" or ln.kind == "contact":
            out.append(Sentence(ln.text, ln.number, ln.kind, ln.offset))
        elif ln.kind == "prose":
            for a, b in dates.split_sentences(ln.text):
                out.append(Sentence(ln.text[a:b], ln.number, "prose", ln.offset + a))
    for s in out:
        s.masked = s.text
    return out


# --------------------------------------------------------------------------- helpers


_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _abbreviation_dot(text: str, m: re.Match[str]) -> bool:
    """The full stop of "Mr.", "H.E." or an initial, which ends no clause."""
    if m.group(0) != ".":
        return False
    before = _WORD_BEFORE.search(text[max(0, m.start() - 12):m.start()])
    token = before.group(1).lower() if before else ""
    return token in dates.ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", normalise(name))


def non_overlapping(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for sp in sorted(spans, key=lambda x: (x.start, -(x.end - x.start))):
        if not out or sp.start >= out[-1].end:
            out.append(sp)
    return out


def unique_refs(items: Iterable[tuple[int, int, OrgRef]]) -> list[OrgRef]:
    out: dict[str, OrgRef] = {}
    for _si, _pos, ref in sorted(items, key=lambda t: (t[0], t[1])):
        out.setdefault(ref.iri, ref)
    return list(out.values())
