"""Parse arXiv API answers (Atom feeds) into papers, with the standard library's XML parser.

An entry gives the arXiv id (kept without its version), title, summary, authors, publication date,
categories (the primary one first), DOI and the authors' comment; the abstract and PDF links follow
from the id (`Paper.links`). The API reports a bad query as a feed with one entry titled "Error".
Pure: text in, papers out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from papershelf.loaders.models import Paper, Skipped
from papershelf.loaders.sources.fields import arxiv_id_from, date_or_none, shown_date
from papershelf.loaders.text import clean_text

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ERROR_ID = "/api/errors"


class FeedError(ValueError):
    """An answer that is not an arXiv Atom feed, or the API's own error report; one line."""


@dataclass
class Feed:
    """One page of an arXiv answer."""

    papers: list[Paper] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    total: int | None = None  # how many results the whole query has


def parse_feed(text: str) -> Feed:
    """The papers of an Atom feed from the arXiv API; FeedError when it is not one."""
    if "<!DOCTYPE" in text[:2000].upper():  # an HTML page; and no entity tricks in XML
        raise FeedError("not an Atom feed (a document with a DOCTYPE, such as an HTML page)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise FeedError(f"not an Atom feed ({error})") from None
    if root.tag != f"{{{_NS['atom']}}}feed":
        raise FeedError(f"not an Atom feed (its root is <{root.tag.rpartition('}')[2]}>)")
    feed = Feed(total=_int(root.findtext("opensearch:totalResults", namespaces=_NS)))
    for entry in root.iterfind("atom:entry", _NS):
        entry_id = entry.findtext("atom:id", "", _NS)
        if _ERROR_ID in entry_id:
            raise FeedError("arXiv refused the query: " + _text(entry, "atom:summary")[:200])
        paper = paper_from_entry(entry)
        if paper is None:
            name = _text(entry, "atom:title") or clean_text(entry_id) or "an entry"
            feed.skipped.append(Skipped(name, "no arXiv id or title"))
        else:
            feed.papers.append(paper)
    return feed


def paper_from_entry(entry: ET.Element) -> Paper | None:
    arxiv_id = arxiv_id_from(entry.findtext("atom:id", "", _NS))
    title = _text(entry, "atom:title")
    if not (arxiv_id and title):
        return None
    authors = [name for a in entry.iterfind("atom:author", _NS) if (name := _text(a, "atom:name"))]
    primary = entry.find("arxiv:primary_category", _NS)
    categories = [c.get("term", "") for c in entry.iterfind("atom:category", _NS)]
    if primary is not None:
        categories.insert(0, primary.get("term", ""))
    categories = list(dict.fromkeys(clean_text(c) for c in categories if clean_text(c)))
    published = date_or_none(_text(entry, "atom:published"))
    return Paper(
        title=title,
        abstract=_text(entry, "atom:summary"),
        authors_count=len(authors) or None,
        published=published,
        published_text=shown_date(published),
        arxiv_id=arxiv_id,
        authors=authors or None,
        categories=categories or None,
        doi=_text(entry, "arxiv:doi") or None,
        comment=_text(entry, "arxiv:comment") or None,
    )


def _text(element: ET.Element, path: str) -> str:
    return clean_text(element.findtext(path, "", _NS))


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None
