"""The reader's top bar (view tabs, progress, count) and key bar, driven with Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from conftest import settle
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists
from papershelf.tui.app import PapershelfApp
from papershelf.tui.screens.help import HelpScreen
from papershelf.tui.widgets.key_bar import KeyBar
from papershelf.tui.widgets.paper_list import PaperList
from papershelf.tui.widgets.top_bar import TopBar, ViewTab

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)


@pytest.fixture
def app(sample_store: Store) -> PapershelfApp:
    return PapershelfApp(sample_store, None)


def top_line(app: PapershelfApp) -> str:
    return app.reader.top_bar.render_line(0).text


def key_line(app: PapershelfApp) -> str:
    return app.reader.query_one(KeyBar).render_line(0).text


async def test_clicking_a_tab_switches_the_view_and_keeps_the_focus(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.click(TopBar, offset=(top_line(app).index("Starred"), 0))
        await settle(pilot)
        assert app.state.shelf.view == "starred" and len(app.state.shelf) == 1
        assert top_line(app).endswith(" 1 / 1  ·  star time ")
        assert isinstance(app.focused, PaperList)
        await pilot.click(TopBar, offset=(top_line(app).index("All"), 0))
        await settle(pilot)
        assert app.state.shelf.view == "all" and len(app.state.shelf) == 334


async def test_the_active_tab_is_highlighted_in_the_theme_colours(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.reader.top_bar

        def color_of(word: str):
            x = top_line(app).index(word)
            return next(s.style.color for s in bar.render_line(0).crop(x, x + 1) if s.text.strip())

        all_active, starred = color_of("All"), color_of("Starred")
        assert all_active != starred
        await pilot.press("r")
        await settle(pilot)
        assert (color_of("Starred"), color_of("All")) == (all_active, starred)
        app.theme = "textual-light"
        await pilot.pause()
        assert color_of("Starred") not in (all_active, starred)


async def test_the_key_bar_follows_the_focus(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert " / Filter  s Star  y Copy link  o Open  q Quit  ? Help " in key_line(app)
        assert key_line(app).endswith("▏ ^p palette ")
        await pilot.press("slash")
        assert "Clear filter" in key_line(app) and "Keep filter" in key_line(app)
        assert "Star" not in key_line(app)  # `s` is typed into the filter
        await pilot.press("escape")
        assert "Clear filter" not in key_line(app) and " s Star " in key_line(app)


async def test_clicking_a_key_presses_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(KeyBar, offset=(key_line(app).index("Star"), 0))
        await settle(pilot)
        assert app.state.shelf.starred_count == 1
        await pilot.click(KeyBar, offset=(key_line(app).index("?"), 0))
        assert isinstance(app.screen, HelpScreen)


async def test_focus_moves_and_progress_lay_out_nothing(app):
    """The bars repaint their own line: the Footer laid the screen out 3 times for each `/`."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        layouts = []
        refresh_layout = screen._refresh_layout
        screen._refresh_layout = lambda *args, **kwargs: layouts.append(refresh_layout(*args, **kwargs))
        await pilot.press("slash", "enter", "tab", "s")
        app.reader.fetch_progress(1, 7)
        await pilot.pause()
        app.reader.fetch_progress(None)
        await settle(pilot)
        assert layouts == []


async def test_list_names_show_literally_and_leave_the_count_in_view(sample_store):
    name = "[bold]x[/] red " + "and a very long name " * 3
    lists.create_list(sample_store, name)
    lists.add_to_list(sample_store, name, [1, 2])
    app = PapershelfApp(sample_store, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.reader.show_list(name)
        await pilot.press("U")  # unread only: a longer count
        await settle(pilot)
        assert (
            top_line(app)
            == " All 334  Starred 0  For you  [bold]x[/] red an… 2  unread 2 / 2  ·  list order "
        )
        app.reader.fetch_progress(3, 7)
        await pilot.pause()
        assert top_line(app).endswith(" fetching 3/7 days ▰▰▰▰▱▱▱▱▱▱  unread 2 / 2  ·  list order ")


async def test_keys_that_do_not_fit_are_left_out_whole(app):
    async with app.run_test(size=(40, 24)) as pilot:
        await settle(pilot)
        line = key_line(app)
        assert line.startswith(" / Filter  s Star … ") and line.endswith(" ▏ ^p palette ") and len(line) == 40


async def test_control_characters_in_a_name_are_not_written_to_the_terminal():
    class Bar(App):
        def compose(self) -> ComposeResult:
            yield TopBar()

    app = Bar()
    async with app.run_test(size=(60, 3)) as pilot:
        bar = app.query_one(TopBar)
        bar.show([ViewTab("list", "\x1b[31mred\x1b[0m\nlist\x1b]0;pwned\x07", 2)], "list", "2 / 2")
        await pilot.pause()
        assert bar.render_line(0).text.startswith(" red list 2 ")
