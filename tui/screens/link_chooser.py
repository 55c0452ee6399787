"""`O`'s question: which of the paper's numbered links to open."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from papershelf.loaders.sanitize import terminal
from papershelf.tui.screens.dialog import Dialog

NUMBERED = 9  # links 1–9 have a key


class LinkChooser(Dialog[int | None]):
    """Lists the links as the detail numbers them; `1`–`9` answers, any other key cancels."""

    def __init__(self, title: str, links: list[str]):
        super().__init__()
        self.title_shown = terminal(title)
        self.links = [terminal(link) for link in links[:NUMBERED]]

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(f"Open which link of “{self.title_shown}”?", markup=False)
            for number, link in enumerate(self.links, start=1):
                yield Label(f"{number}  {link}", classes="link", markup=False)
            last = len(self.links)
            keys = "1" if last == 1 else f"1–{last}"
            yield Label(f"{keys}: open   any other key: cancel", classes="hint", markup=False)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        chosen = int(event.character) if event.character and event.character in "123456789" else 0
        self.dismiss(chosen if 1 <= chosen <= len(self.links) else None)
