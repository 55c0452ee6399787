"""The command line for the user's data: lists, list …, note, export --list, backup, restore."""

from __future__ import annotations

import csv
import io
import json

import bibtexparser
import pytest

from conftest import runner, user_data, write
from papershelf.loaders.sources.load import sample_files
from papershelf.loaders.store.database import Store


@pytest.fixture
def loaded(run):
    run("load", *map(str, sample_files()))
    return run


def owned(db_path) -> dict:
    with Store(db_path) as store:
        return user_data(store)


def fails(result, message: str) -> None:
    """The command failed with one line naming `message`."""
    assert result.exit_code == 1
    assert result.stderr.startswith("papershelf: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_lists_add_show_remove_rename_delete(loaded, db_path):
    run = loaded
    survey = "“For the survey”"
    assert run("list", "add", "For the survey", "5", "3").stdout == f"2 papers added to {survey} (new list)\n"
    assert run("list", "add", "for the SURVEY", "3", "7").stdout == f"1 paper added to {survey}\n"
    run("star", "9")
    assert run("lists").stdout == "     1  Starred\n     3  For the survey\n"
    shown = run("list", "show", "for the survey").stdout.splitlines()
    assert [line.split("\t")[0] for line in shown] == ["5", "3", "7"]
    assert run("list", "remove", "For the survey", "3", "8").stdout == f"1 paper removed from {survey}\n"
    assert run("list", "rename", "for the survey", "Survey").stdout == f"{survey} renamed to “Survey”\n"
    assert run("list", "add", "starred", "10").stdout == "1 paper added to “Starred”\n"
    assert run("list", "show", "Starred").stdout.split("\t")[0] == "10"  # newest star first
    result = run("list", "delete", "survey", input="n\n")
    assert result.exit_code == 1 and "Delete the list “Survey” (2 papers)?" in result.stderr
    assert "Survey" in run("lists").stdout
    assert run("list", "delete", "survey", input="y\n").stdout == "list “Survey” deleted\n"
    assert run("list", "add", "Other", "1").exit_code == 0
    assert run("list", "delete", "other", "--yes").stdout == "list “Other” deleted\n"
    assert run("lists").stdout == "     2  Starred\n"


def test_bad_list_commands_say_why_in_one_line_and_change_nothing(loaded, db_path):
    run = loaded
    run("list", "add", "Survey", "5")
    run("note", "5", "kept")
    before = owned(db_path)
    fails(run("list", "add", "Survey", "6", "99999", "2501.99999"), "no paper with id 99999, 2501.99999")
    fails(run("list", "add", "Brand new", "99999"), "no paper with id 99999")
    fails(run("list", "remove", "Nope", "5"), "no list named “Nope”")
    fails(run("list", "remove", "Survey", "abc"), "no paper with id abc")
    fails(run("list", "show", "Nope"), "no list named “Nope”")
    fails(run("list", "rename", "Nope", "x"), "no list named “Nope”")
    fails(run("list", "rename", "Survey", "starred"), "built-in")
    fails(run("list", "rename", "Starred", "Mine"), "built-in")
    fails(run("list", "rename", "Survey", " "), "a list needs a name")
    fails(run("list", "delete", "Starred", "--yes"), "built-in")
    fails(run("list", "delete", "Nope", "--yes"), "no list named")
    fails(run("note", "99999", "x"), "no paper with id 99999")
    fails(run("export", "--list", "Nope"), "no list named “Nope”")
    fails(run("export", "--list", "Survey", "--starred"), "not both")
    assert owned(db_path) == before
    assert run("lists").stdout == "     0  Starred\n     1  Survey\n"


def test_notes_from_the_argument_or_stdin_and_only_delete_deletes(loaded):
    run = loaded
    assert run("note", "5", "Read *this*.").stdout == "note saved for paper 5\n"
    assert run("note", "5", "--show").stdout == "Read *this*.\n"
    assert run("note", "5").stdout == "Read *this*.\n"  # no text: the note is printed
    assert run("note", "6", "-", input="line one\r\nline two\n\n").stdout == "note saved for paper 6\n"
    assert run("note", "6").stdout == "line one\nline two\n"
    fails(run("note", "5", ""), "empty note for paper 5: to delete its note, use --delete")
    fails(run("note", "6", "-", input=""), "use --delete")  # Ctrl-D, or an empty pipe, deletes nothing
    assert run("note", "6", input="").stdout == "line one\nline two\n"  # stdin is not read without `-`
    assert run("note", "5", "--delete").stdout == "note deleted from paper 5\n"
    assert run("note", "5").stdout == ""
    assert run("note", "5", "--delete").stdout == "paper 5 has no note\n"


def test_export_a_list_in_its_order_with_the_users_data(loaded, tmp_path):
    run = loaded
    run("list", "add", "Survey", "44", "1", "3")
    run("list", "add", "Other", "1")
    run("star", "1")
    run("note", "1", "First line {with braces} & 50%\nsecond line")
    records = [json.loads(line) for line in run("export", "--list", "survey").stdout.splitlines()]
    assert [r["id"] for r in records] == [44, 1, 3]
    assert records[1]["lists"] == ["Starred", "Other", "Survey"]
    assert records[1]["note"].startswith("First line") and records[0]["note"] is None
    assert [r["read"] for r in records] == [False, False, False]
    assert len(json.loads(run("export", "--list", "Survey", "--format", "json").stdout)) == 3
    rows = list(csv.DictReader(io.StringIO(run("export", "--list", "Survey", "--format", "csv").stdout)))
    assert rows[1]["lists"] == "Starred\nOther\nSurvey" and rows[1]["note"].endswith("\nsecond line")
    markdown = run("export", "--list", "survey", "--format", "markdown").stdout
    assert markdown.startswith("# Survey\n\n3 papers")
    assert "   > First line {with braces} & 50%\n   > second line\n" in markdown
    assert [line[:3] for line in markdown.splitlines() if line[:1].isdigit()][1:] == ["1. ", "2. ", "3. "]
    run("export", "--list", "Survey", "--format", "bibtex", "-o", str(tmp_path / "survey.bib"))
    library = bibtexparser.parse_string((tmp_path / "survey.bib").read_text())
    assert len(library.entries) == 3 and not library.failed_blocks
    annote = library.entries[1]["annote"]
    assert annote.startswith(r"First line \textbraceleft{}with braces\textbraceright{} \& 50\%")
    starred = [json.loads(line)["id"] for line in run("export", "--list", "Starred").stdout.splitlines()]
    assert starred == [1]


def test_backup_and_restore_into_a_fresh_store(loaded, db_path, tmp_path):
    run = loaded
    run("list", "add", "Survey", "44", "1", "3")
    run("star", "2", "1")
    run("note", "3", "a note")
    file = tmp_path / "backup.json"
    result = run("backup", str(file))
    assert result.stderr == f"1 list, 2 stars, 1 note, 0 read marks and 4 papers written to {file}\n"
    assert json.loads(run("backup", "-").stdout)["format"] == "papershelf-backup"
    fresh = tmp_path / "fresh.db"
    out = runner(fresh)("restore", str(file))
    assert out.exit_code == 0
    assert out.stdout == (
        "restored: 4 papers created, 0 already stored, "
        "2 stars, 1 list, 3 list entries, 1 note, 0 read marks\n"
    )
    assert owned(fresh) == owned(db_path)
    again = run("restore", "-", input=file.read_text())
    assert again.stdout.startswith("restored: 0 papers created, 4 already stored, 0 stars, 0 lists")


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(loaded, db_path, tmp_path):
    run = loaded
    run("list", "add", "Survey", "44")
    run("backup", str(tmp_path / "good.json"))
    good = (tmp_path / "good.json").read_text()
    before = owned(db_path)
    cases = {
        "truncated.json": (good[: len(good) // 3], "not a papershelf backup: invalid JSON"),
        "export.json": (run("export", "--format", "json").stdout, 'not a papershelf backup (no "format"'),
        "notes.txt": ("some notes\n", "invalid JSON"),
        "binary.bin": (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        "dangling.json": (good.replace('"paper": 44', '"paper": 7'), "lists[0].papers[0].paper: 7"),
    }
    for name, (content, message) in cases.items():
        fails(run("restore", str(write(tmp_path / name, content))), message)
    fails(run("restore", str(tmp_path / "missing.json")), "No such file or directory")
    fails(run("backup", str(tmp_path / "no-such-folder" / "b.json")), "No such file or directory")
    assert owned(db_path) == before
