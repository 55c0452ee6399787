"""The reader, driven like a user with Pilot: keys, views, filter, stars, links, remembered state."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pyperclip
import pytest
from textual import events

from conftest import DATA, settle, write
from papershelf.loaders import userdata
from papershelf.loaders.search.fuzzy import FuzzyIndex
from papershelf.loaders.sources.load import load_file
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists
from papershelf.tui.app import PapershelfApp
from papershelf.tui.screens.help import HelpScreen
from papershelf.tui.screens.list_picker import ListPicker
from papershelf.tui.screens.lists_screen import ListsScreen
from papershelf.tui.screens.note_editor import NoteEditor
from papershelf.tui.screens.prompt import Confirm
from papershelf.tui.screens.reader import ReaderScreen
from papershelf.tui.settings import Settings
from papershelf.tui.widgets.key_bar import KeyBar
from papershelf.tui.widgets.paper_detail import PaperDetail
from papershelf.tui.widgets.paper_list import PaperList

SIZE = (100, 30)
KV_CACHE_PAPERS = {
    "Attention Is All You Need for KV Cache in Diffusion LLMs",
    "Window-Diffusion: Accelerating Diffusion Language Model Inference with Windowed Token Pruning "
    "and Caching",
}


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(
        "papershelf.tui.screens.keeping.READ_AFTER", 3600
    )  # papers are marked read by the tests
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "reader.json"


@pytest.fixture
def app(sample_store: Store, settings_file: Path) -> PapershelfApp:
    return PapershelfApp(sample_store, settings_file)


@pytest.fixture
def copied(app: PapershelfApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", texts.append)
    return texts


def reader(app: PapershelfApp) -> ReaderScreen:
    return app.reader


def stored_papers(app: PapershelfApp, ids: list[int]) -> dict[int, object]:
    """The papers of `ids` read by the test itself (the reader reads on its own thread)."""
    with Store(app.state.store_path) as store:
        return {p.id: p for p in userdata.annotate(store, store.papers(ids))}


def paper_at(app: PapershelfApp, position: int):
    paper_id = int(app.state.shelf.ids[position])
    return stored_papers(app, [paper_id])[paper_id]


def row(app: PapershelfApp, position: int):
    return paper_at(app, position)


def starred_ids(app: PapershelfApp) -> list[int]:
    with Store(app.state.store_path) as store:
        return [p.id for p in store.papers(starred_only=True)]


def shown_titles(app: PapershelfApp) -> list[str]:
    ids = [int(i) for i in app.state.shelf.ids]
    papers = stored_papers(app, ids)
    return [papers[i].title for i in ids]


def current_title(app: PapershelfApp) -> str:
    screen = reader(app)
    return row(app, screen.paper_list.cursor).title


async def burst(pilot, keys: list[str]) -> None:
    """Keys arriving in one read, as over SSH: all are queued before the app handles the first."""
    for key in keys:
        character = {"slash": "/", "enter": "\r", "escape": "\x1b"}.get(key, key)
        pilot.app._driver.send_message(events.Key(key, character if len(character) == 1 else None))
    await settle(pilot)


def top_line(app: PapershelfApp) -> str:
    """The reader's top bar as displayed: tabs, fetch progress, count."""
    return app.reader.top_bar.render_line(0).text


def key_line(app: PapershelfApp) -> str:
    return app.reader.query_one(KeyBar).render_line(0).text


def notifications(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_first_screen_lists_every_paper_with_the_first_in_detail(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = reader(app)
        assert len(app.state.shelf) == 334
        line = top_line(app)
        assert line.startswith(" All 334  Starred 0  ") and line.endswith(" 334 / 334  ·  listing order ")
        assert len(line) == SIZE[0]
        assert isinstance(app.focused, PaperList)
        detail = screen.query_one(PaperDetail).plain
        assert current_title(app) in detail


async def test_cursor_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = reader(app).paper_list
        await pilot.press("j", "j", "down")
        assert papers.cursor == 3
        await pilot.press("k", "up")
        assert papers.cursor == 1
        await pilot.press("G")
        assert papers.cursor == 333
        await pilot.press("g")
        assert papers.cursor == 0
        await pilot.press("end")
        assert papers.cursor == 333
        await pilot.press("home", "pagedown")
        page = papers.cursor
        assert page > 10
        await pilot.press("pagedown", "pageup")
        assert papers.cursor == page
        assert round(papers.scroll_offset.y) <= page


async def test_detail_follows_the_cursor(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await pilot.pause()
        assert current_title(app) in reader(app).query_one(PaperDetail).plain


async def test_the_detail_stays_scrolled_when_its_paper_is_starred(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "j", "j", "j")  # the detail, scrolled down
        detail = reader(app).query_one(PaperDetail)
        assert detail.scroll_y == 3
        await pilot.press("s")
        assert detail.scroll_y == 3 and "★ starred" in detail.plain
        await pilot.press("shift+tab", "j")  # another paper shows from its top
        assert detail.scroll_y == 0


async def test_click_moves_the_cursor(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(PaperList, offset=(10, 4))
        assert reader(app).paper_list.cursor == 4


async def test_the_scrollbar_pages_and_drags_and_the_wheel_scrolls(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = reader(app).paper_list
        bar_x, height = papers.size.width - 1, papers.size.height
        assert papers.render_line(height - 1).text.endswith(" ")  # the track, below the thumb

        await pilot.click(PaperList, offset=(bar_x, height - 1))  # below the thumb: a page
        assert papers.scroll_y == height and papers.cursor == 0
        await pilot.click(PaperList, offset=(bar_x, 0))  # above it: a page back
        assert papers.scroll_y == 0

        await pilot.mouse_down(PaperList, offset=(bar_x, 0))  # the thumb, dragged 3 rows
        await pilot.hover(PaperList, offset=(bar_x, 3))
        await pilot.mouse_up(PaperList, offset=(bar_x, 3))
        lines_per_row = len(app.state.shelf) / height
        assert papers.scroll_y == pytest.approx(3 * lines_per_row, abs=1) and papers.cursor == 0

        scrolled = papers.scroll_y
        papers.post_message(events.MouseScrollDown(papers, 10, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert papers.scroll_y > scrolled and papers.cursor == 0


async def test_a_press_on_the_scrollbar_is_no_click_on_a_paper(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = reader(app).paper_list
        bar_x, height = papers.size.width - 1, papers.size.height
        await pilot.mouse_down(PaperList, offset=(bar_x, 0))  # grabs the thumb
        await pilot.press("question_mark", "escape")  # a screen pushed and popped ends the capture
        await pilot.hover(PaperList, offset=(10, height - 2))
        assert papers.scroll_y == 0

        await pilot.mouse_down(PaperList, offset=(bar_x, height - 1))  # pages down
        # The mouse comes up over a title: Textual makes it a click on the list.
        x, y = bar_x - 5, 6
        region = papers.region
        papers.post_message(
            events.Click(papers, x, y, 0, 0, 1, False, False, False, region.x + x, region.y + y)
        )
        await pilot.pause()
        assert papers.cursor == 0 and papers.scroll_y == height


async def test_a_long_link_folds_under_itself(store, tmp_path, settings_file):
    url = "https://example.org/" + "a-very-long-path/" * 12
    page = write(tmp_path / "page.txt", f"A paper with a long link\n{'Real abstract text here. ' * 4}{url}\n")
    load_file(store, page)
    app = PapershelfApp(store, settings_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        detail = reader(app).query_one(PaperDetail)
        lines = [line.text.rstrip() for line in detail.lines]
        first = lines.index(next(line for line in lines if line.startswith("2   https://example.org/")))
        link_lines = lines[first : first + 4]
        assert all(line.startswith("    ") for line in link_lines[1:])
        assert "".join(line[4:] for line in link_lines) == url


async def test_filter_tolerates_typos_and_ranks_the_kv_cache_papers_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused.id == "filter"
        await pilot.press(*"difusion kv cahce")
        await settle(pilot)
        assert set(shown_titles(app)[:2]) == KV_CACHE_PAPERS
        await pilot.press("enter")
        assert isinstance(app.focused, PaperList)
        assert app.state.shelf.query == "difusion kv cahce"
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert isinstance(app.focused, PaperList)
        assert len(app.state.shelf) == 334


async def test_a_burst_of_keys_goes_where_the_focus_moves(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, ["slash", *"kv/cache", "enter", "j", "j", "s"])
        assert app.state.shelf.query == "kv/cache"
        assert isinstance(app.focused, PaperList)
        assert reader(app).paper_list.cursor == 2
        assert starred_ids(app) == [app.state.shelf.ids[2]]
        await burst(pilot, ["slash", *"xyz", "escape", "G"])
        assert reader(app).filter_input.value == app.state.shelf.query == ""
        assert reader(app).paper_list.cursor == 333


async def test_filter_ranks_title_matches_above_abstract_matches(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"diffusion", "enter")
        await settle(pilot)
        titles = shown_titles(app)
        in_title = [i for i, title in enumerate(titles) if "diffusion" in title.lower()]
        assert in_title == list(range(len(in_title)))
        assert len(titles) > len(in_title) > 10


async def until(pilot, condition) -> None:
    """Let the app run until `condition()` holds (a worker's result arriving), at most ~5 s."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the app never got there")


async def test_a_slow_search_finishes_in_a_worker(app, monkeypatch):
    monkeypatch.setattr("papershelf.tui.state.owner.SEARCH_BUDGET", 0.0)  # no search finishes in time
    on_ui_thread = []
    score = FuzzyIndex._score

    def scored_where(self, term):
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return score(self, term)

    monkeypatch.setattr(FuzzyIndex, "_score", scored_where)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"difusion kv cahce")
        await settle(pilot)
        assert app.state.shelf.query == "difusion kv cahce"
        assert set(shown_titles(app)[:2]) == KV_CACHE_PAPERS
        assert on_ui_thread and not any(on_ui_thread)


async def test_a_stale_search_is_dropped(app, monkeypatch):
    monkeypatch.setattr("papershelf.tui.state.owner.SEARCH_BUDGET", 0.0)
    started, finish = threading.Event(), threading.Event()
    score = FuzzyIndex._score

    def slow(self, term):
        if term == "diffusion":
            started.set()
            finish.wait(5)
        return score(self, term)

    monkeypatch.setattr(FuzzyIndex, "_score", slow)
    offered: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = reader(app)
        show_filtered = app.state._show_filtered

        def offer(result, keep_paper, otherwise, stay=False):
            offered.append(result.query)
            show_filtered(result, keep_paper, otherwise, stay)

        monkeypatch.setattr(app.state, "_show_filtered", offer)
        screen.filter_input.value = "diffusion"
        await until(pilot, started.is_set)
        screen.filter_input.value = "kv"  # while "diffusion" is searched in a worker
        await until(pilot, lambda: app.state.shelf.query == "kv")
        kv_ids = list(app.state.shelf.ids)
        finish.set()
        await settle(pilot)
        assert set(offered) == {"kv"}  # the cancelled worker's result was not even offered
        assert app.state.shelf.query == "kv" and list(app.state.shelf.ids) == kv_ids
        show_filtered(app.state.shelf.filtered("diffusion"), None, 0)  # nor would it be shown, being stale
        assert app.state.shelf.query == "kv" and list(app.state.shelf.ids) == kv_ids


async def test_star_is_committed_at_once_and_shows_in_the_starred_view(app, db_path):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "s")
        title = current_title(app)
        with Store(db_path) as other:
            assert [p.title for p in other.papers(starred_only=True)] == [title]
        await pilot.press("r")
        await pilot.pause()
        assert app.state.shelf.view == "starred"
        assert shown_titles(app) == [title]
        await pilot.press("s")
        assert shown_titles(app) == []
        await pilot.press("a")
        await pilot.pause()
        assert len(app.state.shelf) == 334


async def test_starred_view_is_newest_star_first_and_filters(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "j", "s", "j", "s")
        starred = [row(app, i).title for i in (2, 1, 0)]
        await pilot.press("r")
        await settle(pilot)
        assert shown_titles(app) == starred
        assert "Starred 3  " in top_line(app) and top_line(app).endswith(" 3 / 3  ·  star time ")
        await pilot.press("slash", *starred[1].split()[0].lower(), "enter")
        await settle(pilot)
        assert shown_titles(app)[0] == starred[1]
        assert set(shown_titles(app)) <= set(starred)


async def test_a_star_made_elsewhere_appears_without_a_restart(app, db_path):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        title = current_title(app)
        with Store(db_path) as other:
            other.set_starred([row(app, 0).id], True)
        app.state.check_outside_changes()
        await settle(pilot)
        await pilot.pause()
        assert row(app, 0).starred
        assert app.state.shelf.starred_count == 1
        assert current_title(app) == title


async def test_copy_link_markdown_and_numbered_links(app, copied):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = paper_at(app, 0)
        await pilot.press("y", "Y", "1")
        assert copied == [paper.link, f"[{paper.title}]({paper.link})", paper.link]
        assert notifications(app)[0] == f"Copied: {paper.link}"
        await pilot.press("9")
        assert "has no link 9" in notifications(app)[-1]


async def test_c_copies_the_citation_key_the_detail_shows(app, copied):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = paper_at(app, 0)
        assert paper.citekey == "predictingorder"
        assert f"cite as {paper.citekey}" in app.screen.query_one(PaperDetail).plain
        await pilot.press("c")
        assert copied == [paper.citekey]


async def test_numbered_links_follow_the_detail_pane(app, copied):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.jump_to(81)
        await pilot.pause()
        await pilot.press("2", "3")
        paper = paper_at(app, reader(app).paper_list.cursor)
        assert copied == paper.urls
        detail = reader(app).query_one(PaperDetail).plain
        assert all(f"{n}   {url}" in detail for n, url in enumerate([paper.link, *paper.urls], 1))


async def test_pyperclip_is_used_on_a_desktop_and_its_failure_is_harmless(app, copied, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")
    desktop: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", desktop.append)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert desktop == copied == [paper_at(app, 0).link]

        def no_clipboard(text: str) -> None:
            raise pyperclip.PyperclipException("no copy/paste mechanism")

        monkeypatch.setattr(pyperclip, "copy", no_clipboard)
        await pilot.press("y")
        assert len(copied) == 2
        assert notifications(app)[-1].startswith("Copied: ")


@pytest.fixture
def browser(app: PapershelfApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The links the app opened, on a desktop where `webbrowser` finds a browser."""
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kwargs: opened.append(url))
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "get", lambda using=None: object())
    return opened


async def test_open_uses_the_browser_locally_and_copies_over_ssh(app, copied, browser, monkeypatch):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        link = paper_at(app, 0).link
        await pilot.press("o")
        assert browser == [link] and copied == []
        monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
        await pilot.press("o")
        assert browser == [link] and copied == [link]
        assert "Over SSH" in notifications(app)[-1]


async def test_without_a_browser_open_copies_and_says_so_in_one_line(app, copied, monkeypatch):
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kwargs: opened.append(url))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        link = paper_at(app, 0).link
        await pilot.press("o")
        assert opened == [] and copied == [link]
        assert notifications(app)[-1] == f"No browser found (no DISPLAY or BROWSER); copied instead: {link}"

        def none_found(using=None):
            raise webbrowser.Error("could not locate runnable browser")

        monkeypatch.setenv("DISPLAY", ":0")  # a desktop, but no browser installed
        monkeypatch.setattr(webbrowser, "get", none_found)
        await pilot.press("o")
        assert opened == [] and copied == [link, link]


async def test_O_then_a_number_opens_that_link_and_another_key_cancels(app, copied, browser):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.jump_to(81)
        await settle(pilot)
        paper = paper_at(app, reader(app).paper_list.cursor)
        await pilot.press("O")
        await pilot.pause()
        shown = " ".join(label.render().plain for label in app.screen.query(".link"))
        assert all(f"{n}  {url}" in shown for n, url in enumerate(paper.links(), 1))
        await pilot.press("2")
        await pilot.pause()
        assert browser == [paper.links()[1]] and isinstance(app.screen, ReaderScreen)
        await pilot.press("O", "x", "9")  # cancelled by x; 9 is then the copy key: no link 9
        await pilot.pause()
        assert browser == [paper.links()[1]] and copied == []
        assert isinstance(app.screen, ReaderScreen)


async def test_help_lists_the_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_palette_sorts_and_jumps_to_a_paper_by_title(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.sort_by("upvotes")
        await settle(pilot)
        upvotes = [row(app, i).upvotes for i in range(5)]
        assert upvotes == sorted(upvotes, reverse=True) and upvotes[0] is not None
        hits = await app.papers_titled("attention kv cache", 5)
        assert hits[0][1] == "Attention Is All You Need for KV Cache in Diffusion LLMs"
        app.jump_to(hits[0][0])
        await settle(pilot)
        assert current_title(app) == hits[0][1]


async def test_view_sort_theme_and_selection_are_remembered(sample_store, settings_file):
    app = PapershelfApp(sample_store, settings_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "j", "j")
        app.sort_by("title")
        app.theme = "nord"
        await settle(pilot)
        selected = current_title(app)
        await pilot.press("q")
    assert Settings.load(settings_file).sort == "title"

    again = PapershelfApp(sample_store, settings_file)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
        assert again.state.shelf.sort == "title"
        assert current_title(again) == selected


async def test_markup_and_escapes_in_titles_show_literally(store, tmp_path, settings_file):
    title = "[bold red]x[/] [MASK] <SEG> \\% $^2$"
    escaped = f"\x1b[31m{title}\x1b]0;pwned\x07"
    page = write(tmp_path / "page.txt", f"{escaped}\n{'An abstract that is long enough to be real. ' * 4}\n")
    load_file(store, page)
    app = PapershelfApp(store, settings_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = reader(app).paper_list.render_line(0).text
        shown = "[bold red]x[/] [MASK] <SEG> % ²"  # markup literal, simple TeX rendered (issue 17.13)
        assert shown in line
        assert "\x1b" not in line and "pwned" not in line
        assert shown in reader(app).query_one(PaperDetail).plain


async def test_load_from_the_palette_runs_in_the_background(app, tmp_path):
    page = write(tmp_path / "more.txt", "A New Paper\n" + "Its abstract, long enough to count. " * 4 + "\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.load_path(str(page))
        await settle(pilot)
        app.state.check_outside_changes()
        await settle(pilot)
        await settle(pilot)
        assert len(app.state.shelf) == 335
        assert "1 new" in notifications(app)[-1]
        app.load_path(str(tmp_path / "missing.txt"))
        await settle(pilot)
        assert "missing.txt" in notifications(app)[-1]


async def test_export_the_reading_list(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "r")
        await settle(pilot)
        target = tmp_path / "reading.md"
        app.export_to(str(target))
        await settle(pilot)
        assert row(app, 0).title.split(":")[0] in target.read_text()
        assert "Exported 1 paper of “Starred”" in notifications(app)[-1]


async def test_served_in_a_browser_exports_download_and_links_open_there(app, tmp_path, monkeypatch):
    """Under `papershelf serve` the user's browser is the only one that matters: exports are
    delivered to it, links open in a tab of it, copies go through its terminal (OSC 52) only."""
    delivered, opened, desktop = [], [], []
    monkeypatch.setattr(PapershelfApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(
        PapershelfApp, "deliver_text", lambda self, path, **options: delivered.append((path, options))
    )
    monkeypatch.setattr(PapershelfApp, "open_url", lambda self, url, new_tab=True: opened.append(url))
    monkeypatch.setattr("papershelf.tui.clipboard.has_desktop_clipboard", lambda: True)
    monkeypatch.setattr(pyperclip, "copy", desktop.append)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")  # the server was started over SSH
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        target = tmp_path / "all.bib"
        app.export_to(str(target))
        await settle(pilot)
        assert delivered == [(target, {"save_filename": "all.bib", "encoding": "utf-8"})]
        assert target.read_text().startswith("@") and "sent to the browser" in notifications(app)[-1]
        await pilot.press("o")
        assert opened == [app.state.paper_at(0).link] and "new tab" in notifications(app)[-1]
        await pilot.press("y")
        assert app.clipboard == app.state.paper_at(0).link and desktop == []  # not the server's desktop


DAILY = (DATA / "hf_daily_2025-06-17.json").read_text()
TODAY = datetime.date(2025, 6, 17)


@pytest.fixture
def hf_today(httpserver, monkeypatch, only_localhost, fast_fetch):
    """A local Hugging Face whose daily list is today's (2025-06-17)."""
    monkeypatch.setattr("papershelf.loaders.sources.fetch.today", lambda: TODAY)
    monkeypatch.setenv("PAPERSHELF_HF_ENDPOINT", httpserver.url_for(""))
    return httpserver


async def run_palette_command(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.press(*command)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def test_fetch_today_from_the_palette(app, hf_today):
    hf_today.expect_request("/api/daily_papers").respond_with_data(DAILY, content_type="application/json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_palette_command(pilot, "fetch today")
        await pilot.pause(1.2)  # the reader notices the new papers
        assert app.fetching is None
        assert (
            notifications(app)[-1]
            == "Hugging Face daily papers 2025-06-17: 3 papers (2 new, 1 updated, 1 skipped)"
        )
        assert len(app.state.shelf) == 334 + 2  # one was a page copy of the sample, one had no title
        assert "Predicting the Order of Upcoming Tokens" in " ".join(shown_titles(app))
        assert "fetching" not in top_line(app)


async def test_a_failed_fetch_says_so_in_one_line_and_keeps_the_store(app, hf_today):
    hf_today.expect_request("/api/daily_papers").respond_with_data("<html>busy</html>", status=500)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.fetch_days(7)
        await settle(pilot)
        message = notifications(app)[-1]
        assert message.startswith("Fetch failed:") and "\n" not in message
        assert len(app.state.shelf) == 334


async def test_a_week_fetch_shows_progress_and_can_be_stopped(app, hf_today):
    hf_today.expect_request("/api/daily_papers").respond_with_json([])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.fetch_days(7)
        assert "fetching 0/7 days ▱▱▱▱▱▱▱▱▱▱" in top_line(app)
        app.stop_fetch()
        await settle(pilot)
        assert notifications(app)[-1].startswith("Fetch stopped")
        assert len(hf_today.log) < 7
        assert app.fetching is None and "fetching" not in top_line(app)


# Lists, notes, read state, undo (issue 4) --------------------------------------------------------


async def pick_list(pilot, typed: str) -> None:
    await pilot.press("l")
    await pilot.press(*typed)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_picker_adds_to_a_new_list_and_takes_out_with_undo(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        second = paper_at(app, 1)
        await pilot.press("l")
        assert isinstance(app.screen, ListPicker)
        await pilot.press(*"for the survey", "enter")
        await settle(pilot)
        assert lists.list_paper_ids(sample_store, "for the survey") == [second.id]
        await pilot.press("j")
        await pick_list(pilot, "to read")  # no list holds these letters in order: a new list
        assert lists.list_paper_ids(sample_store, "to read") == [paper_at(app, 2).id]
        await pick_list(pilot, "survy")  # a letter left out still finds the list
        assert lists.list_paper_ids(sample_store, "for the survey") == [second.id, paper_at(app, 2).id]
        await pilot.press("k")
        await pick_list(pilot, "survey")  # the paper is in it: taken out
        assert lists.list_paper_ids(sample_store, "for the survey") == [paper_at(app, 2).id]
        assert "u undoes" in notifications(app)[-1]
        await pilot.press("u")
        await settle(pilot)
        assert lists.list_paper_ids(sample_store, "for the survey") == [second.id, paper_at(app, 2).id]
        await pilot.press("l", "escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_a_list_view_shows_its_papers_in_order_and_J_K_move_them(app, sample_store):
    ids = [paper.id for paper in sample_store.papers([1, 2, 3])]
    lists.create_list(sample_store, "to reproduce")
    lists.add_to_list(sample_store, "to reproduce", ids)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        assert isinstance(app.screen, ListsScreen)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert (app.state.shelf.view, app.state.shelf.list_name) == ("list", "to reproduce")
        assert app.state.shelf.ids.tolist() == ids
        assert " to reproduce 3  " in top_line(app)
        await pilot.press("J")
        await settle(pilot)
        assert lists.list_paper_ids(sample_store, "to reproduce") == [ids[1], ids[0], ids[2]]
        assert reader(app).paper_list.paper_id == ids[0]  # the cursor follows the moved paper
        await pilot.press("K", "K")
        await settle(pilot)
        assert lists.list_paper_ids(sample_store, "to reproduce") == ids
        await pilot.press("a")
        assert app.state.shelf.view == "all" and "to reproduce" not in top_line(app)


async def test_the_lists_pane_creates_renames_and_deletes_with_a_question(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L", "c", *"this week", "enter")
        await pilot.pause()
        assert [name for name, _ in lists.list_names_with_counts(sample_store)] == ["Starred", "this week"]
        await pilot.press("R", "ctrl+u", *"next week", "enter")
        await pilot.pause()
        assert lists.list_name(sample_store, "next week") == "next week"
        await pilot.press("d")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        assert lists.list_name(sample_store, "next week")
        await pilot.press("d", "y")
        await pilot.pause()
        assert [name for name, _ in lists.list_names_with_counts(sample_store)] == ["Starred"]
        await pilot.press("escape", "u")
        await settle(pilot)
        assert lists.list_name(sample_store, "next week") == "next week"


async def test_notes_are_edited_shown_filtered_and_deleted_with_undo(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = paper_at(app, 5)
        app.jump_to(paper.id)
        await pilot.press("e")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"compare with zebrafish baseline", "ctrl+s")
        await settle(pilot)
        assert userdata.get_note(sample_store, paper.id) == "compare with zebrafish baseline"
        assert "zebrafish" in reader(app).query_one(PaperDetail).plain
        await pilot.press("slash", *"zebrafsh", "enter")
        await settle(pilot)
        assert shown_titles(app)[0] == paper.title
        await pilot.press("e", "x", "escape")
        assert isinstance(app.screen, Confirm)  # changes are not dropped without asking
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape", "y")
        assert userdata.get_note(sample_store, paper.id) == "compare with zebrafish baseline"
        await pilot.press("e", "ctrl+u", "ctrl+s")  # an empty note deletes it
        await settle(pilot)
        assert userdata.get_note(sample_store, paper.id) == ""
        assert "Deleted the note" in notifications(app)[-1]
        await pilot.press("u")
        await settle(pilot)
        assert userdata.get_note(sample_store, paper.id) == "compare with zebrafish baseline"
        await pilot.press("e", "ctrl+u", "ctrl+s", "e", *"newer", "ctrl+s", "u")
        await settle(pilot)
        assert userdata.get_note(sample_store, paper.id) == "newer"  # an undo never overwrites
        assert "Could not undo" in notifications(app)[-1]


async def test_read_state_by_key_and_by_a_moment_on_the_paper_and_unread_only(app, sample_store, monkeypatch):
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = paper_at(app, 0)
        await until(pilot, lambda: first.id in userdata.read_ids(sample_store))  # shown for 0.2 s
        assert row(app, 0).read
        await pilot.press("m")  # back to unread, and it stays so while shown
        await pilot.pause(0.5)
        await settle(pilot)
        assert first.id not in userdata.read_ids(sample_store)
        await pilot.press("j", "m")
        await settle(pilot)
        second = paper_at(app, 1)
        assert userdata.read_ids(sample_store) == {second.id}
        await pilot.press("U")
        await settle(pilot)
        assert len(app.state.shelf) == 333 and app.state.shelf.position_of(second.id) is None
        await pilot.press("m")  # read while shown: kept until the view is left
        app.state.reread()
        await settle(pilot)
        assert len(app.state.shelf) == 333
        assert "unread 333 / 333" in top_line(app)
        await pilot.press("U")
        await settle(pilot)
        assert len(app.state.shelf) == 334


async def test_unstarring_can_be_undone_keeping_the_star_time(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "j", "s", "r")
        await settle(pilot)
        order = app.state.shelf.ids.tolist()
        await pilot.press("s")
        await settle(pilot)
        assert len(app.state.shelf) == 1
        await pilot.press("u")
        await settle(pilot)
        assert app.state.shelf.ids.tolist() == order


async def test_a_list_view_and_unread_only_are_remembered(sample_store, settings_file):
    lists.create_list(sample_store, "this week")
    lists.add_to_list(sample_store, "this week", [1, 2])
    app = PapershelfApp(sample_store, settings_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.show_list("this week")
        await pilot.press("U", "q")
    again = PapershelfApp(sample_store, settings_file)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shelf = again.state.shelf
        assert (shelf.view, shelf.list_name, shelf.unread_only) == ("list", "this week", True)
        lists.delete_list(sample_store, "this week")  # as another copy of the app would
        again.state.reread()
        await settle(pilot)
        assert again.state.shelf.view == "all" and "this week" not in top_line(again)


async def test_keys_typed_behind_a_dialog_key_go_to_the_dialog(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, ["e", *"quick", "ctrl+s"])
        assert userdata.get_note(sample_store, paper_at(app, 0).id) == "quick"
        await burst(pilot, ["l", *"later", "enter", "e", "escape"])
        assert isinstance(app.screen, ReaderScreen)
        assert lists.list_paper_ids(sample_store, "later") == [paper_at(app, 0).id]


async def test_keys_typed_behind_a_dialog_key_wait_for_the_paper_it_needs(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # `G` lands on a paper not read yet: the editor opens once it is, with the keys behind.
        await burst(pilot, ["G", "e", *"far", "ctrl+s"])
        assert isinstance(app.screen, ReaderScreen)
        assert userdata.get_note(sample_store, paper_at(app, 333).id) == "far"
        await burst(pilot, ["g", "l", *"later", "enter", "k", "j"])
        assert lists.list_paper_ids(sample_store, "later") == [paper_at(app, 0).id]
        assert reader(app).paper_list.cursor == 1


async def test_renaming_the_list_shown_keeps_it_shown(app, sample_store):
    lists.create_list(sample_store, "alpha")
    lists.add_to_list(sample_store, "alpha", [1])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.show_list("alpha")
        await pilot.press("L", "R", "ctrl+u", *"beta", "enter", "escape")
        await settle(pilot)
        assert (app.state.shelf.view, app.state.shelf.list_name) == ("list", "beta")
        assert app.state.settings.list_name == "beta"


async def test_papers_shown_while_typing_a_filter_are_not_marked_read(app, sample_store, monkeypatch):
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        before = userdata.read_ids(sample_store)  # the first paper, shown with the list focused
        await pilot.press(*"diffusion")
        await settle(pilot)
        await pilot.pause(0.5)
        assert userdata.read_ids(sample_store) == before
        first_found = paper_at(app, 0).id
        assert first_found not in before
        await pilot.press("tab")  # to the list: reading again, the moment counts afresh
        await pilot.pause(0.5)
        await settle(pilot)
        assert userdata.read_ids(sample_store) == before | {first_found}
        await pilot.press("j", "slash")  # left for the filter within the moment: not read
        await pilot.pause(0.5)
        await settle(pilot)
        assert userdata.read_ids(sample_store) == before | {first_found}


async def test_space_pages_the_detail_from_the_list_then_moves_to_the_next_paper(app, copied):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = reader(app)
        detail = screen.query_one(PaperDetail)
        assert app.focused is screen.paper_list and detail.max_scroll_y > 0
        await pilot.press("1")  # link 1 is below the abstract, out of sight: named
        assert notifications(app)[-1] == f"Copied link 1 of 2: {paper_at(app, 0).link}"
        await pilot.press("space")
        assert detail.scroll_y == detail.size.height - 2  # two lines kept to read on from
        await pilot.press("b")
        assert detail.scroll_y == 0
        for _ in range(10):
            if detail.at_end:
                break
            await pilot.press("space")
        assert detail.at_end and screen.paper_list.cursor == 0
        await pilot.press("1")  # the links are on screen now
        assert notifications(app)[-1] == f"Copied: {paper_at(app, 0).link}"
        await pilot.press("space")  # past the end: the next paper, from its top
        await settle(pilot)
        assert screen.paper_list.cursor == 1 and detail.scroll_y == 0
        assert app.focused is screen.paper_list


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_remembered_paper_is_in_view_after_a_restart(sample_store, settings_file, size):
    app = PapershelfApp(sample_store, settings_file)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("G", *["k"] * 30)
        await settle(pilot)
        selected = current_title(app)
        await pilot.press("q")

    again = PapershelfApp(sample_store, settings_file)
    async with again.run_test(size=size) as pilot:
        await settle(pilot)
        papers = reader(again).paper_list
        top, height = round(papers.scroll_offset.y), papers.scrollable_content_region.height
        assert current_title(again) == selected
        assert top <= papers.cursor < top + height
        await pilot.press("j")
        assert papers.cursor == len(again.state) - 30
