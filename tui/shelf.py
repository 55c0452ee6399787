"""What the reader shows: one view's paper ids in order, narrowed and ranked by the filter.

No Textual here: widgets ask the shelf for the row at a position and for the paper under the cursor.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loaders.browse import SORTS, Browser, ListRow
from loaders.models import Paper
from loaders.store import Store

if TYPE_CHECKING:  # numpy comes with the index, after the first screen
    import numpy as np

    from tui.paper_index import PaperIndex

VIEWS = ("all", "starred")
ROW_WINDOW = 200
MAX_CACHED_ROWS = 4000


@dataclass(frozen=True, slots=True)
class Filtered:
    """The result of filtering a view: which ids, best first, for which query."""

    query: str
    view: str
    sort: str
    ids: Sequence[int]


class Shelf:
    """The reader's model: a view (all papers or the starred ones), a sort, a filter query."""

    def __init__(self, store: Store, view: str = "all", sort: str = "listing"):
        self.store = store
        self.browser = Browser(store)
        self.view = view if view in VIEWS else "all"
        self.sort = sort if sort in SORTS else "listing"
        self.query = ""
        self.index: PaperIndex | None = None
        self.base: Sequence[int] = range(0)
        self.ids = self.base
        self.starred_count = 0
        self.paper_count = 0
        self._rows: dict[int, ListRow] = {}
        self._view_masks: tuple[PaperIndex, Sequence[int], np.ndarray, np.ndarray] | None = None
        self.reload()

    def reload(self) -> None:
        """Re-read the view from the store (after a load, a sort change, or outside changes)."""
        starred = self.browser.starred_ids()
        self.starred_count = len(starred)
        if self.view == "starred":
            self.base = starred
            self.paper_count = self.store.paper_count()
        else:
            self.base = self.browser.paper_ids(self.sort)
            self.paper_count = len(self.base)
        self._rows.clear()
        self._view_masks = None
        if not self.query:
            self.ids = self.base

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def total(self) -> int:
        return len(self.base)

    def row(self, position: int) -> ListRow | None:
        """The list row at a position of the shown ids, read from the store with its neighbours."""
        if not 0 <= position < len(self.ids):
            return None
        paper_id = int(self.ids[position])
        row = self._rows.get(paper_id)
        if row is None:
            if len(self._rows) > MAX_CACHED_ROWS:
                self._rows.clear()
            start = max(0, position - ROW_WINDOW // 2)
            window = [int(i) for i in self.ids[start : start + ROW_WINDOW]]
            self._rows.update(self.browser.rows(window))
            row = self._rows.get(paper_id)
        return row

    def forget_rows(self, ids: list[int] | None = None) -> None:
        """Drop cached rows (all, or those of `ids`) so that they are read again."""
        if ids is None:
            self._rows.clear()
        for paper_id in ids or ():
            self._rows.pop(paper_id, None)

    def paper(self, position: int) -> Paper | None:
        if not 0 <= position < len(self.ids):
            return None
        return next(self.store.papers([int(self.ids[position])]), None)

    def position_of(self, paper_id: int | None) -> int | None:
        if paper_id is None:
            return None
        ids = self.ids
        if isinstance(ids, range | array):
            try:
                return ids.index(paper_id)
            except ValueError:
                return None
        found = (ids == paper_id).nonzero()[0]  # a numpy array: a filter's result
        return int(found[0]) if len(found) else None

    def filtered(self, query: str) -> Filtered:
        """The view narrowed by `query`; safe to call from a worker thread."""
        view, sort, base, index = self.view, self.sort, self.base, self.index
        if not query.strip() or index is None:
            return Filtered(query, view, sort, base)
        within, rank = self._view_mask(index, base)
        matches = index.fuzzy.search(query, within=within, rank=rank)
        return Filtered(query, view, sort, index.ids[matches.docs])

    def apply(self, result: Filtered) -> bool:
        """Show a filter result, unless the view changed since it was asked for."""
        if (result.view, result.sort) != (self.view, self.sort):
            return False
        self.query = result.query
        self.ids = result.ids if result.query.strip() and self.index is not None else self.base
        return True

    def _view_mask(self, index: PaperIndex, base: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        cached = self._view_masks
        if cached is not None and cached[0] is index and cached[1] is base:
            return cached[2], cached[3]
        import numpy as np

        if isinstance(base, range):
            ids = np.arange(base.start, base.stop, base.step, dtype=np.int64)
        else:
            ids = np.asarray(base, dtype=np.int64)
        docs, positions = index.docs_of(ids)
        within = np.zeros(index.fuzzy.size, dtype=bool)
        within[docs] = True
        rank = np.full(index.fuzzy.size, len(base), dtype=np.int64)
        rank[docs] = positions
        self._view_masks = (index, base, within, rank)
        return within, rank

    def set_starred(self, paper_id: int, starred: bool) -> None:
        self.store.set_starred([paper_id], starred)
        self.forget_rows([paper_id])
