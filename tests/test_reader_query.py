"""The reader's filter speaks the query language `papershelf search` speaks (issue 13): fields,
phrases, exclusions, the user's own state, plain words in authors and organisations — same papers,
same order, the store asked off the UI thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from test_searcher import PAPERS

from conftest import settle
from papershelf.loaders.models import paper_row
from papershelf.loaders.search.paper_index import PaperIndex
from papershelf.loaders.search.searcher import Searcher
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import set_note
from papershelf.tui.app import PapershelfApp

QUERIES = [
    "qualcomm",
    "haddad",
    "kv cache",
    "kv cache -diffusion",
    '"key-value cache"',
    "cache org:qualcomm",
    "cat:cs.CL",
    "-cat:cs.CL",
    "author:wei cache",
    "upvotes:>20",
    "date:2025-06",
    "list:starred",
    "is:starred cache",
    "has:code",
    "graphormer",
    'keyword:"message passing"',
]


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)


@pytest.fixture
def papers(store: Store) -> dict[str, int]:
    with store.write():
        store.merge_rows(None, [paper_row(n, p) for n, p in enumerate(PAPERS)])
    ids = {title.split(":")[0].split()[0]: i for i, title, _ in Browser(store).texts()}
    store.set_starred([ids["Graph"], ids["WindowKV"]], True)
    return ids


def searched(store: Store, text: str) -> list[int]:
    results = Searcher(store, PaperIndex.build(Browser(store))).search(
        text, list(Browser(store).paper_ids("listing"))
    )
    assert results is not None
    return results.ids.tolist()


def shown(app: PapershelfApp) -> list[int]:
    return [int(i) for i in app.state.shelf.ids]


async def typed(pilot, text: str) -> None:
    app = pilot.app
    if app.focused is app.reader.filter_input:
        await pilot.press("escape")  # clears it and leaves
    await settle(pilot)
    await pilot.press("slash", *text)
    await settle(pilot)
    assert app.reader.filter_input.value == text  # `-` and `/` typed, not taken by the list's keys


async def test_the_filter_finds_what_search_finds_in_the_same_order(store, papers, tmp_path):
    app = PapershelfApp(store, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for query in QUERIES:
            await typed(pilot, query)
            assert shown(app) == searched(store, query), query
        await typed(pilot, "qualcomm")
        assert shown(app) == [papers["Diffusion"]]  # in no title or abstract: its organisation
        await typed(pilot, "kv cache -diffusion")
        assert papers["Diffusion"] not in shown(app) and papers["WindowKV"] in shown(app)


async def test_a_note_and_a_star_made_in_the_reader_are_found_by_the_next_query(store, papers, tmp_path):
    app = PapershelfApp(store, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "is:starred")
        assert sorted(shown(app)) == sorted([papers["Graph"], papers["WindowKV"]])
        app.state.toggle_star(papers["Graph"])  # as `s` does, on the paper under the cursor
        await settle(pilot)
        await typed(pilot, "is:starred")
        assert shown(app) == [papers["WindowKV"]]
        await typed(pilot, "is:noted")
        assert shown(app) == []
        set_note(store, papers["Speculative"], "about drafting")  # a second reader's note
        app.state.check_outside_changes()
        await settle(pilot)
        await typed(pilot, "is:noted")
        assert shown(app) == [papers["Speculative"]]


async def test_a_filter_the_store_has_answered_once_is_answered_at_once(store, papers, tmp_path):
    app = PapershelfApp(store, tmp_path / "reader.json")
    asked: list[str] = []
    answers = app.state.query_answers
    run = answers._run

    def recording_run() -> None:
        asked.append(threading.current_thread().name)
        run()

    answers._run = recording_run  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "author:haddad")
        assert shown(app) == [papers["Diffusion"]]
        assert asked == ["papershelf-query"]  # the store asked on its own thread, not the UI's
        app.reader.filter_input.value = "author:haddad"  # asked again: kept, shown in this call
        assert shown(app) == [papers["Diffusion"]]


async def test_the_list_waits_for_the_store_rather_than_showing_unfiltered_papers(store, papers, tmp_path):
    app = PapershelfApp(store, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        gate = threading.Event()
        ask = app.state.query_answers._run

        def slow_run() -> None:
            gate.wait(5)
            ask()

        app.state.query_answers._run = slow_run  # type: ignore[method-assign]
        app.reader.filter_input.value = "org:qualcomm"
        await pilot.pause()
        assert len(shown(app)) == len(PAPERS)  # the store has not answered: nothing shown changed
        gate.set()
        await settle(pilot)
        assert shown(app) == [papers["Diffusion"]]
