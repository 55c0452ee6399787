"""A scroll view that draws all its cells itself: its lines and its vertical scrollbar."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

SCROLLBAR_WIDTH = 1
MAX_CACHED_LINES = 2000


class LineView(ScrollView):
    """A ScrollView whose lines are final as drawn, kept by what they show.

    Textual passes each line of a widget through its styles (border, padding, tint, opacity) and
    draws a scrollbar as a widget of its own: ≈0.1 ms a line and 2–3 ms a scrollbar change here,
    most of a frame. A LineView has no border, padding or scrollbar widget. Subclasses say what
    lines show (`line_keys`) and draw a line from its key, `text_width` cells wide (`draw_line`);
    the view adds the scrollbar column and keeps finished lines by key, so a line that did not
    change costs a lookup.
    """

    DEFAULT_CSS = """
    LineView {
        overflow: hidden hidden;
        padding: 0;
        border: none;
    }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._finished: dict[tuple[Hashable, Segment], Strip] = {}
        self._finished_for: tuple = ()  # the width, filters and background they were made for
        self._grabbed: tuple[int, float] | None = None  # the mouse's screen y and scroll y
        self._pressed_on_scrollbar = False

    @property
    def text_width(self) -> int:
        """Cells a line of text has, left of the scrollbar."""
        return max(0, self.size.width - SCROLLBAR_WIDTH)

    @property
    def allow_vertical_scroll(self) -> bool:
        return not self.disabled and self.max_scroll_y > 0

    def line_keys(self, lines: range) -> Sequence[Hashable]:
        """What these lines of the view show: equal keys, equal lines."""
        raise NotImplementedError

    def draw_line(self, key: Any, width: int) -> list[Segment]:
        """The line `key` stands for, exactly `width` cells."""
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        return self.render_lines(Region(0, y, self.size.width, 1))[0]

    def render_lines(self, crop: Region) -> list[Strip]:
        width = self.size.width
        text_width = self.text_width
        # The compositor may ask for the lines of a new size before the view hears of it.
        bar = self._scrollbar(max(self.size.height, crop.bottom))
        filters = tuple(self.get_line_filters())
        _, background = self.background_colors
        finished = self._finished
        if len(finished) > MAX_CACHED_LINES or self._finished_for != (text_width, filters, background):
            finished.clear()
            self._finished_for = (text_width, filters, background)
        strips = []
        for y, key in zip(crop.line_range, self.line_keys(crop.line_range), strict=True):
            strip = finished.get((key, bar[y]))
            if strip is None:
                strip = Strip([*self.draw_line(key, text_width), bar[y]], width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                finished[key, bar[y]] = strip
            strips.append(strip)
        if crop.column_span != (0, width):
            strips = [strip.crop(*crop.column_span) for strip in strips]
        return strips

    def _scrollbar(self, height: int) -> list[Segment]:
        """The scrollbar's cell on each line, drawn as Textual draws its own."""
        styles = self.styles
        if self.virtual_size.height <= height:  # nothing to scroll: no bar, as Textual's `auto`
            blank = self.background_colors[1].rich_color
            return _scrollbar_cells(Bar(height, 0, 0, blank, blank))
        grabbed = self._grabbed is not None
        back = styles.scrollbar_background_active if grabbed else styles.scrollbar_background
        color = styles.scrollbar_color_active if grabbed else styles.scrollbar_color
        if back.a < 1:
            back = self.background_colors[0] + back
        color = back + color
        return _scrollbar_cells(
            Bar(height, self.virtual_size.height, self.scroll_y, back.rich_color, color.rich_color)
        )

    # The mouse on the scrollbar: above or below the thumb pages, the thumb drags ------------

    def on_scrollbar(self, x: int) -> bool:
        return x >= self.text_width and self.max_scroll_y > 0

    @property
    def pressed_on_scrollbar(self) -> bool:
        """Whether the mouse went down on the scrollbar last: a click it makes, wherever the
        mouse comes up, is the scrollbar's, not a click on a line."""
        return self._pressed_on_scrollbar

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._pressed_on_scrollbar = self.on_scrollbar(event.x)
        if not self._pressed_on_scrollbar:
            return
        event.stop()
        height = self.size.height
        top, bottom = _thumb(height, self.virtual_size.height, self.scroll_y)
        if event.y < top:
            self.scroll_to(y=self.scroll_y - height, animate=False, immediate=True)
        elif event.y >= bottom:
            self.scroll_to(y=self.scroll_y + height, animate=False, immediate=True)
        else:
            self._grabbed = (event.screen_y, self.scroll_y)
            self.capture_mouse()
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._grabbed is not None and self.app.mouse_captured is self:
            screen_y, scroll_y = self._grabbed
            lines_per_row = self.virtual_size.height / max(1, self.size.height)
            y = scroll_y + (event.screen_y - screen_y) * lines_per_row
            self.scroll_to(y=y, animate=False, immediate=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._grabbed is not None:
            self.release_mouse()
            self._let_go()

    def on_mouse_release(self) -> None:
        self._let_go()  # the capture ended another way: a screen pushed or popped

    def _let_go(self) -> None:
        if self._grabbed is not None:
            self._grabbed = None
            self.refresh()


class Bar(NamedTuple):
    height: int
    lines: int
    scroll_y: float
    back: Color
    color: Color


_bar_cache: dict[Bar, list[Segment]] = {}


def _scrollbar_cells(bar: Bar) -> list[Segment]:
    cells = _bar_cache.get(bar)
    if cells is None:
        if len(_bar_cache) > 64:
            _bar_cache.clear()
        if bar.lines > bar.height:
            segments = ScrollBarRender.render_bar(
                bar.height, bar.lines, bar.height, bar.scroll_y, 1, True, bar.back, bar.color
            ).segments
            # Without the mouse actions Textual's scrollbar widget answers: this view does.
            cells = [Segment(text, style and style.clear_meta_and_links()) for text, style, _ in segments]
            cells = cells[: bar.height]
        else:
            cells = [Segment(" " * SCROLLBAR_WIDTH, Style(bgcolor=bar.back))] * bar.height
        _bar_cache[bar] = cells
    return cells


def _thumb(height: int, lines: int, scroll_y: float) -> tuple[int, int]:
    """The rows the scrollbar's thumb covers, as in `ScrollBarRender.render_bar`."""
    thumb = max(1, height * height / lines)
    top = (height - thumb) * scroll_y / max(1, lines - height)
    return int(top), int(top + thumb + 0.999)
