"""`papershelf remove`: the sample, a loaded file or papers by id go; the user's own data stays."""

from __future__ import annotations

import re

from conftest import user_data
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists, set_note


def test_removing_the_sample_keeps_what_the_user_starred_listed_or_noted(run, sample_store: Store):
    ids = [paper.id for paper in sample_store.papers()][:4]
    sample_store.set_starred([ids[0]], True)
    lists.create_list(sample_store, "Survey")
    lists.add_to_list(sample_store, "Survey", [ids[1]])
    set_note(sample_store, ids[2], "keep me")
    result = run("remove", "--sample")
    assert result.exit_code == 0
    assert "the built-in sample: 331 papers to remove" in result.stderr
    assert "3 papers you starred, listed or noted stay" in result.stderr
    assert result.stdout == "331 papers removed; 3 papers left\n"
    assert sorted(paper.id for paper in sample_store.papers()) == ids[:3]
    owned = user_data(sample_store, by_id=True)
    assert [row[0] for row in owned["stars"]] == [ids[0]] and owned["notes"][0][:2] == (ids[2], "keep me")
    assert lists.list_paper_ids(sample_store, "Survey") == [ids[1]]
    assert run("sources").stdout == ""  # the sample's files are gone as sources too
    assert sample_store.conn.execute("SELECT count(*) FROM papers_fts").fetchone()[0] == 3


def test_a_source_by_file_name_and_papers_also_loaded_elsewhere_stay(run, sample_store: Store):
    first = sorted(row[0] for row in sample_store.conn.execute("SELECT path FROM sources"))[0]
    name = first.rsplit("/", 1)[-1]
    count = int(run("sources").stdout.splitlines()[0].split()[0])
    result = run("remove", "--source", name, "--yes")
    assert result.exit_code == 0, result.stderr
    removed = int(result.stdout.split()[0])
    stay = re.search(r"(\d+) papers? also loaded from another file stay", result.stderr)
    assert removed + (int(stay[1]) if stay else 0) == count
    assert sample_store.paper_count() == 334 - removed
    assert name not in run("sources").stdout


def test_papers_by_id_and_what_cannot_be_removed(run, sample_store: Store):
    first, second = [paper.id for paper in sample_store.papers()][:2]
    sample_store.set_starred([first], True)
    result = run("remove", str(first), str(second))
    assert "1 paper of these you starred, listed or noted" in result.stderr
    assert result.stdout == "2 papers removed; 332 papers left\n"
    for args, message in [
        ((), "say what to remove"),
        (("--sample", "5"), "say what to remove"),
        (("--source", "nothing-called-so.txt"), "no loaded file is called 'nothing-called-so.txt'"),
        (("99999",), "no paper with id 99999"),
    ]:
        failed = run("remove", *args)
        assert failed.exit_code == 1 and message in failed.stderr and failed.stderr.count("\n") == 1
    assert sample_store.paper_count() == 332


def test_removing_asks_first_on_a_terminal(run, sample_store: Store, monkeypatch):
    monkeypatch.setattr("papershelf.tui.cli.remove.on_terminal", lambda: True)
    result = run("remove", "--sample", input="n\n")
    assert result.exit_code == 1 and "Remove 334 papers? [y/N]" in result.stderr
    assert sample_store.paper_count() == 334
