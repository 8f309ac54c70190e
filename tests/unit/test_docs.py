"""Every cross-cutting table is documented: settings, canned queries, CLI commands."""

from __future__ import annotations

import re

import pytest

from cli.main import build_parser
from kb import queries
from kb.settings import PROJECT_ROOT, SETTINGS


@pytest.fixture(scope="module")
def readme() -> str:
    return (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme(readme: str) -> None:
    documented = set(re.findall(r"^\| `(MAKB_[A-Z_]+)` \|", readme, re.MULTILINE))
    assert documented == {s.name for s in SETTINGS}


def test_every_setting_has_help() -> None:
    assert all(s.help.endswith(".") and len(s.help) > 20 for s in SETTINGS)


def test_every_canned_query_says_what_it_answers() -> None:
    found = queries.all_queries()
    assert len(found) >= 5
    for q in found.values():
        assert q.title and q.title != q.name, q.name
        assert len(q.description) > 30, q.name
        for p in q.params:
            assert p.help and p.default, (q.name, p.name)


def test_every_command_has_help_and_examples() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert len(sub.choices) >= 7
    for name, p in sub.choices.items():
        assert p.description, name
        assert p.epilog and "examples:" in p.epilog and f"makb {name}" in p.epilog, name


def test_readme_gives_the_two_commands_that_ci_runs(readme: str) -> None:
    blocks = re.findall(r"```\n(.*?)```", readme, re.DOTALL)
    assert "bash scripts/run.sh\n" in blocks
    assert "bash scripts/test.sh\n" in blocks
    assert "bash scripts/test.sh" in (PROJECT_ROOT / ".ci" / "run").read_text()
