"""Citation keys: one per paper, derived from the paper alone when it is first stored, then kept.

The shape is Google Scholar's and Better BibTeX's, `<first author's family name><year><first title
word>` (`zuhri2025predicting`), folded to ASCII letters and digits. Without author names (page
copies show only a count) the first title word stands in for the author and the next one follows
the year (`predicting2025order`); the year is the publication's, else the listing's. A key already
held by another paper gets a letter (`…a`, `…b`): only stored keys count, so a key never changes
with what is exported, and exporting a list gives the same keys as exporting everything.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable

from papershelf.loaders.models import Paper

WORD_MAX = 24
# Better BibTeX's skip words, the ones that begin titles.
SKIP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "after",
        "against",
        "along",
        "among",
        "an",
        "and",
        "around",
        "as",
        "at",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "between",
        "beyond",
        "but",
        "by",
        "down",
        "during",
        "except",
        "for",
        "from",
        "in",
        "inside",
        "into",
        "like",
        "near",
        "of",
        "off",
        "on",
        "onto",
        "or",
        "out",
        "outside",
        "over",
        "past",
        "since",
        "the",
        "through",
        "throughout",
        "till",
        "to",
        "toward",
        "under",
        "underneath",
        "until",
        "up",
        "upon",
        "via",
        "with",
        "within",
        "without",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
_CHUNK = 500


def ascii_words(text: str) -> list[str]:
    """The words of `text` folded to lower-case ASCII (`é` → `e`; what has no ASCII form is dropped)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _WORD.findall(folded.replace("'", "").replace("’", ""))


def family_name(author: str) -> str:
    """The family name of `author` ("Family, Given" or "Given … Family") as one key word."""
    name = author.split(",")[0] if "," in author else (author.split() or [""])[-1]
    return "".join(ascii_words(name))[:WORD_MAX]


def base_key(paper: Paper) -> str:
    """The key `paper` gets when no other paper holds it (see the module's docstring)."""
    words = [w for w in ascii_words(paper.title) if w not in SKIP_WORDS] or ascii_words(paper.title)
    author = family_name(paper.authors[0]) if paper.authors else ""
    if not author and words:
        author = words.pop(0)[:WORD_MAX]
    year = _year(paper.published) or _year(paper.listing_date)
    key = author + year + (words[0][:WORD_MAX] if words else "")
    return key if key and not key.isdigit() else f"paper{paper.id}"


def _year(date: str | None) -> str:
    return date[:4] if date and re.match(r"\d{4}-", date) else ""


def assign(conn: sqlite3.Connection, paper_ids: Iterable[int]) -> None:
    """Give each of these papers that has no key its key, unique among the stored ones."""
    ids = list(paper_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = conn.execute(
            f"""SELECT id, title, authors, published, listing_date FROM papers
                WHERE id IN ({", ".join("?" * len(chunk))}) AND citekey IS NULL ORDER BY id""",
            chunk,
        )
        for paper_id, title, authors, published, listing_date in rows.fetchall():
            paper = Paper(title=title, abstract="", published=published, listing_date=listing_date)
            paper.id, paper.authors = paper_id, json.loads(authors) if authors else None
            key = unique_key(conn, base_key(paper))
            conn.execute("UPDATE papers SET citekey = ? WHERE id = ?", [key, paper_id])


def unique_key(conn: sqlite3.Connection, base: str) -> str:
    """`base`, or `base` with the first letters suffix (a…z, aa…) that no stored paper holds."""
    candidate, number = base, 0
    while conn.execute("SELECT 1 FROM papers WHERE citekey = ?", [candidate]).fetchone():
        number += 1
        candidate = base + _letters(number)
    return candidate


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
