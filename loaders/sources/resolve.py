"""Give papers without an arXiv id (page copies) their id, authors and links by an exact title lookup.

Hugging Face's paper search is asked first, arXiv's title search next; only a result whose
normalized title is the paper's own is accepted. Never a guess: no such result leaves the paper as
it is. Each paper resolved is saved in a transaction of its own, keeping its id and the user's data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from papershelf.loaders.models import Paper
from papershelf.loaders.sources.fetch import Progress, arxiv_client, hf_client, search_arxiv, search_hf
from papershelf.loaders.sources.webclient import FetchError, WebClient
from papershelf.loaders.store.database import Store
from papershelf.loaders.text import title_key

SEARCH_RESULTS = 10


@dataclass
class ResolveReport:
    """What a resolve run did, paper by paper."""

    looked_up: int = 0
    resolved: list[int] = field(default_factory=list)  # paper ids
    not_found: list[int] = field(default_factory=list)
    # Papers whose arXiv id another stored paper already has (id -> that paper's id).
    already_stored: dict[int, int] = field(default_factory=dict)

    def summary(self) -> str:
        text = f"{self.looked_up:,} papers looked up: {len(self.resolved):,} resolved, "
        text += f"{len(self.not_found):,} not found"
        if self.already_stored:
            text += f", {len(self.already_stored):,} already stored under another id"
        return text


def unresolved_ids(store: Store, limit: int | None = None) -> list[int]:
    """The papers without an arXiv id, oldest first."""
    sql = "SELECT id FROM papers WHERE arxiv_id IS NULL ORDER BY id LIMIT ?"
    return [row[0] for row in store.conn.execute(sql, [-1 if limit is None else limit])]


def resolve(
    store: Store,
    limit: int | None = None,
    *,
    hf_endpoint: str | None = None,
    arxiv_endpoint: str | None = None,
    on_progress: Progress | None = None,
) -> ResolveReport:
    """Look up the papers without an arXiv id (the first `limit` of them) and store what matches."""
    report = ResolveReport()
    papers = list(store.papers(unresolved_ids(store, limit)))
    with hf_client(hf_endpoint) as hf, arxiv_client(arxiv_endpoint) as arxiv:

        def lookups(title: str) -> Iterator[list[Paper]]:
            yield search_hf(hf, title, SEARCH_RESULTS)
            yield _search_arxiv(arxiv, title)  # only asked when Hugging Face has no match

        try:
            for done, paper in enumerate(papers, 1):
                report.looked_up += 1
                _resolve_one(store, paper, lookups(paper.title), report)
                if on_progress:
                    on_progress(done, len(papers))
        except FetchError as error:
            error.report = report
            raise
    return report


def _resolve_one(store: Store, paper: Paper, lookups: Iterator[list[Paper]], report: ResolveReport) -> None:
    paper_id = paper.stored_id
    match = next((found for results in lookups if (found := exact_match(paper, results))), None)
    if match is None or match.arxiv_id is None:
        report.not_found.append(paper_id)
        return
    with store.write():
        other, _ = store.find_ids([match.arxiv_id])
        if other:
            report.already_stored[paper_id] = other[0]
            return
        store.update_paper(paper_id, match)
    report.resolved.append(paper_id)


def exact_match(paper: Paper, candidates: list[Paper]) -> Paper | None:
    """The first candidate with an arXiv id whose normalized title is the paper's."""
    key = title_key(paper.title)
    return next((c for c in candidates if c.arxiv_id and title_key(c.title) == key), None)


def _search_arxiv(client: WebClient, title: str) -> list[Paper]:
    """arXiv's title search for the words of `title` as a phrase."""
    words = " ".join(re.findall(r"\w+", title))
    return search_arxiv(client, f'ti:"{words}"', SEARCH_RESULTS).papers if words else []
