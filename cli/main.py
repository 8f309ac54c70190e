"""``makb``: build, query, export, validate and explore the Mine Action KB.

A thin layer over tested library functions: it parses arguments, makes one
library call, prints.  User mistakes and bad input are one-line errors on
stderr with a non-zero exit code, never tracebacks.

Exit codes: 0 success, 1 failure (some documents failed, validation found
violations, a query failed), 2 usage or configuration error, 3 store
unavailable.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import analyze, search, serve
from cli.context import EXIT_FAIL, EXIT_OK, EXIT_STORE, Context, Formatter, example_lines, out
from kb import settings as settings_mod
from kb.analysis.exports import GRAPH_FORMATS
from kb.errors import ConfigError, KBError, StoreError

if TYPE_CHECKING:   # kb.build is imported by the commands that build, on demand
    from kb.build import DocumentOutcome

# ------------------------------------------------------------------------------------ commands


def cmd_build(ctx: Context, args: argparse.Namespace) -> int:
    from kb.build import build, default_jobs

    paths = args.paths or [ctx.settings["MAKB_DATA"]]
    for p in paths:
        if not Path(p).exists():
            raise ConfigError(f"no such file or directory: {p}")
    registry = ctx.registry()
    bar = _progress_bar(paths, args)

    def on_document(o: DocumentOutcome) -> None:
        if bar is not None:
            bar(o)
        if args.json:
            return
        if o.status == "failed":
            _say(f"FAILED    {o.error}", bar, sys.stderr)
        elif args.verbose:
            _say(f"{o.status:<9} {o.source} ({o.kind}, {o.triples:,} triples)", bar, sys.stdout)
        if args.verbose or args.warnings:
            for w in o.warnings:
                _say(f"          warning: {o.source}: {w}", bar, sys.stdout)

    try:
        jobs = args.jobs if args.jobs is not None else ctx.settings["MAKB_JOBS"]
        report = build(ctx.store, paths, registry, max_bytes=ctx.settings["MAKB_MAX_DOCUMENT_BYTES"],
                       progress=on_document, batch_triples=ctx.settings["MAKB_BATCH_TRIPLES"],
                       jobs=jobs if jobs > 0 else default_jobs())
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        out(json.dumps(report.to_json(), indent=2))
    else:
        print(report.summary())
        print(f"store: {ctx.store.location}")
    if report.store_error:
        print(f"makb: error: {report.store_error}", file=sys.stderr)
        return EXIT_STORE
    return EXIT_FAIL if report.failed else EXIT_OK


def _say(line: str, bar: _Progress | None, stream: Any) -> None:
    """Print one line now (above the progress bar when there is one)."""
    if bar is not None:
        bar.bar.write(line, file=stream)
    else:
        print(line, file=stream, flush=True)


class _Progress:
    """A tqdm bar over the documents of a build, shown only on a terminal."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm
        self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, desc="build")

    def __call__(self, outcome: DocumentOutcome) -> None:
        self.bar.update(1)
        if outcome.status == "failed":
            self.bar.set_postfix_str("some failed", refresh=False)

    def close(self) -> None:
        self.bar.close()


def _progress_bar(paths: Sequence[str], args: argparse.Namespace) -> _Progress | None:
    if args.no_progress or args.json or not sys.stderr.isatty():
        return None
    from kb.build import iter_documents
    return _Progress(sum(1 for _ in iter_documents(paths)))


def cmd_extract(ctx: Context, args: argparse.Namespace) -> int:
    from kb import ingest

    src = ingest.read(args.file, ctx.settings["MAKB_MAX_DOCUMENT_BYTES"])
    doc = ingest.parse_text(src.text, src.source, ctx.registry(), kind=args.kind)
    data = doc.to_json()
    if args.json:
        out(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    out(_extract_text(data))
    return EXIT_OK


def _extract_text(data: dict[str, Any]) -> str:
    lines = [f"{data['source']}  ({data['kind']})"]
    if data["kind"] == "news":
        lines.append(f"title: {data.get('title')}   date: {data.get('date')}")
        for key in ("organisations", "people", "places", "money", "counts", "agreements", "projects", "partnerships"):
            items = data.get(key) or []
            lines.append(f"{key}: {len(items)}")
            for it in items:
                shown = {k: v for k, v in it.items() if k not in ("evidence", "iri") and v not in (None, [], {})}
                lines.append(f"  - {json.dumps(shown, ensure_ascii=False)}")
    else:
        ev = data["evaluation"]
        lines.append(f"evaluation: {ev.get('title')}")
        lines.append(f"  unit {ev.get('commissioning_unit')}, plan {ev.get('evaluation_plan')}, "
                     f"type {ev.get('evaluation_type')}, completed {ev.get('completion_date')}")
        for rec in data["recommendations"]:
            resp = rec.get("response") or {}
            lines.append(f"recommendation {rec['number']} -> {rec.get('addressee')}: "
                         f"{(rec.get('text') or '')[:90]}")
            lines.append(f"  response: {resp.get('acceptance')} added {resp.get('added')}")
            for ka in rec.get("key_actions", []):
                lines.append(f"  {ka['number']}. {ka['text'][:70]} | {', '.join(ka['responsible'])} | "
                             f"due {ka.get('due_text')} | {ka.get('status')}")
    for w in data.get("warnings", []):
        lines.append(f"warning: {w}")
    return "\n".join(lines)


def cmd_query(ctx: Context, args: argparse.Namespace) -> int:
    from kb import queries
    from kb.namespaces import PREFIXES
    from kb.sparql.check import with_prefixes
    from kb.store.results import GraphResult, SelectResult, serialise, table

    params = dict(_param(p) for p in args.param or [])
    if args.name:
        text = queries.get(args.name).render(params)
    elif args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read query file {args.file}: {exc.strerror}") from exc
    elif args.query:
        text = args.query
    else:
        raise ConfigError("give a query, --file F.rq or --name NAME (see 'makb queries')")
    if params and not args.name:
        raise ConfigError("--param only applies to canned queries (--name)")
    text = with_prefixes(text, PREFIXES)
    result = ctx.store.query(text, limit=args.limit)
    if isinstance(result, GraphResult):
        import pyoxigraph as ox

        from kb.store import RDF_FORMATS
        fmt = args.format if args.format in RDF_FORMATS else "ttl"
        triples = ox.parse(result.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        out(ox.serialize(triples, format=RDF_FORMATS[fmt][0]) or b"")
        return EXIT_OK
    fmt = args.format or "table"
    if fmt == "table":
        if isinstance(result, SelectResult):
            out(table(result))
        else:
            out("true" if result.value else "false")
        return EXIT_OK
    if fmt not in ("json", "xml", "csv", "tsv"):
        raise ConfigError(f"--format {fmt} is for CONSTRUCT/DESCRIBE; use table, csv, tsv, json or xml")
    out(serialise(result, fmt))
    return EXIT_OK


def _param(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise ConfigError(f"--param takes NAME=VALUE, got {text!r}")
    k, v = text.split("=", 1)
    return k.strip(), v.strip()


def cmd_queries(ctx: Context, args: argparse.Namespace) -> int:
    from kb import queries

    all_q = queries.all_queries()
    if args.json:
        out(json.dumps([{"name": q.name, "title": q.title, "description": q.description,
                          "params": [p.__dict__ for p in q.params]} for q in all_q.values()], indent=2))
        return EXIT_OK
    for q in all_q.values():
        params = " ".join(f"--param {p.name}=<{p.type}, default {p.default}>" for p in q.params)
        print(f"{q.name}\n    {q.title}. {q.description}\n    makb query --name {q.name} {params}".rstrip())
    return EXIT_OK


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    from kb.store import RDF_FORMATS, dump_kb

    if args.format in RDF_FORMATS:
        # the whole KB is the KB's own graphs, never a server's system graphs
        data = ctx.store.dump(args.format, graph=args.graph) if args.graph else dump_kb(ctx.store, args.format)
        out(data, args.out)
        return EXIT_OK
    if args.format in GRAPH_FORMATS:
        out(analyze.export(ctx, args), args.out)
        return EXIT_OK
    raise ConfigError(f"unknown export format {args.format!r}")


def cmd_validate(ctx: Context, args: argparse.Namespace) -> int:
    from kb.validate import validate

    report = validate(ctx.store)
    out(json.dumps(report.to_json(), indent=2) if args.json else report.text())
    return EXIT_OK if report.conforms else EXIT_FAIL


def cmd_stats(ctx: Context, args: argparse.Namespace) -> int:
    from kb.stats import stats

    s = stats(ctx.store)
    out(json.dumps(s.to_json(), indent=2) if args.json else s.text())
    return EXIT_OK


def cmd_settings(ctx: Context, args: argparse.Namespace) -> int:
    for s in settings_mod.SETTINGS:
        print(f"{s.name} = {ctx.settings.get(s.name)!r}\n    {s.help} (default {s.default!r})")
    return EXIT_OK


# ------------------------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    from kb.store import RDF_FORMATS

    parser = argparse.ArgumentParser(
        prog="makb", formatter_class=Formatter,
        description="Mine Action KB: a knowledge graph of mine-action organisations, partnerships and commitments.",
        epilog=example_lines("makb build                       # ontology, registry and every document under data/",
                         "makb stats",
                         "makb query --name overdue-actions --param asOf=2021-01-01",
                         "makb --endpoint http://127.0.0.1:7878/query build"))
    parser.add_argument("--store", metavar="PATH",
                        help="embedded store directory (default: $MAKB_STORE or .makb/store)")
    parser.add_argument("--endpoint", metavar="URL", help="remote SPARQL 1.1 query URL instead of the embedded store")
    parser.add_argument("--update-endpoint", metavar="URL", help="remote update URL (default: derived from --endpoint)")
    parser.add_argument("--base-iri", metavar="IRI", help="base IRI for minted IRIs (default: $MAKB_BASE_IRI)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, func: Callable[[Context, argparse.Namespace], int], help_: str,
            examples: Sequence[str]) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_, formatter_class=Formatter,
                           epilog=example_lines(*examples))
        p.set_defaults(func=func)
        return p

    p = add("build", cmd_build, "Load the ontology, the registry and documents into the store.",
            ["makb build", "makb build data/documents/000_ed0432e762aadb2d.txt",
             "makb build --json reports/ > out.json"])
    p.add_argument("paths", nargs="*", help="files or directories (default: $MAKB_DATA, the documents under data/)")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.add_argument("--verbose", "-v", action="store_true", help="one line per document as it is read, with warnings")
    p.add_argument("--warnings", action="store_true", help="print every warning")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--jobs", "-j", type=int, metavar="N",
                   help="processes that parse documents (default: $MAKB_JOBS, 0 = one per core, at most four)")

    p = add("extract", cmd_extract, "Show what a document yields, without touching the store.",
            ["makb extract data/documents/000_ed0432e762aadb2d.txt",
             "makb extract --json data/documents/002_f7a1618a2c1dab11.txt"])
    p.add_argument("file", help="a document (ERC page text, management-response document or news release)")
    p.add_argument("--json", action="store_true", help="print the records as JSON")
    p.add_argument("--kind", choices=["erc-page", "response-document", "mr-tracker", "board-response", "news"],
                   help="skip kind detection")

    p = add("query", cmd_query, "Run a SPARQL query (SELECT/ASK as a table, CONSTRUCT/DESCRIBE as Turtle).",
            ["makb query 'SELECT ?o WHERE { ?o a org:Organization } LIMIT 5'",
             "makb query --file my.rq --format csv",
             "makb query --name overdue-actions --param asOf=2021-01-01 --format json"])
    p.add_argument("query", nargs="?", help="the query text (common prefixes are added when missing)")
    p.add_argument("--file", "-f", help="read the query from a .rq file")
    p.add_argument("--name", "-n", help="a canned query (see 'makb queries')")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help="a canned query's parameter")
    p.add_argument("--format", choices=["table", "csv", "tsv", "json", "xml", *RDF_FORMATS],
                   help="output format (default: table; Turtle for CONSTRUCT)")
    p.add_argument("--limit", type=int, help="stop after this many rows")

    p = add("queries", cmd_queries, "List the canned analyst queries.", ["makb queries", "makb queries --json"])
    p.add_argument("--json", action="store_true")

    export_formats = list(RDF_FORMATS) + list(GRAPH_FORMATS)
    p = add("export", cmd_export, "Write the KB (or one graph) as RDF or as a graph file.",
            ["makb export --format ttl --out kb.ttl", "makb export --format trig",
             "makb export --format nt --graph https://w3id.org/makb/id/graph/registry"])
    p.add_argument("--format", required=True, choices=export_formats)
    p.add_argument("--graph", help="one named graph IRI (RDF formats), or a graph name for graph formats")
    p.add_argument("--out", "-o", help="write to this file instead of stdout")

    p = add("validate", cmd_validate, "Check the KB against the SHACL shapes (exit 1 on violations).",
            ["makb validate", "makb validate --json"])
    p.add_argument("--json", action="store_true")

    p = add("stats", cmd_stats, "Triples per graph and instances per class.", ["makb stats", "makb stats --json"])
    p.add_argument("--json", action="store_true")

    add("settings", cmd_settings, "Show every setting, its value and what it does.", ["makb settings"])

    analyze.register(sub, add)
    serve.register(sub, add)
    search.register(sub, add)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx: Context | None = None
    try:
        ctx = Context(args)
        return int(args.func(ctx, args))
    except StoreError as exc:
        print(f"makb: error: {exc.message}", file=sys.stderr)
        return EXIT_STORE
    except KBError as exc:
        print(f"makb: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("makb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
