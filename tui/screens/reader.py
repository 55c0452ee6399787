"""The reader screen: view tabs, the filter, the paper list and the abstract detail."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.timer import Timer

from papershelf.loaders.models import Paper
from papershelf.loaders.sanitize import terminal
from papershelf.tui.clipboard import browser_available, copy_text, over_ssh
from papershelf.tui.messages import StateChanged
from papershelf.tui.screens.tagging import TaggingScreen
from papershelf.tui.state.discovery import progress_label
from papershelf.tui.state.owner import ReaderState
from papershelf.tui.widgets.filter_input import FilterInput
from papershelf.tui.widgets.key_bar import KeyBar
from papershelf.tui.widgets.paper_detail import PaperDetail
from papershelf.tui.widgets.paper_list import PaperList
from papershelf.tui.widgets.top_bar import TopBar, ViewTab

STACKED_BELOW_COLUMNS = 100
OUTSIDE_CHANGES_EVERY = 1.0
PREPARE_AFTER = 0.05
RANKED_ORDER = {"foryou": "best fit first", "similar": "most similar first"}


class ReaderScreen(TaggingScreen):
    """Skim, filter, star, copy and open; actions here apply to the paper under the list's cursor,
    or to the tagged papers while there are some."""

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "toggle_star", "Star"),
        Binding("y", "copy_link", "Copy link"),
        Binding("Y", "copy_markdown", "Copy as Markdown", show=False),
        Binding("c", "copy_citekey", "Copy citation key", show=False),
        Binding("o", "open_link", "Open"),
        Binding("O", "open_numbered", "Open link 1–9…", show=False),
        Binding("space", "page_detail(1)", "Page the detail, then the next paper", show=False),
        Binding("b", "page_detail(-1)", "Page the detail back", show=False),
        Binding("a", "show_view('all')", "All", show=False),
        Binding("r", "show_view('starred')", "Starred", show=False),
        Binding("equals_sign", "similar", "Similar papers", show=False),
        Binding("f", "show_view('foryou')", "For you", show=False),
        Binding("x", "not_for_me", "Not for me", show=False),
        Binding("escape", "back", "Back (from similar, For you), else untag", show=False),
        Binding("minus", "reverse_sort", "Reverse the order", show=False),
        Binding("left_square_bracket", "step_day(-1)", "Previous day (sorted by listing day)", show=False),
        Binding("right_square_bracket", "step_day(1)", "Next day (sorted by listing day)", show=False),
        *(
            Binding(str(number), f"copy_numbered({number})", f"Copy link {number}", show=False)
            for number in range(1, 10)
        ),
    ]

    def __init__(self, state: ReaderState):
        super().__init__()
        self.state = state
        self._prepare_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="top-bar")
        yield FilterInput(id="filter")
        with Container(id="papers-pane"):  # draws the border: the list draws its lines only
            yield PaperList(self.state, id="papers")
        yield PaperDetail(id="detail")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        # Watches, not messages: the detail and the list change in the same screen update as the
        # list's cursor or the filter's text.
        self.watch(self.paper_list, "highlighted", self.show_paper, init=False)
        self.watch(self.filter_input, "value", self.state.filter, init=False)
        self.paper_list.focus()
        self.query_one(PaperDetail).reason_of = self.state.reason
        self.update_counts()
        self.state.start()
        self.set_interval(OUTSIDE_CHANGES_EVERY, self.state.check_outside_changes)
        # After the first screen: reading the index (and importing numpy for it) would delay it.
        self.call_after_refresh(self.state.load_index)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def top_bar(self) -> TopBar:
        return self.query_one(TopBar)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    def on_resize(self) -> None:
        self.set_class(self.size.width < STACKED_BELOW_COLUMNS, "-stacked")

    # Redrawing what the state says changed ------------------------------------------------------

    def on_state_changed(self, message: StateChanged) -> None:
        change = message.change
        shown = self.paper_list.highlighted
        if change.view:
            self.paper_list.view_changed(change.position)
        elif change.rows != frozenset():
            self.paper_list.rows_changed(change.rows)
        if change.view or change.counts or change.status:
            self.update_counts()
        # Else the list's watch has just shown the paper now under the cursor.
        if change.paper and self.paper_list.highlighted == shown:
            self.show_paper()
        self.paper_list.release_held_keys()

    # The list and the detail ----------------------------------------------------------------------

    def show_paper(self) -> None:
        cursor = self.paper_list.cursor
        self.state.cursor_moved(self.paper_list.highlighted)
        paper = self.state.paper_at(cursor)
        self.detail.sample = self.state.sample.alone
        self.detail.show(paper)
        self.paper_shown(paper)
        # A timer rather than `call_after_refresh`, which would let the screen update before the
        # other widgets this move changed; and none while the cursor keeps moving.
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
        self._prepare_timer = self.set_timer(PREPARE_AFTER, self.prepare_neighbours)

    def prepare_neighbours(self) -> None:
        """Once the paper is on screen, read and wrap the papers above and below it: the next move
        shows one of them without waiting for either."""
        cursor = self.paper_list.cursor
        self.state.prepare_around(cursor)
        for position in (cursor + 1, cursor - 1):
            if paper := self.state.paper_at(position):
                self.query_one(PaperDetail).prepare(paper)

    def update_counts(self) -> None:
        """Show the views with their counts, the view shown (the list's tab only in a list view),
        how many of its papers the filter shows, and whether changes wait to be saved."""
        state, shelf = self.state, self.state.shelf
        tabs = [
            ViewTab("all", "All", shelf.paper_count),
            ViewTab("starred", "Starred", shelf.starred_count),
            ViewTab("foryou", "For you", state.discovery.for_you_count),
        ]
        if shelf.view in ("list", "similar"):
            tabs.append(ViewTab(shelf.view, shelf.view_name, shelf.list_count))
        count = f"{len(shelf):,} / {shelf.total:,}" if state.started else "reading…"
        if shelf.unread_only:
            count = "unread " + count
        if tagged := len(state.tags):
            hidden = tagged - state.tags.shown_count()
            count = f"{tagged:,} tagged{f' ({hidden:,} not shown)' if hidden else ''}  ·  " + count
        if self.filter_input.value.strip() and shelf.index is None:
            count = "indexing… " + count
        if state.waiting_writes:
            count = f"{state.waiting_writes:,} unsaved (store busy)  ·  " + count
        if preparing := progress_label(state.discovery.progress):
            count = f"{preparing}  ·  " + count
        if state.read_only:
            count = "read-only  ·  " + count
        order = RANKED_ORDER.get(shelf.view) or state.sort_label
        self.top_bar.show(tabs, shelf.view, f"{count}  ·  {order}")

    # Views and sorting ----------------------------------------------------------------------------

    @on(TopBar.TabClicked)
    def switch_view(self, event: TopBar.TabClicked) -> None:
        self.state.show_view(event.view, self.state.shelf.list_name)

    def action_reverse_sort(self) -> None:
        self.state.reverse_sort()

    def action_step_day(self, step: int) -> None:
        """`[` / `]`: the first paper of the previous / next listing day, in the day sort."""
        if not self.paper_list.step_day(step):
            self.notify(
                "[ and ] move by listing day when the list is sorted by it: Ctrl+P “Sort by listing"
                " day”, or “Go to day…”.",
                markup=False,
            )

    def action_go_to_day(self) -> None:
        """Choose a listing day of the papers shown, and go to its first paper (sorted by day)."""
        from papershelf.tui.screens.day_chooser import DayChooser
        from papershelf.tui.state.days import DayGroups

        def choose(days: DayGroups) -> None:
            if not len(days):
                self.notify("No paper shown.", severity="warning", markup=False)
                return

            def chosen(answer: tuple[str | None] | None) -> None:
                if answer is not None:
                    self.state.go_to_day(answer[0])
                    self.paper_list.focus()

            self.app.push_screen(DayChooser(days), chosen)

        self.state.days_shown(choose)

    def action_show_view(self, view: str) -> None:
        self.state.show_view(view)

    def show_list(self, name: str) -> None:
        self.state.show_list(name)

    # Discovery ------------------------------------------------------------------------------------

    def action_similar(self) -> None:
        """Show the papers most like the one under the cursor."""
        self.with_paper(lambda paper: self.state.discovery.similar(paper.stored_id, paper.title))

    def action_not_for_me(self) -> None:
        """Mark the paper "not for me": For you learns from it, and leaves it out."""
        self.with_paper(lambda paper: self.state.discovery.not_for_me(paper.stored_id, paper.title))

    def action_back(self) -> None:
        """Back from a similar or For-you view to where the reader was; elsewhere, untag."""
        if not self.state.discovery.back():
            self.state.tags.clear()

    # The filter -----------------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        # At once, not on the next tick as `focus()` does: keys typed right after `/` are the query.
        self.set_focus(self.filter_input)

    def fetch_progress(self, done: int | None, total: int = 0) -> None:
        """Show a fetch's progress in the bar (`done` of `total` days); None hides it."""
        self.top_bar.show_progress(done, total)

    # Actions on the current paper ----------------------------------------------------------------

    @property
    def cursor(self) -> int:
        return self.paper_list.cursor

    def action_toggle_star(self) -> None:
        if self.state.tags:
            self.star_tagged()
            return
        paper_id = self.state.id_at(self.cursor)
        if paper_id is None:
            self.notify("No paper selected.", severity="warning", markup=False)
        else:
            self.state.toggle_star(paper_id)

    def action_copy_link(self) -> None:
        if self.state.tags:
            self.copy_tagged(lambda paper: paper.link, "link")
            return
        self.with_paper(lambda paper: self.copy(paper.link))

    def action_copy_markdown(self) -> None:
        from papershelf.loaders.export.formats import markdown_escape

        def markdown(paper: Paper) -> str:
            return f"[{markdown_escape(paper.title)}]({paper.link})"

        if self.state.tags:
            self.copy_tagged(lambda paper: f"- {markdown(paper)}", "Markdown link")
            return
        self.with_paper(lambda paper: self.copy(markdown(paper)))

    def action_copy_citekey(self) -> None:
        """Copy the key every export cites the paper by (`\\cite{…}`, `[@…]`)."""
        if self.state.tags:
            self.copy_tagged(lambda paper: paper.citekey, "citation key")
            return

        def copy_citekey(paper: Paper) -> None:
            if paper.citekey:
                self.copy(paper.citekey)

        self.with_paper(copy_citekey)

    def action_copy_numbered(self, number: int) -> None:
        def copy_link(paper: Paper) -> None:
            links = paper.links()
            if number > len(links):
                self.notify(f"This paper has no link {number}.", severity="warning", markup=False)
            elif self.detail.link_on_screen(number):
                self.copy(links[number - 1])
            else:  # the user cannot see which link has this number: say it
                self.copy(links[number - 1], f"Copied link {number} of {len(links)}")

        self.with_paper(copy_link)

    def action_open_link(self) -> None:
        self.with_paper(lambda paper: self.open(paper.link))

    def action_open_numbered(self) -> None:
        """Ask which numbered link to open: `O`, then `1`–`9`."""
        from papershelf.tui.screens.link_chooser import LinkChooser

        def choose(paper: Paper) -> None:
            links = paper.links()

            def chosen(number: int | None) -> None:
                if number:
                    self.open(links[number - 1])

            self.app.push_screen(LinkChooser(paper.title, links), chosen)

        self.with_paper(choose)

    def open(self, link: str) -> None:
        """Open `link` in a browser (served: the user's, in a new tab); where none can be opened,
        copy it and say why."""
        if self.app.is_web:
            self.app.open_url(link)
            self.notify(terminal(f"Opening {link} in a new tab"), markup=False)
        elif over_ssh():
            self.copy(link, "Over SSH no browser is opened; copied instead")
        elif not browser_available():
            self.copy(link, "No browser found (no DISPLAY or BROWSER); copied instead")
        else:
            self.app.open_url(link)
            self.notify(terminal(f"Opening {link}"), markup=False)

    def copy(self, text: str, saying: str = "Copied") -> None:
        copy_text(self.app, text)
        self.notify(terminal(f"{saying}: {text}"), markup=False)

    def ask_remove_sample(self) -> None:
        """Say what removing the built-in sample does, and remove it if the user says yes."""
        from papershelf.loaders.store.removal import Removal
        from papershelf.loaders.text import plural
        from papershelf.tui.screens.prompt import Confirm

        def ask(removal: Removal) -> None:
            if not removal.source_ids:
                self.notify("The built-in sample is not in the store.", markup=False)
                return
            question = f"Remove the built-in sample: {plural(len(removal.paper_ids), 'paper')}?"
            if owned := len(removal.kept_owned):
                question += f" {plural(owned, 'paper')} you starred, listed or noted stay."
            if elsewhere := len(removal.kept_elsewhere):
                question += f" {plural(elsewhere, 'paper')} also loaded from elsewhere stay."

            def answered(yes: bool | None) -> None:
                if yes:
                    self.state.remove_sample()

            self.app.push_screen(Confirm(question), answered)

        self.state.plan_sample_removal(ask)

    # Reading from the list ------------------------------------------------------------------------

    def action_page_detail(self, pages: int) -> None:
        """Page the detail (`Space` on, `b` back) wherever the focus is; paging on past the end of
        the paper moves to the next paper, as newsboat does."""
        detail = self.detail
        if pages < 0 or not detail.at_end:
            detail.page(pages)
        elif self.paper_list.cursor + 1 < len(self.state):
            self.paper_list.action_cursor_down()
        else:
            self.notify("This is the last paper.", markup=False)
