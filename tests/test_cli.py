"""The command line: load, export, star, locate; errors as one line; nothing imported needlessly."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time

import bibtexparser

from conftest import SAMPLE, write
from papershelf.loaders.sources.load import sample_files


def load_sample(run):
    return run("load", *map(str, sample_files()))


def test_load_prints_one_summary_line_per_file(run):
    result = load_sample(run)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert lines[1].endswith("001_738e52688fcc8494.txt: 44 papers (39 new, 5 updated, 0 skipped)")
    assert result.stderr == ""
    again = load_sample(run)
    assert all(line.endswith("(0 new, 0 updated, 0 skipped)") for line in again.stdout.splitlines())


def test_bad_files_get_one_line_each_and_good_files_still_load(run, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    write(folder / "a-good.txt", SAMPLE["001"].read_text())
    write(folder / "b-empty.txt", b"")
    write(folder / "c-binary.bin", b"\x00\x01\x02\xff")
    write(folder / "d-latin1.txt", "caf\u00e9\n", "latin-1")
    write(folder / "e-notes.md", "# My notes\n\nshort\nlines\n")
    write(folder / ".hidden.txt", SAMPLE["000"].read_text())
    (folder / ".git").mkdir()
    write(folder / ".git" / "x.txt", SAMPLE["000"].read_text())
    result = run("load", str(folder), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert result.stdout.count("\n") == 1 and "a-good.txt: 44 papers (44 new" in result.stdout
    errors = result.stderr.splitlines()
    assert [line.split(": ")[2] for line in errors] == [
        str(folder / "b-empty.txt"),
        str(folder / "c-binary.bin"),
        str(folder / "d-latin1.txt"),
        str(folder / "e-notes.md"),
        str(tmp_path / "missing.txt"),
    ]
    assert all(line.startswith("papershelf: error: ") for line in errors)
    assert "Traceback" not in result.stderr
    assert json.loads(run("export").stdout.splitlines()[0])["title"].startswith("TAD:")


def test_truncated_copy_warns_and_loads_the_rest(run, tmp_path):
    text = SAMPLE["000"].read_text() + "A Title Whose Abstract Was Cut Off\n"
    result = run("load", str(write(tmp_path / "cut.txt", text)))
    assert result.exit_code == 0
    assert "(119 new, 0 updated, 1 skipped)" in result.stdout
    assert result.stderr == (
        f"papershelf: warning: {tmp_path / 'cut.txt'}: skipped "
        "\u201cA Title Whose Abstract Was Cut Off\u201d: no abstract after it (truncated copy?)\n"
    )


def test_export_jsonl_has_every_field(run):
    load_sample(run)
    run("star", "2")
    records = [json.loads(line) for line in run("export").stdout.splitlines()]
    assert len(records) == 334
    record = records[1]
    assert set(record) >= {
        "id", "title", "abstract", "authors_count", "org_id", "org_name", "published", "published_text",
        "upvotes", "urls", "arxiv_id", "starred", "sources",
    }  # fmt: skip
    assert record["starred"] is True and records[0]["starred"] is False
    assert record["link"].startswith("https://arxiv.org/search/?query=")
    starred = [json.loads(line) for line in run("export", "--starred").stdout.splitlines()]
    assert [r["id"] for r in starred] == [2]


def test_export_json_csv_markdown_bibtex(run, tmp_path):
    load_sample(run)
    assert len(json.loads(run("export", "--format", "json").stdout)) == 334
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert len(rows) == 334 and rows[0]["urls"] == "https://github.com/zaydzuhri/token-order-prediction"
    run("star", "1", "44")
    markdown = run("export", "--starred", "--format", "markdown").stdout
    assert markdown.startswith("# Starred\n\n2 papers")
    assert (
        "2. **[Predicting the Order of Upcoming Tokens Improves Language Modeling](<https://arxiv.org/"
        in markdown
    )
    result = run("export", "--format", "bibtex", "-o", str(tmp_path / "all.bib"))
    assert result.stderr == f"334 papers written to {tmp_path / 'all.bib'}\n"
    library = bibtexparser.parse_string((tmp_path / "all.bib").read_text())
    assert len(library.entries) == 334
    assert not library.failed_blocks
    assert len({entry.key for entry in library.entries}) == 334
    c2 = next(e for e in library.entries if e["title"].startswith("{C\\$"))
    assert c2["title"] == r"{C\$\^{}2\$DLM: Causal Concept-Guided Diffusion Large Language Models}"
    assert r"\textbraceleft{}here\textbraceright{}" in c2["abstract"]


def test_star_and_unstar_by_id_and_unknown_ids_change_nothing(run):
    load_sample(run)
    assert run("star", "3", "4").stdout == "2 papers starred\n"
    result = run("star", "5", "99999", "abc")
    assert result.exit_code == 1
    assert result.stderr == "papershelf: error: no paper with id 99999, abc; nothing changed\n"
    assert run("unstar", "3").stdout == "1 paper unstarred\n"
    starred = [json.loads(line)["id"] for line in run("export", "--starred").stdout.splitlines()]
    assert starred == [4]


def test_locate_and_the_environment_override(tmp_path):
    env = {**os.environ, "PAPERSHELF_DB": str(tmp_path / "elsewhere.db")}
    out = subprocess.run(
        [sys.executable, "-m", "papershelf.tui", "locate"], env=env, capture_output=True, text=True
    )
    assert out.stdout == f"{tmp_path / 'elsewhere.db'}\n"
    env.pop("PAPERSHELF_DB")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    out = subprocess.run(
        [sys.executable, "-m", "papershelf.tui", "locate"], env=env, capture_output=True, text=True
    )
    assert out.stdout == f"{tmp_path / 'data' / 'papershelf' / 'papershelf.db'}\n"


def test_a_store_that_is_not_a_database_is_one_line(tmp_path):
    bad = write(tmp_path / "bad.db", b"this is not sqlite" * 100)
    out = subprocess.run(
        [sys.executable, "-m", "papershelf.tui", "--db", str(bad), "export"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 1
    assert out.stderr == f"papershelf: error: cannot open the store {bad}: file is not a database\n"


def test_without_a_terminal_the_reader_says_so_instead_of_hanging(tmp_path):
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "papershelf.tui", "--db", str(tmp_path / "x.db")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "needs a terminal" in out.stderr
    assert time.monotonic() - started < 10


def test_help_and_commands_import_neither_textual_nor_the_store():
    code = (
        "import sys, papershelf.tui.cli\n"
        "print([m for m in ('textual', 'sqlite_utils', 'rich') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout == "[]\n"


def test_loaders_never_import_textual():
    code = (
        "import sys, pkgutil, importlib, papershelf.loaders as loaders\n"
        "for m in pkgutil.walk_packages(loaders.__path__, 'papershelf.loaders.'):\n"
        "    importlib.import_module(m.name)\n"
        "ui = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "ui += [m for m in sys.modules if m.startswith('papershelf.tui')]\n"
        "print(ui)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout == "[]\n", out.stderr
