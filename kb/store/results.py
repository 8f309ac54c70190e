"""Query results independent of the store behind them, and their serialisations.

A SELECT answer is a ``SelectResult`` of ``Term`` rows whether it came from the
embedded Oxigraph store or from a remote endpoint's JSON, so every consumer
(CLI, web, analyses) sees the same values.  The serialisers follow the W3C
SPARQL 1.1 result formats (JSON, XML, CSV, TSV).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

XSD = "http://www.w3.org/2001/XMLSchema#"
_INT_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                "positiveInteger", "unsignedInt", "unsignedLong")}


class Term(NamedTuple):
    """An RDF term: kind is 'uri', 'literal', 'bnode' or 'triple'."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def py(self) -> Any:
        """The Python value of a literal (int, float, Decimal, bool, str); the text otherwise."""
        if self.kind != "literal" or not self.datatype:
            return self.value
        try:
            if self.datatype in _INT_TYPES:
                return int(self.value)
            if self.datatype == XSD + "decimal":
                return Decimal(self.value)
            if self.datatype in (XSD + "double", XSD + "float"):
                return float(self.value)
            if self.datatype == XSD + "boolean":
                return self.value in ("true", "1")
        except (ValueError, ArithmeticError):
            return self.value
        return self.value

    def n3(self) -> str:
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = json.dumps(self.value, ensure_ascii=False)
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype and self.datatype != XSD + "string":
            return f"{text}^^<{self.datatype}>"
        return text

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != XSD + "string":
            out["datatype"] = self.datatype
        return out

    @classmethod
    def from_json(cls, d: dict[str, str]) -> Term:
        kind = d["type"]
        if kind == "typed-literal":
            kind = "literal"
        return cls(kind, d["value"], d.get("datatype"), d.get("xml:lang"))


@dataclass
class SelectResult:
    vars: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    truncated: bool = False        #: True when rows were cut at a row limit

    def __iter__(self) -> Iterator[dict[str, Term]]:
        for row in self.rows:
            yield {v: t for v, t in zip(self.vars, row, strict=False) if t is not None}

    def __len__(self) -> int:
        return len(self.rows)

    def values(self) -> list[dict[str, Any]]:
        """Rows as dicts of Python values (missing bindings are None)."""
        return [{v: (t.py() if t is not None else None) for v, t in zip(self.vars, row, strict=False)}
                for row in self.rows]

    def to_json(self) -> dict[str, Any]:
        return {"head": {"vars": self.vars},
                "results": {"bindings": [{k: t.to_json() for k, t in r.items()} for r in self]}}


@dataclass
class AskResult:
    value: bool

    def to_json(self) -> dict[str, Any]:
        return {"head": {}, "boolean": self.value}


@dataclass
class GraphResult:
    """A CONSTRUCT/DESCRIBE answer, held as N-Triples text."""

    ntriples: str
    count: int
    truncated: bool = False


QueryResult = SelectResult | AskResult | GraphResult


# --------------------------------------------------------------------------- formats

#: format name -> (media type, file suffix): one table for the CLI and the web.
RESULT_FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/sparql-results+json", "srj"),
    "xml": ("application/sparql-results+xml", "srx"),
    "csv": ("text/csv", "csv"),
    "tsv": ("text/tab-separated-values", "tsv"),
}


def to_json_text(result: SelectResult | AskResult) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False)


def to_xml(result: SelectResult | AskResult) -> str:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    if isinstance(result, AskResult):
        out.append(f"</head>\n<boolean>{'true' if result.value else 'false'}</boolean>\n</sparql>\n")
        return "".join(out)
    out.extend(f"<variable name={quoteattr(v)}/>" for v in result.vars)
    out.append("</head>\n<results>\n")
    for row in result:
        out.append("<result>")
        for var, t in row.items():
            out.append(f"<binding name={quoteattr(var)}>")
            if t.kind == "uri":
                out.append(f"<uri>{escape(t.value)}</uri>")
            elif t.kind == "bnode":
                out.append(f"<bnode>{escape(t.value)}</bnode>")
            else:
                attrs = ""
                if t.lang:
                    attrs = f" xml:lang={quoteattr(t.lang)}"
                elif t.datatype and t.datatype != XSD + "string":
                    attrs = f" datatype={quoteattr(t.datatype)}"
                out.append(f"<literal{attrs}>{escape(t.value)}</literal>")
            out.append("</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out)


def to_csv(result: SelectResult | AskResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if isinstance(result, AskResult):
        w.writerow(["boolean"])
        w.writerow(["true" if result.value else "false"])
        return buf.getvalue()
    w.writerow(result.vars)
    for row in result.rows:
        w.writerow(["" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row])
    return buf.getvalue()


def _tsv_term(t: Term | None) -> str:
    if t is None:
        return ""
    if t.kind == "literal" and t.datatype in _INT_TYPES | {XSD + "decimal", XSD + "double", XSD + "boolean"}:
        return t.value
    return t.n3().replace("\t", "\\t").replace("\n", "\\n")


def to_tsv(result: SelectResult | AskResult) -> str:
    if isinstance(result, AskResult):
        return "?boolean\n" + ("true" if result.value else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines.extend("\t".join(_tsv_term(t) for t in row) for row in result.rows)
    return "\n".join(lines) + "\n"


SERIALISERS = {"json": to_json_text, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}


def serialise(result: SelectResult | AskResult, fmt: str) -> str:
    return SERIALISERS[fmt](result)


def parse_json_results(data: dict[str, Any]) -> SelectResult | AskResult:
    """SPARQL JSON results (from a remote endpoint) -> our result types."""
    if "boolean" in data:
        return AskResult(bool(data["boolean"]))
    vars_ = list(data.get("head", {}).get("vars", []))
    rows = []
    for b in data.get("results", {}).get("bindings", []):
        rows.append(tuple(Term.from_json(b[v]) if v in b else None for v in vars_))
    return SelectResult(vars_, rows)


def table(result: SelectResult, max_width: int = 60) -> str:
    """A plain-text table for terminals, with prefixed names where they fit."""
    from kb.namespaces import PREFIXES

    def short(t: Term | None) -> str:
        if t is None:
            return ""
        v = t.value
        if t.kind == "uri":
            for p, ns in PREFIXES.items():
                if v.startswith(ns):
                    v = f"{p}:{v[len(ns):]}"
                    break
        v = v.replace("\n", " ")
        return v if len(v) <= max_width else v[: max_width - 1] + "…"

    cells = [[short(t) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.vars)]
    sep = "  "
    lines = [sep.join(v.ljust(w) for v, w in zip(result.vars, widths, strict=True)),
             sep.join("-" * w for w in widths)]
    lines.extend(sep.join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells)
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
                 f"{', truncated' if result.truncated else ''})")
    return "\n".join(lines)
