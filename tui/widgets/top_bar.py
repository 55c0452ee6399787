"""The reader's top line: the view tabs with their counts, a fetch's progress, and what is shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from textual.content import Content
from textual.message import Message

from papershelf.loaders.sanitize import terminal
from papershelf.tui.widgets.clickable_line import ClickableLine, Part, fit, width_of

PROGRESS_CELLS = 10
SHORTEST_NAME = 2  # a list's name cut to make room keeps a letter and the ellipsis


class ViewTab(NamedTuple):
    """A view the reader can show: `view` is "all", "starred", "list", "foryou" or "similar";
    `name` is plain text; `papers` None: not counted yet."""

    view: str
    name: str
    papers: int | None


class TopBar(ClickableLine):
    """`All 100,000  Starred 12  <list> 5` on the left, the active one highlighted; a fetch's
    progress and the count of papers shown on the right, always in view: a long list name is cut
    first."""

    COMPONENT_CLASSES = {
        "top-bar--tab",
        "top-bar--active",
        "top-bar--hover",
        "top-bar--muted",
        "top-bar--done",
        "top-bar--todo",
    }
    HOVER_CLASS = "top-bar--hover"

    @dataclass
    class TabClicked(Message):
        """The user clicked the tab of `view`."""

        view: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._tabs: tuple[ViewTab, ...] = ()
        self._active = ""
        self._count = ""
        self._progress: tuple[int, int] | None = None

    def show(self, tabs: Sequence[ViewTab], active: str, count: str) -> None:
        """Show `tabs` with `active` highlighted, and `count` on the right."""
        state = (tuple(tabs), active, count)
        if state != (self._tabs, self._active, self._count):
            self._tabs, self._active, self._count = state
            self.refresh()

    def show_progress(self, done: int | None, total: int = 0) -> None:
        """Show that `done` of `total` days are fetched; None hides the progress."""
        progress = None if done is None else (done, total)
        if progress != self._progress:
            self._progress = progress
            self.refresh()

    def clicked(self, target: str) -> None:
        self.post_message(self.TabClicked(target))

    def parts(self, width: int) -> list[Part]:
        right = [*self._progress_parts(), Part(Content.styled(f"{self._count} ", ".top-bar--muted"))]
        left = self._tab_parts(width - width_of(right) - 1)
        return [*left, Part(Content.blank(max(0, width - width_of(left) - width_of(right)))), *right]

    def _tab_parts(self, room: int) -> list[Part]:
        names = [Content(terminal(tab.name)) for tab in self._tabs]
        parts = [self._tab_part(tab, name) for tab, name in zip(self._tabs, names, strict=True)]
        over = width_of(parts) - room
        if over > 0 and self._tabs and self._tabs[-1].view in ("list", "similar"):
            shorter = names[-1].truncate(max(SHORTEST_NAME, names[-1].cell_length - over), ellipsis=True)
            parts[-1] = self._tab_part(self._tabs[-1], shorter)
        return fit(parts, room)

    def _tab_part(self, tab: ViewTab, name: Content) -> Part:
        style = ".top-bar--active" if tab.view == self._active else ".top-bar--tab"
        count = f" {tab.papers:,} " if tab.papers is not None else " "
        return Part(Content.assemble(" ", name, count).stylize(style), tab.view)

    def _progress_parts(self) -> list[Part]:
        if self._progress is None:
            return []
        done, total = self._progress
        filled = PROGRESS_CELLS * min(done, total) // total if total else 0
        bar = Content.assemble(
            (f"fetching {done}/{total} days ", ".top-bar--muted"),
            ("▰" * filled, ".top-bar--done"),
            ("▱" * (PROGRESS_CELLS - filled), ".top-bar--todo"),
            "  ",
        )
        return [Part(bar)]
