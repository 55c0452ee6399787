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
    return _base(paper.title, paper.authors, paper.published, paper.listing_date, paper.id)


def _base(
    title: str,
    authors: list[str] | None,
    published: str | None,
    listing_date: str | None,
    paper_id: int | None,
) -> str:
    words = [w for w in ascii_words(title) if w not in SKIP_WORDS] or ascii_words(title)
    author = family_name(authors[0]) if authors else ""
    if not author and words:
        author = words.pop(0)[:WORD_MAX]
    year = _year(published) or _year(listing_date)
    key = author + year + (words[0][:WORD_MAX] if words else "")
    return key if key and not key.isdigit() else f"paper{paper_id}"


def _year(date: str | None) -> str:
    return date[:4] if date and re.match(r"\d{4}-", date) else ""


# A paper as `new_keys` reads it: id, title, authors (JSON), published, listing date.
Fields = tuple[int, str, str | None, str | None, str | None]


def new_keys(conn: sqlite3.Connection, papers: list[Fields]) -> list[str]:
    """The keys of papers about to be stored, in order: unique among the stored ones and each other.

    The stored keys of each base are read once, with one range query: a loop of one query per
    candidate suffix was quadratic in the papers sharing a base (`wang2020deep`, …).
    """
    bases = [
        _base(title, json.loads(authors) if authors else None, published, listing, paper_id)
        for paper_id, title, authors, published, listing in papers
    ]
    taken: dict[str, set[str]] = {}
    tried: dict[str, int] = {}  # base -> the suffix numbers below this one are taken
    keys = []
    for base in bases:
        if base not in taken:
            taken[base] = _stored_with_base(conn, base)
        key, tried[base] = _first_free(base, taken[base], tried.get(base, 0))
        taken[base].add(key)
        keys.append(key)
    return keys


def _stored_with_base(conn: sqlite3.Connection, base: str) -> set[str]:
    # "{" follows "z": the range holds `base` and every key that continues it (suffixed ones among them).
    rows = conn.execute("SELECT citekey FROM papers WHERE citekey >= ? AND citekey < ?", [base, base + "{"])
    return {row[0] for row in rows}


def _first_free(base: str, taken: set[str], number: int = 0) -> tuple[str, int]:
    """The first of `base`, `base`a, `base`b, … (from suffix `number` on) not in `taken`, and its number."""
    candidate = base + _letters(number)
    while candidate in taken:
        number += 1
        candidate = base + _letters(number)
    return candidate, number


def assign(conn: sqlite3.Connection, paper_ids: Iterable[int]) -> None:
    """Give each of these papers that has no key its key, unique among the stored ones."""
    ids = list(paper_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = conn.execute(
            f"""SELECT id, title, authors, published, listing_date FROM papers
                WHERE id IN ({", ".join("?" * len(chunk))}) AND citekey IS NULL ORDER BY id""",
            chunk,
        ).fetchall()
        keys = new_keys(conn, rows)
        conn.executemany(
            "UPDATE papers SET citekey = ? WHERE id = ?", [(k, r[0]) for k, r in zip(keys, rows, strict=True)]
        )


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
