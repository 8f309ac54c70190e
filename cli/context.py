"""What every ``makb`` command shares: exit codes, the context (settings, store, registry), output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kb import settings as settings_mod

if TYPE_CHECKING:   # imported on demand at run time: most commands never open a store
    from kb.registry import Registry
    from kb.store import Store

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3


class Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def example_lines(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


# ------------------------------------------------------------------------------------ context


#: commands that only read the store: they open it read-only, so they work while ``makb serve``
#: holds it and on a directory they cannot write
READ_ONLY_COMMANDS = frozenset({"query", "stats", "export", "validate", "analyze"})


class Context:
    """What a command needs: resolved settings, and the store and registry on demand."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.read_only = getattr(args, "command", None) in READ_ONLY_COMMANDS
        overrides = {"MAKB_STORE": args.store, "MAKB_ENDPOINT": args.endpoint,
                     "MAKB_UPDATE_ENDPOINT": args.update_endpoint, "MAKB_BASE_IRI": args.base_iri}
        self.settings = settings_mod.load(overrides)
        if args.store and not args.endpoint:
            self.settings["MAKB_ENDPOINT"] = None  # an explicit --store wins over $MAKB_ENDPOINT
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from kb.store import open_store
            self._store = open_store(self.settings, read_only=self.read_only)
        return self._store

    def registry(self) -> Registry:
        from kb.registry import load_registry
        return load_registry(self.settings["MAKB_REGISTRY"], self.settings["MAKB_BASE_IRI"])

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def out(text: str | bytes, out: str | None = None) -> None:
    if out:
        Path(out).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return
    if isinstance(text, bytes):
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
