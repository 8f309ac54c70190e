"""One interface over where the KB lives.

- ``OxigraphStore(path)``: the embedded Oxigraph store on disk (the default,
  ``.makb/store`` under the working directory; ``--store`` / ``MAKB_STORE``);
- ``OxigraphStore(None)``: in memory, for tests and one-off runs;
- ``RemoteStore(query_url, ...)``: any SPARQL 1.1 endpoint (Query, Update and,
  where offered, the Graph Store Protocol), e.g. an Oxigraph server, Fuseki,
  GraphDB, Virtuoso.  Queries see the union of all graphs: start Oxigraph with
  ``--union-default-graph`` (Fuseki: ``tdb2:unionDefaultGraph true``).

Every document lives in its own named graph, and loading a document's graph
replaces the old one atomically: readers see the old graph or the new one,
never a mix, and a crash leaves one of the two.
"""

from __future__ import annotations

from typing import Any

from kb.store.base import RDF_FORMATS, Store, from_term, nquads, ntriples, split_nquads, to_term
from kb.store.oxigraph import OxigraphStore, convert_result
from kb.store.remote import RemoteStore
from kb.store.results import AskResult, GraphResult, QueryResult, SelectResult, Term

__all__ = ["RDF_FORMATS", "AskResult", "GraphResult", "OxigraphStore", "QueryResult", "RemoteStore",
           "SelectResult", "Store", "Term", "convert_result", "from_term", "nquads", "ntriples", "open_store",
           "split_nquads", "to_term"]


def open_store(settings: dict[str, Any], read_only: bool = False, memory: bool = False) -> Store:
    """The store the settings name: the remote endpoint when set, else the embedded store."""
    if memory:
        return OxigraphStore(None)
    if settings.get("MAKB_ENDPOINT"):
        return RemoteStore(settings["MAKB_ENDPOINT"], settings.get("MAKB_UPDATE_ENDPOINT"),
                           settings.get("MAKB_GSP_ENDPOINT"), retries=int(settings.get("MAKB_REMOTE_RETRIES", 3)),
                           timeout=float(settings.get("MAKB_REMOTE_TIMEOUT", 60.0)))
    return OxigraphStore(settings["MAKB_STORE"], read_only=read_only)
