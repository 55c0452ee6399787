"""The query language: what a query says, and that nothing typed is ever an error."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from papershelf.loaders.search.query import Filter, parse


def test_plain_words_phrases_and_exclusions():
    query = parse('kv cache "Exact  Phrase" -diffusion -"long context"')
    assert query.words == ("kv", "cache")
    assert query.phrases == ("exact phrase",)
    assert query.excluded == ("diffusion", "long context")
    assert query.text == "kv cache exact phrase"


def test_fields_with_their_values_and_comparisons():
    query = parse(
        'author:"Yann LeCun" org:nvidia cat:cs.CL list:Reading is:Starred has:code date:2025-06 '
        "date:>=2025-06-01 since:2w upvotes:>20 -is:read"
    )
    assert query.words == ()
    assert query.filters == (
        Filter("author", "Yann LeCun"),
        Filter("org", "nvidia"),
        Filter("cat", "cs.CL"),
        Filter("list", "Reading"),
        Filter("is", "starred"),
        Filter("has", "code"),
        Filter("date", "2025-06"),
        Filter("date", "2025-06-01", ">="),
        Filter("since", "14", ">="),
        Filter("upvotes", "20", ">"),
        Filter("is", "read", negated=True),
    )


def test_a_malformed_field_is_searched_as_its_words():
    query = parse("date:june upvotes:many is:famous foo:bar has: since:7x date:2025-13 https://x.org")
    assert query.filters == ()
    assert query.words == (
        "date june", "upvotes many", "is famous", "foo bar", "has:", "since 7x", "date 2025-13",
        "https //x.org",
    )  # fmt: skip


def test_an_unclosed_quote_is_a_phrase_to_the_end():
    assert parse('kv "cache compres').phrases == ("cache compres",)


@given(st.text())
def test_any_text_parses(text):
    query = parse(text)
    assert isinstance(query.text, str)
