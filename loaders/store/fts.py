"""The FTS5 index over the papers' title and abstract, and the triggers that keep it in sync.

It has the shape sqlite-utils' `enable_fts(create_triggers=True)` gives it, so that sqlite-utils and
Datasette find it, except that a paper is re-indexed only when its title or abstract changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

CREATE_TABLE = "CREATE VIRTUAL TABLE [papers_fts] USING FTS5 ([title], [abstract], content=[papers])"
TRIGGERS = {
    "papers_ai": """
        CREATE TRIGGER [papers_ai] AFTER INSERT ON [papers] BEGIN
          INSERT INTO [papers_fts] (rowid, [title], [abstract])
            VALUES (new.rowid, new.[title], new.[abstract]);
        END""",
    "papers_ad": """
        CREATE TRIGGER [papers_ad] AFTER DELETE ON [papers] BEGIN
          INSERT INTO [papers_fts] ([papers_fts], rowid, [title], [abstract])
            VALUES ('delete', old.rowid, old.[title], old.[abstract]);
        END""",
    "papers_au": """
        CREATE TRIGGER [papers_au] AFTER UPDATE OF [title], [abstract] ON [papers] BEGIN
          INSERT INTO [papers_fts] ([papers_fts], rowid, [title], [abstract])
            VALUES ('delete', old.rowid, old.[title], old.[abstract]);
          INSERT INTO [papers_fts] (rowid, [title], [abstract])
            VALUES (new.rowid, new.[title], new.[abstract]);
        END""",
}
_UNINDEX = "INSERT INTO [papers_fts] ([papers_fts], rowid, [title], [abstract]) VALUES ('delete', ?, ?, ?)"
_INDEX_FROM = "INSERT INTO [papers_fts] (rowid, [title], [abstract]) SELECT id, title, abstract FROM papers "
_DEFERRABLE = ("papers_ai", "papers_au")


# Since 006_citekeys_views: prefix indexes of 2 and 3 characters, so that `di*` and `dif*` are
# answered from an index rather than a scan of every term.
CREATE_TABLE_WITH_PREFIXES = CREATE_TABLE.replace("content=[papers])", "content=[papers], prefix='2 3')")


def recreate_with_prefixes(conn: sqlite3.Connection) -> None:
    """Drop the index and build it again with prefix indexes (its triggers stay as they are)."""
    recreate(conn, CREATE_TABLE_WITH_PREFIXES)


def recreate(conn: sqlite3.Connection, create_table: str = CREATE_TABLE) -> None:
    """Drop the index and build it again as `create_table` makes it (its triggers stay as they are)."""
    conn.execute("DROP TABLE [papers_fts]")
    conn.execute(create_table)
    conn.execute("INSERT INTO [papers_fts] ([papers_fts]) VALUES ('rebuild')")


# How FTS5 merges its segments (see `tune_merging`): 16 at a time rather than 4, and 8 MB of
# pending terms held before one is written rather than 1 MB.
MERGING = {"automerge": 16, "hashsize": 8 << 20}


def tune_merging(conn: sqlite3.Connection) -> None:
    """Set the index's MERGING options (kept in its config table, for every connection)."""
    for name, value in MERGING.items():
        conn.execute("INSERT INTO [papers_fts] ([papers_fts], rank) VALUES (?, ?)", [name, value])


def create(conn: sqlite3.Connection) -> None:
    conn.execute(CREATE_TABLE)
    for sql in TRIGGERS.values():
        conn.execute(sql)


class DeferredIndexing:
    """What a bulk load changed and has not indexed yet (see `deferred`)."""

    def __init__(self, conn: sqlite3.Connection, first_new_id: int):
        self.conn = conn
        self.first_unindexed = first_new_id  # papers inserted from this id on are not indexed yet
        self.rewritten: dict[int, tuple[str, str]] = {}  # id -> title and abstract as indexed

    def text_changed(self, paper_id: int, old_title: str, old_abstract: str) -> None:
        """Note that an indexed paper got a new title or abstract (`old_…` as it was indexed)."""
        if paper_id < self.first_unindexed:
            self.rewritten.setdefault(paper_id, (old_title, old_abstract))

    def index(self) -> None:
        """Index what was inserted or rewritten since the last time."""
        self.conn.executemany(_UNINDEX, [(i, *old) for i, old in self.rewritten.items()])
        self.conn.executemany(_INDEX_FROM + "WHERE id = ?", [(i,) for i in self.rewritten])
        self.rewritten.clear()
        self.conn.execute(_INDEX_FROM + "WHERE id >= ?", [self.first_unindexed])
        self.first_unindexed = _next_id(self.conn)


@contextmanager
def deferred(conn: sqlite3.Connection) -> Iterator[DeferredIndexing]:
    """Index the papers inserted or rewritten in this block in bulk, at its end or whenever its
    `index()` is called. Call inside a transaction.

    Row-by-row trigger indexing took twice as long on 50,000 papers. The insert and update triggers
    are dropped and re-created inside the caller's transaction: no other connection ever sees the
    store without them, and a rollback puts them back as they were.
    """
    work = DeferredIndexing(conn, _next_id(conn))
    for name in _DEFERRABLE:
        conn.execute(f"DROP TRIGGER [{name}]")
    yield work
    work.index()
    for name in _DEFERRABLE:
        conn.execute(TRIGGERS[name])


def _next_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) + 1 FROM papers").fetchone()[0]
