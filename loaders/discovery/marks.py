"""The user's discovery data: "not for me" marks (negative examples for every For-you model) and
when each view was last looked at ("new since I last looked"). Like all the user's data, changed
only by the user's actions, keyed by paper id, one transaction per call."""

from __future__ import annotations

from collections.abc import Iterable

from papershelf.loaders.store.database import Store, now
from papershelf.loaders.userdata.lists import check_papers


def set_not_for_me(store: Store, paper_ids: Iterable[int], marked: bool) -> list[tuple[int, str]]:
    """Mark papers "not for me", or clear the mark; return the marks removed (for undo)."""
    ids = list(paper_ids)
    with store.write():
        check_papers(store, ids)
        if marked:
            stamp = now()
            store.conn.executemany(
                "INSERT OR IGNORE INTO not_for_me (paper_id, marked_at) VALUES (?, ?)",
                [(i, stamp) for i in ids],
            )
            return []
        marks = ", ".join("?" * len(ids))
        removed = store.conn.execute(
            f"SELECT paper_id, marked_at FROM not_for_me WHERE paper_id IN ({marks})", ids
        ).fetchall()
        store.conn.executemany("DELETE FROM not_for_me WHERE paper_id = ?", [(i,) for i in ids])
    return removed


def not_for_me_ids(store: Store) -> list[int]:
    return [row[0] for row in store.conn.execute("SELECT paper_id FROM not_for_me ORDER BY paper_id")]


def last_looked(store: Store, view: str) -> str | None:
    """When `view` ("for-you", or a list's "for-you:NAME") was last looked at, None if never."""
    row = store.conn.execute("SELECT looked_at FROM looked WHERE view = ?", [view]).fetchone()
    return row[0] if row else None


def set_looked(store: Store, view: str, at: str | None = None) -> None:
    with store.write():
        store.conn.execute(
            "INSERT INTO looked (view, looked_at) VALUES (?, ?)"
            " ON CONFLICT (view) DO UPDATE SET looked_at = excluded.looked_at",
            [view, at or now()],
        )
