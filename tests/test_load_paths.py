"""`load_paths`: each path on its own, a bad one never stopping the good, every failure one line."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import SAMPLE, write
from papershelf.loaders.sources import reading
from papershelf.loaders.sources.load import PathOutcome, load_paths
from papershelf.loaders.store.database import Store

GOOD = SAMPLE["004"]


def outcomes(store: Store, *paths: Path) -> list[PathOutcome]:
    return list(load_paths(store, paths))


def errors(results: list[PathOutcome]) -> dict[str, str]:
    return {str(result.path): result.error for result in results if result.error is not None}


def loaded(results: list[PathOutcome]) -> list[Path]:
    return [result.path for result in results if result.report is not None]


def test_a_fifo_without_a_writer_is_refused_at_once_and_the_rest_loads(store, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    results = outcomes(store, fifo, GOOD)  # would hang forever if the FIFO were opened for reading
    assert errors(results) == {str(fifo): "not a regular file (a pipe)"}
    assert loaded(results) == [GOOD]


def test_a_pipe_with_a_writer_is_refused(store):
    reader, writer = os.pipe()
    try:
        os.write(writer, GOOD.read_bytes()[:1000])
        (result,) = outcomes(store, Path(f"/dev/fd/{reader}"))
    finally:
        os.close(reader)
        os.close(writer)
    assert result.error == "not a regular file (a pipe)"


def test_devices_and_proc_files_are_refused(store):
    results = outcomes(store, Path("/dev/null"), Path("/proc/self/mem"), Path("/proc/self/status"))
    assert errors(results) == {
        "/dev/null": "not a regular file (a device)",
        "/proc/self/mem": "not a regular file (a /proc or /sys file)",
        "/proc/self/status": "not a regular file (a /proc or /sys file)",
    }


def test_bad_then_good_keeps_the_good(store, tmp_path):
    bad = write(tmp_path / "bad.txt", b"\x00\x01binary")
    results = outcomes(store, bad, tmp_path / "missing.txt", GOOD)
    assert errors(results) == {
        str(bad): reading.BINARY,
        str(tmp_path / "missing.txt"): "no such file",
    }
    assert loaded(results) == [GOOD]
    assert store.conn.execute("select count(*) from papers").fetchone()[0] > 0


def test_an_unreadable_subfolder_is_reported_and_the_others_load(store, tmp_path, monkeypatch):
    tmp_path = tmp_path / "pages"
    (tmp_path / "a").mkdir(parents=True)
    (tmp_path / "locked").mkdir()
    write(tmp_path / "a" / "page.txt", GOOD.read_text())
    write(tmp_path / "z.txt", GOOD.read_text())
    real_scandir = os.scandir

    def scandir(path):  # chmod 000 does not stop root, who runs these tests in CI
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results = outcomes(store, tmp_path)
    assert errors(results) == {str(tmp_path / "locked"): "cannot read this folder: Permission denied"}
    assert loaded(results) == [tmp_path / "z.txt", tmp_path / "a" / "page.txt"]  # as os.walk: files first


@pytest.fixture
def deep(tmp_path, monkeypatch) -> Iterator[Callable[[int], Path]]:
    """Make a chain of `depth` folders `d/d/…` in tmp_path, and remove it after the test: both
    without recursion (os.makedirs and shutil.rmtree recurse, and fail at these depths)."""
    made = [0]
    tmp_path = tmp_path / "deep"
    tmp_path.mkdir()

    def make(depth: int) -> Path:
        monkeypatch.chdir(tmp_path)
        for _ in range(depth):  # each relative to the last: the whole path may be over PATH_MAX
            os.mkdir("d")
            os.chdir("d")
        made[0] = depth
        return tmp_path.joinpath(*["d"] * depth)

    yield make
    os.chdir(tmp_path)
    for _ in range(made[0]):
        os.chdir("d")
    for _ in range(made[0]):
        for name in os.listdir("."):
            os.unlink(name)
        os.chdir("..")
        os.rmdir("d")


def test_a_very_deep_folder_is_walked_without_a_recursion_limit(store, tmp_path, deep):
    folder = deep(1200)  # deeper than Python's recursion limit, shallower than PATH_MAX
    write(folder / "page.txt", GOOD.read_text())
    results = outcomes(store, tmp_path / "deep")
    assert loaded(results) == [folder / "page.txt"]


def test_a_folder_deeper_than_the_system_allows_is_one_line(store, tmp_path, deep):
    deep(2500)
    results = outcomes(store, tmp_path / "deep")
    assert len(results) >= 1
    assert all(result.error and "\n" not in result.line() for result in results)
    assert any("cannot read this folder" in (result.error or "") for result in results)


def test_an_empty_folder_says_no_files_found(store, tmp_path):
    (tmp_path / "empty" / ".hidden").mkdir(parents=True)
    assert errors(outcomes(store, tmp_path / "empty")) == {str(tmp_path / "empty"): "no files found"}


def test_a_file_changing_while_read_is_one_line_and_stores_nothing(store, tmp_path, monkeypatch):
    path = write(tmp_path / "growing.txt", GOOD.read_text())
    real_read_lines = reading.read_lines

    def read_lines_while_appending(text_file, on_position=None):
        with path.open("a") as out:
            out.write("\nmore text from a writer not done yet\n")
        return real_read_lines(text_file, on_position)

    monkeypatch.setattr("papershelf.loaders.sources.parsing.read_lines", read_lines_while_appending)
    (result,) = outcomes(store, path)
    assert result.error == reading.CHANGED
    assert store.conn.execute("select count(*) from papers").fetchone()[0] == 0


def test_a_file_no_longer_decoding_when_read_is_one_line(store, tmp_path, monkeypatch):
    path = write(tmp_path / "page.txt", GOOD.read_text())
    real_open_text = reading.open_text

    def open_text_then_corrupt(p):
        checked = real_open_text(p)
        data = bytearray(path.read_bytes())
        data[10] = 0xFF  # same size, and a modification time the file system may not tell apart
        path.write_bytes(bytes(data))
        return reading.TextFile(checked.path, checked.encoding, checked.may_hold_controls, None)

    monkeypatch.setattr("papershelf.loaders.sources.parsing.open_text", open_text_then_corrupt)
    (result,) = outcomes(store, path)
    assert result.error == reading.CHANGED


def test_a_store_error_names_the_path_and_the_rest_goes_on(store, tmp_path, monkeypatch):
    first = write(tmp_path / "first.txt", GOOD.read_text())
    calls = []
    real_merge = Store.merge_rows

    def merge_rows(self, *args):
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database or disk is full")
        return real_merge(self, *args)

    monkeypatch.setattr(Store, "merge_rows", merge_rows)
    results = outcomes(store, first, GOOD)
    assert errors(results) == {str(first): "not loaded, the store: the disk is full"}
    assert loaded(results) == [GOOD]


def test_outcome_lines_are_safe_for_a_terminal(store, tmp_path):
    name = "a\x1b]0;PWNED\x07\n\u202eb.txt"
    path = write(tmp_path / name, b"")
    (result,) = outcomes(store, path)
    line = result.line()
    assert "\x1b" not in line and "\x07" not in line and "\n" not in line and "\u202e" not in line
    assert line.endswith("a\\x1b]0;PWNED\\x07\\x0a\\u202eb.txt: empty file")


def test_an_unreadable_file_is_one_line(store, tmp_path, monkeypatch):
    path = write(tmp_path / "secret.txt", GOOD.read_text())
    path.chmod(0)
    if os.geteuid() == 0:  # root reads a chmod-000 file: have the system refuse as it would others
        real_open = os.open

        def refusing_open(name, *args, **kwargs):
            if Path(name) == path:
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)
    assert errors(outcomes(store, path, GOOD)) == {str(path): "permission denied"}


def test_the_load_command_prints_file_names_safely_and_goes_on(run, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    hostile = "x\x1b]0;PWNED\x07\x9b31m\u202e\nname.txt"
    write(folder / hostile, GOOD.read_text())
    write(folder / ("y" + hostile), b"\x00")
    (tmp_path / "empty").mkdir()
    result = run("load", str(folder), str(tmp_path / "empty"), "/dev/null")
    assert result.exit_code == 1
    for output in (result.stdout, result.stderr):
        assert not any(char in output for char in "\x1b\x07\x9b\u202e")
    assert result.stdout.count("\n") == 1
    assert "x\\x1b]0;PWNED\\x07\\x9b31m\\u202e\\x0aname.txt: " in result.stdout
    assert result.stderr.splitlines() == [
        f"papershelf: error: {folder}/yx\\x1b]0;PWNED\\x07\\x9b31m\\u202e\\x0aname.txt: {reading.BINARY}",
        f"papershelf: error: {tmp_path / 'empty'}: no files found",
        "papershelf: error: /dev/null: not a regular file (a device)",
    ]


def test_json_lines_that_are_no_arxiv_snapshot_are_refused_whole(store, tmp_path):
    record = '{{"event": "view", "user": {}, "text": "{}"}}'  # a log, say: no arXiv metadata
    lines = [record.format(n, "word " * 40) for n in range(2000)]
    path = write(tmp_path / "log.jsonl", "\n".join(lines) + "\n")
    (result,) = outcomes(store, path)
    assert result.error == "looks like JSON (lines of objects), not a text copy of a papers page"
    assert store.conn.execute("select count(*) from papers").fetchone()[0] == 0


def test_a_file_of_mostly_unreadable_entries_is_refused_whole(store, tmp_path):
    paper = "A Real Title of a Paper\n" + "An abstract that is long enough to be one. " * 4 + "\n"
    cut = "".join(f"A Title Without Abstract {n}\n\n" for n in range(5))
    (result,) = outcomes(store, write(tmp_path / "odd.txt", paper + cut))
    assert result.report is None, result.line()
