"""The client's limits against hostile servers: a total deadline, a cap on the decompressed body,
redirects followed on the same host only; and bad answers costing one item, or one count."""

from __future__ import annotations

import gzip
import json
import time

import pytest
from werkzeug import Response

from conftest import DATA
from papershelf.loaders.sources.webclient import FetchError, Politeness, WebClient

pytestmark = pytest.mark.usefixtures("only_localhost", "fast_fetch")

QUICK = Politeness(timeout=2.0, retries=1, backoff=0.0, max_wait=1.0, deadline=1.0, max_bytes=1 << 20)


def test_a_server_that_trickles_is_stopped_by_the_deadline(httpserver):
    def trickle(request):
        def body():
            for _ in range(40):  # a byte every 0.1 s: each read is quick, the whole takes 4 s
                time.sleep(0.1)
                yield b" "

        return Response(body(), content_type="application/json")

    httpserver.expect_request("/slow").respond_with_handler(trickle)
    started = time.monotonic()
    with WebClient(httpserver.url_for(""), QUICK) as client, pytest.raises(FetchError) as caught:
        client.get("/slow")
    assert time.monotonic() - started < 3.5
    assert "took over 1 seconds to answer" in str(caught.value)


def test_a_gzip_bomb_is_not_read_past_the_cap(httpserver):
    bomb = gzip.compress(b"[" + b" " * (8 << 20) + b"]")  # 8 MB of JSON in some 8 KB
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="application/json"
    )
    with WebClient(httpserver.url_for(""), QUICK) as client, pytest.raises(FetchError) as caught:
        client.get_json("/bomb")
    assert f"answered more than {1 << 20:,} bytes; not read" in str(caught.value)


def test_a_gzip_answer_under_the_cap_reads_as_before(httpserver):
    items = json.loads((DATA / "hf_daily_2025-06-17.json").read_text())
    httpserver.expect_request("/day").respond_with_data(
        gzip.compress(json.dumps(items).encode()),
        headers={"Content-Encoding": "gzip"},
        content_type="application/json",
    )
    with WebClient(httpserver.url_for(""), QUICK) as client:
        assert client.get_json("/day") == items


def test_redirects_are_followed_on_the_same_host_only(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_json({"ok": True})
    away = {"Location": "http://papers.evil.example/api"}
    httpserver.expect_request("/away").respond_with_data("", status=302, headers=away)
    with WebClient(httpserver.url_for(""), QUICK) as client:
        assert client.get_json("/old") == {"ok": True}
        with pytest.raises(FetchError) as caught:
            client.get("/away")
    assert "redirects to another host (papers.evil.example); not followed" in str(caught.value)


def test_a_redirect_loop_ends(httpserver):
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with WebClient(httpserver.url_for(""), QUICK) as client, pytest.raises(FetchError) as caught:
        client.get("/loop")
    assert "more than 5 redirects" in str(caught.value)


def test_a_bad_hf_item_is_skipped_not_the_page(run, httpserver):
    items = json.loads((DATA / "hf_daily_2025-06-17.json").read_text())
    items[0]["paper"]["upvotes"] = 10**30
    items[1]["paper"]["title"] = "x" * 5_000
    httpserver.expect_request("/api/daily_papers").respond_with_json(items)
    result = run("fetch", "hf", "--date", "2025-06-17", "--endpoint", httpserver.url_for(""))
    assert result.exit_code == 0, result.output
    assert "2 papers" in result.stdout and "2 skipped" in result.stdout
    exported = [json.loads(line) for line in run("export").stdout.splitlines()]
    assert [paper["upvotes"] for paper in exported if paper["arxiv_id"] == "2508.19228"] == [None]


def test_an_arxiv_server_repeating_a_page_is_not_counted_again(run, httpserver):
    feed = (DATA / "arxiv_cs_CL.xml").read_text()
    httpserver.expect_request("/api/query").respond_with_data(feed, content_type="application/atom+xml")
    endpoint = httpserver.url_for("")
    once = run("fetch", "arxiv", "--category", "cs.CL", "--limit", "3", "--endpoint", endpoint)
    again = run("fetch", "arxiv", "--category", "cs.CL", "--limit", "15", "--endpoint", endpoint)
    assert once.exit_code == again.exit_code == 0, again.output
    found = once.stdout.split(": ")[1].split(" papers")[0]
    assert again.stdout.split(": ")[1].split(" papers")[0] == found
