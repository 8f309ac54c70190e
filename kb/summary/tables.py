"""The derived tables in SQLite: kept facts with their graph, refreshed on every write, answering analysis queries.

The store is the source of truth.  The tables hold the facts of a few predicates
(``kb.summary.projection``) with the graph that states each, dictionary-encoded,
and ``sql/<name>.sql`` answers the analysis query ``internal/analysis/<name>.rq``
over them: the same rows, because the SQL is the same joins over the same
triples (``tests/integration/test_summary.py`` checks every one against SPARQL).

Consistency: a write marks the tables ``writing`` before it touches the store
and ``fresh`` once the store and the tables both hold it; a crash between the
two, a write whose graphs are unknown (a user's SPARQL Update) or a missing file
leaves them ``stale``, and the writing process rebuilds them from the store
before its next answer.  A process that only reads (``makb query`` while
``makb serve`` runs) answers from them only when they are fresh, and from
SPARQL otherwise.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kb.errors import StoreError
from kb.summary.projection import Fact, from_nquads, from_triples, param_iris, scan

SQL_DIR = Path(__file__).parent / "sql"

_TABLES = """
CREATE TABLE IF NOT EXISTS term (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS fact (g INTEGER NOT NULL, s INTEGER NOT NULL, p INTEGER NOT NULL, o INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
#: the indexes of ``fact``: left out while a build loads many documents, made again when it ends
_INDEXES = """
CREATE INDEX IF NOT EXISTS fact_ps ON fact (p, s, o);
CREATE INDEX IF NOT EXISTS fact_po ON fact (p, o, s);
CREATE INDEX IF NOT EXISTS fact_g ON fact (g);
"""
_SCHEMA = _TABLES + _INDEXES

#: facts written per step (their terms are looked up together)
INSERT_CHUNK = 100_000

#: the analysis queries the tables answer (``internal/analysis/<name>.rq`` <-> ``sql/<name>.sql``)
ANSWERED = ("key-actions", "key-action-parties", "recommendations", "evaluations", "graph-files", "partner-ties")


@cache
def _sql(name: str) -> tuple[str, tuple[str, ...]]:
    """The SQL answering ``name`` (its columns hold term ids, or a constant text) and its column names."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    conn = sqlite3.connect(":memory:")
    conn.executescript(_SCHEMA)
    columns = tuple(d[0] for d in conn.execute(f"SELECT * FROM ({text}) LIMIT 0",
                                               dict.fromkeys(param_iris(), 0)).description)
    conn.close()
    return text, columns


class Summary:
    """The derived tables of one store: a SQLite file beside it (in memory for an in-memory store)."""

    def __init__(self, path: str | Path | None, read_only: bool = False, empty: bool = False) -> None:
        self.path = str(path) if path else None
        self.read_only = read_only
        #: the store holds nothing yet, so new tables start fresh (else they are filled before their first answer)
        self.empty = empty
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    # ---------------------------------------------------------------- connection and state

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        try:
            if self.path is None:
                conn = sqlite3.connect(":memory:", check_same_thread=False)
            elif self.read_only:
                if not Path(self.path).is_file():
                    return None
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
            if not self.read_only:
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA cache_size=-131072")     # 128 MB of pages while writing
                conn.execute("PRAGMA temp_store=MEMORY")
                conn.executescript(_TABLES)
                if conn.execute("SELECT value FROM meta WHERE key = 'indexes'").fetchone() is None:
                    conn.executescript(_INDEXES)
                if conn.execute("SELECT value FROM meta WHERE key = 'state'").fetchone() is None:
                    # new tables: a name of their own, so nothing kept for other tables is taken for theirs
                    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?)", (uuid.uuid4().hex,))
                    self._set(conn, "fresh" if self.empty else "stale")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the derived tables at {self.path}: {exc}") from exc
        self._conn = conn
        return conn

    @staticmethod
    def _set(conn: sqlite3.Connection, state: str, commit: bool = True) -> None:
        """Record the tables' state; every change of state is a new generation (see ``fresh_generation``)."""
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('state', ?)", (state,))
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', "
                     "(SELECT COALESCE(MAX(CAST(value AS INTEGER)), 0) + 1 FROM meta WHERE key = 'generation'))")
        if commit:
            conn.commit()

    def fresh_generation(self) -> str | None:
        """A name for the tables' contents that changes with every write, while they are fresh; None when not."""
        with self._lock:
            try:
                conn = self._connect()
                found = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('state', 'generation', 'epoch')")
                             ) if conn else {}
            except sqlite3.Error:
                return None
        if found.get("state") != "fresh":
            return None
        return f"{found.get('epoch', '')}:{found.get('generation', 0)}"

    def state(self) -> str:
        """``fresh``, ``writing`` (a write under way, or interrupted), ``stale`` or ``absent``."""
        with self._lock:
            try:
                conn = self._connect()
                row = conn.execute("SELECT value FROM meta WHERE key = 'state'").fetchone() if conn else None
            except sqlite3.Error:
                return "absent"
            return str(row[0]) if row else "absent"

    # ---------------------------------------------------------------- writes

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Around one store write: ``writing`` while it happens; ``stale`` if it fails (so the next
        answer rebuilds), left to the caller to record and mark ``fresh`` when it succeeds."""
        if self.read_only:
            yield
            return
        with self._lock:
            conn = self._connect()
            assert conn is not None
            was = self.state()
            self._set(conn, "writing")
            try:
                yield
            except BaseException:
                self._set(conn, "stale")
                raise
            if was == "stale":
                self._set(conn, "stale")

    def _insert(self, conn: sqlite3.Connection, facts: Iterable[Fact]) -> None:
        """Add facts: their terms numbered (the new ones added), then the facts as numbers, in chunks."""
        chunk: list[Fact] = []
        for fact in facts:
            chunk.append(fact)
            if len(chunk) >= INSERT_CHUNK:
                self._insert_chunk(conn, chunk)
                chunk = []
        if chunk:
            self._insert_chunk(conn, chunk)

    @staticmethod
    def _insert_chunk(conn: sqlite3.Connection, facts: list[Fact]) -> None:
        values = sorted({v for fact in facts for v in fact})
        wanted = json.dumps(values)
        ids = dict(conn.execute("SELECT term.value, term.id FROM json_each(?) AS j JOIN term ON term.value = j.value",
                                (wanted,)))
        if len(ids) < len(values):
            conn.executemany("INSERT OR IGNORE INTO term (value) VALUES (?)", ((v,) for v in values if v not in ids))
            ids = dict(conn.execute(
                "SELECT term.value, term.id FROM json_each(?) AS j JOIN term ON term.value = j.value", (wanted,)))
        conn.executemany("INSERT INTO fact (g, s, p, o) VALUES (?, ?, ?, ?)",
                         [(ids[g], ids[s], ids[p], ids[o]) for g, s, p, o in facts])

    def _drop(self, conn: sqlite3.Connection, graphs: Sequence[str]) -> None:
        conn.executemany("DELETE FROM fact WHERE g = (SELECT id FROM term WHERE value = ?)", [(g,) for g in graphs])

    def _record(self, change: Callable[[sqlite3.Connection], None], indexed: bool = True) -> None:
        """Apply one change to the tables in one transaction, and mark them fresh (unless stale)."""
        if self.read_only:
            return
        with self._lock:
            conn = self._connect()
            assert conn is not None
            if self.state() == "stale":
                return     # rebuilt whole before the next answer
            try:
                if indexed:
                    self._index(conn)
                change(conn)
                self._set(conn, "fresh")
                if indexed:
                    self._analyze(conn)
            except sqlite3.Error as exc:
                conn.rollback()
                self._set(conn, "stale")
                raise StoreError(f"the derived tables at {self.path} could not be updated: {exc}") from exc

    def added(self, data: bytes, facts: Sequence[Fact] | None = None, bulk: bool = False) -> None:
        """New graphs, given as the N-Quads they were loaded from (and what to keep of them, when known).

        ``bulk`` (a build loading many documents): the indexes go until ``settle`` or the next answer or
        change of another kind, so that each batch is appended rather than sorted into them."""
        def change(conn: sqlite3.Connection) -> None:
            if bulk:
                self._drop_indexes(conn)
            self._insert(conn, from_nquads(data) if facts is None else facts)
        self._record(change, indexed=not bulk)

    @staticmethod
    def _drop_indexes(conn: sqlite3.Connection) -> None:
        if conn.execute("SELECT value FROM meta WHERE key = 'indexes'").fetchone() is None:
            conn.executescript("DROP INDEX IF EXISTS fact_ps; DROP INDEX IF EXISTS fact_po; "
                               "DROP INDEX IF EXISTS fact_g; INSERT INTO meta (key, value) VALUES ('indexes', 'none');")

    def _index(self, conn: sqlite3.Connection) -> None:
        """Make the indexes again if a bulk load left them out (and the statistics with them)."""
        if conn.execute("SELECT value FROM meta WHERE key = 'indexes'").fetchone() is not None:
            conn.executescript(_INDEXES + "DELETE FROM meta WHERE key = 'indexes';")
            conn.commit()
            self._analyze(conn, force=True)

    def settle(self, store: ox.Store) -> None:
        """Ready to answer now: refilled from ``store`` when not fresh, indexed after a bulk load."""
        if self.read_only:
            return
        with self._lock:
            if self.state() != "fresh":
                self.rebuild(store)
            conn = self._connect()
            assert conn is not None
            self._index(conn)

    def replaced(self, graphs: Sequence[tuple[str, Sequence[ox.Triple]]]) -> None:
        def change(conn: sqlite3.Connection) -> None:
            self._drop(conn, [g for g, _ in graphs])
            for g, triples in graphs:
                self._insert(conn, from_triples(g, triples))
        self._record(change)

    def dropped(self, graphs: Sequence[str]) -> None:
        self._record(lambda conn: self._drop(conn, graphs))

    def reread(self, store: ox.Store, graphs: Sequence[str] | None) -> None:
        """Graphs changed in ways only the store knows: read them back (all, when ``graphs`` is None: later)."""
        if graphs is None:
            if not self.read_only:
                with self._lock:
                    conn = self._connect()
                    assert conn is not None
                    self._set(conn, "stale")
            return

        def change(conn: sqlite3.Connection) -> None:
            self._drop(conn, graphs)
            for g in graphs:
                self._insert(conn, scan(store, g))
        self._record(change)

    def rebuild(self, store: ox.Store) -> None:
        """Refill the tables from the whole store."""
        with self._lock:
            conn = self._connect()
            assert conn is not None
            self._set(conn, "writing")
            conn.execute("DELETE FROM fact")
            conn.execute("DELETE FROM term")
            self._drop_indexes(conn)
            self._insert(conn, scan(store))
            self._set(conn, "fresh")
            self._index(conn)

    @staticmethod
    def _analyze(conn: sqlite3.Connection, force: bool = False) -> None:
        """Refresh the statistics SQLite plans joins with, whenever the tables have doubled since the last
        time (without them it joins on the graph index and some answers take a hundred times longer)."""
        size = int(conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM fact").fetchone()[0])
        row = conn.execute("SELECT value FROM meta WHERE key = 'analyzed'").fetchone()
        if force or row is None or size > 2 * int(row[0]):
            conn.execute("ANALYZE")
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('analyzed', ?)", (str(size),))
            conn.commit()

    # ---------------------------------------------------------------- answers

    def answer(self, name: str, store: ox.Store | None = None) -> tuple[tuple[str, ...], list[dict[str, str]]] | None:
        """(columns, rows) of ``internal/analysis/<name>.rq`` from the tables; None when they cannot answer
        (not a query they hold, or not fresh in a process that cannot rebuild them)."""
        if name not in ANSWERED:
            return None
        sql, columns = _sql(name)
        with self._lock:
            state = self.state()
            if state != "fresh":
                # in the writing process "writing" here means a write was interrupted (a crash)
                if self.read_only or store is None:
                    return None
                self.rebuild(store)
            conn = self._connect()
            assert conn is not None
            if not self.read_only:
                self._index(conn)
            elif conn.execute("SELECT value FROM meta WHERE key = 'indexes'").fetchone() is not None:
                return None     # a build is loading: its writer indexes them when it ends
            ids = self._param_ids(conn)
            try:
                found = conn.execute(sql, ids).fetchall()
                wanted: set[int] = set()
                for i in range(len(columns)):
                    column = {row[i] for row in found}
                    column.discard(None)
                    if any(isinstance(v, int) for v in itertools.islice(column, 1)):
                        wanted |= column
                values = self._values(conn, wanted)
            except sqlite3.Error as exc:
                raise StoreError(f"the derived tables at {self.path} could not answer {name}: {exc}") from exc
        get = values.get
        out = [{c: get(v, v) for c, v in zip(columns, row, strict=True) if v is not None} for row in found]
        return columns, out

    @staticmethod
    def _values(conn: sqlite3.Connection, ids: set[int]) -> dict[int, str]:
        """Term id -> value for every id an answer holds, in one join."""
        return dict(conn.execute("SELECT term.id, term.value FROM json_each(?) AS j JOIN term ON term.id = j.value",
                                 (json.dumps(sorted(ids)),)))

    @staticmethod
    def _param_ids(conn: sqlite3.Connection) -> dict[str, int]:
        iris = param_iris()
        found = dict(conn.execute(
            f"SELECT value, id FROM term WHERE value IN ({', '.join('?' * len(iris))})", list(iris.values())))
        return {name: int(found.get(iri, -1)) for name, iri in iris.items()}

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None
