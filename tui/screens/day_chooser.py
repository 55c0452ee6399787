"""The palette's "Go to day…": the listing days of the papers shown, with their counts, to jump to."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from papershelf.tui.screens.dialog import AnswerInput, Dialog
from papershelf.tui.state.days import DayGroups

NO_DAY_ID = "-"  # the option of the papers with no listing day (an option id cannot be None)


class DayChooser(Dialog[tuple[str | None] | None]):
    """Type to narrow the days (`jun 18`, `2025-06`); `Enter` picks, `Esc` cancels. Answers the
    chosen day in a tuple (None in it: the papers with no listing day), None when cancelled."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        # Priority: the focused input binds Up/Down, and its bindings come before the dialog's.
        Binding("down", "move(1)", "Next", show=False, priority=True),
        Binding("up", "move(-1)", "Previous", show=False, priority=True),
    ]

    def __init__(self, days: DayGroups):
        super().__init__()
        self.days = days
        self._shown_for: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="day-picker"):
            yield Label("Go to day", classes="title")
            yield AnswerInput(placeholder="type to narrow: jun 18, 2025-06", id="day-query")
            yield OptionList(id="day-options")
            yield Label("Enter goes to the day's first paper · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))
        self.show_options("")

    @on(Input.Changed, "#day-query")
    def narrow(self, event: Input.Changed) -> None:
        self.show_options(event.value)

    def show_options(self, query: str) -> None:
        self._shown_for = query
        options = self.query_one(OptionList)
        options.clear_options()
        words = query.casefold().split()
        for group, day in enumerate(self.days.days):
            label = self.days.label(group)
            searched = f"{label} {day or ''}".casefold()
            if all(word in searched for word in words):
                options.add_option(Option(Content(label), id=day or NO_DAY_ID))
        options.highlighted = 0 if options.option_count else None

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + step) % options.option_count

    def answer(self, value: str) -> None:
        """`Enter`: the highlighted day, for the text typed so far (its Changed may not have come)."""
        if value != self._shown_for:
            self.show_options(value)
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#day-options")
    def pick(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, option_id: str | None) -> None:
        self.dismiss((None if option_id == NO_DAY_ID else option_id,))
