"""Paper vectors: what a paper's text means, as a short unit vector, computed on this machine.

A vector joins two halves, chosen side by side on the judged sets (`benchmarks/discovery.py`):
- LSA over the store's own text (`lsa`): topics in the words this field uses;
- WordLlama's `l2_supercat` model cut to its first 64 dimensions (it is a Matryoshka model):
  meanings beyond shared words, for paraphrases. The model ships inside the `wordllama` wheel and
  is loaded from the installed package: nothing is ever downloaded.
Each half is a unit vector weighted so that the whole is one; kept as int8 (times 127): 128 bytes
a paper, 128 MB at 1,000,000 papers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from papershelf.loaders.discovery.lsa import LSA_DIMS, LsaModel

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

WORD_DIMS = 64
DIMS = LSA_DIMS + WORD_DIMS
LSA_WEIGHT = 0.5  # the share of the LSA half in a cosine (0.5–0.7 score alike on the judged sets)
SCALE = 127.0
# Longer texts are cut here: the end of a long abstract adds little to a mean of word vectors.
TEXT_CHARS = 2000


class ModelUnavailable(RuntimeError):
    """The word model cannot be loaded (wordllama not installed, or its files missing)."""


def paper_text(title: str, abstract: str) -> str:
    """What a paper is embedded from: its title, then its abstract (cut at TEXT_CHARS)."""
    return f"{title}. {abstract}"[:TEXT_CHARS]


@cache
def word_model() -> WordLlamaInference:
    """The WordLlama model, loaded once from the installed package (under a second)."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError as error:
        raise ModelUnavailable(f"paper vectors need the wordllama package: {error}") from None
    finally:
        # wordllama calls logging.basicConfig on import; its handler would write over the reader.
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
    try:
        folder = Path(wordllama.__file__).parent
        return WordLlama.load(cache_dir=folder, disable_download=True, dim=256, trunc_dim=WORD_DIMS)
    except Exception as error:  # a missing or broken model file: one clear line, not a traceback
        raise ModelUnavailable(f"cannot load wordllama's model from its package: {error}") from None


@cache
def _tokenizer() -> Tokenizer:
    """The model's tokenizer without padding: texts of any length in one batch."""
    tokenizer = word_model().tokenizer
    unpadded = type(tokenizer).from_str(tokenizer.to_str())
    unpadded.no_padding()
    unpadded.no_truncation()
    return unpadded


def word_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit WordLlama vectors (float32, texts × WORD_DIMS): the mean of the texts' token vectors,
    as `WordLlama.embed` computes it (tested equal), but tokenized in one batch (the tokenizer
    uses every core) and summed without padding rather than in padded batches of 64."""
    if not texts:
        return np.zeros((0, WORD_DIMS), dtype=np.float32)
    table = word_model().embedding
    encoded = _tokenizer().encode_batch(list(texts), add_special_tokens=False)
    lengths = np.array([len(e.ids) for e in encoded], dtype=np.int64)
    ids = np.clip(
        np.fromiter((i for e in encoded for i in e.ids), np.int64, int(lengths.sum())), 0, len(table) - 1
    )
    sums = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    filled = np.flatnonzero(lengths)
    if len(ids):
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[filled]
        sums[filled] = np.add.reduceat(table[ids], starts, axis=0)
    return normalize(sums[:, :WORD_DIMS])


def encode(lsa: LsaModel, texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (float32, texts × DIMS) of `texts`: the LSA half, then the word half."""
    topics = lsa.project(texts) * np.float32(LSA_WEIGHT**0.5)
    meaning = word_vectors(texts) * np.float32((1 - LSA_WEIGHT) ** 0.5)
    return np.hstack([topics, meaning]).astype(np.float32)


def normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Vectors of length ≤ 1 as int8: each component times 127, rounded."""
    return np.clip(np.rint(vectors * SCALE), -127, 127).astype(np.int8)


def dequantize(vectors: np.ndarray) -> np.ndarray:
    """int8 vectors back as float32 (of length about 1)."""
    return vectors.astype(np.float32) / np.float32(SCALE)
