"""Every private piece of Textual the reader relies on, named here and nowhere else.

Textual is pinned to a minor range (pyproject.toml); tests/test_textual_private.py fails when one
of these stops behaving as the reader expects, which is the signal to revisit it on an upgrade.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give `view` a new virtual size and redraw it.

    Assigning `virtual_size` asks for a layout of the whole screen (tens of milliseconds at every
    keystroke), yet a ScrollView's region does not depend on it: only its scrollbars do, and a
    scrollbar that has to appear or go asks for the layout itself. Private: `_scroll_update`.
    """
    if size != view.virtual_size:
        view.set_reactive(ScrollView.virtual_size, size)
        view._scroll_update(size)
    view.refresh()


def virtual_size_without_layout() -> Reactive[Size]:
    """A `virtual_size` reactive to re-declare on a widget whose virtual size no other widget's
    layout depends on (an Input's, which follows its text at every keystroke)."""
    return Reactive(Size(0, 0), layout=False)


class KeyHook:
    """Sees each key before the widget's own handling (Textual's private `_on_key`), bindings
    included: `key_first` answers True when it took the key."""

    async def key_first(self, event: events.Key) -> bool:
        return False

    async def _on_key(self, event: events.Key) -> None:
        if await self.key_first(event):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)  # type: ignore[misc]
