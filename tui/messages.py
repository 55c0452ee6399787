"""The messages the reader's state sends its screens, and the one that brings work back from
the store's thread to the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message

from papershelf.tui.state.owner import Change


@dataclass
class StateChanged(Message):
    """What the state owner changed: each screen redraws the parts `change` names."""

    change: Change


@dataclass
class Delivered(Message):
    """A result from another thread, to be handled on the UI thread (posting is thread-safe)."""

    handle: Callable[[], None]
