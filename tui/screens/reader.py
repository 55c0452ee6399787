"""The reader screen: view tabs, the filter, the paper list and the abstract detail."""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.timer import Timer
from textual.worker import get_current_worker

from papershelf.loaders import userdata
from papershelf.loaders.models import Paper
from papershelf.loaders.store.browse import SORT_LABELS, Browser
from papershelf.loaders.store.database import Store
from papershelf.loaders.text import clean_text
from papershelf.loaders.userdata import lists
from papershelf.tui.clipboard import copy_text, over_ssh
from papershelf.tui.screens.keeping import KeepingScreen
from papershelf.tui.shelf import Filtered, Shelf
from papershelf.tui.widgets.filter_input import FilterInput
from papershelf.tui.widgets.key_bar import KeyBar
from papershelf.tui.widgets.paper_detail import PaperDetail
from papershelf.tui.widgets.paper_list import PaperList
from papershelf.tui.widgets.top_bar import TopBar, ViewTab

if TYPE_CHECKING:
    from papershelf.loaders.search.paper_index import PaperIndex

STACKED_BELOW_COLUMNS = 100
OUTSIDE_CHANGES_EVERY = 1.0
PREPARE_AFTER = 0.05
SEARCH_BUDGET = 0.005  # seconds of a search on the UI thread before a worker takes on its other terms


class ReaderScreen(KeepingScreen):
    """Skim, filter, star, copy and open; actions here apply to the paper under the list's cursor."""

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "toggle_star", "Star"),
        Binding("y", "copy_link", "Copy link"),
        Binding("Y", "copy_markdown", "Copy as Markdown", show=False),
        Binding("c", "copy_citekey", "Copy citation key", show=False),
        Binding("o", "open_link", "Open"),
        Binding("a", "show_view('all')", "All", show=False),
        Binding("r", "show_view('starred')", "Starred", show=False),
        *(
            Binding(str(number), f"copy_numbered({number})", f"Copy link {number}", show=False)
            for number in range(1, 10)
        ),
    ]

    def __init__(self, store: Store, shelf: Shelf, selected: int | None = None):
        super().__init__()
        self.store = store
        self.shelf = shelf
        self._selected_at_start = selected
        self._data_version = store.data_version()
        self._prepare_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="top-bar")
        yield FilterInput(id="filter")
        with Container(id="papers-pane"):  # draws the border: the list draws its lines only
            yield PaperList(self.shelf, id="papers")
        yield PaperDetail(id="detail")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        # Watches, not messages: the detail and the list change in the same screen update as the
        # list's cursor or the filter's text.
        self.watch(self.paper_list, "highlighted", self.show_paper, init=False)
        self.watch(self.filter_input, "value", self.run_filter, init=False)
        self.refresh_shelf(keep_paper=self._selected_at_start, papers_changed=True)
        self.paper_list.focus()
        self.set_interval(OUTSIDE_CHANGES_EVERY, self.notice_outside_changes)
        # After the first screen: reading the index (and importing numpy for it) would delay it.
        self.call_after_refresh(self.load_index)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def top_bar(self) -> TopBar:
        return self.query_one(TopBar)

    def on_resize(self) -> None:
        self.set_class(self.size.width < STACKED_BELOW_COLUMNS, "-stacked")

    # The list and the detail ----------------------------------------------------------------------

    def show_paper(self) -> None:
        paper = self.shelf.paper(self.paper_list.cursor)
        self.query_one(PaperDetail).show(paper)
        self.paper_shown(paper)
        # A timer rather than `call_after_refresh`, which would let the screen update before the
        # other widgets this move changed; and none while the cursor keeps moving.
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
        self._prepare_timer = self.set_timer(PREPARE_AFTER, self.prepare_neighbours)

    def prepare_neighbours(self) -> None:
        """Once the paper is on screen, wrap the papers above and below it: the next move shows
        one of them without wrapping it first."""
        cursor = self.paper_list.cursor
        for position in (cursor + 1, cursor - 1):
            if paper := self.shelf.paper(position):
                self.query_one(PaperDetail).prepare(paper)

    def refresh_shelf(
        self, keep_paper: int | None = None, otherwise: int | None = None, papers_changed: bool = False
    ) -> None:
        """Redraw after the shelf changed: the cursor stays on `keep_paper` if shown, else goes to
        `otherwise` (default: stays in place). `papers_changed`: their data changed too (a star,
        a note, a load), so the paper under the cursor is shown again even if it is the same."""
        shown = self.paper_list.highlighted
        self.paper_list.shelf_changed(keep_paper, otherwise)
        self.update_counts()
        # Else the list's watch has just shown the new one.
        if papers_changed and self.paper_list.highlighted == shown:
            self.show_paper()

    def update_counts(self) -> None:
        """Show the views with their counts, the view shown (the list's tab only in a list view),
        and how many of its papers the filter shows."""
        shelf = self.shelf
        tabs = [ViewTab("all", "All", shelf.paper_count), ViewTab("starred", "Starred", shelf.starred_count)]
        if shelf.view == "list":
            tabs.append(ViewTab("list", shelf.list_name or "", shelf.list_count))
        count = f"{len(shelf):,} / {shelf.total:,}"
        if shelf.unread_only:
            count = "unread " + count
        if self.filter_input.value.strip() and shelf.index is None:
            count = "indexing… " + count
        self.top_bar.show(tabs, shelf.view, f"{count}  ·  {SORT_LABELS[shelf.sort]}")

    # Views and sorting ----------------------------------------------------------------------------

    @on(TopBar.TabClicked)
    def switch_view(self, event: TopBar.TabClicked) -> None:
        self.show_view(event.view, self.shelf.list_name)

    def action_show_view(self, view: str) -> None:
        self.show_view(view)

    def show_list(self, name: str) -> None:
        self.show_view("starred" if name == lists.STARRED else "list", name)

    def show_view(self, view: str, list_name: str | None = None) -> None:
        """Show all papers, the starred ones, or the list called `list_name`."""
        shelf = self.shelf
        list_name = list_name if view == "list" else None
        if (view, list_name) != (shelf.view, shelf.list_name if shelf.view == "list" else None):
            shelf.view, shelf.list_name = view, list_name
            shelf.read_while_shown.clear()
            shelf.reload()
            self.refresh_shelf(otherwise=0)
            self.run_filter(self.filter_input.value)
            self.app.remember(view=shelf.view, list_name=shelf.list_name)

    def sort_by(self, sort: str) -> None:
        selected = self.paper_list.paper_id
        self.shelf.sort = sort
        self.shelf.reload()
        self.refresh_shelf(keep_paper=selected)
        self.run_filter(self.filter_input.value)
        self.app.remember(sort=sort)

    def jump_to(self, paper_id: int) -> None:
        """Put the cursor on a paper, leaving the filter and the starred view if it is not shown."""
        if self.shelf.position_of(paper_id) is None:
            self.shelf.view = "all"
            self.shelf.query = ""
            self.shelf.unread_only = False
            self.shelf.reload()
            self.app.remember(view="all", unread_only=False)
            self.filter_input.value = ""
        self.refresh_shelf(keep_paper=paper_id)
        self.paper_list.focus()

    # The filter -----------------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        # At once, not on the next tick as `focus()` does: keys typed right after `/` are the query.
        self.set_focus(self.filter_input)

    def run_filter(self, query: str) -> None:
        # On the UI thread, so that the list is redrawn in the same screen update as the keystroke:
        # with the index read, a keystroke's search takes a few milliseconds (the terms already typed
        # are cached), and a worker thread would only compete with the redraw for the GIL. A search
        # still unfinished after SEARCH_BUDGET (a long query of typos) finishes in a worker instead,
        # so that keys keep coming; a later keystroke makes its result stale. Callers run it last.
        self.workers.cancel_group(self, "filter")
        deadline = time.perf_counter() + SEARCH_BUDGET
        result = self.shelf.filtered(query, proceed=lambda: time.perf_counter() < deadline)
        if result is None:
            self.filter_in_background(query)
        else:
            self.show_filtered(result)

    @work(thread=True, exclusive=True, group="filter")
    def filter_in_background(self, query: str) -> None:
        """Finish a slow search, the terms already scored being cached; dropped once stale."""
        worker = get_current_worker()
        result = self.shelf.filtered(query, proceed=lambda: not worker.is_cancelled)
        if result is not None and not worker.is_cancelled:
            self.app.call_from_thread(self.show_filtered, result)

    def show_filtered(self, result: Filtered) -> None:
        if result.query != self.filter_input.value:
            return
        selected = self.paper_list.paper_id
        if not self.shelf.apply(result):
            return
        if result.query.strip():
            self.refresh_shelf(otherwise=0)  # a new ranking starts at its top
        else:
            self.refresh_shelf(keep_paper=selected)

    # The fuzzy index, built or read from the cache without holding up the screen ------------------

    @work(thread=True, exclusive=True, group="index")
    def load_index(self) -> None:
        from papershelf.loaders.search.paper_index import PaperIndex, cache_path, load_cached, save_cached

        with Store(self.store.path) as store:
            browser = Browser(store)
            path = cache_path(self.store.path)
            index = load_cached(path, browser.signature())
            if index is None:
                index = PaperIndex.build(browser)
                save_cached(path, index)
        self.app.call_from_thread(self.index_ready, index)
        index.fuzzy.warm()

    def index_ready(self, index: PaperIndex) -> None:
        self.shelf.index = index
        # What is allocated by now lives as long as the app: leave it out of the collector's full
        # passes, each of which would otherwise walk it all (a 30 ms stutter at some keystroke).
        gc.freeze()
        self.update_counts()
        if self.filter_input.value.strip():
            self.run_filter(self.filter_input.value)

    # Changes made by others: `papershelf star`, a load, a second copy of the app ----------------

    def notice_outside_changes(self) -> None:
        version = self.store.data_version()
        if version == self._data_version:
            return
        self._data_version = version
        self.reread(self.paper_list.paper_id)
        index = self.shelf.index
        if index is not None and index.signature != self.shelf.browser.signature():
            self.load_index()

    def fetch_progress(self, done: int | None, total: int = 0) -> None:
        """Show a fetch's progress in the bar (`done` of `total` days); None hides it."""
        self.top_bar.show_progress(done, total)

    def reread(self, keep_paper: int | None) -> None:
        """Read the view again from the store, the cursor staying on `keep_paper` when it is shown."""
        self.shelf.reload()
        if (self.shelf.view, self.shelf.list_name) != (self.app.settings.view, self.app.settings.list_name):
            self.app.remember(view=self.shelf.view, list_name=self.shelf.list_name)  # a list gone
        self.refresh_shelf(keep_paper=keep_paper, papers_changed=True)
        if self.filter_input.value.strip():
            self.run_filter(self.filter_input.value)

    def user_data_changed(self, paper_id: int | None, view_changed: bool) -> None:
        if view_changed:
            self.reread(paper_id if paper_id is not None else self.paper_list.paper_id)
        else:
            self.shelf.notes = userdata.notes_by_paper(self.store)
            self.shelf.forget_rows([paper_id] if paper_id is not None else None)
            self.refresh_shelf(keep_paper=self.paper_list.paper_id, papers_changed=True)

    # Actions on the current paper ----------------------------------------------------------------

    def current_paper(self) -> Paper | None:
        paper = self.shelf.paper(self.paper_list.cursor)
        if paper is None:
            self.notify("No paper selected.", severity="warning", markup=False)
        return paper

    def action_toggle_star(self) -> None:
        paper = self.current_paper()
        if paper is None:
            return
        if paper.starred:
            unstarred = lists.remove_from_list(self.store, lists.STARRED, [paper.id])
            self.remember_undo(
                f"Unstarred “{clean_text(paper.title)}”",
                lambda: lists.restore_to_list(self.store, lists.STARRED, unstarred),
            )
        else:
            self.store.set_starred([paper.id], True)
        self.shelf.forget_rows([paper.id])
        if self.shelf.view == "starred":
            self.reread(None)
        else:
            # The shown ids are the same: redraw the paper's line, the counts and the detail only.
            self.shelf.starred_count += -1 if paper.starred else 1
            self.paper_list.refresh_line(self.paper_list.cursor)
            self.update_counts()
            self.show_paper()

    def action_copy_link(self) -> None:
        if paper := self.current_paper():
            self.copy(paper.link)

    def action_copy_markdown(self) -> None:
        from papershelf.loaders.export.formats import markdown_escape

        if paper := self.current_paper():
            self.copy(f"[{markdown_escape(paper.title)}]({paper.link})")

    def action_copy_citekey(self) -> None:
        """Copy the key every export cites the paper by (`\\cite{…}`, `[@…]`)."""
        if (paper := self.current_paper()) and paper.citekey:
            self.copy(paper.citekey)

    def action_copy_numbered(self, number: int) -> None:
        if paper := self.current_paper():
            links = paper.links()
            if number > len(links):
                self.notify(f"This paper has no link {number}.", severity="warning", markup=False)
            else:
                self.copy(links[number - 1])

    def action_open_link(self) -> None:
        paper = self.current_paper()
        if paper is None:
            return
        if over_ssh():
            copy_text(self.app, paper.link)
            self.notify(f"Over SSH no browser is opened; copied instead: {paper.link}", markup=False)
        else:
            self.app.open_url(paper.link)
            self.notify(f"Opening {paper.link}", markup=False)

    def copy(self, text: str) -> None:
        copy_text(self.app, text)
        self.notify(f"Copied: {text}", markup=False)
