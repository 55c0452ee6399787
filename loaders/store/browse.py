"""Read access for the reader: paper ids in a view's order, list rows, the texts to index.

The reader never holds 100,000 papers as objects: it holds their ids in display order and reads
the few rows on screen when it draws them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from papershelf.loaders.store import days
from papershelf.loaders.store.database import Store

SORTS = {  # the column of each sort, and whether its first order is descending
    "listing": ("id", False),
    "date": ("published", True),
    "upvotes": ("upvotes", True),
    "title": ("title_key", False),
    "day": ("listing_date", True),
}
SORT_LABELS = {
    "listing": "listing order",
    "date": "date",
    "upvotes": "upvotes",
    "title": "title",
    "day": "listing day",
}
ROW_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ListRow:
    """What one line of the paper list shows."""

    id: int
    title: str
    published_text: str | None
    upvotes: int | None
    organization: str | None
    starred: bool
    read: bool = False


class Browser:
    """Queries behind the reader's views, on one store connection."""

    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn

    def paper_ids(self, sort: str, reverse: bool = False) -> Sequence[int]:
        """Every paper id in the order of `sort` (a key of SORTS), or the reverse of it; papers
        without the field sorted on come last either way: a range or an array('q')."""
        if sort == "listing" and reverse:
            ids = self.paper_ids(sort)
            return ids[::-1] if isinstance(ids, range) else array("q", reversed(ids))
        if sort == "listing":
            count = self.store.paper_count()
            first, last = self.conn.execute(
                "SELECT (SELECT min(id) FROM papers), (SELECT max(id) FROM papers)"
            ).fetchone()
            if not count:
                return range(0)
            if count == last - first + 1:
                # No gaps: the ids are known without reading them (a scan of the whole table).
                return range(first, last + 1)
        if sort == "day":
            return days.day_order(self.conn, reverse)
        if sort == "date":
            return days.date_order(self.conn, reverse)
        rows = self.conn.execute(f"SELECT id FROM papers ORDER BY {order_by(sort, reverse)}").fetchall()
        return _id_array(rows)

    def in_order(self, ids: Sequence[int], sort: str, reverse: bool = False) -> array:
        """The papers of `ids` in the order of `sort` (a view's own order for Starred or a list)."""
        wanted = set(ids)
        return array("q", (i for i in self.paper_ids(sort, reverse) if i in wanted))

    def day_runs(self, ids: Sequence[int]) -> list[tuple[str | None, int]]:
        """The listing day of each run of one day's papers in `ids` (in the day sort), and its length."""
        return days.day_runs(self.conn, ids)

    def day_counts(self, reverse: bool = False) -> list[tuple[str | None, int]]:
        """Every listing day with its number of papers, in the day sort's order (no day last)."""
        return days.day_counts(self.conn, reverse)

    def days_of(self, ids: Sequence[int]) -> list[tuple[str | None, int]]:
        """The listing days of the papers of `ids` with their counts, newest first (no day last)."""
        return days.days_of(self.conn, ids)

    def starred_ids(self) -> array:
        """The starred papers' ids, newest star first."""
        rows = self.conn.execute("SELECT paper_id FROM stars ORDER BY starred_at DESC, rowid DESC").fetchall()
        return _id_array(rows)

    def read_ids(self) -> array:
        """The ids of the papers marked read, sorted."""
        return _id_array(self.conn.execute("SELECT paper_id FROM reads ORDER BY paper_id").fetchall())

    def rows(self, ids: Iterable[int]) -> dict[int, ListRow]:
        wanted = list(ids)
        found: dict[int, ListRow] = {}
        for start in range(0, len(wanted), ROW_CHUNK):
            chunk = wanted[start : start + ROW_CHUNK]
            marks = ", ".join("?" * len(chunk))
            sql = f"""
                SELECT p.id, p.title, p.published_text, p.upvotes, coalesce(p.org_name, p.org_id),
                    s.paper_id IS NOT NULL, r.paper_id IS NOT NULL
                FROM papers p LEFT JOIN stars s ON s.paper_id = p.id LEFT JOIN reads r ON r.paper_id = p.id
                WHERE p.id IN ({marks})
            """
            for row in self.conn.execute(sql, chunk):
                paper_id, title, published_text, upvotes, organization, starred, read = row
                found[paper_id] = ListRow(
                    paper_id, title, published_text, upvotes, organization, bool(starred), bool(read)
                )
        return found

    def texts(self) -> Iterator[tuple[int, str, str]]:
        """(id, title, abstract) of every paper in id order, for the fuzzy index."""
        yield from self.conn.execute("SELECT id, title, abstract FROM papers ORDER BY id")

    def signature(self) -> tuple[int, int, str]:
        """Changes whenever a paper is added or its text rewritten: (count, max id, last update)."""
        count, last_id, updated = self.conn.execute(
            "SELECT (SELECT papers FROM paper_count), (SELECT coalesce(max(id), 0) FROM papers),"
            " (SELECT coalesce(max(updated_at), '') FROM papers)"
        ).fetchone()
        return count, last_id, updated


def order_by(sort: str, reverse: bool = False) -> str:
    """The ORDER BY of a sort (a key of SORTS): blanks last, ties in id order."""
    column, descending = SORTS[sort]
    direction = "DESC" if descending != reverse else "ASC"
    if column == "id":
        return f"id {direction}"
    return f"{column} IS NULL, {column} {direction}, id"


def _id_array(rows: list[tuple[int]]) -> array:
    # Not numpy: the reader's first screen does not wait for numpy to be imported.
    return array("q", (row[0] for row in rows))
