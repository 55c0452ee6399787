"""The base of papershelf's dialogs."""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen
from textual.widgets import Input

from papershelf.tui.widgets.in_order_keys import InOrderKeys

Answer = TypeVar("Answer")


class Dialog(ModalScreen[Answer]):
    """A modal screen that answers once.

    Textual's `dismiss` pops whichever screen is on top; keys typed quickly (an `Esc` right behind
    the `Enter` that answered) would otherwise close the screen below as well.
    """

    def dismiss(self, result: Answer | None = None) -> AwaitComplete:
        if self.app.screen is not self:
            return AwaitComplete()
        return super().dismiss(result)


class AnswerInput(InOrderKeys, Input):
    """An Input whose `Enter` answers its dialog at once rather than through a message, so that
    the keys typed right behind it go to the screen below."""

    async def action_submit(self) -> None:
        self.screen.answer(self.value)  # type: ignore[attr-defined]
