"""Exporting a view: which papers, in which order, with the user's data; and the CLI's conventions."""

from __future__ import annotations

import io
import json

import pytest

from papershelf.loaders.export.view import View, export_view, export_view_to, format_for
from papershelf.loaders.userdata import set_note
from papershelf.loaders.userdata.lists import UserDataError, add_to_list, create_list


def ids_of(jsonl: str) -> list[int]:
    return [json.loads(line)["id"] for line in jsonl.splitlines()]


def exported(store, view: View, format: str = "jsonl") -> tuple[int, str]:
    out = io.StringIO()
    count = export_view(store, view, format, out)
    return count, out.getvalue()


def test_all_papers_in_id_order(sample_store):
    count, text = exported(sample_store, View.all_papers())
    assert count == 334 and ids_of(text) == list(range(1, 335))


def test_starred_newest_star_first_and_a_list_in_its_order(sample_store):
    sample_store.set_starred([5], True)
    sample_store.conn.execute("UPDATE stars SET starred_at = '2020-01-01T00:00:00Z'")
    sample_store.set_starred([9], True)
    assert ids_of(exported(sample_store, View.starred())[1]) == [9, 5]
    create_list(sample_store, "Survey")
    add_to_list(sample_store, "Survey", [30, 3, 20])
    count, text = exported(sample_store, View.named("survey"))
    assert count == 3 and ids_of(text) == [30, 3, 20]


def test_shown_ids_keep_their_order_and_carry_the_users_data(sample_store):
    set_note(sample_store, 7, "read §3 first")
    sample_store.set_starred([7], True)
    count, text = exported(sample_store, View.shown([7, 2, 99999, 1], "Filtered"))
    records = [json.loads(line) for line in text.splitlines()]
    assert count == 3 and [r["id"] for r in records] == [7, 2, 1]
    assert records[0]["note"] == "read §3 first" and records[0]["lists"] == ["Starred"]
    assert records[0]["starred"] is True and records[1]["note"] is None


def test_markdown_is_titled_with_the_stored_name_of_the_list(sample_store):
    create_list(sample_store, "Diffusion Reading")
    add_to_list(sample_store, "Diffusion Reading", [1])
    assert exported(sample_store, View.named("diffusion reading"), "markdown")[1].startswith(
        "# Diffusion Reading\n\n1 paper"
    )
    assert exported(sample_store, View.shown([1, 2], "My filter"), "markdown")[1].startswith("# My filter\n")


def test_an_unknown_list_writes_no_file(sample_store, tmp_path):
    target = tmp_path / "nope.md"
    with pytest.raises(UserDataError, match="no list named"):
        export_view_to(sample_store, View.named("Nope"), "markdown", target)
    assert not target.exists()


def test_an_unknown_format_is_refused(sample_store):
    with pytest.raises(ValueError, match="unknown export format"):
        exported(sample_store, View.all_papers(), "docx")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("x.bib", "bibtex"),
        ("X.MD", "markdown"),
        ("a.b.csv", "csv"),
        ("x.json", "json"),
        ("x", "jsonl"),
        ("-", "jsonl"),
        (None, "jsonl"),
        ("notes.txt", "jsonl"),
    ],
)
def test_the_format_follows_the_suffix(target, expected):
    assert format_for(target) == expected


def test_cli_picks_the_format_from_the_suffix_and_writes_dash_to_stdout(run, sample_store, tmp_path):
    sample_store.set_starred([1], True)
    result = run("export", "--starred", "-o", str(tmp_path / "reading.bib"))
    assert result.stderr == f"1 paper written to {tmp_path / 'reading.bib'}\n"
    assert (tmp_path / "reading.bib").read_text().startswith("@misc{")
    result = run("export", "--starred", "-o", "-", "--format", "markdown")
    assert result.stdout.startswith("# Starred\n\n1 paper") and result.stderr == ""
    assert not (tmp_path / "-").exists()
    assert ids_of(run("export", "--starred", "-o", "-").stdout) == [1]


def test_cli_export_unknown_list_is_one_line_and_no_file(run, sample_store, tmp_path):
    result = run("export", "--list", "Nope", "-o", str(tmp_path / "x.md"))
    assert result.exit_code == 1 and result.stderr == "papershelf: error: no list named “Nope”\n"
    assert not (tmp_path / "x.md").exists()


def test_list_names_complete_from_the_store(sample_store, db_path):
    from click.testing import CliRunner

    from papershelf.tui.cli import cli

    create_list(sample_store, "Survey")
    create_list(sample_store, "Speech")
    env = {
        "_PAPERSHELF_COMPLETE": "bash_complete",
        "COMP_WORDS": f"papershelf --db {db_path} export --list S",
        "COMP_CWORD": "5",
    }
    result = CliRunner().invoke(cli, [], prog_name="papershelf", env=env)
    assert sorted(line.split(",", 1)[1] for line in result.stdout.splitlines()) == [
        "Speech",
        "Starred",
        "Survey",
    ]


def test_load_dash_reads_stdin_and_the_same_text_twice_is_one_source(run):
    from conftest import SAMPLE

    page = SAMPLE["001"].read_bytes()
    result = run("load", "-", input=page)
    assert result.exit_code == 0 and result.stdout == "-: 44 papers (44 new, 0 updated, 0 skipped)\n"
    again = run("load", "-", input=page)
    assert again.stdout == "-: 44 papers (0 new, 0 updated, 0 skipped)\n"
    empty = run("load", "-", input=b"")
    assert empty.exit_code == 1 and empty.stderr.startswith("papershelf: error: -: ")
    assert "Traceback" not in empty.stderr


def test_load_json_reports_each_file(run, tmp_path):
    from conftest import SAMPLE

    missing = tmp_path / "missing.txt"
    result = run("load", "--json", str(SAMPLE["001"]), "-", str(missing), input=SAMPLE["002"].read_bytes())
    document = json.loads(result.stdout)
    assert result.exit_code == 1 and document["schema_version"] == 1
    first, second, third = document["files"]
    assert first["path"] == "-" and first["papers"] == 59 and first["new"] == 59
    assert second["path"] == str(SAMPLE["001"]) and second["papers"] == 44 and second["updated"] == 9
    assert third["path"] == str(missing) and third["error"]
