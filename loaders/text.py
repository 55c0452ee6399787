"""Text hygiene shared by every loader: control characters, whitespace, identity keys, URLs."""

from __future__ import annotations

import re

# Whole escape sequences go first, so that their parameters ("[31m", "]8;;http://…") do not survive
# as visible junk once the ESC byte itself is gone. An OSC or DCS string without its terminator on
# the same line is not consumed: only its introducer is removed (by the generic ESC rule).
ESCAPE_SEQUENCES = re.compile(
    r"""
      \x1b\[ [0-?]* [ -/]* [@-~]                      # CSI: colours, cursor moves, …
    | \x9b   [0-?]* [ -/]* [@-~]                      # 8-bit CSI
    | (?:\x1b\]|\x9d) [^\x07\x1b\x9c\n]* (?:\x07|\x1b\\|\x9c)          # OSC: titles, hyperlinks, clipboard
    | (?:\x1b[P^_X]|[\x90\x9e\x9f\x98]) [^\x1b\x9c\n]* (?:\x1b\\|\x9c)  # DCS, PM, APC, SOS strings
    | \x1b [ -/]* [0-~]                               # any other ESC sequence
    """,
    re.VERBOSE,
)
# Unicode category Cc (C0, DEL, C1) but the line feed, plus U+FFFD, which only ever marks text
# damaged upstream.
CONTROL_CHARACTER = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ufffd]")
_CONTROLS = re.compile(CONTROL_CHARACTER.pattern + "+")

URL = re.compile(r"""https?://[^\s<>"{}|\\^`]+""", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\""
_URL_CLOSERS = {")": "(", "]": "["}


def strip_controls(text: str) -> str:
    """`text` without escape sequences or control characters (each run becomes a space); line
    feeds stay, so that a whole chunk of a file can be cleaned at once."""
    if not CONTROL_CHARACTER.search(text):
        return text
    return _CONTROLS.sub(" ", ESCAPE_SEQUENCES.sub("", text))


def collapse_whitespace(text: str) -> str:
    """`text`, already without control characters (`strip_controls`), with every run of whitespace
    a single space and none at either end."""
    if text.isascii() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # the common case, checked without splitting: ASCII has no other whitespace
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Return `text` without escape sequences or control characters, whitespace collapsed.

    Everything else, including markup-looking text such as ``[MASK]`` or ``<SEG>``, stays literal.
    """
    return collapse_whitespace(strip_controls(text).replace("\n", " "))


def title_key(title: str) -> str:
    """The identity of a paper that has no arXiv id: its title, casefolded, whitespace collapsed."""
    return " ".join(title.casefold().split())


def extract_urls(text: str) -> list[str]:
    """Every http(s) URL in `text`, in order of appearance, without duplicates or trailing punctuation."""
    urls: list[str] = []
    if "://" not in text:
        return urls
    for match in URL.finditer(text):
        url = _trim_url(match.group())
        if url.partition("://")[2] and url not in urls:
            urls.append(url)
    return urls


def _trim_url(url: str) -> str:
    while url:
        last = url[-1]
        unopened = last in _URL_CLOSERS and url.count(_URL_CLOSERS[last]) < url.count(last)
        if last in _URL_TRAILING or unopened:
            url = url[:-1]
        else:
            return url
    return url


def plural(count: int, word: str, words: str | None = None) -> str:
    """`1 paper`, `2 papers`; `words` for an irregular plural (`2 list entries`)."""
    return f"{count:,} {word if count == 1 else words or word + 's'}"
