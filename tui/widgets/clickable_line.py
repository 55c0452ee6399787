"""A bar one line high, drawn as one piece of text whose parts answer the mouse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget


class Part(NamedTuple):
    """A stretch of the line, and what clicking it names (None: nothing)."""

    content: Content
    target: str | None = None


def width_of(parts: Sequence[Part]) -> int:
    return sum(part.content.cell_length for part in parts)


def fit(parts: Sequence[Part], width: int) -> list[Part]:
    """The parts that fit in `width` cells, the first one that does not cut with an ellipsis."""
    fitted: list[Part] = []
    for part in parts:
        length = part.content.cell_length
        if length > width:
            if width > 0:
                fitted.append(Part(part.content.truncate(width, ellipsis=True), part.target))
            break
        fitted.append(part)
        width -= length
    return fitted


class ClickableLine(Widget, can_focus=False):
    """Draws `parts(width)` as one line, with no child widgets: a change repaints this line alone,
    without mounting anything or a layout of the screen. The parts' styles name component classes
    (".top-bar--tab"), so that the theme and the app's CSS apply.

    Clicking a part that has a target calls `clicked(target)`; the part under the mouse gets the
    component class named by `HOVER_CLASS`.
    """

    ALLOW_SELECT = False
    HOVER_CLASS = ""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._targets: list[tuple[int, int, str]] = []
        self._hovered: str | None = None

    def parts(self, width: int) -> Sequence[Part]:
        """The line's parts, left to right, fitting in `width` cells."""
        raise NotImplementedError

    def clicked(self, target: str) -> None:
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        # Line API: the line's segments straight from its Content, a third of the time it takes
        # the Content to go through `render()` and Textual's Visual (wrapping, alignment…).
        width = self.size.width
        if y:
            return Strip.blank(width, self.visual_style.rich_style)
        pieces = self.line(width).render(self.visual_style, end="", parse_style=self._component_style)
        return Strip([Segment(text, style.rich_style) for text, style in pieces], width)

    def _component_style(self, style: str | Style) -> Style:
        return style if isinstance(style, Style) else self.get_visual_style(style.lstrip("."), partial=True)

    def line(self, width: int) -> Content:
        """The parts as one line of exactly `width` cells, noting where the targets are."""
        contents: list[Content] = []
        self._targets = []
        x = 0
        for content, target in self.parts(width):
            if target is not None:
                self._targets.append((x, x + content.cell_length, target))
                if target == self._hovered:
                    content = content.stylize(f".{self.HOVER_CLASS}")
            contents.append(content)
            x += content.cell_length
        return Content.assemble(*contents).truncate(width, pad=True)

    def target_at(self, x: int) -> str | None:
        return next((target for start, end, target in self._targets if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        target = self.target_at(event.x)
        if target is not None:
            event.stop()
            self.clicked(target)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self.target_at(event.x))

    def on_leave(self) -> None:
        self._hover(None)

    def _hover(self, target: str | None) -> None:
        if target != self._hovered:
            self._hovered = target
            self.refresh()
