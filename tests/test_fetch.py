"""Fetching into the store from a local server: merging with page copies, paging, failures."""

from __future__ import annotations

import copy
import datetime
import json

import pytest

from conftest import DATA, user_data
from papershelf.loaders import userdata
from papershelf.loaders.sources import fetch
from papershelf.loaders.sources.fetch import days_for, fetch_arxiv, fetch_hf_daily, fetch_hf_search
from papershelf.loaders.sources.webclient import FetchError
from papershelf.loaders.userdata import lists

pytestmark = pytest.mark.usefixtures("only_localhost", "fast_fetch")

DAY = datetime.date(2025, 6, 17)
DAILY = json.loads((DATA / "hf_daily_2025-06-17.json").read_text())
FEED = (DATA / "arxiv_cs_CL.xml").read_text()
HTML_ERROR = (DATA / "hf_error.html").read_text()


def daily_query(day: str, page: int = 0) -> dict:
    return {"date": day, "limit": "100", "p": str(page)}


def many_items(count: int, start: int = 0) -> list[dict]:
    """`count` real-shaped items with ids and titles of their own."""
    items = []
    for n in range(start, start + count):
        item = copy.deepcopy(DAILY[0])
        item["paper"].update(id=f"2506.{10000 + n}", title=f"Generated Paper Number {n}")
        items.append(item)
    return items


def test_a_day_is_stored_and_a_page_copy_becomes_one_paper_with_it(sample_store, httpserver):
    lists.create_list(sample_store, "queue")
    lists.add_to_list(sample_store, "queue", [1])
    sample_store.set_starred([1], True)
    userdata.set_note(sample_store, 1, "mine")
    before = user_data(sample_store, by_id=True)
    expected = httpserver.expect_request("/api/daily_papers", query_string=daily_query("2025-06-17"))
    expected.respond_with_json(DAILY)
    report = fetch_hf_daily(sample_store, DAY, endpoint=httpserver.url_for(""))
    assert report.summary() == (
        "Hugging Face daily papers 2025-06-17: 3 papers (2 new, 1 updated, 1 skipped)"
    )
    assert sample_store.paper_count() == 336
    paper = next(sample_store.papers([1]))  # the page-copied paper, same id
    assert paper.arxiv_id == "2508.19228" and paper.authors[0] == "Zayd M. K. Zuhri"
    assert paper.link == "https://huggingface.co/papers/2508.19228"
    assert paper.links()[1:3] == ["https://arxiv.org/abs/2508.19228", "https://arxiv.org/pdf/2508.19228"]
    assert paper.sources[-1] == "huggingface:daily_papers/2025-06-17"
    assert user_data(sample_store, by_id=True) == before
    # Fetching again changes nothing.
    again = fetch_hf_daily(sample_store, DAY, endpoint=httpserver.url_for(""))
    assert (again.counts.new, again.counts.updated) == (0, 0)


def test_weekend_days_list_nothing_and_progress_counts_days(store, httpserver):
    for day in ("2025-06-14", "2025-06-15"):
        httpserver.expect_request("/api/daily_papers", query_string=daily_query(day)).respond_with_json([])
    httpserver.expect_request("/api/daily_papers", query_string=daily_query("2025-06-16")).respond_with_json(
        DAILY[:1]
    )
    steps = []
    days = days_for(since="2025-06-14", today_=datetime.date(2025, 6, 16))
    report = fetch_hf_daily(
        store, days=days, endpoint=httpserver.url_for(""), on_progress=lambda *step: steps.append(step)
    )
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert report.what == "Hugging Face daily papers 2025-06-14 … 2025-06-16"
    assert (report.counts.found, report.pages) == (1, 3)
    sources = store.conn.execute("SELECT path FROM sources").fetchall()
    assert sources == [("huggingface:daily_papers/2025-06-16",)]


def test_a_long_day_is_read_page_by_page(store, httpserver):
    query = "2025-06-17"
    httpserver.expect_request("/api/daily_papers", query_string=daily_query(query, 0)).respond_with_json(
        many_items(100)
    )
    httpserver.expect_request("/api/daily_papers", query_string=daily_query(query, 1)).respond_with_json(
        many_items(5, start=100)
    )
    report = fetch_hf_daily(store, DAY, endpoint=httpserver.url_for(""))
    assert (report.counts.new, report.pages) == (105, 2)
    positions = store.conn.execute("SELECT max(position) FROM paper_sources").fetchone()[0]
    assert positions == 104


def test_a_service_that_ignores_the_page_number_does_not_loop(store, httpserver):
    httpserver.expect_request("/api/daily_papers").respond_with_json(many_items(100))
    report = fetch_hf_daily(store, DAY, endpoint=httpserver.url_for(""))
    assert (report.counts.new, len(httpserver.log)) == (100, 2)


def test_a_failure_keeps_the_pages_before_and_changes_nothing_else(sample_store, httpserver):
    days = days_for(since="2025-06-16", today_=DAY)
    httpserver.expect_request("/api/daily_papers", query_string=daily_query("2025-06-16")).respond_with_json(
        DAILY[1:2]
    )
    httpserver.expect_request("/api/daily_papers", query_string=daily_query("2025-06-17")).respond_with_data(
        "upstream broke", 500
    )
    with pytest.raises(FetchError, match="HTTP 500") as caught:
        fetch_hf_daily(sample_store, days=days, endpoint=httpserver.url_for(""))
    assert caught.value.report.counts.new == 1
    assert sample_store.paper_count() == 335
    assert next(sample_store.papers([1])).arxiv_id is None


@pytest.mark.parametrize(
    ("respond", "message"),
    [
        (lambda r: r.respond_with_data('[{"paper": ', content_type="application/json"), "not JSON"),
        (lambda r: r.respond_with_data(HTML_ERROR, content_type="text/html"), "text/html"),
        (lambda r: r.respond_with_json({"error": "Invalid date"}), "expected a list of papers, got dict"),
    ],
)
def test_an_unexpected_answer_stores_nothing(store, httpserver, respond, message):
    respond(httpserver.expect_request("/api/daily_papers"))
    with pytest.raises(FetchError, match=message):
        fetch_hf_daily(store, DAY, endpoint=httpserver.url_for(""))
    assert store.paper_count() == 0


def test_429_then_success(store, httpserver):
    httpserver.expect_ordered_request("/api/daily_papers").respond_with_data("", 429, {"Retry-After": "0"})
    httpserver.expect_ordered_request("/api/daily_papers").respond_with_json(DAILY)
    assert fetch_hf_daily(store, DAY, endpoint=httpserver.url_for("")).counts.new == 3


def test_search_is_stored_up_to_its_limit(store, httpserver):
    search = json.loads((DATA / "hf_search_tokens.json").read_text())
    query = {"q": "random orders", "limit": "1"}
    httpserver.expect_request("/api/papers/search", query_string=query).respond_with_json(search)
    report = fetch_hf_search(store, "random orders", limit=1, endpoint=httpserver.url_for(""))
    assert report.summary() == "Hugging Face search “random orders”: 1 papers (1 new, 0 updated, 0 skipped)"
    paper = next(store.papers())
    assert (paper.arxiv_id, paper.project_page) == ("2412.01827", "https://rand-ar.github.io/")


def test_arxiv_category_pages_until_the_limit(store, httpserver, monkeypatch):
    first = FEED
    second = FEED.replace("2410.17954", "2410.99991").replace("2506.14755", "2506.99992")
    second = second.replace("hep-th/9901001", "hep-th/9901002")
    query = {"search_query": "cat:cs.CL", "sortBy": "submittedDate", "sortOrder": "descending"}
    httpserver.expect_request(
        "/api/query", query_string={**query, "start": "0", "max_results": "3"}
    ).respond_with_data(first, content_type="application/atom+xml")
    httpserver.expect_request(
        "/api/query", query_string={**query, "start": "3", "max_results": "2"}
    ).respond_with_data(second, content_type="application/atom+xml")
    monkeypatch.setattr(fetch, "ARXIV_PAGE_SIZE", 3)
    steps: list[tuple[int, int]] = []
    endpoint = httpserver.url_for("")
    report = fetch_arxiv(store, None, "cs.CL", 5, endpoint=endpoint, on_progress=lambda *s: steps.append(s))
    assert steps == [(3, 5), (5, 5)]
    assert report.counts.new == 6  # the second page holds three entries though two were asked for
    assert {p.categories[0] for p in store.papers()} == {"cs.CL", "hep-th"}


def test_arxivs_own_error_is_one_line(store, httpserver):
    httpserver.expect_request("/api/query").respond_with_data((DATA / "arxiv_error.xml").read_text())
    with pytest.raises(FetchError, match="arXiv refused the query: incorrect id format for 1234"):
        fetch_arxiv(store, query="id:1234", endpoint=httpserver.url_for(""))


def test_the_endpoint_comes_from_the_environment(store, httpserver, monkeypatch):
    monkeypatch.setenv("PAPERSHELF_HF_ENDPOINT", httpserver.url_for(""))
    httpserver.expect_request("/api/daily_papers").respond_with_json([])
    assert fetch_hf_daily(store, DAY).counts.found == 0
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ["2025-06-17"]),
        ({"date": "2025-06-10"}, ["2025-06-10"]),
        ({"week": "2025-W24"}, ["2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12", "2025-06-13",
                                 "2025-06-14", "2025-06-15"]),
        ({"week": "2025-w25"}, ["2025-06-16", "2025-06-17"]),  # up to today
        ({"month": "2025-02"}, [f"2025-02-{d:02}" for d in range(1, 29)]),
        ({"since": "2025-06-15"}, ["2025-06-15", "2025-06-16", "2025-06-17"]),
    ],
)  # fmt: skip
def test_days_for(options, expected):
    assert [d.isoformat() for d in days_for(**options, today_=DAY)] == expected


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date": "17/06/2025"}, "--date expects YYYY-MM-DD, not “17/06/2025”"),
        ({"week": "2025-24"}, "--week expects YYYY-Www"),
        ({"week": "2025-W60"}, "--week expects YYYY-Www"),
        ({"month": "2025-13"}, "--month expects YYYY-MM"),
        ({"date": "2025-06-18"}, "is in the future"),
        ({"since": "2024-01-01"}, "covers more than 366 days"),
        ({"date": "2025-06-01", "week": "2025-W20"}, "give one of"),
    ],
)
def test_days_for_refuses(options, message):
    with pytest.raises(ValueError, match=message):
        days_for(**options, today_=DAY)
