"""Resizing a line view's content without laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give `view` a new virtual size and redraw it.

    Assigning `virtual_size` asks for a layout of the whole screen (tens of milliseconds at every
    keystroke), yet a ScrollView's region does not depend on it: only its scrollbars do, and a
    scrollbar that has to appear or go asks for the layout itself.
    """
    if size != view.virtual_size:
        view.set_reactive(ScrollView.virtual_size, size)
        view._scroll_update(size)
    view.refresh()
