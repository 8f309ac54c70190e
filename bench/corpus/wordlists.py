"""Word lists the corpus generator draws from: names, phrases and sentence parts of mine-action documents."""

from __future__ import annotations

#: countries that appear far more often than others in mine-action evaluations (must be in data/countries.tsv)
MINE_AFFECTED = (
    "Afghanistan", "Angola", "Azerbaijan", "Bosnia and Herzegovina", "Cambodia", "Colombia", "Croatia", "Iraq",
    "Lebanon", "Libya", "Mozambique", "Myanmar", "Somalia", "South Sudan", "Sri Lanka", "Sudan", "Tajikistan",
    "Ukraine", "Yemen", "Zimbabwe", "Chad", "Ethiopia", "Jordan", "Serbia", "Armenia", "Eritrea", "Mali",
)

FIRST_NAMES = (
    "Nargizakhon", "Olaf", "Monica", "Jorge", "Ruslan", "Aigerim", "Farrukh", "Amina", "Samuel", "Leila", "Tomas",
    "Nadia", "Ibrahim", "Sofia", "Daniel", "Mariam", "Kofi", "Elena", "Hassan", "Grace", "Vusi", "Thanh", "Sokha",
    "Bakhtiyor", "Zarina", "Ahmed", "Fatima", "Pierre", "Claire", "Mohammed", "Olena", "Dmytro", "Anil", "Priya",
    "Carlos", "Lucia", "Abdullah", "Sabina", "Rustam", "Dilnoza", "Jean", "Aisha", "Peter", "Ingrid", "Yusuf",
)
LAST_NAMES = (
    "Usmanova", "Juergensen", "Kapadia", "Ocana", "Ismayil-zada", "Karimov", "Rahimova", "Mensah", "Haddad",
    "Novak", "Petrenko", "Nguyen", "Chea", "Abdullaev", "Sharipova", "Okafor", "Lindqvist", "Fernandes", "Moreno",
    "Kowalski", "Said", "Hussaini", "Dlamini", "Banda", "Tesfaye", "Mwangi", "Rossi", "Dubois", "Schneider",
    "Hakimi", "Nazarov", "Aliyeva", "Perera", "Silva", "Ortega", "Qasimi", "Kuznetsova", "Bakirov", "Moyo",
)
ROLES = (
    "Programme Analyst", "Programme Specialist", "Project Manager", "Mine Action Advisor", "Team Leader",
    "Regional Development and Mine Action Specialist", "Deputy Resident Representative", "M&E Officer",
    "Programme Officer", "Chief Technical Advisor",
)
UNITS = (
    "UNDP CO", "Country Office", "Programme Unit", "Crisis Prevention and Recovery Unit", "Governance Unit",
    "Project Management Unit", "Resilience Unit", "Mine Action Unit",
)

EVALUATION_KINDS = ("Final evaluation", "Mid-term evaluation", "Terminal evaluation", "Outcome evaluation",
                    "Independent evaluation", "Mid-term review", "Final project evaluation")
EVALUATION_TYPES = ("Project", "Project", "Project", "Outcome", "Thematic", "Country Programme", "UNDAF", "GEF")
PROGRAMMES = (
    "Support to {c} Mine Action Programme", "{c} Mine Action Programme", "Mine Action and Recovery Project in {c}",
    "Humanitarian Demining and Land Release Project in {c}", "Mine Victim Assistance Project for {c}",
    "Capacity Development of the {c} National Mine Action Authority", "Explosive Remnants of War Clearance in {c}",
    "Mine Risk Education and Victim Assistance Programme in {c}", "Strengthening National Mine Action Capacity in {c}",
    "Livelihoods for Mine Survivors in {c}", "Residual Contamination Management Project in {c}",
)

REC_VERBS = (
    "Strengthen", "Develop", "Ensure", "Support", "Promote", "Establish", "Review", "Continue to improve",
    "Mobilize resources for", "Advocate for", "Facilitate", "Prioritize", "Institutionalize", "Expand",
    "Clarify", "Document", "Reinforce", "Integrate",
)
REC_OBJECTS = (
    "the national mine action strategy", "land release methodologies", "the quality management system",
    "information management and the IMSMA database", "victim assistance services", "explosive ordnance risk education",
    "gender and diversity mainstreaming", "the resource mobilization strategy", "capacity for residual contamination",
    "coordination with donors and partners", "non-technical survey procedures", "the exit strategy of the project",
    "monitoring and evaluation of results", "knowledge management practices", "the national mine action standards",
    "socio-economic reintegration of mine survivors", "community liaison activities", "handover to national staff",
    "the communications strategy", "the integration of mine action into development planning",
)
REC_PURPOSES = (
    "so that results are sustained after the project ends", "in line with the Article 5 deadline",
    "to support resource mobilization", "with the participation of local authorities",
    "to ensure that there is no conflict of interests", "as soon as possible",
    "before the next programming cycle", "in consultation with all mine action stakeholders",
    "and report on progress annually", "to maintain and improve operational standards",
)
REC_SECOND = (
    "This meeting should be arranged as soon as possible.", "Use existing strategies and assessments.",
    "Consider requesting regular reviews from an external party.",
    "Many of the existing assessments contain useful advice that is still relevant.",
    "Lessons learned should be documented and shared.", "The Government should lead this process.",
)
RESPONSES = (
    "The recommendation is accepted and will be implemented within available resources.",
    "UNDP agrees with the recommendation and will work with {a} on its implementation.",
    "The implementation of this recommendation requires mobilization of funding for mine action work by UNDP {c}, "
    "and will be implemented once/if funding is mobilized.",
    "The meeting will be arranged with {a} and counterparts in the coming months.",
    "Agreed. The Country Office will provide inputs and contributions to corporate level reporting on mine action.",
    "Partially accepted. Some elements are outside the scope of the current project.",
    "The mine action successes in {c} are being publicized globally.",
    "UNDP will continue to support {a} through existing advisory and policy support capacities.",
)
KA_TEXTS = (
    "Request the {a} to facilitate the organization of the meeting, and conduct the meeting on UNDP\u2019s support",
    "Develop concept notes to mobilize funding to provide the required support to {a}.",
    "Contribute into UNDP Global Report on Mine Action ({y})",
    "Provide inputs into SG\u2019s report on Mine Action",
    "Organize a workshop with {a} and partners on {o}.",
    "Recruit a consultant to review {o}.",
    "Prepare a roadmap for {o} with {a}.",
    "Share the evaluation report with {a} and donors.",
    "Include {o} in the next annual work plan.",
    "Conduct a training needs assessment for {a} staff.",
    "Update the project document to reflect {o}.",
    "Establish a working group on {o}.",
)
COMMENTS = {
    "Completed": ("the action completed", "Completed as planned.", "The report was submitted.", ""),
    "Initiated": ("Work is under way.", "Consultations started.", ""),
    "Not Initiated": ("the project ended", "Pending funding.", ""),
    "No Longer Applicable": ("[Justification: the project ended and UNDP didn\u2019t receive any request for support "
                             "from {a}]", "[Justification: funding was not mobilized]"),
    "Overdue": ("", "Delayed due to the security situation."),
    "Overdue-Initiated": ("Partially done; follow-up planned.", ""),
}
#: status -> weight, for key actions of ERC pages
STATUS_WEIGHTS = {"Completed": 40, "Initiated": 15, "Not Initiated": 12, "No Longer Applicable": 10,
                  "Overdue": 15, "Overdue-Initiated": 8}
BULLETS = (
    "Promote {c} as potentially mine free to support resource mobilization",
    "In consultation with stakeholders develop the national mine action strategy and a resource mobilization strategy.",
    "Develop a strategy to maintain capacity to deal with residual contamination.",
    "Focus on coordination and quality assurance and avoid implementation.",
    "Ensure that {a} has appropriate oversight for all risk education activities.",
    "Delegate responsibilities for risk education and victim assistance to other partners.",
    "Hold meetings for victim assistance in a place that is accessible to persons with disabilities.",
    "Work actively with partners including UNDP to mobilize resources and coordinate efforts to approach donors.",
    "Provide leadership and oversight for the implementation of the gender and diversity strategy.",
    "Continue to work closely together and share resources.",
    "Continue to improve land release methodologies.",
    "Maintain clear roles and responsibilities and transparent financial and administrative procedures.",
    "Ensure that quality assurance is maintained.",
    "Mainstream gender and diversity through the next national mine action strategy.",
)
TIME_FRAMES = ("By 30 March {y}", "By 30 September {y}", "By 30 June {y}", "Ongoing", "Unknown", "Done",
               "December {y}", "Q3 {y}", "End of {y}", "{y}/06")
ACCEPTANCES = ("Accepted", "Partially accepted", "Partially Accepted", "Accepted", "Rejected", "Fully accepted")

#: parts of generated organisation names: (words, acronym letters) built from these
ORG_ADJECTIVES = ("Humanitarian", "International", "Regional", "Community", "Global", "National", "Civil",
                  "Independent", "United", "Integrated", "Local", "Peace")
ORG_NOUNS = ("Demining", "Mine Clearance", "Mine Action", "Survivors", "Recovery", "Relief", "Development",
             "Rehabilitation", "Land Release", "Risk Education", "Victim Assistance", "Disarmament")
ORG_KINDS = ("Foundation", "Agency", "Trust", "Alliance", "Initiative", "Association", "Network", "Group",
             "Organization", "Centre", "Society", "Council")
DISTRICT_SYLLABLES = ("Agh", "ja", "be", "di", "Bey", "la", "gan", "Imi", "shli", "Saat", "li", "Bila", "su",
                      "var", "Kal", "an", "abad", "Nur", "ek", "Vakh", "dat", "Rash", "tal", "Dang", "ara")
PROJECT_TOPICS = (
    "Community Based Small Business Trainings and Micro-credit Revolving Fund for {c} Mine Survivors",
    "Humanitarian Demining in {c}", "Mine Risk Education for Schools in {c}",
    "Land Release and Livelihoods in {c}", "Victim Assistance and Inclusion in {c}",
    "Clearance of Explosive Remnants of War in {c}", "Capacity Building of the {c} Mine Action Centre",
)
AGREEMENTS = ("Memorandum", "Memorandum of Understanding", "Agreement", "Cooperation Agreement")
CURRENCIES = ("USD", "EUR", "USD", "USD", "GBP")
