"""Fetch papers from live sources into the store: Hugging Face daily papers and search, arXiv.

Fetch → parse (`hf`, `arxiv`) → save, one transaction per page: a failure leaves every page before
it stored and changes nothing of its own page. A fetched paper that is already stored (same arXiv
id, or same normalized title for a page-copied paper) is merged into it: same id, the user's data
untouched. Each function is safe to run in a worker thread given a Store opened in that thread;
`on_progress(done, total)` is called between pages (it may raise to stop the fetch there).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from papershelf.loaders.intake import FieldError, admit_paper, clean
from papershelf.loaders.models import Paper, Skipped, paper_row
from papershelf.loaders.sources.arxiv import Feed, FeedError, parse_feed
from papershelf.loaders.sources.hf import UnexpectedAnswer, papers_from_items
from papershelf.loaders.sources.webclient import FetchError, Politeness, WebClient
from papershelf.loaders.store.database import MergeCounts, Store

HF_ENDPOINT = "https://huggingface.co"
ARXIV_ENDPOINT = "https://export.arxiv.org"
HF_ENDPOINT_ENV = "PAPERSHELF_HF_ENDPOINT"
ARXIV_ENDPOINT_ENV = "PAPERSHELF_ARXIV_ENDPOINT"
HF_POLITENESS = Politeness()
ARXIV_POLITENESS = Politeness(spacing=3.0)  # arXiv's terms: one request every three seconds
HF_PAGE_SIZE = 100  # the daily papers API's largest `limit`
ARXIV_PAGE_SIZE = 100
MAX_PAGES_PER_DAY = 20  # a service that ignores the page number must not keep us going forever
MAX_DAYS = 366

Progress = Callable[[int, int], None]


@dataclass
class FetchReport:
    """What a fetch brought: papers found, new and updated, in how many pages."""

    what: str
    counts: MergeCounts = field(default_factory=MergeCounts)
    pages: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set, repr=False)  # (source, paper key) saved

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{self.what}: {counts.found:,} papers ({counts.new:,} new, {counts.updated:,} updated, "
            f"{len(self.skipped):,} skipped)"
        )


def hf_client(endpoint: str | None = None) -> WebClient:
    """A client for Hugging Face: `endpoint`, else $PAPERSHELF_HF_ENDPOINT, else huggingface.co."""
    return WebClient(endpoint or os.environ.get(HF_ENDPOINT_ENV) or HF_ENDPOINT, HF_POLITENESS)


def arxiv_client(endpoint: str | None = None) -> WebClient:
    """A client for the arXiv API: `endpoint`, else $PAPERSHELF_ARXIV_ENDPOINT, else export.arxiv.org."""
    return WebClient(endpoint or os.environ.get(ARXIV_ENDPOINT_ENV) or ARXIV_ENDPOINT, ARXIV_POLITENESS)


# Hugging Face -----------------------------------------------------------------------------------


def days_for(
    date: str | None = None,
    week: str | None = None,
    month: str | None = None,
    since: str | None = None,
    today_: datetime.date | None = None,
) -> list[datetime.date]:
    """The days one of `date` (YYYY-MM-DD), `week` (YYYY-Www), `month` (YYYY-MM) or `since`
    (YYYY-MM-DD, up to today) names, up to today (UTC); today when none is given. ValueError (one
    line) for a malformed or future value, or for more than one."""
    options = {"date": date, "week": week, "month": month, "since": since}
    given = {name: value for name, value in options.items() if value is not None}
    if len(given) > 1:
        raise ValueError("give one of --date, --week, --month or --since")
    last = today_ or today()
    name, value = next(iter(given.items()), ("date", last.isoformat()))
    first, end = _period(name, value.strip(), last)
    if first > last:
        raise ValueError(f"--{name} {value} is in the future")
    end = min(end, last)
    if (end - first).days >= MAX_DAYS:
        raise ValueError(f"--{name} {value} covers more than {MAX_DAYS} days")
    return [first + datetime.timedelta(days=n) for n in range((end - first).days + 1)]


def _period(name: str, value: str, last: datetime.date) -> tuple[datetime.date, datetime.date]:
    formats = {"date": "YYYY-MM-DD", "since": "YYYY-MM-DD", "week": "YYYY-Www", "month": "YYYY-MM"}
    try:
        if name == "week":
            year, _, week = value.upper().partition("-W")
            first = datetime.date.fromisocalendar(int(year), int(week), 1)
            return first, first + datetime.timedelta(days=6)
        if name == "month":
            first = datetime.date.fromisoformat(value + "-01")
            following = (first + datetime.timedelta(days=31)).replace(day=1)
            return first, following - datetime.timedelta(days=1)
        first = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--{name} expects {formats[name]}, not “{value}”") from None
    return first, (last if name == "since" else first)


def fetch_hf_daily(
    store: Store,
    date: datetime.date | None = None,
    *,
    days: list[datetime.date] | None = None,
    endpoint: str | None = None,
    on_progress: Progress | None = None,
) -> FetchReport:
    """Fetch the Hugging Face daily papers of `date` (default: today, UTC) or of each of `days`.

    Weekend days list nothing. A day with more papers than a page holds is read page by page.
    """
    days = days or [date or today()]
    what = f"Hugging Face daily papers {days[0]}" + (f" … {days[-1]}" if len(days) > 1 else "")
    report = FetchReport(what)
    with hf_client(endpoint) as client, _reporting(report):
        for done, day in enumerate(days, 1):
            _fetch_day(store, client, day.isoformat(), report)
            if on_progress:
                on_progress(done, len(days))
    return report


def _fetch_day(store: Store, client: WebClient, day: str, report: FetchReport) -> None:
    seen: set[str] = set()
    for page in range(MAX_PAGES_PER_DAY):
        params = {"date": day, "limit": HF_PAGE_SIZE, "p": page}
        items = client.get_json("/api/daily_papers", params)
        papers = _hf_papers(client, items, report, listing_date=day)
        keys = {paper.key for paper in papers}
        if keys and keys <= seen:
            break  # the same page again: the service ignores `p`
        seen |= keys
        save(store, f"huggingface:daily_papers/{day}", "hf-daily", day, papers, report, page * HF_PAGE_SIZE)
        if len(items) < HF_PAGE_SIZE:
            break


def fetch_hf_search(store: Store, query: str, limit: int = 50, *, endpoint: str | None = None) -> FetchReport:
    """Fetch the Hugging Face paper search's first `limit` results for `query`."""
    report = FetchReport(f"Hugging Face search “{query}”")
    with hf_client(endpoint) as client, _reporting(report):
        papers = search_hf(client, query, limit, report)
        save(store, f"huggingface:papers/search?q={query}", "hf-search", None, papers, report)
    return report


def search_hf(client: WebClient, query: str, limit: int, report: FetchReport | None = None) -> list[Paper]:
    """The papers the Hugging Face search finds for `query`, at most `limit`."""
    items = client.get_json("/api/papers/search", {"q": query, "limit": limit})
    return _hf_papers(client, items, report or FetchReport(""))[:limit]


def _hf_papers(
    client: WebClient, items: object, report: FetchReport, listing_date: str | None = None
) -> list[Paper]:
    try:
        papers, skipped = papers_from_items(items, listing_date)
    except UnexpectedAnswer as error:
        raise FetchError(f"{client.host} answered something unexpected: {error}") from None
    report.skipped += skipped
    return papers


# arXiv ------------------------------------------------------------------------------------------


def fetch_arxiv(
    store: Store,
    query: str | None = None,
    category: str | None = None,
    limit: int = 100,
    *,
    endpoint: str | None = None,
    on_progress: Progress | None = None,
) -> FetchReport:
    """Fetch up to `limit` arXiv papers: those of a search `query` (arXiv's syntax, e.g. `all:llm`),
    most relevant first, or the newest of a `category` (e.g. `cs.CL`)."""
    if bool(query) == bool(category):
        raise ValueError("give a query or a category")
    search = query or f"cat:{category}"
    order = "relevance" if query else "submittedDate"
    report = FetchReport(f"arXiv search “{query}”" if query else f"arXiv {category}")
    with arxiv_client(endpoint) as client, _reporting(report):
        start = 0
        while start < limit:
            size = min(ARXIV_PAGE_SIZE, limit - start)
            feed = search_arxiv(client, search, size, start=start, order=order)
            report.skipped += feed.skipped
            save(store, f"arxiv:query?search_query={search}", "arxiv", None, feed.papers, report, start)
            start += size
            total = min(limit, feed.total if feed.total is not None else start)
            if on_progress:
                on_progress(min(start, total), total)
            if not feed.papers or start >= total:
                break
    return report


def search_arxiv(client: WebClient, search: str, size: int, start: int = 0, order: str = "relevance") -> Feed:
    """One page of the arXiv API's answer to `search` (a `search_query`)."""
    params = {"search_query": search, "start": start, "max_results": size, "sortBy": order}
    params["sortOrder"] = "descending"
    try:
        return parse_feed(client.get_text("/api/query", params))
    except FeedError as error:
        raise FetchError(f"{client.host} answered something unexpected: {error}") from None


# Saving -----------------------------------------------------------------------------------------


def save(
    store: Store,
    source: str,
    shape: str,
    listing_date: str | None,
    papers: list[Paper],
    report: FetchReport,
    offset: int = 0,
) -> None:
    """Merge one page of fetched papers into the store, in one transaction."""
    report.pages += 1
    papers = _admitted(source, papers, report)
    if not papers:
        return
    rows = [paper_row(offset + n, paper) for n, paper in enumerate(papers)]
    with store.write():
        report.counts += store.merge_rows(store.source_id(source, shape, listing_date), rows)


def _admitted(source: str, papers: list[Paper], report: FetchReport) -> list[Paper]:
    """The papers cleaned for the store (`intake`), without those an earlier page of this fetch
    from `source` already brought (a server repeating a page is not counted again); the bad ones
    skipped."""
    admitted = []
    for paper in papers:
        try:
            paper = admit_paper(paper)
        except FieldError as error:
            report.skipped.append(Skipped(clean(paper.title[:200]), str(error)))
            continue
        if (source, paper.key) not in report.seen:
            report.seen.add((source, paper.key))
            admitted.append(paper)
    return admitted


@contextmanager
def _reporting(report: FetchReport) -> Iterator[None]:
    """Attach what was stored before a failure to the FetchError, as `error.report`."""
    try:
        yield
    except FetchError as error:
        error.report = report
        raise


def today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()
