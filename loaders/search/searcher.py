"""A store's search: the query language over the word index and the store, ranked ids out.

This is the one place a query is answered, for `papershelf search` and (through the same calls)
the reader's filter: parse the query (`query.parse`), narrow the view by its filters, phrases and
exclusions (`filters`), rank the rest by the word index (`fuzzy`), plain words also matching the
authors, organisation, categories and notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from papershelf.loaders.search import filters
from papershelf.loaders.search.fuzzy import query_terms, text_matches
from papershelf.loaders.search.paper_index import PaperIndex
from papershelf.loaders.search.query import Query, parse
from papershelf.loaders.store.database import Store

# A plain word found in the authors, organisation, categories or note: above an abstract's exact
# word (4), below a title's typo (7).
FIELD_WEIGHT = 6.0
LENIENT_TERMS = 3  # a query of this many words or more may, if nothing has them all, miss one
SEARCHED_FIELDS = ("title", "abstract", "authors", "org", "categories", "note")


@dataclass(frozen=True, slots=True)
class Results:
    """The papers a query matched, best first, with their scores (0 for a query of filters only)."""

    ids: np.ndarray
    scores: np.ndarray
    query: Query

    def __len__(self) -> int:
        return len(self.ids)


class Searcher:
    """Searches one store through its word index (`PaperIndex`)."""

    def __init__(self, store: Store, index: PaperIndex):
        self.store = store
        self.index = index

    def search(
        self,
        text: str,
        view: Sequence[int] | np.ndarray,
        proceed: Callable[[], bool] | None = None,
        bonus: Callable[[Query], np.ndarray | None] | None = None,
    ) -> Results | None:
        """The papers of `view` (ids, in the view's order, which orders equal scores) that `text`
        matches; None when `proceed` stopped the search (see `FuzzyIndex.search`). `bonus` may
        give an extra score per indexed document for the query (a similarity), added to totals."""
        query = parse(text)
        ids = self._allowed(query, np.asarray(view, dtype=np.int64))
        if not query_terms(query.text):
            return Results(ids, np.zeros(len(ids), dtype=np.float32), query)
        docs, _ = self.index.docs_of(ids)
        extra = bonus(query) if bonus is not None else None
        matches = self.index.fuzzy.search(query.text, docs, proceed, self._field_scores, extra)
        if matches is not None and not len(matches) and len(query_terms(query.text)) >= LENIENT_TERMS:
            # Nothing has every word: a word mistyped past recognition ("ned" for "need") should
            # not hide the paper the others describe.
            matches = self.index.fuzzy.search(query.text, docs, proceed, self._field_scores, extra, missing=1)
        if matches is None:
            return None
        return Results(self.index.ids[matches.docs], matches.scores, query)

    def _allowed(self, query: Query, view: np.ndarray) -> np.ndarray:
        """The view narrowed by the query's filters, phrases and excluded words, in order."""
        allowed = filters.filtered_ids(self.store, query)
        keep = np.ones(len(view), dtype=bool)
        if allowed is not None:
            keep &= np.isin(view, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
        excluded = filters.excluded_word_ids(self.store, query.excluded)
        if excluded:
            keep &= ~np.isin(view, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
        return view[keep]

    def _field_scores(self, term: str) -> np.ndarray | None:
        ids = filters.field_word_ids(self.store, term)
        if not ids:
            return None
        docs, _ = self.index.docs_of(np.fromiter(ids, dtype=np.int64, count=len(ids)))
        scores = np.zeros(self.index.fuzzy.size, dtype=np.float32)
        scores[docs] = FIELD_WEIGHT
        return scores

    def matched_fields(self, query: Query, paper_id: int) -> list[str]:
        """Which fields of the paper the query's words and phrases matched, for showing why."""
        row = self.store.conn.execute(
            """
            SELECT p.title, p.abstract, coalesce(p.authors, ''), coalesce(p.org_id, '') || ' ' ||
                coalesce(p.org_name, ''), coalesce(p.categories, ''), coalesce(n.body, '')
            FROM papers p LEFT JOIN notes n ON n.paper_id = p.id WHERE p.id = ?
            """,
            [paper_id],
        ).fetchone()
        if row is None:
            return []
        words = [w for w in query_terms(" ".join(query.words)) if len(w) >= filters.FIELD_WORD_MIN_LENGTH]
        matched = []
        for name, value in zip(SEARCHED_FIELDS, row, strict=True):
            lowered = value.lower()
            if name in ("title", "abstract"):
                hit = text_matches(query.text, value) or any(p in lowered for p in query.phrases)
            else:
                hit = any(word in lowered for word in words)
            if hit:
                matched.append(name)
        return matched
