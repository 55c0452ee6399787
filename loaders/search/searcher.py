"""A store's search: the query language over the word index and the store, ranked ids out.

This is the one place a query is answered, for `papershelf search` and (through the same calls)
the reader's filter: parse the query (`query.parse`), narrow the view by its filters, phrases and
exclusions (`filters`), rank the rest by the word index (`fuzzy`), plain words also matching the
authors, organisation, categories and notes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from papershelf.loaders.search import filters
from papershelf.loaders.search.fuzzy import Matches, query_terms, text_matches
from papershelf.loaders.search.paper_index import PaperIndex
from papershelf.loaders.search.query import Query, parse
from papershelf.loaders.store.database import Store

# A plain word found in the authors, organisation, categories, keywords or note: above an abstract's exact
# word (4), below a title's typo (7).
FIELD_WEIGHT = 6.0
LENIENT_TERMS = 3  # a query of this many words or more may, if nothing has them all, miss one
MEANING_TERMS = 2
Similarity = tuple[np.ndarray, np.ndarray]  # paper ids, and each one's cosine to the query
SimilarTo = Callable[[str], Similarity | None]
SEARCHED_FIELDS = ("title", "abstract", "authors", "org", "categories", "keywords", "note")


@dataclass(frozen=True, slots=True)
class Results:
    """The papers a query matched, best first, with their scores (0 for a query of filters only)."""

    ids: np.ndarray
    scores: np.ndarray
    query: Query
    # The ids found by meaning, not having every word.
    by_meaning: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.ids)


class StoreAnswer:
    """What the store says of a query's parts the word index cannot answer: the papers its
    filters and phrases allow (None: no such part), those its excluded words hold, per plain
    word the papers whose other fields (authors, organisation, categories, notes) hold it, and the
    papers' similarity to the query's words by meaning (ids and cosines; None: no vectors, or a
    query of too few words to mean anything).

    Read on any thread (`ask_store`); what it makes for an index (a mask, field scores) is kept.
    """

    def __init__(
        self,
        allowed: np.ndarray | None,
        excluded: np.ndarray,
        field_words: Mapping[str, np.ndarray],
        similarity: Similarity | None = None,
    ):
        self.allowed = allowed
        self.excluded = excluded
        self.field_words = field_words
        self.similarity = similarity
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

    def meaning(self, index: PaperIndex) -> np.ndarray | None:
        """Each of the index's documents' similarity to the query (0: no vector); None: none."""
        if self.similarity is None:
            return None
        key = ("meaning", id(index))
        if key not in self._made:
            ids, cosines = self.similarity
            docs, found = index.docs_of(ids)
            similarity = np.zeros(index.fuzzy.size, dtype=np.float32)
            similarity[docs] = cosines[found]
            self._made[key] = (index, similarity)
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


def meaning_text(query: Query) -> str | None:
    """The words whose meaning is searched too: a query of MEANING_TERMS words or more (one word,
    or a prefix being typed, means too little to rank by)."""
    return query.text if len(query_terms(query.text)) >= MEANING_TERMS else None


def ask_store(store: Store, query: Query, similar: SimilarTo | None = None) -> StoreAnswer:
    """Everything the store says of `query`; `similar` gives the similarity of the papers that
    have vectors to a text, when the store has vectors."""
    allowed, excluded = ask_narrowing(store, query)
    text = meaning_text(query)
    similarity = similar(text) if similar is not None and text is not None else None
    return StoreAnswer(allowed, excluded, ask_field_words(store, field_terms(query)), similarity)


def rank(
    index: PaperIndex,
    query: Query,
    view_docs: np.ndarray | None,
    answer: StoreAnswer | None,
    proceed: Callable[[], bool] | None = None,
) -> Matches | None:
    """The documents of `view_docs` (in the view's order, which orders equal scores; None: all,
    in index order) that the query matches, best first; None when `proceed` stopped the search
    (see `FuzzyIndex.search`). `answer` is what the store said of the query (None: nothing yet,
    the plain words ranked by the index alone)."""
    mask = answer.narrowing(index) if answer is not None else None
    extra = None if answer is None else functools.partial(answer.field_scores, index)
    similarity = answer.meaning(index) if answer is not None else None
    if similarity is not None and query_terms(query.text):
        return _blended(index, query, view_docs, mask, extra, similarity, proceed)

    def search(missing: int) -> Matches | None:
        matches = index.fuzzy.search(query.text, view_docs, proceed, extra, missing=missing)
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


def _blended(
    index: PaperIndex,
    query: Query,
    view_docs: np.ndarray | None,
    mask: np.ndarray | None,
    extra: Callable[[str], np.ndarray | None] | None,
    similarity: np.ndarray,
    proceed: Callable[[], bool] | None,
) -> Matches | None:
    """The view's documents ranked by words and meaning (`meaning.blend`): every document that
    has all the words, and the best of the others by meaning, marked so."""
    from papershelf.loaders.discovery import meaning

    scores = index.fuzzy.scored_terms(query.text, proceed, extra)
    if scores is None:
        return None
    docs = index.fuzzy.allowed(view_docs)
    if mask is not None:
        docs = docs[mask[docs]]
    blended = meaning.blend([term_scores[docs] for term_scores in scores], similarity[docs])
    return Matches(docs[blended.docs], blended.scores, docs[blended.docs[blended.by_meaning]])


def _array(ids: set[int]) -> np.ndarray:
    return np.sort(np.fromiter(ids, dtype=np.int64, count=len(ids)))


class Searcher:
    """Searches one store through its word index (`PaperIndex`)."""

    def __init__(self, store: Store, index: PaperIndex, similar: SimilarTo | None = None):
        self.store = store
        self.index = index
        self.similar = similar  # search by meaning too (the store's vectors), as the reader does

    def search(
        self, text: str, view: Sequence[int] | np.ndarray, proceed: Callable[[], bool] | None = None
    ) -> Results | None:
        """The papers of `view` (ids, in the view's order, which orders equal scores) that `text`
        matches; None when `proceed` stopped the search (see `FuzzyIndex.search`)."""
        query = parse(text)
        docs, _ = self.index.docs_of(np.asarray(view, dtype=np.int64))
        matches = rank(self.index, query, docs, ask_store(self.store, query, self.similar), proceed)
        if matches is None:
            return None
        by_meaning = matches.by_meaning if matches.by_meaning is not None else np.zeros(0, np.int64)
        return Results(self.index.ids[matches.docs], matches.scores, query, self.index.ids[by_meaning])

    def matched_fields(self, query: Query, paper_id: int) -> list[str]:
        """Which fields of the paper the query's words and phrases matched, for showing why."""
        row = self.store.conn.execute(
            """
            SELECT p.title, p.abstract, coalesce(p.authors, ''), coalesce(p.org_id, '') || ' ' ||
                coalesce(p.org_name, ''), coalesce(p.categories, ''), coalesce(p.ai_keywords, ''),
                coalesce(n.body, '')
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
