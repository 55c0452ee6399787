"""What the store says of the filter's query, asked on a thread of its own and kept.

The word index ranks titles and abstracts on the UI thread; the rest of the query language
(`author:`, `is:starred`, `"a phrase"`, `-word`, plain words in authors or notes) is SQL, and the
words' meaning a similarity over the store's vectors. Each answer is kept, per narrowing
(filters, phrases, excluded words), per plain word and per text searched by meaning, so that the
keystroke that repeats a query is answered at once; a change to the store makes what is kept
stale — still shown, asked again. Only the newest question is asked: a burst of keys asks once.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from papershelf.loaders.search import searcher
from papershelf.loaders.search.query import Query
from papershelf.loaders.store.database import Store

KEPT_NARROWINGS = 8  # an `is:unread` answer at a million papers is 8 MB
KEPT_WORDS = 64
KEPT_MEANINGS = 2  # 12 MB each at a million papers
Narrowing = tuple[np.ndarray | None, np.ndarray]


@dataclass(frozen=True, slots=True)
class _Question:
    query: Query
    narrowing: Hashable | None  # asked when not None
    words: tuple[str, ...]
    meaning: str | None  # asked when not None
    generation: int


class QueryAnswers:
    """The store's answers to the filter's queries. Called on the UI thread; `answered(query)` is
    delivered there when an answer asked for arrives (or `failed(reason)`)."""

    def __init__(
        self,
        store_path: Path,
        deliver: Callable[[Callable[[], None]], None],
        answered: Callable[[Query], None],
        failed: Callable[[str], None],
        similar: searcher.SimilarTo | None = None,
    ):
        self.store_path = store_path
        self.similar = similar
        self.deliver = deliver
        self.answered = answered
        self.failed = failed
        self._generation = 0  # the store's changes seen; answers of an older one are stale
        self._narrowings: OrderedDict[Hashable, tuple[Narrowing, int]] = OrderedDict()
        self._words: OrderedDict[str, tuple[np.ndarray, int]] = OrderedDict()
        self._meanings: OrderedDict[str, tuple[searcher.Similarity | None, int]] = OrderedDict()
        self._asked: _Question | None = None  # waiting for the thread
        self._busy = False  # the thread is answering
        self._stopped = False
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def answer(self, query: Query) -> tuple[searcher.StoreAnswer | None, bool]:
        """What is kept for `query`, and whether it is current. None when the query narrows and
        no answer for its narrowing is kept: what it allows is unknown. Asks for what is missing
        or stale."""
        narrowing = searcher.narrowing_part(query)
        words = searcher.field_terms(query)
        kept_narrowing = self._narrowings.get(narrowing) if narrowing is not None else None
        stale_narrowing = narrowing is not None and (
            kept_narrowing is None or kept_narrowing[1] != self._generation
        )
        stale_words = tuple(
            w
            for w in dict.fromkeys(words)
            if (kept := self._words.get(w)) is None or kept[1] != self._generation
        )
        text = searcher.meaning_text(query) if self.similar is not None else None
        kept_meaning = self._meanings.get(text) if text is not None else None
        stale_meaning = text is not None and (kept_meaning is None or kept_meaning[1] != self._generation)
        if stale_narrowing or stale_words or stale_meaning:
            self._ask(
                _Question(
                    query,
                    narrowing if stale_narrowing else None,
                    stale_words,
                    text if stale_meaning else None,
                    self._generation,
                )
            )
        if narrowing is not None and kept_narrowing is None:
            return None, False
        allowed, excluded = kept_narrowing[0] if kept_narrowing is not None else (None, _NONE)
        field_words = {w: self._words[w][0] for w in words if w in self._words}
        if narrowing is not None and kept_narrowing is not None:
            self._narrowings.move_to_end(narrowing)  # recently used
        for word in field_words:
            self._words.move_to_end(word)
        similarity = kept_meaning[0] if kept_meaning is not None else None
        answer = searcher.StoreAnswer(allowed, excluded, field_words, similarity)
        return answer, not (stale_narrowing or stale_words or stale_meaning)

    def store_changed(self) -> None:
        """The store changed (papers, stars, lists, read marks, notes): what is kept is stale."""
        self._generation += 1

    def idle(self) -> bool:
        with self._wake:
            return self._asked is None and not self._busy

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def _ask(self, question: _Question) -> None:
        with self._wake:
            self._asked = question  # replaces an older one not yet taken
            self._wake.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="papershelf-query", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        store: Store | None = None
        try:
            while True:
                with self._wake:
                    while self._asked is None and not self._stopped:
                        self._wake.wait()
                    if self._stopped:
                        return
                    question, self._asked = self._asked, None
                    assert question is not None
                    self._busy = True
                try:
                    if store is None:
                        store = Store(self.store_path)
                    narrowing = (
                        searcher.ask_narrowing(store, question.query)
                        if question.narrowing is not None
                        else None
                    )
                    words = searcher.ask_field_words(store, question.words)
                    similarity = None
                    if question.meaning is not None and self.similar is not None:
                        similarity = self.similar(question.meaning)
                except Exception as error:  # any: the filter goes on with the index alone
                    reason = str(error) or type(error).__name__
                    self.deliver(functools.partial(self._failed, question, reason))
                else:
                    self.deliver(functools.partial(self._keep, question, narrowing, words, similarity))
                finally:
                    with self._wake:
                        self._busy = False
        finally:
            if store is not None:
                store.close()

    def _keep(
        self,
        question: _Question,
        narrowing: Narrowing | None,
        words: dict[str, np.ndarray],
        similarity: searcher.Similarity | None = None,
    ) -> None:
        if question.narrowing is not None and narrowing is not None:
            self._narrowings[question.narrowing] = (narrowing, question.generation)
            while len(self._narrowings) > KEPT_NARROWINGS:
                self._narrowings.popitem(last=False)
        for word, ids in words.items():
            self._words[word] = (ids, question.generation)
            while len(self._words) > KEPT_WORDS:
                self._words.popitem(last=False)
        if question.meaning is not None:
            self._meanings[question.meaning] = (similarity, question.generation)
            while len(self._meanings) > KEPT_MEANINGS:
                self._meanings.popitem(last=False)
        self.answered(question.query)

    def _failed(self, question: _Question, reason: str) -> None:
        # Kept as answered-with-nothing for this generation: asking again would fail again.
        self._keep(
            question,
            (None, _NONE) if question.narrowing is not None else None,
            dict.fromkeys(question.words, _NONE),
        )
        self.failed(reason)


_NONE = np.zeros(0, dtype=np.int64)
