"""One source document's page: its stored text with each fact's evidence marked, the facts, the warnings.

The text is the one the store keeps (``makb:sourceText``); warnings are shown at their lines.

Spans come from the store, never from parsing again: news facts keep their sentence's character offsets
(``nif:beginIndex``/``endIndex``); a fact with a sentence but no offsets is placed where that sentence first
occurs in the text; recommendations and key actions of management responses mark their source line.  Each
marked span gets the anchor ``span-N`` (N from 1, in text order); facts whose spans overlap one already
marked link to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb import queries
from kb.errors import NotFound
from kb.store import Store, kb_graphs
from kb.views.documents import StoredFinding
from kb.views.entity import labels

#: the longest description shown for a fact read from a line
MAX_TITLE = 160
#: class local name -> how a fact of it is called
KIND_WORDS = {"KeyAction": "Key action", "RecommendationItem": "Item", "MonetaryAmount": "Budget",
              "BeneficiaryGroup": "Beneficiaries", "Agreement": "Agreement", "Recommendation": "Recommendation"}


@dataclass
class Fact:
    n: int                                   #: 1-based position in the list
    kind: str                                #: statement | thing | line
    title: str
    links: list[tuple[str, str]] = field(default_factory=list)    #: (IRI, name) of the entities it names
    evidence: str | None = None
    line: int | None = None
    span: int | None = None                  #: the ``span-N`` anchor it links to
    start: int | None = None
    end: int | None = None


@dataclass
class Segment:
    """A piece of the text to show: ``text``, ``open``/``close`` of span ``n``, or the start of line ``n``."""

    kind: str
    text: str = ""
    n: int = 0
    warnings: list[StoredFinding] = field(default_factory=list)
    title: str = ""


@dataclass
class SourcePage:
    graph: str
    source: str
    file_name: str | None
    kind: str | None
    main: str | None
    title: str | None
    has_text: bool
    segments: list[Segment]
    facts: list[Fact]
    warnings: list[StoredFinding]
    spans: int                               #: how many spans are marked


def document_key(graph: str, base: str) -> str | None:
    """The part of a document graph's IRI the page address uses (``news/...``); None for other graphs."""
    prefix = f"{base}graph/"
    if not graph.startswith(prefix):
        return None
    key = graph[len(prefix):]
    return key if "/" in key.strip("/") else None


def document_path(graph: str, base: str) -> str | None:
    key = document_key(graph, base)
    return None if key is None else f"/documents/{key}"


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TITLE else text[:MAX_TITLE - 1].rstrip() + "…"


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, c in enumerate(text):
        if c == "\n":
            starts.append(i + 1)
    return starts


def source_page(store: Store, graph: str, base: str) -> SourcePage:
    """The page of the document whose graph is ``graph``; ``NotFound`` when no such document is stored."""
    queries.check_iri(graph)
    head = queries.rows(store, "web/document-source", iris={"graph": [graph]})
    if not head:
        raise NotFound(f"no document graph <{graph}>")
    info = head[0]
    text = info.get("text") or ""
    starts = _line_starts(text)

    rows = queries.rows(store, "web/document-facts", iris={"graph": [graph]})
    named = sorted({r[k] for r in rows for k in ("s", "o", "node") if k in r})
    names = labels(store, named)
    facts: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    for r in rows:
        key = (r["node"], r["what"])
        if key in seen:
            continue
        seen.add(key)
        fact = Fact(0, r["what"], "", evidence=r.get("evidence"))
        if r["what"] == "statement":
            s, o = r["s"], r["o"]
            fact.title = f"{names.get(s, _local(s))} · {_local(r['p'])} · {names.get(o, _local(o))}"
            fact.links = [(s, names.get(s, _local(s))), (o, names.get(o, _local(o)))]
        else:
            kind = KIND_WORDS.get(_local(r.get("type", "")), _local(r.get("type", "")) or "Entry")
            if r.get("number"):
                kind = f"{kind} {r['number']}"
            described = r.get("label") or (r.get("evidence") if r["what"] == "thing" else "")
            fact.title = names.get(r["node"]) or (f"{kind}: {_shorten(described)}" if described else kind)
            fact.links = [(r["node"], fact.title)]
        if r.get("begin", "").isdigit() and r.get("end", "").isdigit():
            fact.start, fact.end = int(r["begin"]), int(r["end"])
        elif fact.evidence and text:
            at = text.find(fact.evidence)
            if at >= 0:
                fact.start, fact.end = at, at + len(fact.evidence)
        if r.get("line", "").isdigit():
            fact.line = int(r["line"])
            if fact.start is None and 1 <= fact.line <= len(starts):
                begin = starts[fact.line - 1]
                stop = text.find("\n", begin)
                fact.start, fact.end = begin, (len(text) if stop < 0 else stop)
        if fact.start is not None and not (0 <= fact.start < (fact.end or 0) <= len(text)):
            fact.start = fact.end = None
        if fact.line is None and fact.start is not None:
            fact.line = _line_of(starts, fact.start)
        facts.append(fact)
    facts.sort(key=lambda f: (f.start if f.start is not None else len(text) + 1, f.title))
    for i, f in enumerate(facts, 1):
        f.n = i

    kept = _mark(facts)
    warnings = [StoredFinding(r["code"], r["message"], int(r["line"]) if r.get("line", "").isdigit() else None)
                for r in queries.rows(store, "web/document-findings", iris={"graph": [graph]})]
    segments = _segments(text, starts, kept, warnings) if text else []
    return SourcePage(graph, info["source"], info.get("fileName"), info.get("kind"), info.get("main"),
                      info.get("title"), bool(text), segments, facts, warnings, len(kept))


def _line_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def _mark(facts: list[Fact]) -> list[tuple[int, int, int, str]]:
    """(start, end, n, title) of the spans to mark, none overlapping; sets each fact's ``span``."""
    kept: list[tuple[int, int, int, str]] = []
    for f in sorted((f for f in facts if f.start is not None), key=lambda f: (f.start, -(f.end or 0))):
        assert f.start is not None and f.end is not None
        if kept and f.start < kept[-1][1]:        # inside (or across) the span marked last: link to it
            f.span = kept[-1][2]
            continue
        kept.append((f.start, f.end, len(kept) + 1, f.title))
        f.span = len(kept)
    return kept


def _segments(text: str, starts: list[int], kept: list[tuple[int, int, int, str]],
              warnings: list[StoredFinding]) -> list[Segment]:
    at_line: dict[int, list[StoredFinding]] = {}
    for w in warnings:
        if w.line is not None:
            at_line.setdefault(min(max(w.line, 1), len(starts)), []).append(w)
    opens = {s: (n, title) for s, _, n, title in kept}
    closes = {e: n for _, e, n, _ in kept}
    line_no = {p: i for i, p in enumerate(starts, 1)}
    cuts = sorted({0, len(text), *starts, *opens, *closes})
    out: list[Segment] = []
    for i, p in enumerate(cuts):
        if p in closes:
            out.append(Segment("close", n=closes[p]))
        if p in line_no and (p < len(text) or p == 0):
            out.append(Segment("line", n=line_no[p], warnings=at_line.get(line_no[p], [])))
        if p in opens:
            out.append(Segment("open", n=opens[p][0], title=opens[p][1]))
        if i + 1 < len(cuts) and cuts[i + 1] > p:
            out.append(Segment("text", text[p:cuts[i + 1]]))
    return out


def evidence_span(page: SourcePage, sentence: str) -> int | None:
    """The span marking ``sentence`` (a fact's evidence) on ``page``, if one does."""
    wanted = " ".join(sentence.split())
    for f in page.facts:
        if f.span is not None and f.evidence and " ".join(f.evidence.split()) == wanted:
            return f.span
    return None


@dataclass
class GraphSummary:
    """A named graph that describes no entity of its own (the registry, the entities graph, the ontology)."""

    graph: str
    name: str
    triples: int
    document: str | None = None          #: the document page, for a document graph


def graph_summary(store: Store, graph: str, base: str) -> GraphSummary:
    """What the page of a named graph shows; ``NotFound`` when the store has no such graph."""
    queries.check_iri(graph)
    if graph not in kb_graphs(store):
        raise NotFound(f"the KB has no graph <{graph}>")
    rows = queries.rows(store, "web/graph-sizes", iris={"graph": [graph]})
    triples = int(rows[0]["n"]) if rows and rows[0].get("n", "").isdigit() else 0
    return GraphSummary(graph, graph.rstrip("/").rsplit("/", 1)[-1], triples, document_path(graph, base))
