"""arXiv OAI-PMH harvests against a local server: tokens, 503, errors, deleted records, resuming."""

from __future__ import annotations

import pytest
from werkzeug import Response

from conftest import DATA
from papershelf.loaders.sources.oai import OAIError, harvest, parse_page
from papershelf.loaders.sources.webclient import FetchError

pytestmark = pytest.mark.usefixtures("only_localhost", "fast_fetch")

PAGE_1 = (DATA / "oai_cs_page1.xml").read_text()
PAGE_2 = (DATA / "oai_cs_page2.xml").read_text()
NO_RECORDS = (DATA / "oai_no_records.xml").read_text()
BAD_TOKEN = (DATA / "oai_bad_token.xml").read_text()
XML = "text/xml"
FIRST = {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "cs"}
NEXT = {"verb": "ListRecords", "resumptionToken": "6940193|1001"}


def serve_two_pages(httpserver, first: dict | None = None) -> None:
    httpserver.expect_request("/oai", query_string=first or FIRST).respond_with_data(PAGE_1, content_type=XML)
    httpserver.expect_request("/oai", query_string=NEXT).respond_with_data(PAGE_2, content_type=XML)


def test_a_page_parses_records_deleted_ones_and_the_token():
    page = parse_page(PAGE_1)
    assert [p.arxiv_id for p in page.papers] == ["0704.0002", "2403.01234"]
    assert (page.deleted, page.token, page.complete_size, page.response_date) == (
        1,
        "6940193|1001",
        4,
        "2024-03-05",
    )
    tome = page.papers[1]
    assert tome.title == r"Token Merging for Fast Diffusion: $O(n \log n)$ attention"
    assert tome.authors == ["Zoë Müller", "John Smith Jr", "小明 王"]
    assert (tome.published, tome.updated, tome.journal_ref) == ("2024-03-02", "2024-03-04", "CVPR 2024")
    assert tome.doi == "10.1109/CVPR.2024.01234" and tome.categories == ["cs.CV", "cs.LG"]
    assert parse_page(PAGE_2).token is None  # an empty token ends the list


def test_errors_and_other_documents_are_one_line():
    assert parse_page(NO_RECORDS).papers == []
    with pytest.raises(OAIError, match="badResumptionToken") as bad:
        parse_page(BAD_TOKEN)
    assert bad.value.code == "badResumptionToken"
    with pytest.raises(OAIError, match="HTML page"):
        parse_page((DATA / "hf_error.html").read_text())
    with pytest.raises(OAIError, match="its root is <feed>"):
        parse_page((DATA / "arxiv_cs_CL.xml").read_text())


def test_a_harvest_follows_tokens_and_the_next_continues_from_its_date(store, httpserver):
    serve_two_pages(httpserver)
    steps = []
    report = harvest(store, "cs", endpoint=httpserver.url_for("/oai"), on_progress=lambda *s: steps.append(s))
    assert (report.counts.new, report.deleted, report.pages) == (3, 1, 2)
    assert steps == [(3, 4), (4, 4)]
    assert {p.arxiv_id for p in store.papers()} == {"0704.0002", "2403.01234", "cs/9901001"}
    httpserver.clear()
    since = {**FIRST, "from": "2024-03-05"}
    httpserver.expect_request("/oai", query_string=since).respond_with_data(NO_RECORDS, content_type=XML)
    again = harvest(store, "cs", endpoint=httpserver.url_for("/oai"))
    assert (again.since, again.counts.found, len(httpserver.log)) == ("2024-03-05", 0, 1)


def test_503_with_retry_after_is_waited_for(store, httpserver):
    busy = Response("busy", status=503, headers={"Retry-After": "0"})
    httpserver.expect_ordered_request("/oai", query_string=FIRST).respond_with_response(busy)
    httpserver.expect_ordered_request("/oai", query_string=FIRST).respond_with_data(PAGE_1, content_type=XML)
    httpserver.expect_ordered_request("/oai", query_string=NEXT).respond_with_data(PAGE_2, content_type=XML)
    report = harvest(store, "cs", endpoint=httpserver.url_for("/oai"))
    assert report.counts.new == 3 and len(httpserver.log) == 3


def test_an_interrupted_harvest_resumes_from_its_token(store, httpserver):
    httpserver.expect_request("/oai", query_string=FIRST).respond_with_data(PAGE_1, content_type=XML)
    httpserver.expect_request("/oai", query_string=NEXT).respond_with_data("<html>oops</html>", status=500)
    with pytest.raises(FetchError) as failed:
        harvest(store, "cs", endpoint=httpserver.url_for("/oai"))
    assert failed.value.report.counts.new == 2 and store.paper_count() == 2  # page 1 is stored
    httpserver.clear()
    httpserver.expect_request("/oai", query_string=NEXT).respond_with_data(PAGE_2, content_type=XML)
    report = harvest(store, "cs", endpoint=httpserver.url_for("/oai"))
    assert report.resumed and report.counts.new == 1 and store.paper_count() == 3
    state = store.conn.execute("SELECT harvested_until, resume_token FROM oai_harvests").fetchone()
    assert state == ("2024-03-05", None)


def test_an_expired_token_starts_the_harvest_again(store, httpserver):
    store.conn.execute(
        "INSERT INTO oai_harvests (endpoint, set_spec, resume_token, resume_from, updated_at)"
        " VALUES (?, 'cs', 'old|1', NULL, 'x')",
        [httpserver.url_for("/oai")],
    )
    old = {"verb": "ListRecords", "resumptionToken": "old|1"}
    httpserver.expect_request("/oai", query_string=old).respond_with_data(BAD_TOKEN, content_type=XML)
    serve_two_pages(httpserver)
    report = harvest(store, "cs", endpoint=httpserver.url_for("/oai"))
    assert not report.resumed and report.counts.new == 3


def test_a_bad_token_mid_harvest_and_an_html_page_fail_in_one_line(store, httpserver):
    httpserver.expect_request("/oai", query_string=FIRST).respond_with_data(PAGE_1, content_type=XML)
    httpserver.expect_request("/oai", query_string=NEXT).respond_with_data(BAD_TOKEN, content_type=XML)
    with pytest.raises(FetchError, match="badResumptionToken"):
        harvest(store, "cs", endpoint=httpserver.url_for("/oai"))
    httpserver.clear()
    page = (DATA / "hf_error.html").read_text()
    httpserver.expect_request("/oai").respond_with_data(page, content_type="text/html")
    with pytest.raises(FetchError, match="not an OAI-PMH answer"):
        harvest(store, "math", endpoint=httpserver.url_for("/oai"))


def test_deleted_records_leave_the_users_papers_alone(store, httpserver):
    serve_two_pages(httpserver)
    harvest(store, "cs", endpoint=httpserver.url_for("/oai"))
    ids = {p.arxiv_id: p.stored_id for p in store.papers()}
    store.set_starred([ids["2403.01234"]], True)
    httpserver.clear()
    serve_two_pages(httpserver, {**FIRST, "from": "2024-03-01"})
    report = harvest(store, "cs", "2024-03-01", endpoint=httpserver.url_for("/oai"))
    assert (report.counts.new, report.counts.updated, report.deleted) == (0, 0, 1)
    assert next(store.papers([ids["2403.01234"]])).starred


def test_the_cli_harvests_and_reports(run, httpserver):
    serve_two_pages(httpserver)
    result = run("fetch", "arxiv-oai", "--set", "cs", "--endpoint", httpserver.url_for("/oai"))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "arXiv OAI-PMH cs: 3 papers (3 new, 0 updated, 0 skipped, 1 deleted upstream, kept here) in 2 pages\n"
    )
    bad = run("fetch", "arxiv-oai", "--from", "March", "--endpoint", httpserver.url_for("/oai"))
    assert bad.exit_code == 1 and "--from expects YYYY-MM-DD" in bad.stderr
