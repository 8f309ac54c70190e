"""Graphs built from SPARQL results: the partner graph and the typed knowledge graph.

Both are built from the rows of ``kb/queries/internal/analysis/*.rq`` only,
nodes and edges added in sorted order, so that the analyses on them (Louvain
in particular) repeat exactly on any store holding the same data.
"""

from __future__ import annotations

import difflib
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from kb import queries
from kb.errors import ConfigError, NotFound
from kb.namespaces import MAKB
from kb.store import Store
from kb.summary.memo import remembered

#: kinds of ties between organisations in the partner graph
TIE_KINDS: tuple[str, ...] = (
    "project", "consortium", "agreement", "partnership", "evaluation", "recommendation", "key-action")

#: node types of the knowledge graph, most specific first
KG_TYPES: tuple[str, ...] = (
    "unit", "organisation", "person", "project", "agreement", "partnership", "evaluation", "recommendation",
    "key-action")

_CONSORTIUM_ROLE = str(MAKB.consortiumMember)
_IMPLEMENTER_ROLE = str(MAKB.implementer)


# ------------------------------------------------------------------------------------ organisations


@dataclass
class OrgInfo:
    """What the KB says about one organisation or unit."""

    iri: str
    label: str
    acronym: str | None = None
    org_type: str | None = None
    country: str | None = None
    parent: str | None = None
    is_unit: bool = False
    names: set[str] = field(default_factory=set)

    @property
    def short(self) -> str:
        """The acronym where there is one, else the label."""
        return self.acronym or self.label


def organisations(store: Store) -> dict[str, OrgInfo]:
    """Every organisation and unit in the KB, by IRI."""
    facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in queries.rows(store, "analysis/organisations", sort=True):
        facts[r["org"]][r["key"]].append(r["value"])
    out: dict[str, OrgInfo] = {}
    for iri in sorted(facts):
        f = facts[iri]

        def first(key: str, f: dict[str, list[str]] = f) -> str | None:
            return min(f[key]) if f.get(key) else None

        acronym = first("acronym")
        label = first("label") or acronym or first("alt") or iri.rstrip("/").rsplit("/", 1)[-1]
        out[iri] = OrgInfo(
            iri=iri, label=label, acronym=acronym, org_type=first("org_type"),
            country=first("country") or first("hq"), parent=first("parent"), is_unit=bool(f.get("unit")),
            names={n for key in ("label", "alt", "acronym") for n in f.get(key, [])})
    return out


def top_of(iri: str, orgs: dict[str, OrgInfo]) -> str:
    """The top-level organisation a unit belongs to (itself for an organisation)."""
    seen = {iri}
    current = iri
    while current in orgs and orgs[current].parent and orgs[current].parent not in seen:
        current = orgs[current].parent  # type: ignore[assignment]
        seen.add(current)
    return current


def resolve_org(store: Store, name: str) -> str:
    """The IRI of the organisation or unit called ``name`` (IRI, label, alternative label or acronym)."""
    return resolve_in(organisations(store), name)


def resolve_in(orgs: dict[str, OrgInfo], name: str) -> str:
    """``resolve_org`` against an already loaded table of organisations."""
    wanted = name.strip()
    if wanted in orgs:
        return wanted
    low = wanted.lower()
    matches = sorted(iri for iri, o in orgs.items() if low in {n.lower() for n in o.names})
    if not matches:
        matches = sorted(iri for iri in orgs if iri.lower().endswith("/" + low.strip("/")))
    if len(matches) > 1:
        strong = [iri for iri in matches
                  if low in {(orgs[iri].acronym or "").lower(), orgs[iri].label.lower()}]
        matches = strong or matches
    if len(matches) > 1:
        tops = [iri for iri in matches if not orgs[iri].is_unit]
        matches = tops if len(tops) == 1 else matches
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "; ".join(f"{orgs[i].label} <{i}>" for i in matches)
        raise ConfigError(f"{name!r} names several organisations: {listed}; give the IRI")
    by_name: dict[str, str] = {}
    for o in orgs.values():
        for n in o.names:
            by_name.setdefault(n.lower(), o.short if o.short.lower() == n.lower() else f"{n} ({o.short})")
    close = difflib.get_close_matches(low, sorted(by_name), n=5, cutoff=0.6)
    hint = f"; did you mean: {', '.join(by_name[c] for c in close)}?" if close else \
        "; 'makb query --name open-actions-by-organisation' lists organisations with commitments"
    raise NotFound(f"no organisation or unit called {name!r}{hint}")


def graph_node(G: nx.Graph, iri: str) -> str:
    """The node of ``G`` standing for organisation ``iri`` (its top organisation when rolled up)."""
    if iri in G:
        return iri
    for node, data in G.nodes(data=True):
        if iri in (data.get("members") or ()):
            return node
    raise NotFound(f"{iri} has no ties in this graph")


def org_nodes(store: Store, G: nx.Graph, *names: str) -> list[str]:
    """The nodes of ``G`` for organisations named by IRI, label or acronym (all resolved first)."""
    orgs = organisations(store)
    iris = [resolve_in(orgs, name) for name in names]
    out = []
    for iri in iris:
        try:
            out.append(graph_node(G, iri))
        except NotFound:
            o = orgs[iri]
            units = sorted(orgs[u].short for u in G if u in orgs and u != iri and top_of(u, orgs) == iri)
            hint = f"; its units {', '.join(units)} have (roll units up to merge them)" if units else ""
            raise NotFound(f"{o.short} ({o.label}) has no ties in this graph{hint}") from None
    return out


# ------------------------------------------------------------------------------------ partner graph


def _check_kinds(kinds: Iterable[str] | None) -> set[str]:
    if kinds is None:
        return set(TIE_KINDS)
    chosen = {k.strip() for k in kinds if k.strip()}
    unknown = chosen - set(TIE_KINDS)
    if unknown or not chosen:
        raise ConfigError(f"unknown tie kind {', '.join(sorted(unknown)) or '(none)'}; "
                          f"choose from {', '.join(TIE_KINDS)}")
    return chosen


def _kept_things(store: Store, country: str | None, year: int | None) -> set[str] | None:
    """Shared things located in ``country`` (name or IRI) and dated in ``year``; None when not filtering."""
    if country is None and year is None:
        return None
    countries: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[str]] = defaultdict(set)
    for r in queries.rows(store, "analysis/thing-context", sort=True):
        thing = r["thing"]
        if "country" in r:
            countries[thing].update({r["country"].lower(), r.get("countryName", "").lower()} - {""})
        if "date" in r:
            years[thing].add(r["date"][:4])
    kept: set[str] = set(countries) | set(years)
    if country is not None:
        kept = {t for t in kept if country.strip().lower() in countries.get(t, set())}
    if year is not None:
        kept = {t for t in kept if f"{int(year):04d}" in years.get(t, set())}
    return kept


def graph_files(store: Store) -> dict[str, str]:
    """Named graph IRI -> file name of the source document it was derived from."""
    files: dict[str, str] = {}
    for r in queries.rows(store, "analysis/graph-files", sort=True):
        files.setdefault(r["g"], r["file"])
    return files


def evidence_name(graph: str, files: dict[str, str]) -> str:
    """How a named graph is cited as evidence: its source file name, else its IRI."""
    return files.get(graph, graph)


def partner_graph(store: Store, rollup: bool = False, kinds: Iterable[str] | None = None,
                  country: str | None = None, year: int | None = None) -> nx.Graph:
    """Organisations linked by the things they share; see ``kb.analysis`` for the attributes.

    Without a country or year, the graph is made once per state of the store (``kb.summary.memo``) and
    shared: do not change it (``G.copy()`` first)."""
    wanted = _check_kinds(kinds)
    if country is None and year is None:
        return remembered(store, ("partner-graph", rollup, tuple(sorted(wanted))),
                          lambda: _partner_graph(store, rollup, wanted, None, None))
    return _partner_graph(store, rollup, wanted, country, year)


def _partner_graph(store: Store, rollup: bool, wanted: set[str], country: str | None,
                   year: int | None) -> nx.Graph:
    orgs = organisations(store)
    files = graph_files(store)
    kept = _kept_things(store, country, year)

    def node_of(iri: str) -> str:
        return top_of(iri, orgs) if rollup else iri

    merged: dict[str, set[str]] = defaultdict(set)   # top organisation -> its units, when rolling up
    thing_kind: dict[str, str] = {}
    #: thing -> node -> (roles, evidence)
    members: dict[str, dict[str, tuple[set[str], set[str]]]] = defaultdict(dict)
    # (in any order: roles and evidence are sets, and a thing of two kinds takes the greater, as sorted rows did)
    for r in queries.rows(store, "analysis/partner-ties"):
        thing = r["thing"]
        if kept is not None and thing not in kept:
            continue
        node = node_of(r["org"])
        thing_kind[thing] = max(thing_kind.get(thing, r["kind"]), r["kind"])
        roles, evidence = members[thing].setdefault(node, (set(), set()))
        roles.add(r["role"])
        evidence.add(evidence_name(r["g"], files))

    edges: dict[tuple[str, str], dict[str, set[str]]] = {}
    nodes: set[str] = set()
    for thing in sorted(members):
        kind = thing_kind[thing]
        group = members[thing]
        consortium = _consortium(group) if kind == "project" else set()
        if kind == "project" and "project" not in wanted:
            present = sorted(consortium) if "consortium" in wanted else []
        else:
            present = sorted(group) if kind in wanted else []
        nodes.update(present)
        for a, b in itertools.combinations(present, 2):
            pair_kinds = {kind}
            if a in consortium and b in consortium:
                pair_kinds.add("consortium")
            pair_kinds &= wanted
            if not pair_kinds:
                continue
            e = edges.setdefault((a, b), {"kinds": set(), "things": set(), "evidence": set()})
            e["kinds"] |= pair_kinds
            e["things"].add(thing)
            e["evidence"] |= group[a][1] | group[b][1]

    if rollup:
        for iri in orgs:
            if top_of(iri, orgs) != iri:
                merged[top_of(iri, orgs)].add(iri)
    G: nx.Graph[str] = nx.Graph(name="partners", rollup=rollup, kinds=sorted(wanted), country=country, year=year)
    for n in sorted(nodes):
        G.add_node(n, **_node_attrs(n, orgs), members=sorted(merged.get(n, ())))
    for (a, b) in sorted(edges):
        e = edges[(a, b)]
        G.add_edge(a, b, kinds=sorted(e["kinds"]), weight=len(e["things"]), things=sorted(e["things"]),
                   evidence=sorted(e["evidence"]))
    return G


def _consortium(group: dict[str, tuple[set[str], set[str]]]) -> set[str]:
    """A project's consortium: its consortium members and implementers, when it has consortium members."""
    if not any(_CONSORTIUM_ROLE in roles for roles, _ in group.values()):
        return set()
    return {n for n, (roles, _) in group.items() if roles & {_CONSORTIUM_ROLE, _IMPLEMENTER_ROLE}}


def _node_attrs(iri: str, orgs: dict[str, OrgInfo]) -> dict[str, object]:
    o = orgs.get(iri)
    if o is None:
        return {"label": iri, "acronym": None, "org_type": None, "country": None, "parent": None, "unit": False}
    return {"label": o.label, "acronym": o.acronym, "org_type": o.org_type, "country": o.country,
            "parent": o.parent, "unit": o.is_unit}


# ------------------------------------------------------------------------------------ knowledge graph


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def knowledge_graph(store: Store) -> nx.MultiDiGraph:
    """The typed graph of organisations, units, people, projects, agreements, partnerships,
    evaluations, recommendations and key actions."""
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, list[str]] = defaultdict(list)
    numbers: dict[str, list[str]] = defaultdict(list)
    for r in queries.rows(store, "analysis/kg-nodes", sort=True):
        node = r["node"]
        types[node].add(r["type"])
        if r.get("key") == "label":
            labels[node].append(r["value"])
        elif r.get("key") == "number":
            numbers[node].append(r["value"])
    files = graph_files(store)

    G: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="kg")
    for node in sorted(types):
        kind = next(t for t in KG_TYPES if t in types[node])
        G.add_node(node, type=kind, label=_kg_label(node, kind, labels[node], numbers[node]))
    found: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in queries.rows(store, "analysis/kg-edges", sort=True):
        if r["s"] in types and r["o"] in types and r["s"] != r["o"]:
            found[(r["s"], r["o"], _local(r["p"]))].add(evidence_name(r["g"], files))
    for (s, o, pred) in sorted(found):
        G.add_edge(s, o, key=pred, predicate=pred, evidence=sorted(found[(s, o, pred)]))
    return G


def _kg_label(node: str, kind: str, labels: list[str], numbers: list[str]) -> str:
    if kind in ("recommendation", "key-action") and numbers:
        return f"{'Recommendation' if kind == 'recommendation' else 'Key action'} {min(numbers)}"
    if labels:
        return min(labels)
    return f"{kind.capitalize()} {_local(node)}"
