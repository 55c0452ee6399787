"""Keys handled in the order they were typed, even when one of them moves the focus."""

from __future__ import annotations

from textual import events
from textual.widget import Widget


class InOrderKeys:
    """A focusable widget that finishes each key, bindings included, before it reads the next.

    Textual routes every key of a burst (fast typing over SSH, keys sent in one write) to the widget
    focused when the burst arrives, and runs bindings only once a key has bubbled up to the app. A
    binding that moves the focus (`/`, `Enter` or `Esc` in the filter) would act too late: the keys
    behind it are already handled, or dropped, by the widget that had the focus. So this widget runs
    the binding of a key at once, and hands the keys it receives after losing the focus to the
    widget that has it now.
    """

    async def _on_key(self: Widget, event: events.Key) -> None:
        focused = self.app.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        active = self.app.active_bindings.get(event.key)
        if active is not None and active.enabled:
            event.stop()
            event.prevent_default()
            await self.app.run_action(active.binding.action, active.node)
            return
        await super()._on_key(event)  # type: ignore[misc]
