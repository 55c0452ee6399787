"""The abstract detail: title, metadata, the abstract wrapped to the pane, numbered links."""

from __future__ import annotations

import textwrap
from collections import OrderedDict

from rich.cells import chop_cells
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.strip import Strip

from papershelf.loaders.models import Paper
from papershelf.tui.textual_private import set_virtual_size
from papershelf.tui.widgets.in_order_keys import InOrderKeys
from papershelf.tui.widgets.line_view import LineView
from papershelf.tui.widgets.paper_text import SUMMARY_KEY, Links, paper_blocks
from papershelf.tui.widgets.reason_text import ReasonOf, no_reason, with_reason

WRAPPED_KEPT = 32  # blocks: a paper has three or four
MARGIN = 1  # cells left blank each side of the text
LINK_INDENT = 4  # "1   " before a link
PAGE_OVERLAP = 2  # lines of a page kept at the top of the next, to read on from
BOLD, UNDERLINE = Style(bold=True), Style(underline=True)


class PaperDetail(InOrderKeys, LineView, can_focus=True):
    """The current paper in full; scrolls on its own, follows the list's cursor.

    The paper is wrapped to the pane once, into lines drawn as they scroll into view. Showing
    another paper redraws this pane only, without a layout pass over the screen.
    """

    DEFAULT_CSS = """
    PaperDetail {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
        }
    }
    """
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding(SUMMARY_KEY, "toggle_summary", "Summary/abstract", show=False),
    ]

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.shown: tuple[Text | Links, ...] = ()
        self._paper_id: int | None = None
        self._paper: Paper | None = None
        self.summary = False
        self.reason_of: ReasonOf = no_reason
        """Why a paper is in the view shown (similar papers, For you): set by the reader."""
        """Whether Hugging Face's summary is shown in place of the abstract (where there is one)."""
        self.sample = False
        """Whether the papers are the built-in sample alone: the detail says so first."""
        self.lines: list[Strip] = []
        self._link_rows: list[int] = []  # the line each numbered link starts on
        self._wrapped_width = 0
        self._lines_shown = 0  # counts the papers and widths wrapped: a key of the lines drawn
        self._wrapped: OrderedDict[tuple, list[Strip]] = OrderedDict()
        self._style: Style | None = None

    def show(self, paper: Paper | None) -> None:
        """Show `paper` from its top; the same paper again (starred, read, noted) stays scrolled
        where the reader left it."""
        self._paper = paper
        shown = self.render_paper(paper)
        if shown != self.shown:
            self.shown = shown
            self._wrapped_width = 0
        self._wrap()
        paper_id = paper.id if paper is not None else None
        if paper_id != self._paper_id:
            self._paper_id = paper_id
            self.scroll_home(animate=False, immediate=True)

    @property
    def plain(self) -> str:
        """The text shown, unwrapped."""
        return "\n\n".join(
            "\n".join(line.text.strip() for line in _link_lines(block.links, 10**6))
            if isinstance(block, Links)
            else block.plain
            for block in self.shown
        )

    def prepare(self, paper: Paper) -> None:
        """Wrap `paper` ahead of time (a few milliseconds), so that showing it next does not."""
        if width := self.wrap_width:
            self._paper_lines(self.render_paper(paper), width)

    def on_resize(self) -> None:
        self._wrap()

    @property
    def wrap_width(self) -> int:
        return max(0, self.text_width - 2 * MARGIN)

    def _wrap(self) -> None:
        """Wrap the paper to the pane's width, unless it is wrapped to it already."""
        width = self.wrap_width
        if not width or width == self._wrapped_width:
            return
        self.lines = self._paper_lines(self.shown, width)
        self._link_rows = _link_rows(self.shown, width, len(self.lines))
        self._wrapped_width = width
        self._lines_shown += 1
        widest = max((line.cell_length for line in self.lines), default=0)
        set_virtual_size(self, Size(widest, len(self.lines)))

    def _paper_lines(self, blocks: tuple[Text | Links, ...], width: int) -> list[Strip]:
        """The blocks wrapped to `width`, a blank line between them."""
        lines: list[Strip] = []
        for block in blocks:
            if lines:
                lines.append(Strip.blank(0))
            lines.extend(self._wrapped_lines(block, width))
        return lines

    def _wrapped_lines(self, block: Text | Links, width: int) -> list[Strip]:
        # Blocks are wrapped apart, so that starring a paper or reading it re-wraps its header
        # only, not its abstract.
        key = (block, width) if isinstance(block, Links) else (block.plain, tuple(block.spans), width)
        lines = self._wrapped.get(key)
        if lines is None:
            if isinstance(block, Links):
                lines = _link_lines(block.links, width)
            elif _plain_and_short_words(block, width):
                # Plain text of one cell a character, as an abstract mostly is: wrapped as Rich
                # wraps it, in a fifth of Rich's time.
                wrapped = _wrapped_plain(block.plain, width)
                lines = [Strip([Segment(line)] if line else []) for line in wrapped]
            else:
                console = self.app.console
                segments = console.render(block, console.options.update_width(width))
                lines = Strip.from_lines(list(Segment.split_lines(segments)))
            self._wrapped[key] = lines
            if len(self._wrapped) > WRAPPED_KEPT:
                self._wrapped.popitem(last=False)
        else:
            self._wrapped.move_to_end(key)
        return lines

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._wrap()  # the first render comes before the first Resize: the paper shows in it
        return super().render_lines(crop)

    def line_keys(self, lines: range) -> list[tuple]:
        if self._style is None:  # read once per restyle: `rich_style` is slow
            self._style = self.rich_style
        top, shown, style = self.scroll_offset.y, self._lines_shown, self._style
        return [(shown, top + y, style) for y in lines]

    def draw_line(self, key: tuple, width: int) -> list[Segment]:
        _, number, style = key
        if not 0 <= number < len(self.lines):
            return [Segment(" " * width, style)]
        line = self.lines[number]
        text_width = width - 2 * MARGIN
        if line.cell_length > text_width:
            line = line.crop(0, text_width)
        text = [*line, Segment(" " * (text_width - line.cell_length), style)]
        # The margins as Textual draws padding: background only.
        margin = Segment(" " * MARGIN, Style(bgcolor=style.bgcolor))
        return [margin, *Segment.apply_style([s for s in text if s.text], style), margin]

    # Paging, from this pane or from the list ----------------------------------------------------

    @property
    def at_end(self) -> bool:
        """Whether the paper's last line is on screen: paging on moves to the next paper."""
        return self.scroll_y >= self.max_scroll_y

    def page(self, pages: int) -> None:
        """Scroll `pages` screens down (up when negative), keeping a line or two of the last one."""
        step = max(1, self.size.height - PAGE_OVERLAP)
        self.scroll_to(y=self.scroll_y + pages * step, animate=False, immediate=True)

    def link_on_screen(self, number: int) -> bool:
        """Whether link `number` (from 1) has its numbered line on screen."""
        self._wrap()
        if not 1 <= number <= len(self._link_rows):
            return False
        top = round(self.scroll_offset.y)
        return top <= self._link_rows[number - 1] < top + self.size.height

    def render_paper(self, paper: Paper | None) -> tuple[Text | Links, ...]:
        """The paper as blocks: header, note, abstract (or summary), links."""
        return with_reason(
            paper_blocks(paper, summary=self.summary, sample=self.sample), paper, self.reason_of
        )

    def action_toggle_summary(self) -> None:
        """Show Hugging Face's summary instead of the abstract, or the abstract again."""
        self.summary = not self.summary
        if self._paper is not None:
            self.show(self._paper)


def _plain_and_short_words(block: Text, width: int) -> bool:
    """Whether `block` is unstyled ASCII in which `textwrap` breaks lines as Rich does: no word
    longer than `width` (Rich folds those from a line of their own, `textwrap` from the end of the
    line before), no paragraph starting with spaces (`textwrap` drops them when the first word
    does not fit after them)."""
    text = block.plain
    return (
        not block.spans
        and not block.style
        and text.isascii()
        and len(max(text.split(), key=len, default="")) <= width
        and not any(paragraph[:1].isspace() for paragraph in text.split("\n"))
    )


def _wrapped_plain(text: str, width: int) -> list[str]:
    return [
        line
        for paragraph in text.split("\n")
        for line in textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""]
    ]


def _link_lines(links: tuple[str, ...], width: int) -> list[Strip]:
    """ "Links", then each link numbered (1–9: the keys that copy it), folded under itself."""
    lines = [Strip([Segment("Links", BOLD)])]
    for number, link in enumerate(links, start=1):
        label = f"{number if number <= 9 else '':<{LINK_INDENT}}"
        for part, piece in enumerate(_folded_link(link, width)):
            lead = Segment(label, BOLD) if part == 0 else Segment(" " * LINK_INDENT)
            lines.append(Strip([lead, Segment(piece, UNDERLINE)]))
    return lines


def _folded_link(link: str, width: int) -> list[str]:
    return chop_cells(link, max(1, width - LINK_INDENT)) if link else [""]


def _link_rows(blocks: tuple[Text | Links, ...], width: int, line_count: int) -> list[int]:
    """The line each link starts on, in a paper of `line_count` lines whose last block is the
    links (a heading line, then each link's folded lines)."""
    if not blocks or not isinstance(links := blocks[-1], Links):
        return []
    row = line_count - sum(len(_folded_link(link, width)) for link in links.links)
    rows = []
    for link in links.links:
        rows.append(row)
        row += len(_folded_link(link, width))
    return rows
