"""The `?` help screen: every key, gathered from the widgets that own them."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from papershelf.tui.screens.dialog import Dialog
from papershelf.tui.widgets.filter_input import FilterInput
from papershelf.tui.widgets.paper_detail import PaperDetail
from papershelf.tui.widgets.paper_list import PaperList

KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "escape": "Esc",
    "enter": "Enter",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "tab": "Tab",
}


def key_label(keys: str) -> str:
    return " ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


class HelpScreen(Dialog[None]):
    """A table of keys by where they work."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.keys_table())

    def keys_table(self) -> Table:
        from papershelf.tui.app import PapershelfApp
        from papershelf.tui.screens.keeping import KeepingScreen
        from papershelf.tui.screens.reader import ReaderScreen

        table = Table(title="papershelf keys", expand=True, show_edge=False, box=None, padding=(0, 1))
        table.add_column("where", style="dim")
        table.add_column("key", style="bold")
        table.add_column("does")
        groups = (
            ("anywhere", PapershelfApp.BINDINGS),
            ("reader", ReaderScreen.BINDINGS),
            ("keeping", KeepingScreen.BINDINGS),
            ("list", PaperList.BINDINGS),
            ("detail", PaperDetail.BINDINGS),
            ("filter", FilterInput.BINDINGS),
        )
        for where, bindings in groups:
            for binding in _merged(bindings):
                table.add_row(where, key_label(binding.key), binding.description)
                where = ""
        table.add_row("", "Tab", "next pane (filter, list, detail)")
        table.add_row("", "ctrl+p", "palette: sort, theme, jump to a paper, lists, export, load, fetch")
        return table


def _merged(bindings: list) -> list[Binding]:
    """Bindings with the numbered copies folded into one line."""
    merged: list[Binding] = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.action.startswith("copy_numbered("):
            if binding.key == "1":
                merged.append(Binding("1-9", binding.action, "copy the numbered link of the detail pane"))
            continue
        merged.append(binding if isinstance(binding, Binding) else Binding(*binding))
    return merged
