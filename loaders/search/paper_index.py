"""The fuzzy index of a store's papers, built in the background and cached outside the store.

Building it takes seconds at 100,000 papers, so it is saved in the user's cache directory, keyed by
the store's path and by a signature of its papers, and rebuilt only when papers were added or
rewritten. The cache is disposable: any problem reading it means a rebuild.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from papershelf.loaders.paths import store_companion_path
from papershelf.loaders.search.fuzzy import FuzzyIndex
from papershelf.loaders.search.word_index import FieldIndex
from papershelf.loaders.store.browse import Browser

CACHE_FORMAT = 2
SPARSE_IDS = 8  # ids spread wider than this many times their count: no doc table


@dataclass(frozen=True, slots=True)
class PaperIndex:
    """A fuzzy index whose document n is the paper with id `ids[n]` (ids ascending)."""

    ids: np.ndarray
    fuzzy: FuzzyIndex
    signature: tuple
    # The document of each id from the smallest on, -1 for none (None if the ids are too sparse):
    # looking a view's ids up in it is a gather, where a binary search of 100,000 ids in a view's
    # order takes ~20 ms.
    doc_table: np.ndarray | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = None
        if len(self.ids) and self.ids[-1] - self.ids[0] < SPARSE_IDS * len(self.ids):
            table = np.full(self.ids[-1] - self.ids[0] + 1, -1, dtype=np.int32)
            table[self.ids - self.ids[0]] = np.arange(len(self.ids), dtype=np.int32)
        object.__setattr__(self, "doc_table", table)

    @classmethod
    def build(cls, browser: Browser) -> PaperIndex:
        signature = browser.signature()
        ids, titles, abstracts = [], [], []
        for paper_id, title, abstract in browser.texts():
            ids.append(paper_id)
            titles.append(title)
            abstracts.append(abstract)
        fuzzy = FuzzyIndex.build(titles, abstracts)
        return cls(np.array(ids, dtype=np.int64), fuzzy, signature)

    def docs_of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The documents of those `ids` that are indexed, and where they are in `ids`."""
        if not len(self.ids):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if self.doc_table is None:
            docs = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        else:
            docs = self.doc_table[np.clip(ids - self.ids[0], 0, len(self.doc_table) - 1)]
        found = np.flatnonzero((docs >= 0) & (self.ids[docs] == ids))
        return docs[found], found


def cache_path(db_path: Path) -> Path:
    return store_companion_path(db_path, "cache", "index").with_suffix(".npz")


def load_cached(path: Path, signature: tuple) -> PaperIndex | None:
    try:
        with np.load(path, allow_pickle=False) as arrays:
            if arrays["format"].tolist() != [CACHE_FORMAT, *_signature_numbers(signature)]:
                return None
            if arrays["updated"].tobytes().decode() != signature[2]:
                return None
            fuzzy = FuzzyIndex(
                FieldIndex.from_arrays(arrays, "title"),
                FieldIndex.from_arrays(arrays, "abstract"),
                len(arrays["ids"]),
            )
            return PaperIndex(arrays["ids"], fuzzy, signature)
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return None


def save_cached(path: Path, index: PaperIndex) -> None:
    """Write the cache atomically; a failure only costs a rebuild next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
        arrays: dict[str, Any] = {
            "format": np.array([CACHE_FORMAT, *_signature_numbers(index.signature)], dtype=np.int64),
            "updated": np.frombuffer(index.signature[2].encode(), dtype=np.uint8),
            "ids": index.ids,
            **index.fuzzy.title.arrays("title"),
            **index.fuzzy.abstract.arrays("abstract"),
        }
        np.savez(partial, **arrays)
        os.replace(partial, path)
    except OSError:
        pass


def _signature_numbers(signature: tuple) -> list[int]:
    return [int(signature[0]), int(signature[1])]
