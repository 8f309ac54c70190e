"""Namespaces and prefixes: the one table every part uses."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

#: The ontology namespace (classes and properties of our own).
MAKB = Namespace("https://w3id.org/makb/ontology#")
SCHEMA = Namespace("https://schema.org/")

#: Default base IRI for minted instance IRIs; see ``kb.settings``.
DEFAULT_BASE = "https://w3id.org/makb/id/"

#: prefix -> namespace IRI, in the order shown to users.
PREFIXES: dict[str, str] = {
    "makb": str(MAKB),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
}

#: IRI of the ontology itself; also the named graph it is loaded into.
ONTOLOGY_IRI = "https://w3id.org/makb/ontology"


def sparql_prefixes(names: list[str] | None = None) -> str:
    """Return ``PREFIX`` lines for the given prefixes (all by default)."""
    chosen = names or list(PREFIXES)
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in chosen)


__all__ = [
    "DCTERMS", "DEFAULT_BASE", "FOAF", "MAKB", "ONTOLOGY_IRI", "ORG", "OWL", "PREFIXES", "PROV",
    "RDF", "RDFS", "SCHEMA", "SH", "SKOS", "XSD", "sparql_prefixes",
]
