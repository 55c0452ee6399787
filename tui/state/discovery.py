"""Similar papers and For you in the reader: ranked off the UI thread, shown as views of the state.

The vectors are held by a `Discovery` (`loaders/discovery/service.py`), used from threads of this
module's own only, each opening its own store connection. A ranking comes back as a `Ranking`:
the ids in order and, for the detail, why each one is there. The state owner shows it as a view
("similar" or "foryou") read like any other, so that stars, filters, notes and counts work in it.

Vectors of papers loaded or fetched since the last embedding are computed in the background once
the store has some (the first `=` or For you computes them all, with progress in the top bar).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.loaders.text import clean_text, plural

if TYPE_CHECKING:
    import numpy as np

    from papershelf.loaders.discovery.foryou import Pick
    from papershelf.loaders.discovery.service import Discovery
    from papershelf.loaders.discovery.vectors import VectorSet
    from papershelf.loaders.store.database import Store
    from papershelf.tui.state.owner import ReaderState

FOR_YOU_TITLE = "For you"
SIMILAR_LIMIT = 200
WRITES_WAIT = 3.0  # seconds a ranking waits for the writes asked before it
INDEX_WAIT = 30.0  # seconds the refresh at start waits for the search index (and numpy)


@dataclass(frozen=True, slots=True)
class Ranking:
    """A view ranked by discovery: which papers, best first, and the line saying why for each."""

    view: str  # "similar" or "foryou"
    title: str  # the view's name, plain text
    ids: tuple[int, ...]
    reasons: dict[int, str] = field(default_factory=dict)

    def without(self, paper_id: int) -> Ranking:
        return dataclasses.replace(self, ids=tuple(i for i in self.ids if i != paper_id))

    def with_back(self, paper_id: int, place: int) -> Ranking:
        ids = [i for i in self.ids if i != paper_id]
        return dataclasses.replace(self, ids=(*ids[:place], paper_id, *ids[place:]))


@dataclass(frozen=True, slots=True)
class Place:
    """Where the reader was before a ranked view: the view, its list, the paper under the cursor."""

    view: str
    list_name: str | None
    paper_id: int | None
    ranking: Ranking | None


class Discovering:
    """The reader's similar and For-you views, and the vectors' background refresh."""

    def __init__(self, owner: ReaderState):
        self.owner = owner
        self.ranking: Ranking | None = None  # the ranked view shown (or last shown)
        self.for_you_count: int | None = None  # papers in the last For-you ranking
        self.progress: tuple[int, int] | None = None  # papers embedded of those due, while it runs
        self.places: list[Place] = []  # where Esc goes back to
        self._service: Discovery | None = None
        self._service_lock = threading.Lock()
        self._refreshing = False
        self._refresh_again = False
        self._stopping = threading.Event()
        self._signature: object = None
        self._marked: set[int] = set()  # marked not for me here: kept out of rankings read before it landed

    # Asked by the state owner -------------------------------------------------------------------

    def ranked_ids(self, view: str) -> tuple[int, ...]:
        ranking = self.ranking
        return ranking.ids if ranking is not None and ranking.view == view else ()

    def reason(self, paper_id: int) -> str | None:
        """Why the paper is in the ranked view shown (None in other views)."""
        ranking = self.ranking
        if ranking is None or self.owner.shelf.view != ranking.view:
            return None
        return ranking.reasons.get(paper_id)

    def store_changed(self, signature: object) -> None:
        """The view was read: after a load or a fetch (the store's papers changed), embed the
        papers added, when the store has vectors already."""
        if signature != self._signature:
            self._signature = signature
            self.refresh(only_if_started=True)

    def stop(self) -> None:
        self._stopping.set()

    def query_similarity(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The papers' similarity to a filter's words, for those embedded so far (on the filter's
        store thread, never the UI's)."""
        if not _has_vectors(Path(self.owner.store_path)):
            return None
        return self._discovery().similarity(text)

    # Similar papers -----------------------------------------------------------------------------

    def similar(self, paper_id: int, title: str) -> None:
        """Show the papers most like `paper_id`, best first."""
        owner = self.owner
        owner.view_pending = True
        title = clean_text(title)

        def rank() -> Ranking:
            from papershelf.loaders.discovery import rank

            found = self._vectors(wanted=paper_id)
            hits = rank.similar(found, paper_id, SIMILAR_LIMIT)
            reasons = {hit.paper_id: f"Similar to “{title}” · similarity {hit.score:.2f}" for hit in hits}
            return Ranking("similar", f"Similar to “{title}”", tuple(reasons), reasons)

        def ranked(ranking: Ranking) -> None:
            if not ranking.ids:
                owner.view_pending = False
                owner.say(f"No paper like “{title}” yet: its vector is not computed.", "warning")
                return
            self._show(ranking, keep_paper=None)

        self._run(rank, ranked, "papershelf-similar")

    # For you ------------------------------------------------------------------------------------

    def for_you(self) -> None:
        """Show the papers ranked For you, with why each is there; papers new since For you was
        last looked at first. Ranks the papers embedded so far while the rest are computed."""
        owner = self.owner
        owner.view_pending = True

        def rank() -> tuple[Ranking, str | None]:
            from papershelf.loaders.discovery import marks
            from papershelf.loaders.discovery.service import FOR_YOU, FOR_YOU_LIMIT

            found = self._vectors()
            service = self._discovery()
            with service.store() as store:
                from papershelf.loaders.discovery import foryou

                picks = foryou.recommend(
                    store, found, limit=FOR_YOU_LIMIT, new_after=marks.last_looked(store, FOR_YOU)
                )
            titles = service.titles({pick.like_id for pick in picks.picks})
            reasons = {
                pick.paper_id: for_you_reason(pick, titles.get(pick.like_id, "")) for pick in picks.picks
            }
            return Ranking("foryou", FOR_YOU_TITLE, tuple(reasons), reasons), picks.message

        def ranked(result: tuple[Ranking, str | None]) -> None:
            ranking, message = result
            for paper_id in self._marked & set(ranking.ids):
                ranking = ranking.without(paper_id)
            self.for_you_count = len(ranking.ids)
            if message:
                owner.say(message, "information")
            else:  # looked at now: what comes later is new (a write that may wait for a lock)
                owner._start_thread(lambda: _looked(self._discovery()), "papershelf-looked")
            self._show(ranking, keep_paper=owner.paper_id if owner.shelf.view == "foryou" else None)

        self._run(rank, ranked, "papershelf-for-you")

    def not_for_me(self, paper_id: int, title: str) -> None:
        """Mark a paper "not for me" (a negative example for every For-you model): it leaves For
        you at once; `u` takes the mark back and puts it where it was."""
        from papershelf.loaders.discovery import marks

        owner, title = self.owner, clean_text(title)
        place = self._place_in_for_you(paper_id)
        self._marked.add(paper_id)
        if place is not None:
            self._drop(paper_id)

        def undone() -> None:  # the view is read again next, with the cursor on the paper
            self._marked.discard(paper_id)
            ranking = self.ranking
            if place is not None and ranking is not None and ranking.view == "foryou":
                self.ranking = ranking.with_back(paper_id, place)
                self.for_you_count = len(self.ranking.ids)
                owner.cursor_moved(paper_id)

        def done(_: object) -> None:
            owner.remember_undo(
                f"Marked “{title}” not for me",
                lambda store: _unmark(store, paper_id),
                undone,
            )

        def taken_back() -> None:
            undone()
            owner.reread(keep_paper=paper_id)

        owner._write(
            lambda store: marks.set_not_for_me(store, [paper_id], True),
            done,
            taken_back,
            f"the not-for-me mark on “{title}”",
        )

    def _place_in_for_you(self, paper_id: int) -> int | None:
        ranking = self.ranking
        if ranking is None or ranking.view != "foryou" or paper_id not in ranking.ids:
            return None
        return ranking.ids.index(paper_id)

    def _drop(self, paper_id: int) -> None:
        assert self.ranking is not None
        owner = self.owner
        position = owner.shelf.position_of(paper_id)
        self.ranking = self.ranking.without(paper_id)
        self.for_you_count = len(self.ranking.ids)
        if owner.shelf.view == "foryou":
            owner.reread(otherwise=position)  # the cursor stays in place: on the next paper
        else:
            owner.changed(_counts())

    # Going back ---------------------------------------------------------------------------------

    def back(self) -> bool:
        """Go back to where the reader was before the ranked view shown; False when not in one."""
        owner = self.owner
        if owner.shelf.view not in ("similar", "foryou") or not self.places:
            return False
        place = self.places.pop()
        shelf = owner.shelf
        if place.ranking is not None:
            self.ranking = place.ranking
            shelf.ranked_title = place.ranking.title
        shelf.view, shelf.list_name = place.view, place.list_name
        shelf.read_while_shown.clear()
        owner.view_pending = True
        owner.reread(keep_paper=place.paper_id, otherwise=0)
        return True

    def _show(self, ranking: Ranking, keep_paper: int | None) -> None:
        owner, shelf = self.owner, self.owner.shelf
        ranked = shelf.view in ("similar", "foryou")
        if not (ranked and shelf.view == ranking.view == "foryou"):  # For you again: no new place
            if not ranked:
                self.places.clear()
            before = self.ranking if ranked else None
            self.places.append(Place(shelf.view, shelf.list_name, owner.paper_id, before))
        self.ranking = ranking
        shelf.view, shelf.list_name, shelf.ranked_title = ranking.view, None, ranking.title
        shelf.read_while_shown.clear()
        owner.view_pending = True
        owner.reread(keep_paper=keep_paper, otherwise=0)

    # The vectors, on threads of their own --------------------------------------------------------

    def refresh(self, only_if_started: bool = False) -> None:
        """Embed the papers that have no vector yet (or an outdated one), on a thread of its own;
        `only_if_started`: only when the store has vectors already (discovery was used)."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        deliver = self.owner.deliver

        def run() -> None:
            try:
                if only_if_started and not _has_vectors(self.owner.store_path):
                    return  # nor is numpy imported: the first screen is not slowed by it
                # After the first screen, as the search index is read: numpy is imported by then.
                _wait_for(lambda: self.owner.shelf.index is not None, INDEX_WAIT)
                service = self._discovery()
                service.refresh(self._progress, self._stopping.is_set)
            except Exception as error:  # any: one line, and the reader goes on without vectors
                reason = _reason(error)
                deliver(lambda: self.owner.say(f"Could not compute paper vectors: {reason}", "error"))
            finally:
                deliver(self._refreshed)

        self.owner._start_thread(run, "papershelf-vectors")

    def _refreshed(self) -> None:
        self._refreshing = False
        if self.progress is not None:
            self.progress = None
            self.owner.changed(_counts())
        if self._refresh_again and not self._stopping.is_set():
            self._refresh_again = False
            self.refresh()

    def _progress(self, done: int, total: int) -> None:
        """Told from a refresh's thread: shown in the top bar."""

        def show() -> None:
            self.progress = (done, total) if done < total else None
            self.owner.changed(_counts())

        if not self._stopping.is_set():
            self.owner.deliver(show)

    def _vectors(self, wanted: int | None = None) -> VectorSet:
        """The vectors computed so far (on a ranking's thread); all of them first when there are
        none yet, or `wanted` has none."""
        service = self._discovery()
        found = service.current()
        if not len(found) or (wanted is not None and not len(found.rows_of([wanted]))):
            self.owner.deliver(self._preparing)
            service.refresh(self._progress, self._stopping.is_set)
            assert service.vectors is not None
            found = service.vectors
        return found

    def _preparing(self) -> None:
        if self.progress is None:
            self.progress = (0, 0)
            self.owner.changed(_counts())

    def _discovery(self) -> Discovery:
        with self._service_lock:
            if self._service is None:
                from papershelf.loaders.discovery.service import Discovery

                self._service = Discovery(Path(self.owner.store_path))
            return self._service

    def _run(self, rank: Callable[[], object], done: Callable, name: str) -> None:
        """Rank on a thread of its own; `done` gets the result on the UI thread."""
        owner = self.owner

        def run() -> None:
            # The stars and marks just made are in the ranking (unless another process holds the lock).
            _wait_for(lambda: not owner.thread.unsaved_writes, WRITES_WAIT)
            try:
                result = rank()
            except Exception as error:  # any: one line, never a traceback
                reason = _reason(error)
                owner.deliver(lambda: self._failed(reason))
                return
            owner.deliver(lambda: done(result))
            owner.deliver(self._done_preparing)

        owner._start_thread(run, name)

    def _done_preparing(self) -> None:
        if self.progress == (0, 0):
            self.progress = None
            self.owner.changed(_counts())

    def _failed(self, reason: str) -> None:
        owner = self.owner
        if owner.view_pending:
            owner.view_pending = False
            owner.changed(_counts())
        self._done_preparing()
        owner.say(f"Could not rank papers: {reason}", "error")


def for_you_reason(pick: Pick, like_title: str) -> str:
    """Why a paper is For you: the list it fits and the list's paper it is most like."""
    where = "starred" if pick.list_name == "Starred" else f"in {clean_text(pick.list_name)}"
    new = " · new" if pick.new else ""
    return f"For you · like “{clean_text(like_title)}” ({where}) · fit {pick.score:.2f}{new}"


def progress_label(progress: tuple[int, int] | None) -> str:
    """The top bar's words for a refresh under way ("" when none is)."""
    if progress is None:
        return ""
    done, total = progress
    if not total:
        return "preparing For you…"
    return f"preparing For you {100 * done // total}% of {plural(total, 'paper')}"


def _counts():
    from papershelf.tui.state.owner import Change

    return Change(counts=True)


def _wait_for(done: Callable[[], bool], seconds: float) -> None:
    """Wait (on a thread of this module's) until `done`, for `seconds` at most."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.01)


def _unmark(store: Store, paper_id: int) -> None:
    from papershelf.loaders.discovery import marks

    marks.set_not_for_me(store, [paper_id], False)


def _has_vectors(path: Path) -> bool:
    from papershelf.loaders.store.database import Store

    with Store(path) as store:
        return store.conn.execute("SELECT EXISTS (SELECT 1 FROM paper_vectors)").fetchone()[0] == 1


def _looked(service: Discovery) -> None:
    """For you was looked at now: later papers are new. Not saved when the store is busy or
    read-only (the next look says it)."""
    import contextlib
    import sqlite3

    with contextlib.suppress(sqlite3.Error):
        service.looked()


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
