"""A newer version of the same ERC page replaces its graph and keeps the earlier statuses with their dates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kb import queries
from kb.build import build
from kb.registry import Registry
from kb.store import OxigraphStore
from tests.support.kbs import SEED_FILES

OLD_LINE = "Olaf Juergensen, Regional Development and Mine Action Specialist, HQ/Crisis Bureau 2020/12 Not Initiated"
NEW_LINE = "Olaf Juergensen, Regional Development and Mine Action Specialist, HQ/Crisis Bureau 2020/12 Completed"


def newer_version(tmp_path: Path) -> Path:
    text = SEED_FILES["erc"].read_text(encoding="utf-8")
    assert OLD_LINE in text
    # the page as published later: rec 4's action is now Completed, updated 2021/03/15
    head, tail = text.split(OLD_LINE, 1)
    head = head[: head.rfind("[Last Updated: 2020/10/08]")] + "[Last Updated: 2021/03/15]" + \
        head[head.rfind("[Last Updated: 2020/10/08]") + len("[Last Updated: 2020/10/08]"):]
    path = tmp_path / "erc-page-2021.txt"
    path.write_text(head + NEW_LINE + tail, encoding="utf-8")
    return path


def test_newer_version_replaces_and_keeps_status_history(tmp_path: Path, registry: Registry) -> None:
    store = OxigraphStore(tmp_path / "kb")
    first = build(store, [SEED_FILES["erc"]], registry, now=datetime(2021, 1, 1, tzinfo=UTC))
    assert first.count("added") == 1
    graphs_before = store.graphs()
    second = build(store, [newer_version(tmp_path)], registry, now=datetime(2021, 4, 1, tzinfo=UTC))
    assert second.count("replaced") == 1
    assert store.graphs() == graphs_before            # same evaluation, same graph: replaced, not added

    changes = store.select(queries.get("status-changes").render()).values()
    assert [(r["observedOn"], r["statusLabel"]) for r in changes] == [("2020-10-08", "Not Initiated"),
                                                                        ("2021-03-15", "Completed")]
    assert all(r["action"].endswith("/rec/4/action/1") for r in changes)
    # the current status is the new one, and it is no longer overdue
    overdue = store.select(queries.get("overdue-actions").render({"asOf": "2021-06-01"}))
    assert len(overdue) == 0
    # ingesting the same version again changes nothing
    again = build(store, [newer_version(tmp_path)], registry, now=datetime(2021, 5, 1, tzinfo=UTC))
    assert again.count("unchanged") == 1
    store.close()
