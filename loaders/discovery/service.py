"""Discovery as the reader uses it: one object holding the vectors in memory, kept up to date in
the background, answering similar papers, For you and a query's similarity.

Every method does store I/O or scores a million vectors: call them from worker threads only. Each
call opens a store connection of its own (opening a migrated store costs a fraction of a
millisecond), so that a long refresh in one worker never shares a connection with a For-you
ranking in another; a lock keeps two refreshes from running at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from papershelf.loaders.discovery import foryou, marks, meaning, rank, vectors
from papershelf.loaders.discovery.lsa import LsaModel
from papershelf.loaders.discovery.vectors import Progress, VectorSet
from papershelf.loaders.store.database import Store

SIMILAR_LIMIT = 200
FOR_YOU_LIMIT = 200
FOR_YOU = "for-you"


class Discovery:
    """The vectors of one store and what the reader asks of them."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.vectors: VectorSet | None = None
        self._lock = threading.Lock()
        self._model: tuple[str, LsaModel | None] = ("", None)

    @contextmanager
    def store(self) -> Iterator[Store]:
        with Store(self.db_path) as store:
            yield store

    def refresh(self, progress: Progress | None = None, should_stop: Callable[[], bool] | None = None) -> int:
        """Embed what is missing or stale, then read the vectors written since; return how many."""
        with self._lock, self.store() as store:
            written = vectors.refresh(store, progress, should_stop)
            self.vectors = self.vectors.updated(store) if self.vectors is not None else vectors.read(store)
            return written

    def ready(self) -> VectorSet:
        """The vectors, read (and brought up to date) first if they never were."""
        if self.vectors is None:
            self.refresh()
        assert self.vectors is not None
        return self.vectors

    def current(self) -> VectorSet:
        """The vectors as far as they are computed, without waiting for a refresh under way (For
        you before the refresh ends ranks the papers embedded so far)."""
        found = self.vectors
        if found is None:
            with self.store() as store:
                found = vectors.read(store)
            if self.vectors is None:  # a refresh may have ended meanwhile: its set is newer
                self.vectors = found
        return found

    def similar(self, paper_id: int, limit: int = SIMILAR_LIMIT) -> list[int]:
        """The ids of the papers most like `paper_id`, best first (empty if it has no vector yet)."""
        return [found.paper_id for found in rank.similar(self.ready(), paper_id, limit)]

    def for_you(self, limit: int = FOR_YOU_LIMIT) -> foryou.Recommendations:
        """For you over every list, papers new since the view was last looked at first."""
        found = self.ready()
        with self.store() as store:
            return foryou.recommend(store, found, limit=limit, new_after=marks.last_looked(store, FOR_YOU))

    def looked(self) -> None:
        """Remember that For you was looked at now: what comes later is new."""
        with self.store() as store:
            marks.set_looked(store, FOR_YOU)

    def not_for_me(self, paper_id: int, marked: bool) -> None:
        with self.store() as store:
            marks.set_not_for_me(store, [paper_id], marked)

    def similarity(self, query: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Each paper's cosine to `query`, with the paper ids they belong to, for the papers
        embedded so far (None: none are, or no model yet). Never starts embedding: the filter asks
        this, and a store that never used discovery is searched by its words alone."""
        found = self.current()
        with self.store() as store:
            model = self._text_model(store)
        if model is None or not len(found):
            return None
        return found.ids, rank.scores(found.vectors, meaning.query_vector(model, query))

    def _text_model(self, store: Store) -> LsaModel | None:
        """The text model, read again only when it was refitted (it is megabytes)."""
        stamp = vectors.model_stamp(store)
        if self._model[0] != stamp:
            self._model = (stamp, vectors.text_model(store))
        return self._model[1]

    def titles(self, ids: set[int]) -> dict[int, str]:
        """The titles of `ids` (the papers a For-you reason names)."""
        with self.store() as store:
            return {paper.stored_id: paper.title for paper in store.papers(sorted(ids))}
