"""The abstract detail: title, metadata, the abstract wrapped to the pane, numbered links."""

from __future__ import annotations

from collections import OrderedDict

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from loaders.models import Paper
from loaders.text import strip_controls
from tui.widgets.in_order_keys import InOrderKeys
from tui.widgets.scrolling import set_virtual_size

WRAPPED_KEPT = 8


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


class PaperDetail(InOrderKeys, ScrollView, can_focus=True):
    """The current paper in full; scrolls on its own, follows the list's cursor.

    The paper is wrapped to the pane once, into lines drawn as they scroll into view. Showing
    another paper redraws this pane and its scrollbar only, without a layout pass over the screen
    (its scrollbar is always shown).
    """

    DEFAULT_CSS = """
    PaperDetail {
        background: $surface;
        color: $foreground;
        overflow-y: scroll;
        &:focus {
            background-tint: $foreground 5%;
        }
    }
    """
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
    ]

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.shown = Text()
        self.lines: list[Strip] = []
        self._wrapped_width = 0
        self._wrapped: OrderedDict[tuple, list[Strip]] = OrderedDict()
        self._style: Style | None = None

    def show(self, paper: Paper | None) -> None:
        shown = self.render_paper(paper)
        if shown != self.shown:
            self.shown = shown
            self._wrapped_width = 0
        self._wrap()
        self.scroll_home(animate=False, immediate=True)

    def prepare(self, paper: Paper) -> None:
        """Wrap `paper` ahead of time (a few milliseconds), so that showing it next does not."""
        if width := self.scrollable_content_region.width:
            self._wrapped_lines(self.render_paper(paper), width)

    def on_resize(self) -> None:
        self._wrap()

    def _wrap(self) -> None:
        """Wrap the paper to the pane's width, unless it is wrapped to it already."""
        width = self.scrollable_content_region.width
        if not width or width == self._wrapped_width:
            return
        self.lines = self._wrapped_lines(self.shown, width)
        self._wrapped_width = width
        widest = max((line.cell_length for line in self.lines), default=0)
        set_virtual_size(self, Size(widest, len(self.lines)))

    def _wrapped_lines(self, text: Text, width: int) -> list[Strip]:
        key = (text.plain, tuple(text.spans), width)
        lines = self._wrapped.get(key)
        if lines is None:
            console = self.app.console
            segments = console.render(text, console.options.update_width(width))
            lines = self._wrapped[key] = Strip.from_lines(list(Segment.split_lines(segments)))
            if len(self._wrapped) > WRAPPED_KEPT:
                self._wrapped.popitem(last=False)
        else:
            self._wrapped.move_to_end(key)
        return lines

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._style = None  # read once per render rather than once per line: `rich_style` is slow
        self._wrap()  # the first render comes before the first Resize: the paper shows in it
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if self._style is None:
            self._style = self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if not 0 <= scroll_y + y < len(self.lines):
            return Strip.blank(width, self._style)
        line = self.lines[scroll_y + y]
        if scroll_x or line.cell_length > width:
            return line.crop_extend(scroll_x, scroll_x + width, self._style).apply_style(self._style)
        # What the two calls above make, in one Strip rather than three.
        segments = [*line, Segment(" " * (width - line.cell_length), self._style)]
        segments = [segment for segment in segments if segment.text]
        return Strip(Segment.apply_style(segments, self._style), width)

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
