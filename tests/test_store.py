"""The store: merging, reloading, the search index, migrations, and two processes at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from sqlite_utils import Database

from benchmarks.generate import write_shape
from conftest import SAMPLE, write
from papershelf.loaders.sources.load import load_file, load_sample
from papershelf.loaders.sources.reading import InputError
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import LAST_MIGRATION, Store
from papershelf.loaders.store.migrations import migrations

PAGE = (
    "new\n\nSubscribe\n\nDaily Papers\n\nJun 18\n\n"
    "A Paper Title\n\nAn abstract that is long enough to count as one. It has https://example.org/code.\n\n"
    "{metadata}"
    "Another Paper\n\nAnother abstract that is long enough to count as one, with a full stop.\n"
)
WITH_METADATA = PAGE.format(metadata="  \u2022 7 authors\n\u00b7\nFeb 7, 2024 3\n\n")
WITHOUT_METADATA = PAGE.format(metadata="")
MORE_UPVOTES = PAGE.format(metadata="  \u2022 7 authors\n\u00b7\nFeb 7, 2024 12\n\n")


def fts_ok(store: Store) -> None:
    store.conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('integrity-check')")
    indexed = store.conn.execute("SELECT count(*) FROM papers_fts").fetchone()[0]
    assert indexed == store.paper_count()


def test_sample_gives_334_papers_with_sources(sample_store):
    assert sample_store.paper_count() == 334
    papers = list(sample_store.papers())
    assert len({p.id for p in papers}) == 334
    shared = [p for p in papers if len(p.sources) > 1]
    assert shared and all(source.startswith("sample/") for p in shared for source in p.sources)
    fts_ok(sample_store)


def test_listing_order_with_and_without_gaps_in_the_ids(sample_store):
    browser = Browser(sample_store)
    assert list(browser.paper_ids("listing")) == list(range(1, 335))
    with sample_store.write():
        sample_store.conn.execute("DELETE FROM paper_sources WHERE paper_id = 5")
        sample_store.conn.execute("DELETE FROM papers WHERE id = 5")
    assert list(browser.paper_ids("listing")) == [*range(1, 5), *range(6, 335)]


def test_reloading_changes_nothing(sample_store):
    before = sample_store.conn.execute("SELECT * FROM papers ORDER BY id").fetchall()
    reports = load_sample(sample_store)
    assert [(r.counts.new, r.counts.updated) for r in reports] == [(0, 0)] * 5
    assert sample_store.conn.execute("SELECT * FROM papers ORDER BY id").fetchall() == before


@pytest.mark.parametrize("order", [(WITH_METADATA, WITHOUT_METADATA), (WITHOUT_METADATA, WITH_METADATA)])
def test_metadata_is_never_erased_whatever_the_order(store, tmp_path, order):
    for number, text in enumerate(order):
        load_file(store, write(tmp_path / f"{number}.txt", text))
    paper = next(p for p in store.papers() if p.title == "A Paper Title")
    assert (paper.authors_count, paper.published, paper.upvotes) == (7, "2024-02-07", 3)
    assert paper.urls == ["https://example.org/code"]
    assert len(paper.sources) == 2
    assert store.paper_count() == 2


def test_a_newer_value_replaces_an_older_one(store, tmp_path):
    load_file(store, write(tmp_path / "a.txt", WITH_METADATA))
    report = load_file(store, write(tmp_path / "b.txt", MORE_UPVOTES))
    assert (report.counts.found, report.counts.new, report.counts.updated) == (2, 0, 1)
    assert next(store.papers()).upvotes == 12


def test_ids_are_stable_and_stars_survive_reloads(sample_store):
    titles = {p.id: p.title for p in sample_store.papers()}
    sample_store.set_starred([5, 77], True)
    load_sample(sample_store)
    load_sample(sample_store)
    assert {p.id: p.title for p in sample_store.papers()} == titles
    assert [p.id for p in sample_store.papers(starred_only=True)] == [5, 77]


def test_search_index_follows_loads_and_outside_edits(sample_store, tmp_path):
    def search(term: str) -> list[int]:
        sql = "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid"
        return [row[0] for row in sample_store.conn.execute(sql, [term])]

    assert 5 < len(search("diffusion")) < 334
    # Another tool writing through the triggers keeps the index in sync too.
    db = Database(sample_store.path)
    db["papers"].update(1, {"abstract": "zyzzyva appears only here"})
    db.conn.commit()
    assert search("zyzzyva") == [1]
    fts_ok(sample_store)
    # A reload that rewrites an abstract re-indexes it in bulk.
    text = SAMPLE["000"].read_text().replace("Multi-Token Prediction (MTP)", "Quokka Prediction (MTP)")
    load_file(sample_store, write(tmp_path / "edited.txt", text))
    assert search("quokka") == [1]
    assert search("zyzzyva") == []
    fts_ok(sample_store)
    triggers = {
        row[0] for row in sample_store.conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    assert triggers == {"papers_ai", "papers_ad", "papers_au", "paper_added", "paper_removed"}
    assert Database(sample_store.path)["papers"].detect_fts() == "papers_fts"


def test_the_paper_count_is_kept_through_loads_and_outside_deletes(sample_store, tmp_path):
    def counted() -> int:
        return sample_store.conn.execute("SELECT count(*) FROM papers").fetchone()[0]

    assert sample_store.paper_count() == counted() == 334
    load_file(sample_store, write(tmp_path / "new.txt", SAMPLE["004"].read_text().replace("Bridging", "New")))
    assert sample_store.paper_count() == counted() > 334
    with Store(sample_store.path) as other:
        other.conn.execute("DELETE FROM paper_sources WHERE paper_id = 5")
        other.conn.execute("DELETE FROM papers WHERE id = 5")
    assert sample_store.paper_count() == counted()


def test_a_failed_load_leaves_the_store_as_it_was(sample_store, tmp_path, monkeypatch):
    before = sample_store.conn.execute("SELECT count(*), max(updated_at) FROM papers").fetchone()
    path = write(tmp_path / "new.txt", SAMPLE["004"].read_text().replace("Bridging", "Brand New Bridging"))

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "merge_rows", explode)
    with pytest.raises(KeyboardInterrupt):
        load_file(sample_store, path)
    monkeypatch.undo()
    assert sample_store.conn.execute("SELECT count(*), max(updated_at) FROM papers").fetchone() == before
    assert "new.txt" not in str([p.sources for p in sample_store.papers()])
    fts_ok(sample_store)


def test_a_file_without_papers_is_refused_and_leaves_no_source(store, tmp_path):
    with pytest.raises(InputError, match="no papers found"):
        load_file(store, write(tmp_path / "x.txt", "new\n\nSubscribe\n\n"))
    assert store.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0


def test_killed_mid_load_leaves_the_store_as_it_was(sample_store, tmp_path):
    big = tmp_path / "big.txt"
    write_shape(big, "spaced_metadata", 20_000)
    loader = subprocess.Popen(
        [sys.executable, "-m", "papershelf.tui", "--db", str(sample_store.path), "load", str(big)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wal = sample_store.path.with_name(sample_store.path.name + "-wal")
    deadline = time.monotonic() + 60
    while not (wal.exists() and wal.stat().st_size > 8 << 20):  # well into the load
        assert loader.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait()
    assert sample_store.paper_count() == 334
    assert sample_store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fts_ok(sample_store)


def test_a_reader_never_sees_half_a_load_and_a_writer_waits(sample_store, tmp_path, monkeypatch):
    other = Store(sample_store.path)
    loading = threading.Event()
    release = threading.Event()
    original = Store.merge_rows

    def slow_merge(self, source_id, rows):
        counts = original(self, source_id, rows)
        loading.set()
        release.wait(10)
        return counts

    monkeypatch.setattr(Store, "merge_rows", slow_merge)
    worker = threading.Thread(target=load_file, args=(sample_store, write(tmp_path / "n.txt", WITH_METADATA)))
    worker.start()
    assert loading.wait(10)
    assert other.paper_count() == 334  # the load's papers are not visible yet
    starring = threading.Thread(target=other.set_starred, args=([3], True))
    starring.start()
    time.sleep(0.3)
    assert starring.is_alive()  # waiting for the lock, not failing
    release.set()
    worker.join(10)
    starring.join(10)
    assert other.paper_count() == 336
    assert [p.id for p in other.papers(starred_only=True)] == [3]
    other.close()


def test_last_migration_is_the_one_a_store_checks_for():
    assert migrations._migrations[-1].name == LAST_MIGRATION


def test_migrations_apply_on_a_blank_file_and_are_recorded(db_path):
    Store(db_path).close()
    applied = [m.name for m in migrations.applied(Database(db_path))]
    assert applied == [m.name for m in migrations._migrations]
    # Opening again applies nothing and changes nothing.
    schema = Database(db_path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    Store(db_path).close()
    assert Database(db_path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema


@pytest.mark.parametrize("last", [m.name for m in migrations._migrations])
def test_each_migration_applies_on_the_schema_before_it(db_path, last):
    db = Database(sqlite3.connect(db_path))
    migrations.apply(db, stop_before=last)
    db.close()
    with Store(db_path) as store:
        assert {m.name for m in migrations.applied(store.db)} >= {last}
        load_sample(store)
        assert store.paper_count() == 334


def test_the_full_text_index_loses_its_prefix_indexes_and_keeps_its_answers(tmp_path, sample_store):
    db_path = tmp_path / "before-009.db"
    db = Database(sqlite3.connect(db_path))
    migrations.apply(db, stop_before="009_fts_without_prefix_indexes")
    db.execute("ATTACH DATABASE ? AS sample", [str(sample_store.path)])
    columns = ", ".join(row[1] for row in db.execute("PRAGMA main.table_info(papers)"))
    db.execute(f"INSERT INTO papers SELECT {columns} FROM sample.papers")  # indexed by its trigger
    db.conn.commit()
    assert "prefix='2 3'" in _fts_schema(db.conn)
    queries = ("diffusion", "lang*", '"language model"', "mo* AND tr*")
    before = _answers(db.conn, queries)
    db.close()
    with Store(db_path) as store:
        assert "prefix" not in _fts_schema(store.conn)
        assert _answers(store.conn, queries) == before and all(before)
        store.conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('integrity-check')")


def _fts_schema(conn: sqlite3.Connection) -> str:
    return conn.execute("SELECT sql FROM sqlite_master WHERE name = 'papers_fts'").fetchone()[0]


def _answers(conn: sqlite3.Connection, queries: tuple[str, ...]) -> list[list[int]]:
    sql = "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid"
    return [[row[0] for row in conn.execute(sql, [query])] for query in queries]


def test_the_full_text_index_merges_fewer_larger_segments(store):
    config = dict(store.conn.execute("SELECT k, v FROM papers_fts_config WHERE k != 'version'"))
    assert config == {"automerge": 16, "hashsize": 8 << 20}
