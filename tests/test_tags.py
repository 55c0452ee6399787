"""Tagging papers (`t`, `T`) and acting on every tagged paper at once, driven with Pilot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input

from conftest import settle
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists
from papershelf.tui.app import PapershelfApp
from papershelf.tui.screens.list_picker import ListPicker
from papershelf.tui.screens.prompt import Prompt
from papershelf.tui.widgets.paper_list import TAG

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def app(sample_store: Store) -> PapershelfApp:
    return PapershelfApp(sample_store, None)


@pytest.fixture
def copied(app: PapershelfApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", texts.append)
    return texts


@pytest.fixture
def writes(app: PapershelfApp, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every write the reader asks of its store's thread (each one transaction)."""
    asked: list[object] = []
    write = app.state.thread.write

    def counted(run, *args, **kwargs):
        asked.append(run)
        return write(run, *args, **kwargs)

    monkeypatch.setattr(app.state.thread, "write", counted)
    return asked


def top_line(app: PapershelfApp) -> str:
    return app.reader.top_bar.render_line(0).text


def list_line(app: PapershelfApp, y: int) -> str:
    return app.reader.paper_list.render_line(y).text


def shown(app: PapershelfApp, *positions: int) -> list[int]:
    return [int(app.state.shelf.ids[p]) for p in positions]


def said(app: PapershelfApp) -> str:
    return [n.message for n in app._notifications][-1]


def stored(app: PapershelfApp, sql: str, *params: object) -> set[int]:
    with Store(app.state.store_path) as store:
        return {row[0] for row in store.conn.execute(sql, params)}


def stars(app: PapershelfApp) -> set[int]:
    return stored(app, "SELECT paper_id FROM stars")


def reads(app: PapershelfApp) -> set[int]:
    return stored(app, "SELECT paper_id FROM reads")


def in_list(app: PapershelfApp, name: str) -> list[int]:
    with Store(app.state.store_path) as store:
        return lists.list_paper_ids(store, name)


async def test_t_tags_and_moves_down_and_the_mark_column_shows_only_while_some_paper_is_tagged(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        untagged = list_line(app, 0)
        assert untagged.startswith(" ● ") and "tagged" not in top_line(app)  # no room for a mark
        await pilot.press("t", "t")
        assert app.reader.paper_list.cursor == 2
        assert list_line(app, 0).startswith(TAG) and list_line(app, 1).startswith(TAG)
        assert list_line(app, 2).startswith("  ")  # the column, blank for an untagged paper
        assert " 2 tagged  ·  334 / 334 " in top_line(app)
        await pilot.press("k", "t")  # untags, and moves down again
        assert app.reader.paper_list.cursor == 2 and not list_line(app, 1).startswith(TAG)
        assert " 1 tagged  ·  " in top_line(app)
        await pilot.press("g", "t")
        assert list_line(app, 0) == untagged and "tagged" not in top_line(app)


async def test_T_tags_every_paper_shown_and_untags_them_when_all_are(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        assert len(app.state.tags) == 334 and " 334 tagged  ·  " in top_line(app)
        assert app.reader.paper_list.cursor == 0  # T tags where they are: the cursor stays
        await pilot.press("t", "T")  # one untagged: T tags all again rather than untag
        assert len(app.state.tags) == 334
        await pilot.press("T")
        assert len(app.state.tags) == 0 and "tagged" not in top_line(app)


async def test_tags_survive_a_filter_and_a_view_change_and_esc_clears_them(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "t")
        tagged = set(shown(app, 0, 1))
        await pilot.press("slash", *"diffusion", "enter")
        await settle(pilot)
        visible = tagged & {int(i) for i in app.state.shelf.ids}
        assert len(visible) < 2  # the filter hides at least one of them
        assert f" 2 tagged ({2 - len(visible)} not shown)  ·  " in top_line(app)
        await pilot.press("T")  # tags the filtered view's papers; those hidden stay tagged
        assert len(app.state.tags) == len(app.state.shelf) + 2 - len(visible)
        await pilot.press("T")  # untags those shown only
        assert {i for i in tagged if i in app.state.tags} == tagged - visible
        await pilot.press("r")  # another view keeps them
        await settle(pilot)
        assert len(app.state.tags) == 2 - len(visible)
        await pilot.press("escape")
        assert len(app.state.tags) == 0 and "tagged" not in top_line(app)
        assert said(app) == f"Untagged {2 - len(visible)} paper{'s' if len(visible) == 0 else ''}."


async def test_s_stars_every_tagged_paper_in_one_write_and_one_u_takes_it_back(app, writes):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "s")  # one starred already
        await settle(pilot)
        first, second, third = shown(app, 0, 1, 2)
        assert stars(app) == {second}
        await pilot.press("g", "t", "t", "t")
        del writes[:]
        await pilot.press("s")
        assert list_line(app, 0).startswith(f"{TAG} ★")  # shown at once
        await settle(pilot)
        assert len(writes) == 1 and stars(app) == {first, second, third}
        assert said(app) == "Starred 2 tagged papers (tags kept) — u undoes"
        assert len(app.state.tags) == 3  # the tags stay for the next action
        await pilot.press("u")
        await settle(pilot)
        assert stars(app) == {second}  # the star given before tagging stays
        await pilot.press("s")
        await settle(pilot)
        assert stars(app) == {first, second, third} and app.state.shelf.starred_count == 3
        await pilot.press("s")  # all starred: unstars them all
        await settle(pilot)
        assert stars(app) == set() and app.state.shelf.starred_count == 0
        assert said(app) == "Unstarred 3 tagged papers (tags kept) — u undoes"
        assert "Starred 0" in top_line(app)
        await pilot.press("u")
        await settle(pilot)
        assert stars(app) == {first, second, third}


async def test_l_puts_every_tagged_paper_in_the_list_picked_and_u_takes_them_out(app, writes):
    with Store(app.state.store_path) as store:
        lists.create_list(store, "for the survey")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "j", "t")
        tagged = shown(app, 0, 2)
        del writes[:]
        await pilot.press("l", "down", "enter")  # Starred, then "for the survey"
        await settle(pilot)
        assert len(writes) == 1 and in_list(app, "for the survey") == tagged
        assert said(app) == "Added 2 tagged papers to for the survey (tags kept) — u undoes"
        await pilot.press("l")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ListPicker) and picker.containing == {"for the survey"}
        await pilot.press("down", "enter")  # all in it: takes them out
        await settle(pilot)
        assert in_list(app, "for the survey") == []
        await pilot.press("u")
        await settle(pilot)
        assert in_list(app, "for the survey") == tagged
        await pilot.press("u")  # the first add undone
        await settle(pilot)
        assert in_list(app, "for the survey") == []
        await pilot.press("l", *"reading group", "enter")  # a new list
        await settle(pilot)
        assert in_list(app, "reading group") == tagged
        await pilot.press("u")  # undone: the list it created goes too
        await settle(pilot)
        assert [name for name, _ in app.state.list_counts] == ["Starred", "for the survey"]


async def test_m_marks_every_tagged_paper_read_then_unread(app, writes):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "t")
        tagged = set(shown(app, 0, 1))
        del writes[:]
        await pilot.press("m")
        await settle(pilot)
        assert len(writes) == 1 and reads(app) == tagged
        assert said(app) == "Marked 2 tagged papers read (tags kept) — u undoes"
        await pilot.press("u")
        await settle(pilot)
        assert reads(app) == set()
        await pilot.press("m", "m")  # read, then all read: unread
        await settle(pilot)
        assert reads(app) == set()
        assert said(app) == "Marked 2 tagged papers unread (tags kept) — u undoes"
        await pilot.press("u")
        await settle(pilot)
        assert reads(app) == tagged


async def test_y_copies_the_tagged_papers_links_one_per_line(app, copied):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "j", "t", "y")
        await settle(pilot)
        first, third = (app.state.paper_at(p) for p in (0, 2))
        assert first is not None and third is not None
        assert copied == [f"{first.link}\n{third.link}"]
        assert said(app) == f"Copied the links of 2 tagged papers: {first.link} …"
        await pilot.press("Y", "c")
        await settle(pilot)
        assert copied[1].splitlines() == [f"- [{p.title}]({p.link})" for p in (first, third)]
        assert copied[2] == f"{first.citekey}\n{third.citekey}"
        await pilot.press("escape", "y")  # untagged: the paper under the cursor
        await settle(pilot)
        under_cursor = app.state.paper_at(app.reader.paper_list.cursor)
        assert under_cursor is not None and copied[3] == under_cursor.link != third.link


async def test_export_writes_the_tagged_papers_and_says_so_in_the_prompt(app, tmp_path):
    target = tmp_path / "tagged.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "j", "t")
        titles = {paper.title for p in (0, 2) if (paper := app.state.paper_at(p))}
        await pilot.press("slash", *"diffusion", "enter")  # filtered: the tagged ones still
        await settle(pilot)
        app.ask_export()
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, Prompt) and prompt.question.startswith("Export the 2 tagged papers to")
        assert prompt.default == "~/papershelf-tagged.md"
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        exported = [json.loads(line)["title"] for line in target.read_text().splitlines()]
        assert len(exported) == 2 and set(exported) == titles
        assert said(app).startswith("Exported 2 papers of “Tagged papers”")
