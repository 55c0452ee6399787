"""The user's lists, notes and read state: changes, undo, reloads, two connections, old stores."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlite_utils import Database

from conftest import user_data
from papershelf.loaders import userdata
from papershelf.loaders.sources.load import load_sample
from papershelf.loaders.store.database import Store
from papershelf.loaders.store.migrations import migrations
from papershelf.loaders.userdata import lists
from papershelf.loaders.userdata.lists import STARRED, UserDataError


def test_lists_are_created_renamed_and_deleted_by_name_in_any_case(sample_store):
    assert lists.create_list(sample_store, "  For   the survey ") == "For the survey"
    lists.create_list(sample_store, "reproduce")
    names = lists.list_names_with_counts(sample_store)
    assert names == [(STARRED, 0), ("For the survey", 0), ("reproduce", 0)]
    with pytest.raises(UserDataError, match="already exists"):
        lists.create_list(sample_store, "FOR THE SURVEY")
    assert lists.rename_list(sample_store, "for the survey", "Survey") == "Survey"
    assert lists.rename_list(sample_store, "survey", "SURVEY") == "SURVEY"  # only the case changes
    with pytest.raises(UserDataError, match="already exists"):
        lists.rename_list(sample_store, "survey", "Reproduce")
    with pytest.raises(UserDataError, match="no list named “nope”"):
        lists.rename_list(sample_store, "nope", "x")
    saved = lists.delete_list(sample_store, "Survey")
    assert saved.name == "SURVEY"
    assert [name for name, _ in lists.list_names_with_counts(sample_store)] == [STARRED, "reproduce"]


@pytest.mark.parametrize("name", ["Starred", "starred", " STARRED "])
def test_starred_cannot_be_created_renamed_or_deleted(sample_store, name):
    lists.create_list(sample_store, "mine")
    with pytest.raises(UserDataError, match="built-in"):
        lists.create_list(sample_store, name)
    with pytest.raises(UserDataError, match="built-in"):
        lists.rename_list(sample_store, "mine", name)
    with pytest.raises(UserDataError, match="built-in"):
        lists.rename_list(sample_store, name, "other")
    with pytest.raises(UserDataError, match="built-in"):
        lists.delete_list(sample_store, name)
    with pytest.raises(UserDataError, match="cannot be reordered"):
        lists.move_in_list(sample_store, name, 1, 1)


@pytest.mark.parametrize("name", ["", "   ", "\x1b[31m", "x" * 81])
def test_a_list_needs_a_sensible_name(sample_store, name):
    with pytest.raises(UserDataError):
        lists.create_list(sample_store, name)
    assert lists.list_names_with_counts(sample_store) == [(STARRED, 0)]


def test_papers_keep_the_order_they_were_added_in(sample_store):
    lists.create_list(sample_store, "queue")
    assert lists.add_to_list(sample_store, "queue", [5, 3, 9]) == 3
    assert lists.add_to_list(sample_store, "Queue", [3, 1, 1]) == 1  # 3 is there; 1 once
    assert lists.list_paper_ids(sample_store, "queue") == [5, 3, 9, 1]
    with pytest.raises(UserDataError, match="no paper with id 99999"):
        lists.add_to_list(sample_store, "queue", [2, 99999])
    assert lists.list_paper_ids(sample_store, "queue") == [5, 3, 9, 1]
    with pytest.raises(UserDataError, match="no list named"):
        lists.add_to_list(sample_store, "elsewhere", [2])


def test_starred_is_a_list_newest_star_first(sample_store):
    sample_store.set_starred([7], True)
    assert lists.add_to_list(sample_store, STARRED, [4, 7]) == 1
    lists.add_to_list(sample_store, "starred", [2])
    assert lists.list_paper_ids(sample_store, STARRED) == [2, 4, 7]
    assert lists.list_names_with_counts(sample_store)[0] == (STARRED, 3)
    assert [p.id for p in sample_store.papers(starred_only=True)] == [2, 4, 7]
    removed = lists.remove_from_list(sample_store, STARRED, [4, 8])
    assert [entry.paper_id for entry in removed] == [4]
    lists.restore_to_list(sample_store, STARRED, removed)
    assert lists.list_paper_ids(sample_store, STARRED) == [2, 4, 7]


def test_removing_returns_what_restoring_puts_back_in_place(sample_store):
    lists.create_list(sample_store, "queue")
    lists.add_to_list(sample_store, "queue", [1, 2, 3, 4, 5])
    removed = lists.remove_from_list(sample_store, "queue", [2, 3, 42])
    assert [(entry.paper_id, entry.position) for entry in removed] == [(2, 2), (3, 3)]
    assert lists.list_paper_ids(sample_store, "queue") == [1, 4, 5]
    lists.add_to_list(sample_store, "queue", [6])  # takes a position the removed ones left
    lists.restore_to_list(sample_store, "queue", removed)
    assert lists.list_paper_ids(sample_store, "queue") == [1, 2, 3, 4, 5, 6]
    lists.restore_to_list(sample_store, "queue", removed)  # twice: nothing more
    assert lists.list_paper_ids(sample_store, "queue") == [1, 2, 3, 4, 5, 6]


def test_move_within_a_list_stops_at_either_end(sample_store):
    lists.create_list(sample_store, "queue")
    lists.add_to_list(sample_store, "queue", [1, 2, 3])
    assert lists.move_in_list(sample_store, "queue", 1, 1) == 1
    assert lists.list_paper_ids(sample_store, "queue") == [2, 1, 3]
    assert lists.move_in_list(sample_store, "queue", 3, -5) == 0
    assert lists.list_paper_ids(sample_store, "queue") == [3, 2, 1]
    assert lists.move_in_list(sample_store, "queue", 1, 1) == 2
    with pytest.raises(UserDataError, match="not in"):
        lists.move_in_list(sample_store, "queue", 9, 1)
    lists.add_to_list(sample_store, "queue", [9])
    assert lists.list_paper_ids(sample_store, "queue") == [3, 2, 1, 9]


def test_a_deleted_list_comes_back_whole(sample_store):
    lists.create_list(sample_store, "queue")
    lists.add_to_list(sample_store, "queue", [4, 2, 8])
    before = user_data(sample_store)
    saved = lists.delete_list(sample_store, "queue")
    assert lists.list_names_with_counts(sample_store) == [(STARRED, 0)]
    assert sample_store.paper_count() == 334  # the papers stay
    lists.restore_list(sample_store, saved)
    assert user_data(sample_store) == before


def test_lists_of_a_paper(sample_store):
    for name in ("b list", "a list", "c list"):
        lists.create_list(sample_store, name)
        lists.add_to_list(sample_store, name, [3] if name != "c list" else [4])
    sample_store.set_starred([3], True)
    assert lists.lists_of_paper(sample_store, 3) == [STARRED, "a list", "b list"]
    assert lists.lists_of_paper(sample_store, 5) == []
    assert lists.lists_by_paper(sample_store) == {3: [STARRED, "a list", "b list"], 4: ["c list"]}


def test_notes_are_cleaned_replaced_and_deleted_by_empty_text(sample_store):
    assert userdata.get_note(sample_store, 3) == ""
    assert userdata.set_note(sample_store, 3, "\n  First line \x1b[31mred\r\nsecond\t line  \n\n") == ""
    assert userdata.get_note(sample_store, 3) == "  First line red\nsecond  line"
    assert userdata.set_note(sample_store, 3, "new") == "  First line red\nsecond  line"
    userdata.set_note(sample_store, 4, "other")
    assert userdata.notes_by_paper(sample_store) == {3: "new", 4: "other"}
    previous = userdata.set_note(sample_store, 3, "  \n ")
    assert userdata.notes_by_paper(sample_store) == {4: "other"}
    userdata.set_note(sample_store, 3, previous)  # undo
    assert userdata.get_note(sample_store, 3) == "new"
    with pytest.raises(UserDataError, match="no paper with id 99999"):
        userdata.set_note(sample_store, 99999, "x")


def test_read_state_and_its_undo(sample_store):
    userdata.mark_read(sample_store, [1, 2, 3])
    first = dict(sample_store.conn.execute("SELECT paper_id, read_at FROM reads"))
    userdata.mark_read(sample_store, [2, 4])
    assert userdata.read_ids(sample_store) == {1, 2, 3, 4}
    assert dict(sample_store.conn.execute("SELECT paper_id, read_at FROM reads"))[2] == first[2]
    removed = userdata.mark_unread(sample_store, [2, 3, 50])
    assert userdata.read_ids(sample_store) == {1, 4}
    userdata.restore_reads(sample_store, removed)
    assert dict(sample_store.conn.execute("SELECT paper_id, read_at FROM reads"))[3] == first[3]


def test_annotate_fills_in_the_users_data(sample_store):
    lists.create_list(sample_store, "queue")
    lists.add_to_list(sample_store, "queue", [2])
    userdata.set_note(sample_store, 2, "mine")
    userdata.mark_read(sample_store, [2])
    second, third = userdata.annotate(sample_store, sample_store.papers([2, 3]))
    assert (second.note, second.lists, second.read) == ("mine", ["queue"], True)
    assert (third.note, third.lists, third.read) == (None, [], False)


def test_reloading_and_failed_loads_never_touch_the_users_data(sample_store):
    lists.create_list(sample_store, "queue")
    lists.add_to_list(sample_store, "queue", [9, 1])
    sample_store.set_starred([5], True)
    userdata.set_note(sample_store, 9, "a note")
    userdata.mark_read(sample_store, [1])
    before = user_data(sample_store)
    load_sample(sample_store)
    assert user_data(sample_store) == before


def test_two_connections_interleaving_lose_nothing(sample_store):
    other = Store(sample_store.path)
    lists.create_list(sample_store, "shared")
    lists.add_to_list(other, "shared", [1])
    lists.add_to_list(sample_store, "shared", [2])
    userdata.set_note(other, 1, "from the other")
    lists.create_list(other, "theirs")
    userdata.set_note(sample_store, 2, "from this one")
    lists.add_to_list(sample_store, "theirs", [3])
    userdata.mark_read(other, [3])
    assert lists.list_paper_ids(other, "shared") == [1, 2]
    assert userdata.notes_by_paper(other) == {1: "from the other", 2: "from this one"}
    assert lists.list_paper_ids(other, "theirs") == [3]
    assert userdata.read_ids(sample_store) == {3}

    def add_many(store: Store, ids: range) -> None:
        for paper_id in ids:
            lists.add_to_list(store, "shared", [paper_id])
            userdata.set_note(store, paper_id, f"note {paper_id}")

    threads = [
        threading.Thread(target=add_many, args=(sample_store, range(10, 60))),
        threading.Thread(target=add_many, args=(other, range(60, 110))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    in_list = lists.list_paper_ids(sample_store, "shared")
    assert sorted(in_list) == [1, 2, *range(10, 110)]
    sql = "SELECT position FROM list_papers JOIN lists ON lists.id = list_id WHERE name = 'shared'"
    positions = [row[0] for row in sample_store.conn.execute(sql)]
    assert len(set(positions)) == len(positions)
    assert len(userdata.notes_by_paper(sample_store)) == 102
    other.close()


def test_a_store_of_the_previous_schema_opens_and_keeps_its_stars(db_path):
    db = Database(sqlite3.connect(db_path))
    migrations.apply(db, stop_before="002_lists_notes_reads")
    db.close()
    old = sqlite3.connect(db_path, isolation_level=None)  # as the previous version left it
    old.execute(
        "INSERT INTO papers (id, title, title_key, abstract, added_at, updated_at) "
        "VALUES (1, 'Old', 'old', 'An old paper.', 'then', 'then')"
    )
    old.execute("INSERT INTO stars VALUES (1, '2024-01-01T00:00:00+00:00')")
    old.close()
    with Store(db_path) as store:
        assert "002_lists_notes_reads" in {m.name for m in migrations.applied(store.db)}
        assert lists.list_names_with_counts(store) == [(STARRED, 1)]
        assert [p.starred_at for p in store.papers(starred_only=True)] == ["2024-01-01T00:00:00+00:00"]
        assert next(store.papers([1])).authors is None  # the later migrations' columns are there
        lists.create_list(store, "new")
        lists.add_to_list(store, "new", [1])
        load_sample(store)
        assert lists.list_paper_ids(store, STARRED) == [1]
        assert lists.list_paper_ids(store, "new") == [1]
