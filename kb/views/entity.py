"""Describe one IRI of the KB: its labels, types and every statement in and out.

Each statement carries where it comes from: the named graph it is in, that
graph's source document (``prov:wasDerivedFrom/makb:fileName``) and, for
statements the mapping reified (``rdf:Statement`` + ``makb:evidence``), the
sentence it was read from.  The same description is available as RDF (Turtle,
JSON-LD, N-Triples, RDF/XML) for RDF clients.

``entity_path`` maps an IRI to the local address of its page: IRIs minted under
the base IRI live at ``/id/...``, ontology terms at ``/ontology#Term`` and any
other IRI at ``/entity?iri=...``.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from kb import queries
from kb.errors import ConfigError, NotFound
from kb.namespaces import MAKB, ONTOLOGY_IRI, PREFIXES
from kb.queries import check_iri
from kb.store import RDF_FORMATS, Store
from kb.store.results import GraphResult, SelectResult, Term

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: properties whose value names the entity, most preferred first
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
    "https://schema.org/name",
    "http://purl.org/dc/terms/title",
)

#: most statements read for one entity page (in and out each)
MAX_STATEMENTS = 5000
#: IRIs named per label query
LABEL_BATCH = 1000

#: RDF formats an entity is served in: suffix -> (format key of ``kb.store.RDF_FORMATS``, media type)
ENTITY_FORMATS: dict[str, tuple[str, str]] = {
    suffix: (key, media) for key, (_, media, suffix, quads) in RDF_FORMATS.items() if not quads
}

#: display names of the RDF formats, by format key
FORMAT_NAMES: dict[str, str] = {"ttl": "Turtle", "nt": "N-Triples", "xml": "RDF/XML", "jsonld": "JSON-LD",
                                "trig": "TriG", "nq": "N-Quads"}

_PATH_SAFE = "/:@!$&'()*+,;=-._~"


# ------------------------------------------------------------------------------------ addresses


def entity_path(iri: str, base: str) -> str:
    """The local address of the page of ``iri``."""
    if iri.startswith(base) and len(iri) > len(base):
        return "/id/" + urllib.parse.quote(iri[len(base):], safe=_PATH_SAFE)
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    if iri.startswith(str(MAKB)) and len(iri) > len(str(MAKB)):
        return "/ontology#" + urllib.parse.quote(iri[len(str(MAKB)):], safe="")
    return "/entity?iri=" + urllib.parse.quote(iri, safe="")


def iri_for_path(path: str, base: str) -> str:
    """The IRI served at ``/id/<path>`` (``path`` as Flask decoded it)."""
    if not path or any(c in path for c in ' <>"{}|^`\\'):
        raise ConfigError(f"not an entity address: /id/{path}")
    return base + path


def split_suffix(path: str) -> tuple[str, str | None]:
    """``org/undp.ttl`` -> (``org/undp``, ``ttl``); minted IRIs have no dots in their last segment."""
    head, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix in ENTITY_FORMATS:
        return head, suffix
    return path, None


def short_name(iri: str, base: str | None = None) -> str:
    """A prefixed name (``makb:status``) when a known prefix fits, else the IRI."""
    if base and iri.startswith(base):
        return "id:" + iri[len(base):]
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


# ------------------------------------------------------------------------------------ records


@dataclass
class Source:
    """Where a statement comes from: its named graph, that graph's file, the evidence sentences."""

    graph: str
    file: str | None = None
    evidence: list[str] = field(default_factory=list)


@dataclass
class Statement:
    """One statement, seen from the entity: the other end (value or subject) and its sources."""

    term: Term
    label: str | None = None
    sources: list[Source] = field(default_factory=list)


@dataclass
class PropertyGroup:
    property: str
    label: str
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Entity:
    iri: str
    label: str
    types: list[tuple[str, str]]             #: (class IRI, class label)
    outgoing: list[PropertyGroup]
    incoming: list[PropertyGroup]
    documents: list[Source]                  #: the graphs it is mentioned in (files where known)
    truncated: bool = False                  #: more statements than MAX_STATEMENTS


@dataclass
class Part:
    """A sub-resource shown inline: a budget or a beneficiary group."""

    iri: str
    kind: str            #: budget | beneficiaries
    text: str            #: "136,000 USD", "40 mine survivors"
    note: str = ""       #: a budget's comment; "direct" or "indirect" for beneficiaries


# ------------------------------------------------------------------------------------ describe


def amount_text(value: str, currency: str | None) -> str:
    """"136000.0", "USD" -> "136,000 USD" (cents kept when there are any)."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return f"{value} {currency or ''}".strip()
    shown = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
    return f"{shown} {currency or ''}".strip()


def parts(store: Store, iris: list[str]) -> dict[str, Part]:
    """Budgets and beneficiary groups among ``iris``, as readable text, by IRI."""
    out: dict[str, Part] = {}
    unique = sorted(set(iris))
    for start in range(0, len(unique), LABEL_BATCH):
        for r in queries.rows(store, "web/entity-parts", iris={"x": unique[start:start + LABEL_BATCH]}, sort=True):
            iri, kind = r["x"], r["kind"]
            if iri in out:
                continue
            if kind == "budget":
                out[iri] = Part(iri, kind, amount_text(r["value"], r.get("currency")), r.get("description", ""))
                continue
            approx = "about " if r.get("approximate") in ("true", "1") else ""
            direct = {"true": "direct", "1": "direct", "false": "indirect", "0": "indirect"}.get(
                r.get("direct", ""), "")
            what = r.get("description", "beneficiaries")
            out[iri] = Part(iri, kind, f"{approx}{amount_text(r['value'], None)} {what}".strip(), direct)
    return out


def labels(store: Store, iris: list[str]) -> dict[str, str]:
    """A name for each IRI that has one: its preferred label (English first), else "<class label> <number>"."""
    found: dict[str, dict[str, list[Term]]] = {}
    unique = sorted(set(iris))
    for start in range(0, len(unique), LABEL_BATCH):
        for row in queries.select(store, "web/labels", iris={"x": unique[start:start + LABEL_BATCH]}):
            found.setdefault(row["x"].value, {}).setdefault(row["key"].value, []).append(row["value"])
    out: dict[str, str] = {}
    for iri, keys in found.items():
        for key in ("1", "2", "3", "4", "5"):
            if keys.get(key):
                values = sorted(keys[key], key=lambda t: (t.lang not in (None, "en"), t.lang or "", t.value))
                out[iri] = values[0].value
                break
        else:
            if keys.get("number") and keys.get("type"):
                out[iri] = f"{min(t.value for t in keys['type'])} {min(t.value for t in keys['number'])}"
    return out


def _group(rows: SelectResult, other: str, base: str, names: dict[str, str]) -> list[PropertyGroup]:
    groups: dict[str, PropertyGroup] = {}
    by_key: dict[tuple[str, Term], Statement] = {}
    for row in rows:
        p, term = row["p"].value, row[other]
        group = groups.get(p)
        if group is None:
            group = groups[p] = PropertyGroup(p, names.get(p) or short_name(p, base))
        stmt = by_key.get((p, term))
        if stmt is None:
            label = names.get(term.value) if term.kind == "uri" else None
            stmt = by_key[(p, term)] = Statement(term, label)
            group.statements.append(stmt)
        graph = row["g"].value
        source = next((s for s in stmt.sources if s.graph == graph), None)
        if source is None:
            source = Source(graph, row["file"].value if "file" in row else None)
            stmt.sources.append(source)
        if "evidence" in row and row["evidence"].value not in source.evidence:
            source.evidence.append(row["evidence"].value)
    for group in groups.values():
        group.statements.sort(key=lambda s: ((s.label or s.term.value).lower(), s.term.value))
    return sorted(groups.values(), key=lambda g: (_rank(g.property), g.label.lower(), g.property))


def _rank(prop: str) -> int:
    if prop == RDF_TYPE:
        return 0
    return 1 if prop in LABEL_PROPERTIES else 2


def describe(store: Store, iri: str, base: str, limit: int = MAX_STATEMENTS) -> Entity:
    """Everything the KB says about ``iri``; ``NotFound`` when no statement mentions it."""
    check_iri(iri)
    out_rows = queries.select(store, "web/entity-out", {"iri": iri}, limit=limit)
    in_rows = queries.select(store, "web/entity-in", {"iri": iri}, limit=limit)
    if not out_rows.rows and not in_rows.rows:
        raise NotFound(f"the KB has no statement about <{iri}>")
    named = {iri}
    for rows, other in ((out_rows, "o"), (in_rows, "s")):
        for row in rows:
            named.add(row["p"].value)
            if row[other].kind == "uri":
                named.add(row[other].value)
    names = labels(store, sorted(named))
    unnamed = [i for i in named if i not in names]
    names.update({i: p.text for i, p in parts(store, unnamed).items()})   # "136,000 USD", not the node's IRI
    files = {row["g"].value: row["file"].value for rows in (out_rows, in_rows) for row in rows if "file" in row}
    names.update({i: files[i] for i in unnamed if i in files and i not in names})   # a document graph: its file
    outgoing = _group(out_rows, "o", base, names)
    incoming = _group(in_rows, "s", base, names)
    types = [(s.term.value, s.label or short_name(s.term.value, base))
             for g in outgoing if g.property == RDF_TYPE for s in g.statements]
    docs: dict[str, Source] = {}
    for group in outgoing + incoming:
        for stmt in group.statements:
            for src in stmt.sources:
                docs.setdefault(src.graph, Source(src.graph, src.file))
    documents = sorted(docs.values(), key=lambda s: (s.file is None, s.file or "", s.graph))
    return Entity(iri, names.get(iri) or short_name(iri, base), types, outgoing, incoming, documents,
                  truncated=out_rows.truncated or in_rows.truncated)


def entity_rdf(store: Store, iri: str, suffix: str) -> tuple[bytes, str]:
    """(serialised description, media type) of ``iri`` in the format of ``suffix`` (a key of ENTITY_FORMATS)."""
    check_iri(iri)
    if suffix not in ENTITY_FORMATS:
        raise ConfigError(f"unknown RDF format {suffix!r}; choose one of {', '.join(ENTITY_FORMATS)}")
    key, media = ENTITY_FORMATS[suffix]
    result = store.query(queries.internal("web/entity-rdf").render({"iri": iri}))
    if not isinstance(result, GraphResult):
        raise ConfigError("internal query web-entity-rdf is not a CONSTRUCT")
    if result.count == 0:
        raise NotFound(f"the KB has no statement about <{iri}>")
    triples = list(ox.parse(result.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    rdf_format = RDF_FORMATS[key][0]
    prefixes = None
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        text = result.ntriples
        prefixes = {p: ns for p, ns in PREFIXES.items() if f"<{ns}" in text}
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b"", media


# ------------------------------------------------------------------------------------ ontology


@dataclass
class OntologyTerm:
    iri: str
    name: str          #: local name (the anchor on the ontology page)
    kind: str          #: class | property | scheme | concept
    label: str
    comment: str | None = None
    scheme: str | None = None


def ontology_terms(store: Store) -> list[OntologyTerm]:
    """The classes, properties, schemes and concepts of the ontology graph, by kind then name."""
    ns = str(MAKB)
    terms: dict[str, OntologyTerm] = {}
    for row in queries.rows(store, "web/ontology"):
        iri = row["term"]
        if not iri.startswith(ns) or iri in terms:
            continue
        name = iri[len(ns):]
        terms[iri] = OntologyTerm(iri, name, row["kind"], row.get("label", name), row.get("comment"),
                                  row.get("scheme"))
    order = {"class": 0, "property": 1, "scheme": 2, "concept": 3}
    return sorted(terms.values(), key=lambda t: (order.get(t.kind, 9), t.scheme or "", t.name.lower()))


def ontology_rdf(store: Store, suffix: str) -> tuple[bytes, str]:
    """The ontology graph serialised in the format of ``suffix``."""
    if suffix not in ENTITY_FORMATS:
        raise ConfigError(f"unknown RDF format {suffix!r}; choose one of {', '.join(ENTITY_FORMATS)}")
    key, media = ENTITY_FORMATS[suffix]
    return store.dump(key, graph=ONTOLOGY_IRI), media
