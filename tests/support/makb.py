"""``makb`` run in the test process, its output captured: what the ``runner`` fixture hands to tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main


class MakbRunner:
    """Runs ``makb`` in-process; a call returns (exit code, stdout, stderr)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *argv: str, store: Path | None = None) -> tuple[int, str, str]:
        """``makb [--store STORE] ARGV...``: usage errors that argparse raises (``SystemExit``) propagate."""
        code = main([*(["--store", str(store)] if store is not None else []), *argv])
        out, err = self.capsys.readouterr()
        return code, out, err
