"""Real servers for tests: started on 127.0.0.1 on a free port, stopped after."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 20.0, proc: subprocess.Popen | None = None,
              log: IO[bytes] | None = None) -> None:
    """Wait until ``url`` answers (any HTTP status), or fail with the process output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            out = b""
            if log is not None:
                log.seek(0)
                out = log.read()
            raise RuntimeError(f"server exited with {proc.returncode}: {out.decode('utf-8', 'replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise RuntimeError("the 'oxigraph' server binary is missing: pip install oxigraph")
    return found


@contextmanager
def oxigraph_server(location: Path, port: int | None = None,
                    union: bool = True) -> Iterator[tuple[str, subprocess.Popen]]:
    """An Oxigraph SPARQL server on 127.0.0.1, with the union default graph unless ``union`` is false;
    yields (base URL, process)."""
    port = port or free_port()
    location.mkdir(parents=True, exist_ok=True)
    log = (location.parent / f"{location.name}-server.log").open("w+b")
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         *(["--union-default-graph"] if union else [])],
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/query?query=ASK%7B%7D", proc=proc, log=log)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
