"""The reader and its store: no SQL on the UI thread, keys answered while another process holds
the store's lock, and no failed write (read-only store, full disk) ever closing the reader."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_load_paths import deep  # noqa: F401 - a fixture

from conftest import SAMPLE, settle, write
from papershelf.loaders.discovery import vectors
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists
from papershelf.tui.app import PapershelfApp
from papershelf.tui.screens.list_picker import ListPicker
from papershelf.tui.screens.note_editor import NoteEditor

SIZE = (100, 30)
GOOD = SAMPLE["004"]


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    monkeypatch.setattr("papershelf.tui.screens.keeping.READ_AFTER", 3600)


def notifications(app: PapershelfApp) -> list[str]:
    """Every message the app showed (kept here: Textual drops a notification after a few seconds)."""
    return [message for message, _ in app.__dict__.get("said", [])]


def errors_said(app: PapershelfApp) -> list[str]:
    return [message for message, severity in app.__dict__.get("said", []) if severity == "error"]


@pytest.fixture(autouse=True)
def keep_what_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    notify = PapershelfApp.notify

    def kept(self, message, *args, **kwargs):
        self.__dict__.setdefault("said", []).append((str(message), kwargs.get("severity", "information")))
        return notify(self, message, *args, **kwargs)

    monkeypatch.setattr(PapershelfApp, "notify", kept)


def stars_in(path: Path) -> set[int]:
    with Store(path) as store:
        return {row[0] for row in store.conn.execute("SELECT paper_id FROM stars")}


@pytest.fixture
def sql_threads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every SQL statement that connections opened from now on run, with the thread that ran it."""
    seen: list[tuple[str, str]] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(lambda sql: seen.append((threading.current_thread().name, sql)))
        return connection

    monkeypatch.setattr("papershelf.loaders.store.database.sqlite3.connect", traced)
    return seen


def star_elsewhere(path: Path, paper_id: int) -> None:
    with Store(path) as other:
        other.set_starred([paper_id], True)


async def test_no_sql_statement_runs_on_the_main_thread(sample_store, tmp_path, sql_threads):
    page = write(tmp_path / "more.txt", GOOD.read_text())
    vectors.refresh(sample_store)  # on a connection opened before the trace: For you has vectors
    sample_store.set_starred([7, 8, 9], True)
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "k", "G", "g")  # move
        await pilot.press("s", "j", "s")  # star, unstar by key
        await pilot.press("slash", *"difusion", "enter")  # filter
        await settle(pilot)
        await pilot.press("l")  # a list
        await settle(pilot)
        assert isinstance(app.screen, ListPicker)
        await pilot.press(*"to read", "enter")
        await pilot.press("e")  # a note
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"check this", "ctrl+s")
        await pilot.press("m", "u", "r", "a")  # read mark, undo, views
        await settle(pilot)
        await pilot.press("n", "N", "A", "u")  # next and previous unread, all shown read, undo
        await pilot.press(*["space"] * 6, "b")  # paging the detail, on to the next papers
        await pilot.press("O", "escape")  # the link chooser
        await settle(pilot)
        await pilot.press("equals_sign", "j", "escape")  # similar papers, and back
        await settle(pilot)
        await pilot.press("f", "j", "x", "u")  # For you, not for me, undo
        await settle(pilot)
        assert app.state.shelf.view == "foryou" and len(app.state.shelf) > 10
        elsewhere = threading.Thread(target=star_elsewhere, args=(sample_store.path, 5), name="elsewhere")
        elsewhere.start()  # an outside change (not on the main thread: the trace would see it)
        elsewhere.join()
        app.state.check_outside_changes()
        await settle(pilot)
        app.load_path(str(page))  # a load from the palette
        app.export_to(str(tmp_path / "shown.md"))  # an export
        app.sort_by("title")
        await settle(pilot)
    assert sql_threads, "the trace saw nothing: the test would pass whatever the reader did"
    on_main = [sql for thread, sql in sql_threads if thread == threading.main_thread().name]
    assert on_main == []
    assert (tmp_path / "shown.md").exists()
    assert 5 in stars_in(sample_store.path)


HOLD_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()  # until the test lets go
connection.execute("COMMIT")
"""


@pytest.fixture
def lock_holder(sample_store):
    """Another process holding the store's write lock until `release()`."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(sample_store.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"

    def release() -> None:
        if holder.poll() is None:
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.close()
            holder.wait(10)

    holder.release = release  # type: ignore[attr-defined]
    yield holder
    release()


async def test_keys_answer_while_another_process_holds_the_lock(sample_store, tmp_path, lock_holder):
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader = app.reader
        await pilot.press("j", "j", "k")
        assert reader.paper_list.cursor == 1
        await pilot.press("s")  # shown at once, saved when the lock frees
        await pilot.pause(0.5)  # a few retries
        assert lock_holder.poll() is None  # still holding: nothing above waited for it
        assert app.state.row(1).starred and app.state.shelf.starred_count == 1
        assert "unsaved" in reader.top_bar.render_line(0).text
        await pilot.press("slash", *"diffusion", "escape")
        cursor = reader.paper_list.cursor
        await pilot.press("j")
        assert reader.paper_list.cursor == cursor + 1
        assert stars_in(sample_store.path) == set()
        lock_holder.release()
        await settle(pilot)
        assert stars_in(sample_store.path) == {app.state.id_at(1)}
        assert "unsaved" not in reader.top_bar.render_line(0).text
        assert not errors_said(app)


async def test_a_load_beside_the_reader_does_not_stop_its_keys(sample_store, tmp_path):
    from benchmarks.generate import main as generate

    generated = tmp_path / "generated"
    sys_argv = sys.argv
    try:
        sys.argv = ["generate", str(generated), "--papers", "10000"]
        generate()
    finally:
        sys.argv = sys_argv
    load = subprocess.Popen(
        [sys.executable, "-m", "papershelf.tui", "--db", str(sample_store.path), "load", str(generated)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            starred = []
            while load.poll() is None and len(starred) < 20:
                await pilot.press("j", "s")
                starred.append(app.state.id_at(app.reader.paper_list.cursor))
                await pilot.pause(0.05)
            await pilot.press("slash", *"difusion", "escape")
            load.wait(600)
            await settle(pilot)
            assert load.returncode == 0, load.stderr.read() if load.stderr else ""
            assert set(starred) <= stars_in(sample_store.path)
            app.state.check_outside_changes()
            await settle(pilot)
            assert app.state.shelf.paper_count > 334
            assert not errors_said(app)
    finally:
        if load.poll() is None:
            load.kill()


class QueryOnlyStore(Store):
    """A store SQLite refuses to write to ("attempt to write a readonly database")."""

    def __init__(self, path):
        super().__init__(path)
        self.conn.execute("PRAGMA query_only = ON")


async def test_a_read_only_store_is_browsed_and_says_so(sample_store, tmp_path, monkeypatch):
    monkeypatch.setattr("papershelf.tui.state.store_thread.Store", QueryOnlyStore)
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "read-only" in app.reader.top_bar.render_line(0).text
        await pilot.press("j", "s", "m")
        await settle(pilot)
        assert not app.state.row(1).starred  # taken back
        said = errors_said(app)
        assert said and all("read-only" in line and "\n" not in line for line in said)
        await pilot.press("slash", *"diffusion", "enter", "j")
        await settle(pilot)
        assert app.is_running
    assert stars_in(sample_store.path) == set()


async def test_a_write_refused_as_read_only_later_is_reverted_and_said(sample_store, tmp_path, monkeypatch):
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(
            "papershelf.tui.state.owner.Store.set_starred",
            lambda *_: (_ for _ in ()).throw(
                sqlite3.OperationalError("attempt to write a readonly database")
            ),
        )
        await pilot.press("s")
        await settle(pilot)
        assert not app.state.row(0).starred and app.state.shelf.starred_count == 0
        assert "read-only" in notifications(app)[-1]
        assert "read-only" in app.reader.top_bar.render_line(0).text
        assert app.is_running


@pytest.fixture
def full_disk(tmp_path, sample_store):
    """A copy of the sample store on a tmpfs with no room left (skips where none can be mounted)."""
    mount = tmp_path / "full"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"no tmpfs to fill: {done.stderr.decode().strip() or 'mount failed'}")
    try:
        sample_store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(sample_store.path, mount / "papershelf.db")
        keeper = Store(mount / "papershelf.db")  # open: its -wal and -shm stay while the disk fills
        filler = mount / "filler"
        with filler.open("wb", buffering=0) as out:  # unbuffered: nothing left to fail at close
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:
                pass
        yield mount / "papershelf.db"
        keeper.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


async def test_a_full_disk_is_one_line_and_the_reader_goes_on(full_disk, tmp_path):
    app = PapershelfApp(full_disk, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(30):  # until the WAL's free pages are used up
            await pilot.press("s", "j")
        await settle(pilot)
        errors = errors_said(app)
        assert errors and all("\n" not in line for line in errors)
        assert any("full" in line or "could not be written" in line for line in errors)
        await pilot.press("j", "k", "slash", *"kv", "escape")
        await settle(pilot)
        assert app.is_running


async def test_the_palette_load_says_each_bad_path_in_a_line_and_loads_the_rest(
    sample_store,
    tmp_path,
    deep,  # noqa: F811 - the fixture imported above
):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    deep(2500)
    (tmp_path / "good").mkdir()
    good = write(tmp_path / "good" / "page.txt", GOOD.read_text())
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.state.shelf.paper_count
        for path in (fifo, tmp_path / "deep", good.parent, tmp_path / "missing.txt"):
            app.load_path(str(path))
            await settle(pilot)
        lines = notifications(app)
        assert any(str(fifo) in line for line in lines)
        assert any(str(good) in line and "error" not in line.lower() for line in lines)
        assert any("cannot read this folder" in line for line in lines)
        assert any("missing.txt" in line for line in lines)
        assert all("\n" not in line and "Traceback" not in line for line in lines)
        assert app.state.shelf.paper_count >= before
        assert app.is_running


async def test_a_list_change_waits_for_the_lock_in_order(sample_store, tmp_path, lock_holder):
    app = PapershelfApp(sample_store.path, tmp_path / "reader.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"later", "enter", "s", "s", "s")  # a list, then star, unstar, star
        await pilot.pause(0.3)
        assert app.state.row(0).starred
        lock_holder.release()
        await settle(pilot)
    with Store(sample_store.path) as store:
        assert lists.list_paper_ids(store, "later") == [1]
    assert stars_in(sample_store.path) == {1}
