"""Small dialogs: a line of text (a path to export to or load from, a list's name), a yes or no."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from papershelf.tui.screens.dialog import AnswerInput, Dialog


class Prompt(Dialog[str | None]):
    """Asks for a line of text; `Enter` answers it, `Esc` cancels (None)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # Priority: Tab would otherwise move the focus out of the input.
        Binding("tab", "complete", "Complete the path", show=False, priority=True),
    ]
    HINT = "Enter to confirm, Esc to cancel"

    def __init__(self, question: str, default: str = "", paths: bool = False):
        super().__init__()
        self.question = question
        self.default = default
        self.paths = paths
        """Whether the answer is a path: Tab completes it, as a shell does."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.paths if action == "complete" else True

    def action_complete(self) -> None:
        answer = self.query_one(Input)
        completed, choices = complete_path(answer.value)
        answer.value = completed
        answer.cursor_position = len(completed)
        hint = self.query_one(".hint", Label)
        shown = "  ".join(choices[:8]) + ("  …" if len(choices) > 8 else "")
        hint.update(shown if len(choices) > 1 else (self.HINT + ", Tab completes"))

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(self.question, markup=False)
            yield AnswerInput(value=self.default, id="answer")
            yield Label(self.HINT + (", Tab completes" if self.paths else ""), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    def answer(self, value: str) -> None:
        self.dismiss(value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def complete_path(text: str) -> tuple[str, list[str]]:
    """`text` completed as far as the entries of its folder agree (a folder gets a final `/`),
    and the names of the entries that match when several do."""
    expanded = os.path.expanduser(text) if text.startswith("~") else text
    folder, _, start = expanded.rpartition(os.sep)
    where = Path(folder + os.sep if folder or expanded.startswith(os.sep) else ".")
    try:
        names = sorted(entry.name for entry in where.iterdir() if entry.name.startswith(start))
    except OSError:
        return text, []
    if not start.startswith("."):
        names = [name for name in names if not name.startswith(".")] or names
    if not names:
        return text, []
    common = os.path.commonprefix(names)  # noqa: RUF071 (names, not paths: a prefix of characters)
    completed = text[: len(text) - len(start)] + common
    if len(names) == 1 and (where / common).is_dir():
        completed += os.sep
    return completed, names


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
