"""Small dialogs: a line of text (a path to export to or load from, a list's name), a yes or no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from papershelf.tui.screens.dialog import AnswerInput, Dialog


class Prompt(Dialog[str | None]):
    """Asks for a line of text; `Enter` answers it, `Esc` cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, default: str = ""):
        super().__init__()
        self.question = question
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(self.question, markup=False)
            yield AnswerInput(value=self.default, id="answer")
            yield Label("Enter to confirm, Esc to cancel", classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    def answer(self, value: str) -> None:
        self.dismiss(value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(Dialog[bool]):
    """Asks a yes or no question; `y` answers yes, `n` or `Esc` no."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
    ]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(self.question, markup=False)
            yield Label("y: yes   n or Esc: no", classes="hint")
