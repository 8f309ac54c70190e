"""SHACL validation of the whole KB against ``ontology/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyshacl
import rdflib
from rdflib.namespace import SH

from kb.build import ONTOLOGY_FILE, SHAPES_FILE
from kb.store import Store, dump_kb


@dataclass
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    triples: int = 0

    def summary(self) -> str:
        if self.conforms:
            return f"valid: {self.triples:,} triples conform to the shapes"
        return f"invalid: {len(self.violations)} violation(s) in {self.triples:,} triples"

    def text(self) -> str:
        lines = [self.summary()]
        for v in self.violations:
            path = f" {v.path}" if v.path else ""
            value = f" (value {v.value})" if v.value else ""
            lines.append(f"- {v.severity}: <{v.focus}>{path}: {v.message}{value}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {"conforms": self.conforms, "triples": self.triples, "summary": self.summary(),
                "violations": [v.__dict__ for v in self.violations]}


def validate(store: Store) -> ValidationReport:
    """Run the shapes over the union of the KB's graphs (ontology included for class hierarchy)."""
    data = rdflib.Graph()
    data.parse(data=dump_kb(store, "nt"), format="nt")   # never a server's system graphs
    ontology = rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                            abort_on_first=False, allow_warnings=True)
    report = ValidationReport(conforms=bool(conforms), triples=len(data))
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        report.violations.append(Violation(
            focus=str(results.value(result, SH.focusNode)),
            path=results.namespace_manager.normalizeUri(path) if isinstance(path, rdflib.URIRef) else None,
            message=str(results.value(result, SH.resultMessage) or "constraint not met"),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            value=str(value) if value is not None else None,
        ))
    report.violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    if any(v.severity == "Violation" for v in report.violations):
        report.conforms = False
    else:
        report.conforms = True
    return report
