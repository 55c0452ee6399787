"""The abstract detail: title, metadata, the abstract wrapped to the pane, numbered links."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import RichLog

from loaders.models import Paper
from loaders.text import strip_controls
from tui.widgets.in_order_keys import InOrderKeys


def metadata_line(paper: Paper) -> str:
    """Authors or organization, date, upvotes and where the paper was loaded from."""
    parts = []
    if paper.org_name or paper.org_id:
        parts.append(paper.org_name or paper.org_id)
    if paper.authors_count:
        parts.append(f"{paper.authors_count} authors")
    if paper.published_text:
        parts.append(paper.published_text)
    if paper.upvotes is not None:
        parts.append(f"▲ {paper.upvotes}")
    if paper.sources:
        parts.append("from " + ", ".join(paper.sources))
    return " · ".join(parts)


class PaperDetail(InOrderKeys, RichLog, can_focus=True):
    """The current paper in full; scrolls on its own, follows the list's cursor.

    A log-like line view rather than a Static: showing another paper redraws this pane only,
    without a layout pass over the screen.
    """

    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
    ]

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id, wrap=True, markup=False, highlight=False, auto_scroll=False, min_width=1)
        self.shown = Text()

    def show(self, paper: Paper | None) -> None:
        self.shown = self.render_paper(paper)
        self._write_shown()
        self.scroll_home(animate=False, immediate=True)

    def on_resize(self) -> None:
        self._write_shown()

    def _write_shown(self) -> None:
        """Wrap the paper to the pane's width; a log wraps once, so a new width means a rewrite."""
        self.clear()
        self.write(self.shown, width=self.scrollable_content_region.width or None, scroll_end=False)

    def render_paper(self, paper: Paper | None) -> Text:
        if paper is None:
            return Text("No paper to show.", style="italic")
        text = Text(no_wrap=False, overflow="fold")
        text.append(strip_controls(paper.title), style="bold")
        if paper.starred:
            text.append("  ★ starred", style="bold yellow")
        text.append("\n")
        text.append(strip_controls(metadata_line(paper)), style="dim")
        text.append("\n")
        text.append(("read " + paper.read_at[:10]) if paper.read_at else "unread", style="dim italic")
        if paper.lists:
            text.append(" · in " + ", ".join(strip_controls(name) for name in paper.lists), style="dim")
        text.append("\n\n")
        if paper.note:
            text.append("Note\n", style="bold")
            text.append(strip_controls(paper.note) + "\n\n", style="italic")
        text.append(strip_controls(paper.abstract))
        text.append("\n\nLinks\n", style="bold")
        for number, link in enumerate(paper.links(), start=1):
            label = f"{number}" if number <= 9 else " "
            text.append(f" {label}  ", style="bold")
            text.append(strip_controls(link), style="underline")
            text.append("\n")
        return text
