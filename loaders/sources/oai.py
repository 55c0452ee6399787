"""Harvest arXiv's OAI-PMH interface: ListRecords in arXiv's own metadata format, page by page.

arXiv asks bulk harvesters to use OAI-PMH rather than its search API. A harvest asks for the records
of a set (`cs`, `math`, `physics:hep-th`; none for all of arXiv) changed between two dates, and
follows the `resumptionToken` of each page. httpx (through `WebClient`: retries, `503` with
`Retry-After`, arXiv's spacing) and ElementTree are all it needs: the protocol is one verb here, and
the tests drive it against a local server.

Each page is one transaction, with the harvest's state: the token of the next page, and, once the
last page is in, the date the harvest ran. An interrupted harvest continues from its token; a plain
harvest of the same set asks only for what changed since the last one finished. A record arXiv
reports deleted is counted, never removed from the store (it may carry the user's stars and notes).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from papershelf.loaders.intake import FieldError, admit_paper, clean
from papershelf.loaders.models import Paper, Skipped, paper_row
from papershelf.loaders.sources import fetch as fetching
from papershelf.loaders.sources.fields import date_or_none, shown_date
from papershelf.loaders.sources.webclient import FetchError, WebClient
from papershelf.loaders.store.database import MergeCounts, Store, now
from papershelf.loaders.text import clean_text

OAI_ENDPOINT = "https://oaipmh.arxiv.org/oai"
OAI_ENDPOINT_ENV = "PAPERSHELF_ARXIV_OAI_ENDPOINT"
MAX_PAGES = 100_000  # a server that hands out tokens forever must not keep us going forever
_OAI = "{http://www.openarchives.org/OAI/2.0/}"
_ARXIV = "{http://arxiv.org/OAI/arXiv/}"
_ARXIV_ID = "oai:arXiv.org:"


class OAIError(ValueError):
    """An answer that is not OAI-PMH, or an OAI-PMH error other than an empty list; one line."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


@dataclass
class Page:
    """One ListRecords answer."""

    papers: list[Paper] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    deleted: int = 0
    token: str | None = None  # of the next page; None on the last
    complete_size: int | None = None  # how many records the whole list has, when the server says
    response_date: str | None = None  # the server's date (YYYY-MM-DD)


def parse_page(text: str) -> Page:
    """The records of a ListRecords answer; an empty Page for `noRecordsMatch`; OAIError otherwise."""
    if "<!DOCTYPE" in text[:2000].upper():  # an HTML page; and no entity tricks in XML
        raise OAIError("not an OAI-PMH answer (a document with a DOCTYPE, such as an HTML page)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise OAIError(f"not an OAI-PMH answer ({error})") from None
    if root.tag != _OAI + "OAI-PMH":
        raise OAIError(f"not an OAI-PMH answer (its root is <{root.tag.rpartition('}')[2]}>)")
    page = Page(response_date=date_or_none(root.findtext(_OAI + "responseDate")))
    reported = root.find(_OAI + "error")
    if reported is not None:
        code = reported.get("code", "")
        if code == "noRecordsMatch":
            return page
        raise OAIError(f"{clean_text(code) or 'error'}: {clean_text(reported.text or '')[:200]}", code)
    records = root.find(_OAI + "ListRecords")
    if records is None:
        raise OAIError("an OAI-PMH answer without ListRecords")
    for record in records.iterfind(_OAI + "record"):
        _add_record(page, record)
    token = records.find(_OAI + "resumptionToken")
    if token is not None:
        page.token = (token.text or "").strip() or None
        size = token.get("completeListSize", "")
        page.complete_size = int(size) if size.isdigit() else None
    return page


def _add_record(page: Page, record: ET.Element) -> None:
    header = record.find(_OAI + "header")
    if header is not None and header.get("status") == "deleted":
        page.deleted += 1
        return
    metadata = record.find(f"{_OAI}metadata/{_ARXIV}arXiv")
    paper = paper_from_metadata(metadata, header) if metadata is not None else None
    if paper is None:
        identifier = clean_text(header.findtext(_OAI + "identifier", "")) if header is not None else ""
        page.skipped.append(Skipped(identifier or "a record", "no arXiv metadata, id or title"))
    else:
        page.papers.append(paper)


def paper_from_metadata(metadata: ET.Element, header: ET.Element | None = None) -> Paper | None:
    """A paper from one `<arXiv>` metadata element; None without an id and a title."""
    arxiv_id = _text(metadata, "id")
    title = _text(metadata, "title")
    if not (arxiv_id and title):
        return None
    authors = []
    for author in metadata.iterfind(f"{_ARXIV}authors/{_ARXIV}author"):
        parts = (_text(author, "forenames"), _text(author, "keyname"), _text(author, "suffix"))
        if name := " ".join(part for part in parts if part):
            authors.append(name)
    published = date_or_none(_text(metadata, "created"))
    stamp = header.findtext(_OAI + "datestamp") if header is not None else None
    return Paper(
        title=title,
        abstract=_text(metadata, "abstract"),
        authors_count=len(authors) or None,
        published=published,
        published_text=shown_date(published),
        arxiv_id=arxiv_id,
        authors=authors or None,
        categories=list(dict.fromkeys(_text(metadata, "categories").split())) or None,
        doi=_text(metadata, "doi") or None,
        comment=_text(metadata, "comments") or None,
        journal_ref=_text(metadata, "journal-ref") or None,
        updated=date_or_none(stamp) or date_or_none(_text(metadata, "updated")) or published,
    )


def _text(element: ET.Element, name: str) -> str:
    return clean_text(element.findtext(_ARXIV + name, ""))


# Harvesting --------------------------------------------------------------------------------------


@dataclass
class HarvestReport:
    """What a harvest brought."""

    what: str
    counts: MergeCounts = field(default_factory=MergeCounts)
    pages: int = 0
    deleted: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    resumed: bool = False
    since: str | None = None  # the `from` date asked for

    def summary(self) -> str:
        counts = self.counts
        deleted = f", {self.deleted:,} deleted upstream, kept here" if self.deleted else ""
        return (
            f"{self.what}: {counts.found:,} papers ({counts.new:,} new, {counts.updated:,} updated, "
            f"{len(self.skipped):,} skipped{deleted}) in {self.pages:,} pages"
        )


@dataclass
class _State:
    """Where a set's harvests got to (the `oai_harvests` row)."""

    harvested_until: str | None = None
    token: str | None = None
    start: str | None = None  # the from, until and day of the harvest the token belongs to
    until: str | None = None
    day: str | None = None


def oai_client(endpoint: str | None = None) -> WebClient:
    """A client for arXiv's OAI-PMH: `endpoint`, else $PAPERSHELF_ARXIV_OAI_ENDPOINT, else arXiv's."""
    url = endpoint or os.environ.get(OAI_ENDPOINT_ENV) or OAI_ENDPOINT
    return WebClient(url, fetching.ARXIV_POLITENESS)


def harvest(
    store: Store,
    set_spec: str | None = None,
    start: str | None = None,
    until: str | None = None,
    *,
    endpoint: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> HarvestReport:
    """Harvest the records of `set_spec` (all of arXiv when None) changed from `start` to `until`.

    Without dates it continues an interrupted harvest of the set, else asks for what changed since
    the last one finished (everything the first time). `on_progress(records, total)` is called after
    each page. FetchError (with `report`) when the server fails or answers something else.
    """
    with oai_client(endpoint) as client:
        key = (client.base_url, set_spec or "")
        state = _read_state(store, key)
        report = HarvestReport(f"arXiv OAI-PMH {set_spec or 'all sets'}")
        try:
            _run(store, client, key, state, set_spec, start, until, report, on_progress)
        except FetchError as error:
            error.report = report
            raise
    return report


def _run(
    store: Store,
    client: WebClient,
    key: tuple[str, str],
    state: _State,
    set_spec: str | None,
    start: str | None,
    until: str | None,
    report: HarvestReport,
    on_progress: Callable[[int, int], None] | None,
) -> None:
    if start is None and until is None and state.token:
        token: str | None = state.token
        start, until, day = state.start, state.until, state.day
        report.resumed = True
    else:
        token, day = None, None
        start = start if (start or until) else state.harvested_until
    report.since = start
    first_params = {"verb": "ListRecords", "metadataPrefix": "arXiv"}
    first_params |= {k: v for k, v in (("set", set_spec), ("from", start), ("until", until)) if v}
    done = 0
    for _ in range(MAX_PAGES):
        params = {"verb": "ListRecords", "resumptionToken": token} if token else first_params
        try:
            page = parse_page(client.get_text("", params))
        except OAIError as error:
            if error.code == "badResumptionToken" and report.resumed and report.pages == 0:
                token, day, report.resumed = None, None, False  # the old token expired: start again
                continue
            raise FetchError(f"{client.host} answered something unexpected: {error}") from None
        day = day or page.response_date or now()[:10]
        token = page.token
        _save_page(store, key, page, report, _State(None, token, start, until, day) if token else None, day)
        done += len(page.papers) + page.deleted + len(page.skipped)
        if on_progress:
            on_progress(done, max(done, page.complete_size or done))
        if not token:
            return
    raise FetchError(f"{client.host} kept handing out resumption tokens ({MAX_PAGES:,} pages)")


def _save_page(
    store: Store,
    key: tuple[str, str],
    page: Page,
    report: HarvestReport,
    resume: _State | None,
    day: str,
) -> None:
    """One page and the harvest's state, in one transaction: a new token, or (last page) the day."""
    report.pages += 1
    report.deleted += page.deleted
    report.skipped += page.skipped
    papers = []
    for paper in page.papers:
        try:
            papers.append(admit_paper(paper))
        except FieldError as error:
            report.skipped.append(Skipped(clean(paper.title[:200]), str(error)))
    with store.write():
        if papers:
            rows = [paper_row(n, paper) for n, paper in enumerate(papers, report.counts.found)]
            source = store.source_id(f"arxiv-oai:{key[0]}?set={key[1]}", "arxiv-oai", None)
            report.counts += store.merge_rows(source, rows)
        if resume is not None:
            values = (resume.token, resume.start, resume.until, resume.day)
            store.conn.execute(
                """INSERT INTO oai_harvests (endpoint, set_spec, resume_token, resume_from, resume_until,
                       resume_day, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT DO UPDATE SET resume_token = excluded.resume_token,
                       resume_from = excluded.resume_from, resume_until = excluded.resume_until,
                       resume_day = excluded.resume_day, updated_at = excluded.updated_at""",
                [*key, *values, now()],
            )
        else:
            store.conn.execute(
                """INSERT INTO oai_harvests (endpoint, set_spec, harvested_until, updated_at)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT DO UPDATE SET harvested_until = excluded.harvested_until,
                       resume_token = NULL, resume_from = NULL, resume_until = NULL, resume_day = NULL,
                       updated_at = excluded.updated_at""",
                [*key, day, now()],
            )


def _read_state(store: Store, key: tuple[str, str]) -> _State:
    row = store.conn.execute(
        """SELECT harvested_until, resume_token, resume_from, resume_until, resume_day
           FROM oai_harvests WHERE endpoint = ? AND set_spec = ?""",
        key,
    ).fetchone()
    return _State(*row) if row else _State()
