"""What the reader shows: one view's paper ids in order, narrowed and ranked by the filter.

No Textual and no store here: the state owner (`tui.state.owner`) fills it with what the store's
thread read; filtering is CPU work on what it holds.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from papershelf.loaders.store.browse import SORTS
from papershelf.loaders.userdata import lists

if TYPE_CHECKING:  # numpy comes with the index, after the first screen
    import numpy as np

    from papershelf.loaders.search.paper_index import PaperIndex
    from papershelf.loaders.search.searcher import StoreAnswer

VIEWS = ("all", "starred", "list")
RANKED_VIEWS = ("similar", "foryou")  # ranked by discovery (`tui.state.discovery`), never remembered
NOTE_MATCH = 80  # rapidfuzz partial_ratio of each query word against a note


@dataclass(frozen=True, slots=True)
class Filtered:
    """The result of filtering a view: which ids, best first, for which query, out of which base."""

    query: str
    base: Sequence[int]
    ids: Sequence[int]
    by_meaning: frozenset[int] = frozenset()  # shown for their meaning: not every word is in them


class Shelf:
    """The reader's model: a view (all papers, the starred ones, a list), a sort, a filter query,
    and the ids they show. Filled by the state owner from what the store's thread read.

    `unread_only` hides papers marked read when the view is read from the store; a paper marked
    read while shown stays until then, so that the one being read does not vanish.
    """

    def __init__(
        self,
        view: str = "all",
        sort: str = "listing",
        list_name: str | None = None,
        unread_only: bool = False,
        reverse: bool = False,
    ):
        self.view = view if view in VIEWS else "all"
        self.list_name = list_name if self.view == "list" else None
        self.sort = sort if sort in SORTS else "listing"
        self.reverse = reverse  # the sort's order reversed
        self.unread_only = unread_only
        self.query = ""
        self.by_meaning: frozenset[int] = frozenset()  # of the filter's result, found by meaning only
        self.notes: dict[int, str] = {}
        self.read_while_shown: set[int] = set()  # kept in an unread-only view until it is left
        self._base_positions: tuple[Sequence[int], dict[int, int]] | None = None
        self.list_count = 0
        self.ranked_title = ""  # a ranked view's name: "For you", "Similar to “…”"
        self.index: PaperIndex | None = None
        self.base: Sequence[int] = range(0)
        self.ids: Sequence[int] = self.base
        self.starred_count = 0
        self.paper_count = 0
        self._view_docs_read: tuple[PaperIndex, Sequence[int], np.ndarray | None] | None = None

    def show(
        self,
        base: Sequence[int],
        notes: dict[int, str],
        paper_count: int,
        starred_count: int,
        list_count: int,
    ) -> None:
        """Show a view as read from the store (the filter, if any, is to be run on it again)."""
        self.base = base
        self.notes = notes
        self.paper_count, self.starred_count, self.list_count = paper_count, starred_count, list_count
        self._view_docs_read = None
        self._base_positions = None
        if not self.query.strip():
            self.ids = self.base

    def notes_changed(self) -> None:
        self._base_positions = None

    @property
    def view_name(self) -> str:
        """The view as the user knows it: All, Starred, or the list's name."""
        if self.view in RANKED_VIEWS:
            return self.ranked_title
        return {"all": "All", "starred": lists.STARRED}.get(self.view) or self.list_name or ""

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def total(self) -> int:
        return len(self.base)

    def position_of(self, paper_id: int | None) -> int | None:
        if paper_id is None:
            return None
        ids = self.ids
        if isinstance(ids, range | array):
            try:
                return ids.index(paper_id)
            except ValueError:
                return None
        found = (cast("np.ndarray", ids) == paper_id).nonzero()[0]  # a numpy array: a filter's result
        return int(found[0]) if len(found) else None

    def filtered(
        self, query: str, proceed: Callable[[], bool] | None = None, answer: StoreAnswer | None = None
    ) -> Filtered | None:
        """The view narrowed by `query` in the query language; safe to call from a worker thread.

        `answer` is what the store said of the query (filters, phrases, excluded words, plain
        words in other fields); without it the words are ranked by the index alone. None when
        `proceed`, asked before each term not searched yet, answers False.
        """
        base, index = self.base, self.index
        if not query.strip() or index is None:
            return Filtered(query, base, base)
        from papershelf.loaders.search.query import parse
        from papershelf.loaders.search.searcher import rank

        parsed = parse(query)
        matches = rank(index, parsed, self._view_docs(index, base), answer, proceed)
        if matches is None:
            return None
        ids = index.ids[matches.docs]
        by_meaning = (
            frozenset() if matches.by_meaning is None else frozenset(index.ids[matches.by_meaning].tolist())
        )
        if parsed.text.strip() and (noted := _notes_matching(parsed.text, self.notes, self._positions(base))):
            import numpy as np

            found = np.array(noted, dtype=ids.dtype)
            mask = answer.narrowing(index) if answer is not None else None
            if mask is not None:
                docs, places = index.docs_of(found)
                found = found[places[mask[docs]]]
            # The user's own words about a paper rank with the best title matches.
            ids = np.concatenate([found, ids[~np.isin(ids, found)]])
            by_meaning = by_meaning.difference(found.tolist())
        return Filtered(query, base, ids, by_meaning)

    def apply(self, result: Filtered) -> bool:
        """Show a filter result, unless the view was read again since it was asked for."""
        if result.base is not self.base:
            return False
        self.query = result.query
        self.ids = result.ids if result.query.strip() and self.index is not None else self.base
        self.by_meaning = result.by_meaning if self.ids is result.ids else frozenset()
        return True

    def _view_docs(self, index: PaperIndex, base: Sequence[int]) -> np.ndarray | None:
        """The documents of the view's papers, in the view's order (None: all, in index order);
        read once per view."""
        cached = self._view_docs_read
        if cached is not None and cached[0] is index and cached[1] is base:
            return cached[2]
        import numpy as np

        docs = None
        if not _all_in_order(index, base):
            if isinstance(base, range):
                ids = np.arange(base.start, base.stop, base.step, dtype=np.int64)
            else:
                ids = np.asarray(base, dtype=np.int64)
            docs, _ = index.docs_of(ids)
        self._view_docs_read = (index, base, docs)
        return docs

    def _positions(self, base: Sequence[int]) -> dict[int, int]:
        """Where each paper of `base` is in it; read once per view, and only when there are notes."""
        if not self.notes:
            return {}
        cached = self._base_positions
        if cached is None or cached[0] is not base:
            cached = self._base_positions = (base, {paper_id: n for n, paper_id in enumerate(base)})
        return cached[1]


def _notes_matching(query: str, notes: dict[int, str], positions: dict[int, int]) -> list[int]:
    """The papers of a view (`positions`: id → place) whose note holds every word of `query`
    (typos tolerated), in the view's order."""
    from rapidfuzz import fuzz

    words = query.casefold().split()
    found = [
        paper_id
        for paper_id, note in notes.items()
        if paper_id in positions
        and all(fuzz.partial_ratio(word, note.casefold()) >= NOTE_MATCH for word in words)
    ]
    return sorted(found, key=positions.__getitem__)


def _all_in_order(index: PaperIndex, base: Sequence[int]) -> bool:
    """Whether `base` is the index's papers in their order (ids ascending): the listing of a store
    with no gaps in its ids, a range."""
    ids = index.ids
    if not isinstance(base, range) or base.step != 1 or len(base) != len(ids):
        return False
    return not len(ids) or (ids[0] == base.start and ids[-1] == base.stop - 1)
