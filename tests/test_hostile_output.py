"""The output boundary, end to end: a store holding hostile text in every column, through every
channel (page copy, file name, Hugging Face, arXiv, note, list name, restore, and an old store
written before the input boundary), then every command and every export format: no byte of an
escape sequence, no bidi or zero-width character reaches what they print or write, no spreadsheet
cell starts a formula, no BibTeX entry gains a field. Every command runs with the stream guard and
without it (each sanitises its own output); a property test writes generated hostile papers in
every format."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import unittest.mock
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sanitize import HOSTILE as HOSTILE_TEXT

from conftest import DATA, SAMPLE, write
from papershelf.loaders.export.formats import FORMATS
from papershelf.loaders.sanitize import BIDI_CONTROLS, FORMULA_STARTERS, INVISIBLE
from papershelf.loaders.store.database import Store

pytestmark = pytest.mark.usefixtures("only_localhost", "fast_fetch")

HOSTILE = (
    '=HYPERLINK("http://evil")\x1b]0;PWNED\x07\x9b31m\x9d0;X\x9c\u202eevil\u2066\u200b\ufeff}, note = {x'
)
XML_HOSTILE = "=SUM(A1)\x9b31m\x85\u202eevil\u2066\u200b\ufeff}, note = {x"  # what XML 1.0 may carry
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS | INVISIBLE)) + "\ud800-\udfff]"
)
TEXT_COLUMNS = {
    "papers": (
        *("title", "abstract", "org_id", "org_name", "published_text", "published", "arxiv_id"),
        *("listing_date", "doi", "comment", "github_repo", "project_page", "ai_summary", "added_at"),
    ),
    "sources": ("path", "shape", "listing_date", "loaded_at"),
    "notes": ("body", "updated_at"),
    "lists": ("name", "created_at"),
    "list_papers": ("added_at",),
    "stars": ("starred_at",),
    "reads": ("read_at",),
}
JSON_COLUMNS = ("authors", "categories", "ai_keywords", "urls")


def hostile_json(value):
    if isinstance(value, str):
        return value + HOSTILE
    if isinstance(value, list):
        return [hostile_json(v) for v in value]
    if isinstance(value, dict):
        return {k: hostile_json(v) for k, v in value.items()}
    return value


@pytest.fixture
def hostile_store(run, db_path, tmp_path, httpserver):
    """A store filled through every channel, then every text column overwritten as an old store
    might hold it."""
    page = SAMPLE["004"].read_text().replace("Bridging", "Bridging" + HOSTILE, 1)
    assert run("load", str(write(tmp_path / f"page{HOSTILE.replace('/', '')}.txt", page))).exit_code == 0
    items = hostile_json(json.loads((DATA / "hf_daily_2025-06-17.json").read_text()))
    items[1]["paper"]["upvotes"] = 10**30  # one bad item: skipped, the others stored
    httpserver.expect_request("/api/daily_papers").respond_with_json(items)
    fetched = run("fetch", "hf", "--date", "2025-06-17", "--endpoint", httpserver.url_for(""))
    assert fetched.exit_code == 0, fetched.output
    feed = (DATA / "arxiv_cs_CL.xml").read_text()
    feed = feed.replace("<title>", "<title>" + XML_HOSTILE).replace("<name>", "<name>" + XML_HOSTILE)
    httpserver.expect_request("/api/query").respond_with_data(feed, content_type="application/atom+xml")
    arxiv = run("fetch", "arxiv", "--category", "cs.CL", "--limit", "3", "--endpoint", httpserver.url_for(""))
    assert arxiv.exit_code == 0, arxiv.output
    assert run("note", "1", HOSTILE + "\nsecond line" + HOSTILE).exit_code == 0
    assert run("list", "add", "reading" + HOSTILE, "1", "2").exit_code == 0
    assert run("star", "1", "2").exit_code == 0
    backup = json.loads(run("backup", "-").stdout)
    for paper in backup["papers"]:
        paper["title"] += HOSTILE
        paper["abstract"] += HOSTILE
        paper["ref"] += 1000
        paper["title_key"] = None
    backup["stars"] = backup["lists"] = backup["reads"] = backup["notes"] = []
    restored = run("restore", str(write(tmp_path / "backup.json", json.dumps(backup))))
    assert restored.exit_code == 0, restored.output
    with Store(db_path) as store, store.write():
        store.conn.execute("INSERT OR IGNORE INTO reads (paper_id, read_at) VALUES (1, ?)", [HOSTILE])
        for table, columns in TEXT_COLUMNS.items():
            for column in columns:
                store.conn.execute(
                    f"UPDATE {table} SET {column} = coalesce({column}, '') || ? || rowid", [HOSTILE]
                )
        for column in JSON_COLUMNS:
            store.conn.execute(f"UPDATE papers SET {column} = ?", [json.dumps([HOSTILE, "x" + HOSTILE])])
    return db_path


def assert_safe(text: str, where: str) -> None:
    found = FORBIDDEN.findall(text)
    assert not found, f"{where}: {found[:5]!r}"


def list_name(run) -> str:
    lines = run("lists").stdout.splitlines()
    return next(line.split("  ", 1)[1].strip() for line in lines if "reading" in line)


COMMANDS = (
    ("lists",),
    ("lists", "--json"),
    ("sources",),
    ("search", "evil"),
    ("search", "evil", "--json"),
    ("similar", "1"),
    ("similar", "1", "--json"),
    ("recommend",),
    ("recommend", "--json"),
    ("digest",),
    ("digest", "--format", "text"),
    ("not-for-me", "3"),
    ("note", "1", "--show"),
    ("backup", "-"),
    ("star", "1"),
    ("unstar", "2"),
    ("locate",),
    ("completion", "bash"),
    *(("export", "--format", name) for name in FORMATS),
    *(("export", "--starred", "--format", name) for name in FORMATS),
)


@pytest.fixture(params=["guarded", "unguarded"])
def guard(request, monkeypatch):
    """Each command's output with the stream guard (`support.guard_output`), and without it: each
    command sanitises what it prints itself; the guard is the second line."""
    if request.param == "unguarded":
        monkeypatch.setattr("papershelf.tui.cli.guard_output", lambda: None)
    return request.param


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_command_prints_anything_a_terminal_acts_on(hostile_store, run, guard, args):
    result = run(*args)
    assert "Traceback" not in result.output
    assert_safe(result.stdout, "stdout")
    assert_safe(result.stderr, "stderr")
    if "--json" in args and result.exit_code == 0:
        json.loads(result.stdout)


@pytest.mark.parametrize("as_json", [(), ("--json",)], ids=["text", "json"])
def test_fetch_reports_are_safe(run, httpserver, guard, as_json):
    items = hostile_json(json.loads((DATA / "hf_daily_2025-06-17.json").read_text()))
    items[1]["paper"]["upvotes"] = 10**30  # skipped: its hostile title is in the report
    httpserver.expect_request("/api/daily_papers").respond_with_json(items)
    result = run("fetch", "hf", "--date", "2025-06-17", "--endpoint", httpserver.url_for(""), *as_json)
    assert result.exit_code == 0, result.output
    assert_safe(result.output, "fetch hf")
    if as_json:
        (skipped,) = json.loads(result.stdout)["skipped"]
        assert "evil" in skipped["title"]


@pytest.mark.parametrize("as_json", [(), ("--json",)], ids=["text", "json"])
def test_what_load_and_restore_say_of_hostile_files_is_safe(run, tmp_path, guard, as_json):
    name = HOSTILE.replace("/", "") + "\n\u202e"
    page = SAMPLE["004"].read_text().replace("Bridging", "Bridging" + HOSTILE, 1)
    good = write(tmp_path / f"page{name}.txt", page)
    bad = write(tmp_path / f"bad{name}.txt", "\x00\x01 not a page" + HOSTILE)
    missing = tmp_path / f"missing{name}"
    loaded = run("load", str(good), str(bad), str(missing), *as_json)
    assert loaded.exit_code == 1, loaded.output
    assert_safe(loaded.output, "load")
    if as_json:
        files = json.loads(loaded.stdout)["files"]
        assert [Path(record["path"]).name for record in files] == [good.name, bad.name, missing.name]
    else:
        assert loaded.stderr.count("\n") == 2, loaded.stderr  # one line for each bad file
    backup = write(tmp_path / f"backup{name}.json", run("backup", "-").stdout)
    assert_safe(run("restore", str(backup)).output, "restore")
    not_json = write(tmp_path / f"notjson{name}.json", "{" + HOSTILE)
    refused = run("restore", str(not_json))
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert_safe(refused.output, "restore of a bad file")


def test_removing_a_hostile_source_says_so_safely(hostile_store, run, guard):
    with Store(hostile_store) as store:
        (path,) = store.conn.execute("SELECT path FROM sources WHERE path LIKE '%page%' LIMIT 1").fetchone()
    result = run("remove", "--source", path, "--yes")
    assert result.exit_code == 0, result.output
    assert "removed" in result.stdout and "papers to remove" in result.stderr
    assert_safe(result.output, "remove --source")
    assert_safe(run("remove", "--source", path + "x").output, "remove of an unknown source")


def test_list_commands_and_their_messages_are_safe(hostile_store, run, guard):
    name = list_name(run)
    for args in (
        ("list", "show", name),
        ("list", "remove", name, "2"),
        ("list", "rename", name, "x" + HOSTILE),
        ("list", "add", "new" + HOSTILE, "1"),
        ("list", "show", "new" + HOSTILE, "--json"),
        ("list", "delete", "new" + HOSTILE, "--yes"),
    ):
        result = run(*args)
        assert_safe(result.output, " ".join(args))
    assert "new" not in run("lists").stdout
    assert_safe(run("export", "--list", "x" + HOSTILE, "--format", "csv").output, "export --list")


@pytest.mark.parametrize("format", FORMATS)
def test_export_files_are_safe(hostile_store, run, tmp_path, guard, format):
    target = tmp_path / f"out{HOSTILE.replace('/', '')}.{format}"
    result = run("export", "--format", format, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert_safe(result.output, "messages")
    assert_safe(target.read_text(encoding="utf-8"), format)


def test_no_csv_cell_starts_a_formula(hostile_store, run):
    rows = list(csv.reader(io.StringIO(run("export", "--format", "csv").stdout)))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell.startswith("'=") for cell in cells)
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTERS)]


def test_no_bibtex_entry_gains_a_field(hostile_store, run):
    text = run("export", "--format", "bibtex").stdout
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert library.entries
    for entry in library.entries:
        assert "note" not in entry.fields_dict, entry.key


@pytest.mark.parametrize(
    ("published", "arxiv_id"),
    [("2025}, note = {injected", None), ("2025-06-17", "2506.1}, note = {injected"), ("}}}}", "}")],
)
def test_bibtex_restricted_fields_cannot_be_injected(published, arxiv_id):
    from papershelf.loaders.export.citations import write_bibtex
    from papershelf.loaders.models import Paper

    out = io.StringIO()
    write_bibtex([Paper("Title", "Abstract", published=published, arxiv_id=arxiv_id, id=1)], out)
    library = bibtexparser.parse_string(out.getvalue())
    assert not library.failed_blocks
    (entry,) = library.entries
    assert "note" not in entry.fields_dict and "injected" not in out.getvalue().replace("abstract", "")


def test_a_restored_backup_cannot_carry_a_hostile_time(run, tmp_path):
    run("load", str(SAMPLE["004"]))
    run("star", "1")
    backup = json.loads(run("backup", "-").stdout)
    backup["reads"] = [{"paper": backup["papers"][0]["ref"], "read_at": "\x1b]0;PWNED\x07"}]
    result = run("restore", str(write(tmp_path / "b.json", json.dumps(backup))))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "reads[0].read_at: not an ISO 8601 time" in result.stderr
    assert_safe(result.stderr, "stderr")


def test_a_store_written_by_a_newer_papershelf_is_refused_in_one_line(run, db_path):
    with Store(db_path) as store:
        store.conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('papershelf', ?, '')",
            ["099_from_the_future"],
        )
    for args in (("star", "1"), ("export",), ("load", str(SAMPLE["004"]))):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1, result.stderr
        assert "written by a newer papershelf (migration 099_from_the_future); upgrade" in result.stderr


def test_star_on_a_read_only_store_is_one_line(run, db_path):
    run("load", str(SAMPLE["004"]))
    real_connect = sqlite3.connect

    def read_only(*args, **kwargs):  # root writes a chmod-444 file: refuse writes per connection
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA query_only = ON")
        return conn

    with unittest.mock.patch("sqlite3.connect", read_only):
        result = run("star", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith("papershelf: error: the store: ") and result.stderr.count("\n") == 1


BIBTEX_FIELDS = {"title", "author", "journal", "year", "date", "urldate", "eprint", "archiveprefix"}
BIBTEX_FIELDS |= {"primaryclass", "doi", "url", "organization", "keywords", "abstract", "annote"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.fixed_dictionaries(
        {name: HOSTILE_TEXT for name in ("title", "abstract", "org_name", "journal_ref", "note")}
    ),
    names=st.lists(HOSTILE_TEXT, max_size=3),
)
def test_every_format_writes_any_hostile_paper_safely(text, names):
    from papershelf.loaders.export.formats import export
    from papershelf.loaders.models import Paper

    note = text.pop("note")
    paper = Paper(**text, authors=names, published="2025-08-26", arxiv_id="2508.19228", id=1)
    paper.note, paper.lists, paper.citekey = note, names, "key2025"
    for format in FORMATS:
        out = io.StringIO()
        export([paper], format, out, title=note, added={1: note})
        assert_safe(out.getvalue(), format)
        if format == "csv":
            cells = [cell for row in list(csv.reader(io.StringIO(out.getvalue())))[1:] for cell in row]
            assert not [cell for cell in cells if cell.startswith(FORMULA_STARTERS)]
        if format == "bibtex":
            library = bibtexparser.parse_string(out.getvalue())
            assert not library.failed_blocks and len(library.entries) == 1
            assert {field.key.lower() for field in library.entries[0].fields} <= BIBTEX_FIELDS
