"""The reader's discovery keys: `=` similar papers, For you (the tab, `f`, the palette), `x` not
for me with undo, Esc back; the vectors computed off the UI thread."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA, settle
from papershelf.loaders.discovery import marks, vectors
from papershelf.loaders.store.database import Store
from papershelf.tui.app import PapershelfApp
from papershelf.tui.state.discovery import progress_label

SIZE = (100, 30)
SPECULATIVE = json.loads((DATA / "discovery_judged.json").read_text())["recommend"]["speculative decoding"]


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


def star_speculative(path: Path, count: int = 3) -> list[int]:
    """Star `count` speculative-decoding papers; return their ids."""
    with Store(path) as store:
        query = "SELECT id FROM papers WHERE title = ?"
        ids = [store.conn.execute(query, [title]).fetchone()[0] for title in SPECULATIVE]
        store.set_starred(ids[:count], True)
    return ids


def title_of(path: Path, paper_id: int) -> str:
    with Store(path) as store:
        return store.conn.execute("SELECT title FROM papers WHERE id = ?", [paper_id]).fetchone()[0]


def detail(app: PapershelfApp) -> str:
    return app.reader.query_one("#detail").plain


def messages(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_equals_shows_similar_papers_and_esc_goes_back(embedded, tmp_path):
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        source = app.state.paper_id
        assert source is not None
        await pilot.press("equals_sign", "j")  # the j is for the similar view: it waits for it
        await settle(pilot)
        shelf = app.state.shelf
        assert shelf.view == "similar" and app.reader.paper_list.cursor == 1
        assert source not in list(shelf.ids) and len(shelf) > 10
        title = title_of(embedded, source)
        assert f"Similar to “{title}” · similarity" in detail(app)
        assert f"Similar to “{title[:12]}" in app.reader.top_bar.render_line(0).text
        await pilot.press("escape")
        await settle(pilot)
        assert shelf.view == "all" and app.state.paper_id == source
        assert app.reader.paper_list.cursor == 2
        assert "similarity" not in detail(app)


async def test_similar_of_similar_goes_back_one_step_at_a_time(embedded, tmp_path):
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "a", "j", "equals_sign")  # from All, the paper at 1
        await settle(pilot)
        first = list(app.state.shelf.ids)
        await pilot.press("j", "j", "equals_sign")
        await settle(pilot)
        assert list(app.state.shelf.ids) != first
        await pilot.press("escape")
        await settle(pilot)
        assert list(app.state.shelf.ids) == first and app.reader.paper_list.cursor == 2
        assert "similarity" in detail(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.state.shelf.view == "all" and app.reader.paper_list.cursor == 1
        await pilot.press("escape")  # nowhere further back: nothing happens
        await settle(pilot)
        assert app.state.shelf.view == "all"


async def test_the_first_equals_computes_the_vectors_off_the_ui_thread(sample_store, tmp_path):
    seen: list[str] = []
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state.discovery.progress is None  # no vectors yet: none computed unasked
        with Store(sample_store.path) as store:
            assert vectors.stale_count(store) == 334
        changed = app.state.changed

        def seen_changed(change) -> None:  # what the top bar is told at each change
            seen.append(progress_label(app.state.discovery.progress))
            changed(change)

        app.state.changed = seen_changed
        await pilot.press("equals_sign")
        await settle(pilot)
        assert app.state.shelf.view == "similar" and len(app.state.shelf) > 10
        assert any("preparing For you" in line for line in seen)
        assert "preparing" not in app.reader.top_bar.render_line(0).text
    with Store(sample_store.path) as store:
        assert vectors.stale_count(store) == 0


async def test_for_you_says_how_to_start_with_fewer_than_two_stars(embedded, tmp_path):
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert app.state.shelf.view == "foryou" and len(app.state.shelf) == 0
        assert any("star at least 2 papers" in m for m in messages(app))
        assert " For you 0 " in app.reader.top_bar.render_line(0).text


async def test_for_you_ranks_by_the_stars_with_the_reason_in_the_detail(embedded, tmp_path):
    starred = star_speculative(embedded)
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert " For you " in app.reader.top_bar.render_line(0).text  # the tab, not counted yet
        await pilot.press("f")
        await settle(pilot)
        shelf = app.state.shelf
        assert shelf.view == "foryou" and len(shelf) == 200
        top = [title_of(embedded, int(i)) for i in shelf.ids[:10]]
        assert len(set(top) & set(SPECULATIVE[3:])) >= 5
        assert not set(starred[:3]) & set(shelf.ids)
        likes = [f"like “{title_of(embedded, i)}” (starred)" for i in starred[:3]]
        assert top[0] in detail(app) and any(like in detail(app) for like in likes)  # after the sample notice
        assert " For you 200 " in app.reader.top_bar.render_line(0).text
        await pilot.press("a")
        await settle(pilot)
        assert shelf.view == "all" and "For you ·" not in detail(app)
    with Store(embedded) as store:
        assert marks.last_looked(store, "for-you") is not None


async def test_x_drops_a_paper_from_for_you_and_u_puts_it_back(embedded, tmp_path):
    star_speculative(embedded)
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        shelf = app.state.shelf
        await pilot.press("j", "j")
        marked, after = int(shelf.ids[2]), int(shelf.ids[3])
        await pilot.press("x")
        await settle(pilot)
        assert marked not in list(shelf.ids) and len(shelf) == 199
        assert app.reader.paper_list.cursor == 2 and app.state.paper_id == after
        assert any("not for me — u undoes" in m for m in messages(app))
        assert " For you 199 " in app.reader.top_bar.render_line(0).text
        with Store(embedded) as store:
            assert marks.not_for_me_ids(store) == [marked]
        await pilot.press("u")
        await settle(pilot)
        assert int(shelf.ids[2]) == marked and len(shelf) == 200
        assert app.reader.paper_list.cursor == 2 and app.state.paper_id == marked
        with Store(embedded) as store:
            assert marks.not_for_me_ids(store) == []
        await pilot.press("x", "f")  # marked again, and For you ranked again: it stays out
        await settle(pilot)
        assert marked not in list(shelf.ids)


async def test_for_you_from_the_palette_and_the_tab(embedded, tmp_path):
    from test_app import run_palette_command

    star_speculative(embedded)
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_palette_command(pilot, "For you")
        assert app.state.shelf.view == "foryou"
        await pilot.press("r")
        await settle(pilot)
        assert app.state.shelf.view == "starred"
        bar = app.reader.top_bar.render_line(0).text
        await pilot.click("#top-bar", offset=(bar.index("For you") + 1, 0))
        await settle(pilot)
        assert app.state.shelf.view == "foryou"


async def test_papers_loaded_later_get_their_vectors_in_the_background(embedded, tmp_path):
    page = DATA / "arxiv_snapshot.jsonl"
    with Store(embedded) as store:
        before = store.paper_count()
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.load_path(str(page))
        await settle(pilot)
        await settle(pilot)
    with Store(embedded) as store:
        assert store.paper_count() > before
        assert vectors.stale_count(store) == 0


async def test_for_you_right_after_stars_learns_from_them(embedded, tmp_path):
    with Store(embedded) as store:
        query = "SELECT id FROM papers WHERE title = ?"
        wanted = [store.conn.execute(query, [title]).fetchone()[0] for title in SPECULATIVE[:3]]
    app = PapershelfApp(embedded, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for paper_id in wanted:
            app.state.jump_to(paper_id)
            await settle(pilot)
        for paper_id in wanted:
            app.state.toggle_star(paper_id)
        await pilot.press("f")  # the stars are still being written
        await settle(pilot)
        assert app.state.shelf.view == "foryou" and len(app.state.shelf) == 200
        assert not any("star at least" in m for m in messages(app))
