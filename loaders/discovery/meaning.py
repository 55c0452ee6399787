"""Search by meaning: the filter's lexical scores blended with the query's vector similarity.

A paper matching every typed word (what the filter shows) keeps a bonus, so that a remembered
title, typos included, keeps its top place; the others compete on words matched and on meaning,
and the best MEANING_RESULTS of those matching not every word are added, marked as found by
meaning only. Weights chosen on the judged sets (`benchmarks/discovery.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from papershelf.loaders.discovery import embed, rank
from papershelf.loaders.discovery.lsa import LsaModel

LEXICAL_WEIGHT = 0.15  # of the words-matched share, against the cosine (0.1–0.2 best on the judged sets)
ALL_WORDS_BONUS = 0.05
MEANING_RESULTS = 50


def query_vector(model: LsaModel, query: str) -> np.ndarray:
    """The query's vector (float32, DIMS), as a paper's text would have."""
    return embed.encode(model, [query])[0]


@dataclass(frozen=True, slots=True)
class Blended:
    """Documents best first, their scores, and which of them match not every word (by meaning)."""

    docs: np.ndarray
    scores: np.ndarray
    by_meaning: np.ndarray  # bool, one per doc

    def __len__(self) -> int:
        return len(self.docs)


def blend(term_scores: list[np.ndarray], similarity: np.ndarray, extra: int = MEANING_RESULTS) -> Blended:
    """Rank documents by words and meaning.

    `term_scores` holds each typed word's score per document (0: no match; the filter's
    `FuzzyIndex.term_scores`), `similarity` each document's cosine to the query. Every document
    matching all words is kept, with the `extra` best of the others.
    """
    size = len(similarity)
    if term_scores:
        total = np.sum(term_scores, axis=0, dtype=np.float32)
        every = np.logical_and.reduce([s > 0 for s in term_scores])
    else:
        total = np.zeros(size, np.float32)
        every = np.zeros(size, bool)
    peak = float(total.max(initial=0)) or 1.0
    score = LEXICAL_WEIGHT * total / peak + (1 - LEXICAL_WEIGHT) * similarity + ALL_WORDS_BONUS * every
    others = rank.top(score, extra, ~every)
    docs = np.concatenate([np.flatnonzero(every), others])
    order = np.argsort(-score[docs], kind="stable")
    docs = docs[order]
    return Blended(docs, score[docs].astype(np.float32), ~every[docs])
