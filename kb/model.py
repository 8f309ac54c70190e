"""Typed records that every parser produces and ``kb.mapping`` consumes.

Records hold what a document says, as printed, plus the resolution of names to
organisation IRIs (``OrgRef``).  They know nothing of RDF.  ``to_json`` gives
the shape printed by ``makb extract --json``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["erc-page", "response-document", "mr-tracker", "board-response", "news"]


# --------------------------------------------------------------------------- common


@dataclass(frozen=True)
class OrgRef:
    """An organisation or unit a document names, resolved against the registry."""

    name: str                      #: as printed in the document
    iri: str                       #: registry IRI, or a minted one when unknown
    label: str                     #: canonical preferred label
    acronym: str | None = None
    known: bool = True             #: False when minted (not in the registry)
    #: un-agency | national-authority | ngo | intergovernmental | government | donor | unit | other
    org_type: str | None = None
    parent: str | None = None      #: IRI of the parent organisation, for units
    country: str | None = None     #: country name


@dataclass
class PersonRef:
    """A person a document names, with a post where one is printed."""

    name: str
    role: str | None = None             #: post title as printed ("Resident Representative")
    organisation: OrgRef | None = None  #: the unit or organisation the post is in
    email: str | None = None
    evidence: str | None = None
    start: int | None = None   #: news: offsets of the evidence sentence in the source text
    end: int | None = None


@dataclass
class Party:
    """One responsible party of a key action: a person, a unit or an organisation."""

    text: str                            #: the piece as printed ("UNITAR CWM", "PPME", "Nargizakhon Usmanova")
    kind: Literal["person", "unit", "organisation", "team"]
    person: PersonRef | None = None
    organisation: OrgRef | None = None   #: the unit/organisation named or implied


@dataclass
class Finding:
    """A data-quality finding: kept in the output and in the KB (queryable)."""

    code: str                  #: short stable code, e.g. "covers-count-mismatch"
    message: str
    line: int | None = None
    about: str | None = None   #: "recommendation 10", "key action 1.1", ...

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message}"


# --------------------------------------------------------------------------- management responses


@dataclass
class EvaluationRecord:
    title: str
    commissioning_unit: str | None = None
    evaluation_plan: str | None = None
    evaluation_type: str | None = None
    completion_date: str | None = None       #: YYYY-MM
    response_unit: str | None = None          #: "Unit Responsible for providing Management Response"
    country: str | None = None
    commissioning_org: OrgRef | None = None
    prepared_by: list[PersonRef] = field(default_factory=list)
    overall_comments: str | None = None


@dataclass
class ResponseRecord:
    acceptance: str | None = None   #: "Accepted" | "Partially accepted" | "Rejected" | None
    text: str | None = None
    added: str | None = None        #: YYYY-MM-DD
    updated: str | None = None      #: YYYY-MM-DD


@dataclass
class KeyActionRecord:
    number: str
    text: str
    responsible: list[str] = field(default_factory=list)   #: the parties' names as printed, split
    responsible_text: str | None = None                     #: the whole cell/line as printed
    parties: list[Party] = field(default_factory=list)
    due: str | None = None          #: YYYY-MM or YYYY-MM-DD
    due_text: str | None = None     #: as printed
    status: str | None = None       #: as printed ("No Longer Applicable")
    comment: str | None = None
    justification: bool = False     #: the comment was printed as [Justification: ...]
    added: str | None = None
    updated: str | None = None
    line: int | None = None
    truncated: bool = False         #: the page ended inside this action


@dataclass
class RecommendationRecord:
    number: str
    text: str
    covers: list[str] | None = None     #: ["9", ..., "17"] for "Recommendations 9-17"
    items: list[str] = field(default_factory=list)  #: bullet texts of a grouped entry
    addressee: str | None = None        #: as printed ("UNDP CO")
    addressee_org: OrgRef | None = None
    response: ResponseRecord | None = None
    key_actions: list[KeyActionRecord] = field(default_factory=list)
    line: int | None = None


@dataclass
class ManagementResponseDocument:
    source: str
    kind: Kind
    evaluation: EvaluationRecord
    recommendations: list[RecommendationRecord] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    organisations: list[OrgRef] = field(default_factory=list)   #: every organisation resolved, incl. minted
    partial: bool = False   #: the text ends mid-way (a "truncated" finding): what is there is kept

    def to_json(self) -> dict[str, Any]:
        return _jsonify(self)


# --------------------------------------------------------------------------- news


@dataclass
class PlaceRecord:
    name: str
    kind: Literal["country", "district", "region", "city", "site"] | None = None
    country: str | None = None
    evidence: str | None = None
    start: int | None = None   #: offsets of the evidence sentence in the source text
    end: int | None = None


@dataclass
class MoneyRecord:
    amount: float | int
    currency: str           #: ISO 4217 code
    what: str | None = None
    text: str | None = None     #: as printed ("136,000 USD")
    evidence: str | None = None
    start: int | None = None   #: offsets of the evidence sentence in the source text
    end: int | None = None


@dataclass
class CountRecord:
    value: int
    what: str
    approximate: bool = False
    direct: bool | None = None   #: True direct beneficiaries, False indirect, None unknown
    evidence: str | None = None
    start: int | None = None   #: offsets of the evidence sentence in the source text
    end: int | None = None


@dataclass
class AgreementRecord:
    type: str                       #: "Memorandum", "Memorandum of Understanding", "Agreement"...
    date: str | None = None
    parties: list[OrgRef] = field(default_factory=list)
    about: str | None = None        #: project title
    place: str | None = None        #: where it was signed, as printed
    evidence: str | None = None
    start: int | None = None   #: offsets of the evidence sentence in the source text
    end: int | None = None


@dataclass
class ProjectRecord:
    title: str
    phase: str | None = None
    budget: MoneyRecord | None = None
    funders: list[OrgRef] = field(default_factory=list)
    implementers: list[OrgRef] = field(default_factory=list)
    consortium: list[OrgRef] = field(default_factory=list)
    beneficiaries: list[CountRecord] = field(default_factory=list)
    places: list[PlaceRecord] = field(default_factory=list)
    #: role name ("funders", "implementers", "consortium", "budget", "places", "title") -> evidence sentence
    evidence: dict[str, str] = field(default_factory=dict)
    #: role name -> (start, end) offsets of its evidence sentence in the source text
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class PartnershipRecord:
    parties: list[OrgRef] = field(default_factory=list)
    since: str | None = None        #: YYYY
    evidence: str | None = None
    start: int | None = None   #: offsets of the evidence sentence in the source text
    end: int | None = None


@dataclass
class OrganisationMention:
    org: OrgRef
    evidence: str | None = None
    start: int | None = None   #: offsets of the evidence sentence in the source text
    end: int | None = None


@dataclass
class NewsDocument:
    source: str
    title: str
    kind: Kind = "news"
    date: str | None = None
    country: str | None = None
    organisations: list[OrganisationMention] = field(default_factory=list)
    people: list[PersonRef] = field(default_factory=list)
    places: list[PlaceRecord] = field(default_factory=list)
    money: list[MoneyRecord] = field(default_factory=list)
    counts: list[CountRecord] = field(default_factory=list)
    agreements: list[AgreementRecord] = field(default_factory=list)
    projects: list[ProjectRecord] = field(default_factory=list)
    partnerships: list[PartnershipRecord] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    date_text: str | None = None            #: the date as printed ("Jul 12, 2013")
    publisher: OrgRef | None = None         #: the publishing office, from page chrome ("You are at UNDP Azerbaijan")

    def to_json(self) -> dict[str, Any]:
        out = _jsonify(self)
        out["organisations"] = [
            {"name": m.org.label, "acronym": m.org.acronym, "iri": m.org.iri, "as_printed": m.org.name,
             "known": m.org.known, "type": m.org.org_type, "evidence": m.evidence, "start": m.start, "end": m.end}
            for m in self.organisations
        ]
        return out


Document = ManagementResponseDocument | NewsDocument


# --------------------------------------------------------------------------- json


def _jsonify(obj: Any) -> Any:
    """Plain JSON data from records: OrgRefs inside lists of parties become names."""
    if isinstance(obj, OrgRef):
        return obj.label
    if isinstance(obj, Finding):
        return str(obj)
    if isinstance(obj, PersonRef):
        return {"name": obj.name, "role": obj.role,
                "organisation": obj.organisation.label if obj.organisation else None,
                "email": obj.email, "evidence": obj.evidence, "start": obj.start, "end": obj.end}
    if isinstance(obj, Party):
        return {"name": obj.text, "kind": obj.kind,
                "person": obj.person.name if obj.person else None,
                "organisation": obj.organisation.label if obj.organisation else None,
                "iri": obj.organisation.iri if obj.organisation else None}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonify(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [_jsonify(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _jsonify(v) for k, v in obj.items()}
    return obj
