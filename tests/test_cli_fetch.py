"""`papershelf fetch …` and `resolve` against a local server: summaries, one-line errors, progress."""

from __future__ import annotations

import io
import json
import socket

import bibtexparser
import pytest

from conftest import DATA, LOCALHOST
from papershelf.loaders.sources.load import sample_files
from papershelf.tui.cli import fetch as cli_fetch

pytestmark = pytest.mark.usefixtures("only_localhost", "fast_fetch")

DAILY = (DATA / "hf_daily_2025-06-17.json").read_text()
FEED = (DATA / "arxiv_cs_CL.xml").read_text()
JSON = "application/json"


def fails(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("papershelf: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_fetch_a_day_then_export_what_it_brought(run, httpserver, tmp_path):
    query = {"date": "2025-06-17", "limit": "100", "p": "0"}
    day = httpserver.expect_request("/api/daily_papers", query_string=query)
    day.respond_with_data(DAILY, content_type=JSON)
    run("load", *map(str, sample_files()))
    result = run("fetch", "hf", "--date", "2025-06-17", "--endpoint", httpserver.url_for(""))
    assert result.stdout == "Hugging Face daily papers 2025-06-17: 3 papers (2 new, 1 updated, 1 skipped)\n"
    record = json.loads(run("export").stdout.splitlines()[0])
    assert record["authors"] == ["Zayd M. K. Zuhri", "Erland Hilman Fuadi", "Alham Fikri Aji"]
    assert record["links"][:2] == [
        "https://huggingface.co/papers/2508.19228",
        "https://arxiv.org/abs/2508.19228",
    ]
    assert record["ai_keywords"][0] == "Multi-Token Prediction"
    run("export", "--format", "bibtex", "-o", str(tmp_path / "all.bib"))
    library = bibtexparser.parse_string((tmp_path / "all.bib").read_text())
    assert not library.failed_blocks
    first = library.entries[0]
    assert first["author"] == "Zayd M. K. Zuhri and Erland Hilman Fuadi and Alham Fikri Aji"
    assert first["eprint"] == "2508.19228"
    markdown = run("export", "--format", "markdown").stdout
    assert "Zayd M. K. Zuhri, Erland Hilman Fuadi, Alham Fikri Aji" in markdown
    assert "Links: <https://arxiv.org/abs/2508.19228>, <https://arxiv.org/pdf/2508.19228>" in markdown


def test_the_endpoint_from_the_environment(run, httpserver, monkeypatch):
    httpserver.expect_request("/api/papers/search").respond_with_data(
        (DATA / "hf_search_tokens.json").read_text(), content_type=JSON
    )
    httpserver.expect_request("/api/query").respond_with_data(FEED, content_type="application/atom+xml")
    monkeypatch.setenv("PAPERSHELF_HF_ENDPOINT", httpserver.url_for(""))
    monkeypatch.setenv("PAPERSHELF_ARXIV_ENDPOINT", httpserver.url_for(""))
    result = run("fetch", "hf-search", "random orders", "--limit", "5")
    assert result.stdout == "Hugging Face search “random orders”: 2 papers (2 new, 0 updated, 0 skipped)\n"
    result = run("fetch", "arxiv", "--category", "cs.CL", "--limit", "3")
    assert result.stdout == "arXiv cs.CL: 3 papers (3 new, 0 updated, 0 skipped)\n"
    assert httpserver.log[-1][0].args["search_query"] == "cat:cs.CL"


def test_resolve_from_the_command_line(run, httpserver):
    httpserver.expect_request("/api/papers/search").respond_with_json([])
    httpserver.expect_request("/api/query").respond_with_data(FEED, content_type="application/atom+xml")
    run("load", *map(str, sample_files()))
    endpoint = httpserver.url_for("")
    result = run("resolve", "--limit", "3", "--hf-endpoint", endpoint, "--arxiv-endpoint", endpoint)
    assert result.stdout == "3 papers looked up: 1 resolved, 2 not found\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fetch", "hf", "--date", "2025-13-01"], "--date expects YYYY-MM-DD, not “2025-13-01”"),
        (["fetch", "hf", "--week", "2025-24"], "--week expects YYYY-Www"),
        (["fetch", "hf", "--date", "2999-01-01"], "is in the future"),
        (["fetch", "hf", "--date", "2025-01-01", "--month", "2025-01"], "give one of"),
        (["fetch", "hf", "--endpoint", "huggingface.co"], "--endpoint is an http:// or https:// URL"),
        (["fetch", "arxiv", "--limit", "5"], "give --query or --category"),
        (["fetch", "arxiv", "--query", "all:x", "--category", "cs.CL"], "give --query or --category"),
        (["resolve", "--arxiv-endpoint", "file:///etc"], "--arxiv-endpoint is an http"),
    ],
)
def test_bad_options_are_one_line_and_ask_nothing(run, httpserver, args, message):
    fails(run(*args), message)
    assert httpserver.log == []


def test_offline_is_one_line(run):
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        port = probe.getsockname()[1]
    result = run("fetch", "hf", "--endpoint", f"http://{LOCALHOST}:{port}")
    fails(result, f"cannot reach {LOCALHOST}:{port} (offline?)")


def test_a_failing_service_keeps_the_pages_before(run, httpserver):
    query = {"date": "2025-06-16", "limit": "100", "p": "0"}
    day = httpserver.expect_request("/api/daily_papers", query_string=query)
    day.respond_with_data(DAILY, content_type=JSON)
    httpserver.expect_request("/api/daily_papers").respond_with_data("down", 500)
    result = run("fetch", "hf", "--week", "2025-W25", "--endpoint", httpserver.url_for(""))
    fails(result, "HTTP 500 INTERNAL SERVER ERROR (3 attempts); 3 papers from the pages before were stored")
    assert len(run("export").stdout.splitlines()) == 3


def test_malformed_json_is_one_line(run, httpserver):
    httpserver.expect_request("/api/daily_papers").respond_with_data('[{"paper": {', content_type=JSON)
    fails(run("fetch", "hf", "--endpoint", httpserver.url_for("")), "not JSON")
    assert run("export").stdout == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal_for_more_than_one_step(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with cli_fetch._fetching("days") as on_progress:
        for done in (1, 2, 3):
            on_progress(done, 3)
    assert "days" in terminal.getvalue() and "100%" in terminal.getvalue()
    quiet = Terminal()
    monkeypatch.setattr("sys.stderr", quiet)
    with cli_fetch._fetching("days") as on_progress:
        on_progress(1, 1)
    assert quiet.getvalue() == ""


def test_fetch_and_resolve_as_json(run, httpserver):
    httpserver.expect_request("/api/daily_papers").respond_with_data(DAILY, content_type=JSON)
    httpserver.expect_request("/api/papers/search").respond_with_json([])
    httpserver.expect_request("/api/query").respond_with_data(FEED, content_type="application/atom+xml")
    endpoint = httpserver.url_for("")
    run("load", *map(str, sample_files()))
    day = json.loads(run("fetch", "hf", "--date", "2025-06-17", "--endpoint", endpoint, "--json").stdout)
    assert day == {
        "schema_version": 1,
        "what": "Hugging Face daily papers 2025-06-17",
        "papers": 3,
        "new": 2,
        "updated": 1,
        "pages": 1,
        "skipped": [{"title": day["skipped"][0]["title"], "reason": day["skipped"][0]["reason"]}],
    }
    assert day["skipped"][0]["title"] and day["skipped"][0]["reason"]
    result = run("resolve", "--limit", "3", "--hf-endpoint", endpoint, "--arxiv-endpoint", endpoint, "--json")
    resolved = json.loads(result.stdout)
    assert resolved["schema_version"] == 1 and resolved["looked_up"] == 3
    assert len(resolved["resolved"]) == 1 and len(resolved["not_found"]) == 2
    assert resolved["already_stored"] == []
    (paper_id,) = resolved["resolved"]
    records = {record["id"]: record for record in map(json.loads, run("export").stdout.splitlines())}
    assert records[paper_id]["arxiv_id"]
    arxiv = run("fetch", "arxiv", "--category", "cs.CL", "--limit", "3", "--endpoint", endpoint, "--json")
    fetched = json.loads(arxiv.stdout)
    assert fetched["what"] == "arXiv cs.CL" and fetched["papers"] == 3 and fetched["skipped"] == []


def test_a_failed_fetch_as_json_says_what_was_stored_and_exits_1(run, httpserver):
    query = {"date": "2025-06-16", "limit": "100", "p": "0"}
    day = httpserver.expect_request("/api/daily_papers", query_string=query)
    day.respond_with_data(DAILY, content_type=JSON)
    httpserver.expect_request("/api/daily_papers").respond_with_data("down", 500)
    result = run("fetch", "hf", "--week", "2025-W25", "--endpoint", httpserver.url_for(""), "--json")
    fails(result, "HTTP 500")
    document = json.loads(result.stdout)
    assert document["papers"] == 3 and "HTTP 500" in document["error"]
