"""Moving through the list as a reader does (issue 17): unread papers, places kept per view,
sort direction, tagged papers, days. Pilot presses the keys a user presses."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import settle
from papershelf.loaders import userdata
from papershelf.loaders.store.database import Store
from papershelf.tui.app import PapershelfApp
from papershelf.tui.widgets.paper_list import UNREAD

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)  # the tests mark papers read


@pytest.fixture
def app(sample_store: Store, tmp_path: Path) -> PapershelfApp:
    return PapershelfApp(sample_store, tmp_path / "reader.json")


def shown_ids(app: PapershelfApp) -> list[int]:
    return [int(i) for i in app.state.shelf.ids]


def cursor_id(app: PapershelfApp) -> int | None:
    return app.reader.paper_list.paper_id


def list_line(app: PapershelfApp, y: int) -> str:
    return app.reader.paper_list.render_line(y).text


def notifications(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications]


# Unread papers (17.7) -------------------------------------------------------------------------------


async def test_n_and_N_go_to_the_next_and_previous_unread_paper(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = shown_ids(app)
        userdata.mark_read(sample_store, ids[1:4])  # read elsewhere: seen when the view is read
        app.state.reread(keep_paper=ids[0])
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert cursor_id(app) == ids[4]
        await pilot.press("N")
        await settle(pilot)
        assert cursor_id(app) == ids[0]
        await pilot.press("N")  # none above: the cursor stays, and the reader says so
        await settle(pilot)
        assert cursor_id(app) == ids[0]
        assert notifications(app)[-1] == "No unread paper above."
        await pilot.press("m", "n")  # marked read just now (not saved yet, perhaps): skipped too
        await settle(pilot)
        assert cursor_id(app) == ids[4]


async def test_keys_after_n_apply_to_the_unread_paper_it_went_to(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = shown_ids(app)
        userdata.mark_read(sample_store, ids[:3])
        app.state.reread(keep_paper=ids[0])
        await settle(pilot)
        await pilot.press("n", "s")
        await settle(pilot)
        with Store(sample_store.path) as store:
            assert [p.id for p in store.papers(starred_only=True)] == [ids[3]]


async def test_the_list_marks_unread_papers_in_a_column_of_their_own(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert list_line(app, 0)[1] == UNREAD and list_line(app, 1)[1] == UNREAD
        await pilot.press("m")
        await settle(pilot)
        assert list_line(app, 0)[1] == " " and list_line(app, 1)[1] == UNREAD
        title = list_line(app, 0)[3:]
        assert title.strip() and not title.startswith(" ")  # the title starts after the marks


async def test_A_marks_every_paper_shown_read_and_one_undo_takes_it_back(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = shown_ids(app)[0]
        userdata.mark_read(sample_store, [first])
        await pilot.press("slash", *"diffusion", "enter")
        await settle(pilot)
        shown = shown_ids(app)
        assert 1 < len(shown) < 334
        await pilot.press("A")
        assert list_line(app, 0)[1] == " "  # shown at once
        await settle(pilot)
        assert set(shown) <= userdata.read_ids(sample_store)
        assert len(userdata.read_ids(sample_store)) == len(set(shown) | {first})
        assert "read — u undoes" in notifications(app)[-1]
        await pilot.press("u")
        await settle(pilot)
        assert userdata.read_ids(sample_store) == {first}  # read before: stays read
        assert list_line(app, 0)[1] in (" ", UNREAD)
        assert all(list_line(app, y)[1] == UNREAD for y in range(3) if shown[y] != first)


# Places kept (17.9) ---------------------------------------------------------------------------------


async def test_each_view_keeps_its_place(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "j", "s", "j", "s", *"jjjjjjj")
        await settle(pilot)
        in_all = cursor_id(app)
        await pilot.press("r")
        await settle(pilot)
        assert app.state.shelf.view == "starred" and app.reader.paper_list.cursor == 0
        await pilot.press("j")
        in_starred = cursor_id(app)
        await pilot.press("a")
        await settle(pilot)
        assert cursor_id(app) == in_all
        await pilot.press("r")
        await settle(pilot)
        assert cursor_id(app) == in_starred


async def test_sorting_keeps_the_paper_under_the_cursor(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"jjjjj")
        paper_id = cursor_id(app)
        app.sort_by("title")
        await settle(pilot)
        assert cursor_id(app) == paper_id and shown_ids(app)[:6] != list(range(1, 7))


# Sorting (17.10) ------------------------------------------------------------------------------------


def top_line(app: PapershelfApp) -> str:
    return app.reader.top_bar.render_line(0).text


def order_shown(app: PapershelfApp) -> str:
    """The order the top bar says the list is in (its last part)."""
    return top_line(app).split("·")[-1].strip()


def dates_of(store: Store, ids: list[int]) -> list[str | None]:
    """The date each paper sorts by: its own, or a page's `Jan 28` in its listing day's year."""
    from papershelf.loaders.store.days import yearless_key

    rows = store.conn.execute("SELECT id, published, published_text, listing_date FROM papers")
    published = {i: date or (text and day and yearless_key(text, day)) for i, date, text, day in rows}
    return [published[i] for i in ids]


async def test_minus_reverses_the_order_and_blanks_stay_last(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = shown_ids(app)
        await pilot.press("minus")
        await settle(pilot)
        assert shown_ids(app) == listing[::-1]
        assert order_shown(app) == "listing order, reversed"
        app.sort_by("date")
        await settle(pilot)
        oldest_first = dates_of(sample_store, shown_ids(app))
        dated = [d for d in oldest_first if d]
        assert dated and dated == sorted(dated) and oldest_first[: len(dated)] == dated  # blanks last
        await pilot.press("minus")
        await settle(pilot)
        newest_first = dates_of(sample_store, shown_ids(app))
        assert [d for d in newest_first if d] == dated[::-1] and newest_first[-1] is None
        assert order_shown(app) == "date"


async def test_starred_says_star_time_and_sorts_like_any_view(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "j", "s", "j", "s", "j", "s", "r")
        await settle(pilot)
        by_star = shown_ids(app)
        assert len(by_star) == 4 and order_shown(app) == "star time"
        app.sort_by("title")
        await settle(pilot)
        titles = dict(sample_store.conn.execute("SELECT id, title_key FROM papers"))
        assert shown_ids(app) == sorted(by_star, key=titles.__getitem__)
        assert order_shown(app) == "title"
        await pilot.press("minus")
        await settle(pilot)
        assert shown_ids(app) == sorted(by_star, key=titles.__getitem__, reverse=True)
        app.sort_by("listing")
        await settle(pilot)
        assert shown_ids(app) == by_star[::-1] and order_shown(app) == "star time, reversed"
