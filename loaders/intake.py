"""Text entering the store: one cleaning for every field of every paper, whatever its source.

Page copies, Hugging Face, arXiv and restored backups all pass `admit_paper` before their papers
become rows, and the user's times pass `admit_time`. Text is cleaned (`text.clean_text`, and no
bidi override, zero-width character or lone surrogate); restricted fields (dates, arXiv id, DOI,
links, counts) keep only a well-formed value; a field over its cap refuses the paper, with a reason.
"""

from __future__ import annotations

import dataclasses
import datetime
import operator
import re

from papershelf.loaders.models import LIST_FIELDS, Paper
from papershelf.loaders.sanitize import BIDI_CONTROLS, INVISIBLE
from papershelf.loaders.text import clean_text

# What one field may hold, in characters: far above any real paper, far below what hurts.
CAPS = {"title": 2_000, "abstract": 100_000, "ai_summary": 100_000, "comment": 10_000}
DEFAULT_CAP = 2_000
MAX_LIST_ITEMS = 10_000
MAX_NOTE = 1_000_000
MAX_COUNT = 2**53  # SQLite keeps 64 bits; a count above this is no count
_JOINERS = frozenset("\u200c\u200d")  # they shape emoji and Indic and Persian words: kept in the store
_UNSAFE: dict[int, str | None] = {ord(char): None for char in BIDI_CONTROLS | (INVISIBLE - _JOINERS)}
_UNSAFE.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
_PATTERNS = {
    "published": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    # ISO, or the day as a page copy shows it ("Aug 14"), which the store dates (`listing_dates`).
    "listing_date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[A-Z][a-z]{2,8}\.? [0-9]{1,2}(?:, [0-9]{4})?"),
    "arxiv_id": re.compile(r"[0-9]{4}\.[0-9]{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/[0-9]{7}"),
    "doi": re.compile(r"10\.[0-9]{4,9}/[^\s{}\\\"<>]+"),
    "github_repo": re.compile(r"https?://[^\s<>\"{}\\^`|]+", re.IGNORECASE),
    "project_page": re.compile(r"https?://[^\s<>\"{}\\^`|]+", re.IGNORECASE),
    "org_id": re.compile(r"[^\s/\\]{1,200}"),
}


_FIELDS = tuple(spec.name for spec in dataclasses.fields(Paper))  # in the order Paper() takes them
_VALUES = operator.attrgetter(*_FIELDS)
# The fields a source gives (the store gives the others, and the user's own data has its own checks).
_ADMITTED = tuple(
    (n, name)
    for n, name in enumerate(_FIELDS)
    if name not in ("id", "starred_at", "sources", "note", "lists", "read_at")
)
_TITLE = _FIELDS.index("title")


class FieldError(ValueError):
    """A value that cannot enter the store; the message is one line naming the field."""


def clean(text: str) -> str:
    """One line of untrusted text as the store keeps it."""
    if is_clean(text):
        return text
    text = clean_text(text)
    return text if text.isprintable() else text.translate(_UNSAFE)


def is_clean(text: str) -> bool:
    """Whether `clean` would return `text` as it is: asked in C, without making new strings.

    Printable text has no control character, escape sequence, line end, bidi override, zero-width
    character or lone surrogate (all non-printable), and no whitespace but the ASCII space.
    """
    return text.isprintable() and "  " not in text and text[:1] != " " != text[-1:] and "\ufffd" not in text


def drop_unsafe(text: str) -> str:
    """`text` without bidi overrides or zero-width characters, lone surrogates replaced."""
    return text if text.isprintable() else text.translate(_UNSAFE)


def admit_paper(paper: Paper) -> Paper:
    """`paper` with every field cleaned and checked; FieldError when one is over its cap or the
    title is left empty."""
    values = list(_VALUES(paper))  # a new Paper made positionally: a sixth of dataclasses.replace's cost
    for n, name in _ADMITTED:
        if values[n] is not None:
            values[n] = _admit(name, values[n])
    if not values[_TITLE]:
        raise FieldError("title: empty")
    return Paper(*values)


def _admit(name: str, value: object) -> object:
    if isinstance(value, bool) or (isinstance(value, int) and not 0 <= value < MAX_COUNT):
        return None  # upvotes: 10**30, or a negative count
    if isinstance(value, int):
        return value
    if name in LIST_FIELDS and isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise FieldError(f"{name}: over {MAX_LIST_ITEMS:,} items")
        return [_capped(name, clean(item)) for item in value if isinstance(item, str) and item.strip()]
    if not isinstance(value, str):
        raise FieldError(f"{name}: unexpected value")
    text = _capped(name, clean(value))
    pattern = _PATTERNS.get(name)
    if pattern is not None and not pattern.fullmatch(text):
        return None
    return text or (None if name not in ("title", "abstract") else "")


def _capped(name: str, text: str) -> str:
    cap = CAPS.get(name, DEFAULT_CAP)
    if len(text) > cap:
        raise FieldError(f"{name}: {len(text):,} characters, over the {cap:,} one field may hold")
    return text


def admit_time(value: str) -> str:
    """An ISO 8601 time (or date) as given; FieldError when it is anything else."""
    if len(value) <= 40 and value.isascii() and value.isprintable():
        try:
            datetime.datetime.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise FieldError("not an ISO 8601 time")


def admit_note(text: str) -> str:
    """A note's text, checked against the cap (its cleaning is `userdata.clean_note`)."""
    if len(text) > MAX_NOTE:
        raise FieldError(f"note: {len(text):,} characters, over the {MAX_NOTE:,} a note may hold")
    return text
