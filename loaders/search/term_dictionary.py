"""The sorted vocabulary of one field, looked up by exact word, prefix, typo and infix.

A typed word must not cost a pass over the vocabulary, which grows without end in real text (several
hundred thousand words at a million papers). Exact words and prefixes are a binary search of the
sorted words. Typos and infixes go through a trigram index (trigram → the words holding it, as
numpy arrays): the candidates are the words sharing enough of the term's trigrams, and only they are
checked, with rapidfuzz. A word within `k` edits of the term keeps all but at most 4·k of its
trigrams (an adjacent transposition touches four); candidates must share that many, and at least
one and a third of the term's trigrams. The third can lose a word two edits away whose typos are
far apart, and a four-letter term whose middle letters are swapped (`acbd` for `abcd`) shares no
trigram with its word: the price of reading a few thousand words rather than all of them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

TYPO_MIN_LENGTH = 4
TWO_TYPOS_LENGTH = 8  # words this long may have two typos, shorter ones one
TYPO_MAX_WORDS = 40
INFIX_MIN_LENGTH = 3
CHECKED_MAX = 2048
EDIT_TRIGRAMS = 4  # trigrams one edit can change (an adjacent transposition)
START, END = "\x01", "\x02"  # around each word, so that its first and last letters make trigrams
_GRAM_DTYPE = np.int32


def allowed_typos(length: int) -> int:
    """How many edits a term of `length` letters may be from a word: one from 4, two from 8."""
    if length < TYPO_MIN_LENGTH:
        return 0
    return 1 if length < TWO_TYPOS_LENGTH else 2


class TermDictionary:
    """The words of a field, sorted (so that the words beginning with a prefix are a range), and a
    trigram index over them."""

    def __init__(self, words: list[str], grams: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None):
        self.words = words
        self.lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
        self._words = np.array(words, dtype=object)  # gathered by numpy when candidates are checked
        self.codes, self.offsets, self.word_ids = grams if grams is not None else trigram_index(words)

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        return {
            f"{name}_gram_codes": self.codes,
            f"{name}_gram_offsets": self.offsets,
            f"{name}_gram_words": self.word_ids,
        }

    @staticmethod
    def grams_from_arrays(arrays, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        if f"{name}_gram_codes" not in arrays:
            return None
        return arrays[f"{name}_gram_codes"], arrays[f"{name}_gram_offsets"], arrays[f"{name}_gram_words"]

    def exact(self, term: str) -> int | None:
        at = bisect_left(self.words, term)
        return at if at < len(self.words) and self.words[at] == term else None

    def prefix_range(self, term: str) -> tuple[int, int]:
        return bisect_left(self.words, term), bisect_left(self.words, term + "\U0010ffff")

    def typos(self, term: str) -> list[tuple[int, float]]:
        """Words within a typo or two of the term (`allowed_typos`), the closest first (at most
        TYPO_MAX_WORDS), with their similarity (rapidfuzz's ratio, 0–1)."""
        allowed = allowed_typos(len(term))
        if not allowed:
            return []
        candidates, shared = self._sharing(START + term + END, allowed)
        near = np.abs(self.lengths[candidates] - len(term)) <= allowed
        candidates = _most_shared(candidates[near], shared[near])
        found = process.extract(
            term, self._words[candidates].tolist(), scorer=OSA.distance, score_cutoff=allowed, limit=None
        )
        found.sort(key=lambda hit: (hit[1], candidates[hit[2]]))
        return [
            (int(candidates[index]), fuzz.ratio(term, word) / 100)
            for word, _, index in found[:TYPO_MAX_WORDS]
        ]

    def typo_prefixes(self, term: str) -> list[tuple[int, int, float]]:
        """Ranges of words that begin with the term give or take a typo or two (`cahce` → `cached`),
        the exact prefix left out, with the similarity of the beginning (0–1)."""
        allowed = allowed_typos(len(term))
        if not allowed:
            return []
        candidates, shared = self._sharing(START + term, allowed)
        first, last = self.prefix_range(term)
        kept = (self.lengths[candidates] >= len(term)) & ((candidates < first) | (candidates >= last))
        candidates = _most_shared(candidates[kept], shared[kept])
        beginnings = sorted({word[: len(term)] for word in self._words[candidates].tolist()})
        found = process.extract(term, beginnings, scorer=OSA.distance, score_cutoff=allowed, limit=None)
        return [
            (*self.prefix_range(beginning), 1 - distance / len(term))
            for beginning, distance, _ in sorted(found, key=lambda hit: hit[2])
            if distance
        ]

    def infixes(self, term: str) -> list[int]:
        """Words that hold the term somewhere after their first letter, in the vocabulary's order,
        but for those beginning with it (a prefix match, which weighs more, finds them)."""
        if len(term) < INFIX_MIN_LENGTH or START in term or END in term:
            return []
        codes = _distinct(trigram_codes(term))
        candidates, _ = self._sharing_all(codes)
        first, last = self.prefix_range(term)
        candidates = candidates[(candidates < first) | (candidates >= last)]
        if len(codes) == 1 and len(term) == 3:
            return candidates.tolist()  # holding the one trigram is holding the term
        words = self._words[candidates].tolist()
        held = zip(candidates.tolist(), words, strict=True)
        return [word_id for word_id, word in held if term in word[1:]]

    def _postings(self, codes: np.ndarray) -> list[np.ndarray]:
        """The words holding each of `codes` that any word holds."""
        places = np.searchsorted(self.codes, codes)
        known = places < len(self.codes)
        places = places[known][self.codes[places[known]] == codes[known]]
        return [self.word_ids[self.offsets[p] : self.offsets[p + 1]] for p in places.tolist()]

    def _sharing(self, padded: str, allowed: int) -> tuple[np.ndarray, np.ndarray]:
        """The words (ascending) that share enough of the padded term's distinct trigrams to be
        within `allowed` edits of it, and how many each shares."""
        codes = _distinct(trigram_codes(padded))
        # Two edits far apart in a long word keep a third of its trigrams: asking for that much
        # keeps the candidates few where the bound alone would ask for one.
        needed = max(1, len(codes) - EDIT_TRIGRAMS * allowed, len(codes) // 3)
        return self._counted(self._postings(codes), needed)

    def _sharing_all(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        postings = self._postings(codes)
        if len(postings) < len(codes):
            return np.zeros(0, dtype=_GRAM_DTYPE), np.zeros(0, dtype=np.int64)
        return self._counted(postings, len(codes))

    def _counted(self, postings: list[np.ndarray], needed: int) -> tuple[np.ndarray, np.ndarray]:
        """The words in at least `needed` of the postings, and in how many each is."""
        if not postings or (len(postings) == 1 and needed > 1):
            return np.zeros(0, dtype=_GRAM_DTYPE), np.zeros(0, dtype=np.int64)
        if len(postings) == 1:
            return postings[0], np.ones(len(postings[0]), dtype=np.int64)
        joined = np.concatenate(postings)
        if len(joined) * 8 > len(self.words):
            counts = np.bincount(joined, minlength=len(self.words))
            words = np.flatnonzero(counts >= needed).astype(_GRAM_DTYPE)
            return words, counts[words]
        joined.sort()
        starts = np.flatnonzero(np.diff(joined, prepend=joined[0] - 1))
        counts = np.diff(np.append(starts, len(joined)))
        kept = counts >= needed
        return joined[starts[kept]], counts[kept]


def _most_shared(candidates: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """The CHECKED_MAX candidates sharing the most trigrams with the term (all, if fewer), ascending:
    a check costs a microsecond each, and a word a typo away shares more than nearly all others."""
    if len(candidates) <= CHECKED_MAX:
        return candidates
    best = np.argpartition(-shared, CHECKED_MAX)[:CHECKED_MAX]
    return np.sort(candidates[best])


def trigram_codes(text: str) -> np.ndarray:
    """The trigrams of a text's UTF-8 bytes, each as a 24-bit number, in order."""
    data = np.frombuffer(text.encode("utf-8", "replace"), dtype=np.uint8).astype(_GRAM_DTYPE)
    if len(data) < 3:
        return np.zeros(0, dtype=_GRAM_DTYPE)
    return (data[:-2] << 16) | (data[1:-1] << 8) | data[2:]


def trigram_index(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each distinct trigram of the padded words (ascending codes), the words holding it:
    `word_ids[offsets[i] : offsets[i + 1]]` hold `codes[i]`, ascending, each once."""
    if not words:
        return np.zeros(0, dtype=_GRAM_DTYPE), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=_GRAM_DTYPE)
    joined = (START + (END + START).join(words) + END).encode("utf-8", "replace")
    data = np.frombuffer(joined, dtype=np.uint8)
    word_of = np.cumsum(data == ord(START)) - 1
    inside = np.flatnonzero(word_of[:-2] == word_of[2:])  # a trigram within one padded word
    wide = data.astype(np.int64)
    codes = (wide[inside] << 16) | (wide[inside + 1] << 8) | wide[inside + 2]
    pairs = _distinct((codes << 32) | word_of[inside])
    codes = (pairs >> 32).astype(_GRAM_DTYPE)
    distinct = np.flatnonzero(np.diff(codes, prepend=np.int32(-1)))
    offsets = np.append(distinct, len(codes)).astype(np.int64)
    return codes[distinct], offsets, (pairs & 0xFFFFFFFF).astype(_GRAM_DTYPE)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (`np.unique` hashes since numpy 2.3, many times slower)."""
    ordered = np.sort(values)
    return ordered[np.diff(ordered, prepend=ordered[:1] - 1) != 0] if len(ordered) else ordered
