"""A store's search: the query language over the word index and the store, ranked ids out.

This is the one place a query is answered, for `papershelf search` and (through the same calls)
the reader's filter: parse the query (`query.parse`), narrow the view by its filters, phrases and
exclusions (`filters`), rank the rest by the word index (`fuzzy`), plain words also matching the
authors, organisation, categories and notes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from papershelf.loaders.search import filters
from papershelf.loaders.search.fuzzy import Matches, query_terms, text_matches
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


class StoreAnswer:
    """What the store says of a query's parts the word index cannot answer: the papers its
    filters and phrases allow (None: no such part), those its excluded words hold, and, per plain
    word, the papers whose other fields (authors, organisation, categories, notes) hold it.

    Read on any thread (`ask_store`); what it makes for an index (a mask, field scores) is kept.
    """

    def __init__(
        self,
        allowed: np.ndarray | None,
        excluded: np.ndarray,
        field_words: Mapping[str, np.ndarray],
    ):
        self.allowed = allowed
        self.excluded = excluded
        self.field_words = field_words
        self._made: dict[tuple[str, int], object] = {}

    def narrowing(self, index: PaperIndex) -> np.ndarray | None:
        """Which of the index's documents the query allows, as a mask; None: all of them."""
        if self.allowed is None and not len(self.excluded):
            return None
        key = ("mask", id(index))
        if key not in self._made:
            if self.allowed is None:
                mask = np.ones(index.fuzzy.size, dtype=bool)
            else:
                mask = np.zeros(index.fuzzy.size, dtype=bool)
                mask[index.docs_of(self.allowed)[0]] = True
            mask[index.docs_of(self.excluded)[0]] = False
            self._made[key] = (index, mask)  # the index kept alive: its id stays its own
        return cast("tuple[PaperIndex, np.ndarray]", self._made[key])[1]

    def field_scores(self, index: PaperIndex, term: str) -> np.ndarray | None:
        """FIELD_WEIGHT for the documents whose other fields hold `term`; None: none do."""
        ids = self.field_words.get(term)
        if ids is None or not len(ids):
            return None
        key = (term, id(index))
        if key not in self._made:
            scores = np.zeros(index.fuzzy.size, dtype=np.float32)
            scores[index.docs_of(ids)[0]] = FIELD_WEIGHT
            self._made[key] = (index, scores)
        return cast("tuple[PaperIndex, np.ndarray]", self._made[key])[1]


def narrowing_part(query: Query) -> tuple[object, ...] | None:
    """The query's parts the store narrows by (filters, phrases, excluded words), as a key;
    None when it has none."""
    if not (query.filters or query.phrases or query.excluded):
        return None
    return (query.filters, query.phrases, query.excluded)


def field_terms(query: Query) -> list[str]:
    """The plain words of the query looked for in the other fields."""
    return [w for w in query_terms(" ".join(query.words)) if len(w) >= filters.FIELD_WORD_MIN_LENGTH]


def ask_narrowing(store: Store, query: Query) -> tuple[np.ndarray | None, np.ndarray]:
    """The ids the query's filters and phrases allow (None: no such part) and those its excluded
    words hold, ascending."""
    allowed = filters.filtered_ids(store, query)
    excluded = filters.excluded_word_ids(store, query.excluded)
    return (None if allowed is None else _array(allowed)), _array(excluded)


def ask_field_words(store: Store, terms: Sequence[str]) -> dict[str, np.ndarray]:
    return {term: _array(filters.field_word_ids(store, term)) for term in terms}


def ask_store(store: Store, query: Query) -> StoreAnswer:
    allowed, excluded = ask_narrowing(store, query)
    return StoreAnswer(allowed, excluded, ask_field_words(store, field_terms(query)))


def rank(
    index: PaperIndex,
    query: Query,
    view_docs: np.ndarray | None,
    answer: StoreAnswer | None,
    proceed: Callable[[], bool] | None = None,
    bonus: np.ndarray | None = None,
) -> Matches | None:
    """The documents of `view_docs` (in the view's order, which orders equal scores; None: all,
    in index order) that the query matches, best first; None when `proceed` stopped the search
    (see `FuzzyIndex.search`). `answer` is what the store said of the query (None: nothing yet,
    the plain words ranked by the index alone)."""
    mask = answer.narrowing(index) if answer is not None else None
    extra = None if answer is None else functools.partial(answer.field_scores, index)

    def search(missing: int) -> Matches | None:
        matches = index.fuzzy.search(query.text, view_docs, proceed, extra, bonus, missing)
        if matches is None or mask is None:
            return matches
        keep = mask[matches.docs]
        return Matches(matches.docs[keep], matches.scores[keep])

    matches = search(0)
    if matches is not None and not len(matches) and len(query_terms(query.text)) >= LENIENT_TERMS:
        # Nothing has every word: a word mistyped past recognition ("ned" for "need") should not
        # hide the paper the others describe.
        matches = search(1)
    return matches


def _array(ids: set[int]) -> np.ndarray:
    return np.sort(np.fromiter(ids, dtype=np.int64, count=len(ids)))


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
        docs, _ = self.index.docs_of(np.asarray(view, dtype=np.int64))
        answer = ask_store(self.store, query)
        extra = bonus(query) if bonus is not None and query_terms(query.text) else None
        matches = rank(self.index, query, docs, answer, proceed, extra)
        if matches is None:
            return None
        return Results(self.index.ids[matches.docs], matches.scores, query)

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
        words = field_terms(query)
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
