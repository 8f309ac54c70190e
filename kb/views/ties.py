"""What ties two organisations of the explorer's graph, and how we know.

Each shared project, agreement, partnership, evaluation, recommendation or key action comes with the
sentences (or source lines) of the documents that say each organisation takes part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kb import queries
from kb.analysis.graphs import TIE_KINDS
from kb.errors import NotFound
from kb.store import Store
from kb.views.entity import entity_path, labels

#: most shared things listed for one tie
MAX_THINGS = 50
#: most pieces of evidence listed per shared thing
MAX_EVIDENCE = 8


@dataclass
class Evidence:
    graph: str
    file: str | None = None
    sentence: str | None = None          #: the sentence saying it (projects, agreements, partnerships)
    line: int | None = None              #: or the source line of the recommendation or key action
    entry: str | None = None             #: that recommendation or key action
    number: str | None = None
    org: str | None = None               #: which end of the tie it is about

    def to_json(self) -> dict[str, Any]:
        return {"graph": self.graph, "file": self.file, "sentence": self.sentence, "line": self.line,
                "entry": self.entry, "number": self.number, "org": self.org}


@dataclass
class Tie:
    thing: str
    kind: str
    label: str
    url: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class TieDetails:
    a: str
    b: str
    a_label: str
    b_label: str
    kinds: list[str]
    ties: list[Tie]
    more: int = 0                         #: shared things beyond MAX_THINGS


def _kind_of(thing: str, base: str) -> str:
    rest = thing[len(base):] if thing.startswith(base) else thing
    if "/agreement/" in rest:
        return "agreement"
    if "/action/" in rest:
        return "key-action"
    if "/rec/" in rest:
        return "recommendation"
    head = rest.split("/", 1)[0]
    return {"project": "project", "partnership": "partnership", "evaluation": "evaluation"}.get(head, "tie")


def tie_details(store: Store, G: nx.Graph, a: str, b: str, base: str) -> TieDetails:
    """The shared things of the edge (a, b) of ``G`` with their evidence; ``NotFound`` when there is no such tie."""
    if a not in G or b not in G or not G.has_edge(a, b):
        raise NotFound("these two organisations share nothing under the current filters")
    data = G.edges[a, b]
    things = list(data.get("things") or [])
    shown, more = things[:MAX_THINGS], max(0, len(things) - MAX_THINGS)
    ends = {a: a, b: b}
    for node in (a, b):                 # a rolled-up node stands for its units too
        for member in G.nodes[node].get("members") or []:
            ends[member] = node
    rows = queries.rows(store, "web/tie-evidence", iris={"thing": shown, "org": sorted(ends)}) if shown else []
    names = labels(store, [*shown, a, b])
    ties = {t: Tie(t, _kind_of(t, base), names.get(t) or t.rstrip("/").rsplit("/", 1)[-1], entity_path(t, base))
            for t in shown}
    found: dict[tuple[str, ...], Evidence] = {}
    for r in sorted(rows, key=lambda r: (r["thing"], r.get("file", ""), r.get("line", ""), r.get("evidence", ""))):
        tie = ties.get(r["thing"])
        if tie is None:
            continue
        end = ends.get(r["org"], r["org"])
        key = (r["thing"], r["g"], r.get("evidence") or r.get("text") or "", r.get("line", ""))
        known = found.get(key)
        if known is not None:                 # the same sentence names both ends
            if known.org != end:
                known.org = None
            continue
        if len(tie.evidence) >= MAX_EVIDENCE:
            continue
        line = r.get("line")
        found[key] = ev = Evidence(
            graph=r["g"], file=r.get("file"), sentence=r.get("evidence") or r.get("text"),
            line=int(line) if line and line.isdigit() else None, entry=r.get("entry"), number=r.get("number"),
            org=end)
        tie.evidence.append(ev)
    for tie in ties.values():                 # a bare mention (an evaluation's commissioning unit) only alone
        told = [e for e in tie.evidence if e.sentence or e.line is not None]
        tie.evidence = told or tie.evidence[:1]
    order = {k: i for i, k in enumerate(TIE_KINDS)}
    listed = sorted(ties.values(), key=lambda t: (order.get(t.kind, 99), t.label.lower(), t.thing))
    return TieDetails(a, b, names.get(a) or G.nodes[a].get("label") or a, names.get(b) or G.nodes[b].get("label") or b,
                      list(data.get("kinds") or []), listed, more)
