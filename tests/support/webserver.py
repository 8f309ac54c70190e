"""The real app under waitress on 127.0.0.1, in a child process, for tests that need a live server.

    with running_app({"MAKB_STORE": str(store)}) as base_url:   # "http://127.0.0.1:PORT/"
        ...

The child builds ``webapp.create_app(config)`` (so ``config`` must be JSON: paths
as strings), listens on a free port, and is stopped (SIGTERM, which closes its
query workers) when the block ends.  Its output goes to a log file whose tail is
shown if it fails to start.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.servers import wait_http

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _tail(log: Path) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-3000:]
    except OSError:
        return ""


@contextmanager
def running_app(config: Mapping[str, Any], timeout: float = 60.0) -> Iterator[str]:
    """Serve ``create_app(config)`` under waitress on 127.0.0.1; yield its base URL (ending in '/')."""
    with tempfile.TemporaryDirectory(prefix="makb-webserver-") as tmp:
        port_file, log = Path(tmp) / "port", Path(tmp) / "log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.support.webserver", str(port_file),
                 json.dumps(dict(config), default=str)],
                cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while not (port_file.exists() and port_file.read_text().strip()):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app server did not start (exit {proc.poll()}):\n{_tail(log)}")
                time.sleep(0.05)
            base = f"http://127.0.0.1:{int(port_file.read_text())}/"
            wait_http(base + "healthz", timeout=timeout, proc=proc)
            yield base
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _serve(port_file: str, config: dict[str, Any]) -> None:
    """The child: serve the app until SIGTERM, then close its KB state (and query workers)."""
    from waitress.server import create_server

    from webapp import create_app

    app = create_app(config)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    tmp = Path(port_file + ".tmp")
    tmp.write_text(str(server.effective_port))  # type: ignore[union-attr]
    tmp.replace(port_file)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.extensions["makb"].close()


if __name__ == "__main__":
    _serve(sys.argv[1], json.loads(sys.argv[2]))
