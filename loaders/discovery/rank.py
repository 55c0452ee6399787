"""Ranking by vectors: cosine to a query or a paper, and a small linear model per list.

At a million papers, exact scores of every int8 vector cost ~300 ms (a float32 copy of all of
them would be 512 MB), so the best are found in two steps (`best`): the CANDIDATES papers whose
signs differ least from the direction's (a Hamming distance over 128 bits, ~10 ms), then exact
scores of those; a small set of allowed papers (a day's) is scored exactly whole. The per-list
model is a logistic regression, arxiv-sanity's per-tag SVM in spirit: the list's papers against a
sample of the rest, the user's "not for me" papers weighted higher.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from papershelf.loaders.discovery.embed import SCALE
from papershelf.loaders.discovery.vectors import VectorSet

SCORE_CHUNK = 1 << 16
CANDIDATES = 4000  # papers scored exactly after the signs' first pick
EXACT_UP_TO = 50_000  # at most this many papers to rank: score them all exactly
RANDOM_NEGATIVES = 1000
NEGATIVE_WEIGHT = 3.0  # a "not for me" mark counts as this many random papers
STEPS = 12
L2 = 0.01


def scores(vectors: np.ndarray, direction: np.ndarray, bias: float = 0.0) -> np.ndarray:
    """`vectors` (int8) · `direction` (float32) + bias, as float32: the cosine for a unit direction."""
    direction = (direction / np.float32(SCALE)).astype(np.float32)
    out = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), SCORE_CHUNK):
        chunk = vectors[start : start + SCORE_CHUNK]
        out[start : start + len(chunk)] = chunk.astype(np.float32) @ direction
    return out + np.float32(bias)


def top(values: np.ndarray, count: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """The indices of the `count` largest `values`, best first (only where `allowed`, if given)."""
    if allowed is not None:
        values = np.where(allowed, values, -np.inf)
        count = min(count, int(allowed.sum()))
    count = min(count, len(values))
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    best = np.argpartition(-values, count - 1)[:count]
    return best[np.argsort(-values[best], kind="stable")]


def best(
    vectors: VectorSet,
    direction: np.ndarray,
    count: int,
    allowed: np.ndarray | None = None,
    bias: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of the `count` best scores (`scores`) among those `allowed`, best first, and the scores."""
    if allowed is not None and allowed.sum() <= EXACT_UP_TO:
        pool = np.flatnonzero(allowed)
    elif len(vectors) <= max(CANDIDATES, EXACT_UP_TO // 4):
        pool = np.arange(len(vectors)) if allowed is None else np.flatnonzero(allowed)
    else:
        pool = sign_candidates(vectors, direction, max(CANDIDATES, 4 * count), allowed)
        if allowed is not None:
            pool = pool[allowed[pool]]
    values = scores(vectors.vectors[pool], direction, bias)
    chosen = top(values, count)
    return pool[chosen], values[chosen]


def sign_candidates(
    vectors: VectorSet, direction: np.ndarray, count: int, allowed: np.ndarray | None = None
) -> np.ndarray:
    """The `count` rows whose signs differ least from `direction`'s (only `allowed` ones, if given)."""
    wanted = np.packbits(direction > 0).view(np.uint64)
    distance = np.bitwise_count(vectors.signs[0] ^ wanted[0])
    for part, bits in zip(vectors.signs[1:], wanted[1:], strict=True):
        distance += np.bitwise_count(part ^ bits)
    if allowed is not None:
        distance[~allowed] = 255
    # Distances are small integers: a histogram finds the cut in two passes, where a partial sort
    # of a million values takes eight times as long.
    reached = np.cumsum(np.bincount(distance, minlength=256))
    cut = int(np.searchsorted(reached, min(count, len(distance))))
    below = np.flatnonzero(distance < cut)
    at_cut = np.flatnonzero(distance == cut)[: max(count - len(below), 0)]
    return np.sort(np.concatenate([below, at_cut]))


@dataclass(frozen=True)
class Similar:
    paper_id: int
    score: float


def similar(vectors: VectorSet, paper_id: int, limit: int) -> list[Similar]:
    """The papers nearest to `paper_id`, best first (empty when it has no vector yet)."""
    rows = vectors.rows_of([paper_id])
    if not len(rows):
        return []
    direction = vectors.vectors[rows[0]].astype(np.float32) / np.float32(SCALE)
    found, values = best(vectors, direction, limit + 1)
    return [
        Similar(int(vectors.ids[n]), float(v)) for n, v in zip(found, values, strict=True) if n != rows[0]
    ][:limit]


@dataclass(frozen=True)
class LinearModel:
    """A direction and a bias: a paper's score is its vector's dot product with it, plus the bias."""

    direction: np.ndarray
    bias: float

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        return scores(vectors, self.direction, self.bias)


def train(vectors: VectorSet, positives: np.ndarray, negatives: np.ndarray, seed: int = 0) -> LinearModel:
    """A logistic regression telling the `positives` rows from the `negatives` rows (weighted
    NEGATIVE_WEIGHT) and from RANDOM_NEGATIVES other rows, classes balanced, L2-regularized."""
    rng = np.random.default_rng(seed)
    if len(vectors) > 4 * RANDOM_NEGATIVES:  # a draw, not a shuffle of a million rows
        others = np.unique(rng.integers(0, len(vectors), RANDOM_NEGATIVES))
    else:
        others = np.arange(len(vectors))
    others = others[~np.isin(others, np.concatenate([positives, negatives]))]
    rows = np.concatenate([positives, negatives, others])
    x = vectors.vectors[rows].astype(np.float32) / np.float32(SCALE)
    y = np.zeros(len(rows), dtype=np.float32)
    y[: len(positives)] = 1
    weight = np.ones(len(rows), dtype=np.float32)
    weight[len(positives) : len(positives) + len(negatives)] = NEGATIVE_WEIGHT
    negative_total = max(weight[len(positives) :].sum(), 1.0)
    weight[: len(positives)] = negative_total / max(len(positives), 1)  # balanced classes
    weight /= weight.sum()
    return _fit_logistic(x, y, weight)


def _fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> LinearModel:
    """Newton's method on a weighted, L2-regularized logistic loss: a few steps over ~DIMS weights."""
    features = np.hstack([x, np.ones((len(x), 1), dtype=np.float32)])
    w = np.zeros(features.shape[1])
    penalty = np.full(features.shape[1], L2)
    penalty[-1] = 0.0  # the bias is not pulled to zero
    for _ in range(STEPS):
        p = (1 / (1 + np.exp(-(features @ w)))).astype(np.float32)
        gradient = features.T @ (weight * (p - y)) + penalty * w
        hessian = (features * (weight * p * (1 - p))[:, None]).T @ features + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-4:
            break
    return LinearModel(w[:-1].astype(np.float32), float(w[-1]))


def nearest(vectors: VectorSet, rows: np.ndarray, among: np.ndarray) -> np.ndarray:
    """For each of `rows`, the index in `among` (rows too) of its most similar vector."""
    if not len(among):
        return np.zeros(len(rows), dtype=np.int64)
    a = vectors.vectors[rows].astype(np.float32)
    b = vectors.vectors[among].astype(np.float32)
    return np.argmax(a @ b.T, axis=1)
