"""Text from outside shown by the reader's own screens (top bar, list picker, lists pane, note
editor, notifications) carries no escape, control, bidi or zero-width character to the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import settle
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists
from papershelf.tui.app import PapershelfApp
from papershelf.tui.screens.list_picker import ListPicker
from papershelf.tui.screens.lists_screen import ListsScreen
from papershelf.tui.screens.note_editor import NoteEditor

HOSTILE = "Evil\u202etxt.exe\u200b \x1b]0;PWNED\x07\u2066name\u2069 \x9b31m"
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\u2066", "\u2069")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)


async def test_hostile_titles_and_list_names_reach_the_screen_clean(sample_store: Store, tmp_path: Path):
    sample_store.conn.execute("UPDATE papers SET title = ? WHERE id = 1", [HOSTILE])  # as an old store might
    name = lists.create_list(sample_store, "list " + HOSTILE)
    lists.add_to_list(sample_store, name, [1])
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.state.show_list(name)
        await settle(pilot)
        shown = [app.export_screenshot()]
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ListPicker)
        shown.append(app.export_screenshot())
        await pilot.press("escape", "L")
        await settle(pilot)
        assert isinstance(app.screen, ListsScreen)
        shown.append(app.export_screenshot())
        await pilot.press("escape", "e")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        shown.append(app.export_screenshot())
        await pilot.press("escape")
        app.state.say(f"Copied: {HOSTILE}", "information")
        await settle(pilot)
        shown.append(app.export_screenshot())
    assert all("Evil" in svg for svg in shown)  # the text is there…
    for svg in shown:
        for char in UNSAFE:  # …without what would act on the terminal
            assert char not in svg, (repr(char), svg[:200])
