"""The `l` picker, driven as a user drives it: Up/Down move the highlight, Enter picks it."""

from __future__ import annotations

from pathlib import Path

import pytest

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
        await pilot.pause()
        paper_id = app.shelf.paper(0).id
        await pilot.press("l")
        assert isinstance(app.screen, ListPicker)
        # Starred first, then the lists by name: Down twice, Up once is the first list.
        await pilot.press("down", "down", "up", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert lists.list_paper_ids(sample_store, "for the survey") == [paper_id]
        assert lists.list_paper_ids(sample_store, "to reproduce") == []
        assert lists.list_paper_ids(sample_store, lists.STARRED) == []  # the star was not toggled
        await pilot.press("l", "up", "enter")  # Up from the top wraps to the last list
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert lists.list_paper_ids(sample_store, "to reproduce") == [paper_id]
