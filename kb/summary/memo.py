"""Whole-KB results kept per generation of the derived tables: in this process, and in files for the next.

An analysis that reads the whole KB (the partner graph, the commitments behind
the scorecards) is derived from the store, so it holds as long as the store does
not change.  ``remembered(store, key, compute)`` gives the result computed for
the tables' current generation (``Summary.fresh_generation``, which every write
changes): from this process's memory, else from ``<store>.summary.d/`` (written by
whichever process computed it first: ``makb serve`` while it warms, a build, an
analysis), else by computing it.  A result must not be changed by its reader.
When the tables are not fresh, or the store has none (a remote endpoint), it is
computed every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: results kept in this process
KEPT = 8
#: files format: bump when what is kept changes shape
VERSION = 2

_lock = threading.Lock()
_local = threading.local()
_kept: OrderedDict[tuple[str, Hashable], Any] = OrderedDict()


def remembered(store: object, key: Hashable, compute: Callable[[], T]) -> T:
    """The result of ``compute()`` for the store's current state (see the module's docstring)."""
    if getattr(_local, "bypass", False):
        return compute()
    summary = getattr(store, "summary", None)
    generation = summary.fresh_generation() if summary is not None else None
    if summary is None or generation is None:
        return compute()
    slot = (generation, key)
    with _lock:
        if slot in _kept:
            _kept.move_to_end(slot)
            return _kept[slot]
    path = _file(summary.path, key) if summary.path else None
    value: Any = _read(path, generation) if path else _MISSING
    if value is _MISSING:
        value = compute()
        if path and summary.fresh_generation() == generation:   # not changed while computing
            _write(path, generation, value)
    with _lock:
        _kept[slot] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


_MISSING = object()


def _file(tables: str, key: Hashable) -> Path:
    name = hashlib.sha256(repr((VERSION, key)).encode("utf-8")).hexdigest()[:24]
    return Path(tables).with_suffix(".d") / f"{name}.pickle"


def _read(path: Path, generation: str) -> Any:
    try:
        with path.open("rb") as f:
            kept_generation, value = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return _MISSING
    return value if kept_generation == generation else _MISSING


def _write(path: Path, generation: str, value: Any) -> None:
    """Write the result whole or not at all; a directory this process cannot write is skipped."""
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((generation, value), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def forget() -> None:
    """Drop what this process keeps (tests, benchmarks)."""
    with _lock:
        _kept.clear()


@contextlib.contextmanager
def bypassed() -> Iterator[None]:
    """Within it, this thread computes every result anew and keeps nothing (to time the computation)."""
    _local.bypass = True
    try:
        yield
    finally:
        _local.bypass = False
