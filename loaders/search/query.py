"""The filter's query language, parsed once and shared by the reader and `papershelf search`.

    kv cache "exact phrase" -diffusion author:lecun org:nvidia cat:cs.CL keyword:graph list:NAME
    is:starred|unread|read|noted has:code|project date:2025-06 date:>=2025-06-01 since:7d upvotes:>20

Plain words match titles, abstracts, authors, the organisation, categories, Hugging Face's
keywords and notes, typos forgiven; a quoted phrase must appear as written (case aside); `-word`,
`-"a phrase"` and `-field:value` exclude. A field whose value does not parse (`date:june`,
`upvotes:many`, `foo:bar`) is searched as the words it is made of: a query is never an error.
Pure: text in, a `Query` out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TEXT_FIELDS = ("author", "org", "cat", "keyword", "list")
# The language in a few lines, for the reader's help (syntax, what it does).
HELP = (
    ("words", "titles, abstracts, authors, organisation, categories, keywords, notes; typos forgiven"),
    ('"a phrase"', "as written, case aside"),
    ("-word", 'leaves out; also -"a phrase", -author:name'),
    ("author: org: cat:", "author:lecun org:nvidia cat:cs.CL"),
    ("keyword: list:", 'keyword:"message passing" (Hugging Face\'s) list:NAME (or list:starred)'),
    ("is: has:", "is:starred|unread|read|noted has:code|project"),
    ("date: since: upvotes:", "date:2025-06 date:>=2025-06-01 since:7d upvotes:>20"),
)
STATES = frozenset({"starred", "unread", "read", "noted"})
HAS = frozenset({"code", "project"})
_TOKEN = re.compile(r'(-?)(?:([a-z]+):)?(?:"([^"]*)"?|(\S+))', re.IGNORECASE)
_DATE = re.compile(r"(>=|<=|>|<|=)?(\d{4}(?:-\d{2}(?:-\d{2})?)?)")
_SINCE = re.compile(r"(\d{1,5})([dwmy])")
_NUMBER = re.compile(r"(>=|<=|>|<|=)?(\d{1,9})")
SINCE_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


@dataclass(frozen=True, slots=True)
class Filter:
    """One `field:value` condition: `op` is a comparison (`>=`, `=`…) for dates and numbers."""

    name: str
    value: str
    op: str = "="
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: what to match as text, what must appear as written, what to leave out."""

    words: tuple[str, ...] = ()  # plain words, in order, as typed
    phrases: tuple[str, ...] = ()  # lowered, spaces squeezed
    excluded: tuple[str, ...] = ()  # words and phrases, lowered
    filters: tuple[Filter, ...] = field(default=())

    @property
    def text(self) -> str:
        """The words to rank by: the plain words, then those of the phrases."""
        return " ".join([*self.words, *self.phrases])

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.excluded or self.filters)


def parse(text: str) -> Query:
    """The query `text` says; never an error."""
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    filters: list[Filter] = []
    for match in _TOKEN.finditer(text):
        minus, name, quoted, bare = match.groups()
        value = quoted if quoted is not None else bare
        negated = minus == "-"
        if name is not None:
            found = field_filter(name.lower(), value.strip(), negated)
            if found is not None:
                filters.append(found)
                continue
            value = f"{name} {value}"  # not a field: its words are searched
        if quoted is not None or name is not None:
            phrase = " ".join(value.lower().split())
            if not phrase:
                continue
            if negated:
                excluded.append(phrase)
            elif quoted is not None and name is None:
                phrases.append(phrase)
            else:
                words.append(value)
        elif negated and value:
            excluded.append(value.lower())
        elif value:
            words.append(value)
    return Query(tuple(words), tuple(phrases), tuple(excluded), tuple(filters))


def field_filter(name: str, value: str, negated: bool = False) -> Filter | None:
    """The filter `name:value` is, or None when it is none (then it is searched as text)."""
    if not value:
        return None
    lowered = value.lower()
    if name in TEXT_FIELDS:
        return Filter(name, value, "=", negated)
    if name == "is" and lowered in STATES:
        return Filter(name, lowered, "=", negated)
    if name == "has" and lowered in HAS:
        return Filter(name, lowered, "=", negated)
    if name == "date" and (date := _DATE.fullmatch(value)) and _valid_date(date[2]):
        return Filter(name, date[2], date[1] or "=", negated)
    if name == "since" and (since := _SINCE.fullmatch(lowered)):
        return Filter(name, str(int(since[1]) * SINCE_DAYS[since[2]]), ">=", negated)
    if name == "upvotes" and (number := _NUMBER.fullmatch(value)):
        return Filter(name, number[2], number[1] or "=", negated)
    return None


def _valid_date(text: str) -> bool:
    parts = [int(part) for part in text.split("-")]
    return (len(parts) < 2 or 1 <= parts[1] <= 12) and (len(parts) < 3 or 1 <= parts[2] <= 31)
