"""Handing papershelf to other tools: completion scripts, --json outputs, the Datasette store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from papershelf.loaders.store import views
from papershelf.loaders.userdata.lists import add_to_list, create_list
from papershelf.tui.cli.shell import datasette_command, datasette_metadata


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script_for_each_shell(run, shell):
    result = run("completion", shell)
    assert result.exit_code == 0 and "_PAPERSHELF_COMPLETE" in result.stdout
    assert f"{shell}_source" in result.stdout or f"{shell}_complete" in result.stdout


def test_completion_of_an_unknown_shell_is_one_line(run):
    result = run("completion", "tcsh")
    assert result.exit_code == 2 and "tcsh" in result.stderr


def test_lists_and_list_show_as_json(run, sample_store):
    create_list(sample_store, "Survey")
    add_to_list(sample_store, "Survey", [3, 1])
    document = json.loads(run("lists", "--json").stdout)
    assert document == {
        "schema_version": 1,
        "lists": [{"name": "Starred", "papers": 0}, {"name": "Survey", "papers": 2}],
    }
    shown = json.loads(run("list", "show", "survey", "--json").stdout)
    assert shown["schema_version"] == 1 and shown["list"] == "Survey"
    assert [p["id"] for p in shown["papers"]] == [3, 1]
    assert set(shown["papers"][0]) == {"id", "citekey", "title", "arxiv_id", "link"}
    assert run("list", "show", "Survey").stdout.splitlines()[0].startswith("3\t")


def test_the_views_show_the_users_lists(sample_store):
    create_list(sample_store, "Survey")
    add_to_list(sample_store, "Survey", [3, 1])
    sample_store.set_starred([2], True)
    conn = sample_store.conn
    assert [row[:3] for row in conn.execute("SELECT list, position, paper_id FROM listed_papers")] == [
        ("Survey", 1, 3),
        ("Survey", 2, 1),
    ]
    assert [row[0] for row in conn.execute("SELECT paper_id FROM starred_papers")] == [2]
    assert conn.execute("SELECT count(*) FROM unread_papers").fetchone()[0] == 334
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert names >= set(views.NAMES)


def test_datasette_metadata_hides_internal_tables_and_names_the_database(sample_store, db_path):
    metadata = yaml.safe_load(datasette_metadata(db_path))
    (name,) = metadata["databases"]
    assert name == db_path.stem
    tables = metadata["databases"][name]["tables"]
    stored = {
        row[0] for row in sample_store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    hidden = {table for table, settings in tables.items() if settings.get("hidden")}
    assert {"_sqlite_migrations", "paper_count"} <= hidden
    assert "papers" not in hidden and tables["papers"]["fts_table"] in stored


def test_datasette_opens_the_store_read_only(db_path, tmp_path):
    command = datasette_command(db_path, tmp_path / "m.yml", ("-p", "8002"))
    metadata = str(tmp_path / "m.yml")
    assert command[-7:] == ["serve", "--immutable", str(db_path), "--metadata", metadata, "-p", "8002"]


def test_datasette_missing_is_one_line(run, monkeypatch, db_path):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr("shutil.which", lambda name: None)
    Path(db_path).touch()
    result = run("datasette")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "papershelf: error: Datasette is not installed: pip install 'papershelf[datasette]'\n"
    )


def test_serve_runs_this_reader_on_this_store(db_path):
    import shlex
    import sys

    from papershelf.tui.cli.shell import serve_command

    assert shlex.split(serve_command(db_path)) == [
        sys.executable,
        "-m",
        "papershelf.tui",
        "--db",
        str(db_path),
    ]


def test_the_reader_refuses_pipes_unless_the_web_driver_runs_it(run, monkeypatch):
    from papershelf.tui import cli as cli_package

    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    result = run()
    assert result.exit_code == 1 and "needs a terminal" in result.stderr
    opened = []
    monkeypatch.setattr("papershelf.tui.app.run", opened.append)
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert cli_package.driven_by_web()
    result = run()
    assert result.exit_code == 0 and len(opened) == 1
