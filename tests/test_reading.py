"""Bad input files: each is refused with a one-line reason, never a traceback."""

from __future__ import annotations

import pytest

from conftest import write
from papershelf.loaders.sources.reading import MAX_LINE, InputError, open_text, read_lines


def reason(path) -> str:
    with pytest.raises(InputError) as raised:
        list(read_lines(open_text(path)))
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_empty_file(tmp_path):
    assert reason(write(tmp_path / "e.txt", b"")) == "empty file"


def test_binary_file(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert "binary file" in reason(write(tmp_path / "p.png", png))


def test_nul_in_otherwise_valid_text(tmp_path):
    assert "binary file" in reason(write(tmp_path / "n.txt", b"Title\n\x00abstract\n"))


def test_latin1_letters_are_not_guessed(tmp_path):
    message = reason(write(tmp_path / "l.txt", "Caf\u00e9 and na\u00efve\n", "latin-1"))
    assert message.startswith("not valid UTF-8 (byte 0xE9 at offset 3)")


def test_mixed_utf8_and_windows_bytes_are_refused(tmp_path):
    data = "caf\u00e9 ".encode() + b"\x93quoted\x94\n"
    assert "not valid UTF-8" in reason(write(tmp_path / "m.txt", data))


def test_truncated_utf16(tmp_path):
    data = "Title\nAbstract\n".encode("utf-16")[:-1]
    assert "truncated" in reason(write(tmp_path / "t.txt", data))


def test_a_huge_line_is_refused_without_reading_it_all(tmp_path):
    path = write(tmp_path / "h.txt", b"x" * (MAX_LINE + 10))
    assert reason(path) == f"line 1 is over {MAX_LINE:,} characters long: not a papers page"


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        open_text(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a folder"):
        open_text(tmp_path)


def test_lines_keep_no_control_characters(tmp_path):
    path = write(tmp_path / "c.txt", "a\tb\x1b[31mred\x1b[0m\r\nnext\x85line\x7f\n")
    assert list(read_lines(open_text(path))) == ["a bred", "next line "]


def test_control_free_files_are_read_as_they_are(tmp_path):
    path = write(tmp_path / "ok.txt", "Title \u2022 \u00b7\nAbstract\n")
    text_file = open_text(path)
    assert not text_file.may_hold_controls
    assert list(read_lines(text_file)) == ["Title \u2022 \u00b7", "Abstract"]
