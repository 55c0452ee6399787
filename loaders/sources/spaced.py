"""The spaced shape: paragraphs separated by blank lines, each paper a title paragraph, an abstract
paragraph and, on pages that show it, a metadata paragraph such as::

      • 7 authors            AGI-LAB-HF AGI Lab
    ·                    or  ·
    May 9                    Feb 3 11
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_LINE = re.compile(
    r"(?P<shown>(?P<month>" + "|".join(MONTHS) + r") (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?)"
    r"(?: (?P<upvotes>\d{1,9}))?"
)
AUTHORS_LINE = re.compile(r"•\s*(?P<count>\d{1,6}) authors?")
SEPARATOR = "·"
METADATA_MAX_LINES = 8
METADATA_MAX_LENGTH = 200
_METADATA_INITIALS = frozenset("•·" + "".join(month[0] for month in MONTHS))


def blocks(lines: Iterable[str]) -> Iterator[list[str]]:
    """The paragraphs of `lines`, each a list of its non-blank lines."""
    paragraph: list[str] = []
    for line in lines:
        if line := line.strip():
            paragraph.append(line)
        elif paragraph:
            yield paragraph
            paragraph = []
    if paragraph:
        yield paragraph


def parse_date(text: str) -> dict | None:
    """`Mon D[, YYYY][ upvotes]` as paper fields; the ISO date only when the year is shown."""
    match = DATE_LINE.fullmatch(text)
    if not match:
        return None
    published = None
    if match["year"]:
        month = MONTHS.index(match["month"]) + 1
        try:
            published = datetime.date(int(match["year"]), month, int(match["day"])).isoformat()
        except ValueError:
            published = None
    upvotes = int(match["upvotes"]) if match["upvotes"] else None
    return {"published_text": match["shown"], "published": published, "upvotes": upvotes}


def parse_metadata(block: list[str]) -> dict | None:
    """The fields of a metadata paragraph, or None when `block` is not one.

    A metadata paragraph holds a date, an author count or a `·` separator line, and at most one
    organization line (`<org id> <display name>`) in front.
    """
    if len(block) == 1:  # the common case, a title or an abstract: rule it out cheaply
        line = block[0]
        if len(line) > METADATA_MAX_LENGTH or line[0] not in _METADATA_INITIALS:
            return None
    elif len(block) > METADATA_MAX_LINES or max(map(len, block)) > METADATA_MAX_LENGTH:
        return None
    fields: dict = {}
    has_marker = False
    for position, line in enumerate(block):
        if line == SEPARATOR:
            has_marker = True
        elif (authors := AUTHORS_LINE.fullmatch(line)) and "authors_count" not in fields:
            fields["authors_count"] = int(authors["count"])
            has_marker = True
        elif (date := parse_date(line)) and "published_text" not in fields:
            fields.update(date)
            has_marker = True
        elif position == 0 and len(block) > 1:
            org_id, _, org_name = line.partition(" ")
            fields["org_id"], fields["org_name"] = org_id, org_name or org_id
        else:
            return None
    return fields if has_marker else None
