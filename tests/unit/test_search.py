"""The search index: accents and case ignored, prefix before substring, connectedness breaks ties,
acronyms and aliases found, kinds filtered, the file written beside the store and read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from kb import search
from kb.errors import ConfigError
from kb.search import EXACT, INSIDE, PREFIX, WORD, Entry, SearchIndex, normalise
from kb.store import OxigraphStore
from tests.support.kbs import ERC_TITLE, SEED_FILES
from tests.support.makb import MakbRunner

ENTRIES = [
    Entry("x:undp", "organisation", "United Nations Development Programme", ("United Nations Development Programme",
                                                                             "UNDP"), "United States", 40),
    Entry("x:undp-tj", "unit", "UNDP Tajikistan Country Office", ("UNDP Tajikistan Country Office", "UNDP CO"),
          "Tajikistan", 12),
    Entry("x:fund", "organisation", "Fondation Suisse de Déminage", ("Fondation Suisse de Déminage", "FSD"),
          None, 3),
    Entry("x:geneva", "place", "Genève", ("Genève",), "Switzerland", 1),
    Entry("x:anama", "organisation", "Azerbaijan National Agency for Mine Action",
          ("Azerbaijan National Agency for Mine Action", "ANAMA", "Mine Action Agency of Azerbaijan"),
          "Azerbaijan", 20),
    Entry("x:sunday", "person", "Ana Sundquist", ("Ana Sundquist",), None, 2),
    Entry("x:mag", "organisation", "Mines Advisory Group", ("Mines Advisory Group", "MAG"), None, 5),
    Entry("x:magic", "project", "Magic Clearance Project", ("Magic Clearance Project",), None, 50),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(ENTRIES)


def iris(hits: list[search.Hit]) -> list[str]:
    return [h.entry.iri for h in hits]


def test_normalise_drops_accents_case_and_punctuation() -> None:
    assert normalise("  Fondation SUISSE de Déminage ") == "fondation suisse de deminage"
    assert normalise("U.N.-D.P.") == "u n d p"
    assert normalise("Genève") == normalise("GENEVE") == "geneve"


def test_accents_and_case_do_not_matter(index: SearchIndex) -> None:
    assert iris(index.search("geneve")) == ["x:geneva"]
    assert iris(index.search("GENÈVE")) == ["x:geneva"]
    assert iris(index.search("déminage")) == ["x:fund"]
    assert iris(index.search("DEMINAGE")) == ["x:fund"]


def test_acronyms_and_aliases_are_found(index: SearchIndex) -> None:
    hit = index.search("anama")[0]
    assert (hit.entry.iri, hit.matched, hit.quality) == ("x:anama", "ANAMA", EXACT)
    hit = index.search("fsd")[0]
    assert hit.entry.iri == "x:fund" and hit.matched == "FSD"
    alias = index.search("mine action agency")[0]
    assert alias.entry.iri == "x:anama" and alias.quality == PREFIX


def test_exact_before_prefix_before_word_before_substring(index: SearchIndex) -> None:
    hits = index.search("mag")
    # "MAG" exact beats the better-connected "Magic ..." which only starts with it
    assert iris(hits)[:2] == ["x:mag", "x:magic"]
    assert [h.quality for h in hits[:2]] == [EXACT, PREFIX]
    hits = index.search("sund")
    # "Ana Sundquist": a word starts with it; no name starts with it
    assert [(h.entry.iri, h.quality) for h in hits] == [("x:sunday", WORD)]
    hits = index.search("ndquist")
    assert [(h.entry.iri, h.quality) for h in hits] == [("x:sunday", INSIDE)]


def test_connectedness_ranks_matches_of_the_same_quality(index: SearchIndex) -> None:
    hits = index.search("undp")
    # both match by prefix or exact name: the exact acronym first, then the unit
    assert iris(hits) == ["x:undp", "x:undp-tj"]
    hits = index.search("ma")       # both prefix matches ("MAG", "Magic ..."), the more connected first
    prefix = [h.entry.iri for h in hits if h.quality == PREFIX]
    assert prefix[:2] == ["x:magic", "x:mag"]


def test_kinds_limit_and_empty_queries(index: SearchIndex) -> None:
    assert iris(index.search("undp", kinds=["unit"])) == ["x:undp-tj"]
    assert len(index.search("a", limit=2)) == 2
    assert index.search("   ") == [] and index.search("?!") == []
    assert index.search("zzzz") == []
    with pytest.raises(ConfigError, match="unknown entity kind"):
        index.search("undp", kinds=["planet"])


def test_suggest_falls_back_to_the_words_of_an_unknown_name(index: SearchIndex) -> None:
    assert index.search("Agency Azerbaijan National") == []
    assert iris(index.suggest("Agency Azerbaijan National")) == ["x:anama"]
    assert index.search("anamax") == []
    assert iris(index.suggest("anamax")) == ["x:anama"]           # the longest start that matches
    assert index.suggest("qq") == []


def test_file_round_trip(index: SearchIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.json"
    index.save(path)
    again = SearchIndex.read(path)
    assert again.entries == index.entries
    assert iris(again.search("geneve")) == ["x:geneva"]


def test_built_from_a_store_and_written_beside_it(seed_store_copy: Path) -> None:
    store = OxigraphStore(seed_store_copy)
    try:
        path = search.index_path(store)
        assert path is not None and path.parent == seed_store_copy.resolve().parent
        assert not str(path).startswith(str(seed_store_copy.resolve()) + "/")
        index = search.refresh(store)
        assert index is not None and path.is_file()
        anama = index.search("anama")[0]
        assert anama.entry.kind == "organisation" and anama.entry.score > 0
        undp = [h.entry for h in index.search("undp", kinds=["organisation"])]
        assert undp and undp[0].label == "United Nations Development Programme"
        assert search.load(store) is search.load(store)     # read once per process
        search.forget(store)
        assert not path.exists()
        assert search.load(store).search("anama")[0].entry.iri == anama.entry.iri
        assert path.is_file()
    finally:
        store.close()


def test_makb_search_on_the_command_line(seed_store_copy: Path, runner: MakbRunner) -> None:
    code, out, _ = runner("--store", str(seed_store_copy), "search", "anama", "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert hits[0]["iri"].endswith("/org/anama") and hits[0]["url"] == "/id/org/anama"
    code, out, _ = runner("--store", str(seed_store_copy), "search", "undp", "--kind", "unit", "--limit", "2")
    assert code == 0 and len(out.strip().splitlines()) == 2 and "unit" in out
    code, out, _ = runner("--store", str(seed_store_copy), "search", "qqqq")
    assert code == 1 and "nothing called 'qqqq'" in out
    code, _, err = runner("--store", str(seed_store_copy), "search", "x", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_a_web_write_drops_the_index_file_and_the_next_search_sees_the_new_document(
        seed_store_copy: Path, make_app: Callable[..., Flask]) -> None:
    path = seed_store_copy.resolve().with_name(seed_store_copy.name + ".search.json")
    app = make_app(seed_store_copy, MAKB_WRITE_TOKEN="secret")
    client = app.test_client()
    assert client.get("/search?q=zorblat&format=json").get_json()["hits"] == []
    assert path.is_file()
    text = SEED_FILES["erc"].read_text(encoding="utf-8").replace(ERC_TITLE, "Zorblat " + ERC_TITLE)
    assert "Zorblat" in text
    resp = client.post("/upload?name=zorblat.txt", data=text.encode("utf-8"),
                       headers={"Authorization": "Bearer secret", "Content-Type": "text/plain"})
    assert resp.status_code in (200, 201), resp.get_data(as_text=True)
    assert not path.exists()                              # dropped with the write
    hits = client.get("/search?q=zorblat&format=json").get_json()["hits"]
    assert hits and hits[0]["label"] == "Zorblat " + ERC_TITLE and hits[0]["kind"] == "evaluation"
    assert path.is_file()                                 # and written again for the next start
