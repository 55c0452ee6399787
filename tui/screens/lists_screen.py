"""`L`: every list with its count; show one, create, rename or delete lists."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from papershelf.loaders.store.database import Store
from papershelf.loaders.text import plural
from papershelf.loaders.userdata import lists
from papershelf.tui.screens.dialog import Dialog
from papershelf.tui.screens.prompt import Confirm, Prompt

Undoable = Callable[[str, Callable[[], None]], None]
Renamed = Callable[[str, str], None]


class ListsScreen(Dialog[str | None]):
    """The lists pane: answers the name of the list to show, or None."""

    BINDINGS = [
        Binding("escape,L", "dismiss(None)", "Close"),
        Binding("c", "create", "New list"),
        Binding("R", "rename", "Rename"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, store: Store, shown: str | None, undoable: Undoable, renamed: Renamed):
        super().__init__()
        self.store = store
        self.shown = shown
        self.undoable = undoable
        self.renamed = renamed

    def compose(self) -> ComposeResult:
        with Vertical(id="lists-pane"):
            yield Label("Lists", classes="title")
            yield OptionList(id="lists")
            yield Label("Enter show · c new · R rename · d delete · Esc close", classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(OptionList))  # at once: keys typed right after `L` are for it
        self.show_lists(self.shown)

    def show_lists(self, highlight: str | None = None) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for name, count in lists.list_names_with_counts(self.store):
            options.add_option(Option(Content(f"{name}  ({count:,})"), id=name))
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
        if name and (created := self._change(lists.create_list, name)):
            self.show_lists(created)

    def action_rename(self) -> None:
        old = self.highlighted
        if old == lists.STARRED:
            self.notify("Starred is built in; it cannot be renamed.", severity="warning")
        elif old:
            self.app.push_screen(Prompt(f"Rename “{old}” to:", old), lambda new: self._rename(old, new))

    def _rename(self, old: str, new: str | None) -> None:
        if new and (renamed := self._change(lists.rename_list, old, new)):
            self.renamed(old, renamed)
            self.show_lists(renamed)

    def action_delete(self) -> None:
        name = self.highlighted
        if name == lists.STARRED:
            self.notify("Starred is built in; unstar papers to empty it.", severity="warning")
        elif name and (ids := self._change(lists.list_paper_ids, name)) is not None:
            count = len(ids)
            question = f"Delete the list “{name}” ({plural(count, 'paper')})? The papers stay."
            self.app.push_screen(Confirm(question), lambda yes: yes and self._delete(name))

    def _delete(self, name: str) -> None:
        saved = self._change(lists.delete_list, name)
        if saved:
            self.undoable(f"Deleted the list “{name}”", lambda: lists.restore_list(self.store, saved))
            self.show_lists()

    def _change(self, change: Callable, *arguments: object):
        try:
            return change(self.store, *arguments)
        except lists.UserDataError as error:
            self.notify(str(error), severity="error", markup=False)
            return None
