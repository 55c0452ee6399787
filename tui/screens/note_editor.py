"""`n`: the note editor for the current paper."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from papershelf.loaders.sanitize import terminal
from papershelf.tui.screens.dialog import Dialog
from papershelf.tui.screens.prompt import Confirm


class NoteEditor(Dialog[str | None]):
    """Edit a note; `ctrl+s` answers the text (blank deletes the note), `Esc` asks before dropping
    changes and answers None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, paper_title: str, note: str):
        super().__init__()
        self.paper_title = paper_title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note"):
            yield Label(f"Note on “{terminal(self.paper_title)}”", markup=False, classes="title")
            yield TextArea(self.note, soft_wrap=True, show_line_numbers=False, id="note-text")
            yield Label("ctrl+s saves (an empty note is deleted) · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        self.set_focus(editor)  # at once: keys typed right after `n` are the note's
        editor.move_cursor(editor.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        if self.text == self.note:
            self.dismiss(None)
        else:
            self.app.push_screen(Confirm("Drop your changes to this note?"), self._dropped)

    def _dropped(self, drop: bool | None) -> None:
        if drop:
            self.dismiss(None)
