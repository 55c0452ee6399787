"""The detail pane's fast wrap of plain abstracts gives the lines Rich gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from papershelf.loaders.store.database import Store
from papershelf.tui.widgets.paper_detail import _plain_and_short_words, _wrapped_plain


def rich_lines(text: Text, width: int) -> list[str]:
    console = Console(width=200)
    segments = console.render(text, console.options.update_width(width))
    return ["".join(segment.text for segment in line).rstrip() for line in Segment.split_lines(segments)]


@pytest.mark.parametrize("width", [24, 45, 80])
def test_plain_abstracts_wrap_as_rich_wraps_them(sample_store: Store, width: int):
    fast = 0
    for paper in sample_store.papers():
        abstract = Text(paper.abstract, overflow="fold")
        if _plain_and_short_words(abstract, width):
            fast += 1
            assert _wrapped_plain(abstract.plain, width) == rich_lines(abstract, width), paper.title
    assert fast > 200  # most abstracts take the fast way


@given(st.text(alphabet="ab -\n", max_size=80), st.integers(min_value=3, max_value=20))
def test_any_text_the_fast_wrap_takes_wraps_as_rich_wraps_it(text: str, width: int):
    block = Text(text, overflow="fold")
    if _plain_and_short_words(block, width):
        assert _wrapped_plain(text, width) == rich_lines(block, width)
