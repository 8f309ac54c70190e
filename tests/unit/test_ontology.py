"""The ontology and shapes: well-formed, documented, consistent with the code's tables."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kb.build import ONTOLOGY_FILE, SHAPES_FILE
from kb.namespaces import MAKB
from kb.registry import ORG_TYPES
from kb.vocab import ACCEPTANCES, STATUSES, acceptance_concept, status_concept


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    """The ontology, parsed once (read-only)."""
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def test_every_class_and_property_of_ours_has_label_and_comment(onto: rdflib.Graph) -> None:
    g = onto
    ours = [s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
            for s in g.subjects(RDF.type, t) if str(s).startswith(str(MAKB))]
    assert len(ours) > 60
    missing = [str(s) for s in ours if g.value(s, RDFS.label) is None or g.value(s, RDFS.comment) is None]
    assert missing == []


def test_reuses_w3c_vocabularies(onto: rdflib.Graph) -> None:
    g = onto
    assert (MAKB.Evaluation, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/prov#Activity")) in g
    assert (MAKB.Project, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/org#OrganizationalCollaboration")) in g
    assert (MAKB.acronym, RDFS.subPropertyOf, SKOS.altLabel) in g


def test_status_and_acceptance_tables_match_the_concept_schemes(onto: rdflib.Graph) -> None:
    g = onto
    in_scheme = {str(c) for c in g.subjects(SKOS.inScheme, MAKB.StatusScheme)}
    assert in_scheme == {str(MAKB[k]) for k in STATUSES}
    for key, (label, terminal) in STATUSES.items():
        assert str(g.value(MAKB[key], SKOS.prefLabel)) == label
        assert g.value(MAKB[key], MAKB.terminal).toPython() is terminal
    assert {str(c) for c in g.subjects(SKOS.inScheme, MAKB.AcceptanceScheme)} == {str(MAKB[k]) for k in ACCEPTANCES}
    assert {str(c) for c in g.subjects(SKOS.inScheme, MAKB.OrganisationTypeScheme)} == {str(MAKB[k]) for k in ORG_TYPES}


def test_printed_statuses_map_to_concepts() -> None:
    assert status_concept("No Longer Applicable") == str(MAKB.NoLongerApplicable)
    assert status_concept("Overdue-Initiated") == str(MAKB.OverdueInitiated)
    assert status_concept("not initiated") == str(MAKB.NotInitiated)
    assert status_concept(None) == str(MAKB.NotReported)
    assert status_concept("Something else") == str(MAKB.Unrecognised)
    assert acceptance_concept("Partially Accepted") == str(MAKB.PartiallyAccepted)
    assert acceptance_concept(None) == str(MAKB.AcceptanceNotReported)


def test_shapes_parse_and_target_what_analysts_rely_on() -> None:
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = {str(o) for o in shapes.objects(None, sh.targetClass)}
    assert {str(MAKB.KeyAction), str(MAKB.Recommendation), str(MAKB.DocumentGraph),
            "http://www.w3.org/ns/org#Organization"} <= targets
