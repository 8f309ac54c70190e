"""The ingest pipeline: files -> parser -> records -> mapping -> named graphs in the store.

A document that cannot be read or parsed is reported with its reason and
leaves the store as it was; the others land.  Re-ingesting an unchanged
document changes nothing.  Ingesting a newer version of a document replaces
its graph atomically and carries the earlier status observations forward, so
status changes stay queryable.

The build also maintains the entities graph (see ``kb.mapping``): a shared
entity is described there, with ``prov:wasDerivedFrom`` the document graph
that introduced it, in the same write (one bulk-load batch, or one SPARQL
Update) as the first document graph naming it; replacing or deleting a
document removes, in the same write, the entities and stated facts no
remaining document supports.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kb import ingest
from kb.document_graphs import (
    existing_versions,
    ntriples_text,
    previous_observations,
    referenced_entities,
    release_entities,
    status_changes,
)
from kb.errors import KBError, ParseError, StoreError
from kb.ingest import SourceText, parser_version
from kb.mapping import entities_graph, map_document
from kb.model import Document
from kb.namespaces import ONTOLOGY_IRI
from kb.registry import Registry
from kb.settings import PROJECT_ROOT
from kb.store import Store, nquads, ntriples, split_nquads
from kb.summary.projection import Fact, from_nquads, from_triples

ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "makb.ttl"
SHAPES_FILE = PROJECT_ROOT / "ontology" / "shapes.ttl"

_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"

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


def _raise(exc: KBError) -> None:
    raise exc


def parse_source(src: SourceText, registry: Registry, kind: str | None = None) -> Document:
    """Parse one document (its kind detected unless given)."""
    return ingest.parse_text(src.text, src.source, registry, kind=kind)


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
    #: shared entity IRI -> its description as N-Triples statements (no final " ."), if this
    #: document is the first to name it
    entities: dict[str, list[str]] = field(default_factory=dict)
    #: facts about shared entities that this document states, as N-Triples statements
    stated: list[str] = field(default_factory=list)
    #: what the store's derived tables keep of the graph (``kb.summary``), picked out where it was parsed
    facts: list[Fact] = field(default_factory=list)


def prepare_source(src: SourceText, registry: Registry, now: datetime,
                   doc: Document | None = None, kind: str | None = None) -> Prepared | DocumentOutcome:
    """Parse (unless ``doc`` is given; as ``kind`` when known) and map one document; a failure is a
    failed outcome."""
    if doc is None:
        try:
            doc = parse_source(src, registry, kind)
        except KBError as exc:
            return DocumentOutcome(src.source, "failed", error=exc.message)
        except Exception as exc:  # a parser bug must not stop a batch; report it with its place
            return DocumentOutcome(src.source, "failed", error=f"{src.source}: internal parser error: {exc!r}")
    try:
        dg = map_document(doc, src, registry, now)
    except Exception as exc:  # a mapping bug must not stop a batch either
        return DocumentOutcome(src.source, "failed", error=f"{src.source}: internal mapping error: {exc!r}")
    return Prepared(src.source, doc.kind, dg.iri, src.sha256, parser_version(doc.kind), len(dg.triples),
                    nquads(dg.iri, dg.triples), [str(w) for w in doc.warnings],
                    {iri: [str(t) for t in ts] for iri, ts in dg.entities.items()},
                    list(dict.fromkeys(str(t) for t in dg.stated)), list(from_triples(dg.iri, dg.triples)))


def prepare_paths(paths: Sequence[Path], registry: Registry, now: datetime,
                  max_bytes: int | None) -> list[Prepared | DocumentOutcome]:
    """Several documents prepared, in order; the news releases among them are parsed as one batch
    (``news.parse_many``: their sentences go through the spaCy pipeline together)."""
    sources: list[SourceText | DocumentOutcome] = []
    kinds: list[str | None] = []
    for path in paths:
        try:
            src = ingest.read(path, max_bytes)
        except ParseError as exc:
            sources.append(DocumentOutcome(str(path), "failed", error=exc.message))
            kinds.append(None)
            continue
        try:   # detected once here, not again by the parser
            kinds.append(ingest.detect(src.text, src.source))
        except ParseError as exc:
            sources.append(DocumentOutcome(src.source, "failed", error=exc.message))
            kinds.append(None)
            continue
        sources.append(src)
    batch = [i for i, k in enumerate(kinds) if k == ingest.news.KIND]
    texts = [(s.text, s.source) for s in (sources[i] for i in batch) if isinstance(s, SourceText)]
    parsed = dict(zip(batch, ingest.news.parse_many(texts, registry), strict=True))
    out: list[Prepared | DocumentOutcome] = []
    for i, item in enumerate(sources):
        doc = parsed.get(i)
        if isinstance(item, DocumentOutcome):
            out.append(item)
        elif isinstance(doc, ParseError):
            out.append(DocumentOutcome(item.source, "failed", error=doc.message))
        else:
            out.append(prepare_source(item, registry, now, doc, kinds[i]))
    return out


def prepare_path(path: Path, registry: Registry, now: datetime, max_bytes: int | None) -> Prepared | DocumentOutcome:
    try:
        src = ingest.read(path, max_bytes)
    except ParseError as exc:
        return DocumentOutcome(str(path), "failed", error=exc.message)
    return prepare_source(src, registry, now)


class Builder:
    """Ingests documents into one store; keeps what it knows of the store between calls."""

    def __init__(self, store: Store, registry: Registry, now: datetime | None = None,
                 max_bytes: int | None = None, batch_triples: int = BATCH_TRIPLES, bulk: bool = False,
                 preload: bool = False) -> None:
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
        self.entities = entities_graph(registry.base)
        #: shared entities described in the store; with ``preload`` read whole now (a build),
        #: otherwise looked up per document (one upload)
        self._known: set[str] = set()
        self._checked: set[str] | None = None
        if preload:
            self._known = self._described(None)
        else:
            self._checked = set()
        #: stated facts written by this builder (the store keeps each once anyway)
        self._stated: set[str] = set()
        self._pending: list[Prepared] = []
        self._pending_graphs: set[str] = set()
        self._pending_outcomes: list[DocumentOutcome] = []
        self._pending_triples = 0
        self._pending_shared: list[str] = []
        self._pending_new: list[str] = []

    def _described(self, iris: Sequence[str] | None) -> set[str]:
        """Which of ``iris`` (all, when None) the entities graph describes."""
        values = "" if iris is None else "VALUES ?e { " + " ".join(f"<{i}>" for i in iris) + " } "
        rows = self.store.select(
            f"SELECT ?e WHERE {{ {values}GRAPH <{self.entities}> {{ ?e <{_DERIVED}> ?d }} }}")
        return {r["e"].value for r in rows}

    def _shared_lines(self, item: Prepared) -> tuple[list[str], list[str]]:
        """(statements for the entities graph, entities newly described) for one document:
        the description of each entity it is the first to name, and the facts it states."""
        if self._checked is not None:
            unchecked = [i for i in item.entities if i not in self._checked and i not in self._known]
            if unchecked:
                self._known |= self._described(unchecked)
                self._checked.update(unchecked)
        lines: list[str] = []
        new: list[str] = []
        for iri, description in item.entities.items():
            if iri in self._known:
                continue
            self._known.add(iri)
            new.append(iri)
            lines.extend(description)
            lines.append(f"<{iri}> <{_DERIVED}> <{item.graph}>")
        for line in item.stated:
            if line not in self._stated:
                self._stated.add(line)
                lines.append(line)
        return lines, new

    def _forget(self, new: list[str], stated: list[str]) -> None:
        """A write failed: what it would have described is not in the store."""
        self._known.difference_update(new)
        self._stated.difference_update(stated)

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
        lines, new = self._shared_lines(item)
        self._pending_shared.extend(lines)
        self._pending_new.extend(new)
        self._pending.append(item)
        self._pending_graphs.add(item.graph)
        self._pending_outcomes.append(outcome)
        self._pending_triples += item.triples
        if self._pending_triples >= self.batch_triples:
            self.flush()

    def _replace(self, item: Prepared, outcome: DocumentOutcome) -> None:
        """One SPARQL Update: the new graph, what it is first to describe, and the release of
        what only the old version supported."""
        try:
            carried = previous_observations(self.store, item.graph)
            old_refs = referenced_entities(self.store, item.graph)
        except KBError as exc:
            self._write(functools.partial(_raise, exc), [outcome])
            return
        triples = split_nquads(item.nquads).get(item.graph, [])
        try:
            carried += status_changes(self.store, item.graph, triples, self.now.date().isoformat())
        except KBError as exc:
            self._write(functools.partial(_raise, exc), [outcome])
            return
        seen = set(triples)
        triples += [t for t in dict.fromkeys(carried) if t not in seen]
        lines, new = self._shared_lines(item)
        shared = "".join(f"{line} .\n" for line in lines)
        body = ntriples(triples).decode("utf-8")
        update = (f"DROP SILENT GRAPH <{item.graph}> ;\n"
                  f"INSERT DATA {{ GRAPH <{item.graph}> {{\n{body}}}\nGRAPH <{self.entities}> {{\n{shared}}} }}")
        cleanup = release_entities(self.entities, item.graph, old_refs)
        if cleanup:
            update += " ;\n" + cleanup
        if self._write(lambda: self.store.update(update, [item.graph, self.entities]), [outcome]):
            outcome.status = "replaced"
            outcome.triples = len(triples) + len(lines)
        else:
            self._forget(new, lines)

    def flush(self) -> None:
        """Write the staged new documents: one batch on the embedded store, one request per
        document graph on a remote one (each document lands whole or not at all)."""
        if not self._pending:
            return
        pending, outcomes = self._pending, self._pending_outcomes
        shared, new = self._pending_shared, self._pending_new
        self._pending, self._pending_outcomes, self._pending_triples = [], [], 0
        self._pending_graphs, self._pending_shared, self._pending_new = set(), [], []
        e = f"<{self.entities}>"
        if self.store.kind == "remote":
            # one request: the document graphs and the entities graph's additions together
            body = "".join(f"GRAPH <{p.graph}> {{\n{ntriples_text(p.nquads)}}}\n" for p in pending)
            text = "".join(f"{line} .\n" for line in shared)
            update = f"INSERT DATA {{\n{body}GRAPH {e} {{\n{text}}} }}"
            ok = self._write(lambda: self.store.update(update, [*(p.graph for p in pending), self.entities]), outcomes)
        else:
            extra = "".join(f"{line} {e} .\n" for line in shared).encode("utf-8")
            data = b"".join(p.nquads for p in pending) + extra
            graphs = [p.graph for p in pending]
            facts = [f for p in pending for f in p.facts] + from_nquads(extra)
            ok = self._write(lambda: self.store.add_graphs(data, graphs, bulk=self.bulk, facts=facts), outcomes)
        if not ok:
            self._forget(new, shared)

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

#: how much less CPU priority parser workers take than the process writing the store: the write
#: path is the slower side of a build, and a writer left waiting for a core makes the whole build wait
WORKER_NICENESS = 5

_worker_state: dict[str, object] = {}


def _worker_init(registry_path: str, base: str, countries: str, now: datetime, max_bytes: int | None,
                 niceness: int = 0) -> None:
    if niceness and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(niceness)
    _worker_state.update(registry=Registry(registry_path, base=base, countries=countries), now=now,
                         max_bytes=max_bytes)


def _worker_prepare(paths: list[Path]) -> list[Prepared | DocumentOutcome]:
    registry = _worker_state["registry"]
    assert isinstance(registry, Registry)
    return prepare_paths(paths, registry, _worker_state["now"], _worker_state["max_bytes"])  # type: ignore[arg-type]


def _prepared(paths: list[Path], registry: Registry, now: datetime, max_bytes: int | None,
              jobs: int) -> Iterator[Prepared | DocumentOutcome]:
    """Every document prepared, in order: in ``jobs`` worker processes when there are many."""
    chunks = [paths[i:i + PREPARE_CHUNK] for i in range(0, len(paths), PREPARE_CHUNK)]
    if jobs <= 1 or len(paths) < PARALLEL_MIN_DOCUMENTS:
        for chunk in chunks:
            yield from prepare_paths(chunk, registry, now, max_bytes)
        return
    ctx = multiprocessing.get_context("forkserver")
    init = (str(registry.path), registry.base, str(registry.countries_path), now, max_bytes, WORKER_NICENESS)
    with ctx.Pool(jobs, initializer=_worker_init, initargs=init) as pool:
        for prepared in pool.imap(_worker_prepare, chunks):
            yield from prepared


#: documents one worker prepares at a time (its news releases share one spaCy batch)
PREPARE_CHUNK = 32


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
                      bulk=store.kind == "embedded", preload=True)
    for item in _prepared(list(iter_documents(paths)), registry, builder.now, max_bytes, jobs):
        outcome = builder.ingest_prepared(item)
        report.outcomes.append(outcome)
        if progress:
            progress(outcome)
    builder.flush()
    report.store_error = builder.store_error
    if not builder.store_error:   # the search index beside the store, for what was just written
        from kb import search
        search.refresh(store)
        store.settle()
    return report

