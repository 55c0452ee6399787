"""A view tab whose label carries a count that changes as the user works (`Starred 12`)."""

from __future__ import annotations

from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Static, Tab


class CountTab(Tab):
    """A Tab that asks for a screen layout only when a new label changes its width."""

    _laid_out_width = 0

    def update(self, content: VisualType = "") -> None:
        width = content.cell_length if isinstance(content, Content) else 0
        if width and width == self._laid_out_width:
            # Same width, same place: repaint the tab alone; the underline needs no Relabelled.
            Static.update(self, content, layout=False)
            return
        self._laid_out_width = width
        super().update(content)
