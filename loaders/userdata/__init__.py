"""The user's own data: notes and read state here, lists in `lists`; and the three for export.

Everything here is changed only by the user's actions, one transaction per call, and keyed by paper
id, so that reloading or fetching papers never touches it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from papershelf.loaders.intake import MAX_NOTE, drop_unsafe
from papershelf.loaders.models import Paper
from papershelf.loaders.store.database import Store, now
from papershelf.loaders.text import strip_controls
from papershelf.loaders.userdata.lists import UserDataError as UserDataError  # what these functions raise too
from papershelf.loaders.userdata.lists import check_papers, lists_by_paper, lists_of_paper

# Notes ----------------------------------------------------------------------------------------


def get_note(store: Store, paper_id: int) -> str:
    """The paper's note, "" when it has none."""
    row = store.conn.execute("SELECT body FROM notes WHERE paper_id = ?", [paper_id]).fetchone()
    return row[0] if row else ""


def set_note(store: Store, paper_id: int, text: str) -> str:
    """Save the paper's note (control characters removed; blank text deletes it); return the note it
    replaced ("" when none), which undoes this change when saved back."""
    if len(text) > MAX_NOTE:
        raise UserDataError(f"a note holds at most {MAX_NOTE:,} characters; this one has {len(text):,}")
    body = clean_note(text)
    with store.write():
        check_papers(store, [paper_id])
        previous = get_note(store, paper_id)
        if body:
            store.conn.execute(
                """INSERT INTO notes (paper_id, body, updated_at) VALUES (?, ?, ?)
                   ON CONFLICT (paper_id) DO UPDATE SET body = excluded.body,
                       updated_at = excluded.updated_at""",
                [paper_id, body, now()],
            )
        else:
            store.conn.execute("DELETE FROM notes WHERE paper_id = ?", [paper_id])
    return previous


def notes_by_paper(store: Store) -> dict[int, str]:
    """Every note, by paper id: one query, for filtering on notes."""
    return dict(store.conn.execute("SELECT paper_id, body FROM notes"))


def clean_note(text: str) -> str:
    """`text` as a note: line breaks kept (any convention), other control characters removed,
    trailing spaces and blank lines at either end dropped."""
    lines = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return drop_unsafe("\n".join(line.rstrip() for line in lines).strip("\n"))


# Read state -----------------------------------------------------------------------------------


def mark_read(store: Store, paper_ids: Iterable[int]) -> None:
    """Mark papers read (those already read keep their time)."""
    stamp = now()
    with store.write():
        store.conn.executemany(
            "INSERT OR IGNORE INTO reads (paper_id, read_at) VALUES (?, ?)",
            [(paper_id, stamp) for paper_id in paper_ids],
        )


def mark_unread(store: Store, paper_ids: Iterable[int]) -> list[tuple[int, str]]:
    """Mark papers unread; return those that were read, with their time, for `restore_reads`."""
    wanted = set(paper_ids)
    with store.write():
        reads = store.conn.execute("SELECT paper_id, read_at FROM reads")
        removed = [(i, at) for i, at in reads if i in wanted]
        store.conn.executemany("DELETE FROM reads WHERE paper_id = ?", [(i,) for i, _ in removed])
    return removed


def restore_reads(store: Store, marks: Iterable[tuple[int, str]]) -> None:
    """Mark papers read at the given times (what `mark_unread` returned); those read keep theirs."""
    with store.write():
        store.conn.executemany("INSERT OR IGNORE INTO reads (paper_id, read_at) VALUES (?, ?)", list(marks))


def read_ids(store: Store) -> set[int]:
    """The ids of the papers marked read."""
    return {row[0] for row in store.conn.execute("SELECT paper_id FROM reads")}


# For export -------------------------------------------------------------------------------------


def annotate_one(store: Store, paper: Paper) -> Paper:
    """`paper` with its note, lists and read time filled in, asking for this paper only."""
    paper_id = paper.stored_id
    paper.note = get_note(store, paper_id) or None
    paper.lists = lists_of_paper(store, paper_id)
    row = store.conn.execute("SELECT read_at FROM reads WHERE paper_id = ?", [paper_id]).fetchone()
    paper.read_at = row[0] if row else None
    return paper


def annotate(store: Store, papers: Iterable[Paper]) -> Iterator[Paper]:
    """`papers` with their note, lists and read time filled in (for export)."""
    notes = notes_by_paper(store)
    lists = lists_by_paper(store)
    reads = dict(store.conn.execute("SELECT paper_id, read_at FROM reads"))
    for paper in papers:
        paper_id = paper.stored_id
        paper.note = notes.get(paper_id)
        paper.lists = lists.get(paper_id, [])
        paper.read_at = reads.get(paper_id)
        yield paper
