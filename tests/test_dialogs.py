"""Dialogs and small screens driven as a user drives them: the `l` picker, help, notifications."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import settle
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists
from papershelf.tui.app import PapershelfApp
from papershelf.tui.screens.list_picker import ListPicker


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))


async def test_down_and_up_move_the_highlight_and_enter_picks_it(sample_store: Store, tmp_path: Path):
    for name in ("for the survey", "to reproduce"):
        lists.create_list(sample_store, name)
    app = PapershelfApp(sample_store, tmp_path / "reader.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        paper_id = app.state.id_at(0)
        await pilot.press("l")
        assert isinstance(app.screen, ListPicker)
        # Starred first, then the lists by name: Down twice, Up once is the first list.
        await pilot.press("down", "down", "up", "enter")
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert lists.list_paper_ids(sample_store, "for the survey") == [paper_id]
        assert lists.list_paper_ids(sample_store, "to reproduce") == []
        assert lists.list_paper_ids(sample_store, lists.STARRED) == []  # the star was not toggled
        await pilot.press("l", "up", "enter")  # Up from the top wraps to the last list
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert lists.list_paper_ids(sample_store, "to reproduce") == [paper_id]


async def test_help_scrolls_with_j_and_k_and_names_groups_plainly(sample_store: Store, tmp_path: Path):
    from textual.containers import VerticalScroll

    from papershelf.tui.screens.help import HelpScreen

    app = PapershelfApp(sample_store, tmp_path / "reader.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("#help", VerticalScroll)
        table = app.screen.keys_table()
        groups = [cell for cell in table.columns[0]._cells if cell]
        assert groups == [
            "anywhere",
            "reading",
            "your papers",
            "tagging",
            "in the list",
            "in the detail",
            "in the filter",
            "filter query",
        ]
        assert keys.max_scroll_y > 0
        await pilot.press("j", "j", "j")
        await settle(pilot)
        assert keys.scroll_y == 3
        await pilot.press("k")
        await settle(pilot)
        assert keys.scroll_y == 2
        await pilot.press("G")
        await settle(pilot)
        assert keys.scroll_y == keys.max_scroll_y
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_a_notification_takes_one_line_at_80_columns(sample_store: Store, tmp_path: Path):
    from textual.widgets._toast import Toast

    app = PapershelfApp(sample_store, tmp_path / "reader.json")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("Copied: https://huggingface.co/papers/2601.01234 and a few more words", markup=False)
        await pilot.pause(0.2)
        toast = app.query_one(Toast)
        assert toast.size.height == 1 and toast.size.width <= 80


async def test_tab_completes_a_path_in_the_load_prompt(tmp_path: Path, sample_store: Store):
    from textual.widgets import Input

    from papershelf.tui.screens.prompt import Prompt

    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "june-18.txt").write_text("x")
    (tmp_path / "pages" / "june-19.txt").write_text("x")
    app = PapershelfApp(sample_store, tmp_path / "reader.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        app.push_screen(Prompt("Load:", paths=True))
        await settle(pilot)
        await pilot.press(*f"{tmp_path}/pag", "tab")  # beside it: papershelf.db
        answer = app.screen.query_one(Input)
        assert answer.value == f"{tmp_path}/pages/"
        await pilot.press("j", "tab")
        assert answer.value == f"{tmp_path}/pages/june-1"  # as far as the names agree
        assert "june-18.txt  june-19.txt" in str(app.screen.query_one(".hint").render())
        await pilot.press("8", "tab")
        assert answer.value == f"{tmp_path}/pages/june-18.txt" and answer.has_focus
