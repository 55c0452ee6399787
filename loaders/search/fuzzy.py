"""The fuzzy filter: an in-memory word index over titles and abstracts.

A query is split into terms; a paper matches when every term matches a word of its title or
abstract, exactly, as a prefix (the term being typed), with a typo (one edit from 4 letters, two
from 8, found through the trigram `TermDictionary` rather than a pass over the vocabulary) or
inside a longer word. Each kind of match has a weight, title matches above abstract
matches and whole words above the rest, and papers are ranked by the sum over the terms.

Each term is resolved to ranges of a sorted vocabulary whose postings are contiguous, so scoring a
term is a few numpy assignments, lowest weight first; a one-letter term, whose postings are most
of the index, is read from a bit mask per document instead. The scores of the terms already typed
are cached, so a keystroke only scores the term being typed. A query's documents are found in
document order, reading whole arrays, and ranked by one sort of 32-bit keys: scores are whole 64ths.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from papershelf.loaders.search.word_index import (
    INFIX_MIN_LENGTH,
    LETTERS,
    TYPO_CUTOFF,
    TYPO_MIN_LENGTH,
    FieldIndex,
)

TERM = re.compile(r"[0-9a-z\u0080-\U0010ffff]+")
CACHED_TERMS = 32
QUANTUM = 64  # scores are whole 64ths
SPAN_TITLES = 512

# Weights of (exact word, prefix, typo at 100% similarity, inside a word), by field.
TITLE_WEIGHTS = (10.0, 8.0, 7.0, 5.0)
ABSTRACT_WEIGHTS = (4.0, 3.0, 2.5, 2.0)


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, in order, split the way the index splits words."""
    return list(dict.fromkeys(TERM.findall(query.lower())))


@dataclass(frozen=True, slots=True)
class Matches:
    """The documents matching a query, best first, with their scores."""

    docs: np.ndarray
    scores: np.ndarray
    by_meaning: np.ndarray | None = None  # of `docs`, those found by meaning, not by every word

    def __len__(self) -> int:
        return len(self.docs)


class FuzzyIndex:
    """Fuzzy search over the titles and abstracts of documents numbered 0..n-1.

    The fields hold documents 0..size-1 as built; `added`, the documents after them (papers added
    or rewritten since, a small index whose words weigh by their rarity in both); `gone`, documents
    of the fields no longer searched (papers removed, or rewritten into `added`). Searches may run
    on the UI thread and in a worker at once: the caches are shared under a lock.
    """

    def __init__(
        self,
        title: FieldIndex,
        abstract: FieldIndex,
        size: int,
        added: FuzzyIndex | None = None,
        gone: np.ndarray | None = None,
    ):
        self.title = title
        self.abstract = abstract
        self.built_size = size
        self.added = added
        self.size: int = size + (added.size if added is not None else 0)
        self.counted_size = self.size  # the documents a word's rarity is counted over
        if added is not None:
            added.counted_size = self.size
        self.gone = np.zeros(0, dtype=np.int64) if gone is None else np.asarray(gone, dtype=np.int64)
        self.live: np.ndarray | None = None
        if len(self.gone):
            self.live = np.ones(self.size, dtype=bool)
            self.live[self.gone] = False
        self._term_scores: OrderedDict[str, np.ndarray] = OrderedDict()
        self._view_places: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    @classmethod
    def build(cls, titles: Sequence[str], abstracts: Sequence[str]) -> FuzzyIndex:
        return cls(FieldIndex.build(titles), FieldIndex.build(abstracts), len(titles))

    def gone_mask(self) -> np.ndarray:
        """Per document of the fields as built, whether it is gone."""
        mask = np.zeros(self.built_size, dtype=bool)
        mask[self.gone[self.gone < self.built_size]] = True
        return mask

    def warm(self) -> None:
        """Build ahead what the first term typed would otherwise build: the letter masks, if the
        index came without them, and the length norms."""
        for field in (self.title, self.abstract):
            field.letter_masks(self.built_size)
            field.norms(self.built_size)
        if self.added is not None:
            self.added.warm()

    def search(
        self,
        query: str,
        view: np.ndarray | None = None,
        proceed: Callable[[], bool] | None = None,
        extra: Callable[[str], np.ndarray | None] | None = None,
        bonus: np.ndarray | None = None,
        missing: int = 0,
    ) -> Matches | None:
        """Documents matching every term of the query, by descending score.

        `view` lists the documents allowed (a view such as the stars) in its order, which orders
        documents of equal score; without it all documents are, in document order. `proceed` is
        asked before each term that is not cached yet: if it answers False the search stops and
        returns None, the terms scored so far staying cached for the next search. `extra` gives a
        term's scores from fields the index does not hold (authors, notes…), a document keeping
        the better of the two; `bonus` is added to the total of every matching document (a score
        of another kind, such as a similarity). `missing` terms may match nothing in a document
        (a word mistyped beyond recognition), whose total is then that of the others.
        """
        if not query_terms(query):
            docs = self.allowed(view)
            return Matches(docs, np.zeros(len(docs), dtype=np.float32))
        scores = self.scored_terms(query, proceed, extra)
        if scores is None:
            return None
        places, inside = (None, None) if view is None else self._places(view)
        if self.live is not None:
            inside = self.live if inside is None else inside & self.live
        docs, total = _matching(scores, inside, missing)
        if bonus is not None:
            total = total + bonus[docs]
        return _ranked(docs, total, view, places, self.size)

    def scored_terms(
        self,
        query: str,
        proceed: Callable[[], bool] | None = None,
        extra: Callable[[str], np.ndarray | None] | None = None,
    ) -> list[np.ndarray] | None:
        """Each term's score per document, `extra`'s where better (see `search`); None when
        `proceed` stopped it."""
        scores = []
        for term in query_terms(query):
            term_scores = self._cached(term)
            if term_scores is None:
                if proceed is not None and not proceed():
                    return None
                term_scores = self.term_scores(term)
            more = extra(term) if extra is not None else None
            scores.append(term_scores if more is None else np.maximum(term_scores, more))
        return scores

    def allowed(self, view: np.ndarray | None) -> np.ndarray:
        """The documents of `view` (None: all, in order) not removed since the build."""
        docs = np.arange(self.size) if view is None else view
        return docs if self.live is None else docs[self.live[docs]]

    def term_scores(self, term: str) -> np.ndarray:
        """The score of one term for every document (0: no match); recent terms are cached."""
        scores = self._cached(term)
        if scores is None:
            scores = self._score(term)
            with self._lock:
                self._term_scores[term] = scores
                if len(self._term_scores) > CACHED_TERMS:
                    self._term_scores.popitem(last=False)
        return scores

    def _cached(self, term: str) -> np.ndarray | None:
        with self._lock:
            scores = self._term_scores.get(term)
            if scores is not None:
                self._term_scores.move_to_end(term)
            return scores

    def _score(self, term: str) -> np.ndarray:
        """A term's score per document: the best weight of the words it matches there."""
        scores = self._score_built(term)
        if self.added is None:
            return scores
        return np.concatenate([scores, self.added._score(term)])

    def _score_built(self, term: str) -> np.ndarray:
        """A term's scores for the documents of the fields as built."""
        size, counted = self.built_size, self.counted_size
        scores = np.zeros(size, dtype=np.float32)
        fields = ((self.abstract, ABSTRACT_WEIGHTS), (self.title, TITLE_WEIGHTS))
        letter = LETTERS.find(term) if len(term) == 1 else -1
        if letter >= 0:
            # Most documents hold a word beginning with any given letter: a mask of the documents
            # answers in a pass over them rather than over a million postings.
            for field, weights in fields:
                hits = field.hits(term, weights, counted)  # the prefix range, then the word if there is one
                norms = field.norms(size)
                for (weight, _, _), masks in zip(hits, field.letter_masks(size), strict=False):
                    hit = np.unpackbits(masks[letter], count=size).view(bool)
                    np.maximum(scores, _quantized(hit * (np.float32(weight) * norms)), out=scores)
            return scores
        abstract, title = fields
        # The abstract's hits, lightest first, are simply written over one another: a document's
        # value grows with the weight (its norm is the same for every word of the field), so the
        # last write is the best, and the gather a maximum needs is saved on the largest postings.
        norms = abstract[0].norms(size)
        for weight, first, last in sorted(abstract[0].hits(term, abstract[1], counted)):
            docs = abstract[0].postings(first, last)
            scores[docs] = _quantized(np.float32(weight) * norms[docs])
        norms = title[0].norms(size)
        for weight, first, last in title[0].hits(term, title[1], counted):
            docs = title[0].postings(first, last)
            # A document is in a range once per word of it, with the same value each time.
            scores[docs] = np.maximum(scores[docs], _quantized(np.float32(weight) * norms[docs]))
        return scores

    def _places(self, view: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each document's place in the view, and whether it is in it; kept for the last view. The
        search runs in document order, reading whole arrays, and sorts by place at the end."""
        cached = self._view_places
        if cached is not None and cached[0] is view:
            return cached[1], cached[2]
        places = np.zeros(self.size, dtype=np.uint32)
        places[view] = np.arange(len(view), dtype=np.uint32)
        inside = np.zeros(self.size, dtype=bool)
        inside[view] = True
        self._view_places = (view, places, inside)
        return places, inside


def _quantized(scores: np.ndarray) -> np.ndarray:
    """Scores rounded to whole 64ths, which the ranking's sort keys hold."""
    return np.round(scores * QUANTUM) / QUANTUM


def _matching(
    scores: list[np.ndarray], inside: np.ndarray | None, missing: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The documents (of those `inside` the view, if given) that every term's scores match (all
    but `missing` of them), ascending, and their totals. Whole arrays read in order: gathering the
    scores of fewer documents, such as those matching the terms before the last, measured no
    faster."""
    if missing:
        found = np.sum([term_scores > 0 for term_scores in scores], axis=0)
        matched = found >= max(len(scores) - missing, 1)
        total = np.sum(scores, axis=0)
    else:
        matched = scores[0] > 0
        total = scores[0]
    for term_scores in scores[1:] if not missing else ():
        matched &= term_scores > 0
        total = total + term_scores
    if inside is not None:
        matched &= inside
    docs = np.flatnonzero(matched)
    return docs, total[docs]


def _ranked(
    docs: np.ndarray, total: np.ndarray, view: np.ndarray | None, places: np.ndarray | None, size: int
) -> Matches:
    """The documents by descending total, equal totals in view order (else document order)."""
    place = docs if places is None else places[docs]
    top = float(total.max(initial=0))
    shift = max(size - 1, 1).bit_length()
    if (int(top * QUANTUM) + 1) << shift <= 1 << 32:
        # Totals are whole 64ths: each one's distance from the top and the document's place make a
        # 32-bit key, and sorting the keys (SIMD) is several times faster than a stable argsort;
        # the sorted keys hold the places and the totals, so nothing needs gathering by the order.
        keys = ((top - total) * QUANTUM).astype(np.uint32) << np.uint32(shift)
        keys |= place.astype(np.uint32)
        keys.sort()
        place = (keys & np.uint32((1 << shift) - 1)).astype(np.intp)
        total = top - (keys >> np.uint32(shift)).astype(np.float32) / QUANTUM
    else:
        order = np.lexsort((place, -total))
        place, total = place[order], total[order]
    return Matches(place if view is None else view[place], total)


@lru_cache(maxsize=SPAN_TITLES)
def title_spans(query: str, title: str) -> tuple[tuple[int, int], ...]:
    """The character spans of the title that the query's terms matched, for highlighting;
    remembered, as the list draws the same lines again when its cursor moves."""
    spans = []
    word_spans = _word_spans(query)
    for start, word in _title_words(title):
        span = word_spans[word]
        if span is not None:
            spans.append((start + span[0], start + span[1]))
    return tuple(spans)


@lru_cache(maxsize=SPAN_TITLES * 8)
def _title_words(title: str) -> tuple[tuple[int, str], ...]:
    """The words of a title and where they start; none if lowering it moves characters."""
    lowered = title.lower()
    if len(lowered) != len(title):
        return ()
    return tuple([(word.start(), word.group()) for word in TERM.finditer(lowered)])


@lru_cache(maxsize=8)
def _word_spans(query: str) -> _WordSpans:
    return _WordSpans(query_terms(query))


class _WordSpans(dict[str, tuple[int, int] | None]):
    """Word → the span of it that the first of the terms matching it matches (None: no term does),
    found on first use: titles share most of their words."""

    def __init__(self, terms: list[str]):
        super().__init__()
        self.terms = [(term, len(term)) for term in terms]

    def __missing__(self, word: str) -> tuple[int, int] | None:
        span = self[word] = _match_span(self.terms, word)
        return span


def text_matches(query: str, text: str) -> bool:
    """Whether a term of the query matches a word of `text` (as the filter matches, for reporting
    which fields matched)."""
    spans = _word_spans(query)
    return any(spans[word] is not None for word in TERM.findall(text.lower()))


def _match_span(terms: list[tuple[str, int]], text: str) -> tuple[int, int] | None:
    for term, length in terms:
        if text.startswith(term):
            return 0, length
        if length >= INFIX_MIN_LENGTH and term in text:
            start = text.index(term)
            return start, start + length
        if length >= TYPO_MIN_LENGTH and _typo(term, length, text):
            return 0, len(text)
    return None


def _typo(term: str, length: int, text: str) -> bool:
    """Whether the text is 75% similar to the term, or begins with it give or take a letter."""
    if 5 * len(text) < 3 * length:
        return False  # under 60% of the term's length: neither, and most words are short
    if fuzz.ratio(term, text, score_cutoff=TYPO_CUTOFF):
        return True
    # One edit away keeps the first letter, or moves the second to the front, or changes the first.
    if text[0] != term[0] and text[0] != term[1] and text[1:2] != term[:1] and text[1:length] != term[1:]:
        return False
    return OSA.distance(term, text[:length], score_cutoff=1) <= 1
