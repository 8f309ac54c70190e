"""``makb serve``: the app under waitress on 127.0.0.1, over the embedded store or a remote endpoint;
Ctrl-C (and SIGTERM) stop it and its query workers cleanly; a busy port is a one-line error."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kb.store import RemoteStore
from tests.support.servers import wait_http

pytestmark = pytest.mark.server

MAKB = str(Path(sys.executable).with_name("makb"))
#: for tests about something else than the query workers: one starts faster than the default two
ONE_WORKER = {"MAKB_QUERY_WORKERS": "1"}


def children(pid: int) -> set[int]:
    """The direct child processes of ``pid`` (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@contextmanager
def serve(*global_args: str, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, str]]:
    """``makb <global args> serve --port 0``; yields the process and the base URL it prints."""
    proc = subprocess.Popen([MAKB, *global_args, "serve", "--port", "0", "--threads", "4"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode("utf-8", "replace")
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None and proc.stderr else b"")
        base = match.group(1)
        wait_http(base + "healthz", proc=proc)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as resp:
        assert resp.headers["Server"] == "makb"   # waitress, with our ident (not Werkzeug's debug server)
        return json.loads(resp.read())


def test_serve_answers_and_ctrl_c_stops_it_and_its_workers(seed_store_copy: Path) -> None:
    with serve("--store", str(seed_store_copy)) as (proc, base):
        health = get_json(base + "healthz")
        assert health["status"] == "ok" and health["store"] == "embedded" and health["triples"] > 1000
        assert health["executor"] == "workers" and health["workers_alive"] == 2
        q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?o a org:Organization }")
        answer = get_json(f"{base}sparql?query={q}")
        assert int(answer["results"]["bindings"][0]["n"]["value"]) > 5
        workers = {pid for pid in children(proc.pid) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()}
        assert len(workers) == 2
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert proc.stderr is not None and b"makb: stopped" in proc.stderr.read()
        assert not any(alive(pid) for pid in workers)


def test_sigterm_also_stops_cleanly(seed_store_copy: Path) -> None:
    with serve("--store", str(seed_store_copy)) as (proc, base):
        get_json(base + "healthz")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def test_serve_over_a_remote_endpoint(oxigraph: RemoteStore) -> None:
    oxigraph.update("INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> a <http://www.w3.org/ns/org#Organization> } }")
    with serve("--endpoint", oxigraph.query_url) as (proc, base):
        health = get_json(base + "healthz")
        assert health["store"] == "remote" and health["executor"] == "remote" and health["triples"] == 1
        q = urllib.parse.quote("SELECT ?o WHERE { ?o a org:Organization }")
        answer = get_json(f"{base}sparql?query={q}")
        assert [b["o"]["value"] for b in answer["results"]["bindings"]] == ["urn:test:a"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0


def test_explicit_store_wins_over_the_endpoint_setting(seed_store_copy: Path) -> None:
    env = {"MAKB_ENDPOINT": "http://127.0.0.1:9/query", **ONE_WORKER}
    with serve("--store", str(seed_store_copy), env=env) as (_, base):
        assert get_json(base + "healthz")["store"] == "embedded"


def test_a_busy_port_is_a_one_line_error(seed_store_copy: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([MAKB, "--store", str(seed_store_copy), "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60, env={**os.environ, **ONE_WORKER})
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"makb: error: cannot listen on 127.0.0.1:{port}")


def test_bad_arguments_are_usage_errors(seed_store_copy: Path) -> None:
    done = subprocess.run([MAKB, "--store", str(seed_store_copy), "serve", "--threads", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--threads must be at least 1" in done.stderr
    assert "Traceback" not in done.stderr
