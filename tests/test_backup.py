"""Backups: a round trip loses nothing, restoring merges by identity, bad documents change nothing."""

from __future__ import annotations

import json

import pytest

from conftest import user_data
from papershelf.loaders import userdata
from papershelf.loaders.models import MERGED_FIELDS, Paper, paper_row
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import backup, lists
from papershelf.loaders.userdata.backup import BackupError, backup_document, read_backup, restore


def add_paper(store: Store, **fields) -> int:
    """Store one paper (from a made-up source); return its id."""
    paper = Paper(**{"abstract": "An abstract long enough to be one.", **fields})
    with store.write():
        store.merge_rows(store.source_id("test", "test", None), [paper_row(0, paper)])
    return store.identify([paper_row(0, paper)])[0]


def own_things(store: Store) -> None:
    """Lists, stars, notes and read marks on the sample, and a paper with an arXiv id."""
    arxiv = add_paper(
        store, title="With an arXiv id", arxiv_id="2501.00001", authors_count=2, authors=["A. One", "B. Two"],
        categories=["cs.CL"], github_repo="https://github.com/x/y", ai_keywords=["k"],
    )  # fmt: skip
    lists.create_list(store, "Survey")
    lists.add_to_list(store, "Survey", [9, 4, arxiv, 1])
    lists.move_in_list(store, "Survey", 1, -2)
    lists.create_list(store, "empty")
    store.set_starred([4, 100], True)
    lists.add_to_list(store, lists.STARRED, [arxiv])
    userdata.set_note(store, 4, "Line one\n\nline *two*")
    userdata.set_note(store, arxiv, "ünïcode ✓")
    userdata.mark_read(store, [1, 2, 250])


def papers_by_key(store: Store) -> dict[str, tuple]:
    return {p.key: tuple(getattr(p, name) for name in MERGED_FIELDS) for p in store.papers()}


def test_a_round_trip_into_a_fresh_store_loses_nothing(sample_store, tmp_path):
    own_things(sample_store)
    document = backup_document(sample_store)
    assert (document["format"], document["version"]) == ("papershelf-backup", 1)
    text = json.dumps(document)
    with Store(tmp_path / "fresh.db") as fresh:
        report = restore(fresh, read_backup(text))
        assert report.papers_created == len(document["papers"]) == 7
        added = (report.stars, report.lists, report.list_entries, report.notes, report.read_marks)
        assert added == (3, 2, 4, 2, 3)
        assert user_data(fresh) == user_data(sample_store)
        original = papers_by_key(sample_store)
        assert papers_by_key(fresh) == {key: original[key] for key in papers_by_key(fresh)}
        again = backup_document(fresh)
    for key in ("papers", "stars", "notes", "reads", "lists"):
        assert len(again[key]) == len(document[key])
    assert [p["title_key"] for p in again["papers"]] == [p["title_key"] for p in document["papers"]]


def test_restoring_twice_or_into_the_same_store_adds_nothing(sample_store):
    own_things(sample_store)
    parsed = read_backup(json.dumps(backup_document(sample_store)))
    before = user_data(sample_store)
    report = restore(sample_store, parsed)
    assert (report.papers_created, report.papers_matched) == (0, 7)
    assert report.summary() == (
        "restored: 0 papers created, 7 already stored, "
        "0 stars, 0 lists, 0 list entries, 0 notes, 0 read marks"
    )
    assert user_data(sample_store) == before


def test_restoring_merges_into_a_store_that_has_its_own_data(sample_store, tmp_path):
    own_things(sample_store)
    parsed = read_backup(json.dumps(backup_document(sample_store)))
    with Store(tmp_path / "other.db") as other:
        # A paper of the backup without its arXiv id (matched by title), and one the list holds.
        same_title = add_paper(other, title="WITH an arXiv  id")
        kept = add_paper(other, title=sample_store_title(sample_store, 9))
        lists.create_list(other, "survey")
        lists.add_to_list(other, "survey", [kept])
        userdata.set_note(other, same_title, "a newer note")
        report = restore(other, parsed)
        assert (report.papers_created, report.papers_matched) == (5, 2)
        assert lists.list_names_with_counts(other) == [(lists.STARRED, 3), ("empty", 0), ("survey", 4)]
        survey = [p.title for p in other.papers(lists.list_paper_ids(other, "survey"))]
        assert survey[0] == sample_store_title(sample_store, 9) and len(survey) == 4
        assert userdata.get_note(other, same_title) == "a newer note"  # the later of the two
        assert other.paper_count() == 7


def sample_store_title(store: Store, paper_id: int) -> str:
    return next(store.papers([paper_id])).title


def document_text(store: Store) -> str:
    own_things(store)
    return json.dumps(backup_document(store))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: "", "invalid JSON"),
        (lambda text: text[: len(text) // 2], "invalid JSON"),
        (lambda text: "[1, 2]", "not a papershelf backup"),
        (lambda text: '{"papers": []}', "not a papershelf backup"),
        (lambda text: text.replace('"version": 1', '"version": 7'), "format version 7"),
        (lambda text: text.replace('"version": 1', '"version": "1"'), "no version"),
        (lambda text: text.replace('"title": "With an arXiv id"', '"title": 5'), r"papers\[6\].title"),
        (lambda text: text.replace('"title": "With an arXiv id"', '"title": ""'), r"papers\[6\].title"),
        (lambda text: text.replace('"upvotes": null', '"upvotes": "many"', 1), r"papers\[0\].upvotes"),
        (lambda text: text.replace('"stars": [', '"stars": 3, "x": ['), "stars: expected a list"),
        (lambda text: text.replace('"name": "empty"', '"name": "Starred"'), "built-in"),
        (lambda text: text.replace('"body": "Line', '"body": null, "x": "'), r"notes\[0\].body"),
        (lambda text: text.replace('{"paper": 4, "starred_at"', '{"paper": 4444, "starred_at"'), "4444"),
    ],
)
def test_a_document_that_is_not_a_sound_backup_is_refused(sample_store, change, message):
    text = change(document_text(sample_store))
    with pytest.raises(BackupError, match=message):
        read_backup(text)


def test_a_failed_restore_changes_nothing(sample_store, tmp_path, monkeypatch):
    parsed = read_backup(document_text(sample_store))
    with Store(tmp_path / "fresh.db") as fresh:

        def explode(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(backup, "_restore_notes", explode)
        with pytest.raises(KeyboardInterrupt):
            restore(fresh, parsed)
        assert fresh.paper_count() == 0
        assert user_data(fresh) == {"stars": [], "lists": {}, "notes": [], "reads": []}
