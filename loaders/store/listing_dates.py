"""Listing dates as ISO dates: a page copy shows the day it lists ("Aug 14") without its year.

The text is kept as shown (`listing_date_text`); the ISO date (`listing_date`) takes its year from
the page's context, the newest date a paper of the same page was published on: the year that
puts the listing day nearest to it. Without any dated paper the year is unknown and the ISO date
stays empty rather than guessed from today's.
"""

from __future__ import annotations

import datetime
import re
import sqlite3
from collections.abc import Iterable

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATED = re.compile(r"[0-9]{4}-")  # what `normalize` leaves as it is (its GLOB)
_MONTH_DAY = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?$")
_CHUNK = 500
_MONTHS = {
    name: n
    for n, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def iso_listing_date(text: str, newest_published: str | None) -> str | None:
    """`text` ("Aug 14", "Aug 14, 2025", "2025-08-14") as an ISO date; None when it names no day
    or its year cannot be known."""
    text = text.strip()
    if _ISO.match(text):
        return text
    found = month_day(text)
    if found is None:
        return None
    month, day, year = found
    if year is not None:
        return _date(year, month, day)
    if not newest_published or not _ISO.match(newest_published[:10]):
        return None
    anchor = datetime.date.fromisoformat(newest_published[:10])
    candidates = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (d := _date(y, month, day))]
    if not candidates:
        return None
    return min(candidates, key=lambda iso: abs((datetime.date.fromisoformat(iso) - anchor).days))


def month_day(text: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of a date as a page shows it ("Aug 14", "Aug 14, 2025"); None
    when it is not one (an impossible day included: "Feb 30")."""
    match = _MONTH_DAY.match(text.strip())
    month = _MONTHS.get(match.group(1).lower()) if match else None
    if match is None or month is None:
        return None
    day, year = int(match.group(2)), int(match.group(3)) if match.group(3) else None
    if _date(year or 2000, month, day) is None:  # 2000: a leap year, so that Feb 29 is a day
        return None
    return month, day, year


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:  # Feb 29 of a common year, Jun 31
        return None


def is_iso(listing_date: str) -> bool:
    """Whether `normalize` leaves this listing date as it is."""
    return _DATED.match(listing_date) is not None


def normalize(conn: sqlite3.Connection, paper_ids: Iterable[int]) -> None:
    """Move the listing date of these papers, where it is not ISO yet, to `listing_date_text` and
    store its ISO form. The context is the newest published date among the papers of the first
    source the paper came from (its own date when it has none, as a paper from a backup)."""
    ids = list(paper_ids)
    newest: dict[int, str | None] = {}
    updates = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = conn.execute(
            f"""SELECT p.id, p.listing_date, p.published,
                    (SELECT min(source_id) FROM paper_sources WHERE paper_id = p.id)
                FROM papers p WHERE p.id IN ({", ".join("?" * len(chunk))})
                    AND p.listing_date IS NOT NULL AND p.listing_date NOT GLOB '[0-9][0-9][0-9][0-9]-*'""",
            chunk,
        )
        for paper_id, text, published, source_id in rows.fetchall():
            if source_id is not None and source_id not in newest:
                newest[source_id] = _newest_published(conn, source_id)
            context = newest.get(source_id) if source_id is not None else published
            updates.append((text, iso_listing_date(text, context or published), paper_id))
    conn.executemany("UPDATE papers SET listing_date_text = ?, listing_date = ? WHERE id = ?", updates)


def _newest_published(conn: sqlite3.Connection, source_id: int) -> str | None:
    sql = """SELECT max(p.published) FROM paper_sources ps JOIN papers p ON p.id = ps.paper_id
             WHERE ps.source_id = ?"""
    return conn.execute(sql, [source_id]).fetchone()[0]
