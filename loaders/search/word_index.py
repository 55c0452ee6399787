"""A word index of one field of many documents: building it from texts, looking words up.

Words are what `fuzzy.TERM` matches in the lowered text: runs of digits, ASCII letters and any
non-ASCII character. The words are sorted, so that the words beginning with a prefix are a range,
and the postings of a range of words are contiguous; `TermDictionary` finds a term's words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from papershelf.loaders.search.term_dictionary import (
    INFIX_MIN_LENGTH,
    TYPO_MAX_WORDS,
    TYPO_MIN_LENGTH,
    TermDictionary,
)

__all__ = ["INFIX_MIN_LENGTH", "TYPO_CUTOFF", "TYPO_MAX_WORDS", "TYPO_MIN_LENGTH", "FieldIndex", "Tokenizer"]

TYPO_CUTOFF = 75.0  # rapidfuzz ratio at which a shown word is highlighted as a typo of a term
CHUNK_DOCS = 2048
BM25_K1, BM25_B = 1.2, 0.5
LETTERS = "0123456789abcdefghijklmnopqrstuvwxyz"  # one-letter terms read from bit masks

_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[ord("0") : ord("9") + 1] = True
_WORD_BYTE[ord("a") : ord("z") + 1] = True
_WORD_BYTE[0x80:] = True
_HASH_BASE = 1_000_003


class FieldIndex:
    """Word → documents postings for one field, the words sorted so that a prefix is a range.

    `reference`, for the index of papers added since a bigger one was built, is that bigger index:
    a word's rarity is counted over both.
    """

    def __init__(
        self,
        words: list[str],
        offsets: np.ndarray,
        docs: np.ndarray,
        letter_masks: tuple[np.ndarray, np.ndarray] | None = None,
        grams: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        reference: FieldIndex | None = None,
    ):
        self.words = words
        self.offsets = offsets
        self.docs = docs
        self.terms = TermDictionary(words, grams)
        self.reference = reference
        self._letter_masks = letter_masks
        self._norms: np.ndarray | None = None

    @classmethod
    def build(cls, texts: Iterable[str], reference: FieldIndex | None = None) -> FieldIndex:
        tokenizer = Tokenizer()
        chunk: list[str] = []
        for text in texts:
            chunk.append(text)
            if len(chunk) == CHUNK_DOCS:
                tokenizer.add(chunk)
                chunk = []
        if chunk:
            tokenizer.add(chunk)
        field = cls(*tokenizer.finish(), reference=reference)
        field.letter_masks(tokenizer.doc_count)
        field.norms(tokenizer.doc_count)
        return field

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        """The index as arrays, for `np.savez`; `FieldIndex.from_arrays` reads them back."""
        words = np.frombuffer("\n".join(self.words).encode(), dtype=np.uint8)
        arrays = {f"{name}_words": words, f"{name}_offsets": self.offsets, f"{name}_docs": self.docs}
        if self._letter_masks is not None:
            arrays[f"{name}_initials"], arrays[f"{name}_singles"] = self._letter_masks
        if self._norms is not None:
            arrays[f"{name}_norms"] = self._norms  # else computed from every posting when read
        return {**arrays, **self.terms.arrays(name)}

    @classmethod
    def from_arrays(cls, arrays: Any, name: str, reference: FieldIndex | None = None) -> FieldIndex:
        text = arrays[f"{name}_words"].tobytes().decode()
        masks = None
        if f"{name}_initials" in arrays:
            masks = (arrays[f"{name}_initials"], arrays[f"{name}_singles"])
        words = text.split("\n") if text else []
        grams = TermDictionary.grams_from_arrays(arrays, name)
        field = cls(words, arrays[f"{name}_offsets"], arrays[f"{name}_docs"], masks, grams, reference)
        if f"{name}_norms" in arrays:
            field._norms = arrays[f"{name}_norms"]
        return field

    def postings(self, first: int, last: int) -> np.ndarray:
        """The documents of the words in [first, last), a document once per word holding it."""
        return self.docs[self.offsets[first] : self.offsets[last]]

    def letter_masks(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Per letter of `LETTERS`, the documents as packed bits: in the first array those with a word
        beginning with the letter, in the second those where the letter is a word by itself."""
        if self._letter_masks is None:
            initials = np.zeros((len(LETTERS), size), dtype=bool)
            singles = np.zeros((len(LETTERS), size), dtype=bool)
            for row, letter in enumerate(LETTERS):
                initials[row, self.postings(*self.prefix_range(letter))] = True
                exact = self.exact(letter)
                if exact is not None:
                    singles[row, self.postings(exact, exact + 1)] = True
            self._letter_masks = (np.packbits(initials, axis=1), np.packbits(singles, axis=1))
        return self._letter_masks

    def idf(self, first: int, last: int, size: int) -> float:
        """How much a match of the words in [first, last) weighs by their rarity: from 1.4 (one
        document) down to 0.6 (every document), BM25's idf scaled so that weights keep their order
        of kinds (a title's word above an abstract's) for all but the rarest and commonest words.
        `size` counts the reference's documents too."""
        found = int(self.offsets[last] - self.offsets[first])
        if self.reference is not None and last > first:
            found += self.reference.found_like(self.words[first], self.words[last - 1])
        found = min(found, size)
        return 0.6 + 0.8 * math.log((size + 1) / (found + 0.5)) / math.log((size + 1) / 0.5)

    def found_like(self, first_word: str, last_word: str) -> int:
        """Postings of the word, or of the words sharing the beginning of two words."""
        if first_word == last_word:
            word = self.exact(first_word)
            return 0 if word is None else int(self.offsets[word + 1] - self.offsets[word])
        first, last = self.prefix_range(_common_beginning(first_word, last_word))
        return int(self.offsets[last] - self.offsets[first])

    def norms(self, size: int) -> np.ndarray:
        """Per document, BM25's length normalisation of a single occurrence (1 at the average
        length, more for shorter texts): a title that is mostly the query ranks above a long one.
        Lengths are counted in distinct words, which the postings hold."""
        if self._norms is None or len(self._norms) != size:
            lengths = np.bincount(self.docs, minlength=size).astype(np.float32)
            average = max(float(lengths.mean()), 1.0) if size else 1.0
            norms = (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * lengths / average))
            self._norms = norms.astype(np.float32)
        return self._norms

    def exact(self, term: str) -> int | None:
        return self.terms.exact(term)

    def prefix_range(self, term: str) -> tuple[int, int]:
        return self.terms.prefix_range(term)

    def hits(
        self, term: str, weights: tuple[float, ...], size: int | None = None
    ) -> list[tuple[float, int, int]]:
        """The ranges of words the term matches, each with the weight of its kind of match, and,
        given the number of documents, of the words' rarity (`idf`)."""
        hits = self._hits(term, weights)
        if size is None:
            return hits
        return [(weight * self.idf(first, last, size), first, last) for weight, first, last in hits]

    def _hits(self, term: str, weights: tuple[float, ...]) -> list[tuple[float, int, int]]:
        exact_weight, prefix_weight, typo_weight, infix_weight = weights
        terms = self.terms
        hits = [(infix_weight, word, word + 1) for word in terms.infixes(term)]
        typo_prefixes = terms.typo_prefixes(term)
        hits += [(typo_weight * similarity * 0.9, first, last) for first, last, similarity in typo_prefixes]
        hits += [(typo_weight * similarity, word, word + 1) for word, similarity in terms.typos(term)]
        hits.append((prefix_weight, *self.prefix_range(term)))
        exact = self.exact(term)
        if exact is not None:
            hits.append((exact_weight, exact, exact + 1))
        return hits


class Chunk(NamedTuple):
    """The distinct (word, document) pairs of a chunk of texts, sorted, as `word << shift | n`
    where n is the document's place in the chunk: 4 bytes a pair while they fit in 31 bits."""

    keys: np.ndarray
    shift: int
    first_doc: int


class Tokenizer:
    """Splits many texts into (word, document) pairs without a Python object per word.

    Words are hashed with a polynomial hash computed by numpy over the UTF-8 bytes of a chunk; only
    distinct words of a chunk reach Python, once each.
    """

    def __init__(self) -> None:
        self.word_ids: dict[int, int] = {}
        self.words: list[str] = []
        self.keys: list[Chunk] = []
        self.doc_count = 0

    def add(self, texts: Sequence[str]) -> None:
        blob = ("\x00".join(text.lower() for text in texts) + "\x00").encode("utf-8", "replace")
        data = np.frombuffer(blob, dtype=np.uint8)
        edges = np.diff(_WORD_BYTE[data].view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        hashes = _span_hashes(data, starts, ends)
        places = np.searchsorted(np.flatnonzero(data == 0), starts)
        unique, first, inverse = _unique(hashes)
        pairs = zip(unique.tolist(), first.tolist(), strict=True)
        ids = np.fromiter(
            (self._word_id(hashed, blob, starts[i], ends[i]) for hashed, i in pairs),
            dtype=np.int64,
            count=len(unique),
        )
        shift = max(len(texts) - 1, 1).bit_length()
        keys = np.sort((ids[inverse] << shift) | places)
        keys = keys[np.diff(keys, prepend=np.int64(-1)) != 0]
        if len(self.words) << shift < 2**31:
            keys = keys.astype(np.int32)
        self.keys.append(Chunk(keys, shift, self.doc_count))
        self.doc_count += len(texts)

    def _word_id(self, hashed: int, blob: bytes, start: int, end: int) -> int:
        word_id = self.word_ids.get(hashed)
        if word_id is None:
            word_id = self.word_ids[hashed] = len(self.words)
            self.words.append(blob[start:end].decode("utf-8", "replace"))
        return word_id

    def finish(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The words sorted, and each one's documents: `docs[offsets[i] : offsets[i + 1]]`.

        Each chunk's postings are placed where their words' postings go, chunk after chunk (so in
        document order), and let go of: sorting all the postings at once held five copies of them,
        4 GB at a million papers.
        """
        order = sorted(range(len(self.words)), key=self.words.__getitem__)
        counts = np.zeros(len(order), dtype=np.int64)
        for chunk in self.keys:
            words, starts, lengths = _groups(chunk)
            counts[words] += lengths
        offsets = np.concatenate(([0], np.cumsum(counts[order])))
        fill = np.empty(len(order), dtype=np.int64)
        fill[order] = offsets[:-1]  # where each word's next posting goes
        docs = np.empty(int(offsets[-1]), dtype=np.int32)
        while self.keys:
            chunk = self.keys.pop(0)
            words, starts, lengths = _groups(chunk)
            places = np.repeat(fill[words] - starts, lengths) + np.arange(len(chunk.keys))
            docs[places] = (chunk.keys & ((1 << chunk.shift) - 1)) + chunk.first_doc
            fill[words] += lengths
        return [self.words[i] for i in order], offsets, docs


def _groups(chunk: Chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct words of a chunk, where each one's run of keys starts, and how long it is."""
    words = (chunk.keys >> chunk.shift).astype(np.int64)
    starts = np.flatnonzero(np.diff(words, prepend=np.int64(-1)))
    return words[starts], starts, np.diff(np.append(starts, len(chunk.keys)))


def _common_beginning(first: str, last: str) -> str:
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[:length]


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
