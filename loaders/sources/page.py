"""Parse a text copy of a Hugging Face papers page: header, shape detection, title/abstract pairing.

The shape is read from the content, never from the file name: after the page header, a copy whose
lines are separated by blank lines is `spaced`, one whose lines follow each other is `compact`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice

from papershelf.loaders.models import Paper, Skipped
from papershelf.loaders.sources import compact, spaced
from papershelf.loaders.text import clean_text

HEADER_LINES = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    }
)
SUBSCRIBE = "Subscribe"
TITLE_MAX = 300
SENTENCE_END = (".", "!", "?", ")", '"', "'")
SHAPE_PEEK = 64


@dataclass
class Page:
    """A parsed page: its shape, the listing date its header shows, and its papers as they are read."""

    shape: str
    listing_date: str | None
    has_header: bool
    entries: Iterator[Paper | Skipped]


def parse_page(lines: Iterable[str]) -> Page:
    """Read the header of `lines` now; the papers are parsed lazily as `entries` is iterated."""
    lines = iter(lines)
    first, listing_date, has_header = _skip_header(lines)
    peek = list(islice(lines, SHAPE_PEEK))
    shape = "spaced" if _looks_spaced([first, *peek]) else "compact"
    body = chain([first] if first else [], peek, lines)
    blocks = spaced.blocks(body) if shape == "spaced" else compact.blocks(body)
    return Page(shape, listing_date, has_header, _entries(blocks, listing_date))


def _skip_header(lines: Iterator[str]) -> tuple[str, str | None, bool]:
    """Consume the page header: return the first line of content, the listing date if shown, and
    whether a header was there at all."""
    listing_date = None
    seen_header = False
    for line in lines:
        text = clean_text(line)
        if not text:
            continue
        if text in HEADER_LINES:
            seen_header = True
            continue
        if seen_header and text.startswith(SUBSCRIBE):
            return text[len(SUBSCRIBE) :], listing_date, True
        date = spaced.parse_date(text)
        if listing_date is None and date and date["upvotes"] is None:
            listing_date = date["published_text"]
            continue
        return line, listing_date, seen_header
    return "", listing_date, seen_header


def _looks_spaced(lines: list[str]) -> bool:
    """True when most consecutive non-blank lines are separated by at least one blank line."""
    gaps = spaced_gaps = 0
    blank_before = False
    seen_text = False
    for line in lines:
        if not line.strip():
            blank_before = True
            continue
        if seen_text:
            gaps += 1
            spaced_gaps += blank_before
        seen_text, blank_before = True, False
    return gaps > 0 and spaced_gaps * 2 >= gaps


def _entries(blocks: Iterator[list[str]], listing_date: str | None) -> Iterator[Paper | Skipped]:
    title: str | None = None  # a title still waiting for its abstract
    held: Paper | None = None  # the last paper, kept until we know whether metadata follows it
    held_has_metadata = False
    for block, upcoming in _with_next(blocks):
        metadata = spaced.parse_metadata(block)
        if metadata is not None:
            if title is not None:
                yield Skipped(title, "no abstract after it (truncated copy?)")
                title = None
            elif held is not None and not held_has_metadata:
                for name, value in metadata.items():
                    setattr(held, name, value)
                held_has_metadata = True
            continue
        text = clean_text(block[0] if len(block) == 1 else " ".join(block))
        if not text:
            continue
        if title is None:
            if held is not None:
                yield held
                held = None
            if len(text) > TITLE_MAX:
                yield Skipped(text[:80] + "…", "an abstract without a title before it")
            else:
                title = text
        elif _is_orphan_title(text, upcoming):
            yield Skipped(title, "no abstract after it (truncated copy?)")
            title = text
        else:
            held = Paper(title=title, abstract=text, listing_date=listing_date)
            held_has_metadata = False
            title = None
    if held is not None:
        yield held
    if title is not None:
        yield Skipped(title, "no abstract after it (truncated copy?)")


def _is_orphan_title(text: str, upcoming: list[str] | None) -> bool:
    """True when `text`, read where an abstract belongs, is the next title: the previous title lost
    its abstract. A short text without a closing full stop, followed by a long one, is such a title."""
    if upcoming is None or len(text) > TITLE_MAX or text.endswith(SENTENCE_END):
        return False
    return spaced.parse_metadata(upcoming) is None and sum(map(len, upcoming)) > TITLE_MAX


def _with_next(blocks: Iterator[list[str]]) -> Iterator[tuple[list[str], list[str] | None]]:
    current = next(blocks, None)
    while current is not None:
        upcoming = next(blocks, None)
        yield current, upcoming
        current = upcoming
