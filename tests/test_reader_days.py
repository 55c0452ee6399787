"""Browsing by listing day in the reader, driven like a user: the day sort's headers, the keys that
move over them, `[` / `]`, "Go to day…", the listing day in the detail."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import settle
from papershelf.loaders.store.database import Store
from papershelf.tui.app import PapershelfApp
from papershelf.tui.screens.day_chooser import DayChooser
from papershelf.tui.widgets.paper_detail import PaperDetail
from papershelf.tui.widgets.paper_list import PaperList

SIZE = (100, 30)
AUG_14, JUN_18, JUN_6, UNDATED = 50, 44, 48, 192  # the sample's days, newest first


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)


@pytest.fixture
def app(sample_store: Store, tmp_path: Path) -> PapershelfApp:
    return PapershelfApp(sample_store, tmp_path / "reader.json")


def papers(app: PapershelfApp) -> PaperList:
    return app.reader.paper_list


def lines(app: PapershelfApp) -> list[str]:
    shown = papers(app)
    return [shown.render_line(y).text.rstrip() for y in range(shown.size.height)]


def listing_day(app: PapershelfApp, position: int) -> str | None:
    paper_id = app.state.id_at(position)
    with Store(app.state.store_path) as store:
        return store.conn.execute("SELECT listing_date FROM papers WHERE id = ?", [paper_id]).fetchone()[0]


def notifications(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications]


async def by_day(pilot) -> None:
    await settle(pilot)
    pilot.app.sort_by("day")  # the cursor stays on its paper: the first of the store, of no day
    await settle(pilot)
    await pilot.press("home")


async def test_the_day_sort_shows_a_header_before_each_day(app):
    async with app.run_test(size=SIZE) as pilot:
        await by_day(pilot)
        shown = lines(app)
        assert shown[0].startswith(" Aug 14, 2025 · 50 papers ─")
        assert shown[1][3:].strip() and "papers" not in shown[1]
        assert "334 / 334  ·  listing day" in app.reader.top_bar.render_line(0).text  # papers, not lines
        assert papers(app).virtual_size.height == 334 + 4
        await pilot.press("end")
        assert papers(app).cursor == 333
        assert papers(app).line_of(333) == 337 == papers(app).virtual_size.height - 1
        await pilot.press("minus", "home")
        await settle(pilot)
        assert lines(app)[0].startswith(" Jun 6, 2025 · 48 papers")


async def test_the_cursor_steps_over_headers_and_actions_never_target_one(app):
    async with app.run_test(size=SIZE) as pilot:
        await by_day(pilot)
        shown = papers(app)
        shown.move_to(AUG_14 - 1)  # the last paper of Aug 14
        await pilot.pause()
        await pilot.press("j")
        assert shown.cursor == AUG_14 and listing_day(app, shown.cursor) == "2025-06-18"
        await pilot.press("k")
        assert shown.cursor == AUG_14 - 1
        paper_id = app.state.id_at(shown.cursor)
        await pilot.press("s")
        await settle(pilot)
        assert app.state.shelf.starred_count == 1 and app.state.days is not None
        with Store(app.state.store_path) as store:
            assert store.conn.execute("SELECT paper_id FROM stars").fetchall() == [(paper_id,)]


async def test_a_click_on_a_header_selects_the_first_paper_of_its_day(app):
    async with app.run_test(size=SIZE) as pilot:
        await by_day(pilot)
        shown = papers(app)
        shown.move_to(AUG_14 + 3)
        await pilot.pause()
        cursor = shown.cursor
        top = round(shown.scroll_offset.y)
        header = next(y for y, line in enumerate(lines(app)) if line.startswith(" Jun 18"))
        await pilot.click(PaperList, offset=(10, header))
        assert shown.cursor == AUG_14 and shown.cursor != cursor
        await pilot.click(PaperList, offset=(10, header + 2))
        assert shown.cursor == AUG_14 + 1
        assert round(shown.scroll_offset.y) == top


async def test_page_keys_count_header_lines(app):
    async with app.run_test(size=SIZE) as pilot:
        await by_day(pilot)
        shown = papers(app)
        height = shown.scrollable_content_region.height
        await pilot.press("pagedown")
        assert shown.line_of(shown.cursor) == 1 + height - 1  # from line 1: Aug 14's first paper
        while shown.cursor < AUG_14 + 5:
            await pilot.press("pagedown")
        at = shown.cursor
        await pilot.press("pageup")
        assert shown.line_of(at) - shown.line_of(shown.cursor) in (height - 1, height)  # a header on the way


async def test_brackets_go_to_the_next_and_previous_day(app):
    async with app.run_test(size=SIZE) as pilot:
        await by_day(pilot)
        shown = papers(app)
        await pilot.press("right_square_bracket")
        assert shown.cursor == AUG_14
        assert lines(app)[0].startswith(" Jun 18, 2025 · 44 papers")  # the day at the top
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert shown.cursor == AUG_14 + JUN_18 + JUN_6
        await pilot.press("right_square_bracket")
        assert shown.cursor == AUG_14 + JUN_18 + JUN_6 and notifications(app)[-1] == "No next day shown."
        await pilot.press("j", "j", "left_square_bracket")
        assert shown.cursor == AUG_14 + JUN_18  # Jun 6's first paper
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert shown.cursor == 0


async def test_brackets_in_another_sort_say_they_need_the_day_sort(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        assert papers(app).cursor == 0
        assert "sorted by it" in notifications(app)[-1]


async def test_a_filter_in_the_day_sort_groups_its_matches_by_day(app):
    async with app.run_test(size=SIZE) as pilot:
        await by_day(pilot)
        await pilot.press("slash", *"diffusion", "enter")
        await settle(pilot)
        days = app.state.days
        assert days is not None and days.papers == len(app.state.shelf) < 334
        assert days.days == ("2025-08-14", "2025-06-18", "2025-06-06", None)
        assert [listing_day(app, days.starts[n]) for n in range(3)] == list(days.days[:3])
        assert lines(app)[0].startswith(f" Aug 14, 2025 · {days.counts[0]} paper")
        last_of_first = days.starts[1] - 1
        assert listing_day(app, last_of_first) == "2025-08-14"


async def test_go_to_day_sorts_by_day_and_goes_to_its_first_paper(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state.shelf.sort == "listing"
        app.reader.action_go_to_day()
        await settle(pilot)
        assert isinstance(app.screen, DayChooser)
        await pilot.press(*"jun 1", "enter")
        await settle(pilot)
        assert app.state.shelf.sort == "day"
        assert papers(app).cursor == AUG_14 and listing_day(app, AUG_14) == "2025-06-18"
        app.reader.action_go_to_day()
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Aug 14, Jun 18, Jun 6
        await settle(pilot)
        assert papers(app).cursor == AUG_14 + JUN_18


async def test_the_detail_says_the_listing_day(app):
    async with app.run_test(size=SIZE) as pilot:
        await by_day(pilot)
        assert "listed Aug 14, 2025 · from built-in sample" in app.reader.query_one(PaperDetail).plain
        await pilot.press("end")
        await settle(pilot)
        assert "listed" not in app.reader.query_one(PaperDetail).plain
