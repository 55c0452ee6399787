"""`L`: every list with its count; show one, create, rename or delete lists."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from papershelf.loaders.sanitize import terminal
from papershelf.loaders.text import plural
from papershelf.loaders.userdata import lists
from papershelf.tui.messages import StateChanged
from papershelf.tui.screens.dialog import Dialog
from papershelf.tui.screens.prompt import Confirm, Prompt
from papershelf.tui.state.owner import ReaderState


class ListsScreen(Dialog[str | None]):
    """The lists pane: answers the name of the list to show, or None."""

    BINDINGS = [
        Binding("escape,L", "dismiss(None)", "Close"),
        Binding("c", "create", "New list"),
        Binding("R", "rename", "Rename"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, state: ReaderState, shown: str | None):
        super().__init__()
        self.state = state
        self.shown = shown
        self._highlight_next: str | None = None  # a list created or renamed, once the lists are read

    def compose(self) -> ComposeResult:
        with Vertical(id="lists-pane"):
            yield Label("Lists", classes="title")
            yield OptionList(id="lists")
            yield Label("Enter show · c new · R rename · d delete · Esc close", classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(OptionList))  # at once: keys typed right after `L` are for it
        self.show_lists(self.shown)

    def on_state_changed(self, message: StateChanged) -> None:
        if message.change.lists:
            self.show_lists(self._highlight_next or self.highlighted)
            self._highlight_next = None

    def show_lists(self, highlight: str | None = None) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for name, count in self.state.list_counts:
            options.add_option(Option(Content(f"{terminal(name)}  ({count:,})"), id=name))
        ids = [options.get_option_at_index(n).id for n in range(options.option_count)]
        options.highlighted = ids.index(highlight) if highlight in ids else 0

    @property
    def highlighted(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_create(self) -> None:
        self.app.push_screen(Prompt("Name of the new list:"), self._create)

    def _create(self, name: str | None) -> None:
        if name:
            self.state.create_list(name, self._highlight)

    def action_rename(self) -> None:
        old = self.highlighted
        if old == lists.STARRED:
            self.notify("Starred is built in; it cannot be renamed.", severity="warning")
        elif old:
            self.app.push_screen(Prompt(f"Rename “{old}” to:", old), lambda new: self._rename(old, new))

    def _rename(self, old: str, new: str | None) -> None:
        if new:
            self.state.rename_list(old, new, self._highlight)

    def action_delete(self) -> None:
        name = self.highlighted
        if name == lists.STARRED:
            self.notify("Starred is built in; unstar papers to empty it.", severity="warning")
        elif name:
            self.state.list_size(name, lambda count: self._ask_delete(name, count))

    def _ask_delete(self, name: str, count: int) -> None:
        question = f"Delete the list “{name}” ({plural(count, 'paper')})? The papers stay."

        def answered(yes: bool | None) -> None:
            if yes:
                self.state.delete_list(name)

        self.app.push_screen(Confirm(question), answered)

    def _highlight(self, name: str) -> None:
        self._highlight_next = name
