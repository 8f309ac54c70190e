"""Records -> RDF triples: the only package that knows ontology terms.

One fact, one place.  Every document becomes one named graph holding only what
that document says (its evaluation or news release, recommendations, key
actions, mentions with the text as printed, evidence) and its own provenance
(source, content hash, parser version, ingest time).  The shared entities it
links to (organisations and units outside the registry, people, posts, places,
projects, partnerships) are described once, in the entities graph the build
maintains: the first document that names one describes it; each document graph
lists the shared entities it refers to (``dcterms:references``), so the build
can remove an entity no document refers to any more.  Facts about a shared
project or partnership (funders, parties, places) sit in the entities graph,
and each document that states one keeps the statement with its sentence
(``rdf:Statement``) in its own graph.  IRIs are deterministic: the same
document always yields the same IRIs, so a newer version of the same ERC page
(same evaluation) maps to the same graph and replaces it.
"""

from __future__ import annotations

import re
from datetime import datetime

from pyoxigraph import Triple

from kb.ingest import SourceText, parser_version
from kb.mapping.news import map_news
from kb.mapping.response import map_response
from kb.mapping.terms import (
    DCTERMS,
    MAKB,
    PROV,
    RDF,
    RDFS,
    STATED_PREDICATES,
    XSD,
    A,
    DocumentGraph,
    GraphBuilder,
    entities_graph,
    node,
    short_hash,
    typed_date,
)
from kb.model import Document, Finding, ManagementResponseDocument, NewsDocument
from kb.registry import Registry, slugify

__all__ = ["STATED_PREDICATES", "DocumentGraph", "document_key", "entities_graph", "graph_iri", "map_document",
           "status_observation", "typed_date"]


def document_key(doc: Document) -> tuple[str, str]:
    """(entity path, key): the identity of a document, stable across versions of it."""
    if isinstance(doc, ManagementResponseDocument):
        ev = doc.evaluation
        return "evaluation", f"{slugify(ev.title, 50)}-{short_hash(ev.title, ev.commissioning_unit or '')}"
    return "news", f"{slugify(doc.title, 50)}-{short_hash(doc.title, doc.date or '')}"


def graph_iri(doc: Document, base: str) -> str:
    _, key = document_key(doc)
    return f"{base}graph/{doc.kind}/{key}"


def map_document(doc: Document, src: SourceText, registry: Registry, ingested: datetime) -> DocumentGraph:
    """All triples of one document's named graph, provenance included."""
    base = registry.base
    b = GraphBuilder(base, registry)
    g = b.graph = graph_iri(doc, base)
    path, key = document_key(doc)
    main = f"{base}{path}/{key}"  # the evaluation or news release
    source = f"{base}source/{src.sha256}"
    out = DocumentGraph(iri=g, kind=doc.kind, main=main, source=source)

    # provenance of the graph, inside the graph so that it is replaced with it
    b.add(g, RDF.type, MAKB.DocumentGraph)
    b.add(g, PROV.wasDerivedFrom, source)
    b.lit(g, MAKB.contentHash, src.sha256)
    b.lit(g, MAKB.parserVersion, parser_version(doc.kind))
    b.lit(g, PROV.generatedAtTime, ingested.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    b.add(g, MAKB.describes, main)
    b.add(source, RDF.type, MAKB.SourceDocument)
    b.add(source, RDF.type, PROV.Entity)
    b.lit(source, MAKB.fileName, src.source.replace("\\", "/").rsplit("/", 1)[-1])
    b.lit(source, MAKB.contentHash, src.sha256)
    b.lit(source, MAKB.documentKind, doc.kind)
    b.lit(source, DCTERMS.extent, src.size)
    b.lit(source, DCTERMS.format, "text/plain")
    b.lit(source, MAKB.sourceText, src.text)   # the text offsets and lines refer to, shown by the document page

    if isinstance(doc, ManagementResponseDocument):
        map_response(b, doc, g, main, source, ingested, out)
    elif isinstance(doc, NewsDocument):
        map_news(b, doc, g, main)
    map_findings(b, doc.warnings, g, main)
    b.references(g)
    out.triples = b.triples
    out.entities = b.entities
    out.stated = b.stated
    return out


def status_observation(action: str, status: str, observed: str, source: str) -> list[Triple]:
    """A key action's status as one version of its source reported it on a date: written, for
    each version, once a later version of the document reports a different status."""
    obs = node(f"{action}/status/{observed}-{short_hash(status, n=6)}")
    triples = [Triple(node(action), MAKB.statusObservation, obs), Triple(obs, A, MAKB.StatusObservation),
               Triple(obs, MAKB.observedStatus, node(status)), Triple(obs, PROV.wasDerivedFrom, node(source))]
    day = typed_date(observed)
    if day is not None:
        triples.append(Triple(obs, MAKB.observedOn, day))
    return triples


def map_findings(b: GraphBuilder, findings: list[Finding], g: str, main: str) -> None:
    for i, f in enumerate(findings, 1):
        node = f"{g}/finding/{i}"
        b.add(g, MAKB.finding, node)
        b.add(node, RDF.type, MAKB.DataQualityFinding)
        b.lit(node, MAKB.findingCode, f.code)
        b.lit(node, RDFS.comment, f.message)
        b.lit(node, MAKB.sourceLine, f.line)
        target = main
        m = re.match(r"recommendation (\S+)", f.about or "", re.IGNORECASE)
        if m:
            target = f"{main}/rec/{slugify(m.group(1))}"
        b.add(node, MAKB.concerns, target)
