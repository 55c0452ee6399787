"""The fuzzy filter: an in-memory word index over titles and abstracts, fast at 100,000 papers.

A query is split into terms; a paper matches when every term matches a word of its title or
abstract, exactly, as a prefix (the term being typed), with a typo (rapidfuzz's ratio against the
vocabulary) or inside a longer word. Each kind of match has a weight, title matches above abstract
matches and whole words above the rest, and papers are ranked by the sum over the terms.

Each term is resolved to ranges of a sorted vocabulary whose postings are contiguous, so scoring a
term is a few numpy slice assignments; the scores of the terms already typed are cached, so a
keystroke only scores the term being typed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

TERM = re.compile(r"[0-9a-z\u0080-\U0010ffff]+")
TYPO_MIN_LENGTH = 4
TYPO_CUTOFF = 75.0
TYPO_MAX_WORDS = 40
INFIX_MIN_LENGTH = 3
CACHED_TERMS = 32
WARM_PREFIX_LENGTHS = 12
CHUNK_DOCS = 2048

# Weights of (exact word, prefix, typo at 100% similarity, inside a word), by field.
TITLE_WEIGHTS = (10.0, 8.0, 7.0, 5.0)
ABSTRACT_WEIGHTS = (4.0, 3.0, 2.5, 2.0)

_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[ord("0") : ord("9") + 1] = True
_WORD_BYTE[ord("a") : ord("z") + 1] = True
_WORD_BYTE[0x80:] = True
_HASH_BASE = 1_000_003


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, in order, split the way the index splits words."""
    return list(dict.fromkeys(TERM.findall(query.lower())))


class FieldIndex:
    """Word → documents postings for one field, the words sorted so that a prefix is a range."""

    def __init__(self, words: list[str], offsets: np.ndarray, docs: np.ndarray):
        self.words = words
        self.offsets = offsets
        self.docs = docs
        self._position = {word: i for i, word in enumerate(words)}
        self._by_length: dict[int, list[int]] = {}
        for i, word in enumerate(words):
            self._by_length.setdefault(len(word), []).append(i)
        self._joined = "\n" + "\n".join(words) + "\n"
        self._line_starts = np.cumsum([0, *(len(word) + 1 for word in words)])
        self._prefix_tables: dict[int, tuple[list[str], list[tuple[int, int]]]] = {}

    @classmethod
    def build(cls, texts: Iterable[str]) -> FieldIndex:
        tokenizer = _Tokenizer()
        chunk: list[str] = []
        for text in texts:
            chunk.append(text)
            if len(chunk) == CHUNK_DOCS:
                tokenizer.add(chunk)
                chunk = []
        if chunk:
            tokenizer.add(chunk)
        return tokenizer.finish()

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        """The index as arrays, for `np.savez`; `FieldIndex.from_arrays` reads them back."""
        words = np.frombuffer("\n".join(self.words).encode(), dtype=np.uint8)
        return {f"{name}_words": words, f"{name}_offsets": self.offsets, f"{name}_docs": self.docs}

    @classmethod
    def from_arrays(cls, arrays: Any, name: str) -> FieldIndex:
        text = arrays[f"{name}_words"].tobytes().decode()
        return cls(text.split("\n") if text else [], arrays[f"{name}_offsets"], arrays[f"{name}_docs"])

    def exact(self, term: str) -> int | None:
        return self._position.get(term)

    def prefix_range(self, term: str) -> tuple[int, int]:
        return bisect_left(self.words, term), bisect_left(self.words, term + "\U0010ffff")

    def typos(self, term: str) -> list[tuple[int, float]]:
        """Words within a typo or two of the term, with their similarity (0–1)."""
        if len(term) < TYPO_MIN_LENGTH:
            return []
        candidates = [
            i for length in range(len(term) - 2, len(term) + 3) for i in self._by_length.get(length, ())
        ]
        found = process.extract(
            term,
            [self.words[i] for i in candidates],
            scorer=fuzz.ratio,
            score_cutoff=TYPO_CUTOFF,
            limit=TYPO_MAX_WORDS,
        )
        return [(candidates[index], score / 100) for _, score, index in found]

    def typo_prefixes(self, term: str) -> list[tuple[int, int, float]]:
        """Ranges of words that begin with the term give or take a typo (`cahce` → `cached`)."""
        if len(term) < TYPO_MIN_LENGTH:
            return []
        prefixes, ranges = self.prefixes(len(term))
        allowed = 1 if len(term) < 8 else 2
        found = process.extract(term, prefixes, scorer=OSA.distance, score_cutoff=allowed, limit=None)
        return [(*ranges[index], 1 - distance / len(term)) for _, distance, index in found if distance]

    def prefixes(self, length: int) -> tuple[list[str], list[tuple[int, int]]]:
        """The distinct `length`-letter beginnings of words, each with its range of words."""
        cached = self._prefix_tables.get(length)
        if cached is None:
            table: dict[str, list[int]] = {}
            for i, word in enumerate(self.words):
                if len(word) >= length:
                    table.setdefault(word[:length], [i, i])[1] = i + 1
            cached = self._prefix_tables[length] = (list(table), [tuple(r) for r in table.values()])
        return cached

    def infixes(self, term: str) -> list[int]:
        """Words that hold the term somewhere after their first letter."""
        if len(term) < INFIX_MIN_LENGTH or "\n" in term:
            return []
        positions = np.array([m.start() for m in re.finditer(re.escape(term), self._joined)], dtype=np.int64)
        if not len(positions):
            return []
        words = np.searchsorted(self._line_starts, positions - 1, side="right") - 1
        inside = positions - 1 > self._line_starts[words]
        return sorted(set(words[inside].tolist()))

    def assign(self, scores: np.ndarray, first: int, last: int, weight: float) -> None:
        """Raise the score of every document holding a word in [first, last) to at least weight."""
        docs = self.docs[self.offsets[first] : self.offsets[last]]
        if len(docs) > len(scores) // 8:
            # A short prefix's postings (a million for one letter): marking the documents and
            # raising them in one pass is several times faster than gathering and scattering.
            hit = np.zeros(len(scores), dtype=bool)
            hit[docs] = True
            np.maximum(scores, weight, out=scores, where=hit)
        elif len(docs):
            scores[docs] = np.maximum(scores[docs], weight)


class _Tokenizer:
    """Splits many texts into (word, document) pairs without a Python object per word.

    Words are hashed with a polynomial hash computed by numpy over the UTF-8 bytes of a chunk; only
    distinct words of a chunk reach Python, once each.
    """

    def __init__(self) -> None:
        self.word_ids: dict[int, int] = {}
        self.words: list[str] = []
        self.keys: list[np.ndarray] = []
        self.doc_count = 0

    def add(self, texts: Sequence[str]) -> None:
        blob = ("\x00".join(text.lower() for text in texts) + "\x00").encode("utf-8", "replace")
        data = np.frombuffer(blob, dtype=np.uint8)
        edges = np.diff(_WORD_BYTE[data].view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        hashes = _span_hashes(data, starts, ends)
        docs = np.searchsorted(np.flatnonzero(data == 0), starts) + self.doc_count
        unique, first, inverse = _unique(hashes)
        pairs = zip(unique.tolist(), first.tolist(), strict=True)
        ids = np.fromiter(
            (self._word_id(hashed, blob, starts[i], ends[i]) for hashed, i in pairs),
            dtype=np.int64,
            count=len(unique),
        )
        keys = np.sort((ids[inverse] << 32) | docs)
        self.keys.append(keys[np.diff(keys, prepend=np.int64(-1)) != 0])
        self.doc_count += len(texts)

    def _word_id(self, hashed: int, blob: bytes, start: int, end: int) -> int:
        word_id = self.word_ids.get(hashed)
        if word_id is None:
            word_id = self.word_ids[hashed] = len(self.words)
            self.words.append(blob[start:end].decode("utf-8", "replace"))
        return word_id

    def finish(self) -> FieldIndex:
        order = sorted(range(len(self.words)), key=self.words.__getitem__)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        keys = np.concatenate(self.keys) if self.keys else np.zeros(0, dtype=np.int64)
        keys = np.sort((rank[keys >> 32] << 32) | (keys & 0xFFFFFFFF))
        counts = np.bincount((keys >> 32).astype(np.int64), minlength=len(order))
        offsets = np.concatenate(([0], np.cumsum(counts)))
        return FieldIndex([self.words[i] for i in order], offsets, (keys & 0xFFFFFFFF).astype(np.int32))


_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)


def _span_hashes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each byte span, the same for the same bytes wherever they occur."""
    global _powers, _inverse_powers
    if len(_powers) < len(data) + 1:
        size = max(len(data) + 1, 2 * len(_powers))
        _powers = _power_table(_HASH_BASE, size)
        _inverse_powers = _power_table(pow(_HASH_BASE, -1, 1 << 64), size)
    prefix = np.zeros(len(data) + 1, dtype=np.uint64)
    np.cumsum((data.astype(np.uint64) + np.uint64(1)) * _powers[: len(data)], out=prefix[1:])
    lengths = (ends - starts).astype(np.uint64) << np.uint64(56)
    return ((prefix[ends] - prefix[starts]) * _inverse_powers[starts]) ^ lengths


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values, the index of one occurrence of each, and each value's distinct index.

    `np.unique` hashes since numpy 2.3, several times slower than sorting for these arrays.
    """
    order = np.argsort(values)
    ordered = values[order]
    distinct = np.empty(len(values), dtype=bool)
    distinct[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=distinct[1:])
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[order] = np.cumsum(distinct) - 1
    return ordered[distinct], order[distinct], inverse


def _power_table(base: int, size: int) -> np.ndarray:
    """base**0 .. base**(size-1), modulo 2**64."""
    powers = np.ones(size, dtype=np.uint64)
    np.cumprod(np.full(size - 1, base, dtype=np.uint64), out=powers[1:])
    return powers


@dataclass(frozen=True, slots=True)
class Matches:
    """The documents matching a query, best first, with their scores."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)


class FuzzyIndex:
    """Fuzzy search over the titles and abstracts of documents numbered 0..n-1."""

    def __init__(self, title: FieldIndex, abstract: FieldIndex, size: int):
        self.title = title
        self.abstract = abstract
        self.size = size
        self._term_scores: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def build(cls, titles: Sequence[str], abstracts: Sequence[str]) -> FuzzyIndex:
        return cls(FieldIndex.build(titles), FieldIndex.build(abstracts), len(titles))

    def warm(self) -> None:
        """Build ahead the tables that the first terms typed would otherwise build, a few
        milliseconds per keystroke (the typo prefixes of each length)."""
        for length in range(TYPO_MIN_LENGTH, WARM_PREFIX_LENGTHS + 1):
            for field in (self.title, self.abstract):
                field.prefixes(length)

    def search(self, query: str, within: np.ndarray | None = None, rank: np.ndarray | None = None) -> Matches:
        """Documents matching every term of the query, by descending score.

        `within` is an optional boolean mask of the documents allowed (a view such as the stars);
        `rank` orders documents of equal score (the view's order), else document order does.
        """
        terms = query_terms(query)
        if not terms:
            docs = np.arange(self.size) if within is None else np.flatnonzero(within)
            if rank is not None:
                docs = docs[np.argsort(rank[docs], kind="stable")]
            return Matches(docs, np.zeros(len(docs), dtype=np.float32))
        total = self.term_scores(terms[0]).copy()
        matched = total > 0
        for term in terms[1:]:
            scores = self.term_scores(term)
            total += scores
            matched &= scores > 0
        if within is not None:
            matched &= within
        docs = np.flatnonzero(matched)
        if rank is None:
            order = np.argsort(-total[docs], kind="stable")
        else:
            order = np.lexsort((rank[docs], -total[docs]))
        return Matches(docs[order], total[docs][order])

    def term_scores(self, term: str) -> np.ndarray:
        """The score of one term for every document (0: no match); recent terms are cached."""
        scores = self._term_scores.get(term)
        if scores is None:
            scores = np.zeros(self.size, dtype=np.float32)
            for field, weights in ((self.abstract, ABSTRACT_WEIGHTS), (self.title, TITLE_WEIGHTS)):
                _score_field(field, weights, term, scores)
            self._term_scores[term] = scores
            if len(self._term_scores) > CACHED_TERMS:
                self._term_scores.popitem(last=False)
        else:
            self._term_scores.move_to_end(term)
        return scores


def _score_field(field: FieldIndex, weights: tuple[float, ...], term: str, scores: np.ndarray) -> None:
    exact_weight, prefix_weight, typo_weight, infix_weight = weights
    for word in field.infixes(term):
        field.assign(scores, word, word + 1, infix_weight)
    for first, last, similarity in field.typo_prefixes(term):
        field.assign(scores, first, last, typo_weight * similarity * 0.9)
    for word, similarity in field.typos(term):
        field.assign(scores, word, word + 1, typo_weight * similarity)
    first, last = field.prefix_range(term)
    field.assign(scores, first, last, prefix_weight)
    exact = field.exact(term)
    if exact is not None:
        field.assign(scores, exact, exact + 1, exact_weight)


def title_spans(query: str, title: str) -> list[tuple[int, int]]:
    """The character spans of the title that the query's terms matched, for highlighting."""
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
