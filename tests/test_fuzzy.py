"""The fuzzy index on the sample's papers: the fast paths give what the plain definitions give."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from papershelf.loaders.search.fuzzy import (
    ABSTRACT_WEIGHTS,
    TERM,
    TITLE_WEIGHTS,
    FuzzyIndex,
    query_terms,
    title_spans,
)
from papershelf.loaders.search.paper_index import PaperIndex
from papershelf.loaders.search.word_index import (
    INFIX_MIN_LENGTH,
    LETTERS,
    TYPO_CUTOFF,
    TYPO_MIN_LENGTH,
    FieldIndex,
)
from papershelf.loaders.sources.load import load_sample
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store

HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    with Store(tmp_path_factory.mktemp("sample") / "sample.db") as store:
        load_sample(store)
        texts = list(Browser(store).texts())
    return [title for _, title, _ in texts], [abstract for _, _, abstract in texts]


@pytest.fixture(scope="module")
def index(sample: tuple[list[str], list[str]]) -> FuzzyIndex:
    return FuzzyIndex.build(*sample)


@pytest.fixture(scope="module")
def words(sample: tuple[list[str], list[str]]) -> list[str]:
    return sorted({word for title in sample[0] for word in TERM.findall(title.lower())})


def typed(words: list[str]) -> st.SearchStrategy[str]:
    """Words of the titles as a user types them: cut short, with a typo, or a letter alone."""
    word = st.sampled_from(words)
    cut = st.tuples(word, st.integers(1, 12)).map(lambda pair: pair[0][: pair[1]])
    typo = st.tuples(word, st.integers(0, 11), st.sampled_from("aeiouxz"), st.integers(0, 3)).map(mistyped)
    return st.one_of(word, cut, typo, st.sampled_from(LETTERS))


def mistyped(typo: tuple[str, int, str, int]) -> str:
    """The word with a letter changed, left out, added, or swapped with the next."""
    word, at, letter, kind = typo
    at = min(at, len(word))
    return (
        word[:at] + letter + word[at + 1 :],
        word[:at] + word[at + 1 :],
        word[:at] + letter + word[at:],
        word[:at] + word[at + 1 : at + 2] + word[at : at + 1] + word[at + 2 :],
    )[kind] or word


def queries(words: list[str]) -> st.SearchStrategy[str]:
    return st.lists(typed(words), min_size=1, max_size=4).map(" ".join)


def fresh(index: FuzzyIndex) -> FuzzyIndex:
    return FuzzyIndex(index.title, index.abstract, index.size)


def plain_search(index: FuzzyIndex, query: str, view: np.ndarray | None) -> np.ndarray:
    """The documents by the definition: every term matches, by descending total, then view order."""
    scores = [index.term_scores(term) for term in query_terms(query)]
    view = np.arange(index.size) if view is None else view
    total = np.sum([term_scores[view] for term_scores in scores], axis=0)
    matched = np.all([term_scores[view] > 0 for term_scores in scores], axis=0)
    places = np.flatnonzero(matched)
    return view[places[np.lexsort((places, -total[places]))]]


def plain_scores(index: FuzzyIndex, term: str) -> np.ndarray:
    """A term's scores by the definition: the best weight of the ranges of words it matches, by
    the words' rarity and the length of the document's field, in whole 64ths."""
    scores = np.zeros(index.size, dtype=np.float32)
    for field, weights in ((index.abstract, ABSTRACT_WEIGHTS), (index.title, TITLE_WEIGHTS)):
        norms = field.norms(index.size)
        for weight, first, last in field.hits(term, weights, index.size):
            docs = field.postings(first, last)
            value = np.round(np.float32(weight) * norms[docs] * 64) / 64
            scores[docs] = np.maximum(scores[docs], value)
    return scores


def a_view(seed: int, size: int) -> np.ndarray | None:
    """No view, or some of the documents in some order (as a view sorted by date)."""
    if seed % 3 == 0:
        return None
    rng = np.random.default_rng(seed)
    return rng.permutation(size)[: rng.integers(1, size + 1)]


def test_a_query_finds_what_its_definition_finds(index, words):
    @HYPOTHESIS
    @given(queries(words), st.integers(0, 1000))
    def check(query: str, seed: int) -> None:
        view = a_view(seed, index.size)
        assert fresh(index).search(query, view).docs.tolist() == plain_search(index, query, view).tolist()

    check()


def test_a_search_after_others_finds_what_a_fresh_index_finds(index, words):
    @HYPOTHESIS
    @given(st.lists(queries(words), min_size=2, max_size=6), st.integers(0, 1000))
    def check(history: list[str], seed: int) -> None:
        view = a_view(seed, index.size)
        searched = fresh(index)
        for query in history:
            found = searched.search(query, view)
            assert np.array_equal(found.docs, fresh(index).search(query, view).docs)

    check()


def test_one_letter_masks_score_as_the_postings_do(index):
    for letter in LETTERS:
        assert np.array_equal(fresh(index).term_scores(letter), plain_scores(index, letter)), letter


def test_scores_are_whole_64ths_and_best_first(index):
    found = index.search("difusion languag")
    assert len(found) > 10
    assert np.array_equal(found.scores * 64, np.round(found.scores * 64))
    assert (np.diff(found.scores) <= 0).all()


def test_a_search_asked_to_stop_returns_none_and_keeps_what_it_scored(index):
    searched = fresh(index)
    asked: list[str] = []

    def once() -> bool:
        asked.append("")
        return len(asked) == 1

    assert searched.search("diffusion kv cache", proceed=once) is None
    assert len(asked) == 2  # before "diffusion", then before "kv"
    asked.clear()
    assert searched.search("diffusion", proceed=once) is not None
    assert not asked  # cached: nothing left to stop before


def test_letter_masks_are_saved_and_read_back(sample):
    field = FieldIndex.build(sample[0])
    buffer = io.BytesIO()
    np.savez(buffer, **field.arrays("title"))
    buffer.seek(0)
    with np.load(buffer) as arrays:
        read = FieldIndex.from_arrays(arrays, "title")
    without = FieldIndex(field.words, field.offsets, field.docs)  # as an index from an older cache
    for masks in (read.letter_masks(len(sample[0])), without.letter_masks(len(sample[0]))):
        assert all(map(np.array_equal, masks, field.letter_masks(len(sample[0]))))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 60), min_size=8, max_size=30, unique=True),
    st.lists(st.integers(-5, 70), max_size=40),
)
def test_documents_of_ids_are_found_with_dense_and_sparse_ids(ids, wanted):
    for spread in (1, 10_000):  # the second too sparse for a table of every id
        paper_ids = np.array(sorted(ids), dtype=np.int64) * spread
        index = PaperIndex(paper_ids, FuzzyIndex.build([""] * len(ids), [""] * len(ids)), ())
        asked = np.array(wanted, dtype=np.int64) * spread
        docs, found = index.docs_of(asked)
        expected = [(int(np.searchsorted(paper_ids, i)), n) for n, i in enumerate(asked) if i in paper_ids]
        assert list(zip(docs.tolist(), found.tolist(), strict=True)) == expected
        assert (index.doc_table is None) == (spread > 1)  # 8 ids or more within 60: dense


def spans_by_definition(query: str, title: str) -> list[tuple[int, int]]:
    """`title_spans` as first written, word by word, term by term."""
    lowered = title.lower()
    if len(lowered) != len(title):
        return []
    terms = query_terms(query)
    spans = []
    for word in TERM.finditer(lowered):
        text = word.group()
        for term in terms:
            if text.startswith(term):
                spans.append((word.start(), word.start() + len(term)))
            elif len(term) >= INFIX_MIN_LENGTH and term in text:
                start = word.start() + text.index(term)
                spans.append((start, start + len(term)))
            elif len(term) >= TYPO_MIN_LENGTH and (
                fuzz.ratio(term, text) >= TYPO_CUTOFF or OSA.distance(term, text[: len(term)]) <= 1
            ):
                spans.append(word.span())
            else:
                continue
            break
    return spans


def test_title_spans_are_those_of_the_definition(sample, words):
    titles = st.one_of(st.sampled_from(sample[0]), st.text(max_size=60), st.just("İstanbul KV Cache"))

    @settings(max_examples=300, deadline=None)
    @given(queries(words), titles)
    @example("xiffusion", "Diffusionmodels, one word")  # a typo in the first letter of a long word
    @example("idffusion kv", "Diffusionmodels, one word")  # the first two letters swapped
    def check(query: str, title: str) -> None:
        assert list(title_spans(query, title)) == spans_by_definition(query, title)
        assert list(title_spans(query, title)) == spans_by_definition(query, title)  # remembered

    check()


def test_the_letter_masks_reach_the_cache(tmp_path: Path, sample_store: Store):
    from papershelf.loaders.search.paper_index import load_cached, save_cached

    built = PaperIndex.build(Browser(sample_store))
    save_cached(tmp_path / "index.npz", built)
    read = load_cached(tmp_path / "index.npz", built.signature)
    assert read is not None
    with np.load(tmp_path / "index.npz") as arrays:
        assert {"title_initials", "abstract_singles"} <= set(arrays.files)
    size = read.fuzzy.size
    for name in ("title", "abstract"):
        masks = getattr(read.fuzzy, name).letter_masks(size)
        assert all(map(np.array_equal, masks, getattr(built.fuzzy, name).letter_masks(size)))
