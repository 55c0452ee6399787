"""The `?` help screen: every key, gathered from the widgets that own them."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Static

from papershelf.loaders.search import query
from papershelf.tui.screens.dialog import Dialog
from papershelf.tui.widgets.filter_input import FilterInput
from papershelf.tui.widgets.paper_detail import PaperDetail
from papershelf.tui.widgets.paper_list import PaperList

KEY_NAMES = {
    "slash": "/",
    "equals_sign": "=",
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
    "space": "Space",
    "minus": "-",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def key_label(keys: str) -> str:
    return " ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


KeyGroups = tuple[tuple[str, list], ...]


def reader_keys(app: type[DOMNode], reader: type[DOMNode]) -> KeyGroups:
    """The keys of the reader by where they work, from the classes that bind them (the app and its
    reader screen are given, not imported: they import this screen)."""
    from papershelf.tui.screens.keeping import KeepingScreen
    from papershelf.tui.screens.tagging import TaggingScreen

    return (
        ("anywhere", app.BINDINGS),
        ("reading", reader.BINDINGS),
        ("your papers", KeepingScreen.BINDINGS),  # stars, lists, notes, read marks, undo
        ("tagging", TaggingScreen.BINDINGS),
        ("in the list", PaperList.BINDINGS),
        ("in the detail", PaperDetail.BINDINGS),
        ("in the filter", FilterInput.BINDINGS),
    )


class HelpScreen(Dialog[None]):
    """A table of keys by where they work."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
        Binding("space,pagedown", "page(1)", "Page down", show=False),
        Binding("b,pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "scroll(-1000000)", "Top", show=False),
        Binding("G,end", "scroll(1000000)", "Bottom", show=False),
    ]

    def __init__(self, keys: KeyGroups):
        super().__init__()
        self.keys = keys

    def action_scroll(self, lines: int) -> None:
        keys = self.query_one("#help", VerticalScroll)
        keys.scroll_to(y=keys.scroll_y + lines, animate=False)

    def action_page(self, pages: int) -> None:
        keys = self.query_one("#help", VerticalScroll)
        self.action_scroll(pages * max(1, keys.scrollable_content_region.height - 1))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.keys_table())

    def keys_table(self) -> Table:
        table = Table(title="papershelf keys", expand=True, show_edge=False, box=None, padding=(0, 1))
        table.add_column("where", style="dim")
        table.add_column("key", style="bold")
        table.add_column("does")
        for where, bindings in self.keys:
            for binding in _merged(bindings):
                table.add_row(where, key_label(binding.key), binding.description)
                where = ""
        table.add_row("", "Tab", "next pane (filter, list, detail)")
        table.add_row(
            "",
            "ctrl+p",
            "palette: sort (listing day too), go to a day, theme, jump to a paper, lists,"
            " export, load, fetch",
        )
        where = "filter query"
        for syntax, meaning in query.HELP:
            table.add_row(where, syntax, meaning)
            where = ""
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
