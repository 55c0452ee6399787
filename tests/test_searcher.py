"""Searching a store: the query language over the word index and the store, and the CLI."""

from __future__ import annotations

import datetime
import json

import pytest

from papershelf.loaders.models import Paper, paper_row
from papershelf.loaders.search.paper_index import PaperIndex
from papershelf.loaders.search.searcher import Searcher
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.userdata import mark_read, set_note
from papershelf.loaders.userdata.lists import add_to_list, create_list

RECENT = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
PAPERS = [
    Paper("WindowKV: KV Cache Window Selection", "We compress the cache of long prompts.",
          authors=["Ana Silva", "Wei Zhang"], categories=["cs.CL"], published="2025-06-03", upvotes=30,
          github_repo="https://github.com/x/windowkv", arxiv_id="2506.00001"),
    Paper("Diffusion Language Models with a KV Cache", "Diffusion decoding meets the key-value cache.",
          authors=["Omar Haddad"], categories=["cs.LG", "cs.CL"], published="2025-05-20", upvotes=5,
          org_id="qualcomm", org_name="Qualcomm", arxiv_id="2505.00002"),
    Paper("Speculative Sampling for Faster Inference", "Draft tokens verified by a larger model.",
          authors=["Sara Kim"], categories=["cs.LG"], published=RECENT, arxiv_id="2511.00003",
          project_page="https://example.org/spec"),
    Paper("Graph Neural Networks at Scale", "Message passing on large graphs, with a cache of embeddings.",
          authors=["Wei Chen"], categories=["stat.ML"], published="2024-12-31", upvotes=21,
          arxiv_id="2412.00004", ai_keywords=["Graphormer", "message passing"]),
]  # fmt: skip


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def shelf(store):
    with store.write():
        store.merge_rows(None, [paper_row(n, p) for n, p in enumerate(PAPERS)])
    ids = {title.split(":")[0].split()[0]: i for i, title, _ in Browser(store).texts()}
    return store, ids


def found(store, text: str) -> list[int]:
    searcher = Searcher(store, PaperIndex.build(Browser(store)))
    results = searcher.search(text, list(Browser(store).paper_ids("listing")))
    assert results is not None
    return results.ids.tolist()


def test_plain_words_rank_title_matches_first_and_reach_other_fields(shelf):
    store, ids = shelf
    assert found(store, "kv cache")[:2] == [ids["WindowKV"], ids["Diffusion"]]
    assert found(store, "qualcomm") == [ids["Diffusion"]]
    assert found(store, "haddad") == [ids["Diffusion"]]
    assert found(store, "stat") == [ids["Graph"]]
    set_note(store, ids["Speculative"], "reread the drafting part")
    assert found(store, "drafting") == [ids["Speculative"]]


def test_a_word_mistyped_past_recognition_does_not_hide_what_the_others_find(shelf):
    store, ids = shelf
    assert found(store, "windowkv cache selection qqq") == [ids["WindowKV"]]
    assert found(store, "cache qqq") == []  # two words: both are needed


def test_exclusions_phrases_and_fields(shelf):
    store, ids = shelf
    assert ids["Diffusion"] not in found(store, "cache -diffusion")
    assert found(store, '"key-value cache"') == [ids["Diffusion"]]
    assert ids["WindowKV"] not in found(store, '-"window selection" cache')
    assert found(store, "author:silva") == [ids["WindowKV"]]
    assert found(store, "org:Qualcomm") == [ids["Diffusion"]]
    assert set(found(store, "cat:cs.CL")) == {ids["WindowKV"], ids["Diffusion"]}
    assert found(store, "has:code") == [ids["WindowKV"]]
    assert found(store, "has:project") == [ids["Speculative"]]
    assert found(store, "date:2025-06") == [ids["WindowKV"]]
    assert set(found(store, "date:>=2025-05-20")) == {ids["WindowKV"], ids["Diffusion"], ids["Speculative"]}
    assert set(found(store, "date:<2025")) == {ids["Graph"]}
    assert set(found(store, "date:<=2025-05")) == {ids["Graph"], ids["Diffusion"]}
    assert found(store, "since:7d") == [ids["Speculative"]]
    assert set(found(store, "upvotes:>20")) == {ids["WindowKV"], ids["Graph"]}
    assert set(found(store, "upvotes:>=21 cache")) == {ids["WindowKV"], ids["Graph"]}


def test_hugging_faces_keywords_are_words_and_a_field(shelf):
    store, ids = shelf
    assert found(store, "graphormer") == [ids["Graph"]]  # in no title or abstract: a keyword
    assert found(store, 'keyword:"message passing"') == [ids["Graph"]]
    assert found(store, "keyword:passing") == [ids["Graph"]]
    assert ids["Graph"] not in found(store, "-keyword:graphormer")
    assert len(found(store, "-keyword:graphormer")) == len(PAPERS) - 1


def test_the_users_own_state(shelf):
    store, ids = shelf
    store.set_starred([ids["Graph"]], True)
    mark_read(store, [ids["WindowKV"]])
    create_list(store, "Reading")
    add_to_list(store, "Reading", [ids["Speculative"]])
    set_note(store, ids["Diffusion"], "a note")
    assert found(store, "is:starred") == [ids["Graph"]]
    assert found(store, "list:starred") == [ids["Graph"]]
    assert found(store, "is:read") == [ids["WindowKV"]]
    assert ids["WindowKV"] not in found(store, "is:unread")
    assert found(store, "is:noted") == [ids["Diffusion"]]
    assert found(store, "list:reading") == [ids["Speculative"]]
    assert found(store, "list:nothing") == []
    assert ids["Graph"] not in found(store, "-is:starred")


def test_malformed_fields_are_text_and_never_an_error(shelf):
    store, ids = shelf
    assert found(store, "upvotes:many") == []
    assert found(store, 'date:2025-99 "') == []
    assert found(store, "speculative:sampling") == [ids["Speculative"]]


def test_the_command_line_in_the_filters_order_with_json(shelf, run):
    store, ids = shelf
    document = json.loads(run("search", "kv", "cache", "--json").stdout)
    assert document["schema_version"] == 1 and document["query"] == "kv cache"
    lines = document["results"]
    assert [line["id"] for line in lines] == found(store, "kv cache")
    assert lines[0]["title"].startswith("WindowKV") and "title" in lines[0]["fields"]
    ranked = json.loads(run("search", "cache", "--json").stdout)["results"]
    assert ranked[-1]["id"] == ids["Graph"] and ranked[-1]["fields"] == ["abstract"]
    assert ranked[0]["score"] > ranked[-1]["score"]
    assert [x["fields"] for x in json.loads(run("search", "qualcomm", "--json").stdout)["results"]] == [
        ["org"]
    ]
    assert run("search", "cache", "--limit", "1").stdout.count("\n") == 1
    store.set_starred([ids["Graph"]], True)
    assert run("search", "cache", "--starred").stdout.split("\t")[0] == str(ids["Graph"])


def test_the_command_line_says_what_is_wrong_in_one_line(shelf, run):
    result = run("search", "cache", "--list", "nothing")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "nothing" in result.stderr
    both = run("search", "cache", "--list", "x", "--starred")
    assert both.exit_code == 1 and both.stderr.startswith("papershelf: error:")
