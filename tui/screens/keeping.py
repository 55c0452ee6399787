"""What the reader keeps for the user: lists, notes, read state, and undoing their removals.

The reader screen builds on this one; the actions apply to the paper under the list's cursor
(`with_paper`), and each is a request to the state owner, which shows and saves it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from papershelf.loaders.models import Paper
from papershelf.tui.state.owner import ReaderState
from papershelf.tui.widgets.paper_detail import PaperDetail
from papershelf.tui.widgets.paper_list import PaperList

READ_AFTER = 2.0  # seconds a paper stays in the detail pane before it counts as read


class KeepingScreen(Screen):
    """Bindings and actions for lists (`l`, `L`, `J`/`K`), notes (`e`), read state (`m`, `n`/`N`,
    `A`, `U`), undo (`u`)."""

    BINDINGS = [
        Binding("l", "pick_list", "Lists…", show=False),
        Binding("L", "show_lists", "All lists", show=False),
        Binding("e", "edit_note", "Note", show=False),
        Binding("m", "toggle_read", "Read/unread", show=False),
        Binding("n", "step_to_unread(1)", "Next unread", show=False),
        Binding("N", "step_to_unread(-1)", "Previous unread", show=False),
        Binding("A", "mark_shown_read", "Mark all shown read", show=False),
        Binding("U", "toggle_unread_only", "Unread only", show=False),
        Binding("u", "undo", "Undo", show=False),
        Binding("J", "move_in_list(1)", "Move down in the list", show=False),
        Binding("K", "move_in_list(-1)", "Move up in the list", show=False),
    ]

    state: ReaderState

    def __init__(self) -> None:
        super().__init__()
        self._read_timer: Timer | None = None
        self._shown_paper: int | None = None
        self._unread_shown: Paper | None = None  # shown and not yet counted as read

    # What the reader provides -------------------------------------------------------------------

    @property
    def cursor(self) -> int:
        """The position of the paper the actions apply to."""
        raise NotImplementedError

    def with_paper(self, action: Callable[[Paper], None]) -> None:
        """Run `action` on the paper under the cursor, now or as soon as it is read."""
        if not self.state.with_paper(self.cursor, action):
            self.notify("No paper selected.", severity="warning", markup=False)

    # Lists ----------------------------------------------------------------------------------------

    # The dialogs are imported when first opened: the first screen does not wait for them.

    def action_pick_list(self) -> None:
        from papershelf.tui.screens.list_picker import ListPicker

        def pick(paper: Paper) -> None:
            picker = ListPicker(paper.title, self.state.list_counts, paper.lists)

            def picked(name: str | None) -> None:
                if name:
                    self.state.put_in_list(paper, name)

            self.app.push_screen(picker, picked)

        self.with_paper(pick)

    def action_show_lists(self) -> None:
        from papershelf.tui.screens.lists_screen import ListsScreen

        shelf = self.state.shelf
        shown = shelf.view_name if shelf.view != "all" else None
        self.app.push_screen(ListsScreen(self.state, shown), self.lists_closed)

    def lists_closed(self, name: str | None) -> None:
        if name:
            self.state.show_list(name)

    def action_move_in_list(self, step: int) -> None:
        self.with_paper(lambda paper: self.state.move_in_list(paper, step))

    # Notes ----------------------------------------------------------------------------------------

    def action_edit_note(self) -> None:
        from papershelf.tui.screens.note_editor import NoteEditor

        def edit(paper: Paper) -> None:
            editor = NoteEditor(paper.title, paper.note or "")

            def written(text: str | None) -> None:
                if text is not None:
                    self.state.save_note(paper, text)

            self.app.push_screen(editor, written)

        self.with_paper(edit)

    # Read state -----------------------------------------------------------------------------------

    def paper_shown(self, paper: Paper | None) -> None:
        """The detail pane shows `paper`: it counts as read when it stays there for a moment
        while the user is reading."""
        paper_id = paper.id if paper else None
        if paper_id == self._shown_paper:
            return  # redrawn, not newly shown: `m` may just have marked it unread
        self._shown_paper = paper_id
        self._stop_read_timer()
        self._unread_shown = paper if paper is not None and not paper.read else None
        self._time_reading()

    @property
    def reading(self) -> bool:
        """Whether the user reads the paper shown: the list or the detail has the focus, not the
        filter, where the papers shown change under the user's typing."""
        return isinstance(self.focused, PaperList | PaperDetail)

    def on_descendant_focus(self) -> None:
        self._time_reading()

    def on_descendant_blur(self) -> None:
        self._time_reading()

    def _time_reading(self) -> None:
        """Count the moment on the unread paper shown while the user reads; stop counting when
        the focus leaves for the filter, and count afresh when it comes back."""
        if self._unread_shown is None or not self.reading:
            self._stop_read_timer()
        elif self._read_timer is None:
            self._read_timer = self.set_timer(READ_AFTER, self._read_for_a_moment)

    def _read_for_a_moment(self) -> None:
        self._read_timer = None
        if (paper := self._unread_shown) is not None:
            self._unread_shown = None
            self.state.set_read(paper.stored_id, True)

    def _stop_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    def action_toggle_read(self) -> None:
        self.stop_reading_timer()
        self.with_paper(lambda paper: self.state.set_read(paper.stored_id, not paper.read))

    def stop_reading_timer(self) -> None:
        """The user marks papers read or unread: no timer overrules them."""
        self._unread_shown = None
        self._stop_read_timer()

    def action_step_to_unread(self, step: int) -> None:
        self.state.step_to_unread(step)

    def action_mark_shown_read(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
        self.state.mark_shown_read()

    def action_toggle_unread_only(self) -> None:
        self.state.toggle_unread_only()

    # Undo -----------------------------------------------------------------------------------------

    def action_undo(self) -> None:
        self.state.undo()
