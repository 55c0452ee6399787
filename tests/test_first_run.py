"""The first run's sample says what it is, and the palette takes it out (asking first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import settle, write
from papershelf.loaders import userdata
from papershelf.loaders.sources.load import load_file
from papershelf.tui.app import PapershelfApp
from papershelf.tui.screens.prompt import Confirm
from papershelf.tui.screens.reader import ReaderScreen
from papershelf.tui.widgets.paper_detail import PaperDetail

SIZE = (100, 30)
NOTICE = "These are built-in sample papers."


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)


@pytest.fixture(autouse=True)
def keep_what_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every message shown, kept (Textual drops a notification after a few seconds)."""
    notify = PapershelfApp.notify

    def kept(self, message, *args, **kwargs):
        self.__dict__.setdefault("said", []).append(str(message))
        return notify(self, message, *args, **kwargs)

    monkeypatch.setattr(PapershelfApp, "notify", kept)


def detail_text(app: PapershelfApp) -> str:
    return app.screen.query_one(PaperDetail).plain


async def run_palette_command(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


def palette_commands(app: PapershelfApp) -> list[str]:
    from papershelf.tui.commands import PapershelfCommands

    return [name for name, _, _ in PapershelfCommands(app.screen).commands()]


async def test_the_sample_says_what_it_is_and_how_to_load_or_fetch(sample_store):
    app = PapershelfApp(sample_store, None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = detail_text(app)
        assert text.startswith(NOTICE)
        assert "Load a file" in text and "papershelf load FILE" in text and "Fetch today's papers" in text
        await pilot.press("j")
        await settle(pilot)
        assert detail_text(app).startswith(NOTICE)  # on every paper while the sample is alone
        assert "Remove the sample" in palette_commands(app)


async def test_no_notice_once_other_papers_are_loaded(sample_store, tmp_path):
    page = write(tmp_path / "mine.txt", "My own paper\n" + "An abstract that is long enough to be real. " * 4)
    load_file(sample_store, page)
    app = PapershelfApp(sample_store, None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert NOTICE not in detail_text(app)


async def test_remove_the_sample_from_the_palette_asks_first_and_keeps_the_starred(sample_store):
    kept = next(iter(sample_store.papers([3]))).id
    sample_store.set_starred([kept], True)
    app = PapershelfApp(sample_store, None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_palette_command(pilot, "Remove the sample")
        assert isinstance(app.screen, Confirm)
        assert "333 papers" in app.screen.question and "1 paper you starred" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen) and sample_store.paper_count() == 334
        await run_palette_command(pilot, "Remove the sample")
        await pilot.press("y")
        await settle(pilot)
        assert [paper.id for paper in sample_store.papers()] == [kept]
        assert userdata.read_ids(sample_store) == set() and len(app.state.shelf) == 1
        assert "Removed the built-in sample: 333 papers." in app.__dict__["said"]
        assert NOTICE not in detail_text(app)
        assert "Remove the sample" not in palette_commands(app)
