"""The records shared by the loaders, the store and the app."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from operator import attrgetter
from urllib.parse import urlencode

from papershelf.loaders.text import extract_urls, title_key

# What live sources (Hugging Face, arXiv) know about a paper beyond what a page copy shows.
DETAIL_FIELDS = (
    "authors",
    "categories",
    "doi",
    "comment",
    "journal_ref",
    "updated",
    "github_repo",
    "project_page",
    "ai_summary",
    "ai_keywords",
    "github_stars",
    "comment_count",
)
# Fields a later source may fill in or replace, never erase (see `merge`).
MERGED_FIELDS = (
    "title",
    "abstract",
    "authors_count",
    "org_id",
    "org_name",
    "published_text",
    "published",
    "upvotes",
    "arxiv_id",
    "listing_date",
    *DETAIL_FIELDS,
)

INTEGER_FIELDS = frozenset({"authors_count", "upvotes", "github_stars", "comment_count"})
# Stored as JSON arrays of text; the other fields are text.
LIST_FIELDS = frozenset({"authors", "categories", "ai_keywords"})
_LIST_POSITIONS = tuple(n for n, name in enumerate(MERGED_FIELDS) if name in LIST_FIELDS)


@dataclass(slots=True)
class Paper:
    """One paper: what a loader parsed, or what the store holds (then `id` is set)."""

    title: str
    abstract: str
    authors_count: int | None = None
    org_id: str | None = None
    org_name: str | None = None
    published_text: str | None = None
    published: str | None = None
    upvotes: int | None = None
    arxiv_id: str | None = None
    listing_date: str | None = None
    # What live sources add (see `papershelf.loaders.sources.fetch`).
    authors: list[str] | None = None
    categories: list[str] | None = None  # arXiv's, the primary one first
    doi: str | None = None
    comment: str | None = None  # the authors' comment on arXiv ("12 pages, accepted at …")
    journal_ref: str | None = None  # where it was published ("Phys. Rev. D 76, 013009 (2007)")
    updated: str | None = None  # ISO date of arXiv's last update to the paper (its latest version)
    github_repo: str | None = None
    project_page: str | None = None
    ai_summary: str | None = None  # Hugging Face's one-paragraph summary
    ai_keywords: list[str] | None = None
    github_stars: int | None = None  # the paper's repository's, as Hugging Face counted them
    comment_count: int | None = None  # comments on the paper's Hugging Face page
    id: int | None = None
    # Given by the store: the paper's citation key, and its listing date as the page showed it.
    citekey: str | None = None
    listing_date_text: str | None = None
    starred_at: str | None = None
    sources: list[str] = field(default_factory=list)
    # The user's own data, filled in only where asked for (`userdata.annotate`).
    note: str | None = None
    lists: list[str] = field(default_factory=list)
    read_at: str | None = None

    @property
    def key(self) -> str:
        """The paper's identity across files: its arXiv id, else its normalized title."""
        return self.arxiv_id or title_key(self.title)

    @property
    def stored_id(self) -> int:
        """The id of a paper read from the store (a paper only parsed has none: ValueError)."""
        if self.id is None:
            raise ValueError(f"“{self.title[:40]}” is not a stored paper")
        return self.id

    @property
    def urls(self) -> list[str]:
        """The URLs the abstract mentions."""
        return extract_urls(self.abstract)

    def links(self) -> list[str]:
        """Every link of the paper, in the order the reader numbers them: its page (`link`), the
        arXiv abstract and PDF, the code, the project page, the DOI, then the URLs of the abstract;
        without duplicates."""
        links = [self.link]
        if self.arxiv_id:
            links += [f"https://arxiv.org/abs/{self.arxiv_id}", f"https://arxiv.org/pdf/{self.arxiv_id}"]
        links += [url for url in (self.github_repo, self.project_page) if url]
        if self.doi:
            links.append(f"https://doi.org/{self.doi}")
        unique: dict[str, str] = {}  # the same URL with or without a final slash is listed once
        for url in [*links, *self.urls]:
            unique.setdefault(url.rstrip("/"), url)
        return list(unique.values())

    @property
    def starred(self) -> bool:
        return self.starred_at is not None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def link(self) -> str:
        """The paper's page: Hugging Face when the arXiv id is known, else an arXiv title search."""
        if self.arxiv_id:
            return f"https://huggingface.co/papers/{self.arxiv_id}"
        query = urlencode({"query": self.title, "searchtype": "title"})
        return f"https://arxiv.org/search/?{query}"

    def merged_with(self, newer: Paper) -> Paper:
        """This paper updated by a newer copy of it: newer non-null values win, nulls erase nothing.

        A newer abstract that is only the beginning of the stored one (a truncated copy) is ignored.
        The listing date is the page's, not the paper's: the first one seen stays (each source keeps
        its own), so that loading pages again in another order changes nothing.
        """
        values = {name: getattr(self, name) for name in MERGED_FIELDS}
        for name in MERGED_FIELDS:
            value = getattr(newer, name)
            if value is not None and not (name == "listing_date" and values[name] is not None):
                values[name] = value
        if len(newer.abstract) < len(self.abstract) and self.abstract.startswith(newer.abstract):
            values["abstract"] = self.abstract
        return Paper(
            **values,
            id=self.id,
            citekey=self.citekey,
            listing_date_text=self.listing_date_text,
            starred_at=self.starred_at,
            sources=self.sources,
        )

    def same_fields(self, other: Paper) -> bool:
        return all(getattr(self, name) == getattr(other, name) for name in MERGED_FIELDS)


@dataclass(slots=True)
class Skipped:
    """A title a loader could not turn into a paper, and why."""

    title: str
    reason: str


# How papers travel from a parser to the store (and between processes): plain tuples, cheap to
# pickle, that the store inserts as they are.
ROW_FIELDS = ("position", *MERGED_FIELDS, "title_key", "urls")


# json.dumps(…, ensure_ascii=False) makes an encoder per call: a third of a million papers' rows.
_JSON = json.JSONEncoder(ensure_ascii=False).encode
_MERGED_VALUES = attrgetter(*MERGED_FIELDS)


def paper_row(position: int, paper: Paper) -> tuple:
    """`paper` as a row: its position in its file, its fields (lists as JSON), its title key and
    its URLs as JSON."""
    fields = list(_MERGED_VALUES(paper))
    for n in _LIST_POSITIONS:
        if fields[n] is not None:
            fields[n] = _JSON(fields[n])
    urls = paper.urls
    return (position, *fields, title_key(paper.title), _JSON(urls) if urls else "[]")


def paper_from_row(row: tuple) -> Paper:
    return paper_from_fields(row[1 : 1 + len(MERGED_FIELDS)])


def paper_from_fields(values: tuple | list, paper_id: int | None = None) -> Paper:
    """A paper from the values of MERGED_FIELDS as stored (lists as JSON)."""
    values = list(values)
    for n in _LIST_POSITIONS:
        if values[n] is not None:
            values[n] = json.loads(values[n])
    return Paper(**dict(zip(MERGED_FIELDS, values, strict=True)), id=paper_id)
