"""Browsing by listing day: the day sort, the days of a view, and the date sort's key for papers a
page dated without a year ("Jan 28": the year of the page's listing day, as a sort key only; the
stored `published` stays empty rather than guess).
"""

from __future__ import annotations

import heapq
import itertools
import sqlite3
from array import array
from collections import Counter
from collections.abc import Sequence
from operator import itemgetter

from papershelf.loaders.store.listing_dates import month_day

IN_CHUNK = 500
READ_ALL_FROM = 5_000  # views larger than this read every paper's day in one index scan


def day_order(conn: sqlite3.Connection, reverse: bool = False) -> array:
    """Every paper id by listing day, newest first (oldest with `reverse`), the page's order (ids)
    within a day; papers with no listing day last either way."""
    direction = "ASC" if reverse else "DESC"
    dated = conn.execute(
        f"SELECT id FROM papers WHERE listing_date IS NOT NULL ORDER BY listing_date {direction}, id"
    )
    ids = array("q", (row[0] for row in dated))
    ids.extend(row[0] for row in conn.execute("SELECT id FROM papers WHERE listing_date IS NULL ORDER BY id"))
    return ids


def date_order(conn: sqlite3.Connection, reverse: bool = False) -> array:
    """Every paper id by publication date, newest first (oldest with `reverse`), ties in id order;
    a paper dated without a year sorts as of the year of its listing day; undated papers last."""
    direction = "ASC" if reverse else "DESC"
    order = f"published IS NULL, published {direction}, id"
    yearless = _yearless_keys(conn)
    if not yearless:  # the index's order, read as ids only
        return array("q", (row[0] for row in conn.execute(f"SELECT id FROM papers ORDER BY {order}")))
    rows = conn.execute(f"SELECT id, published FROM papers ORDER BY {order}")  # the index's order
    dated = itertools.takewhile(itemgetter(1), rows)  # the undated come last
    keyed = sorted(yearless, key=itemgetter(1), reverse=not reverse)  # stable: ids ascend within a day
    ids = array("q", (row[0] for row in heapq.merge(dated, keyed, key=itemgetter(1), reverse=not reverse)))
    given = {paper_id for paper_id, _ in yearless}
    undated = conn.execute("SELECT id FROM papers WHERE (published IS NULL) = 1 ORDER BY id")
    ids.extend(row[0] for row in undated if row[0] not in given)
    return ids


def _yearless_keys(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(id, ISO sort key) of the papers dated by month and day only, on a listing day; in id order."""
    rows = conn.execute(
        """SELECT id, published_text, listing_date FROM papers
           WHERE (published IS NULL) = 1 AND published_text IS NOT NULL AND listing_date IS NOT NULL
           ORDER BY id"""
    )
    return [(paper_id, key) for paper_id, text, day in rows if (key := yearless_key(text, day))]


def yearless_key(published_text: str, listing_date: str) -> str | None:
    """ "Jan 28" on a page listed 2025-06-18 sorts as 2025-01-28; None for any other text."""
    found = month_day(published_text)
    if found is None or found[2] is not None:
        return None
    month, day, _ = found
    return f"{listing_date[:4]}-{month:02d}-{day:02d}"


def day_runs(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[str | None, int]]:
    """The listing day of each run of papers of one day in `ids` (a view in the day sort), with
    its length; None for papers with no listing day."""
    if not len(ids):
        return []
    days = _days_of(conn, ids)
    return [(day, sum(1 for _ in run)) for day, run in itertools.groupby(ids, key=days.get)]


def day_counts(conn: sqlite3.Connection, reverse: bool = False) -> list[tuple[str | None, int]]:
    """Every listing day with its number of papers, newest first (oldest with `reverse`), papers
    with no listing day last: `day_runs` of `day_order`, counted by the listing-day index."""
    counts = conn.execute("SELECT listing_date, count(*) FROM papers GROUP BY listing_date").fetchall()
    dated = sorted((row for row in counts if row[0] is not None), reverse=not reverse)
    return dated + [row for row in counts if row[0] is None]


def days_of(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[str | None, int]]:
    """The listing days of the papers of `ids` (in any order) with how many each has, newest
    first, the papers with no listing day last."""
    days = _days_of(conn, ids)
    counts = Counter(days.get(paper_id) for paper_id in ids)
    dated = sorted(((day, n) for day, n in counts.items() if day is not None), reverse=True)
    return dated + ([(None, counts[None])] if counts[None] else [])


def _days_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    """The listing day of each paper of `ids` that has one."""
    sql = "SELECT id, listing_date FROM papers WHERE listing_date IS NOT NULL"
    if len(ids) > READ_ALL_FROM:  # the listing-day index, covering: one scan beats many lookups
        return dict(conn.execute(sql))
    found: dict[int, str] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        found.update(conn.execute(f"{sql} AND id IN ({', '.join('?' * len(chunk))})", chunk))
    return found
