"""Why a paper is in a ranked view (similar papers, For you): one line under the detail's header."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from papershelf.loaders.models import Paper
from papershelf.loaders.sanitize import terminal
from papershelf.tui.widgets.paper_text import Block

ReasonOf = Callable[[int], str | None]  # a paper's id → why it is shown (None: no reason)


def with_reason(blocks: tuple[Block, ...], paper: Paper | None, reason_of: ReasonOf) -> tuple[Block, ...]:
    """`blocks` (the detail's header first) with the reason after the header, when there is one."""
    reason = reason_of(paper.stored_id) if paper is not None else None
    if not reason or not blocks:
        return blocks
    return (blocks[0], Text(terminal(reason), style="italic", overflow="fold"), *blocks[1:])


def no_reason(paper_id: int) -> str | None:
    return None
