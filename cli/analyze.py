"""``makb analyze ...`` and the graph export formats of ``makb export`` (GraphML, GEXF, node-link JSON).

Each sub-command makes one library call and prints a table, or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import networkx as nx

from cli.context import Context, out
from kb.analysis.exports import export_graph
from kb.analysis.graphs import TIE_KINDS, knowledge_graph, org_nodes, partner_graph, resolve_in
from kb.analysis.metrics import centrality_rows, communities, components, ego, paths, summary
from kb.analysis.scorecard import SCORECARD_BY, ScorecardRow, load, resolve_party, scorecard, tally
from kb.errors import ConfigError
from kb.views.dashboard_filters import DashboardFilters

#: graph names for ``--graph`` (analyses and ``makb export``)
GRAPH_NAMES: tuple[str, ...] = ("partners", "partners-rollup", "kg")

AddCommand = Callable[..., argparse.ArgumentParser]


# ------------------------------------------------------------------------------------ helpers


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:.4f}"
        text = str(v).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(v) for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)
    return "\n".join(lines)


def _name(G: nx.Graph, node: str) -> str:
    data = G.nodes[node]
    return str(data.get("acronym") or data.get("label") or node)


def _emit(data: Any) -> None:
    out(data if isinstance(data, str) else json.dumps(data, indent=2, ensure_ascii=False))


def _kinds(text: str | None) -> list[str] | None:
    return [k for k in text.split(",") if k.strip()] if text else None


def _graph(ctx: Context, args: argparse.Namespace) -> nx.Graph:
    name = getattr(args, "graph", None) or "partners"
    if name == "kg":
        if args.rollup or args.kinds or args.country or args.year:
            raise ConfigError("--rollup, --kinds, --country and --year apply to the partner graph only")
        return knowledge_graph(ctx.store)
    if name not in GRAPH_NAMES:
        raise ConfigError(f"unknown graph {name!r}; choose one of {', '.join(GRAPH_NAMES)}")
    return partner_graph(ctx.store, rollup=args.rollup or name == "partners-rollup", kinds=_kinds(args.kinds),
                         country=args.country, year=args.year)


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--as-of must be a date YYYY-MM-DD, got {text!r}") from None


# ------------------------------------------------------------------------------------ sub-commands


def cmd_partners(ctx: Context, args: argparse.Namespace) -> int:
    G = _graph(ctx, args)
    edges = sorted(G.edges(data=True), key=lambda e: (-e[2].get("weight", 1), _name(G, e[0]), _name(G, e[1])))
    if args.json:
        _emit({"summary": summary(G),
               "nodes": [{"id": n, **d} for n, d in G.nodes(data=True)],
               "edges": [{"source": u, "target": v, **d} for u, v, d in edges]})
        return 0
    s = summary(G)
    head = f"{s['name']}: {s['nodes']} nodes, {s['edges']} edges, {s['components']} components"
    rows = [(_name(G, u), _name(G, v), ", ".join(d.get("kinds") or [d.get("predicate", "")]), d.get("weight", 1),
             "; ".join(d.get("evidence") or [])) for u, v, d in edges]
    _emit(head + "\n" + _table(["organisation", "organisation", "ties", "weight", "evidence"], rows))
    return 0


def cmd_centrality(ctx: Context, args: argparse.Namespace) -> int:
    G = _graph(ctx, args)
    rows = centrality_rows(G, top=args.top)
    if args.json:
        _emit(rows)
        return 0
    _emit(_table(["#", "name", "neighbours", "degree", "betweenness", "pagerank"],
                 [(i, _name(G, r["node"]), r["neighbours"], r["degree"], r["betweenness"], r["pagerank"])
                  for i, r in enumerate(rows, 1)]))
    return 0


def _groups_out(G: nx.Graph, groups: list[list[str]], what: str, as_json: bool) -> None:
    if as_json:
        _emit([[{"node": n, "label": G.nodes[n].get("label")} for n in g] for g in groups])
        return
    lines = [f"{len(groups)} {what}"]
    lines.extend(f"{i}. ({len(g)}) {', '.join(_name(G, n) for n in g)}" for i, g in enumerate(groups, 1))
    _emit("\n".join(lines))


def cmd_communities(ctx: Context, args: argparse.Namespace) -> int:
    G = _graph(ctx, args)
    _groups_out(G, communities(G, seed=args.seed), "communities (Louvain, seed " + str(args.seed) + ")", args.json)
    return 0


def cmd_components(ctx: Context, args: argparse.Namespace) -> int:
    G = _graph(ctx, args)
    _groups_out(G, components(G), "connected components", args.json)
    return 0


def cmd_path(ctx: Context, args: argparse.Namespace) -> int:
    G = _graph(ctx, args)
    a, b = org_nodes(ctx.store, G, args.source, args.target)
    found = paths(G, a, b, limit=args.limit)
    if args.json:
        _emit({"from": a, "to": b, "paths": [p.to_json() for p in found]})
        return 0
    if not found:
        _emit(f"{_name(G, a)} and {_name(G, b)} are not connected")
        return 0
    lines: list[str] = []
    for i, p in enumerate(found, 1):
        lines.append(f"path {i} ({p.length} step{'s' if p.length != 1 else ''}): "
                     + " - ".join(_name(G, n) for n in p.nodes))
        for s in p.steps:
            lines.append(f"  {_name(G, s.source)} - {_name(G, s.target)}: {', '.join(s.kinds)}"
                         f"  [{'; '.join(s.evidence)}]")
    _emit("\n".join(lines))
    return 0


def cmd_ego(ctx: Context, args: argparse.Namespace) -> int:
    G = _graph(ctx, args)
    [center] = org_nodes(ctx.store, G, args.org)
    H = ego(G, center, depth=args.depth)
    distance = nx.single_source_shortest_path_length(H.to_undirected(as_view=True), center)
    nodes = sorted(H.nodes, key=lambda n: (distance.get(n, 0), _name(H, n), n))
    if args.json:
        _emit({"center": center, "depth": args.depth, "summary": summary(H),
               "nodes": [{"id": n, "distance": distance.get(n), **H.nodes[n]} for n in nodes],
               "edges": [{"source": u, "target": v, **d} for u, v, d in sorted(H.edges(data=True))]})
        return 0
    s = summary(H)
    lines = [f"ego network of {_name(H, center)}, depth {args.depth}: {s['nodes']} nodes, {s['edges']} edges",
             _table(["distance", "name", "label"], [(distance.get(n), _name(H, n), H.nodes[n].get("label"))
                                                    for n in nodes])]
    _emit("\n".join(lines))
    return 0


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items())


def scorecard_text(rows: list[ScorecardRow], by: str, as_of: date) -> str:
    """The scorecard as a table, then the overdue actions."""
    head = f"commitments by {by}, as of {as_of.isoformat()}"
    table = _table(
        ["name", *(["in"] if by == "unit" else []), "actions", "status", "done", "overdue", "oldest open", "recs",
         "acceptance"],
        [(r.name, *([r.parent] if by == "unit" else []), r.actions, _counts(r.by_status),
          f"{r.completion_rate:.0%}" if r.completion_rate is not None else "-", r.overdue,
          (f"{r.oldest_open['ref']} (due {r.oldest_open['due'] or '?'})" if r.oldest_open else ""),
          r.recommendations, _counts(r.by_acceptance)) for r in rows],
        max_width=70)
    lines = [head, table]
    late = [(r, a) for r in rows for a in r.overdue_actions]
    if late:
        lines.append("\noverdue:")
        lines.extend(f"  {r.name}: {a['ref']} due {a['due']} ({a['status']}) {(a['text'] or '')[:70].rstrip()}"
                     for r, a in late)
    return "\n".join(lines)


#: scorecard filters on the command line: option -> filter name
SCORECARD_FILTERS: tuple[str, ...] = ("org", "unit", "person", "country", "evaluation", "status", "due_from", "due_to")


def cmd_scorecard(ctx: Context, args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    given = {name: getattr(args, name) for name in SCORECARD_FILTERS if getattr(args, name, None)}
    query: dict[str, str] = {}
    if not given:
        rows = scorecard(ctx.store, by=args.by, as_of=as_of)
    else:
        c = load(ctx.store)
        for name, value in given.items():
            if name in ("org", "unit"):
                value = resolve_in(c.orgs, value)
            elif name in ("person", "country"):
                value = resolve_party(c, value, name)
            query[name] = value
        filters = DashboardFilters.parse({**query, "as_of": as_of.isoformat()}, as_of)
        rows = [r for r in tally(c, args.by, as_of, lambda a: filters.keeps(a, c)) if r.actions]
    if args.json:
        _emit({"by": args.by, "as_of": as_of.isoformat(), "filters": query, "rows": [r.to_json() for r in rows]})
    else:
        _emit(scorecard_text(rows, args.by, as_of))
    return 0


_COMMANDS = {"partners": cmd_partners, "centrality": cmd_centrality, "communities": cmd_communities,
             "components": cmd_components, "path": cmd_path, "ego": cmd_ego, "scorecard": cmd_scorecard}


def cmd_analyze(ctx: Context, args: argparse.Namespace) -> int:
    return _COMMANDS[args.analysis](ctx, args)


# ------------------------------------------------------------------------------------ export


def export(ctx: Context, args: argparse.Namespace) -> bytes:
    """``makb export --format graphml|gexf|nodelink --graph partners|partners-rollup|kg``."""
    name = args.graph or "partners"
    G: nx.Graph[str]
    if name == "kg":
        G = knowledge_graph(ctx.store)
    elif name in GRAPH_NAMES:
        G = partner_graph(ctx.store, rollup=name == "partners-rollup")
    else:
        raise ConfigError(f"--graph for {args.format} is one of {', '.join(GRAPH_NAMES)}, got {name!r}")
    return export_graph(G, args.format)


# ------------------------------------------------------------------------------------ registration


def _graph_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graph", choices=GRAPH_NAMES, default="partners",
                   help="partners (default), partners-rollup (units merged into their organisation) or kg")
    p.add_argument("--rollup", action="store_true", help="merge units into their top-level organisation")
    p.add_argument("--kinds", metavar="K,K", help=f"only these tie kinds: {', '.join(TIE_KINDS)}")
    p.add_argument("--country", help="only ties through things in this country (name or IRI)")
    p.add_argument("--year", type=int, help="only ties through things dated in this year")
    p.add_argument("--json", action="store_true", help="print JSON")


def register(sub: argparse._SubParsersAction, add: AddCommand) -> None:
    """Add ``makb analyze``."""
    p = add("analyze", cmd_analyze, "Partner graphs, centrality, communities, paths, ego networks, scorecards.",
            ["makb analyze partners --rollup",
             "makb analyze centrality --top 10",
             "makb analyze communities --seed 7",
             "makb analyze path UNITAR ANAMA --rollup",
             "makb analyze ego TNMAC --depth 2",
             "makb analyze scorecard --by unit --as-of 2021-01-01",
             "makb export --format graphml --graph partners --out partners.graphml"])
    asub = p.add_subparsers(dest="analysis", metavar="ANALYSIS")
    asub.required = True
    helps = {"partners": "Organisations and the ties between them, strongest first.",
             "centrality": "Degree, betweenness and PageRank centrality, highest PageRank first.",
             "communities": "Louvain communities (fixed seed: results repeat).",
             "components": "Connected components, largest first.",
             "path": "Shortest paths between two organisations, with the evidence for each step.",
             "ego": "The neighbourhood of one organisation (depth 1 or 2).",
             "scorecard": "Key actions by status, completion, overdue and oldest open; recommendations by acceptance."}
    examples = {"partners": ["makb analyze partners --rollup", "makb analyze partners --kinds project,agreement --json",
                             "makb analyze partners --country Azerbaijan --year 2013"],
                "centrality": ["makb analyze centrality --rollup --top 10",
                               "makb analyze centrality --graph kg --json"],
                "communities": ["makb analyze communities --rollup --seed 7"],
                "components": ["makb analyze components --graph partners-rollup"],
                "path": ["makb analyze path UNITAR ANAMA --rollup",
                         "makb analyze path 'UNDP Tajikistan' TNMAC --json"],
                "ego": ["makb analyze ego TNMAC --depth 2 --rollup"],
                "scorecard": ["makb analyze scorecard --as-of 2021-01-01",
                              "makb analyze scorecard --by person --as-of 2021-01-01 --json",
                              "makb analyze scorecard --by unit --org UNITAR --status past-due --as-of 2021-01-01"]}
    parsers = {name: asub.add_parser(name, help=text, description=text,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="examples:\n" + "\n".join(f"  {e}" for e in examples[name]))
               for name, text in helps.items()}
    for name in ("partners", "centrality", "communities", "components", "path", "ego"):
        _graph_options(parsers[name])
    parsers["centrality"].add_argument("--top", type=int, help="only the first N")
    parsers["communities"].add_argument("--seed", type=int, default=42, help="Louvain random seed (default 42)")
    parsers["path"].add_argument("source", metavar="ORG", help="label, acronym or IRI")
    parsers["path"].add_argument("target", metavar="ORG", help="label, acronym or IRI")
    parsers["path"].add_argument("--limit", type=int, default=10, help="most paths shown (default 10)")
    parsers["ego"].add_argument("org", metavar="ORG", help="label, acronym or IRI")
    parsers["ego"].add_argument("--depth", type=int, default=1, choices=(1, 2), help="hops (default 1)")
    sc = parsers["scorecard"]
    sc.add_argument("--by", choices=SCORECARD_BY, default="org", help="group by (default org)")
    sc.add_argument("--as-of", metavar="YYYY-MM-DD", help="judge overdue against this date (default today)")
    sc.add_argument("--json", action="store_true", help="print JSON")
    sc.add_argument("--org", help="only the key actions of this organisation and its units (name, acronym or IRI)")
    sc.add_argument("--unit", help="only the key actions of this unit and its sub-units (name, acronym or IRI)")
    sc.add_argument("--person", help="only the key actions this person is responsible for (name or IRI)")
    sc.add_argument("--country", help="only the key actions of evaluations in this country (name or IRI)")
    sc.add_argument("--evaluation", metavar="IRI", help="only the key actions of this evaluation")
    sc.add_argument("--status", metavar="KEY",
                    help="only this reported status (e.g. Completed, NotInitiated), or past-due, open, "
                         "reported-overdue")
    sc.add_argument("--due-from", dest="due_from", metavar="YYYY-MM-DD", help="only actions due on or after")
    sc.add_argument("--due-to", dest="due_to", metavar="YYYY-MM-DD", help="only actions due on or before")
