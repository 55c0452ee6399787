"""The papers the user tagged (`t`, `T`), and the changes made to all of them at once.

Tags belong to the session, never to the store: a set of paper ids kept here across filters and
views (a paper filtered out stays tagged, and the count says so). While some papers are tagged,
star, list, read mark, copy and export act on all of them, as mutt's tag prefix and lazygit's range
selection do: each change one write (one transaction) with one undo. The tags stay after an
action, so that the same papers can be starred, listed and exported in turn; Esc clears them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from papershelf.loaders import userdata
from papershelf.loaders.models import Paper
from papershelf.loaders.text import plural
from papershelf.loaders.userdata import lists

if TYPE_CHECKING:
    from papershelf.loaders.store.database import Store
    from papershelf.tui.state.owner import ReaderState

KEPT = "tags kept"  # said after each action on the tagged papers
GONE = "None of the tagged papers is in the store any more."


class Tagging:
    """The tagged papers, in the order tagged, and the actions on all of them."""

    def __init__(self, owner: ReaderState):
        self.owner = owner
        self._ids: dict[int, None] = {}  # a dict: a set that keeps the order of tagging
        self._shown: tuple[Sequence[int], int] | None = None  # the ids shown, how many are tagged

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._ids

    def shown_count(self) -> int:
        """How many tagged papers the view shows (the others are filtered out, or in no view shown)."""
        ids = self.owner.shelf.ids
        if not self._ids:
            return 0
        if self._shown is None or self._shown[0] is not ids:
            self._shown = (ids, _count_in(ids, self._ids))
        return self._shown[1]

    def ordered(self) -> list[int]:
        """The tagged papers: those shown in the view's order, then the others in the order tagged."""
        tagged = self._ids
        shown = [i for i in _as_list(self.owner.shelf.ids) if i in tagged]
        if len(shown) == len(tagged):
            return shown
        seen = set(shown)
        return shown + [i for i in tagged if i not in seen]

    # Tagging ------------------------------------------------------------------------------------

    def toggle(self, paper_id: int) -> None:
        """Tag a paper shown (the one under the cursor), or untag it."""
        if paper_id in self._ids:
            del self._ids[paper_id]
            step = -1
        else:
            self._ids[paper_id] = None
            step = 1
        if self._shown is not None and self._shown[0] is self.owner.shelf.ids:
            self._shown = (self._shown[0], self._shown[1] + step)
        # The first tag and the last one add or take away the list's marker column: every line.
        self._changed(None if len(self._ids) == (step > 0) else frozenset({paper_id}))

    def toggle_shown(self) -> None:
        """Tag every paper shown; when every one of them is tagged already, untag them (the top
        bar's count says which it was)."""
        ids = self.owner.shelf.ids
        if not len(ids):
            self.owner.say("No paper shown.", "warning")
            return
        shown = _as_list(ids)
        if self.shown_count() == len(shown):
            if len(self._ids) == len(shown):
                self._ids.clear()
            else:
                for paper_id in shown:
                    self._ids.pop(paper_id, None)
            self._shown = (ids, 0)
        else:
            self._ids.update(dict.fromkeys(shown))
            self._shown = (ids, len(shown))
        self._changed(None)

    def clear(self) -> bool:
        """Untag every paper; False when none was tagged."""
        if not self._ids:
            return False
        count = len(self._ids)
        self._ids.clear()
        self._shown = None
        self.owner.say(f"Untagged {plural(count, 'paper')}.", "information")
        self._changed(None)
        return True

    def _changed(self, rows: frozenset[int] | None) -> None:
        from papershelf.tui.state.owner import Change

        self.owner.changed(Change(rows=rows, counts=True))

    # Acting on the tagged papers ----------------------------------------------------------------

    def star(self) -> None:
        """Star every tagged paper, or unstar them all when all are starred: one write, one undo.
        Shown at once when every tagged paper's star is known, decided by the store in the write."""
        owner, ids = self.owner, self.ordered()
        known = [owner._starred_shown(i) for i in ids]
        if None not in known:
            owner.show_stars(ids, not all(known))
        owner.stars_asked(ids)

        def write(store: Store) -> tuple[bool, list[int], list[lists.ListEntry], int]:
            stored = _stored(store, ids)
            starred = {row[0] for row in store.conn.execute("SELECT paper_id FROM stars")}
            if stored and all(i in starred for i in stored):
                unstarred = lists.remove_from_list(store, lists.STARRED, stored)
                return False, [], unstarred, _star_count(store)
            newly = [i for i in stored if i not in starred]
            store.set_starred(newly, True)
            return True, newly, [], _star_count(store)

        def done(result: tuple[bool, list[int], list[lists.ListEntry], int]) -> None:
            starred, newly, unstarred, count = result
            owner.stars_landed(ids, starred, count)
            if newly:
                owner.remember_undo(
                    f"Starred {plural(len(newly), 'tagged paper')} ({KEPT})",
                    lambda store: _unstar(store, newly),
                )
            elif unstarred:
                owner.remember_undo(
                    f"Unstarred {plural(len(unstarred), 'tagged paper')} ({KEPT})",
                    lambda store: lists.restore_to_list(store, lists.STARRED, unstarred),
                )
            else:
                owner.say(GONE, "warning")
            if owner.shelf.view == "starred":
                owner.reread()

        owner._write(write, done, lambda: owner.stars_taken_back(ids), f"the stars of {_tagged(ids)}")

    def toggle_read(self) -> None:
        """Mark every tagged paper read, or unread when all are read: one write, one undo."""
        owner, ids = self.owner, self.ordered()
        known = [owner.read_shown(i) for i in ids]
        if None not in known:
            owner.show_reads(ids, not all(known))

        def write(store: Store) -> tuple[bool, list[int], list[tuple[int, str]]]:
            stored = _stored(store, ids)
            read = userdata.read_ids(store)
            if stored and all(i in read for i in stored):
                return False, [], userdata.mark_unread(store, stored)
            newly = [i for i in stored if i not in read]
            userdata.mark_read(store, newly)
            return True, newly, []

        def done(result: tuple[bool, list[int], list[tuple[int, str]]]) -> None:
            read, newly, unread = result
            owner.show_reads(ids, read, pending=False)
            if newly:
                owner.remember_undo(
                    f"Marked {plural(len(newly), 'tagged paper')} read ({KEPT})",
                    lambda store: _mark_unread(store, newly),
                )
            elif unread:
                owner.remember_undo(
                    f"Marked {plural(len(unread), 'tagged paper')} unread ({KEPT})",
                    lambda store: userdata.restore_reads(store, unread),
                )
            else:
                owner.say(GONE, "warning")

        def taken_back() -> None:
            owner.reads_taken_back(ids)

        owner._write(write, done, taken_back, f"the read marks of {_tagged(ids)}")

    def put_in_list(self, name: str) -> None:
        """Add every tagged paper to the list `name` (created if need be), or take them all out
        when all are in it: one write, one undo."""
        owner, ids = self.owner, self.ordered()

        def write(store: Store) -> tuple[str, list[int], list[lists.ListEntry], bool]:
            stored = _stored(store, ids)
            try:
                stored_name, created = lists.list_name(store, name), False
            except lists.UserDataError:
                stored_name, created = lists.create_list(store, name), True
            present = set(lists.list_paper_ids(store, stored_name))
            if stored and all(i in present for i in stored):
                return stored_name, [], lists.remove_from_list(store, stored_name, stored), False
            added = [i for i in stored if i not in present]
            lists.add_to_list(store, stored_name, added)
            return stored_name, added, [], created

        def done(result: tuple[str, list[int], list[lists.ListEntry], bool]) -> None:
            stored_name, added, removed, created = result
            if added:
                owner.remember_undo(
                    f"Added {plural(len(added), 'tagged paper')} to {stored_name} ({KEPT})",
                    lambda store: _take_out(store, stored_name, added, created),
                )
            elif removed:
                owner.remember_undo(
                    f"Took {plural(len(removed), 'tagged paper')} out of {stored_name} ({KEPT})",
                    lambda store: lists.restore_to_list(store, stored_name, removed),
                )
            else:
                owner.say(GONE, "warning")
            owner.reread()

        owner._write(write, done, owner._reread_here, f"{_tagged(ids)} in {name}")

    def lists_in_common(self, then: Callable[[list[str]], None]) -> None:
        """The names of the lists every tagged paper is in, for the list picker; keys typed
        meanwhile wait for the picker."""
        ids = list(self._ids)
        self.owner.read_holding_keys(lambda store: _lists_of_all(store, ids), then)

    def papers(self, then: Callable[[list[Paper]], None]) -> None:
        """The tagged papers (in the order of `ordered`), read on the store's thread."""
        ids = self.ordered()
        self.owner.thread.read(lambda store: list(store.papers(ids)), then, self.owner._read_failed)


def _tagged(ids: Sequence[int]) -> str:
    return plural(len(ids), "tagged paper")


def _as_list(ids: Sequence[int]) -> list[int]:
    """The ids as Python ints (a numpy array's or an array's `tolist`)."""
    to_list: Any = getattr(ids, "tolist", None)
    return to_list() if to_list is not None else list(ids)


def _count_in(ids: Sequence[int], tagged: dict[int, None]) -> int:
    if isinstance(ids, range):
        return sum(1 for i in tagged if i in ids)
    return len(tagged.keys() & _as_list(ids))


def _stored(store: Store, ids: list[int]) -> list[int]:
    """`ids` in their order, less those no longer in the store."""
    sql = "SELECT id FROM papers WHERE id IN (SELECT value FROM json_each(?))"
    rows = store.conn.execute(sql, [json.dumps(ids)])
    stored = {row[0] for row in rows}
    return [i for i in ids if i in stored]


def _star_count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM stars").fetchone()[0]


def _mark_unread(store: Store, ids: list[int]) -> None:
    userdata.mark_unread(store, ids)


def _unstar(store: Store, ids: list[int]) -> None:
    lists.remove_from_list(store, lists.STARRED, ids)


def _take_out(store: Store, name: str, ids: list[int], created: bool) -> None:
    """Undo adding `ids` to a list: take them out, and delete the list if adding created it."""
    lists.remove_from_list(store, name, ids)
    if created and not lists.list_paper_ids(store, name):
        lists.delete_list(store, name)


def _lists_of_all(store: Store, ids: list[int]) -> list[str]:
    by_paper = lists.lists_by_paper(store)
    common: set[str] | None = None
    for paper_id in ids:
        names = set(by_paper.get(paper_id, ()))
        common = names if common is None else common & names
        if not common:
            return []
    return sorted(common or ())
