"""The one owner of what the reader shows, and of every change the user makes from it.

No Textual here and no SQL on the caller's thread: the store is read and written by a
`StoreThread`; what comes back is kept here, and each change is announced once through `changed`
with what it touched. Screens and widgets ask (star, show a view, sort, filter, mark read, edit a
note, change lists, undo, load, export) and redraw from what this object holds.

A change the user makes shows at once: it is applied here first and written after. When the store
is locked by another process the write waits, in order, and the change stays shown as unsaved;
when it fails for good (read-only store, full disk) it is taken back on screen and said in one line.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from papershelf.loaders import userdata
from papershelf.loaders.models import Paper
from papershelf.loaders.store.browse import SORTS, ListRow
from papershelf.loaders.store.database import Store, now
from papershelf.loaders.text import clean_text, plural
from papershelf.loaders.userdata import lists
from papershelf.tui.settings import Settings
from papershelf.tui.shelf import VIEWS, Filtered, Shelf
from papershelf.tui.state import reads
from papershelf.tui.state.days import DayGroups
from papershelf.tui.state.discovery import Discovering
from papershelf.tui.state.query_answers import QueryAnswers
from papershelf.tui.state.store_thread import StoreThread
from papershelf.tui.state.tagging import Tagging

if TYPE_CHECKING:
    from papershelf.loaders.search.paper_index import PaperIndex
    from papershelf.loaders.store.removal import Removal

ROW_BLOCK = 64  # rows read at once: more than a screen
ROW_AHEAD = 24  # rows from a block's end at which the next block is read
MAX_CACHED_ROWS = 4000
MAX_CACHED_PAPERS = 64
UNDO_DEPTH = 50
SEARCH_BUDGET = 0.005  # seconds of a search on the UI thread before a thread takes on its other terms

Say = Callable[[str, str], None]  # a one-line message and its severity
UNDER_CURSOR = object()  # `reread`'s default: keep the paper the cursor is on when the view arrives


@dataclass(frozen=True, slots=True)
class Change:
    """What a change touched, for the screens to redraw that and nothing else.

    `view`: the shown ids changed (the list moves its cursor to `position`, or keeps it where it is
    when that is None); `rows`: these papers' lines (None: every line); `paper`: the paper data of
    the detail; `counts`: the top bar; `lists`: the user's lists; `status`: saving or read-only.
    """

    view: bool = False
    position: int | None = None
    rows: frozenset[int] | None = frozenset()
    paper: bool = False
    counts: bool = False
    lists: bool = False
    status: bool = False


class ReaderState:
    """View, list, sort, query, unread-only, the paper under the cursor, the counts, the settings."""

    def __init__(
        self,
        store_path: Path,
        settings: Settings,
        settings_file: Path | None,
        deliver: Callable[[Callable[[], None]], None],
        changed: Callable[[Change], None],
        say: Say,
    ):
        self.store_path = store_path
        self.settings = settings
        self.settings_file = settings_file
        self.deliver = deliver
        self.changed = changed
        self.say = say
        self.shelf = Shelf(
            settings.view,
            settings.sort,
            settings.list_name,
            settings.unread_only,
            settings.sort_reversed is True,
        )
        self.paper_id: int | None = settings.paper_id  # the paper under the cursor
        self.list_counts: list[tuple[str, int]] = []
        self.sample = reads.Sample()  # whether the built-in sample is in the store, alone
        self.started = False
        self.view_pending = False  # a view the user asked for is being read: keys wait for it
        self.read_only = False
        self.waiting_writes = 0  # writes held up by another process's lock
        self.undo_stack: list[tuple[str, Callable[[Store], None], Callable[[], None] | None]] = []
        self._rows: dict[int, ListRow] = {}
        self._papers: dict[int, Paper] = {}
        self._asked_rows: set[tuple[int, int]] = set()  # blocks being read, of which ids
        self._asked_papers: set[int] = set()
        self._pending_stars: dict[int, bool] = {}
        self._stars_in_flight: dict[int, int] = {}
        self._pending_reads: dict[int, bool] = {}
        self._waiting_for_paper: dict[int, list[Callable[[Paper], None]]] = {}
        self._reads_holding_keys = 0  # reads under way that the keys typed meanwhile are for
        self._view_reads = 0  # the newest view read asked for: older answers are dropped
        self._filter_generation = 0
        self._query_asked = ""
        self._data_version: int | None = None
        self._indexing = False
        self._threads: list[threading.Thread] = []
        self._day_wanted: tuple[str | None] | None = None  # the day to show once the day sort is read
        self._places: dict[
            tuple[str, str | None], int | None
        ] = {}  # the paper last under the cursor, by view
        self.thread = StoreThread(store_path, deliver, self._writes_waiting)
        self.discovery = Discovering(self)  # similar papers, For you, the vectors' refresh
        self.tags = Tagging(self)  # the papers tagged this session, and the changes to all of them
        self.query_answers = QueryAnswers(
            store_path, deliver, self._store_answered, self._query_failed, self.discovery.query_similarity
        )
        self._filter_waiting: tuple[int | None, int | None] | None = None  # for the store's answer

    # Reading what is shown (no I/O: what is missing is asked for, and announced when read) -----

    def __len__(self) -> int:
        return len(self.shelf)

    def row(self, position: int) -> ListRow | None:
        """The list row at `position`; None while it is read. Rows are read in blocks, the block
        next to the one shown read before the cursor or the scroll gets to it."""
        ids = self.shelf.ids
        if not 0 <= position < len(ids):
            return None
        row = self._rows.get(int(ids[position]))
        block, offset = divmod(position, ROW_BLOCK)
        if row is None:
            self._ask_rows(block)
        if offset >= ROW_BLOCK - ROW_AHEAD:
            self._ask_rows_unless_read(block + 1)
        elif offset < ROW_AHEAD:
            self._ask_rows_unless_read(block - 1)
        return row

    def _ask_rows_unless_read(self, block: int) -> None:
        ids = self.shelf.ids
        first = block * ROW_BLOCK
        if 0 <= first < len(ids) and int(ids[first]) not in self._rows:
            self._ask_rows(block)

    def paper_at(self, position: int) -> Paper | None:
        """The paper at a position with its note, lists and read state; None while it is read."""
        if not 0 <= position < len(self.shelf.ids):
            return None
        paper_id = int(self.shelf.ids[position])
        paper = self._papers.get(paper_id)
        if paper is None:
            self._ask_papers([paper_id, *self._ids_at(position - 1, position + 1)])
        return paper

    def with_paper(self, position: int, action: Callable[[Paper], None]) -> bool:
        """Run `action` on the paper at `position` now, or once it is read (keys may come faster
        than papers are read); False when there is no paper there."""
        paper_id = self.id_at(position)
        if paper_id is None:
            return False
        paper = self.paper_at(position)
        if paper is not None:
            action(paper)
        else:
            self._waiting_for_paper.setdefault(paper_id, []).append(action)
        return True

    @property
    def holding_keys(self) -> bool:
        """Whether keys typed now are for what is being read: a view asked for, or a paper an
        action (opening the note editor, the list picker) waits for."""
        return self.view_pending or bool(self._waiting_for_paper) or self._reads_holding_keys > 0

    def read_holding_keys(self, run: Callable[[Store], Any], then: Callable[[Any], None]) -> None:
        """Read on the store's thread and hand the result to `then` (which opens a dialog, say);
        keys typed meanwhile wait for it, as they wait for a paper."""
        self._reads_holding_keys += 1

        def read(result: Any) -> None:
            self._reads_holding_keys -= 1
            then(result)
            self.changed(Change())  # the keys held may go on

        def failed(reason: str) -> None:
            self._reads_holding_keys -= 1
            self._read_failed(reason)

        self.thread.read(run, read, failed)

    @property
    def days(self) -> DayGroups | None:
        """The listing days of the papers shown, in the day sort (None: no day headers)."""
        return self.shelf.days

    def id_at(self, position: int) -> int | None:
        if not 0 <= position < len(self.shelf.ids):
            return None
        return int(self.shelf.ids[position])

    def prepare_around(self, position: int) -> None:
        """Read the papers above and below `position`, so that the next move shows one at once."""
        wanted = [i for i in self._ids_at(position - 1, position + 1) if i not in self._papers]
        if wanted:
            self._ask_papers(wanted)

    def _ids_at(self, *positions: int) -> list[int]:
        return [i for p in positions if (i := self.id_at(p)) is not None]

    def _ask_rows(self, block: int) -> None:
        shown = self.shelf.ids
        asked = (id(shown), block)  # a block of these ids: a filter or a view read makes others
        if asked in self._asked_rows:
            return
        self._asked_rows.add(asked)
        ids = [int(i) for i in shown[block * ROW_BLOCK : (block + 1) * ROW_BLOCK]]

        def read(rows: dict[int, ListRow]) -> None:
            self._asked_rows.discard(asked)
            if len(self._rows) > MAX_CACHED_ROWS:
                self._rows.clear()
            self._rows.update({i: self._overlaid_row(row) for i, row in rows.items()})
            self.changed(Change(rows=frozenset(rows)))  # lines of these papers, wherever shown

        self.thread.read(lambda store: reads.read_rows(store, ids), read, self._read_failed)

    def _ask_papers(self, ids: list[int]) -> None:
        ids = [i for i in ids if i not in self._asked_papers]
        if not ids:
            return
        self._asked_papers.update(ids)

        def read(papers: dict[int, Paper]) -> None:
            self._asked_papers.difference_update(ids)
            if len(self._papers) > MAX_CACHED_PAPERS:
                self._papers.clear()
            self._papers.update({i: self._overlaid_paper(paper) for i, paper in papers.items()})
            if self.paper_id in papers:
                self.changed(Change(paper=True))
            waited = False
            for paper_id in ids:
                for action in self._waiting_for_paper.pop(paper_id, []):
                    waited = True
                    if paper_id in self._papers:
                        action(self._papers[paper_id])
            if waited:
                self.changed(Change())  # the keys held behind those actions may go on

        self.thread.read(lambda store: reads.read_papers(store, ids), read, self._read_failed)

    def _overlaid_row(self, row: ListRow) -> ListRow:
        """A row read from the store, with the changes not saved yet shown on it."""
        starred = self._pending_stars.get(row.id, row.starred)
        read = self._pending_reads.get(row.id, row.read)
        if (starred, read) != (row.starred, row.read):
            return dataclasses.replace(row, starred=starred, read=read)
        return row

    def _overlaid_paper(self, paper: Paper) -> Paper:
        paper_id = paper.stored_id
        if paper_id in self._pending_stars:
            paper = _with_star(paper, self._pending_stars[paper_id])
        if paper_id in self._pending_reads:
            paper = _with_read(paper, self._pending_reads[paper_id])
        if paper_id in self.shelf.notes or paper.note:
            paper = dataclasses.replace(paper, note=self.shelf.notes.get(paper_id) or None)
        return paper

    def _read_failed(self, reason: str) -> None:
        self._asked_rows.clear()
        self._asked_papers.clear()
        self._waiting_for_paper.clear()  # their paper cannot be read: the keys behind them go on
        if self.view_pending:
            self._place(self.paper_id, None)
        self.say(f"Could not read the store: {reason}", "error")
        self.changed(Change())

    # The view -----------------------------------------------------------------------------------

    def start(self) -> None:
        """Read the view remembered, and tell whether the store can be written."""
        self.thread.read(_writable, self._writable_read)
        self.thread.read(reads.data_version, self._version_read)
        self.view_pending = True
        self.reread(keep_paper=self.paper_id)  # the paper remembered

    def _version_read(self, version: int) -> None:
        self._data_version = version

    def _writable_read(self, writable: bool) -> None:
        if not writable and not self.read_only:
            self.read_only = True
            self.changed(Change(status=True))

    def reread(self, keep_paper: object = UNDER_CURSOR, otherwise: int | None = None) -> None:
        """Read the view again (after a change, a load, or changes by others); the cursor stays on
        `keep_paper` (default: the paper under it when the view arrives, the keys typed meanwhile
        having moved it) when it is still shown, else goes to `otherwise` (None: stays in place)."""
        shelf = self.shelf
        asked = reads.ViewAsked(
            shelf.view,
            shelf.list_name,
            shelf.sort,
            shelf.unread_only,
            frozenset(shelf.read_while_shown),
            ranked=self.discovery.ranked_ids(shelf.view),
            reverse=shelf.reverse,
        )
        self._view_reads += 1
        number = self._view_reads

        def read(view: reads.ViewRead) -> None:
            if number == self._view_reads:
                kept = self.paper_id if keep_paper is UNDER_CURSOR else keep_paper
                self._view_read(view, cast("int | None", kept), otherwise)

        self.thread.read(lambda store: reads.read_view(store, asked), read, self._read_failed)

    def _view_read(self, view: reads.ViewRead, keep_paper: int | None, otherwise: int | None) -> None:
        shelf = self.shelf
        if (view.view, view.list_name) != (shelf.view, shelf.list_name):  # the list is gone
            shelf.view, shelf.list_name = view.view, view.list_name
            self.remember(view=shelf.view, list_name=shelf.list_name)
        days = DayGroups.of_runs(view.days) if view.days is not None else None
        shelf.show(view.base, view.notes, view.paper_count, view.starred_count, view.list_count, days)
        self.list_counts = view.list_counts
        self.sample = view.sample
        self._rows.clear()
        self._papers.clear()
        self._asked_rows.clear()
        self._asked_papers.clear()
        self.started = True
        index = shelf.index
        if index is not None and index.signature != view.signature:
            self.load_index()
        self.discovery.store_changed(view.signature)
        self.query_answers.store_changed()
        if shelf.query.strip():
            self._filter(shelf.query, keep_paper, otherwise if otherwise is not None else 0)
            return
        self._place(keep_paper, otherwise)

    def _place(self, keep_paper: int | None, otherwise: int | None) -> None:
        self.view_pending = False
        days = self.shelf.days
        if self._day_wanted is not None and days is not None:  # "Go to day…" sorted by day first
            (day,), self._day_wanted = self._day_wanted, None
            if day in days.days:
                keep_paper = self.id_at(days.starts[days.days.index(day)])
        position = self.shelf.position_of(keep_paper)
        if position is None:
            position = otherwise
        if position is not None:
            position = max(0, min(position, len(self.shelf) - 1))
        self.changed(Change(view=True, position=position, rows=None, paper=True, counts=True, lists=True))

    def cursor_moved(self, paper_id: int | None) -> None:
        self.paper_id = paper_id

    def show_view(self, view: str, list_name: str | None = None) -> None:
        """Show all papers, the starred ones, or the list called `list_name`."""
        if view == "foryou":
            self.discovery.for_you()
            return
        shelf = self.shelf
        view = view if view in VIEWS else "all"
        list_name = list_name if view == "list" else None
        if (view, list_name) == (shelf.view, shelf.list_name if shelf.view == "list" else None):
            return
        self._places[(shelf.view, shelf.list_name)] = self.paper_id
        shelf.view, shelf.list_name = view, list_name
        shelf.read_while_shown.clear()
        self.remember(view=view, list_name=list_name)
        self.view_pending = True
        self.reread(keep_paper=self._places.get((view, list_name)), otherwise=0)

    def show_list(self, name: str) -> None:
        self.show_view("starred" if name == lists.STARRED else "list", name)

    def sort_by(self, sort: str) -> None:
        if sort not in SORTS:
            return
        self.shelf.sort = sort
        self.remember(sort=sort)
        self.view_pending = True
        self.reread()

    def reverse_sort(self) -> None:
        """Show the view in the reverse of its order (the cursor stays on its paper)."""
        self.shelf.reverse = not self.shelf.reverse
        self.remember(sort_reversed=self.shelf.reverse)
        self.view_pending = True
        self.reread(keep_paper=self.paper_id)

    def days_shown(self, then: Callable[[DayGroups], None]) -> None:
        """The listing days of the papers shown with their counts, in the day sort's order (read on
        the store's thread when the list is in another sort)."""
        if self.shelf.days is not None:
            then(self.shelf.days)
            return
        ids = [int(i) for i in self.shelf.ids]
        self.thread.read(
            lambda store: DayGroups.of_runs(reads.read_days(store, ids)), then, self._read_failed
        )

    def go_to_day(self, day: str | None) -> None:
        """Put the cursor on the first paper shown of `day` (None: of no listing day), sorting the
        view by listing day first if it is not."""
        days = self.shelf.days
        if days is None:
            self._day_wanted = (day,)
            self.sort_by("day")
            return
        if day not in days.days:
            self.say("No paper of that day is shown.", "warning")
            return
        self._place(self.id_at(days.starts[days.days.index(day)]), None)

    @property
    def sort_label(self) -> str:
        """The order the view is shown in, as the user knows it."""
        return reads.sort_label(self.shelf.view, self.shelf.sort, self.shelf.reverse)

    def toggle_unread_only(self) -> None:
        shelf = self.shelf
        shelf.unread_only = not shelf.unread_only
        shelf.read_while_shown.clear()
        self.remember(unread_only=shelf.unread_only)
        self.say("Unread papers only." if shelf.unread_only else "Read papers shown again.", "information")
        self.view_pending = True
        self.reread()

    def jump_to(self, paper_id: int) -> None:
        """Put the cursor on a paper, leaving the filter and the view if it is not shown there."""
        if self.shelf.position_of(paper_id) is not None:
            self._place(paper_id, None)
            return
        shelf = self.shelf
        shelf.view, shelf.list_name, shelf.unread_only, shelf.query = "all", None, False, ""
        self._query_asked = ""
        self.remember(view="all", list_name=None, unread_only=False)
        self.view_pending = True
        self.reread(keep_paper=paper_id)

    @property
    def view_name(self) -> str:
        return self.shelf.view_name

    def reason(self, paper_id: int) -> str | None:
        """Why the paper is shown where it is: its For-you or similarity reason, or that the
        filter found it by meaning."""
        if paper_id in self.shelf.by_meaning and self.shelf.query.strip():
            return "found by meaning: not every word of the filter is in it"
        return self.discovery.reason(paper_id)

    # The filter ---------------------------------------------------------------------------------

    def filter(self, query: str) -> None:
        """Narrow the view to `query`. On the caller's thread first, so that the list is redrawn
        in the same screen update as the keystroke (the terms already typed are cached); a search
        unfinished after SEARCH_BUDGET (a long query of typos) finishes on a thread of its own, and
        a later query makes it stale."""
        self._query_asked = query
        self._filter(query, self.paper_id, 0)

    def _filter(self, query: str, keep_paper: int | None, otherwise: int | None, stay: bool = False) -> None:
        """Filter with what the store said of the query; a query whose filters the store has not
        answered yet waits for it (the list shown stays), plain words are ranked at once and
        ranked again when the store says which authors, organisations and notes hold them."""
        self._filter_generation += 1
        generation = self._filter_generation
        answer = None
        if query.strip() and self.shelf.index is not None:
            from papershelf.loaders.search.query import parse

            answer, _ = self.query_answers.answer(parse(query))
            if answer is None:
                self._filter_waiting = (keep_paper, otherwise)
                return
        self._filter_waiting = None
        deadline = time.perf_counter() + SEARCH_BUDGET
        result = self.shelf.filtered(query, lambda: time.perf_counter() < deadline, answer)
        if result is not None:
            self._show_filtered(result, keep_paper, otherwise, stay)
            return

        def finish() -> None:
            done = self.shelf.filtered(query, lambda: generation == self._filter_generation, answer)
            if done is not None and generation == self._filter_generation:
                self.deliver(lambda: self._show_filtered(done, keep_paper, otherwise, stay))

        self._start_thread(finish, "papershelf-filter")

    def _store_answered(self, _: object) -> None:
        query = self._query_asked
        if not query.strip() or self.shelf.index is None:
            return
        if self._filter_waiting is not None:
            self._filter(query, *self._filter_waiting)
        else:  # shown already: ranked again where the user is
            self._filter(query, self.paper_id, 0, stay=query == self.shelf.query)

    def _query_failed(self, reason: str) -> None:
        self.say(f"The filter searched titles and abstracts only: {reason}", "warning")

    def _show_filtered(
        self, result: Filtered, keep_paper: int | None, otherwise: int | None, stay: bool = False
    ) -> None:
        shown = self.shelf.ids
        if result.query != self._query_asked or not self.shelf.apply(result):
            return  # stale: a later query was asked for, or the view was read again since
        if stay:  # ranked again as the store answered: the paper the user moved to stays
            import numpy as np

            if np.array_equal(np.asarray(shown), np.asarray(result.ids)):
                return
            moved = len(shown) > 0 and keep_paper != shown[0]
            self._place(keep_paper if moved else None, 0)
        elif result.query.strip():
            self._place(None, otherwise if otherwise is not None else 0)  # a ranking starts at its top
        else:
            self._place(keep_paper, otherwise)

    def load_index(self) -> None:
        """Read the search index from its cache (caught up with the store), or build it, on a
        thread of its own."""
        if self._indexing:
            return
        self._indexing = True

        def build() -> None:
            from papershelf.loaders.search.paper_index import cache_path, open_index
            from papershelf.loaders.store.browse import Browser

            try:
                with Store(self.store_path) as store:
                    # The cache caught up with the store's changes, or built when there is none.
                    index = open_index(Browser(store), cache_path(self.store_path))
            except Exception as error:  # any: the reader works on without a filter
                reason = str(error) or type(error).__name__
                self.deliver(lambda: self._index_failed(reason))
                return
            self.deliver(lambda: self._index_ready(index))
            index.fuzzy.warm()

        self._start_thread(build, "papershelf-index")

    def _index_ready(self, index: PaperIndex) -> None:
        self._indexing = False
        self.shelf.index = index
        freeze_long_lived()
        if self.shelf.query.strip():
            self._filter(self.shelf.query, self.paper_id, 0)
        else:
            self.changed(Change(counts=True))

    def _index_failed(self, reason: str) -> None:
        self._indexing = False
        self.say(f"Could not build the search index: {reason}", "error")

    # Changes made by others ---------------------------------------------------------------------

    def check_outside_changes(self) -> None:
        """Ask the store whether another connection committed; read the view again if so."""

        def read(version: int) -> None:
            if self._data_version is not None and version != self._data_version:
                self.reread()
            self._data_version = version

        self.thread.read(reads.data_version, read)

    # The user's changes -------------------------------------------------------------------------

    def _write(
        self,
        run: Callable[[Store], Any],
        done: Callable[[Any], None] | None,
        undo_change: Callable[[], None] | None,
        what: str,
    ) -> bool:
        """Write a change, or say why it cannot be: False when nothing is asked of the store."""
        if self.read_only:
            if undo_change is not None:
                undo_change()
            self.say(f"Not saved: {what} — the store is read-only (browsing only).", "error")
            return False

        def failed(reason: str) -> None:
            if undo_change is not None:
                undo_change()
            if "read-only" in reason and not self.read_only:
                self.read_only = True
                self.changed(Change(status=True))
            self.say(f"Not saved: {what} — {reason}.", "error")

        def written(result: Any) -> None:
            self.query_answers.store_changed()  # `is:starred`, `list:`, notes: asked again
            if done is not None:
                done(result)

        self.thread.write(run, written, failed)
        return True

    def _writes_waiting(self, waiting: int) -> None:
        if waiting != self.waiting_writes:
            self.waiting_writes = waiting
            self.changed(Change(status=True))

    def toggle_star(self, paper_id: int) -> None:
        """Star the paper, or unstar it: shown at once when its line or detail is read, decided
        by the store in the write itself (keys may come faster than the paper is read)."""
        shown = self._starred_shown(paper_id)
        if shown is not None:
            self._show_star(paper_id, not shown)
        self._stars_in_flight[paper_id] = self._stars_in_flight.get(paper_id, 0) + 1

        def write(store: Store) -> tuple[bool, list[lists.ListEntry], str, int]:
            title = store.conn.execute("SELECT title FROM papers WHERE id = ?", [paper_id]).fetchone()
            if title is None:
                raise lists.UserDataError(f"paper {paper_id} is not in the store any more")
            if store.conn.execute("SELECT 1 FROM stars WHERE paper_id = ?", [paper_id]).fetchone() is None:
                store.set_starred([paper_id], True)
                unstarred = []
            else:
                unstarred = lists.remove_from_list(store, lists.STARRED, [paper_id])
            count = store.conn.execute("SELECT count(*) FROM stars").fetchone()[0]
            return not unstarred, unstarred, clean_text(title[0]), count

        def done(result: tuple[bool, list[lists.ListEntry], str, int]) -> None:
            starred, unstarred, title, count = result
            if self._star_landed(paper_id) and self._starred_shown(paper_id) != starred:
                self._show_star(paper_id, starred, pending=False)  # the store decided otherwise
            if not self._stars_in_flight and self.shelf.starred_count != count:
                self.shelf.starred_count = count  # starred or unstarred elsewhere meanwhile
                self.changed(Change(counts=True))
            if unstarred:
                self.remember_undo(
                    f"Unstarred “{title}”",
                    lambda store: lists.restore_to_list(store, lists.STARRED, unstarred),
                )
            if self.shelf.view == "starred":
                self.reread()

        def taken_back() -> None:
            self._star_landed(paper_id)
            self._forget(paper_id)
            self.reread()  # what the store holds, counts included

        self._write(write, done, taken_back, "a star")

    def _starred_shown(self, paper_id: int) -> bool | None:
        if paper_id in self._pending_stars:
            return self._pending_stars[paper_id]
        if (paper := self._papers.get(paper_id)) is not None:
            return paper.starred
        if (row := self._rows.get(paper_id)) is not None:
            return row.starred
        return None

    def _star_landed(self, paper_id: int) -> bool:
        """One star write of the paper is done: whether it was the last one under way."""
        left = self._stars_in_flight.get(paper_id, 1) - 1
        if left > 0:
            self._stars_in_flight[paper_id] = left
            return False
        self._stars_in_flight.pop(paper_id, None)
        self._pending_stars.pop(paper_id, None)
        return True

    def _forget(self, paper_id: int) -> None:
        self._rows.pop(paper_id, None)
        self._papers.pop(paper_id, None)

    def _show_star(self, paper_id: int, starred: bool, pending: bool = True) -> None:
        self.show_stars([paper_id], starred, pending)

    def show_stars(self, ids: Sequence[int], starred: bool, pending: bool = True) -> None:
        """Show these papers starred or not: `pending` until their write lands, else as the store
        decided."""
        for paper_id in ids:
            if self._starred_shown(paper_id) not in (None, starred) and pending:
                self.shelf.starred_count += 1 if starred else -1
            if pending:
                self._pending_stars[paper_id] = starred
            if (row := self._rows.get(paper_id)) is not None:
                self._rows[paper_id] = dataclasses.replace(row, starred=starred)
            if (paper := self._papers.get(paper_id)) is not None:
                self._papers[paper_id] = _with_star(paper, starred)
        if ids:
            self.changed(Change(rows=frozenset(ids), paper=True, counts=True))

    def stars_asked(self, ids: Sequence[int]) -> None:
        """A star write of these papers is asked for (`stars_landed` when it is done)."""
        for paper_id in ids:
            self._stars_in_flight[paper_id] = self._stars_in_flight.get(paper_id, 0) + 1

    def stars_landed(self, ids: Sequence[int], starred: bool, count: int) -> None:
        """A write that starred (or unstarred) all of `ids` is done; `count`: the stars stored."""
        landed = [i for i in ids if self._star_landed(i)]
        self.show_stars([i for i in landed if self._starred_shown(i) != starred], starred, pending=False)
        if not self._stars_in_flight and self.shelf.starred_count != count:
            self.shelf.starred_count = count
            self.changed(Change(counts=True))

    def stars_taken_back(self, ids: Sequence[int]) -> None:
        """A star write of these papers failed: show what the store holds."""
        for paper_id in ids:
            self._star_landed(paper_id)
            self._forget(paper_id)
        self.reread()

    def set_read(self, paper_id: int, read: bool) -> None:
        """Mark a paper read or unread; in an unread-only view one marked read stays shown."""
        was = self._papers.get(paper_id)
        if was is not None and was.read == read:
            return
        if read:
            self.shelf.read_while_shown.add(paper_id)
        self._show_read(paper_id, read)

        def write(store: Store) -> None:
            if read:
                userdata.mark_read(store, [paper_id])
            else:
                userdata.mark_unread(store, [paper_id])

        def done(_: None) -> None:
            self._pending_reads.pop(paper_id, None)

        def taken_back() -> None:
            self._pending_reads.pop(paper_id, None)
            self._show_read(paper_id, not read, pending=False)

        title = clean_text(was.title) if was else f"paper {paper_id}"
        self._write(write, done, taken_back, f"the {'read' if read else 'unread'} mark on “{title}”")

    def read_shown(self, paper_id: int) -> bool | None:
        """Whether the paper is shown read; None when neither its line nor its detail is read."""
        if paper_id in self._pending_reads:
            return self._pending_reads[paper_id]
        if (paper := self._papers.get(paper_id)) is not None:
            return paper.read
        if (row := self._rows.get(paper_id)) is not None:
            return row.read
        return None

    def show_reads(self, ids: Sequence[int], read: bool, pending: bool = True) -> None:
        """Show these papers read or unread (`pending`: until their write lands; else done, as
        the store holds them); in an unread-only view those marked read stay shown."""
        if read:
            self.shelf.read_while_shown.update(ids)
        for paper_id in ids:
            if not pending:
                self._pending_reads.pop(paper_id, None)
            self._show_read(paper_id, read, pending=pending, announce=False)
        self.changed(Change(rows=frozenset(ids), paper=True))

    def reads_taken_back(self, ids: Sequence[int]) -> None:
        for paper_id in ids:
            self._pending_reads.pop(paper_id, None)
        self._reread_here()

    def _show_read(self, paper_id: int, read: bool, pending: bool = True, announce: bool = True) -> None:
        if pending:
            self._pending_reads[paper_id] = read
        if (row := self._rows.get(paper_id)) is not None and row.read != read:
            self._rows[paper_id] = dataclasses.replace(row, read=read)
        if (paper := self._papers.get(paper_id)) is not None and paper.read != read:
            self._papers[paper_id] = _with_read(paper, read)
        if announce:
            self.changed(Change(rows=frozenset({paper_id}), paper=True))

    def mark_shown_read(self) -> None:
        """Mark every paper shown read (one undo takes back those that were unread)."""
        ids = [int(i) for i in self.shelf.ids]
        if not ids:
            self.say("No paper shown.", "warning")
            return
        self.shelf.read_while_shown.update(ids)
        for paper_id in ids:
            self._show_read(paper_id, True, announce=False)
        self.changed(Change(rows=None, paper=True))

        def write(store: Store) -> list[int]:
            before = set(reads.read_ids(store))
            newly = [paper_id for paper_id in ids if paper_id not in before]
            userdata.mark_read(store, newly)
            return newly

        def done(newly: list[int]) -> None:
            for paper_id in ids:
                self._pending_reads.pop(paper_id, None)
            if not newly:
                self.say("Every paper shown was read already.", "information")
                return
            self.remember_undo(
                f"Marked {plural(len(newly), 'paper')} read", functools.partial(_unread, newly)
            )

        def taken_back() -> None:
            for paper_id in ids:
                self._pending_reads.pop(paper_id, None)
            self._reread_here()

        self._write(write, done, taken_back, f"the read marks on {plural(len(ids), 'paper')}")

    def step_to_unread(self, step: int) -> None:
        """Put the cursor on the next unread paper shown below the cursor (`step` 1) or above (-1);
        keys typed meanwhile wait for it, as they wait for a view."""
        ids, start = self.shelf.ids, self.shelf.position_of(self.paper_id)
        if not len(ids):
            return
        self.view_pending = True

        def found(read_ids: Sequence[int]) -> None:
            read = set(read_ids)
            read.update(i for i, is_read in self._pending_reads.items() if is_read)
            read.difference_update(i for i, is_read in self._pending_reads.items() if not is_read)
            target = None
            if self.shelf.ids is ids:
                target = reads.first_unread(ids, read, -1 if start is None else start, step)
                if target is None:
                    self.say(f"No unread paper {'below' if step > 0 else 'above'}.", "information")
            self._place(target if target is not None else self.paper_id, None)

        def failed(reason: str) -> None:
            self._place(self.paper_id, None)
            self.say(f"Could not read the store: {reason}", "error")

        self.thread.read(reads.read_ids, found, failed)

    def save_note(self, paper: Paper, text: str) -> None:
        paper_id, title = paper.stored_id, clean_text(paper.title)
        before = self.shelf.notes.get(paper_id)
        self._show_note(paper_id, userdata.clean_note(text) or None)

        def done(previous: str) -> None:
            if previous and not userdata.clean_note(text):
                self.remember_undo(
                    f"Deleted the note on “{title}”", lambda store: _restore_note(store, paper_id, previous)
                )

        self._write(
            lambda store: userdata.set_note(store, paper_id, text),
            done,
            lambda: self._show_note(paper_id, before),
            f"the note on “{title}”",
        )

    def _show_note(self, paper_id: int, note: str | None) -> None:
        if note:
            self.shelf.notes[paper_id] = note
        else:
            self.shelf.notes.pop(paper_id, None)
        self.shelf.notes_changed()
        self.query_answers.store_changed()
        if (paper := self._papers.get(paper_id)) is not None:
            self._papers[paper_id] = dataclasses.replace(paper, note=note)
        self.changed(Change(paper=True))  # the filter shown stays: the paper noted does not vanish

    # Lists ---------------------------------------------------------------------------------------

    def put_in_list(self, paper: Paper, name: str) -> None:
        """Take the paper out of `name` when it is in it, else add it (creating the list if need be)."""
        paper_id, title = paper.stored_id, clean_text(paper.title)
        if name.casefold() in {kept.casefold() for kept in paper.lists}:

            def take_out(store: Store) -> tuple[str, list[lists.ListEntry]]:
                stored_name = lists.list_name(store, name)
                removed = lists.remove_from_list(store, stored_name, [paper_id])
                if not removed:
                    raise lists.UserDataError(f"“{title}” was not in {stored_name} any more")
                return stored_name, removed

            def taken_out(result: tuple[str, list[lists.ListEntry]]) -> None:
                stored_name, removed = result
                self.remember_undo(
                    f"Took “{title}” out of {stored_name}",
                    lambda store: lists.restore_to_list(store, stored_name, removed),
                )
                self.reread()

            self._write(take_out, taken_out, self._reread_here, f"“{title}” out of {name}")
            return

        def put_in(store: Store) -> str:
            try:
                stored_name = lists.list_name(store, name)
            except lists.UserDataError:
                stored_name = lists.create_list(store, name)
            lists.add_to_list(store, stored_name, [paper_id])
            return stored_name

        def put(stored_name: str) -> None:
            self.say(f"Added “{title}” to {stored_name}", "information")
            self.reread()

        self._write(put_in, put, self._reread_here, f"“{title}” in {name}")

    def move_in_list(self, paper: Paper, step: int) -> None:
        shelf = self.shelf
        if (
            shelf.view != "list"
            or shelf.query
            or shelf.unread_only
            or shelf.sort != "listing"
            or shelf.reverse
        ):
            reason = {"starred": " (Starred is ordered by star time)", "all": ""}.get(
                shelf.view, ", in its own order with every paper shown (no filter, not unread only)"
            )
            self.say(f"J/K move a paper within one of your lists{reason}.", "warning")
            return
        name, paper_id = shelf.list_name or "", paper.stored_id
        self._write(
            lambda store: lists.move_in_list(store, name, paper_id, step),
            lambda _: self.reread(keep_paper=paper_id),
            self._reread_here,
            f"the move of “{clean_text(paper.title)}” in {name}",
        )

    def create_list(self, name: str, done: Callable[[str], None]) -> None:
        """Create a list; `done` is told its name as stored, before the lists are read again."""

        def created(stored_name: str) -> None:
            done(stored_name)
            self.reread()

        self._write(lambda store: lists.create_list(store, name), created, None, f"the new list “{name}”")

    def rename_list(self, old: str, new: str, done: Callable[[str], None]) -> None:
        def renamed(stored_name: str) -> None:
            if self.shelf.view == "list" and self.shelf.list_name == old:
                self.shelf.list_name = stored_name
                self.remember(list_name=stored_name)
            done(stored_name)
            self.reread()

        self._write(lambda store: lists.rename_list(store, old, new), renamed, None, f"renaming “{old}”")

    def delete_list(self, name: str) -> None:
        def deleted(saved: lists.SavedList) -> None:
            self.remember_undo(f"Deleted the list “{name}”", lambda store: lists.restore_list(store, saved))
            self.reread()

        self._write(lambda store: lists.delete_list(store, name), deleted, None, f"deleting “{name}”")

    def rows_for(self, ids: list[int], then: Callable[[dict[int, ListRow]], None]) -> None:
        """The list rows of `ids`, read on the store's thread (for the palette's titles)."""
        self.thread.read(lambda store: reads.read_rows(store, ids), then, lambda reason: then({}))

    def list_size(self, name: str, then: Callable[[int], None]) -> None:
        """How many papers the list called `name` has (read on the store's thread)."""
        self.thread.read(
            lambda store: len(lists.list_paper_ids(store, name)),
            then,
            lambda reason: self.say(reason, "error"),
        )

    def _reread_here(self) -> None:
        self.reread()

    # Undo ----------------------------------------------------------------------------------------

    def remember_undo(
        self, done: str, undo: Callable[[Store], None], undone: Callable[[], None] | None = None
    ) -> None:
        """Say what was removed, and keep how to bring it back for `u` (`undone`: what to show
        again once it is back, before the view is read again)."""
        self.undo_stack = [*self.undo_stack[-UNDO_DEPTH + 1 :], (done, undo, undone)]
        self.say(f"{done} — u undoes", "information")

    def undo(self) -> None:
        if not self.undo_stack:
            self.say("Nothing to undo.", "warning")
            return
        done, undo, shown_again = self.undo_stack.pop()

        def undone(_: None) -> None:
            self.say(f"Undone: {done}", "information")
            if shown_again is not None:
                shown_again()
            self.reread()

        def failed(reason: str) -> None:
            self.say(f"Could not undo: {reason}", "error")

        if self.read_only:
            self.say("Could not undo: the store is read-only.", "error")
            return
        self.thread.write(undo, undone, failed)

    # Loads and exports -------------------------------------------------------------------------

    def load(self, paths: Sequence[Path]) -> None:
        """Load page copies (or folders, snapshots) on a thread of its own connection, saying how
        each path went in one line; the view is read again as the load commits."""

        def run() -> None:
            from papershelf.loaders.sources.load import load_paths

            try:
                with Store(self.store_path) as store:
                    for outcome in load_paths(store, paths):
                        line, severity = outcome.line(), "error" if outcome.failed else "information"
                        self.deliver(functools.partial(self.say, line, severity))
            except Exception as error:  # any: one line, never a traceback
                reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                self.deliver(lambda: self.say(f"Could not load: {reason}", "error"))
            self.deliver(lambda: self.reread())

        self._start_thread(run, "papershelf-load")

    def export_shown(self, target: Path, format: str, then: Callable[[Path], None] | None = None) -> None:
        """Write the papers shown (the view as sorted and filtered), or the tagged ones when some
        are, to `target` in `format`; `then` is given the file written."""
        from papershelf.loaders.export.view import View, export_view_to

        shelf = self.shelf
        if self.tags:
            title, ids = "Tagged papers", self.tags.ordered()
        else:
            title, ids = {"all": "All papers"}.get(shelf.view) or shelf.view_name, [int(i) for i in shelf.ids]
        view = View.shown(ids, title)

        def written(count: int) -> None:
            sent = ", and sent to the browser" if then is not None else ""
            self.say(
                f"Exported {plural(count, 'paper')} of “{title}” to {target} ({format}){sent}", "information"
            )
            if then is not None:
                then(target)

        def failed(reason: str) -> None:
            self.say(f"Could not export to {target}: {reason}", "error")

        self.thread.read(lambda store: export_view_to(store, view, format, target), written, failed)

    # The built-in sample ------------------------------------------------------------------------

    def plan_sample_removal(self, then: Callable[[Removal], None]) -> None:
        """What removing the built-in sample would do, for the question asked first."""
        self.thread.read(_sample_removal, then, self._read_failed)

    def remove_sample(self) -> None:
        """Take the built-in sample out; the papers the user starred, listed or noted stay."""

        def write(store: Store) -> int:
            from papershelf.loaders.store.removal import remove

            removal = _sample_removal(store)
            remove(store, removal)
            return len(removal.paper_ids)

        def done(count: int) -> None:
            self.say(f"Removed the built-in sample: {plural(count, 'paper')}.", "information")
            self.reread(keep_paper=self.paper_id, otherwise=0)

        self._write(write, done, None, "removing the sample")

    def _start_thread(self, run: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=run, name=name, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def settled(self) -> bool:
        """Whether nothing asked is still under way: the store's thread is idle and no load,
        index build or search runs (for tests, and for a clean quit)."""
        return (
            self.thread.idle() and self.query_answers.idle() and not any(t.is_alive() for t in self._threads)
        )

    # Settings ------------------------------------------------------------------------------------

    def remember(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self.settings, name, value)
        if self.settings_file:
            self.settings.save(self.settings_file)

    def close(self) -> int:
        """Stop the store's thread once the writes asked for are made; how many could not be."""
        self.remember(paper_id=self.paper_id)
        self.discovery.stop()
        self.query_answers.stop()
        self.thread.stop()
        return self.thread.unsaved_writes


def _sample_removal(store: Store) -> Removal:
    from papershelf.loaders.store.removal import plan_sources, sample_sources

    return plan_sources(store, [source_id for source_id, _ in sample_sources(store)])


def _writable(store: Store) -> bool:
    return os.access(store.path, os.W_OK) and not store.conn.execute("PRAGMA query_only").fetchone()[0]


def _with_star(paper: Paper, starred: bool) -> Paper:
    names = [name for name in paper.lists if name != lists.STARRED]
    return dataclasses.replace(
        paper,
        starred_at=(paper.starred_at or now()) if starred else None,
        lists=[lists.STARRED, *names] if starred else names,
    )


def _with_read(paper: Paper, read: bool) -> Paper:
    return dataclasses.replace(paper, read_at=(paper.read_at or now()) if read else None)


def _unread(paper_ids: list[int], store: Store) -> None:
    userdata.mark_unread(store, paper_ids)


def _restore_note(store: Store, paper_id: int, note: str) -> None:
    if userdata.get_note(store, paper_id):
        raise lists.UserDataError("the paper has a newer note; it is kept")
    userdata.set_note(store, paper_id, note)


@functools.cache
def freeze_long_lived() -> None:
    """Leave what is allocated by now (imports, the index), which lives as long as the process,
    out of the collector's full passes: once per process, or each call would add its garbage."""
    import gc

    gc.freeze()
