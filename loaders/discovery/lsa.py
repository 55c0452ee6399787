"""Latent semantic analysis over the store's own text: tf-idf of words, reduced to LSA_DIMS by a
truncated SVD. No model to download: it is fitted on (a sample of) the papers themselves, saved
with the vectors, and refitted when the store has grown well past what it was fitted on.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from papershelf.loaders.discovery.sparse import Rows, normalize_rows

LSA_DIMS = 64
VOCABULARY = 30_000  # the most frequent words kept (in at most half of the papers): the cap drops rare ones
OVERSAMPLE = 16
POWER_ITERATIONS = 3
_WORD = re.compile(r"[a-z][a-z0-9]+")
# Words too common in any text to tell papers apart; the idf handles the rest.
STOPWORDS = frozenset(
    """about above after again against all also among an and any are as at be been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having here how however if in into is it its itself just more most no nor not now of
    off on once only or other our out over own same she should so some such than that the their them
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yet via thus use used using based show shows
    propose proposed paper work results method methods approach new""".split()  # noqa: SIM905
)


def words(text: str) -> list[str]:
    """The words of `text` that count for tf-idf: lowercase, two letters or more, no stopwords."""
    return [word for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


@dataclass(frozen=True)
class LsaModel:
    """A fitted vocabulary, its idf weights and the SVD's word-to-dimension projection."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # float32, one per word
    components: np.ndarray  # float32, words × LSA_DIMS
    fitted_on: int  # how many papers it was fitted on

    @classmethod
    def fit(cls, texts: Sequence[str], dims: int = LSA_DIMS, seed: int = 0) -> LsaModel:
        """Fit on `texts` (a few tens of thousands are plenty)."""
        documents = [words(text) for text in texts]
        frequency = Counter(word for document in documents for word in set(document))
        most = max(1, len(documents) // 2)
        # Ties in a fixed order (by word), not in the order of sets, which changes with each
        # process's string hashes: the same store gets the same vectors in every process.
        ranked = sorted(frequency.items(), key=lambda item: (-item[1], item[0]))
        kept = [w for w, n in ranked if n <= most or len(documents) < 4][:VOCABULARY]
        vocabulary = {word: n for n, word in enumerate(kept)}
        count = max(len(documents), 1)
        idf = np.array([math.log((1 + count) / (1 + frequency[w])) + 1 for w in kept], dtype=np.float32)
        matrix = tfidf_rows(documents, vocabulary, idf)
        components = _truncated_svd(matrix, min(dims, max(len(kept), 1)), seed)
        if components.shape[1] < dims:  # fewer words than dimensions: the rest stay zero
            components = np.pad(components, ((0, 0), (0, dims - components.shape[1])))
        return cls(vocabulary, idf, components, len(texts))

    def project(self, texts: Iterable[str]) -> np.ndarray:
        """Unit vectors (float32, texts × LSA_DIMS); a text with no known word gets a zero vector."""
        matrix = tfidf_rows([words(text) for text in texts], self.vocabulary, self.idf)
        vectors = matrix.dot(self.components)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        words_blob = np.frombuffer("\n".join(self.vocabulary).encode(), dtype=np.uint8)
        np.savez(buffer, words=words_blob, idf=self.idf, components=self.components, fitted_on=self.fitted_on)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> LsaModel:
        with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
            text = arrays["words"].tobytes().decode()
            vocabulary = {word: n for n, word in enumerate(text.split("\n"))} if text else {}
            return cls(vocabulary, arrays["idf"], arrays["components"], int(arrays["fitted_on"]))


def tfidf_rows(documents: Sequence[Sequence[str]], vocabulary: dict[str, int], idf: np.ndarray) -> Rows:
    """Unit tf-idf rows (sublinear term frequency) of tokenized `documents`."""
    indptr = [0]
    indices: list[int] = []
    counts: list[int] = []
    for document in documents:
        found = Counter(vocabulary[w] for w in document if w in vocabulary)
        indices.extend(found)
        counts.extend(found.values())
        indptr.append(len(indices))
    index_array = np.array(indices, dtype=np.int32)
    data = (1 + np.log(np.array(counts, dtype=np.float32))) * idf[index_array] if counts else np.zeros(0)
    rows = Rows(np.array(indptr, dtype=np.int64), index_array, data.astype(np.float32), len(vocabulary))
    return normalize_rows(rows)


def _truncated_svd(matrix: Rows, dims: int, seed: int) -> np.ndarray:
    """The top `dims` right singular vectors of `matrix`, as columns (words × dims): randomized SVD
    (Halko, Martinsson and Tropp 2011) with power iterations, for text's slowly decaying spectrum."""
    if matrix.count == 0 or matrix.columns == 0:
        return np.zeros((matrix.columns, dims), dtype=np.float32)
    width = min(dims + OVERSAMPLE, matrix.columns, matrix.count)
    transposed = matrix.transposed()
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(matrix.dot(rng.standard_normal((matrix.columns, width)).astype(np.float32)))[0]
    for _ in range(POWER_ITERATIONS):
        basis = np.linalg.qr(transposed.dot(basis))[0]
        basis = np.linalg.qr(matrix.dot(basis))[0]
    small = transposed.dot(basis).T  # basis.T @ matrix, width × words
    _, _, right = np.linalg.svd(small, full_matrices=False)
    return np.ascontiguousarray(right[:dims].T, dtype=np.float32)
