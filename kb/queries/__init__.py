"""The canned analyst queries: one ``.rq`` file each, used by the CLI, the web and the tests.

Each file starts with comment lines::

    # title: Overdue key actions
    # description: Key actions due before the as-of date whose status is not terminal.
    # param: asOf xsd:date The date to judge overdue against

A parameter ``NAME`` is a variable ``?_NAME`` bound by a ``VALUES ?_NAME { ... }``
block that holds its default value, so every file runs as it is in any SPARQL client;
``render`` replaces the value of that block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import ConfigError, NotFound

QUERY_DIR = Path(__file__).parent

_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Param:
    name: str
    type: str        #: xsd:date, xsd:string, iri
    default: str
    help: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def render(self, values: dict[str, str] | None = None) -> str:
        """The query text with parameter values substituted (defaults otherwise)."""
        text = self.text
        values = values or {}
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise ConfigError(f"query {self.name} has no parameter {', '.join(sorted(unknown))}; "
                              f"it takes: {', '.join(p.name for p in self.params) or 'none'}")
        for p in self.params:
            if p.name not in values:
                continue
            term = _term(p, values[p.name])
            text = re.sub(r"(VALUES\s+\?_" + re.escape(p.name) + r"\s*\{)[^}]*(\})",
                          lambda m, t=term: f"{m.group(1)} {t} {m.group(2)}", text)
        return text


def _term(p: Param, value: str) -> str:
    if p.type == "xsd:date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ConfigError(f"parameter {p.name} must be a date YYYY-MM-DD, got {value!r}")
        return f'"{value}"^^<{_XSD}date>'
    if p.type == "iri":
        if not re.fullmatch(r"[a-z][a-z0-9+.\-]*:[^\s<>\"{}|^`\\]+", value):
            raise ConfigError(f"parameter {p.name} must be an IRI, got {value!r}")
        return f"<{value}>"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _load(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*(\w+):\s*(.*)", line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "param":
            parts = value.split(None, 2)
            if len(parts) < 2:
                raise ConfigError(f"{path}: param line needs 'name type [help]'")
            block = re.search(r"VALUES\s+\?_" + re.escape(parts[0]) + r"\s*\{([^}]*)\}", text)
            if block is None:
                raise ConfigError(f"{path}: parameter {parts[0]} has no 'VALUES ?_{parts[0]} {{ ... }}' block")
            default = re.sub(r'^"|"(\^\^.*)?$', "", block.group(1).strip())
            params.append(Param(parts[0], parts[1], default, parts[2] if len(parts) > 2 else ""))
        else:
            meta[key] = (meta.get(key, "") + " " + value).strip()
    return CannedQuery(path.stem, meta.get("title", path.stem), meta.get("description", ""), text, tuple(params))


def all_queries() -> dict[str, CannedQuery]:
    """Every canned query by name (file stem), sorted."""
    return {p.stem: _load(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


def get(name: str) -> CannedQuery:
    queries = all_queries()
    if name not in queries:
        raise NotFound(f"no canned query {name!r}; known: {', '.join(queries)}")
    return queries[name]


#: queries the library runs itself (same header format), not listed to analysts
INTERNAL_DIR = QUERY_DIR / "internal"


def internal(name: str) -> CannedQuery:
    """The internal query ``internal/NAME.rq``; ``render`` binds its parameters like a canned query's."""
    path = INTERNAL_DIR / f"{name}.rq"
    if not path.is_file():
        raise NotFound(f"no internal query {name!r}")
    return _load(path)
