"""The token streams of the realistic corpus (`benchmarks.corpus`): a head of real words, a tail
that never ends.

Real abstracts draw most tokens from a few thousand common words and the rest from a vocabulary
that keeps growing with the text (Heaps' law; about 30·√tokens distinct tokens for arXiv
abstracts). Here the head is the built-in sample's own words at their own frequencies (Zipf-like,
since they are real text), and the tail is a Zipf–Mandelbrot law of exponent 2 over an unbounded
list of made-up technical tokens: words, acronyms, hyphenated compounds, model names, numbers and
some TeX. A law of exponent 2 meets about √(π·k·n) distinct ranks in n draws, so the tail's
offset `k` sets the Heaps constant. Each tail rank is one fixed token (a hash of the rank), so the
same seed gives the same text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

from papershelf.loaders.models import Paper


# Tokens as the sample writes them: words with inner hyphens, dots or apostrophes kept whole.
def words(text: str) -> tuple[str, ...]:
    """The words of `text`: long constant lists written as one string."""
    return tuple(text.split())


_SAMPLE_TOKEN = re.compile(r"[\w][\w'’.\-]*[\w]|[\w]")
CACHED_RANKS = 1 << 18  # tail ranks above this are rare (≈0.3 %) and made when drawn
_ONSETS = words("b c d f g h j k l m n p r s t v w z br cr dr fl gr kl pl pr st tr sk sp ch sh th")
_VOWELS = words("a e i o u ai ea io ou y")
_CODAS = ["", "", "", "n", "r", "s", "l", "m", "x", "nt", "st", "rk", "ng"]
_SYLLABLES = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]
_SUFFIXES = ["", "", "", "", "ing", "ed", "er", "ation", "ity", "ive", "former", "net", "ize", "ic"]
_MODEL_SIZES = ["7B", "13B", "70B", "1.5B", "8B", "32B", "3B", "0.5B", "405B", "base", "large", "XL"]
_TEX = [
    r"$\mathcal{{O}}(n^{{{a}}})$",
    r"$\alpha_{{{a}}}$",
    r"$\ell_{{{a}}}$",
    r"$k={a}$",
    r"$\epsilon<10^{{-{a}}}$",
    r"\emph{{{w}}}",
    r"$\mathbb{{R}}^{{{a}}}$",
]


def mix(value: int) -> int:
    """splitmix64: a well-spread 64-bit hash of `value`, the source of each tail token's shape."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


def pseudo_word(bits: int, syllables: int) -> str:
    """A pronounceable made-up word from the bits of a hash."""
    word = ""
    for _ in range(syllables):
        word += _SYLLABLES[bits % len(_SYLLABLES)]
        bits >>= 12
    return word + _SUFFIXES[bits % len(_SUFFIXES)]


def tail_token(rank: int, head: list[str], salt: int = 0) -> str:
    """The tail's token of `rank`: mostly made-up words, then the technical kinds real abstracts
    hold. `head` supplies the real halves of compounds ("token-level", "kv-Zorbanet")."""
    bits = mix(rank * 2 + salt)
    kind, bits = bits % 100, bits >> 7
    word = pseudo_word(bits, 2 + (bits % 5 == 0))
    if kind < 58:
        return word
    if kind < 68:  # a named method: capitalised, sometimes CamelCase
        return word.capitalize() if kind < 64 else word.capitalize() + pseudo_word(bits >> 40, 1).capitalize()
    if kind < 78:  # an acronym
        letters = "".join(chr(65 + (bits >> (5 * n)) % 26) for n in range(2 + bits % 4))
        return letters if kind < 75 else letters + str(bits % 9 + 1)
    if kind < 87:  # a hyphenated compound of a real word and another
        other = head[(bits >> 20) % len(head)]
        return f"{other}-{word}" if kind < 83 else f"{word}-{other}"
    if kind < 93:  # a model name with a version and a size
        version = f"{bits % 5 + 1}" + (f".{bits % 7}" if bits % 3 else "")
        return f"{word.capitalize()}{version}-{_MODEL_SIZES[(bits >> 8) % len(_MODEL_SIZES)]}"
    if kind < 98:  # a number as results are written
        return f"{bits % 1000}.{bits % 10}" + ("%" if kind < 96 else "")
    return _TEX[bits % len(_TEX)].format(a=bits % 97 + 2, w=word)


def sample_counts(papers: Iterable[Paper]) -> tuple[Counter[str], Counter[str]]:
    """How often each token occurs in the titles and in the abstracts of `papers`.

    Tokens are lowered unless written with capitals past the first letter (acronyms and names such
    as `LLaMA` keep their case), so that a sentence's first word counts as the word it is."""
    titles: Counter[str] = Counter()
    abstracts: Counter[str] = Counter()
    for paper in papers:
        titles.update(_normal(t) for t in _SAMPLE_TOKEN.findall(paper.title))
        abstracts.update(_normal(t) for t in _SAMPLE_TOKEN.findall(paper.abstract))
    return titles, abstracts


def _normal(token: str) -> str:
    return token if any(c.isupper() for c in token[1:]) else token.lower()


class TokenSource:
    """Draws tokens: from the head's real words with probability `head_share`, else from the tail.

    The tail law is P(rank ≥ r) = k / (k + r). Draws are vectorised with numpy; tokens are kept
    for ranks below CACHED_RANKS and made on demand above."""

    def __init__(self, counts: Counter[str], head_share: float, k: float, salt: int):
        ordered = counts.most_common()
        self.head = np.array([token for token, _ in ordered], dtype=object)
        weights = np.array([count for _, count in ordered], dtype=float)
        self.cumulative = np.cumsum(weights / weights.sum())
        self.head_share, self.k, self.salt = head_share, k, salt
        self._head_words = [str(t) for t in self.head if str(t).isalpha() and str(t).islower()]
        self._tail = np.empty(0, dtype=object)

    def draw(self, rng: np.random.Generator, count: int) -> list[str]:
        """`count` tokens, in the order drawn."""
        from_head = rng.random(count) < self.head_share
        heads = np.searchsorted(self.cumulative, rng.random(count), side="right")
        heads = np.minimum(heads, len(self.head) - 1)
        ranks = np.floor(self.k * (1.0 / (1.0 - rng.random(count)) - 1.0))
        ranks = np.minimum(ranks, 2.0**62).astype(np.int64)
        tokens = np.where(from_head, self.head[heads], np.array(None, dtype=object))
        tail = ~from_head
        cached = tail & (ranks < CACHED_RANKS)
        self._grow(int(ranks[cached].max(initial=0)) + 1)
        tokens[cached] = self._tail[ranks[cached]]
        for n in np.flatnonzero(tail & ~cached):
            tokens[n] = tail_token(int(ranks[n]), self._head_words, self.salt)
        return tokens.tolist()

    def _grow(self, size: int) -> None:
        """Make the tail tokens up to rank `size` (doubling, so that growing is rare)."""
        if size <= len(self._tail):
            return
        size = min(CACHED_RANKS, max(size, 2 * len(self._tail), 1024))
        start = len(self._tail)
        made = [tail_token(rank, self._head_words, self.salt) for rank in range(start, size)]
        grown = np.empty(size, dtype=object)
        grown[:start] = self._tail
        grown[start:] = made
        self._tail = grown
