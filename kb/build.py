"""The ingest pipeline: files -> parser -> records -> mapping -> named graphs in the store.

A document that cannot be read or parsed is reported with its reason and
leaves the store as it was; the others land.  Re-ingesting an unchanged
document changes nothing.  Ingesting a newer version of a document replaces
its graph atomically and carries the earlier status observations forward, so
status changes stay queryable.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kb import ingest
from kb.errors import KBError, ParseError, StoreError
from kb.ingest import SourceText, parser_version
from kb.mapping import map_document
from kb.model import Document
from kb.namespaces import ONTOLOGY_IRI, sparql_prefixes
from kb.registry import Registry
from kb.settings import PROJECT_ROOT
from kb.store import GraphResult, Store, nquads, split_nquads

ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "makb.ttl"
SHAPES_FILE = PROJECT_ROOT / "ontology" / "shapes.ttl"

#: triples written per transaction when loading many new documents (embedded store)
BATCH_TRIPLES = 50_000


@dataclass
class DocumentOutcome:
    source: str
    status: str                    #: added | replaced | unchanged | failed
    kind: str | None = None
    graph: str | None = None
    triples: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class BuildReport:
    outcomes: list[DocumentOutcome] = field(default_factory=list)
    static_triples: int = 0
    #: why writing stopped, when the store became unreachable during the build
    store_error: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def triples_written(self) -> int:
        return sum(o.triples for o in self.outcomes if o.status in ("added", "replaced"))

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("added", "replaced", "unchanged", "failed")]
        warnings = sum(len(o.warnings) for o in self.outcomes)
        return (f"{len(self.outcomes)} documents: {', '.join(parts)}; "
                f"{self.triples_written:,} triples written; {warnings} warnings")

    def to_json(self) -> dict[str, object]:
        return {"documents": [o.__dict__ for o in self.outcomes], "summary": self.summary(),
                "failed": len(self.failed), "store_error": self.store_error}


def iter_documents(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under the given paths (directories recursively, hidden files skipped), sorted."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts):
                    yield f
        else:
            yield path


def static_graphs(registry: Registry) -> list[tuple[str, list[ox.Triple]]]:
    """The ontology and the registry, each in its own named graph."""
    onto = list(ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))
    reg = list(ox.parse(path=str(registry.path), format=ox.RdfFormat.TURTLE, base_iri=registry.base))
    return [(ONTOLOGY_IRI, [q.triple for q in onto]), (f"{registry.base}graph/registry", [q.triple for q in reg])]


def load_static(store: Store, registry: Registry) -> int:
    graphs = static_graphs(registry)
    store.replace_graphs(graphs)
    return sum(len(t) for _, t in graphs)


def existing_versions(store: Store) -> dict[str, tuple[str, str]]:
    """graph IRI -> (content hash, parser version) of every document graph in the store."""
    rows = store.select(sparql_prefixes(["makb"]) + """
        SELECT ?g ?h ?v WHERE { GRAPH ?g { ?g a makb:DocumentGraph ; makb:contentHash ?h ; makb:parserVersion ?v } }""")
    return {r["g"].value: (r["h"].value, r["v"].value) for r in rows}


def previous_observations(store: Store, graph: str) -> list[ox.Triple]:
    """The status observations kept in a document graph, to carry into its next version."""
    res = store.query(sparql_prefixes(["makb"]) + f"""
        CONSTRUCT {{ ?ka makb:statusObservation ?o . ?o ?p ?v }}
        WHERE {{ GRAPH <{graph}> {{ ?ka makb:statusObservation ?o . ?o ?p ?v }} }}""")
    assert isinstance(res, GraphResult)
    return [q.triple for q in ox.parse(res.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def parse_source(src: SourceText, registry: Registry) -> Document:
    return ingest.parse_text(src.text, src.source, registry)


@dataclass
class Prepared:
    """One document parsed and mapped, its named graph serialised as N-Quads, ready to stage."""

    source: str
    kind: str
    graph: str
    sha256: str
    version: str
    triples: int
    nquads: bytes
    warnings: list[str]


def prepare_source(src: SourceText, registry: Registry, now: datetime,
                   doc: Document | None = None) -> Prepared | DocumentOutcome:
    """Parse (unless ``doc`` is given) and map one document; a failure is a failed outcome."""
    if doc is None:
        try:
            doc = parse_source(src, registry)
        except KBError as exc:
            return DocumentOutcome(src.source, "failed", error=exc.message)
        except Exception as exc:  # a parser bug must not stop a batch; report it with its place
            return DocumentOutcome(src.source, "failed", error=f"{src.source}: internal parser error: {exc!r}")
    try:
        dg = map_document(doc, src, registry, now)
    except Exception as exc:  # a mapping bug must not stop a batch either
        return DocumentOutcome(src.source, "failed", error=f"{src.source}: internal mapping error: {exc!r}")
    return Prepared(src.source, doc.kind, dg.iri, src.sha256, parser_version(doc.kind), len(dg.triples),
                    nquads(dg.iri, dg.triples), [str(w) for w in doc.warnings])


def prepare_path(path: Path, registry: Registry, now: datetime, max_bytes: int | None) -> Prepared | DocumentOutcome:
    try:
        src = ingest.read(path, max_bytes)
    except ParseError as exc:
        return DocumentOutcome(str(path), "failed", error=exc.message)
    return prepare_source(src, registry, now)


class Builder:
    """Ingests documents into one store; keeps what it knows of the store between calls."""

    def __init__(self, store: Store, registry: Registry, now: datetime | None = None,
                 max_bytes: int | None = None, batch_triples: int = BATCH_TRIPLES, bulk: bool = False) -> None:
        self.store = store
        self.registry = registry
        self.now = now or datetime.now(UTC).replace(microsecond=0)
        self.max_bytes = max_bytes
        self.batch_triples = batch_triples
        #: write new graphs with the embedded store's bulk loader (only while the build holds the store)
        self.bulk = bulk
        #: set when a write failed because the store is unreachable; later documents are not attempted
        self.store_error: str | None = None
        self.versions = existing_versions(store)
        self._pending: list[Prepared] = []
        self._pending_graphs: set[str] = set()
        self._pending_outcomes: list[DocumentOutcome] = []
        self._pending_triples = 0

    def ingest_parsed(self, src: SourceText, doc: Document) -> DocumentOutcome:
        """Map and stage a document already parsed."""
        return self.ingest_prepared(prepare_source(src, self.registry, self.now, doc))

    def ingest_prepared(self, item: Prepared | DocumentOutcome) -> DocumentOutcome:
        """Stage a prepared document (or pass a failure through)."""
        if isinstance(item, DocumentOutcome):
            return item
        if self.store_error:
            return DocumentOutcome(item.source, "failed", error=f"{item.source}: not written: {self.store_error}")
        outcome = DocumentOutcome(item.source, "added", kind=item.kind, graph=item.graph, triples=item.triples,
                                  warnings=item.warnings)
        known = self.versions.get(item.graph)
        if known == (item.sha256, item.version):
            outcome.status = "unchanged"
            outcome.triples = 0
            return outcome
        if known is not None or item.graph in self._pending_graphs:
            self.flush()
            self._replace(item, outcome)
        else:
            self._stage(item, outcome)
        self.versions[item.graph] = (item.sha256, item.version)
        return outcome

    def _stage(self, item: Prepared, outcome: DocumentOutcome) -> None:
        self._pending.append(item)
        self._pending_graphs.add(item.graph)
        self._pending_outcomes.append(outcome)
        self._pending_triples += item.triples
        if self._pending_triples >= self.batch_triples:
            self.flush()

    def _replace(self, item: Prepared, outcome: DocumentOutcome) -> None:
        carried = previous_observations(self.store, item.graph)
        triples = split_nquads(item.nquads).get(item.graph, [])
        seen = set(triples)
        triples += [t for t in carried if t not in seen]
        if self._write(lambda: self.store.replace_graphs([(item.graph, triples)]), [outcome]):
            outcome.status = "replaced"
            outcome.triples = len(triples)

    def flush(self) -> None:
        """Write the staged new documents: one batch on the embedded store, one request per
        document graph on a remote one (each document lands whole or not at all)."""
        if not self._pending:
            return
        pending, outcomes = self._pending, self._pending_outcomes
        self._pending, self._pending_outcomes, self._pending_triples = [], [], 0
        self._pending_graphs = set()
        if self.store.kind == "remote":
            for item, outcome in zip(pending, outcomes, strict=True):
                self._write(lambda item=item: self.store.add_graphs(item.nquads, [item.graph]), [outcome])
        else:
            data = b"".join(p.nquads for p in pending)
            graphs = [p.graph for p in pending]
            self._write(lambda: self.store.add_graphs(data, graphs, bulk=self.bulk), outcomes)

    def _write(self, write: Callable[[], None], outcomes: list[DocumentOutcome]) -> bool:
        if self.store_error:
            exc_message = f"not written: {self.store_error}"
            for o in outcomes:
                o.status, o.error, o.triples = "failed", f"{o.source}: {exc_message}", 0
                if o.graph:
                    self.versions.pop(o.graph, None)
            return False
        try:
            write()
        except KBError as exc:
            if isinstance(exc, StoreError):
                self.store_error = exc.message
            for o in outcomes:
                o.status, o.error, o.triples = "failed", f"{o.source}: {exc.message}", 0
                if o.graph:
                    self.versions.pop(o.graph, None)
            return False
        return True


#: documents below which ``build`` parses in this process (starting workers costs about a second)
PARALLEL_MIN_DOCUMENTS = 64

_worker_state: dict[str, object] = {}


def _worker_init(registry_path: str, base: str, countries: str, now: datetime, max_bytes: int | None) -> None:
    _worker_state.update(registry=Registry(registry_path, base=base, countries=countries), now=now,
                         max_bytes=max_bytes)


def _worker_prepare(path: Path) -> Prepared | DocumentOutcome:
    registry = _worker_state["registry"]
    assert isinstance(registry, Registry)
    return prepare_path(path, registry, _worker_state["now"], _worker_state["max_bytes"])  # type: ignore[arg-type]


def _prepared(paths: list[Path], registry: Registry, now: datetime, max_bytes: int | None,
              jobs: int) -> Iterator[Prepared | DocumentOutcome]:
    """Every document prepared, in order: in ``jobs`` worker processes when there are many."""
    if jobs <= 1 or len(paths) < PARALLEL_MIN_DOCUMENTS:
        for path in paths:
            yield prepare_path(path, registry, now, max_bytes)
        return
    ctx = multiprocessing.get_context("forkserver")
    init = (str(registry.path), registry.base, str(registry.countries_path), now, max_bytes)
    with ctx.Pool(jobs, initializer=_worker_init, initargs=init) as pool:
        yield from pool.imap(_worker_prepare, paths, chunksize=8)


def default_jobs() -> int:
    """Parser processes for a build: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def build(store: Store, paths: Iterable[str | Path], registry: Registry, now: datetime | None = None,
          max_bytes: int | None = None, progress: Callable[[DocumentOutcome], None] | None = None,
          with_static: bool = True, batch_triples: int = BATCH_TRIPLES, jobs: int = 1) -> BuildReport:
    """Load the ontology, the registry and every document under ``paths``.

    With ``jobs`` > 1 and many documents, documents are parsed and mapped in that many worker
    processes while this one writes; outcomes still arrive in document order.
    """
    report = BuildReport()
    if with_static:
        report.static_triples = load_static(store, registry)
    builder = Builder(store, registry, now=now, max_bytes=max_bytes, batch_triples=batch_triples,
                      bulk=store.kind == "embedded")
    for item in _prepared(list(iter_documents(paths)), registry, builder.now, max_bytes, jobs):
        outcome = builder.ingest_prepared(item)
        report.outcomes.append(outcome)
        if progress:
            progress(outcome)
    builder.flush()
    report.store_error = builder.store_error
    return report


def ingest_bytes(store: Store, registry: Registry, name: str, data: bytes, max_bytes: int | None = None,
                 now: datetime | None = None) -> DocumentOutcome:
    """Ingest one uploaded document: decoded and parsed completely before anything is written.

    Raises ``ParseError`` (nothing written) when it cannot be read or parsed, and
    ``StoreError`` when the store refuses the write.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise ParseError(f"document is {len(data):,} bytes, over the limit of {max_bytes:,}", source=name)
    src = ingest.decode(data, name)
    doc = parse_source(src, registry)
    builder = Builder(store, registry, now=now)
    outcome = builder.ingest_parsed(src, doc)
    builder.flush()
    if builder.store_error:
        raise StoreError(builder.store_error)
    if outcome.status == "failed":
        raise StoreError(outcome.error or f"{name}: not written")
    return outcome
