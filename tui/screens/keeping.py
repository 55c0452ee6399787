"""What the reader keeps for the user: lists, notes, read state, and undoing their removals.

The reader screen builds on this one; the actions apply to the paper under the list's cursor
(`current_paper()`), and every change is committed by `userdata.lists` / `userdata` at once.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from papershelf.loaders import userdata
from papershelf.loaders.models import Paper
from papershelf.loaders.store.database import Store
from papershelf.loaders.text import clean_text
from papershelf.loaders.userdata import lists
from papershelf.tui.shelf import Shelf

READ_AFTER = 2.0  # seconds a paper stays in the detail pane before it counts as read
UNDO_DEPTH = 50


class KeepingScreen(Screen):
    """Bindings and actions for lists (`l`, `L`, `J`/`K`), notes (`n`), read state (`m`, `U`), undo (`u`)."""

    BINDINGS = [
        Binding("l", "pick_list", "Lists…", show=False),
        Binding("L", "show_lists", "All lists", show=False),
        Binding("n", "edit_note", "Note", show=False),
        Binding("m", "toggle_read", "Read/unread", show=False),
        Binding("U", "toggle_unread_only", "Unread only", show=False),
        Binding("u", "undo", "Undo", show=False),
        Binding("J", "move_in_list(1)", "Move down in the list", show=False),
        Binding("K", "move_in_list(-1)", "Move up in the list", show=False),
    ]

    store: Store
    shelf: Shelf

    def __init__(self) -> None:
        super().__init__()
        self.undo_stack: list[tuple[str, Callable[[], None]]] = []
        self._read_timer: Timer | None = None
        self._shown_paper: int | None = None

    # What the reader provides -------------------------------------------------------------------

    def current_paper(self) -> Paper | None:
        raise NotImplementedError

    def user_data_changed(self, paper_id: int | None, view_changed: bool) -> None:
        """Redraw after a change; `view_changed` when the shown view may have lost or gained papers."""
        raise NotImplementedError

    def show_list(self, name: str) -> None:
        raise NotImplementedError

    # Lists ----------------------------------------------------------------------------------------

    # The dialogs are imported when first opened: the first screen does not wait for them.

    def action_pick_list(self) -> None:
        from papershelf.tui.screens.list_picker import ListPicker

        paper = self.current_paper()
        if paper is not None:
            picker = ListPicker(paper.title, lists.list_names_with_counts(self.store), paper.lists)
            self.app.push_screen(picker, lambda name: name and self.put_in_list(paper, name))

    def put_in_list(self, paper: Paper, name: str) -> None:
        """Take the paper out of `name` when it is in it, else add it (creating the list if need be)."""
        title = clean_text(paper.title)
        try:
            if name.casefold() in {kept.casefold() for kept in paper.lists}:
                name = lists.list_name(self.store, name)
                removed = lists.remove_from_list(self.store, name, [paper.id])
                if not removed:
                    raise lists.UserDataError(f"“{title}” was not in {name} any more")
                self.remember_undo(
                    f"Took “{title}” out of {name}", lambda: lists.restore_to_list(self.store, name, removed)
                )
            else:
                name = self.list_called(name)
                lists.add_to_list(self.store, name, [paper.id])
                self.notify(f"Added “{title}” to {name}", markup=False)
        except lists.UserDataError as error:
            self.notify(str(error), severity="error", markup=False)
        self.user_data_changed(paper.id, view_changed=True)

    def list_called(self, name: str) -> str:
        """The list called `name`, created when there is none."""
        try:
            return lists.list_name(self.store, name)
        except lists.UserDataError:
            return lists.create_list(self.store, name)

    def action_show_lists(self) -> None:
        from papershelf.tui.screens.lists_screen import ListsScreen

        shown = self.shelf.view_name if self.shelf.view != "all" else None
        self.app.push_screen(
            ListsScreen(self.store, shown, self.remember_undo, self.list_renamed),
            lambda name: self.lists_closed(name),
        )

    def list_renamed(self, old: str, new: str) -> None:
        if self.shelf.view == "list" and self.shelf.list_name == old:
            self.shelf.list_name = new
            self.app.remember(list_name=new)

    def lists_closed(self, name: str | None) -> None:
        self.user_data_changed(None, view_changed=True)  # lists may be renamed or deleted there
        if name:
            self.show_list(name)

    def action_move_in_list(self, step: int) -> None:
        if self.shelf.view != "list" or self.shelf.query or self.shelf.unread_only:
            reason = {"starred": " (Starred is ordered by star time)", "all": ""}.get(
                self.shelf.view, ", with every paper shown (no filter, not unread only)"
            )
            self.notify(f"J/K move a paper within one of your lists{reason}.", severity="warning")
            return
        if paper := self.current_paper():
            try:
                lists.move_in_list(self.store, self.shelf.list_name, paper.id, step)
            except lists.UserDataError as error:  # changed meanwhile by another copy or the CLI
                self.notify(str(error), severity="error", markup=False)
            self.user_data_changed(paper.id, view_changed=True)

    # Notes ----------------------------------------------------------------------------------------

    def action_edit_note(self) -> None:
        from papershelf.tui.screens.note_editor import NoteEditor

        paper = self.current_paper()
        if paper is not None:
            editor = NoteEditor(paper.title, paper.note or "")
            self.app.push_screen(editor, lambda text: text is not None and self.save_note(paper, text))

    def save_note(self, paper: Paper, text: str) -> None:
        previous = userdata.set_note(self.store, paper.id, text)
        if previous and not userdata.clean_note(text):
            self.remember_undo(
                f"Deleted the note on “{clean_text(paper.title)}”",
                lambda: self.restore_note(paper.id, previous),
            )
        self.user_data_changed(paper.id, view_changed=False)

    def restore_note(self, paper_id: int, note: str) -> None:
        if userdata.get_note(self.store, paper_id):
            raise lists.UserDataError("the paper has a newer note; it is kept")
        userdata.set_note(self.store, paper_id, note)

    # Read state -----------------------------------------------------------------------------------

    def paper_shown(self, paper: Paper | None) -> None:
        """The detail pane shows `paper`: it counts as read when it stays there for a moment."""
        paper_id = paper.id if paper else None
        if paper_id == self._shown_paper:
            return  # redrawn, not newly shown: `m` may just have marked it unread
        self._shown_paper = paper_id
        if self._read_timer is not None:
            self._read_timer.stop()
        if paper is not None and not paper.read:
            self._read_timer = self.set_timer(READ_AFTER, lambda: self.mark_read(paper.id))

    def mark_read(self, paper_id: int) -> None:
        self.shelf.set_read(paper_id, True)
        self.user_data_changed(paper_id, view_changed=False)

    def action_toggle_read(self) -> None:
        if paper := self.current_paper():
            if self._read_timer is not None:
                self._read_timer.stop()
            self.shelf.set_read(paper.id, not paper.read)
            self.user_data_changed(paper.id, view_changed=False)

    def action_toggle_unread_only(self) -> None:
        self.shelf.unread_only = not self.shelf.unread_only
        self.shelf.read_while_shown.clear()
        self.app.remember(unread_only=self.shelf.unread_only)
        self.notify("Unread papers only." if self.shelf.unread_only else "Read papers shown again.")
        self.user_data_changed(None, view_changed=True)

    # Undo -----------------------------------------------------------------------------------------

    def remember_undo(self, done: str, undo: Callable[[], None]) -> None:
        """Say what was removed, and keep how to bring it back for `u`."""
        self.undo_stack = [*self.undo_stack[-UNDO_DEPTH + 1 :], (done, undo)]
        self.notify(f"{done} — u undoes", markup=False)

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.", severity="warning")
            return
        done, undo = self.undo_stack.pop()
        try:
            undo()
        except lists.UserDataError as error:
            self.notify(f"Could not undo: {error}", severity="error", markup=False)
            return
        self.notify(f"Undone: {done}", markup=False)
        self.user_data_changed(None, view_changed=True)
