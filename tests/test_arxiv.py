"""arXiv Atom feeds: entries, ids without versions, categories, errors and what is not a feed."""

from __future__ import annotations

import pytest

from conftest import DATA
from papershelf.loaders.sources.arxiv import FeedError, parse_feed
from papershelf.loaders.sources.fields import arxiv_id_from


def test_a_feed_gives_its_entries_and_its_total():
    feed = parse_feed((DATA / "arxiv_cs_CL.xml").read_text())
    assert feed.total == 5
    first, second, old = feed.papers
    assert first.arxiv_id == "2410.17954"
    assert first.title == (
        "ExpertFlow: Optimized Expert Activation and Token Allocation for Efficient "
        "Mixture-of-Experts Inference"
    )
    assert first.abstract.startswith("Sparse Mixture of Experts (MoE) models, while outperforming dense")
    assert first.authors == ["Xin He", "Shunkang Zhang", "Yuxin Wang"] and first.authors_count == 3
    assert (first.published, first.published_text) == ("2024-10-23", "Oct 23, 2024")
    assert first.categories == ["cs.CL", "cs.AI"]  # the primary one first, once
    assert first.doi == "10.48550/arXiv.2410.17954"
    assert first.comment == "Mixture-of-Experts, Inference, Memory Efficient; 12 pages"
    assert first.links() == [
        "https://huggingface.co/papers/2410.17954",
        "https://arxiv.org/abs/2410.17954",
        "https://arxiv.org/pdf/2410.17954",
        "https://doi.org/10.48550/arXiv.2410.17954",
    ]
    assert second.authors == ["María García"] and (second.doi, second.comment) == (None, None)
    assert old.arxiv_id == "hep-th/9901001"


def test_the_apis_error_entry_is_an_error():
    with pytest.raises(FeedError, match="arXiv refused the query: incorrect id format for 1234"):
        parse_feed((DATA / "arxiv_error.xml").read_text())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ((DATA / "hf_error.html").read_text(), "such as an HTML page"),
        ("<feed><entry>", "not an Atom feed"),
        ("", "not an Atom feed"),
        ('<?xml version="1.0"?><rss version="2.0"></rss>', "its root is <rss>"),
    ],
)
def test_what_is_not_a_feed_is_an_error(text, message):
    with pytest.raises(FeedError, match=message):
        parse_feed(text)


def test_an_empty_feed_has_no_papers():
    feed = parse_feed('<feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    assert (feed.papers, feed.total) == ([], None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2506.14002", "2506.14002"),
        ("2506.14002v12", "2506.14002"),
        ("http://arxiv.org/abs/2410.17954v3", "2410.17954"),
        ("https://arxiv.org/pdf/2410.17954v1.pdf", "2410.17954"),
        ("arXiv:1706.03762", "1706.03762"),
        ("http://arxiv.org/abs/math.GT/0309136v1", "math.GT/0309136"),
        ("not an id", None),
        ("12345.6789", None),
        (2506.14002, None),
        (None, None),
    ],
)
def test_arxiv_ids(value, expected):
    assert arxiv_id_from(value) == expected
