"""The layout keeps its promises: every module imports on its own, no import cycles, the core
never reaches up, small modules with a docstring, no ``utils``."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kb", "webapp", "cli", "bench")
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(*packages: str) -> dict[str, Path]:
    """Module name -> file, for every module of ``packages`` (generated corpora skipped)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(ROOT).parts):
                continue
            found[_module_name(path)] = path
    return found


MODULES = _sources(*PACKAGES)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, known: set[str] | dict[str, Path] = MODULES) -> set[str]:
    """Every module name ``name`` imports, anywhere in the file (functions included), relative
    imports resolved; ``from a import b`` names ``a.b`` when that is a ``known`` module, else ``a``.
    Imports under ``if TYPE_CHECKING:`` are skipped: they never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = {id(n) for node in ast.walk(tree)
               if isinstance(node, ast.If) and _is_type_checking(node.test)
               for stmt in node.body for n in ast.walk(stmt)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            out.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names)
    return out


def _graph() -> nx.DiGraph:
    """The import graph of the project's own modules."""
    G = nx.DiGraph()
    G.add_nodes_from(MODULES)
    for name, path in MODULES.items():
        G.add_edges_from((name, target) for target in _imports(name, path) if target in MODULES and target != name)
    return G


def _cycles(package: str) -> list[list[str]]:
    G = _graph()
    inside = G.subgraph(n for n in G if n == package or n.startswith(package + "."))
    return sorted(sorted(c) for c in nx.simple_cycles(inside))


def test_the_module_list_is_complete() -> None:
    assert {"kb.queries", "kb.views.dashboard", "webapp", "cli.main", "bench.run.phases"} <= set(MODULES)


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    """Each module is imported with none of the project's modules loaded yet, so an import that
    only works after another module ran (a hidden cycle, a missing import) fails here."""
    script = """
import importlib, json, sys, traceback
failed = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("kb", "webapp", "cli", "bench")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except BaseException:
        failed[name] = traceback.format_exc(limit=-3)
print(json.dumps(failed))
"""
    names = sorted(MODULES)
    done = subprocess.run([sys.executable, "-c", script, json.dumps(names)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    failed = json.loads(done.stdout.strip().splitlines()[-1])
    assert failed == {}, "\n".join(f"{k}:\n{v}" for k, v in failed.items())


@pytest.mark.parametrize("package", ["kb", "webapp", "cli", "bench"])
def test_no_import_cycle(package: str) -> None:
    assert _cycles(package) == []


def test_the_import_graph_sees_cycles_in_functions_too(tmp_path: Path) -> None:
    """The check would catch a cycle hidden by a deferred import."""
    a = tmp_path / "a.py"
    a.write_text('"""A."""\nimport b\n')
    b = tmp_path / "b.py"
    b.write_text('"""B."""\ndef f():\n    from a import x\n    return x\n')
    c = tmp_path / "c.py"
    c.write_text('"""C."""\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n')
    known = {"a", "b", "c"}
    assert _imports("a", a, known) == {"b"}
    assert _imports("b", b, known) == {"a"}
    assert _imports("c", c, known) == {"typing"}
    G = nx.DiGraph([(m, t) for m, p in (("a", a), ("b", b), ("c", c)) for t in _imports(m, p, known) if t in known])
    assert sorted(map(sorted, nx.simple_cycles(G))) == [["a", "b"]]


def test_the_core_never_reaches_up() -> None:
    """``kb`` imports neither the web app, the CLI nor Flask."""
    reaching = {(name, target) for name, path in _sources("kb").items() for target in _imports(name, path)
                if target.split(".")[0] in ("webapp", "cli", "flask", "werkzeug")}
    assert reaching == set()


def test_no_module_is_too_long() -> None:
    long = {str(path.relative_to(ROOT)): n for path in MODULES.values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_every_module_says_its_role_in_its_first_line() -> None:
    missing = []
    for name, path in MODULES.items():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = doc.split("\n", 1)[0].strip()
        if not first or not first.endswith((".", ":")):
            missing.append(f"{name}: {first!r}")
    assert missing == []


def test_no_utils_module() -> None:
    assert [n for n in MODULES if n.rsplit(".", 1)[-1] in ("utils", "util", "helpers", "misc")] == []
