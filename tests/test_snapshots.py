"""What the reader's screens show, at 100×30 and 80×24 (pytest-textual-snapshot).

Update after an intended change: `python -m pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write
from loaders.load import load_file
from loaders.store import Store
from tui.app import PapershelfApp

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((80, 24), id="80x24")]
PAPER_WITH_LINKS = 81


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def app(sample_store: Store) -> PapershelfApp:
    return PapershelfApp(sample_store, None)


async def settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_first_screen(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES)
def test_filter_diffusion(snap_compare, app, size):
    async def filter_diffusion(pilot) -> None:
        await settled(pilot)
        await pilot.press("slash", *"diffusion", "enter")
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=filter_diffusion)


@pytest.mark.parametrize("size", SIZES)
def test_paper_with_several_links(snap_compare, app, size):
    async def jump(pilot) -> None:
        await settled(pilot)
        pilot.app.jump_to(PAPER_WITH_LINKS)
        await pilot.press("tab", "end")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=jump)


@pytest.mark.parametrize("size", SIZES)
def test_starred_view(snap_compare, app, size):
    async def star_three(pilot) -> None:
        await settled(pilot)
        await pilot.press("s", "j", "j", "s", "j", "s", "r")
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=star_three)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, app, size):
    assert snap_compare(app, press=["question_mark"], terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES)
def test_markup_looking_title(snap_compare, store, tmp_path, size):
    title = "[bold red]not bold[/] [MASK] <SEG> **R2R** C$^2$DLM [link=https://x.test]x[/link]"
    abstract = "This abstract has [b]markup[/b] and [MASK] tokens, and it is long enough to count. " * 2
    load_file(store, write(tmp_path / "markup.txt", f"{title}\n{abstract}\n"), source="markup.txt")
    assert snap_compare(PapershelfApp(store, None), terminal_size=size, run_before=settled)
