"""Resolving page copies by their exact title: Hugging Face first, arXiv next, never a guess."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

from conftest import DATA, user_data
from papershelf.loaders.models import Paper, paper_row
from papershelf.loaders.sources.resolve import resolve, unresolved_ids
from papershelf.loaders.sources.webclient import FetchError
from papershelf.loaders.userdata import lists

pytestmark = pytest.mark.usefixtures("only_localhost", "fast_fetch")

SEARCH = json.loads((DATA / "hf_search_tokens.json").read_text())
FEED = (DATA / "arxiv_cs_CL.xml").read_text()
EMPTY_FEED = '<feed xmlns="http://www.w3.org/2005/Atom"></feed>'


@pytest.fixture
def services(httpserver):
    """Hugging Face finds RandAR (and a near miss); arXiv finds ExpertFlow. Both log their queries."""
    asked: dict[str, list[str]] = {"hf": [], "arxiv": []}

    def hf(request):
        asked["hf"].append(request.args["q"])
        found = SEARCH if "RandAR" in request.args["q"] or "Upcoming" in request.args["q"] else []
        return Response(json.dumps(found), content_type="application/json")

    def arxiv(request):
        asked["arxiv"].append(request.args["search_query"])
        found = FEED if "ExpertFlow" in request.args["search_query"] else EMPTY_FEED
        return Response(found, content_type="application/atom+xml")

    httpserver.expect_request("/api/papers/search").respond_with_handler(hf)
    httpserver.expect_request("/api/query").respond_with_handler(arxiv)
    endpoint = httpserver.url_for("")
    return asked, {"hf_endpoint": endpoint, "arxiv_endpoint": endpoint}


def test_exact_titles_are_resolved_and_the_rest_left_alone(sample_store, services):
    asked, endpoints = services
    sample_store.set_starred([2], True)
    lists.create_list(sample_store, "queue")
    lists.add_to_list(sample_store, "queue", [3, 1])
    before = user_data(sample_store, by_id=True)
    steps = []
    report = resolve(sample_store, limit=3, on_progress=lambda *step: steps.append(step), **endpoints)
    assert report.summary() == "3 papers looked up: 2 resolved, 1 not found"
    assert (report.resolved, report.not_found, steps) == ([2, 3], [1], [(1, 3), (2, 3), (3, 3)])
    randar, expertflow = sample_store.papers([2, 3])
    assert (randar.arxiv_id, randar.project_page) == ("2412.01827", "https://rand-ar.github.io/")
    assert randar.github_repo == "https://github.com/ziqipang/RandAR"
    assert randar.authors == ["Ziqi Pang", "Tianyuan Zhang"]
    assert (expertflow.arxiv_id, expertflow.categories) == ("2410.17954", ["cs.CL", "cs.AI"])
    assert next(sample_store.papers([1])).arxiv_id is None  # a near miss is not a match
    assert user_data(sample_store, by_id=True) == before
    assert asked["arxiv"][0] == 'ti:"Predicting the Order of Upcoming Tokens Improves Language Modeling"'
    assert len(asked["hf"]) == 3 and len(asked["arxiv"]) == 2  # arXiv only when Hugging Face has none
    assert unresolved_ids(sample_store, 2) == [1, 4]


def test_an_id_another_paper_has_is_not_given_twice(sample_store, services):
    _, endpoints = services
    other = Paper(title="RandAR, as another page named it", abstract="x" * 120, arxiv_id="2412.01827")
    with sample_store.write():
        sample_store.merge_rows(None, [paper_row(0, other)])
    report = resolve(sample_store, limit=2, **endpoints)
    assert report.already_stored == {2: 335}
    assert report.summary().endswith("1 already stored under another id")
    assert next(sample_store.papers([2])).arxiv_id is None


def test_a_failure_stops_the_run_and_reports_how_far_it_got(sample_store, httpserver):
    httpserver.expect_request("/api/papers/search").respond_with_json([])
    httpserver.expect_request("/api/query").respond_with_data("", 503)
    endpoint = httpserver.url_for("")
    with pytest.raises(FetchError, match="HTTP 503") as caught:
        resolve(sample_store, limit=1, hf_endpoint=endpoint, arxiv_endpoint=endpoint)
    assert caught.value.report.looked_up == 1
