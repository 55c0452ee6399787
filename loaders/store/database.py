"""The SQLite store: open it (WAL, busy timeout, migrations), write papers, read them back.

Every write happens inside `Store.write()`, one `BEGIN IMMEDIATE` transaction: a second process
waits for the lock instead of failing, and readers never see half of a change.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.loaders.models import (
    MERGED_FIELDS,
    ROW_FIELDS,
    Paper,
    paper_from_fields,
    paper_from_row,
    paper_row,
)
from papershelf.loaders.store import citekeys, fts, listing_dates

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 15_000
# The last of store.migrations: a store that has it needs none, and is opened without importing
# sqlite-utils (and numpy with it), a fifth of a second of the reader's start.
LAST_MIGRATION = "012_site_counts"
LOOKUP_CHUNK = 500
BULK_CACHE_KIB = 64 << 10
_PAPER_COLUMNS = ", ".join(("id", *MERGED_FIELDS))
_ROW = ", ".join(("id", *MERGED_FIELDS, "title_key", "urls", "citekey", "added_at", "updated_at"))
_INSERT = f"INSERT INTO papers ({_ROW}) VALUES ({', '.join('?' * (len(MERGED_FIELDS) + 6))})"
_KEY = ROW_FIELDS.index("title_key")
_ARXIV = ROW_FIELDS.index("arxiv_id")  # in a row and in a stored row alike (both start with one column)
_FIELDS = slice(1, 1 + len(MERGED_FIELDS))
# What a citation key is made of (`citekeys.new_keys`), in a row to insert (which starts with its id).
_KEY_FIELDS = tuple(
    1 + MERGED_FIELDS.index(name) for name in ("title", "authors", "published", "listing_date")
)
_LISTING = 1 + MERGED_FIELDS.index("listing_date")
_UPDATE = (
    "UPDATE papers SET "
    + ", ".join(f"{name} = ?" for name in (*MERGED_FIELDS, "title_key", "urls", "updated_at"))
    + " WHERE id = ?"
)


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")


class NewerStoreError(sqlite3.DatabaseError):
    """A store a newer papershelf has migrated: this one would misread it, and must not write it."""


class Store:
    """One papershelf store file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._deferred: fts.DeferredIndexing | None = None
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = wal")
        if not self._migrated():
            from papershelf.loaders.store.migrations import migrations

            with self.write():
                migrations.apply(self.db)

    @cached_property
    def db(self) -> Database:
        """The store as a sqlite-utils Database, on the same connection."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

    def _migrated(self) -> bool:
        """Whether the store has every migration; NewerStoreError when it has one this papershelf
        does not know (applied after its last one), which a newer papershelf wrote."""
        try:
            row = self.conn.execute(
                "SELECT id FROM _sqlite_migrations WHERE migration_set = 'papershelf' AND name = ?",
                [LAST_MIGRATION],
            ).fetchone()
        except sqlite3.OperationalError:  # no migration table yet: a new file
            return False
        if row is None:
            return False
        newer = self.conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'papershelf' AND id > ? ORDER BY id",
            [row[0]],
        ).fetchone()
        if newer is not None:
            self.conn.close()
            raise NewerStoreError(f"written by a newer papershelf (migration {newer[0]}); upgrade papershelf")
        return True

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[Store]:
        """One transaction holding the write lock; rolled back on any exception, Ctrl-C included.

        Inside another `write()` it joins that transaction, so that changes compose into one.
        """
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:  # SQLite has rolled back itself on a full disk
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """One read transaction: every query in it sees the same snapshot, whatever others commit."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")

    def data_version(self) -> int:
        """Changes when another connection commits: a cheap way to notice outside changes."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    # Papers ---------------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """No paper at all: asked of the rows themselves, not of the kept count."""
        return self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM papers)").fetchone()[0] == 1

    def paper_count(self) -> int:
        return self.conn.execute("SELECT papers FROM paper_count").fetchone()[0]

    def papers(self, ids: Iterable[int] | None = None, starred_only: bool = False) -> Iterator[Paper]:
        """Papers with their stars and sources: those of `ids` in that order, else all in id order."""
        if ids is not None:
            wanted = list(ids)
            found = {}
            for chunk in _chunks(wanted, LOOKUP_CHUNK):
                marks = ", ".join("?" * len(chunk))
                for paper in self._read_papers(f"WHERE p.id IN ({marks})", chunk):
                    found[paper.id] = paper
            yield from (found[i] for i in wanted if i in found)
            return
        where = "WHERE p.id IN (SELECT paper_id FROM stars)" if starred_only else ""
        yield from self._read_papers(where + " ORDER BY p.id", [])

    def _read_papers(self, clause: str, params: list) -> Iterator[Paper]:
        sql = f"""
            SELECT {", ".join("p." + c for c in ("id", *MERGED_FIELDS))},
                p.citekey, p.listing_date_text, s.starred_at,
                (SELECT json_group_array(path) FROM (
                    SELECT src.path FROM paper_sources ps JOIN sources src ON src.id = ps.source_id
                    WHERE ps.paper_id = p.id ORDER BY src.id)) AS sources
            FROM papers p LEFT JOIN stars s ON s.paper_id = p.id {clause}
        """
        for row in self.conn.execute(sql, params):
            paper = _paper_from_row(row[: len(MERGED_FIELDS) + 1])
            paper.citekey, paper.listing_date_text = row[-4], row[-3]
            paper.starred_at = row[-2]
            paper.sources = json.loads(row[-1])
            yield paper

    def existing_ids(self, ids: Iterable[int]) -> set[int]:
        """Those of `ids` that are the id of a stored paper."""
        found: set[int] = set()
        for chunk in _chunks(list(ids), LOOKUP_CHUNK):
            marks = ", ".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT id FROM papers WHERE id IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def find_ids(self, references: Iterable[str]) -> tuple[list[int], list[str]]:
        """The paper ids that `references` (ids or arXiv ids) name, and the references that name none."""
        ids: list[int] = []
        unknown: list[str] = []
        for reference in references:
            column = "id" if reference.isdigit() else "arxiv_id"
            row = self.conn.execute(f"SELECT id FROM papers WHERE {column} = ?", [reference]).fetchone()
            if row:
                ids.append(row[0])
            else:
                unknown.append(reference)
        return ids, unknown

    # Stars ----------------------------------------------------------------------------------------

    def set_starred(self, ids: Iterable[int], starred: bool) -> None:
        with self.write():
            if starred:
                stamp = now()
                self.conn.executemany(
                    "INSERT OR IGNORE INTO stars (paper_id, starred_at) VALUES (?, ?)",
                    [(i, stamp) for i in ids],
                )
            else:
                self.conn.executemany("DELETE FROM stars WHERE paper_id = ?", [(i,) for i in ids])

    # Loading --------------------------------------------------------------------------------------

    def source_id(self, path: str, shape: str, listing_date: str | None) -> int:
        """The id of the source row for `path`, created or refreshed. Call inside `write()`."""
        self.conn.execute(
            """INSERT INTO sources (path, shape, listing_date, loaded_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (path) DO UPDATE SET shape = excluded.shape,
                   listing_date = excluded.listing_date, loaded_at = excluded.loaded_at""",
            [path, shape, listing_date, now()],
        )
        return self.conn.execute("SELECT id FROM sources WHERE path = ?", [path]).fetchone()[0]

    def merge_rows(
        self, source_id: int | None, rows: list[tuple], digests: list[bytes] | None = None
    ) -> MergeCounts:
        """Insert or merge papers from one source (None: no source, as for a restored backup), as
        rows (`models.paper_row`), with the digests of the lines they were read from if the source
        has lines (`store.digests`). Call inside `write()`.

        A row that adds nothing to the stored paper (a file loaded again) is recognised by comparing
        rows, without making papers of either: a million of them in seconds.
        """
        current = self._existing(rows)
        next_id = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM papers").fetchone()[0]
        new: dict[int, tuple] = {}  # id -> the row to insert
        changed: dict[int, Paper] = {}
        links: dict[int, tuple[int, bytes | None]] = {}  # id -> its position and line digest
        for n, row in enumerate(rows):
            key = row[_KEY]
            stored = _match(current, row[_ARXIV], key)
            if stored is None:
                stored_id, next_id = next_id, next_id + 1
                new[stored_id] = (stored_id, *row[1:])
                stored = (stored_id, *row[_FIELDS])
            elif isinstance(stored, tuple) and _adds_nothing(row, stored):
                stored_id = stored[0]
            else:
                old = stored if isinstance(stored, Paper) else _paper_from_row(stored)
                stored_id = old.stored_id
                merged = old.merged_with(paper_from_row(row))
                if not merged.same_fields(old):
                    if stored_id in new:
                        new[stored_id] = (stored_id, *paper_row(0, merged)[1:])
                    else:
                        changed[stored_id] = merged
                    if self._deferred and (merged.title, merged.abstract) != (old.title, old.abstract):
                        self._deferred.text_changed(stored_id, old.title, old.abstract)
                stored = merged
            _remember(current, stored, key)
            links.setdefault(stored_id, (row[0], digests[n] if digests else None))
        stamp = now()
        self.conn.executemany(
            _INSERT, [(*v, k, stamp, stamp) for v, k in zip(new.values(), self._keys(new), strict=True)]
        )
        self.conn.executemany(_UPDATE, [(*paper_row(0, p)[1:], stamp, p.id) for p in changed.values()])
        if source_id is not None:
            self.conn.executemany(
                """INSERT INTO paper_sources (paper_id, source_id, position, digest) VALUES (?, ?, ?, ?)
                   ON CONFLICT (paper_id, source_id) DO UPDATE SET position = excluded.position,
                       digest = excluded.digest
                   WHERE position != excluded.position OR digest IS NOT excluded.digest""",
                [(paper_id, source_id, *link) for paper_id, link in links.items()],
            )
        undated = [i for i, values in new.items() if not _iso_or_none(values[_LISTING])]
        listing_dates.normalize(self.conn, [*undated, *changed])
        citekeys.assign(self.conn, undated)
        return MergeCounts(found=len(links), new=len(new), updated=len(changed))

    def _keys(self, new: dict[int, tuple]) -> list[str | None]:
        """The citation keys of rows to insert; None for those whose listing date is not ISO yet: they
        get theirs once `listing_dates` has dated them (the key may take its year)."""
        dated = [values for values in new.values() if _iso_or_none(values[_LISTING])]
        keys = iter(citekeys.new_keys(self.conn, [(v[0], *(v[n] for n in _KEY_FIELDS)) for v in dated]))
        return [next(keys) if _iso_or_none(values[_LISTING]) else None for values in new.values()]

    def update_paper(self, paper_id: int, newer: Paper) -> bool:
        """Merge `newer` into the stored paper `paper_id` (as a reload would); return whether it
        changed. Call inside `write()`."""
        stored = next(self.papers([paper_id]))
        merged = stored.merged_with(newer)
        if merged.same_fields(stored):
            return False
        self.conn.execute(_UPDATE, [*paper_row(0, merged)[1:], now(), paper_id])
        return True

    def identify(self, rows: list[tuple]) -> list[int | None]:
        """The id of the stored paper each row (`models.paper_row`) is a copy of, None for a new one."""
        current = self._existing(rows)
        return [_stored_id(_match(current, row[_ARXIV], row[_KEY])) for row in rows]

    @contextmanager
    def indexing_at_end(self) -> Iterator[None]:
        """Index the papers written in this block in bulk at its end, with a page cache large
        enough for a bulk load's index updates. Call inside `write()`."""
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        # A million papers' index updates miss SQLite's default 2 MB cache; 64 MB took a third off.
        self.conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            with fts.deferred(self.conn) as self._deferred:
                yield
        finally:
            self._deferred = None
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")

    def index_now(self) -> None:
        """Inside `indexing_at_end()`: index what has been written so far, rather than at its end."""
        if self._deferred is not None:
            self._deferred.index()

    def _existing(self, rows: list[tuple]) -> dict[str, Stored]:
        """Stored papers that `rows` may match, as stored rows: by arXiv id, and by title those that
        a row may be a copy of (any for a row without an arXiv id, else those without one)."""
        arxiv_ids = {row[_ARXIV] for row in rows if row[_ARXIV]}
        any_title = {row[_KEY] for row in rows if not row[_ARXIV]}
        untagged_title = {row[_KEY] for row in rows if row[_ARXIV]} - any_title
        current: dict[str, Stored] = {}
        lookups = (
            ("arxiv_id IN ({})", arxiv_ids),
            ("title_key IN ({})", any_title),
            ("title_key IN ({}) AND arxiv_id IS NULL", untagged_title),
        )
        for condition, values in lookups:
            for chunk in _chunks(sorted(values), LOOKUP_CHUNK):
                where = condition.format(", ".join("?" * len(chunk)))
                sql = f"SELECT {_PAPER_COLUMNS}, title_key FROM papers WHERE {where} ORDER BY id DESC"
                for row in self.conn.execute(sql, chunk):
                    _remember(current, row[:-1], row[-1])
        return current


@dataclass
class MergeCounts:
    found: int = 0
    new: int = 0
    updated: int = 0

    def __iadd__(self, other: MergeCounts) -> MergeCounts:
        self.found += other.found
        self.new += other.new
        self.updated += other.updated
        return self


# A stored paper while rows are merged: its stored row (id, *MERGED_FIELDS as stored), made a Paper
# only once a row changes it.
Stored = tuple | Paper


def _match(current: dict[str, Stored], arxiv_id: str | None, key: str) -> Stored | None:
    """The stored paper a row is a copy of: same arXiv id, else same title (with no other arXiv id)."""
    if arxiv_id and (stored := current.get("arxiv:" + arxiv_id)):
        return stored
    stored = current.get("title:" + key)
    if stored is not None and arxiv_id and _arxiv_of(stored):
        return None
    return stored


def _arxiv_of(stored: Stored) -> str | None:
    return stored[_ARXIV] if isinstance(stored, tuple) else stored.arxiv_id


def _stored_id(stored: Stored | None) -> int | None:
    if stored is None:
        return None
    return stored[0] if isinstance(stored, tuple) else stored.id


def _adds_nothing(row: tuple, stored: tuple) -> bool:
    """Whether merging `row` into the `stored` row would change nothing (most often: it is equal)."""
    values = row[_FIELDS]
    return values == stored[1:] or all(v is None or v == s for v, s in zip(values, stored[1:], strict=True))


def _remember(current: dict[str, Stored], stored: Stored, key: str) -> None:
    if arxiv_id := _arxiv_of(stored):
        current["arxiv:" + arxiv_id] = stored
    current["title:" + key] = stored


def _paper_from_row(row: tuple) -> Paper:
    return paper_from_fields(row[1:], paper_id=row[0])


def _iso_or_none(listing_date: str | None) -> bool:
    return listing_date is None or listing_dates.is_iso(listing_date)


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
