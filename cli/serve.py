"""``makb serve``: the web app and the SPARQL endpoint under waitress, a production WSGI server.

Before it listens, the server warms the app (``webapp.warm``): its heavy pages
and every canned query are requested once, within ``MAKB_WARM_SECONDS``
(``--no-warm`` skips it), one line per request on stderr.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from cli.context import Context
from kb.errors import ConfigError

#: waitress worker threads by default (each serves one request at a time)
DEFAULT_THREADS = 8
#: open connections waitress holds at once by default; past it new ones wait in the listen backlog
DEFAULT_CONNECTIONS = 100
#: connections the kernel queues before refusing more
BACKLOG = 128


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``makb serve`` to the CLI."""
    p = add("serve", cmd_serve,
            "Serve the web app and the SPARQL endpoint (/sparql) over the configured store, under waitress.",
            ["makb serve", "makb serve --port 8080 --threads 16",
             "makb --store /srv/makb/store serve --host 0.0.0.0",
             "makb --endpoint http://127.0.0.1:7878/query serve",
             "makb serve --no-warm"])
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=5000, help="port to listen on; 0 picks a free one (default: 5000)")
    p.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                   help=f"request threads (default: {DEFAULT_THREADS})")
    p.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS,
                   help=f"open connections held at once; more wait in a backlog of {BACKLOG} "
                        f"(default: {DEFAULT_CONNECTIONS})")
    p.add_argument("--no-warm", action="store_true",
                   help="listen at once, without first requesting the heavy pages and canned queries "
                        "(warming is bounded by MAKB_WARM_SECONDS)")


def app_config(settings: dict[str, Any]) -> dict[str, Any]:
    """The CLI's resolved settings as app config (an explicit --store wins over $MAKB_ENDPOINT)."""
    return {**settings, "MAKB_ENDPOINT": settings.get("MAKB_ENDPOINT") or ""}


def _report(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _check_address(host: str, port: int) -> None:
    """Fail at once, before warming, when ``host:port`` cannot be listened on (waitress binds it again after)."""
    if port == 0:
        return
    try:
        for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                                   flags=socket.AI_PASSIVE):
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)    # as waitress does
                probe.bind(address)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _stop(signum: int, frame: Any) -> None:
    """Ctrl-C and SIGTERM both end the server cleanly (even when started with SIGINT ignored)."""
    raise KeyboardInterrupt


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    from waitress.server import create_server

    from webapp import create_app
    from webapp.kbstate import query_executor
    from webapp.warm import warm

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port must be 0..65535, got {args.port}")
    if args.threads < 1:
        raise ConfigError(f"--threads must be at least 1, got {args.threads}")
    if args.connections < args.threads:
        raise ConfigError(f"--connections must be at least --threads ({args.threads}), got {args.connections}")
    warm_seconds = 0.0 if args.no_warm else float(ctx.settings.get("MAKB_WARM_SECONDS") or 0)
    if warm_seconds < 0:
        raise ConfigError(f"setting MAKB_WARM_SECONDS: {warm_seconds:g} is not 0 (no warming) or a number of seconds")
    _check_address(args.host, args.port)
    app = create_app(app_config(ctx.settings))
    state = app.extensions["makb"]
    try:
        query_executor(app)     # start the query workers before the first request
        warm(app, warm_seconds, _report)
        try:
            server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="makb",
                                   connection_limit=args.connections, backlog=BACKLOG)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
        host = getattr(server, "effective_host", args.host)   # one socket; several when a name has many addresses
        port = getattr(server, "effective_port", args.port)
        print(f"makb: serving the {state.store.kind} store {state.store.location} at http://{host}:{port}/ "
              "(SPARQL at /sparql; Ctrl-C to stop)", flush=True)
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            server.close()
    finally:
        state.close()
    print("makb: stopped", file=sys.stderr, flush=True)
    return 0
