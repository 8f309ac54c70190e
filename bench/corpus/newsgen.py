"""News releases for the synthetic corpus, written like the seed release (``data/documents/002_*.txt``)."""

from __future__ import annotations

import random
from typing import Any

from bench.corpus import wordlists as w
from bench.corpus.model import NBSP, Org

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th")


def _district(rng: random.Random) -> str:
    return "".join(rng.sample(w.DISTRICT_SYLLABLES, 2)).capitalize()


def _amount(rng: random.Random) -> tuple[int, str]:
    amount = rng.randint(20, 4000) * 1000
    return amount, f"{amount:,}"


def news_release(rng: random.Random, registry_orgs: list[Org], made: list[Org], authorities: dict[str, Org],
                 countries: list[str], keys: set[tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    """One news release about an agreement or a project between two or three organisations, and what it holds."""
    un = [o for o in registry_orgs if o.acronym in ("UNDP", "UNICEF", "UNMAS", "UNOPS", "IOM", "UNITAR")] \
        or registry_orgs
    while True:
        country = rng.choice(w.MINE_AFFECTED) if rng.random() < 0.8 else rng.choice(countries)
        a = rng.choice(un)
        b = authorities.get(country) if rng.random() < 0.5 else None
        b = b or rng.choice(made)
        year = rng.randint(2010, 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        date = f"{MONTHS[month - 1]} {day}, {year}"
        agreement = rng.choice(w.AGREEMENTS) if rng.random() < 0.6 else None
        title = (f"{a.acronym} and {b.acronym} signed {agreement}" if agreement
                 else f"{a.acronym} and {b.acronym} launch new project in {country}")
        if (title, date) not in keys:
            keys.add((title, date))
            break
    implementer = rng.choice([o for o in made if o not in (b,)] or made)
    project = rng.choice(w.PROJECT_TOPICS).format(c=country)
    phase = rng.randint(1, 5)
    survivors = rng.randint(2, 80) * 10
    family = survivors * rng.randint(3, 5)
    districts = [_district(rng) for _ in range(rng.randint(2, 4))]
    amount, printed = _amount(rng)
    currency = rng.choice(w.CURRENCIES)
    since = rng.randint(1995, year - 1)
    officer = f"{rng.choice(w.FIRST_NAMES)} {rng.choice(w.LAST_NAMES)}"
    head = f"{rng.choice(('Mr.', 'Ms.'))} {rng.choice(w.LAST_NAMES)}"
    lines = [title, "", date, "", f"{a.acronym} and {b.acronym} flags", ""]
    if agreement:
        lines.append(f"The {agreement} signing ceremony between {b.name} ({b.acronym}) {NBSP}and the {a.name} on "
                     f"the {ORDINALS[phase - 1]} phase of the \"{project} Project\" was held in the {b.acronym} "
                     "Headquarters.")
    else:
        lines.append(f"The {a.name} ({a.acronym}) and {b.name} ({b.acronym}) launched the {ORDINALS[phase - 1]} "
                     f"phase of the \"{project} Project\" in {country}.")
    lines += [
        "",
        f"Current phase of the joint project of {a.acronym} and {b.acronym} aims to expand existing mine action "
        f"capacity and provide assistance to mine victims. Socio-economic reintegration of mine survivors and their "
        f"families is an important part of any mine action project.",
        "",
        f"Within the framework of the project, it is expected that {survivors} mine survivors will directly benefit "
        f"from the project. As a result approximately {family} family members would also benefit, e.g. through "
        f"increased family income. The proposed project will be implemented in {len(districts) + 2} districts in "
        f"{country}, including but not limited to {', '.join(districts[:-1])} and {districts[-1]} districts.",
        "",
        f"The budget of the project is {printed} {currency}. The project will be co-funded by {a.acronym} and "
        f"{b.acronym}. The project will be implemented by {implementer.name} ({implementer.acronym}) in consortium "
        f"with local NGO {rng.choice(w.LAST_NAMES)}.",
        "",
        f"{'Signing the ' + agreement if agreement else 'At the launch'}, {head}, Resident Representative of "
        f"{a.acronym} in {country} appreciated {b.acronym} for the effective and longstanding partnership with "
        f"{a.acronym}, and expressed {a.acronym}\u2019s commitment to support future collaboration.",
        "",
        f"The partnership of {a.acronym} {country} with {b.name} dates back to {since}. This longstanding "
        "cooperation delivered significant results.",
        "",
        "Contact information",
        "",
        f"{officer}, Communications Officer. {officer.split()[0].lower()}.{officer.split()[-1].lower()}@example.org",
        "",
        f"{a.acronym}{NBSP} Around the world",
        "",
        f"You are at{NBSP} {a.acronym}{NBSP} {country}{NBSP} ",
        f"Go to{NBSP} {a.acronym} Global",
    ]
    info = {"kind": "news", "title": title, "date": f"{year}-{month:02d}-{day:02d}",
            "country": country, "parties": [a.acronym, b.acronym], "implementer": implementer.acronym,
            "agreement": agreement, "project": f"{project} Project", "budget": [amount, currency],
            "beneficiaries": survivors, "since": since}
    return "\n".join(lines), info
