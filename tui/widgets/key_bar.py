"""The bottom line: the keys the focused widget answers to, as Textual's Footer shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from textual.content import Content

from papershelf.tui.widgets.clickable_line import ClickableLine, Part, width_of

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


class ShownKey(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool


def shown_keys(screen: Screen) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
    """The keys Textual's Footer shows on `screen`: the active bindings with `show`, the first one
    of each action, focused widget first and app last; and the command palette's key."""
    app = screen.app
    active = screen.active_bindings

    def shown(binding: Binding, enabled: bool) -> ShownKey:
        return ShownKey(binding.key, app.get_key_display(binding), binding.description, enabled)

    by_action: dict[str, ShownKey] = {}
    for _node, binding, enabled, _tooltip in active.values():
        if binding.show and binding.action not in by_action:
            by_action[binding.action] = shown(binding, enabled)
    palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
    return tuple(by_action.values()), palette and shown(palette.binding, palette.enabled)


class KeyBar(ClickableLine):
    """Textual's Footer drawn as one line: a change of focus repaints it, where the Footer mounted
    a widget per key and laid out the screen again. Keys that do not fit are left out; clicking a
    key presses it."""

    COMPONENT_CLASSES = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--hover",
        "key-bar--disabled",
        "key-bar--separator",
    }
    HOVER_CLASS = "key-bar--hover"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: tuple[ShownKey, ...] = ()
        self._palette: ShownKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if not self.app.app_focus:
            return  # as the Footer: the keys stay while the terminal is in the background
        keys, palette = shown_keys(screen)
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    def clicked(self, target: str) -> None:
        shown = next((key for key in (*self._keys, self._palette) if key and key.key == target), None)
        if shown is None:
            return  # the keys changed since the line was drawn
        if shown.enabled:
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()

    def parts(self, width: int) -> list[Part]:
        right = []
        if self._palette is not None:
            right = [Part(Content.styled("▏", ".key-bar--separator")), self._key_part(self._palette)]
        left = self._fitting(width - width_of(right))
        return [*left, Part(Content.blank(max(0, width - width_of(left) - width_of(right)))), *right]

    def _fitting(self, room: int) -> list[Part]:
        """The keys that fit whole in `room` cells, and an ellipsis when some do not."""
        parts = [self._key_part(key) for key in self._keys]
        if width_of(parts) <= room:
            return parts
        fitted: list[Part] = []
        for part in parts:
            if width_of(fitted) + part.content.cell_length + 1 > room:
                break
            fitted.append(part)
        return [*fitted, Part(Content.styled("…", ".key-bar--description"))] if room > 0 else []

    def _key_part(self, key: ShownKey) -> Part:
        content = Content.styled(f" {key.display} ", ".key-bar--key")
        if key.description:
            content += Content.styled(f"{key.description} ", ".key-bar--description")
        if not key.enabled:
            content = content.stylize(".key-bar--disabled")
        return Part(content, key.key)
