"""The trigram term dictionary finds what the scans over the whole vocabulary found."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from benchmarks.terms import ScanDictionary
from papershelf.loaders.search.fuzzy import TERM
from papershelf.loaders.search.term_dictionary import (
    START,
    TermDictionary,
    allowed_typos,
    trigram_codes,
    trigram_index,
)
from papershelf.loaders.sources.load import load_sample
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store

LETTERS = "abcdefghijklmnopqrstuvwxyz"
HYPOTHESIS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def words(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The words of the sample's abstracts."""
    with Store(tmp_path_factory.mktemp("sample") / "sample.db") as store:
        load_sample(store)
        texts = [abstract for _, _, abstract in Browser(store).texts()]
    return sorted({word for text in texts for word in TERM.findall(text.lower())})


@pytest.fixture(scope="module")
def dictionaries(words) -> tuple[TermDictionary, ScanDictionary]:
    return TermDictionary(words), ScanDictionary(words)


def one_edit(word: str, place: int, letter: str, kind: int) -> str:
    place %= len(word)
    if kind == 0:
        return word[:place] + letter + word[place + 1 :]
    if kind == 1:
        return word[:place] + letter + word[place:]
    if kind == 2:
        return word[:place] + word[place + 1 :]
    place = min(place, len(word) - 2)
    return word[:place] + word[place + 1] + word[place] + word[place + 2 :]


def test_exact_words_prefixes_and_infixes_are_those_the_scans_find(words, dictionaries):
    trigrams, scans = dictionaries
    for term in ["diffusion", "diff", "d", "kv", "cache", "ion", "token", "zzzz", "", "e", "ing", "lm"]:
        assert trigrams.exact(term) == scans.exact(term)
        assert trigrams.prefix_range(term) == scans.prefix_range(term)
        inside = [word for word in scans.infixes(term) if not words[word].startswith(term)]
        assert trigrams.infixes(term) == inside, term


def test_a_word_one_edit_away_is_found_as_a_typo_and_as_a_typed_beginning(words, dictionaries):
    trigrams, _ = dictionaries
    long_words = [word for word in words if len(word) >= 5 and word.isascii()]

    @HYPOTHESIS
    @given(st.sampled_from(long_words), st.integers(0, 30), st.sampled_from(LETTERS), st.integers(0, 3))
    def check(word: str, place: int, letter: str, kind: int) -> None:
        typed = one_edit(word, place, letter, kind)
        distance = OSA.distance(typed, word)
        if not 0 < distance <= allowed_typos(len(typed)):
            return
        found = [trigrams.words[i] for i, _ in trigrams.typos(typed)]
        assert word in found or len(found) == 40 or len(typed) == 4  # a four-letter term: see the module
        assert all(OSA.distance(typed, other) <= allowed_typos(len(typed)) for other in found)
        beginning = typed[: max(len(typed) - 1, 4)]
        shared = set(trigram_codes(START + beginning)) & set(trigram_codes(START + word[: len(beginning)]))
        if shared and 0 < OSA.distance(beginning, word[: len(beginning)]) <= allowed_typos(len(beginning)):
            ranges = trigrams.typo_prefixes(beginning)
            assert any(first <= words.index(word) < last for first, last, _ in ranges)

    check()


def test_typo_similarities_and_ranges_are_sound(dictionaries):
    trigrams, _ = dictionaries
    for term in ["difusion", "cahce", "langauge", "modle", "trasnformer"]:
        for first, last, similarity in trigrams.typo_prefixes(term):
            assert 0 < similarity < 1 and first < last
            beginning = trigrams.words[first][: len(term)]
            assert all(word.startswith(beginning) for word in trigrams.words[first:last])
        for word, similarity in trigrams.typos(term):
            assert 0 < similarity <= 1 and OSA.distance(term, trigrams.words[word]) <= 2


def test_short_terms_have_no_typos():
    dictionary = TermDictionary(["cab", "cat", "cot"])
    assert dictionary.typos("cat") == [] and dictionary.typo_prefixes("cax") == []


def test_the_trigram_index_lists_each_word_once_under_each_of_its_trigrams():
    codes, offsets, word_ids = trigram_index(["ab", "abab", "b"])
    held = {int(code): word_ids[offsets[i] : offsets[i + 1]].tolist() for i, code in enumerate(codes)}
    aba = (ord("a") << 16) | (ord("b") << 8) | ord("a")
    assert held[aba] == [1]
    start_ab = (1 << 16) | (ord("a") << 8) | ord("b")
    assert held[start_ab] == [0, 1]
    assert trigram_index([])[0].size == 0
