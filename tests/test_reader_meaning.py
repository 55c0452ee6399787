"""Search by meaning (issue 16): with vectors in the store, the reader's filter and
`papershelf search` blend the words' scores with the query's similarity, so that a paraphrase
reaches papers that hold few of its words, a remembered title keeps its top place, and what came
by meaning only is marked. Without vectors nothing is embedded for the filter."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA, runner, settle
from papershelf.loaders.discovery.service import Discovery
from papershelf.loaders.search.paper_index import PaperIndex
from papershelf.loaders.search.searcher import Searcher
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store
from papershelf.tui.app import PapershelfApp

JUDGED = json.loads((DATA / "discovery_judged.json").read_text())
PARAPHRASE = JUDGED["paraphrase"][0]  # "letting the model skip work on easy tokens"
KNOWN = JUDGED["known_item"][0]  # "atention is all you need for kv cahce in difusion"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)


@pytest.fixture
def embedded(embedded_sample: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    shutil.copy(embedded_sample, path)
    return path


def ids_of(path: Path, titles: list[str]) -> list[int]:
    with Store(path) as store:
        sql = "SELECT id FROM papers WHERE title = ?"
        return [store.conn.execute(sql, [title]).fetchone()[0] for title in titles]


def searched(path: Path, text: str):
    with Store(path) as store:
        browser = Browser(store)
        searcher = Searcher(store, PaperIndex.build(browser), Discovery(path).similarity)
        results = searcher.search(text, list(browser.paper_ids("listing")))
        assert results is not None
        return results


def test_search_reaches_a_paraphrase_by_meaning_and_keeps_a_title_first(embedded):
    relevant = set(ids_of(embedded, PARAPHRASE["relevant"]))
    results = searched(embedded, PARAPHRASE["query"])
    top = results.ids[:10].tolist()
    assert len(set(top) & relevant) >= 2  # by words alone: none (no paper holds them all)
    assert set(top) <= set(results.by_meaning.tolist())
    title = searched(embedded, KNOWN["query"])
    assert title.ids[0] == ids_of(embedded, [KNOWN["paper"]])[0]
    assert title.ids[0] not in title.by_meaning


def test_the_command_line_marks_what_came_by_meaning(embedded):
    run = runner(embedded)
    result = run("search", "--json", "--limit", "5", *PARAPHRASE["query"].split())
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)["results"]
    assert len(records) == 5 and all(record["by_meaning"] for record in records)
    text = run("search", "--limit", "3", *PARAPHRASE["query"].split()).output
    assert text.count("≈ by meaning") == 3


async def test_the_filter_ranks_by_meaning_as_search_does_and_says_why(embedded, tmp_path):
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *PARAPHRASE["query"])
        await settle(pilot)
        shown = [int(i) for i in app.state.shelf.ids]
        assert shown[:20] == searched(embedded, PARAPHRASE["query"]).ids[:20].tolist()
        assert len(set(shown[:10]) & set(ids_of(embedded, PARAPHRASE["relevant"]))) >= 2
        await pilot.press("enter")  # to the list, on the first paper
        await settle(pilot)
        assert "found by meaning" in app.reader.query_one("#detail").plain
        await pilot.press("escape", "slash", *KNOWN["query"])
        await settle(pilot)
        assert int(app.state.shelf.ids[0]) == ids_of(embedded, [KNOWN["paper"]])[0]
        assert "found by meaning" not in app.reader.query_one("#detail").plain


async def test_a_store_without_vectors_is_searched_by_words_and_never_embedded(sample_store, tmp_path):
    app = PapershelfApp(sample_store, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *PARAPHRASE["query"])
        await settle(pilot)
        browser = Browser(sample_store)
        by_words = Searcher(sample_store, PaperIndex.build(browser)).search(
            PARAPHRASE["query"], list(browser.paper_ids("listing"))
        )
        assert by_words is not None and not len(by_words.by_meaning)
        assert [
            int(i) for i in app.state.shelf.ids
        ] == by_words.ids.tolist() and not app.state.shelf.by_meaning
        count = sample_store.conn.execute("SELECT count(*) FROM paper_vectors").fetchone()[0]
        assert count == 0
