"""Hugging Face API items: inner `paper` fields first, outer ones next, anything missing or odd."""

from __future__ import annotations

import json

import pytest

from conftest import DATA
from papershelf.loaders.sources.hf import UnexpectedAnswer, papers_from_items


@pytest.fixture(scope="module")
def daily():
    items = json.loads((DATA / "hf_daily_2025-06-17.json").read_text())
    return papers_from_items(items, listing_date="2025-06-17")


def test_a_full_item_gives_every_field_the_inner_ones_first(daily):
    paper = daily[0][0]
    assert paper.title == "Predicting the Order of Upcoming Tokens Improves Language Modeling"
    assert paper.abstract.startswith("Multi-Token Prediction (MTP)")  # not the outer summary
    assert paper.arxiv_id == "2508.19228"
    assert paper.authors == ["Zayd M. K. Zuhri", "Erland Hilman Fuadi", "Alham Fikri Aji"]
    assert paper.authors_count == 3
    assert (paper.published, paper.published_text) == ("2025-08-26", "Aug 26, 2025")
    assert (paper.upvotes, paper.org_id, paper.org_name) == (17, "mbzuai", "MBZUAI")
    assert paper.github_repo == "https://github.com/zaydzuhri/token-order-prediction"
    assert paper.project_page == "https://zaydzuhri.github.io/top/"
    assert paper.ai_summary.startswith("Token Order Prediction")
    assert paper.ai_keywords == ["Multi-Token Prediction", "next-token prediction", "learning-to-rank"]
    assert paper.listing_date == "2025-06-17"
    assert (paper.github_stars, paper.comment_count) == (42, 3)  # the comments: the outer item's
    assert paper.link == "https://huggingface.co/papers/2508.19228"
    assert paper.links() == [
        "https://huggingface.co/papers/2508.19228",
        "https://arxiv.org/abs/2508.19228",
        "https://arxiv.org/pdf/2508.19228",
        "https://github.com/zaydzuhri/token-order-prediction",  # also in the abstract: listed once
        "https://zaydzuhri.github.io/top/",
    ]


def test_outer_fields_fill_in_and_zero_upvotes_stay_zero(daily):
    paper = daily[0][1]
    assert paper.title == "Sparse Autoencoders Learn Monosemantic Features in Small Vision Models"
    assert paper.abstract.startswith("We train sparse autoencoders")
    assert paper.arxiv_id == "2506.14002"  # without its version
    assert paper.upvotes == 0
    assert (paper.github_stars, paper.comment_count) == (None, 0)
    assert (paper.authors, paper.authors_count) == (None, None)
    assert paper.github_repo == "https://github.com/example-lab/sae-vision"
    assert (paper.org_id, paper.org_name) == ("example-lab", "example-lab")


def test_hostile_and_malformed_fields_are_cleaned_or_dropped(daily):
    paper = daily[0][2]
    assert paper.title == "Engines of Analysis: A Study"
    assert paper.abstract == "A summary with control characters and a line break."
    assert paper.authors == ["Ada Lovelace", "Charles Babbage"]  # the hidden one has no name
    assert paper.upvotes is None  # "many"
    assert (paper.project_page, paper.github_repo) == (None, None)  # "" and javascript:
    assert paper.ai_keywords == ["engines"]
    assert (paper.published, paper.org_id) == (None, None)


def test_an_item_without_a_title_is_skipped(daily):
    papers, skipped = daily
    assert len(papers) == 3
    assert [(s.title, s.reason) for s in skipped] == [("2506.14999", "no title")]


@pytest.mark.parametrize("answer", [{"error": "Invalid date"}, "text", None, 42])
def test_an_answer_that_is_not_a_list_is_unexpected(answer):
    with pytest.raises(UnexpectedAnswer, match="expected a list of papers"):
        papers_from_items(answer)


def test_a_list_of_odd_items_skips_each():
    papers, skipped = papers_from_items([1, "x", None, {"paper": "nope"}, {}])
    assert papers == [] and len(skipped) == 5
