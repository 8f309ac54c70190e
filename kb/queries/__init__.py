"""The library's SPARQL: named ``.rq`` files, read once, with the one way to fill them and run them.

``*.rq`` here are the canned analyst queries (CLI, web editor, tests);
``internal/<area>/*.rq`` are the queries the library runs itself (``analysis/``,
``web/``, ``endpoint/``), named ``"<area>/<name>"``.  Each file starts with
comment lines::

    # title: Overdue key actions
    # description: Key actions due before the as-of date whose status is not terminal.
    # param: asOf xsd:date The date to judge overdue against

A parameter ``NAME`` is a variable ``?_NAME`` bound by a ``VALUES ?_NAME { ... }``
block that holds its default value, so every file runs as it is in any SPARQL
client; a listing's ``limit`` and ``offset`` (type ``xsd:integer``) are its
``LIMIT n`` / ``OFFSET n`` clauses instead.  ``CannedQuery.render`` fills those blocks, and also fills a
``VALUES ?var { ... }`` block with a list of IRIs (``iris={"graph": [...]}``);
``fill_values`` is the one place that rewrites a VALUES block.

``select`` runs a named query and keeps the RDF terms; ``rows`` gives each row
as ``{variable: value}`` strings (unbound variables absent), the row layer every
analysis and page model reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kb.errors import ConfigError, NotFound
from kb.store.base import Store
from kb.store.results import SelectResult

QUERY_DIR = Path(__file__).parent
#: queries the library runs itself (same header format), not listed to analysts
INTERNAL_DIR = QUERY_DIR / "internal"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_IRI_FORBIDDEN = ' <>"{}|^`\\'


@dataclass(frozen=True)
class Param:
    name: str
    type: str        #: xsd:date, xsd:string, iri; xsd:integer for a listing's limit / offset
    default: str
    help: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def render(self, values: Mapping[str, str] | None = None, *,
               iris: Mapping[str, Sequence[str]] | None = None) -> str:
        """The query text with parameter ``values`` substituted (defaults otherwise) and each
        ``VALUES ?var`` block named in ``iris`` holding that list of IRIs (each checked to be an IRI)."""
        values = values or {}
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise ConfigError(f"query {self.name} has no parameter {', '.join(sorted(unknown))}; "
                              f"it takes: {', '.join(p.name for p in self.params) or 'none'}")
        text = self.text
        for p in self.params:
            if p.name in _PAGING and p.name in values:   # a listing's page: its LIMIT / OFFSET clause
                text = _PAGING[p.name].sub(r"\g<1>" + _count(p, values[p.name]), text)
            elif p.name in values:
                text = fill_values(text, "_" + p.name, [_term(p, values[p.name])])
        for var, listed in (iris or {}).items():
            if not _values_block(var).search(text):
                raise ConfigError(f"query {self.name} has no 'VALUES ?{var} {{ ... }}' block")
            text = fill_values(text, var, [f"<{check_iri(i)}>" for i in listed])
            if len(listed) == 1:
                # one graph named: say so in GRAPH too (Oxigraph 0.5 does not carry a VALUES binding into a
                # GRAPH pattern holding OPTIONAL or UNION, and reads every graph instead); the same answers
                text = re.sub(rf"\bGRAPH\s+\?{re.escape(var)}\b", f"GRAPH <{listed[0]}>", text)
        return text


def check_iri(iri: str) -> str:
    """``iri`` if it is an absolute IRI a query can hold, else ``ConfigError``."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise ConfigError(f"not an IRI: {iri!r}") from None
    if ":" not in iri or any(c in iri for c in _IRI_FORBIDDEN):
        raise ConfigError(f"not an absolute IRI: {iri!r}")
    return iri


@cache
def _values_block(var: str) -> re.Pattern[str]:
    return re.compile(r"(VALUES\s+\?" + re.escape(var) + r"\s*\{)[^}]*(\})")


def fill_values(text: str, var: str, terms: Sequence[str]) -> str:
    """``text`` with every ``VALUES ?var { ... }`` block holding ``terms`` (SPARQL terms, already checked)."""
    inside = " ".join(terms)
    return _values_block(var).sub(lambda m: f"{m.group(1)} {inside} {m.group(2)}", text)


#: listing parameters bound to a solution modifier rather than a VALUES block
_PAGING = {name: re.compile(rf"^(\s*{name.upper()}\s+)(\d+)", re.M) for name in ("limit", "offset")}


def _count(p: Param, value: str) -> str:
    if not re.fullmatch(r"\d{1,9}", value.strip()):
        raise ConfigError(f"parameter {p.name} must be a whole number, got {value!r}")
    return str(int(value))


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


@cache
def _load(path: Path) -> CannedQuery:
    """Read and parse one ``.rq`` file (once per process)."""
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
            if parts[0] in _PAGING:
                clause = _PAGING[parts[0]].search(text)
                if clause is None:
                    raise ConfigError(f"{path}: parameter {parts[0]} has no '{parts[0].upper()} n' clause")
                params.append(Param(parts[0], parts[1], clause.group(2), parts[2] if len(parts) > 2 else ""))
                continue
            block = re.search(r"VALUES\s+\?_" + re.escape(parts[0]) + r"\s*\{([^}]*)\}", text)
            if block is None:
                raise ConfigError(f"{path}: parameter {parts[0]} has no 'VALUES ?_{parts[0]} {{ ... }}' block")
            default = re.sub(r'^"|"(\^\^.*)?$', "", block.group(1).strip())
            params.append(Param(parts[0], parts[1], default, parts[2] if len(parts) > 2 else ""))
        else:
            meta[key] = (meta.get(key, "") + " " + value).strip()
    return CannedQuery(path.stem, meta.get("title", path.stem), meta.get("description", ""), text, tuple(params))


@cache
def _canned() -> dict[str, CannedQuery]:
    return {p.stem: _load(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


def all_queries() -> dict[str, CannedQuery]:
    """Every canned query by name (file stem), sorted."""
    return dict(_canned())


def get(name: str) -> CannedQuery:
    """The canned query ``NAME.rq``; ``NotFound`` names the known ones."""
    queries = _canned()
    if name not in queries:
        raise NotFound(f"no canned query {name!r}; known: {', '.join(queries)}")
    return queries[name]


@cache
def internal(name: str) -> CannedQuery:
    """The internal query ``internal/NAME.rq``; ``render`` binds its parameters like a canned query's."""
    path = INTERNAL_DIR / f"{name}.rq"
    if not path.is_file():
        raise NotFound(f"no internal query {name!r}")
    return _load(path)


def named(name: str) -> CannedQuery:
    """A query by name: ``"<area>/<name>"`` is internal, a bare name is canned."""
    return internal(name) if "/" in name else get(name)


# --------------------------------------------------------------------------- the row layer


def select(store: Store, name: str, params: Mapping[str, str] | None = None, *,
           iris: Mapping[str, Sequence[str]] | None = None, limit: int | None = None) -> SelectResult:
    """Run the named SELECT query (see ``named``), filled by ``render``; rows keep their RDF terms."""
    result = store.query(named(name).render(params, iris=iris), limit=limit)
    if not isinstance(result, SelectResult):
        raise ConfigError(f"query {name} is not a SELECT")
    return result


def rows(store: Store, name: str, params: Mapping[str, str] | None = None, *,
         iris: Mapping[str, Sequence[str]] | None = None, sort: bool = False) -> list[dict[str, str]]:
    """The rows of the named SELECT query as ``{variable: value}`` (language tags and datatypes
    dropped, unbound variables absent), in the query's order or, with ``sort``, ordered by every
    column so the embedded store and a remote endpoint give exactly the same list."""
    derived = _derived(store, name) if not params and not iris else None
    if derived is not None:
        columns, out = derived
    else:
        result = select(store, name, params, iris=iris)
        columns, out = tuple(result.vars), [{v: t.value for v, t in row.items()} for row in result]
    if sort:
        out.sort(key=lambda r: tuple(r.get(v, "") for v in columns))
    return out


def _derived(store: Store, name: str) -> tuple[tuple[str, ...], list[dict[str, str]]] | None:
    """The rows of an analysis query from the store's derived tables (``kb.summary``), when it has them."""
    summary = getattr(store, "summary", None)
    if summary is None or not name.startswith("analysis/"):
        return None
    answer: tuple[tuple[str, ...], list[dict[str, str]]] | None = summary.answer(
        name.removeprefix("analysis/"), getattr(store, "raw", None) if not summary.read_only else None)
    return answer
