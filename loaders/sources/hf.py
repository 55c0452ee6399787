"""Parse Hugging Face papers API answers (daily papers, paper search) into papers.

An item holds the paper's fields in its inner `paper` object and some of them again on the outer
object (`title`, `summary`, `githubRepo`, `organization`, …): the inner value wins, the outer one
fills in. Every field may be missing or of the wrong type; such a field is left empty, and an item
without a title is skipped. Text is cleaned of control characters. Pure: JSON in, papers out.
"""

from __future__ import annotations

from typing import Any

from papershelf.loaders.intake import FieldError, admit_paper
from papershelf.loaders.models import Paper, Skipped
from papershelf.loaders.sources.fields import (
    arxiv_id_from,
    date_or_none,
    shown_date,
    text_or_none,
    url_or_none,
)


class UnexpectedAnswer(ValueError):
    """An answer that is not what the API documents (not a list of items)."""


def papers_from_items(items: Any, listing_date: str | None = None) -> tuple[list[Paper], list[Skipped]]:
    """The papers of a list of API items, and the items skipped; UnexpectedAnswer when `items` is
    not a list. `listing_date` is the daily-papers day the items were listed on (ISO), if any."""
    if not isinstance(items, list):
        raise UnexpectedAnswer(f"expected a list of papers, got {type(items).__name__}")
    papers: list[Paper] = []
    skipped: list[Skipped] = []
    for item in items:
        try:
            paper = paper_from_item(item) if isinstance(item, dict) else None
            if paper is not None:
                paper = admit_paper(paper)
        except (FieldError, ValueError, TypeError, RecursionError) as error:  # one bad item, not the page
            skipped.append(Skipped(_title_of(item), str(error) or type(error).__name__))
            continue
        if paper is None:
            skipped.append(Skipped(_title_of(item), "no title"))
            continue
        paper.listing_date = listing_date
        papers.append(paper)
    return papers, skipped


def paper_from_item(item: dict) -> Paper | None:
    """The paper an API item describes (a daily-papers or search item, or a bare paper object)."""
    inner: dict = item["paper"] if isinstance(item.get("paper"), dict) else item

    def pick(name: str) -> Any:
        value = inner.get(name)
        return item.get(name) if value is None else value

    title = text_or_none(pick("title"))
    if not title:
        return None
    authors = [name for a in _list(inner.get("authors")) if (name := text_or_none(_author_name(a)))]
    published = date_or_none(inner.get("publishedAt"))
    org_id, org_name = _organization(pick("organization"))
    return Paper(
        title=title,
        abstract=text_or_none(pick("summary")) or "",
        authors_count=len(authors) or None,
        org_id=org_id,
        org_name=org_name,
        published_text=shown_date(published),
        published=published,
        upvotes=_count(inner.get("upvotes")),
        arxiv_id=arxiv_id_from(inner.get("id")),
        authors=authors or None,
        github_repo=url_or_none(pick("githubRepo")),
        project_page=url_or_none(pick("projectPage")),
        ai_summary=text_or_none(pick("ai_summary")),
        ai_keywords=[k for k in map(text_or_none, _list(pick("ai_keywords"))) if k] or None,
        github_stars=_count(pick("githubStars")),
        comment_count=_count(item.get("numComments", inner.get("numComments"))),
    )


def _count(value: Any) -> int | None:
    """A count the site gives (upvotes, stars, comments): a whole number, else none."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _organization(value: Any) -> tuple[str | None, str | None]:
    """The id and display name of an organization object (`name`, `fullname`) or string."""
    if isinstance(value, dict):
        org_id = text_or_none(value.get("name"))
        return org_id, text_or_none(value.get("fullname")) or org_id
    name = text_or_none(value)
    return name, name


def _author_name(author: Any) -> Any:
    return author.get("name") if isinstance(author, dict) else author


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _title_of(item: Any) -> str:
    """Something to name a skipped item by."""
    if isinstance(item, dict):
        inner: dict = item["paper"] if isinstance(item.get("paper"), dict) else item
        return text_or_none(inner.get("id")) or "an item without a title"
    return f"an item that is not an object ({type(item).__name__})"
