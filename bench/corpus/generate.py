"""A deterministic synthetic corpus in the three real input formats, for benchmarks at scale.

``python -m bench.corpus.generate --evaluations N --seed S --out DIR`` writes

- ``DIR/documents/``: one text file per document: ERC management-response pages
  (about four in five evaluations), management-response documents (the others) and news
  releases (one per five evaluations), mimicking the seeds in ``data/documents``;
- ``DIR/manifest.json``: what each document holds (recommendation entries, key actions,
  truncation, grouped entries; for news: parties, agreement, budget), so tests can check
  that the parsers recover it.

The same (N, seed) always gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.corpus import wordlists as w
from bench.corpus.model import NBSP, Evaluation, Org
from bench.corpus.newsgen import news_release
from kb.registry import load_registry

#: where a corpus is written when no directory is given (ignored by git)
CORPUS_ROOT = Path(__file__).resolve().parent.parent / ".corpus"
#: bumped whenever the output changes, so that stale corpora are regenerated
GENERATOR_VERSION = 2
#: share of evaluations published as ERC pages (the rest are management-response documents)
ERC_SHARE = 0.78
#: one news release per this many evaluations
EVALUATIONS_PER_NEWS = 5
TRUNCATED_SHARE = 0.03
GROUPED_SHARE = 0.05
FIRST_YEAR, LAST_YEAR = 2010, 2026
#: key-action count 0..5 per recommendation -> weight
KA_WEIGHTS = (18, 30, 24, 14, 9, 5)


@dataclass
class Page:
    """Lines of one document, with where recommendation entries and key actions start."""

    lines: list[str] = field(default_factory=list)
    recs: list[int] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    cuttable: list[int] = field(default_factory=list)

    def add(self, *lines: str, mark: str | None = None, cuttable: bool = False) -> None:
        """Append lines; ``mark`` and ``cuttable`` apply to the first of them."""
        if mark == "rec":
            self.recs.append(len(self.lines))
        elif mark == "ka":
            self.actions.append(len(self.lines))
        if cuttable:
            self.cuttable.append(len(self.lines))
        self.lines.extend(lines)


# ---------------------------------------------------------------------------------------------- names


def _countries() -> list[str]:
    names = sorted(load_registry().country_codes)
    return names


def _registry_orgs() -> list[Org]:
    reg = load_registry()
    return [Org(e.label, e.acronym, registry=True) for e in reg.entries.values()
            if e.acronym and e.parent is None and e.org_type != "unit"]


def generated_orgs(rng: random.Random, count: int, taken: set[str]) -> list[Org]:
    """``count`` organisations with distinct names and acronyms (initials of their words)."""
    out: list[Org] = []
    names: set[str] = set()
    attempts = 0
    while len(out) < count and attempts < count * 50:
        attempts += 1
        name = f"{rng.choice(w.ORG_ADJECTIVES)} {rng.choice(w.ORG_NOUNS)} {rng.choice(w.ORG_KINDS)}"
        if rng.random() < 0.3:
            name += f" for {rng.choice(w.MINE_AFFECTED)}"
        acronym = "".join(word[0] for word in name.split() if word[0].isupper())
        if name in names or acronym in taken or len(acronym) < 3:
            continue
        names.add(name)
        taken.add(acronym)
        out.append(Org(name, acronym))
    return out


def national_authority(country: str, taken: dict[str, Org], used: set[str]) -> Org:
    """The national mine-action authority of a country: a registry one where known, else made up
    with an acronym no other organisation has (``used``)."""
    if country in taken:
        return taken[country]
    words = country.replace("-", " ").split()
    kinds = [("National Mine Action Centre", "NMAC"), ("National Mine Action Authority", "NMAA"),
             ("Mine Action Agency", "MAA")]
    name, suffix = kinds[sum(map(ord, country)) % len(kinds)]
    candidates = ["".join(p[0] for p in words if p[0].isupper()) + suffix]
    candidates += [country.replace(" ", "")[:k].upper() + suffix for k in range(2, len(country) + 1)]
    acronym = next((a for a in candidates if a not in used), candidates[-1])
    used.add(acronym)
    org = Org(f"{country} {name}", acronym)
    taken[country] = org
    return org


def person(rng: random.Random) -> str:
    return f"{rng.choice(w.FIRST_NAMES)} {rng.choice(w.LAST_NAMES)}"


def _ym(year: int, month: int) -> tuple[int, int]:
    year += (month - 1) // 12
    return year, (month - 1) % 12 + 1


# ---------------------------------------------------------------------------------------------- evaluations


def evaluation(rng: random.Random, serial: int, countries: list[str], authorities: dict[str, Org],
               partners: list[Org], used: set[str]) -> Evaluation:
    country = rng.choice(w.MINE_AFFECTED) if rng.random() < 0.7 else rng.choice(countries)
    programme = rng.choice(w.PROGRAMMES).format(c=country)
    title = f"{rng.choice(w.EVALUATION_KINDS)} of the {programme} (Award {serial:08d})"
    people = [person(rng) for _ in range(rng.randint(1, 3))]
    return Evaluation(serial, country, title, national_authority(country, authorities, used), rng.choice(partners),
                      rng.randint(FIRST_YEAR, 2024), people)


def rec_text(rng: random.Random, ev: Evaluation, first: bool) -> str:
    a = ev.authority
    who = f"{a.name} ({a.acronym}, the government body in charge of mine action coordination)" if first \
        else rng.choice([a.acronym, ev.partner.acronym, "UNDP", "the Government"])
    text = f"{rng.choice(w.REC_VERBS)} {rng.choice(w.REC_OBJECTS)} with {who} {rng.choice(w.REC_PURPOSES)}."
    if rng.random() < 0.4:
        text += " " + rng.choice(w.REC_SECOND)
    return text


def responsible(rng: random.Random, ev: Evaluation) -> str:
    r = rng.random()
    if r < 0.6:
        return rng.choice(ev.people)
    if r < 0.75:
        return f"{rng.choice(ev.people)}, {rng.choice(w.ROLES)}, {rng.choice(w.UNITS)}"
    if r < 0.9:
        return rng.choice(w.UNITS[:2])
    return ev.authority.acronym or "UNDP CO"


def status_for(rng: random.Random, due: tuple[int, int]) -> str:
    if due >= (2026, 1):
        return rng.choice(("Initiated", "Not Initiated", "Initiated"))
    names = list(w.STATUS_WEIGHTS)
    return rng.choices(names, weights=[w.STATUS_WEIGHTS[n] for n in names])[0]


def erc_page(rng: random.Random, ev: Evaluation, truncate: bool, grouped: bool) -> tuple[str, dict[str, Any]]:
    """The text of an ERC management-response page, and what it holds."""
    p = Page()
    unit = ev.country
    completed = rng.randint(1, 12)
    plan_start = rng.choice((2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022))
    p.add("Success message", "error message", "warn message", ev.title, f"Commissioning Unit: {unit}",
          f"Evaluation Plan: {plan_start}-{plan_start + rng.choice((4, 4, 5))}",
          f"Evaluation Type: {rng.choice(w.EVALUATION_TYPES)}", f"Completion Date: {completed:02d}/{ev.year}",
          f"Unit Responsible for providing Management Response: {unit}",
          "Documents Related to overall Management Response:", f"{NBSP} ")
    n_recs = round(rng.triangular(3, 15, 5))
    n_group = (1 if rng.random() < 0.6 else 2) if grouped else 0
    n_single = max(1, n_recs - n_group)
    added = _ym(ev.year, completed + rng.randint(1, 6))
    label = 0
    for k in range(1, n_single + n_group + 1):
        p.add(f"{k}. Recommendation:", "", mark="rec")
        is_group = k > n_single
        addressee = "UNDP CO" if rng.random() < 0.65 or (not is_group and k == 1) else rng.choice(
            (ev.authority.acronym, f"the {ev.country} Mine Action Sector", f"UNDP CO and {ev.authority.acronym}"))
        p.add(f"For {addressee}", "")
        day = rng.randint(1, 28)
        stamp = f"[Added: {added[0]}/{added[1]:02d}/{day:02d}] [Last Updated: {added[0]}/{added[1]:02d}/28]"
        if is_group:
            n_items = rng.randint(4, 10)
            first_label = label + 1
            label += n_items
            tail = rng.choice((":", f"{NBSP} ", ""))
            p.add(f"Recommendations {first_label}-{label}{tail}", "", cuttable=True)
            for j, item in enumerate(rng.sample(w.BULLETS, n_items)):
                bullet = f"{NBSP} \u2022 " if j == 0 else "\u2022 "
                p.add(bullet + item.format(c=ev.country, a=ev.authority.acronym), "", cuttable=True)
        else:
            label += 1
            word = "Recommendaiton" if rng.random() < 0.02 else "Recommendation"
            sep = NBSP if rng.random() < 0.1 else " "
            p.add(f"{word}{sep}{label}. {rec_text(rng, ev, k == 1)}", "", cuttable=True)
        p.add(f"Management Response: {stamp}", "")
        if rng.random() < 0.85:
            resp = rng.choice(w.RESPONSES).format(a=ev.authority.acronym, c=ev.country)
            p.add(resp, "", cuttable=True)
        p.add("Key Actions:", "")
        n_ka = 0 if is_group and rng.random() < 0.8 else rng.choices(range(6), weights=KA_WEIGHTS)[0]
        if n_ka:
            p.add("Key Action Responsible DueDate Status Comments Documents")
        for j in range(1, n_ka + 1):
            text = rng.choice(w.KA_TEXTS).format(a=ev.authority.acronym, o=rng.choice(w.REC_OBJECTS),
                                                 y=f"{ev.year}-{(ev.year + 1) % 100:02d}")
            p.add(f"{j}. {text}", mark="ka", cuttable=True)
            ka_added = _ym(added[0], added[1] + rng.randint(0, 2))
            due = _ym(ka_added[0], ka_added[1] + rng.randint(1, 24))
            due = min(due, (LAST_YEAR, 12))
            upd = min(_ym(due[0], due[1] + rng.randint(-3, 6)), (2026, 1))
            upd = max(upd, ka_added)
            ka_day = rng.randint(1, 28)
            upd_day = rng.randint(ka_day, 28) if upd == ka_added else rng.randint(1, 28)
            p.add(f"[Added: {ka_added[0]}/{ka_added[1]:02d}/{ka_day:02d}] "
                  f"[Last Updated: {upd[0]}/{upd[1]:02d}/{upd_day:02d}]")
            status = status_for(rng, due)
            comment = rng.choice(w.COMMENTS[status]).format(a=ev.authority.acronym)
            details = f"{responsible(rng, ev)} {due[0]}/{due[1]:02d} {status}" + (f" {comment}" if comment else "")
            if comment.startswith("[Justification"):
                p.add(details, "History", cuttable=True)
            else:
                p.add(f"{details} History", cuttable=True)
    cut_at = None
    if truncate and p.cuttable:
        cut_at = rng.choice(p.cuttable[len(p.cuttable) // 3:] or p.cuttable)
        line = p.lines[cut_at]
        keep = max(14, int(len(line) * rng.uniform(0.4, 0.9)))
        p.lines = [*p.lines[:cut_at], line[:keep].rstrip()]
        text = "\n".join(p.lines)
    else:
        p.add("Latest Evaluations", "", "Contact us", "", "1 UN Plaza", "DC1-20th Floor", "New York, NY 10017",
              "Tel. +1 646 781 4200", "Fax. +1 646 781 4213", "erc.support@undp.org")
        text = "\n".join(p.lines)
    last = cut_at if cut_at is not None else len(p.lines)
    info = {"kind": "erc-page", "title": ev.title, "country": ev.country,
            "recommendations": sum(1 for i in p.recs if i <= last),
            "key_actions": sum(1 for i in p.actions if i <= last),
            "truncated": cut_at is not None, "grouped": n_group > 0}
    return text, info


def response_document(rng: random.Random, ev: Evaluation) -> tuple[str, dict[str, Any]]:
    """The text of a management-response document (Word converted to text), and what it holds."""
    org = ev.partner
    html = rng.random() < 0.4
    other = person(rng)
    lines = ["", "", f"**Management Response \u201c{ev.title}\u201d**", "",
             f"Prepared by: {ev.people[0]}  ", f" Input by UNDP: {other}", "",
             f"Position: {rng.choice(w.ROLES)}  ", f" Position: {rng.choice(w.ROLES)}", "",
             f"Unit/Bureau: Programme Unit, {org.acronym}  ", " Unit/Bureau: Crisis Bureau, UNDP", "",
             f"**Overall comments:** Some recommendations would require funding. {org.acronym} relies on projects "
             "to obtain funding for activities. We will follow up on the recommendations that can be done at low "
             "or no cost.", ""]
    n_recs = round(rng.triangular(3, 15, 5))
    n_ka_total = 0
    for k in range(1, n_recs + 1):
        text = rec_text(rng, ev, k == 1)
        acceptance = rng.choice(w.ACCEPTANCES)
        resp = rng.choice(w.RESPONSES).format(a=ev.authority.acronym, c=ev.country)
        if html:
            lines += [f"<b>Evaluation Recommendation {k}:</b> {text}\t\t\t\t",
                      f"<b>Management Response: {acceptance}</b> \u2013 {resp}\t\t\t\t"]
        else:
            lines += [f"**Evaluation Recommendation {k}:** {text}", "",
                      f"**Management Response: {acceptance}** \u2013 {resp}", ""]
        n_ka = rng.choices(range(6), weights=KA_WEIGHTS)[0]
        if n_ka:
            lines += ["Key Action(s):\tTime Frame\tResponsible Unit(s)\tTracking*\t", "\t\t\tStatus\tComments"]
        for _ in range(n_ka):
            year = min(ev.year + rng.randint(0, 3), LAST_YEAR)
            frame = rng.choice(w.TIME_FRAMES).format(y=year)
            who = rng.choice((f"{org.acronym} Programme Unit", f"{org.acronym} and UNDP CO", "UNDP CO",
                              f"{ev.authority.acronym}", ev.people[0]))
            status = rng.choice(("", "", "Completed", "Initiated", "Not Initiated"))
            comment = "See the ERC for updates." if status and rng.random() < 0.3 else ""
            action = rng.choice(w.KA_TEXTS).format(a=ev.authority.acronym, o=rng.choice(w.REC_OBJECTS),
                                                   y=f"{year}-{(year + 1) % 100:02d}")
            lines.append(f"{action}\t{frame}\t{who}\t{status}\t{comment}")
        n_ka_total += n_ka
        if not html:
            lines.append("")
    lines.append("\\* The implementation status is tracked in the ERC.")
    info = {"kind": "response-document", "title": ev.title, "country": ev.country, "recommendations": n_recs,
            "key_actions": n_ka_total, "truncated": False, "grouped": False}
    return "\n".join(lines), info


# ---------------------------------------------------------------------------------------------- corpus


def generate(evaluations: int, seed: int, out: str | Path) -> dict[str, Any]:
    """Write the corpus under ``out`` and return its manifest (also written as ``manifest.json``)."""
    if evaluations < 1:
        raise ValueError("evaluations must be at least 1")
    rng = random.Random(seed)
    out = Path(out)
    docs_dir = out / "documents"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for old in docs_dir.glob("*.txt"):
        old.unlink()
    countries = _countries()
    registry_orgs = _registry_orgs()
    taken = {o.acronym for o in registry_orgs if o.acronym}
    made = generated_orgs(rng, max(30, evaluations // 25), taken)
    partners = registry_orgs + made
    authorities: dict[str, Org] = {
        "Tajikistan": next((o for o in registry_orgs if o.acronym == "TNMAC"), Org("x", "TNMAC")),
        "Azerbaijan": next((o for o in registry_orgs if o.acronym == "ANAMA"), Org("x", "ANAMA")),
    }
    entries: list[dict[str, Any]] = []
    news_keys: set[tuple[str, str]] = set()
    counter = 0

    def write(kind: str, text: str, info: dict[str, Any]) -> None:
        nonlocal counter
        counter += 1
        name = f"{counter:06d}_{kind}.txt"
        (docs_dir / name).write_bytes(text.encode("utf-8"))
        entries.append({"file": name, **info})

    for i in range(1, evaluations + 1):
        ev = evaluation(rng, i, countries, authorities, partners, taken)
        if rng.random() < ERC_SHARE:
            text, info = erc_page(rng, ev, rng.random() < TRUNCATED_SHARE, rng.random() < GROUPED_SHARE)
            write("erc", text, info)
        else:
            text, info = response_document(rng, ev)
            write("mr", text, info)
        if i % EVALUATIONS_PER_NEWS == 0:
            text, info = news_release(rng, registry_orgs, made, authorities, countries, news_keys)
            write("news", text, info)
    manifest = {
        "generator": GENERATOR_VERSION, "seed": seed, "evaluations": evaluations, "documents": len(entries),
        "totals": _totals(entries), "entries": entries,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return manifest


def _totals(entries: list[dict[str, Any]]) -> dict[str, int]:
    totals = {"erc-page": 0, "response-document": 0, "news": 0, "recommendations": 0, "key_actions": 0,
              "truncated": 0, "grouped": 0}
    for e in entries:
        totals[e["kind"]] += 1
        totals["recommendations"] += e.get("recommendations", 0)
        totals["key_actions"] += e.get("key_actions", 0)
        totals["truncated"] += bool(e.get("truncated"))
        totals["grouped"] += bool(e.get("grouped"))
    return totals


def default_corpus_dir(evaluations: int, seed: int) -> Path:
    """Where the corpus of (N, seed) goes when no directory is given: ``bench/.corpus/n<N>-s<SEED>``."""
    return CORPUS_ROOT / f"n{evaluations}-s{seed}"


def load_manifest(out: str | Path) -> dict[str, Any]:
    return json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))


def corpus_for(evaluations: int, seed: int, corpus_dir: Path | None = None) -> Path:
    """The corpus directory for (N, seed): reused when its manifest matches, else generated
    (``corpus_dir``, by default ``default_corpus_dir``)."""
    out = corpus_dir or default_corpus_dir(evaluations, seed)
    try:
        m = load_manifest(out)
        if m.get("generator") == GENERATOR_VERSION and m["evaluations"] == evaluations and m["seed"] == seed \
                and len(list((out / "documents").glob("*.txt"))) == m["documents"]:
            return out
    except (OSError, ValueError, KeyError):
        pass
    generate(evaluations, seed, out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaluations", "-n", type=int, default=100, help="number of evaluations (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", help="output directory (default: bench/.corpus/n<N>-s<SEED>)")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else default_corpus_dir(args.evaluations, args.seed)
    if args.evaluations < 1:
        parser.error("--evaluations must be at least 1")
    manifest = generate(args.evaluations, args.seed, out)
    t = manifest["totals"]
    print(f"{manifest['documents']} documents in {out / 'documents'}: {t['erc-page']} ERC pages, "
          f"{t['response-document']} response documents, {t['news']} news releases; "
          f"{t['recommendations']} recommendation entries, {t['key_actions']} key actions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
