"""The documents page's model: each document graph with its provenance, extracted counts and findings.

The findings are the data-quality warnings the parsers raised, as the KB holds
them (``makb:DataQualityFinding``, each with the IRI it concerns).  Also the
table of download formats: the whole KB and each graph are offered in every
format of ``DOWNLOAD_FORMATS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from kb import queries
from kb.namespaces import FOAF, MAKB, ONTOLOGY_IRI, ORG, SCHEMA
from kb.store import RDF_FORMATS, Store, kb_graphs
from kb.views import Memo, no_memo

#: formats offered for download (keys of ``kb.store.RDF_FORMATS``), in the order shown
DOWNLOAD_FORMATS: tuple[str, ...] = ("ttl", "trig", "nt", "jsonld")

#: what is counted per document: (class IRI or count key, singular, plural), in the order shown
EXTRACTED: tuple[tuple[str, str, str], ...] = (
    (str(MAKB.Evaluation), "evaluation", "evaluations"),
    (str(MAKB.Recommendation), "recommendation", "recommendations"),
    (str(MAKB.ManagementResponse), "management response", "management responses"),
    (str(MAKB.KeyAction), "key action", "key actions"),
    (str(SCHEMA.NewsArticle), "news release", "news releases"),
    (str(MAKB.Project), "project", "projects"),
    (str(MAKB.Agreement), "agreement", "agreements"),
    (str(MAKB.Partnership), "partnership", "partnerships"),
    ("mentioned-organisations", "organisation or unit", "organisations and units"),
    (str(FOAF.Person), "person", "people"),
    (str(ORG.Post), "post", "posts"),
    (str(SCHEMA.Place), "place", "places"),
    (str(MAKB.DataQualityFinding), "finding", "findings"),
)

PER_PAGE = 50


def download_formats() -> list[tuple[str, str, str]]:
    """(format key, media type, file suffix) of every download format."""
    return [(key, RDF_FORMATS[key][1], RDF_FORMATS[key][2]) for key in DOWNLOAD_FORMATS]


@dataclass
class StoredFinding:
    """A data-quality finding as the KB holds it (``kb.model.Finding`` is the parser's, before mapping)."""

    code: str
    message: str
    line: int | None = None
    concerns: str | None = None


@dataclass
class DocumentInfo:
    graph: str
    source: str
    file_name: str | None = None
    kind: str | None = None
    size: int | None = None
    main: str | None = None              #: the evaluation or news release the document describes
    title: str | None = None
    content_hash: str | None = None
    parser: str | None = None
    ingested: str | None = None
    triples: int = 0
    #: (singular, plural, count) in the order of EXTRACTED, non-zero counts only
    extracted: list[tuple[str, str, int]] = field(default_factory=list)
    findings: list[StoredFinding] = field(default_factory=list)


@dataclass
class GraphInfo:
    """A graph that is not a document's: the ontology, the registry."""

    graph: str
    name: str
    triples: int


@dataclass
class DocumentsPage:
    documents: list[DocumentInfo]
    other_graphs: list[GraphInfo]
    total: int
    page: int
    pages: int
    findings_total: int


def documents_page(store: Store, page: int = 1, per_page: int = PER_PAGE, memo: Memo = no_memo) -> DocumentsPage:
    """One page of the documents (sorted by file name) with their counts and findings.

    Only the documents of the page are counted, so a page costs the same however many documents the KB holds;
    the list of every document is read once per state of the store when ``memo`` keeps it.
    """
    ordered: list[DocumentInfo] = memo(("documents",), lambda: _all_documents(store))
    total = len(ordered)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    chosen = {d.graph: replace(d, findings=[]) for d in ordered[(page - 1) * per_page: page * per_page]}
    known = {d.graph for d in ordered}
    others = [g for g in kb_graphs(store) if g not in known]
    return _page(store, chosen, others, total, page, pages)


def _all_documents(store: Store) -> list[DocumentInfo]:
    """Every document graph with its provenance, sorted by file name."""
    docs: dict[str, DocumentInfo] = {}
    for row in queries.rows(store, "web/documents"):
        graph = row["graph"]
        if graph in docs:
            continue
        size = row.get("size")
        docs[graph] = DocumentInfo(
            graph=graph, source=row["source"], file_name=row.get("fileName"), kind=row.get("kind"),
            size=int(size) if size and size.isdigit() else None, main=row.get("main"), title=row.get("title"),
            content_hash=row.get("hash"), parser=row.get("parser"), ingested=row.get("ingested"))
    return list(docs.values())


def _page(store: Store, chosen: dict[str, DocumentInfo], others: list[str], total: int, page: int,
          pages: int) -> DocumentsPage:
    wanted = [*chosen, *others]

    sizes: dict[str, int] = {}
    counts: dict[str, dict[str, int]] = {}
    if wanted:
        sizes = {r["graph"]: int(r["n"]) for r in queries.rows(store, "web/graph-sizes", iris={"graph": wanted})}
    if chosen:
        listed = {"graph": list(chosen)}
        for name in ("web/document-counts", "web/document-organisations"):
            for row in queries.rows(store, name, iris=listed):
                counts.setdefault(row["graph"], {})[row["what"]] = int(row["n"])
        for row in queries.rows(store, "web/document-findings", iris=listed):
            line = row.get("line")
            chosen[row["graph"]].findings.append(
                StoredFinding(row["code"], row["message"], int(line) if line and line.isdigit() else None,
                        row.get("concerns")))
    for graph, doc in chosen.items():
        found = counts.get(graph, {})
        doc.triples = sizes.get(graph, 0)
        doc.extracted = [(one, many, found[key]) for key, one, many in EXTRACTED if found.get(key)]
    total_rows = queries.rows(store, "web/findings-total")
    findings_total = int(total_rows[0]["n"]) if total_rows and "n" in total_rows[0] else 0
    other_graphs = [GraphInfo(g, _graph_name(g), sizes.get(g, 0)) for g in sorted(others)]
    return DocumentsPage(list(chosen.values()), other_graphs, total, page, pages, findings_total)


def _graph_name(graph: str) -> str:
    if graph == ONTOLOGY_IRI:
        return "ontology"
    return graph.rstrip("/").rsplit("/", 1)[-1]


#: the figures of the start page: (class IRI, what it counts); the classes of ``web-overview.rq``
OVERVIEW: tuple[tuple[str, str], ...] = (
    (str(MAKB.SourceDocument), "documents"),
    (str(ORG.Organization), "organisations"),
    (str(ORG.OrganizationalUnit), "units"),
    (str(FOAF.Person), "people"),
    (str(MAKB.Evaluation), "evaluations"),
    (str(MAKB.KeyAction), "key actions"),
    (str(MAKB.Project), "projects"),
    (str(MAKB.Agreement), "agreements"),
)


def overview(store: Store) -> list[tuple[str, int]]:
    """(what, how many) for the start page: named graphs, then instances of the main classes."""
    found = {r["class"]: int(r["n"]) for r in queries.rows(store, "web/overview")}
    return [("graphs", len(kb_graphs(store)))] + [(what, found.get(cls, 0)) for cls, what in OVERVIEW]
