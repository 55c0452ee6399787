"""Keys handled in the order they were typed, even when one of them moves the focus."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual import events
from textual.screen import Screen
from textual.widget import Widget

from papershelf.tui.textual_private import KeyHook

# Keys typed behind one that opened a dialog, held until the dialog is mounted and focused.
_WAITING: WeakKeyDictionary[Screen, list[events.Key]] = WeakKeyDictionary()


class InOrderKeys(KeyHook):
    """A focusable widget that finishes each key, bindings included, before it reads the next.

    Textual routes every key of a burst (fast typing over SSH, keys sent in one write) to the widget
    focused when the burst arrives, and runs bindings only once a key has bubbled up to the app. A
    binding that moves the focus (`/`, `Enter` or `Esc` in the filter) would act too late: the keys
    behind it are already handled, or dropped, by the widget that had the focus. So this widget runs
    the binding of a key at once, and hands the keys it receives after losing the focus to the
    widget that has it now, or to the dialog opened meanwhile once it is ready.
    """

    async def key_first(self: Widget, event: events.Key) -> bool:  # type: ignore[misc]
        focused = self.app.focused
        if self.screen is not self.app.screen or (focused is not None and focused is not self):
            key = events.Key(event.key, event.character)
            if self.screen is self.app.screen and focused is not None:
                focused.post_message(key)
            else:
                _hand_to_dialog(self.app.screen, key)
            return True
        if event.is_printable and self.check_consume_key(event.key, event.character):
            return False  # typed text (`-word`, a `/` in an id): the screen's `-` and `/` wait
        active = self.app.active_bindings.get(event.key)
        if active is not None and active.enabled:
            await self.app.run_action(active.binding.action, active.node)
            return True
        return False


def _hand_to_dialog(dialog: Screen, key: events.Key) -> None:
    waiting = _WAITING.setdefault(dialog, [])
    waiting.append(key)
    if len(waiting) == 1:
        dialog.call_after_refresh(_deliver, dialog)


def _deliver(dialog: Screen) -> None:
    if not dialog.is_mounted:
        dialog.call_after_refresh(_deliver, dialog)
        return
    for key in _WAITING.pop(dialog, []):
        dialog.app.post_message(key)  # routed by the app, as typed keys are
