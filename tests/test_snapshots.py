"""What the reader's screens show, at 100×30 and 80×24 (pytest-textual-snapshot).

Update after an intended change: `python -m pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, write
from conftest import settle as settled
from papershelf.loaders import userdata
from papershelf.loaders.sources.load import load_file
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists
from papershelf.tui.app import PapershelfApp

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((80, 24), id="80x24")]
PAPER_WITH_LINKS = 81


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(
        "papershelf.tui.screens.keeping.READ_AFTER", 3600
    )  # papers are marked read by the tests


@pytest.fixture
def app(sample_store: Store) -> PapershelfApp:
    return PapershelfApp(sample_store, None)


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


@pytest.fixture
def kept_app(sample_store: Store) -> PapershelfApp:
    """The sample with a list of three papers (one starred, one read, one with a note)."""
    ids = [paper.id for paper in sample_store.papers([1, 2, 3])]
    lists.create_list(sample_store, "for the survey")
    lists.create_list(sample_store, "to reproduce [draft]")
    lists.add_to_list(sample_store, "for the survey", ids)
    sample_store.set_starred(ids[1:2], True)
    userdata.mark_read(sample_store, ids[2:])
    userdata.set_note(sample_store, ids[1], "Compare with our baseline; [bold]not bold[/].\nCheck table 3.")
    return PapershelfApp(sample_store, None)


async def in_the_survey_list(pilot) -> None:
    await settled(pilot)
    pilot.app.reader.show_list("for the survey")
    await pilot.press("j")
    await settled(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_list_view(snap_compare, kept_app, size):
    assert snap_compare(kept_app, terminal_size=size, run_before=in_the_survey_list)


@pytest.mark.parametrize("size", SIZES)
def test_lists_pane(snap_compare, kept_app, size):
    assert snap_compare(kept_app, press=["L"], terminal_size=size, run_before=in_the_survey_list)


@pytest.mark.parametrize("size", SIZES)
def test_list_picker(snap_compare, kept_app, size):
    keys = ["l", *"repro"]
    assert snap_compare(kept_app, press=keys, terminal_size=size, run_before=in_the_survey_list)


@pytest.mark.parametrize("size", SIZES)
def test_note_editor(snap_compare, kept_app, size):
    assert snap_compare(kept_app, press=["e"], terminal_size=size, run_before=in_the_survey_list)


READING_SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((120, 40), id="120x40"),
    pytest.param((200, 50), id="200x50"),
]


@pytest.mark.parametrize("size", READING_SIZES)
def test_first_run_notice(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", READING_SIZES)
def test_detail_at_the_end_of_an_abstract(snap_compare, app, size):
    async def space_to_the_end(pilot) -> None:
        await settled(pilot)
        pilot.app.jump_to(PAPER_WITH_LINKS)
        await settled(pilot)
        detail = pilot.app.reader.detail
        while not detail.at_end:  # Space from the list, as a reader pages
            await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=space_to_the_end)


@pytest.mark.parametrize("size", READING_SIZES)
def test_tagged_papers(snap_compare, app, size):
    """Three papers tagged (the marks' column), one of them starred; the count in the top bar."""

    async def tag_three(pilot) -> None:
        await settled(pilot)
        await pilot.press("j", "s", "g", "t", "t", "j", "t")
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=tag_three)


@pytest.mark.parametrize("size", READING_SIZES)
def test_list_picker_for_tagged_papers(snap_compare, kept_app, size):
    """The list picker for the three papers of a list, all tagged: ✓ on the list holding them all."""

    async def tag_two_and_pick(pilot) -> None:
        await settled(pilot)
        pilot.app.reader.show_list("for the survey")
        await settled(pilot)  # the list shown before the keys: none waits for it
        await pilot.press("j", "T", "l")
        await settled(pilot)

    assert snap_compare(kept_app, terminal_size=size, run_before=tag_two_and_pick)


@pytest.mark.parametrize("size", SIZES)
def test_for_you_view(snap_compare, embedded_sample, tmp_path, size):
    """For you on the sample with three speculative-decoding papers starred."""
    import shutil

    path = tmp_path / "store.db"
    shutil.copy(embedded_sample, path)
    with Store(path) as store:
        judged = json.loads((DATA / "discovery_judged.json").read_text())["recommend"]
        query = "SELECT id FROM papers WHERE title = ?"
        titles = judged["speculative decoding"][:3]
        store.set_starred([store.conn.execute(query, [title]).fetchone()[0] for title in titles], True)

    async def for_you(pilot) -> None:
        await settled(pilot)
        await pilot.press("f")
        await settled(pilot)

    assert snap_compare(PapershelfApp(path, None), terminal_size=size, run_before=for_you)


async def by_listing_day(pilot) -> None:
    await settled(pilot)
    pilot.app.sort_by("day")
    await settled(pilot)
    await pilot.press("home")


@pytest.mark.parametrize("size", READING_SIZES)
def test_day_headers(snap_compare, app, size):
    """The day sort: a header before each day's papers, the cursor on the first paper."""
    assert snap_compare(app, terminal_size=size, run_before=by_listing_day)


@pytest.mark.parametrize("size", READING_SIZES)
def test_day_headers_of_a_filter(snap_compare, app, size):
    """A filter in the day sort: its matches by day, each header counting the day's matches; `]`
    puts the next day at the top."""

    async def filter_by_day(pilot) -> None:
        await by_listing_day(pilot)
        await pilot.press("slash", *"diffusion", "enter", "right_square_bracket")
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=filter_by_day)


@pytest.mark.parametrize("size", READING_SIZES)
def test_go_to_day(snap_compare, app, size):
    async def choose_a_day(pilot) -> None:
        await settled(pilot)
        pilot.app.reader.action_go_to_day()
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=choose_a_day)
