"""A real Virtuoso for tests: a fresh database in a temporary directory, on 127.0.0.1, stopped after.

Virtuoso comes from Debian's ``virtuoso-opensource`` package (``scripts/install-virtuoso.sh``).
The server gets its own ``virtuoso.ini``: database files in the given directory, the ISQL and
HTTP ports on 127.0.0.1, small buffers, ``[SPARQL] ResultSetMaxRows`` set low so that the row cap
is exercised, ``DefaultGraph`` unset (the default graph is the union of the graphs).  The
``SPARQL`` user (anonymous ``/sparql`` and ``/sparql-graph-crud``) is granted ``SPARQL_UPDATE``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.servers import free_port, wait_http

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 4
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""

#: statements run through ISQL once the server is up
SETUP = ('GRANT SPARQL_UPDATE TO "SPARQL";',)


def virtuoso_binaries() -> tuple[str, str]:
    """(virtuoso-t, isql-vt), or RuntimeError naming the script that installs them."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not server or not isql:
        raise RuntimeError("Virtuoso is missing: run scripts/install-virtuoso.sh")
    return server, isql


def isql(binary: str, port: int, statement: str) -> None:
    done = subprocess.run([binary, f"127.0.0.1:{port}", "dba", "dba", f"exec={statement}"],
                          capture_output=True, timeout=60, check=False)
    out = (done.stdout + done.stderr).decode("utf-8", "replace")
    if done.returncode != 0 or "*** Error" in out:
        raise RuntimeError(f"isql {statement!r} failed: {out[-1000:]}")


@contextmanager
def virtuoso_server(directory: Path, max_rows: int = 2000) -> Iterator[str]:
    """A Virtuoso with an empty database in ``directory``; yields its SPARQL URL (``.../sparql``)."""
    server, isql_binary = virtuoso_binaries()
    directory.mkdir(parents=True, exist_ok=True)
    isql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(d=directory, isql=isql_port, http=http_port, max_rows=max_rows), encoding="utf-8")
    log = (directory / "server.log").open("w+b")
    proc = subprocess.Popen([server, "-f", "-c", str(ini)], cwd=directory, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        wait_http(f"{url}?query=ASK%7B%7D", timeout=90, proc=proc, log=log)
        for statement in SETUP:
            isql(isql_binary, isql_port, statement)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
