"""The user's lists: the built-in Starred list and the named lists people keep.

Like all the user's data (see `userdata`), lists change only by the user's actions, one transaction
per call, and are keyed by paper id, so that reloading or fetching papers never touches them.
"Starred" is a list like the others to the caller, stored in the `stars` table (ordered newest star
first) and never created, renamed or deleted. Functions that remove something return it, so that the
caller can undo the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from papershelf.loaders.intake import clean
from papershelf.loaders.store.database import Store, now

STARRED = "Starred"
NAME_MAX = 80


class UserDataError(ValueError):
    """A change that cannot be made (unknown list or paper, a taken name…); the message is one line."""


@dataclass(frozen=True)
class ListEntry:
    """A paper's place in a list: what `remove_from_list` returns and `restore_to_list` puts back."""

    paper_id: int
    position: int  # 0 in Starred, which is ordered by time
    added_at: str


@dataclass(frozen=True)
class SavedList:
    """A list with its papers in order: what `delete_list` returns and `restore_list` recreates."""

    name: str
    created_at: str
    entries: list[ListEntry] = field(default_factory=list)


# Lists ------------------------------------------------------------------------------------------


def list_names_with_counts(store: Store) -> list[tuple[str, int]]:
    """Every list and how many papers it holds: Starred first, then the others by name."""
    starred = store.conn.execute("SELECT count(*) FROM stars").fetchone()[0]
    rows = store.conn.execute(
        """SELECT l.name, count(lp.paper_id) FROM lists l
           LEFT JOIN list_papers lp ON lp.list_id = l.id GROUP BY l.id ORDER BY l.name, l.id"""
    )
    return [(STARRED, starred), *rows]


def list_name(store: Store, name: str) -> str:
    """The stored spelling of the list called `name` (any case); UserDataError when there is none."""
    if _is_starred(name):
        return STARRED
    row = store.conn.execute("SELECT name FROM lists WHERE name = ?", [clean(name)]).fetchone()
    if row is None:
        raise UserDataError(f"no list named “{name}”")
    return row[0]


def create_list(store: Store, name: str) -> str:
    """Create an empty list; return its name as stored (cleaned)."""
    name = valid_list_name(name)
    with store.write():
        _check_free(store, name)
        store.conn.execute("INSERT INTO lists (name, created_at) VALUES (?, ?)", [name, now()])
    return name


def rename_list(store: Store, old: str, new: str) -> str:
    """Rename a list (changing only the case of its name is fine); return the new name."""
    new = valid_list_name(new)
    with store.write():
        list_id = _list_id(store, old)
        _check_free(store, new, but=list_id)
        store.conn.execute("UPDATE lists SET name = ? WHERE id = ?", [new, list_id])
    return new


def delete_list(store: Store, name: str) -> SavedList:
    """Delete a list and its entries (never the papers); return it for `restore_list`."""
    with store.write():
        list_id = _list_id(store, name)
        stored_name, created_at = store.conn.execute(
            "SELECT name, created_at FROM lists WHERE id = ?", [list_id]
        ).fetchone()
        entries = _entries(store, list_id)
        store.conn.execute("DELETE FROM lists WHERE id = ?", [list_id])
    return SavedList(stored_name, created_at, entries)


def restore_list(store: Store, saved: SavedList) -> None:
    """Recreate a list `delete_list` deleted (or a backup holds), with its papers in their order."""
    name = valid_list_name(saved.name)
    with store.write():
        _check_free(store, name)
        check_papers(store, [entry.paper_id for entry in saved.entries])
        cursor = store.conn.execute(
            "INSERT INTO lists (name, created_at) VALUES (?, ?)", [name, saved.created_at]
        )
        assert cursor.lastrowid is not None
        _insert_entries(store, cursor.lastrowid, saved.entries)


def saved_lists(store: Store) -> list[SavedList]:
    """Every list but Starred, with its papers in order (for a backup)."""
    rows = store.conn.execute("SELECT id, name, created_at FROM lists ORDER BY name, id").fetchall()
    return [SavedList(name, created_at, _entries(store, list_id)) for list_id, name, created_at in rows]


def add_to_list(store: Store, name: str, paper_ids: Iterable[int]) -> int:
    """Append papers to a list in the order given, skipping those already in it; return how many
    were added. UserDataError (and nothing changed) when a paper id is unknown."""
    wanted = list(dict.fromkeys(paper_ids))
    with store.write():
        check_papers(store, wanted)
        if _is_starred(name):
            before = store.conn.total_changes
            stamp = now()
            _insert_stars(store, [ListEntry(paper_id, 0, stamp) for paper_id in wanted])
            return store.conn.total_changes - before
        list_id = _list_id(store, name)
        present = set(_paper_ids(store, list_id))
        new = [paper_id for paper_id in wanted if paper_id not in present]
        end = _last_position(store, list_id)
        stamp = now()
        _insert_entries(store, list_id, [ListEntry(i, end + n, stamp) for n, i in enumerate(new, 1)])
    return len(new)


def remove_from_list(store: Store, name: str, paper_ids: Iterable[int]) -> list[ListEntry]:
    """Remove papers from a list; return the entries removed (papers not in it are ignored)."""
    wanted = set(paper_ids)
    with store.write():
        if _is_starred(name):
            removed = [entry for entry in _starred_entries(store) if entry.paper_id in wanted]
            table, where = "stars", "paper_id = ?"
            params: list[tuple[int, ...]] = [(entry.paper_id,) for entry in removed]
        else:
            list_id = _list_id(store, name)
            removed = [entry for entry in _entries(store, list_id) if entry.paper_id in wanted]
            table, where = "list_papers", "list_id = ? AND paper_id = ?"
            params = [(list_id, entry.paper_id) for entry in removed]
        store.conn.executemany(f"DELETE FROM {table} WHERE {where}", params)
    return removed


def restore_to_list(store: Store, name: str, entries: Iterable[ListEntry]) -> None:
    """Put entries `remove_from_list` returned back at their positions (and times)."""
    entries = sorted(entries, key=lambda entry: entry.position)
    with store.write():
        check_papers(store, [entry.paper_id for entry in entries])
        if _is_starred(name):
            _insert_stars(store, entries)
            return
        list_id = _list_id(store, name)
        present = set(_paper_ids(store, list_id))
        for entry in entries:
            if entry.paper_id not in present:
                _make_room(store, list_id, entry.position)
                _insert_entries(store, list_id, [entry])


def move_in_list(store: Store, name: str, paper_id: int, delta: int) -> int:
    """Move a paper `delta` places down (up when negative) its list, stopping at either end; return
    its new index. Starred cannot be reordered: it is ordered by the time of each star."""
    if _is_starred(name):
        raise UserDataError(f"{STARRED} is ordered by the time of each star; it cannot be reordered")
    with store.write():
        list_id = _list_id(store, name)
        order = _paper_ids(store, list_id)
        if paper_id not in order:
            raise UserDataError(f"paper {paper_id} is not in “{name}”")
        index = order.index(paper_id)
        target = max(0, min(len(order) - 1, index + delta))
        if target != index:
            order.insert(target, order.pop(index))
            store.conn.executemany(
                "UPDATE list_papers SET position = ? WHERE list_id = ? AND paper_id = ?",
                [(position, list_id, i) for position, i in enumerate(order, 1)],
            )
    return target


def list_paper_ids(store: Store, name: str) -> list[int]:
    """The papers of a list in its order (Starred: newest star first)."""
    if _is_starred(name):
        return [entry.paper_id for entry in _starred_entries(store)]
    return _paper_ids(store, _list_id(store, name))


def lists_of_paper(store: Store, paper_id: int) -> list[str]:
    """The names of the lists a paper is in: Starred first, then the others by name."""
    starred = store.conn.execute("SELECT 1 FROM stars WHERE paper_id = ?", [paper_id]).fetchone()
    rows = store.conn.execute(
        """SELECT l.name FROM lists l JOIN list_papers lp ON lp.list_id = l.id
           WHERE lp.paper_id = ? ORDER BY l.name""",
        [paper_id],
    )
    return [STARRED] * bool(starred) + [row[0] for row in rows]


def lists_by_paper(store: Store) -> dict[int, list[str]]:
    """Every paper that is in some list, with the names of its lists (as `lists_of_paper`)."""
    found: dict[int, list[str]] = {}
    for (paper_id,) in store.conn.execute("SELECT paper_id FROM stars"):
        found[paper_id] = [STARRED]
    rows = store.conn.execute(
        "SELECT lp.paper_id, l.name FROM list_papers lp JOIN lists l ON l.id = lp.list_id ORDER BY l.name"
    )
    for paper_id, name in rows:
        found.setdefault(paper_id, []).append(name)
    return found


def check_papers(store: Store, paper_ids: list[int]) -> None:
    """UserDataError naming the ids of `paper_ids` that no paper has."""
    known = store.existing_ids(paper_ids)
    if unknown := [str(i) for i in paper_ids if i not in known]:
        raise UserDataError(f"no paper with id {', '.join(unknown)}")


def valid_list_name(name: str) -> str:
    """`name` cleaned, when it can name a new list; UserDataError saying why not."""
    cleaned = clean(name)
    if not cleaned:
        raise UserDataError("a list needs a name")
    if len(cleaned) > NAME_MAX:
        raise UserDataError(f"a list name has at most {NAME_MAX} characters")
    if _is_starred(cleaned):
        raise UserDataError(f"“{STARRED}” is the built-in list; choose another name")
    return cleaned


# Helpers ----------------------------------------------------------------------------------------


def _is_starred(name: str) -> bool:
    return clean(name).casefold() == STARRED.casefold()


def _check_free(store: Store, name: str, but: int | None = None) -> None:
    row = store.conn.execute("SELECT id, name FROM lists WHERE name = ?", [name]).fetchone()
    if row and row[0] != but:
        raise UserDataError(f"a list named “{row[1]}” already exists")


def _list_id(store: Store, name: str) -> int:
    if _is_starred(name):
        raise UserDataError(f"“{STARRED}” is the built-in list; it cannot be renamed or deleted")
    row = store.conn.execute("SELECT id FROM lists WHERE name = ?", [clean(name)]).fetchone()
    if row is None:
        raise UserDataError(f"no list named “{name}”")
    return row[0]


def _entries(store: Store, list_id: int) -> list[ListEntry]:
    rows = store.conn.execute(
        "SELECT paper_id, position, added_at FROM list_papers WHERE list_id = ? ORDER BY position, added_at",
        [list_id],
    )
    return [ListEntry(*row) for row in rows]


def _starred_entries(store: Store) -> list[ListEntry]:
    rows = store.conn.execute(
        "SELECT paper_id, 0, starred_at FROM stars ORDER BY starred_at DESC, paper_id DESC"
    )
    return [ListEntry(*row) for row in rows]


def _paper_ids(store: Store, list_id: int) -> list[int]:
    return [entry.paper_id for entry in _entries(store, list_id)]


def _last_position(store: Store, list_id: int) -> int:
    sql = "SELECT coalesce(max(position), 0) FROM list_papers WHERE list_id = ?"
    return store.conn.execute(sql, [list_id]).fetchone()[0]


def _make_room(store: Store, list_id: int, position: int) -> None:
    """Shift the entries at `position` and after it one place down, when `position` is taken."""
    sql = "SELECT 1 FROM list_papers WHERE list_id = ? AND position = ?"
    if store.conn.execute(sql, [list_id, position]).fetchone():
        store.conn.execute(
            "UPDATE list_papers SET position = position + 1 WHERE list_id = ? AND position >= ?",
            [list_id, position],
        )


def _insert_entries(store: Store, list_id: int, entries: Iterable[ListEntry]) -> None:
    store.conn.executemany(
        "INSERT INTO list_papers (list_id, paper_id, position, added_at) VALUES (?, ?, ?, ?)",
        [(list_id, entry.paper_id, entry.position, entry.added_at) for entry in entries],
    )


def _insert_stars(store: Store, entries: Iterable[ListEntry]) -> None:
    """Star the entries' papers at their times; those starred already keep theirs."""
    store.conn.executemany(
        "INSERT OR IGNORE INTO stars (paper_id, starred_at) VALUES (?, ?)",
        [(entry.paper_id, entry.added_at) for entry in entries],
    )
