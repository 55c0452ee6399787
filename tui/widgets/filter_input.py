"""The fuzzy filter input above the list."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

from papershelf.tui.textual_private import virtual_size_without_layout
from papershelf.tui.widgets.in_order_keys import InOrderKeys


class FilterInput(InOrderKeys, Input):
    """Typing filters as you go; `Esc` clears and leaves, `Enter` leaves with the filter kept.

    Leaving hands the focus to the next widget, the paper list, at once: the keys typed next are
    for the list.
    """

    BINDINGS = [
        Binding("escape", "clear_and_leave", "Clear filter"),
        Binding("enter", "leave", "Keep filter"),
    ]

    # The input scrolls its text sideways by its virtual width, which follows the text; the default
    # asks for a layout of the whole screen at every keystroke, though no other widget depends on it.
    virtual_size = virtual_size_without_layout()

    def __init__(self, *, id: str | None = None):
        super().__init__(placeholder="/ filter titles and abstracts (typos welcome)", id=id)

    def action_clear_and_leave(self) -> None:
        self.value = ""
        self.action_leave()

    def action_leave(self) -> None:
        self.screen.focus_next()
