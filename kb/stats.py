"""What is in the KB: triples per graph and instances per class."""

from __future__ import annotations

from dataclasses import dataclass

from kb.namespaces import PREFIXES
from kb.store import Store, kb_graph_counts


@dataclass
class Stats:
    graphs: dict[str, int]          #: named graph -> triples in it
    quads: int                      #: sum over graphs (what TriG / N-Quads hold)
    triples: int                    #: distinct triples over all graphs (what Turtle / N-Triples hold)
    classes: dict[str, int]         #: class IRI -> distinct instances

    def to_json(self) -> dict[str, object]:
        return {"quads": self.quads, "triples": self.triples, "graphs": self.graphs, "classes": self.classes}

    def text(self) -> str:
        lines = [f"{self.triples:,} distinct triples, {self.quads:,} quads in {len(self.graphs)} graphs", "",
                 "triples per graph:"]
        lines += [f"  {n:>9,}  {g}" for g, n in sorted(self.graphs.items(), key=lambda kv: (-kv[1], kv[0]))]
        lines += ["", "instances per class:"]
        lines += [f"  {n:>9,}  {_short(c)}" for c, n in sorted(self.classes.items(), key=lambda kv: (-kv[1], kv[0]))]
        return "\n".join(lines)


def _short(iri: str) -> str:
    for p, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{p}:{iri[len(ns):]}"
    return iri


def stats(store: Store) -> Stats:
    graphs = kb_graph_counts(store)   # the KB's own graphs only, never a server's system graphs
    others = [g for g in store.graphs() if g not in graphs]
    skip = f"FILTER(?g NOT IN ({', '.join(f'<{g}>' for g in others)}))" if others else ""
    rows = store.select(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} {skip} }} GROUP BY ?c")
    classes = {r["c"].value: int(r["n"].value) for r in rows}
    if others:
        found = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
                             f"{{ GRAPH ?g {{ ?s ?p ?o }} {skip} }} }}").rows
        triples = int(found[0][0].value) if found and found[0][0] else 0
    else:
        triples = store.distinct_triples()
    return Stats(graphs=graphs, quads=sum(graphs.values()), triples=triples, classes=classes)
