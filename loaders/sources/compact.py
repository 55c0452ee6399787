"""The compact shape: no blank lines, a title line then an abstract line for each paper.

The page's `Subscribe` button text is glued to the first title (`SubscribePredicting the Order…`);
`page.py` takes it off while reading the header.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def blocks(lines: Iterable[str]) -> Iterator[list[str]]:
    """Every non-blank line of `lines` as a block of its own."""
    for line in lines:
        if stripped := line.strip():
            yield [stripped]
