"""Values from live sources made safe: clean text, web URLs, dates, arXiv ids.

Anything fetched may be missing, of the wrong type or hostile; each function returns None then.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from papershelf.loaders.sources.spaced import MONTHS
from papershelf.loaders.text import clean_text

_WEB_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_ARXIV_ID = re.compile(
    r"(?:^|/abs/|/pdf/|arxiv:)(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?$",
    re.IGNORECASE,
)


def text_or_none(value: Any) -> str | None:
    """`value` as clean one-line text; None unless it is a non-blank string."""
    if not isinstance(value, str):
        return None
    return clean_text(value) or None


def url_or_none(value: Any) -> str | None:
    """`value` when it is an http(s) URL and nothing else."""
    text = text_or_none(value)
    return text if text and _WEB_URL.fullmatch(text) else None


def date_or_none(value: Any) -> str | None:
    """The ISO date an ISO timestamp (`2025-06-17T13:38:03.000Z`) falls on, None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def shown_date(iso_date: str | None) -> str | None:
    """An ISO date as the papers pages show it: `Jun 17, 2025`."""
    if iso_date is None:
        return None
    date = datetime.date.fromisoformat(iso_date)
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


def arxiv_id_from(value: object) -> str | None:
    """The arXiv id (without version) that `value` is or links to, None when it is none."""
    if not isinstance(value, str):
        return None
    match = _ARXIV_ID.search(value.strip())
    return match["id"] if match else None
