"""Every layout of the management-response family, checked fact by fact against records written by hand.

Each fixture under ``tests/fixtures/{erc,response_doc,tracker,board}`` has its expected records below,
as a careful reader would write them: the evaluation header, each recommendation's number and text, the
response's acceptance, dates and text, each key action's number, text, responsible parties, due date
(value and text as printed), status, comment; and no recommendation the document does not have.
Texts are compared with whitespace collapsed (a cell that runs over two lines is one text).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.errors import UnknownDocumentKind
from kb.ingest import detect, parse_text, read
from kb.model import ManagementResponseDocument
from kb.registry import Registry, load_registry
from kb.vocab import status_for

FIXTURES = Path(__file__).parents[1] / "fixtures"


def ka(number: str, text: str, responsible: list[str] | None, due: str | None, due_text: str | None,
       status: str | None, comment: str | None = None, **more: Any) -> dict[str, Any]:
    return {"number": number, "text": text, "responsible": responsible or [], "due": due, "due_text": due_text,
            "status": status, "comment": comment, **more}


def rec(number: str, text: str, acceptance: str | None = None, response: str | None = None,
        added: str | None = None, updated: str | None = None, actions: list[dict[str, Any]] | None = None,
        **more: Any) -> dict[str, Any]:
    return {"number": number, "text": text,
            "response": {"acceptance": acceptance, "text": response, "added": added, "updated": updated},
            "key_actions": actions or [], **more}


EXPECTED: dict[str, dict[str, Any]] = {
    "erc/egypt_pipe_tables.txt": {
        "kind": "erc-page",
        "evaluation": {"title": "Final Evaluation of the Mine Risk Education and Victim Assistance Project in the "
                                "North-West Coast", "commissioning_unit": "Egypt", "evaluation_plan": "2018-2022",
                       "evaluation_type": "Project", "completion_date": "2020-03", "response_unit": "Egypt"},
        "recommendations": [
            rec("1", "Extend the risk education sessions to the schools of Matrouh governorate before the next "
                     "school year.", "Accepted", "The project will widen the sessions in its next phase.",
                "2020-05-04", "2021-01-20", [
                    ka("1.1", "Map the schools of Matrouh together with the education directorate", ["Project Team"],
                       "2020-09", "2020/09", "Completed", "The map was shared with the directorate in August 2020.",
                       added="2020-05-04"),
                    ka("1.2", "Train twenty teachers as risk education trainers", ["UNDP", "PMU"], "2021-06", "2021/06",
                       "Initiated", "Ten teachers were trained; the second group waits for the new school year.",
                       added="2020-05-04", updated="2021-01-20"),
                ], addressee="UNDP CO"),
            rec("2", "Publish the victim survey in Arabic and share it with the governorates.", "Partially accepted",
                "the summary of the survey will be translated, the full report will not.", "2020-05-04", None, [
                    ka("1", "Translate the survey summary into Arabic", ["Executive Secretariat", "UNDP"], "2020-12",
                       "2020/12", "Closed"),
                    ka("2", "Share the translated summary with the five governorates", ["Executive Secretariat"],
                       "2021-03", "2021/03", "Cancelled",
                       "the governorates received the summary through the ministry instead.", justification=True),
                ], addressee="UNDP CO"),
        ],
        "absent": ["truncated", "unrecognised-line", "missing-status"],
    },
    "erc/myanmar_preamble_no_title.txt": {
        "kind": "erc-page",
        "evaluation": {"title": "", "commissioning_unit": "Myanmar", "evaluation_plan": "2018-2022",
                       "evaluation_type": "Project", "completion_date": "2021-01", "response_unit": "Myanmar"},
        "recommendations": [
            rec("1", "Review the terms of reference of the technical working group on victim assistance and widen "
                     "its membership to survivor associations.", "Accepted",
                "The review will start once the new national strategy is adopted.", "2021-03-02", "2021-09-15", [
                    ka("1.1", "Add two survivor associations to the working group", ["Project Team"], "2021-06",
                       "2021/06", "Completed"),
                    ka("1.2", "Revise the terms of reference of the working group", ["Project Team"], "2021-12",
                       "2021/12", "Overdue-Initiated", "The draft is with the ministry."),
                ]),
            rec("2", "Put the mine action database on a server owned by the national authority.",
                "Partially accepted", "the server will be shared with the health ministry.", "2021-03-02", None, [
                    ka("a", "Buy the server and install the database", ["Olaf Juergensen"], "2021-10", "2021/10",
                       "Pending", "Waiting for the procurement committee",
                       person=("Olaf Juergensen", "Regional Development and Mine Action Specialist")),
                    ka("b", "Train two database officers", ["Country Office"], "2022-03", "2022/03", "Not Initiated"),
                ]),
            rec("3", "Keep a gender focal point in every survey team.", None,
                "Noted. Survey teams are hired by the implementing partners.", "2021-03-02", None, [
                    ka("1", "Ask the implementing partners to name a focal point", ["Programme Unit"], "2021-05",
                       "2021/05", "No Longer Applicable", "the partners already name one.", justification=True),
                ]),
            rec("4", "Plan the exit of the project with the national authority.", "Accepted", None, "2021-03-02",
                None, [
                    ka("1", "Draft an exit plan with the national authority", ["UNDP CO"], "2022-06", "2022/06",
                       "In progress", "The first draft was discussed in Novem", truncated=True),
                ]),
        ],
        "present": ["missing-title", "truncated"],
    },
    "erc/laos_template_in_field.txt": {
        "kind": "erc-page",
        "evaluation": {"title": "Terminal Evaluation of the Survivor Livelihood Grants Project",
                       "commissioning_unit": "Lao PDR", "evaluation_plan": "2017-2021", "evaluation_type": "Project",
                       "completion_date": "2019-06", "response_unit": "Lao PDR"},
        "recommendations": [
            rec("1", "Link the livelihood grants to the district agriculture offices so that survivors keep "
                     "receiving advice after the project ends.", "Accepted",
                "The project will sign letters of agreement with the district offices.", "2019-08-20", "2020-02-11", [
                    ka("1.1", "Sign letters of agreement with three district agriculture offices", ["Project Team"],
                       "2019-12", "2019/12", "Completed", "Letters signed in November 2019"),
                    ka("1.2", "Hold a joint review of the grants with the district offices", ["NRA", "Project Team"],
                       "2020-06", "2020/06", "Initiated"),
                ]),
            rec("2", "The project should publish its grant criteria in the Lao language.", "Accepted",
                "the criteria will be printed and posted in the district offices.", "2019-08-20", None, [
                    ka("1", "Print and post the grant criteria in every district office", ["Project Team"], None,
                       "No due date", "Ongoing", "Posted in two of the three districts so far",
                       added="2019-08-20", updated="2020-02-11"),
                ]),
        ],
        "absent": ["truncated", "bad-date"],
    },
    "erc/bosnia_cut_in_table.txt": {
        "kind": "erc-page",
        "evaluation": {"title": "Mid-term Review of the Mine Action Governance Project",
                       "commissioning_unit": "Bosnia and Herzegovina", "evaluation_plan": "2015-2019",
                       "evaluation_type": "Project", "completion_date": "2017-09",
                       "response_unit": "Bosnia and Herzegovina"},
        "recommendations": [
            rec("1", "The project should publish the land release figures of each canton every quarter.", "Accepted",
                None, "2017-11-20", "2018-06-04", [
                    ka("1", "Agree a quarterly reporting format with the mine action centre and the cantons, and "
                            "publish the first report on the project website.", ["Project Manager"], "2018-03",
                       "2018/03", "Completed", "The first quarterly report went online in March 2018.",
                       added="2017-11-20", updated="2018-06-04"),
                ]),
            rec("2", "The project should train cantonal civil protection staff in non-technical survey.",
                "Partially accepted", "as the cantons have few staff to release.", "2017-11-20", None, [
                    ka("1", "Run two survey courses for the cantonal civil protection staff of Una-Sana and Tuzla, "
                            "with the mine action centre as the tra", None, None, None, None, truncated=True),
                ]),
        ],
        "present": ["truncated"],
        "partial": True,
    },
    "erc/pacific_inline_cut_heading.txt": {
        "kind": "erc-page",
        "evaluation": {"title": "Joint Evaluation of the Pacific Explosive Ordnance Disposal Programme",
                       "commissioning_unit": "Fiji", "evaluation_plan": "2014-2018", "evaluation_type": "Programme",
                       "completion_date": "2016-08", "response_unit": "Fiji"},
        "recommendations": [
            rec("1", "The programme should map the remaining wartime ordnance sites on the outer islands?", "Accepted",
                "a survey of the outer islands fits the next programme cycle", "2016-10-03", "2016-11-21", [
                    ka("1", "Include an outer-island survey in the next programme document",
                       ["Programme partners", "EOD working group"], None, "No due date", "No deadline established",
                       "Depends on the next funding round", added="2016-10-03", updated="2016-12-02"),
                ]),
            rec("2", "The programme should agree one disposal procedure with the police of each island state.",
                "Partially accepted", "as two police services already share a procedure.", "2016-10-03", None),
        ],
        "present": ["truncated"],
        "partial": True,
    },
    "erc/tajikistan_tab_cells.txt": {
        "kind": "erc-page",
        "evaluation": {"title": "Final evaluation of the Mine Action Project", "commissioning_unit": "Tajikistan",
                       "evaluation_plan": "2016-2020"},
        "recommendations": [
            rec("1", "Do it.", "Accepted", None, "2020-01-11", None, [
                ka("1.1", "Hold a workshop", ["UNDP CO"], "2020-06", "2020/06", "Completed", "Held in May",
                   added="2020-01-11"),
                ka("1.2", "Write a report", ["TNMAC"], "2020-09", "2020/09", "Half done", "draft ready",
                   added="2020-01-11"),
            ]),
        ],
        "present": ["unrecognised-status"],
        "absent": ["truncated", "missing-status"],
    },
    "response_doc/tajikistan_bold_tags.txt": {
        "kind": "response-document",
        "evaluation": {"title": "Mid-term Review of the Integrated Mine Action Programme in Tajikistan",
                       "overall_comments": "The review is useful for planning the next phase."},
        "prepared_by": [("Firuza Nazarova", "Programme Analyst"), ("Aziz Karimov", "Head of Programme Unit")],
        "recommendations": [
            rec("1", "Move the victim assistance database into the national health information system.",
                "Accepted", "the ministry has asked for the same change.", actions=[
                    ka("1.1", "Agree the data fields with the Ministry of Health", ["TNMAC", "Ministry of Health"],
                       "2020-03-30", "By 30 March 2020", "Completed", "Fields agreed in February"),
                    ka("1.2", "Digitise the paper records of the 2009 and 2010 surveys", ["Project Team"], "2010",
                       "2009 2010", "Done"),
                    ka("1.3", "Link the two databases", ["TNMAC", "Project Team"], "2021-09", "Q3 2021", "Ongoing",
                       "Testing in two districts"),
                ]),
            rec("2", "Publish an annual report on victim assistance.", "Partially accepted",
                "a report will be published every two years.", actions=[
                    ka("2.1", "Publish the first biennial report", ["TNMAC"], "2021-12", "December 2021",
                       "Not Initiated"),
                ]),
            rec("3", "Close the regional office in Khatlon.", "Rejected",
                "the office still supports clearance in the south."),
        ],
    },
    "response_doc/azerbaijan_pipe_table.txt": {
        "kind": "response-document",
        "evaluation": {"title": "Final Evaluation of the Humanitarian Demining Project in Azerbaijan"},
        "prepared_by": [("Leyla Aliyeva", "Programme Associate")],
        "recommendations": [
            rec("1", "Keep the mechanical demining teams in the Fuzuli district.", "Accepted",
                "The teams will stay until 2022.", actions=[
                    ka("1.1", "Renew the equipment lease", ["ANAMA"], "2021-06", "June 2021", "Completed",
                       "Lease renewed"),
                    ka("1.2", "Recruit two more operators", ["ANAMA", "UNDP"], "2021-12", "end of 2021", "Initiated"),
                ]),
            rec("2", "Share the land release data with the ministry of agriculture.", None, "Noted."),
        ],
    },
    "response_doc/tajikistan_cut_in_row.txt": {
        "kind": "response-document",
        "evaluation": {"title": "Mid-term Review of the Integrated Mine Action Programme in Tajikistan"},
        "recommendations": [
            rec("1", "Move the victim assistance database into the national health information system.",
                "Accepted", "the ministry has asked for the same change.", actions=[
                    ka("1.1", "Agree the data fields with the Ministry of Health", ["TNMAC", "Ministry of Health"],
                       "2020-03-30", "By 30 March 2020", "Completed", "Fields agreed in February"),
                    ka("1.2", "Digitise the paper records of the 2009 and 2010 surveys", ["Project Team"], "2010",
                       "2009 2010", "Done"),
                    ka("1.3", "Link the two databases", ["TNMAC with sup"], "2021-09", "Q3 2021", None,
                       truncated=True),
                ]),
        ],
        "present": ["truncated"],
        "partial": True,
    },
    "tracker/unit_tracker.txt": {
        "kind": "mr-tracker",
        "evaluation": {"title": "Evaluation of the Mine Action Capacity Development Programme in Iraq",
                       "commissioning_unit": "Country Office Iraq", "evaluation_plan": "2010-2014", "country": "Iraq"},
        "recommendations": [
            rec("1", "Hand the coordination of clearance tasking over to the Directorate of Mine Action by the end of "
                     "the programme.", "Accepted", "The handover will be phased over two years.", actions=[
                         ka("1.1", "Agree a handover plan with the Directorate of Mine Action", ["Country Office"],
                            "2011-12", "12/2011", "Completed", "Plan signed by both parties"),
                         ka("1.2", "Second two tasking officers to the Directorate", ["Programme Unit"], "2012-06",
                            "06/2012", "Over due", "The officers are recruited but not yet seconded"),
                     ]),
            rec("2", "Publish quarterly clearance figures for each governorate.", "Partially accepted",
                "Figures will be published twice a year.", actions=[
                    ka("2.1", "Publish the first half-year report", ["M&E Unit"], "2012-03", "03/2012", "Ongoing"),
                ]),
            rec("3", "Move the programme office to Basra.", "Rejected", "Security rules keep the office in Baghdad."),
        ],
        "absent": ["truncated"],
    },
    "tracker/agency_tracker_nbsp.txt": {
        "kind": "mr-tracker",
        "evaluation": {"title": "Evaluation of the Explosive Ordnance Risk Education Programme in Lebanon and Jordan",
                       "commissioning_unit": "Regional Office for Arab States", "evaluation_plan": "2016-2019"},
        "recommendations": [
            rec("1", "Use the same risk education messages in both countries.", None,
                "The office takes note of the recommendation and will discuss it with the national authorities.",
                actions=[
                    ka("1.1", "Hold a joint workshop of the two national authorities",
                       ["Regional Adviser", "Regional Office"], "2017-09", "09/2017", "Completed",
                       "Workshop held in Amman"),
                    ka("1.2", "Print a common set of leaflets", ["Country Offices"], "2017-12", "12/2017", "Pending",
                       "Awaiting a decision of the Lebanon authority"),
                ]),
            rec("2", "Measure what children remember one year after a session.", "Accepted", None, actions=[
                ka("2.1", "Design a follow-up survey", ["M&E Specialist"], "2018-06", "06/2018", "Delayed",
                   "The consultant started late"),
            ]),
        ],
        "absent": ["truncated"],
    },
    "tracker/gate_style_one_line_actions.txt": {
        "kind": "mr-tracker",
        "evaluation": {"title": "Final Evaluation of the Women in Explosive Ordnance Risk Education Project",
                       "commissioning_unit": "Country Office Iraq", "evaluation_plan": "2017 - 2019",
                       "overall_comments": "The office welcomes the evaluation and its findings on the role of women "
                                           "trainers. Most recommendations are accepted and an action plan has been "
                                           "agreed with the partners."},
        "recommendations": [
            rec("1", "Recruit more women as risk education trainers in the governorates of Anbar and Nineveh.",
                "Accepted", "The office agrees with this recommendation. Recruitment will go through the two partner "
                            "NGOs.", actions=[
                                ka("1.1", "Agree recruitment targets with the partner NGOs.", ["Programme Specialist"],
                                   "2018-03", "2018/03", "Completed", "Targets agreed for both governorates."),
                                ka("1.2", "Train the newly recruited women trainers.", ["Partner NGOs"], "2018-09",
                                   "2018/09", "Over due", "The second course was postponed twice"),
                            ]),
            rec("2", "Publish the training material in Kurdish.", None,
                "The office takes note of the recommendation; translation depends on funding.", actions=[
                    ka("2.1", "Seek funding for the translation of the material.", ["Country Representative"],
                       "2019-06", "2019/06", "Not started"),
                    ka("2.2", "Share the Arabic material with the Kurdistan authority.", ["Programme Specialist"],
                       "2018-12", "2018/12", None, "Comp", truncated=True),
                ]),
        ],
        "present": ["truncated"],
        "partial": True,
    },
    "board/mine_action_prose.txt": {
        "kind": "board-response",
        "evaluation": {"title": "Evaluation of the UNDP contribution to mine action"},
        "overall_starts": "UNDP welcomes the evaluation of its contribution to mine action",
        "recommendations": [
            rec("1", "UNDP should prepare a mine action strategy that links land release to development results.",
                "Accepted", "UNDP agrees with this recommendation. A strategy note will be prepared by the Crisis "
                            "Bureau by the end of 2016."),
            rec("2", "UNDP should keep a small team of mine action specialists at headquarters.",
                "Partially accepted", "UNDP partially agrees with this recommendation. The specialists will sit in a "
                                      "regional hub rather than at headquarters."),
            rec("3", "UNDP should hand over its national capacity programmes as soon as the national authorities can "
                     "run them.", None, "UNDP takes note of the recommendation. The timing of each handover depends "
                                        "on the government concerned."),
        ],
    },
    "board/iraq_table.txt": {
        "kind": "board-response",
        "evaluation": {"title": "Evaluation of UNDP support to explosive hazard management in Iraq"},
        "overall_starts": "The evaluation looked at the explosive hazard management project from 2015 to 2018.",
        "recommendations": [
            rec("1", "UNDP should agree a transition plan with the Directorate of Mine Action.", "Accepted",
                "The plan will be drafted with the Government.", actions=[
                    ka("1.1", "Draft the transition plan with the Directorate of Mine Action", ["UNDP Iraq", "PMU"],
                       "2019-12", "December 2019", "Initiated", "First draft shared"),
                    ka("1.2", "Present the plan to the donors", ["Regional Bureau for Arab States"], "2020-06",
                       "Q2 2020", "Not Initiated"),
                ]),
            rec("2", "UNDP should stop direct clearance work in Mosul.", "Rejected",
                "Clearance in Mosul remains a request of the Government."),
        ],
    },
    "board/balkans_flattened.txt": {
        "kind": "board-response",
        "evaluation": {"title": "Evaluation of UNDP support to land release in the Western Balkans"},
        "overall_starts": "UNDP thanks the Independent Evaluation Office for a clear and useful evaluation.",
        "recommendations": [
            rec("1", "UNDP should close its direct support to the mine action centres by 2018.", "Accepted",
                "UNDP agrees with this recommendation and will plan the exit with each centre."),
            rec("2", "UNDP should help the centres raise funds from national budgets.", "Partially accepted",
                "UNDP partially agrees. Budget advice will be given where governments ask for it."),
        ],
        "absent": ["truncated"],
        "partial": False,
    },
    "board/cambodia_vertical_table.txt": {
        "kind": "board-response",
        "evaluation": {"title": "Evaluation of UNDP support to mine action in Cambodia"},
        "overall_starts": "Management welcomes the evaluation.",
        "recommendations": [
            rec("1", "UNDP should strengthen the national authority's information system.", "Accepted",
                "UNDP agrees with this recommendation and will fund a database upgrade.", actions=[
                    ka("1.1", "Upgrade the national mine action database", ["UNDP Cambodia"], "2018-12",
                       "December 2018", "Initiated"),
                    ka("1.2", "Train the database staff", ["CMAA"], "2019-06", "June 2019", "Not initiated"),
                ]),
            rec("2", "UNDP should phase out its direct clearance funding.", "Partially accepted",
                "Funding will end in 2020."),
        ],
    },
    "board/cut_before_recommendations.txt": {
        "kind": "board-response",
        "evaluation": {"title": "Evaluation of UNDP support to mine action in South-East Asia"},
        "overall_starts": "This document gives the response of UNDP management",
        "recommendations": [],
        "present": ["truncated", "no-recommendations"],
        "partial": True,
    },
}


def _norm(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def facts(name: str, doc: ManagementResponseDocument) -> Iterator[tuple[str, Any, Any]]:
    """(what, expected, found) for every hand-checked fact of one fixture."""
    exp = EXPECTED[name]
    yield "kind", exp["kind"], doc.kind
    if "partial" in exp:
        yield "partial", exp["partial"], doc.partial
    for key, value in exp["evaluation"].items():
        yield f"evaluation.{key}", value, getattr(doc.evaluation, key)
    if "overall_starts" in exp:
        overall = doc.evaluation.overall_comments or ""
        yield "evaluation.overall_comments", exp["overall_starts"], overall[:len(exp["overall_starts"])]
    for k, (name_, role) in enumerate(exp.get("prepared_by", [])):
        found = doc.evaluation.prepared_by[k] if k < len(doc.evaluation.prepared_by) else None
        yield f"prepared_by[{k}]", (name_, role), (found.name, found.role) if found else None
    yield "recommendation numbers", [r["number"] for r in exp["recommendations"]], \
        [r.number for r in doc.recommendations]
    found_recs = {r.number: r for r in doc.recommendations}
    for r in exp["recommendations"]:
        got = found_recs.get(r["number"])
        where = f"recommendation {r['number']}"
        yield f"{where} text", r["text"], _norm(got.text) if got else None
        if "addressee" in r:
            yield f"{where} addressee", r["addressee"], got.addressee if got else None
        resp = got.response if got else None
        for key, value in r["response"].items():
            yield f"{where} response {key}", _norm(value), _norm(getattr(resp, key)) if resp else None
        yield f"{where} key action numbers", [a["number"] for a in r["key_actions"]], \
            [a.number for a in got.key_actions] if got else None
        actions = {a.number: a for a in got.key_actions} if got else {}
        for a in r["key_actions"]:
            found = actions.get(a["number"])
            for key, value in a.items():
                if key == "number":
                    continue
                if key == "person":
                    person = next((p.person for p in found.parties if p.person), None) if found else None
                    yield f"key action {a['number']} person", value, (person.name, person.role) if person else None
                    continue
                actual = getattr(found, key) if found else None
                yield f"key action {a['number']} {key}", _norm(value), _norm(actual)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry()


def _parse(name: str, reg: Registry) -> ManagementResponseDocument:
    src = read(FIXTURES / name)
    doc = parse_text(src.text, name, reg)
    assert isinstance(doc, ManagementResponseDocument)
    return doc


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_gives_the_records_a_careful_reader_writes(name: str, reg: Registry) -> None:
    doc = _parse(name, reg)
    wrong = [(what, exp, got) for what, exp, got in facts(name, doc) if exp != got]
    assert wrong == []
    codes = {w.code for w in doc.warnings}
    assert set(EXPECTED[name].get("present", [])) <= codes
    assert not set(EXPECTED[name].get("absent", [])) & codes


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_kind_detection_recognises_every_layout(name: str) -> None:
    assert detect(read(FIXTURES / name).text, name) == EXPECTED[name]["kind"]


def test_statuses_of_every_layout_are_in_the_table(reg: Registry) -> None:
    for name in EXPECTED:
        if "unrecognised-status" in EXPECTED[name].get("present", []):
            continue
        for r in _parse(name, reg).recommendations:
            for a in r.key_actions:
                assert a.status is None or status_for(a.status).key != "Unrecognised", (name, a.status)
    assert status_for("Over due").key == "Overdue" and status_for("Closed").terminal


def test_responsible_parties_are_split_and_resolved(reg: Registry) -> None:
    egypt = _parse("erc/egypt_pipe_tables.txt", reg)
    undp_pmu = egypt.recommendations[0].key_actions[1].parties
    assert [(p.text, p.kind) for p in undp_pmu] == [("UNDP", "organisation"), ("PMU", "organisation")]
    assert undp_pmu[0].organisation is not None and undp_pmu[0].organisation.iri.endswith("org/undp")
    team = egypt.recommendations[0].key_actions[0].parties[0]
    assert egypt.evaluation.commissioning_org is not None and team.organisation is not None
    assert team.kind == "team" and team.organisation.iri == egypt.evaluation.commissioning_org.iri
    myanmar = _parse("erc/myanmar_preamble_no_title.txt", reg)
    person = myanmar.recommendations[1].key_actions[0].parties[0]
    assert person.kind == "person" and person.person is not None
    assert person.person.organisation is not None and "Crisis Bureau" in person.person.organisation.label


def test_an_unrecognised_document_still_names_the_file() -> None:
    with pytest.raises(UnknownDocumentKind) as err:
        detect("Minutes of the staff picnic\nWe ate sandwiches.\n", "picnic.txt")
    assert "picnic.txt" in str(err.value)


def score(reg: Registry) -> tuple[int, int]:
    """(facts right, facts checked) over every fixture: the figure reported for the parsers."""
    right = total = 0
    for name in EXPECTED:
        for _what, exp, got in facts(name, _parse(name, reg)):
            total += 1
            right += exp == got
    return right, total
