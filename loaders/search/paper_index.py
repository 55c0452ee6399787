"""The fuzzy index of a store's papers, kept current without a rebuild, cached outside the store.

Building it takes a minute at 1,000,000 papers, so it is built once and then caught up: papers
added or rewritten since go into a small index of their own (`FuzzyIndex.added`) and the documents
they replace or that were removed are left out (`FuzzyIndex.gone`); past `REBUILD_SHARE` of the
built papers, a full build is cheaper to search and is done instead. The cache, in the user's cache
directory and keyed by the store's path, is two files: the index as built, written once per build
and memory-mapped when read (`MappedArrays`), and what was added since, rewritten at each
catch-up. It is disposable: any problem reading it means a rebuild.

The reader and the CLI call `open_index(browser, path)` to start (the cache caught up, or a build),
then `index.caught_up(browser)` after a load or an outside change, and `save_cached` to keep it.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from papershelf.loaders.paths import store_companion_path
from papershelf.loaders.search.fuzzy import FuzzyIndex
from papershelf.loaders.search.mapped_npz import MappedArrays
from papershelf.loaders.search.word_index import FieldIndex
from papershelf.loaders.store.browse import Browser

CACHE_FORMAT = 3
SPARSE_IDS = 8  # ids spread wider than this many times their count: no doc table
REBUILD_SHARE, REBUILD_MINIMUM = 0.05, 20_000  # added papers past which a full build is done
UNREADABLE = (OSError, EOFError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile)
# One branch per way a paper can be due, so that each can use an index of its own.
_CHANGED_SQL = """
    SELECT id, title, abstract FROM papers WHERE id IN (
        SELECT id FROM papers WHERE id > ?1
        UNION SELECT id FROM papers WHERE updated_at > ?2
        UNION SELECT value FROM json_each(?3)
    ) ORDER BY id
"""


@dataclass(frozen=True, slots=True)
class PaperIndex:
    """A fuzzy index whose document n is the paper with id `ids[n]`.

    The ids of the documents as built ascend, then those of the documents added since (a rewritten
    paper has a gone document and a new one: its newest is the one `docs_of` gives). `built` is
    the store's signature when the fields were built, `signature` the one the index is current to.
    """

    ids: np.ndarray
    fuzzy: FuzzyIndex
    signature: tuple
    built: tuple = ()
    # The newest document of each id from the smallest on, -1 for none (None if the ids are too
    # sparse): looking a view's ids up in it is a gather, where a binary search of 100,000 ids in a
    # view's order takes ~20 ms.
    doc_table: np.ndarray | None = field(init=False, repr=False, compare=False)
    _order: np.ndarray | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.built:
            object.__setattr__(self, "built", self.signature)
        table, order = None, None
        ids = self.ids
        if len(ids) and int(ids.max()) - int(ids.min()) < SPARSE_IDS * len(ids):
            low = int(ids.min())
            table = np.full(int(ids.max()) - low + 1, -1, dtype=np.int32)
            built = self.fuzzy.built_size
            for first, last in ((0, built), (built, len(ids))):  # then the newer documents over them
                table[ids[first:last] - low] = np.arange(first, last, dtype=np.int32)
        elif len(ids) and (self.fuzzy.added is not None or np.any(np.diff(ids) < 0)):
            order = np.argsort(ids, kind="stable")
        object.__setattr__(self, "doc_table", table)
        object.__setattr__(self, "_order", order)

    @classmethod
    def build(cls, browser: Browser) -> PaperIndex:
        signature = browser.signature()
        ids, titles, abstracts = _columns(browser.texts())
        return cls(ids, FuzzyIndex.build(titles, abstracts), signature)

    def docs_of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The documents of those `ids` that are indexed, and where they are in `ids`."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.ids):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if self.doc_table is not None:
            low = int(self.ids.min())
            docs = self.doc_table[np.clip(ids - low, 0, len(self.doc_table) - 1)]
        elif self._order is None:
            docs = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        else:
            ordered = self.ids[self._order]
            docs = self._order[np.maximum(np.searchsorted(ordered, ids, side="right") - 1, 0)]
        found = np.flatnonzero((docs >= 0) & (self.ids[docs] == ids))
        if self.fuzzy.live is not None:
            found = found[self.fuzzy.live[docs[found]]]
        return docs[found], found

    def caught_up(self, browser: Browser) -> PaperIndex:
        """This index with the store's changes since it was current: papers added, rewritten or
        removed. Reads only the changed papers (and those added before), unless so many were
        added that a full build is due; the index itself is left as it is."""
        signature = browser.signature()
        if signature == self.signature:
            return self
        fuzzy, built_size = self.fuzzy, self.fuzzy.built_size
        earlier = json.dumps(self.ids[built_size:].tolist())
        rows = browser.conn.execute(_CHANGED_SQL, [self.signature[1], self.signature[2], earlier])
        ids, titles, abstracts = _columns(rows)
        if len(ids) > max(REBUILD_MINIMUM, REBUILD_SHARE * built_size):
            return PaperIndex.build(browser)
        built_ids = self.ids[:built_size]
        gone = np.isin(built_ids, ids) | fuzzy.gone_mask()
        if signature[0] != len(ids) + int(np.count_nonzero(~gone)):  # papers were removed
            present = np.array([row[0] for row in browser.conn.execute("SELECT id FROM papers")])
            gone |= ~np.isin(built_ids, present)
        added = _added(fuzzy, titles, abstracts)
        updated = FuzzyIndex(fuzzy.title, fuzzy.abstract, built_size, added, np.flatnonzero(gone))
        return PaperIndex(np.concatenate([built_ids, ids]), updated, signature, self.built)


def _added(fuzzy: FuzzyIndex, titles: list[str], abstracts: list[str]) -> FuzzyIndex | None:
    """The index of the papers added since `fuzzy`'s fields were built, their words weighed by
    their rarity in both."""
    if not titles:
        return None
    title = FieldIndex.build(titles, reference=fuzzy.title)
    abstract = FieldIndex.build(abstracts, reference=fuzzy.abstract)
    return FuzzyIndex(title, abstract, len(titles))


def _columns(rows) -> tuple[np.ndarray, list[str], list[str]]:
    ids, titles, abstracts = [], [], []
    for paper_id, title, abstract in rows:
        ids.append(paper_id)
        titles.append(title)
        abstracts.append(abstract)
    return np.array(ids, dtype=np.int64), titles, abstracts


def open_index(browser: Browser, path: Path) -> PaperIndex:
    """The store's index: the cache caught up with the store (and saved if it changed), or, when
    there is no usable cache, built and saved."""
    cached = load_cached(path)
    index = PaperIndex.build(browser) if cached is None else cached.caught_up(browser)
    if index.signature != _cached_signature(path):
        save_cached(path, index)
    return index


def cache_path(db_path: Path) -> Path:
    return store_companion_path(db_path, "cache", "index").with_suffix(".npz")


def added_path(path: Path) -> Path:
    return path.with_suffix(".added.npz")


def load_cached(path: Path, signature: tuple | None = None) -> PaperIndex | None:
    """The cached index; None if it is unreadable, or not current to `signature` when given."""
    try:
        with MappedArrays(path) as arrays:
            built = _read_signature(arrays)
            if built is None:
                return None
            ids = arrays["ids"]
            title = FieldIndex.from_arrays(arrays, "title")
            abstract = FieldIndex.from_arrays(arrays, "abstract")
        fuzzy, current = FuzzyIndex(title, abstract, len(ids)), built
        added = _load_added(added_path(path), built, fuzzy)
        if added is not None:
            more_ids, fuzzy, current = added
            ids = np.concatenate([ids, more_ids])
    except UNREADABLE:
        return None
    if signature is not None and current != tuple(signature):
        return None
    return PaperIndex(ids, fuzzy, current, built)


def _load_added(path: Path, built: tuple, fuzzy: FuzzyIndex) -> tuple[np.ndarray, FuzzyIndex, tuple] | None:
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as arrays:
        if _read_signature(arrays, "built") != built:
            return None  # written for an earlier build
        signature = _read_signature(arrays)
        gone = arrays["gone"]
        ids = arrays["ids"]
        added = None
        if len(ids):
            title = FieldIndex.from_arrays(arrays, "title", fuzzy.title)
            abstract = FieldIndex.from_arrays(arrays, "abstract", fuzzy.abstract)
            added = FuzzyIndex(title, abstract, len(ids))
    if signature is None:
        return None
    return ids, FuzzyIndex(fuzzy.title, fuzzy.abstract, fuzzy.size, added, gone), signature


def save_cached(path: Path, index: PaperIndex) -> None:
    """Write the cache atomically: the index as built unless that is already there, then what was
    added since. A failure only costs a rebuild next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fuzzy = index.fuzzy
        if _cached_signature(path, "built") != index.built:
            added_path(path).unlink(missing_ok=True)
            _write(
                path,
                {
                    **_signature_arrays(index.built),
                    "ids": index.ids[: fuzzy.built_size],
                    **fuzzy.title.arrays("title"),
                    **fuzzy.abstract.arrays("abstract"),
                },
            )
        if index.signature == index.built and fuzzy.added is None and not len(fuzzy.gone):
            added_path(path).unlink(missing_ok=True)
            return
        arrays = {
            **_signature_arrays(index.signature),
            **_signature_arrays(index.built, "built"),
            "ids": index.ids[fuzzy.built_size :],
            "gone": fuzzy.gone,
        }
        if fuzzy.added is not None:
            arrays.update({**fuzzy.added.title.arrays("title"), **fuzzy.added.abstract.arrays("abstract")})
        _write(added_path(path), arrays)
    except OSError:
        pass


def _write(path: Path, arrays: dict[str, Any]) -> None:
    partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(partial, **arrays)
    os.replace(partial, path)


def _cached_signature(path: Path, name: str = "signature") -> tuple | None:
    """The signature the cache is current to (or, for "built", was built at), None if unreadable."""
    try:
        if name == "signature" and added_path(path).exists():
            with np.load(added_path(path), allow_pickle=False) as arrays:
                return _read_signature(arrays)
        with np.load(path, allow_pickle=False) as arrays:
            return _read_signature(arrays)
    except UNREADABLE:
        return None


def _signature_arrays(signature: tuple, name: str = "signature") -> dict[str, np.ndarray]:
    numbers = [CACHE_FORMAT, int(signature[0]), int(signature[1])] if signature else [CACHE_FORMAT]
    text = str(signature[2]) if signature else ""
    return {
        f"{name}_numbers": np.array(numbers, dtype=np.int64),
        f"{name}_updated": np.frombuffer(text.encode(), dtype=np.uint8),
    }


def _read_signature(arrays: Any, name: str = "signature") -> tuple | None:
    numbers = arrays[f"{name}_numbers"].tolist()
    if not numbers or numbers[0] != CACHE_FORMAT:
        return None
    if len(numbers) == 1:
        return ()
    return numbers[1], numbers[2], arrays[f"{name}_updated"].tobytes().decode()
