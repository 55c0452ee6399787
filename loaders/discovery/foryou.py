"""For you: papers ranked by how well they fit the user's stars and each named list.

Each list (Starred included) with at least MIN_PAPERS papers gets its own model (`rank.train`),
trained on its papers against the rest, with the "not for me" papers as negatives. A paper's
score is its best model's probability; its reason is that list's paper nearest to it ("like: …").
Papers added since the view was last looked at come first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from papershelf.loaders.discovery import marks, rank
from papershelf.loaders.discovery.vectors import VectorSet
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata.lists import STARRED, list_name, list_names_with_counts, list_paper_ids

MIN_PAPERS = 2
HOW_TO_START = (
    "For you learns from what you keep: star at least 2 papers (`s` in the reader, or "
    "`papershelf star ID…`), or put 2 in a list, and it ranks the others by them."
)


@dataclass(frozen=True)
class Pick:
    """One recommended paper: why (the list and its nearest paper) and whether it is new."""

    paper_id: int
    score: float  # the model's probability that the paper belongs with the list
    list_name: str
    like_id: int  # the list's paper most similar to this one
    new: bool = False


@dataclass
class Profile:
    """A list's model: its name, its papers' rows, and the model trained on them."""

    name: str
    rows: np.ndarray
    model: rank.LinearModel


@dataclass
class Recommendations:
    picks: list[Pick] = field(default_factory=list)
    message: str | None = None  # set instead of picks when there is nothing to learn from yet


def profiles(store: Store, vectors: VectorSet, only: str | None = None) -> list[Profile]:
    """A trained model per list with at least MIN_PAPERS papers having vectors (`only`: that list;
    UserDataError when it does not exist)."""
    names = [list_name(store, only)] if only else [name for name, _ in list_names_with_counts(store)]
    negatives = vectors.rows_of(marks.not_for_me_ids(store))
    found = []
    for name in names:
        rows = vectors.rows_of(sorted(list_paper_ids(store, name)))
        if len(rows) >= MIN_PAPERS:
            found.append(Profile(name, rows, rank.train(vectors, rows, negatives)))
    return found


def recommend(
    store: Store,
    vectors: VectorSet,
    only: str | None = None,
    since: str | None = None,
    limit: int = 20,
    new_after: str | None = None,
) -> Recommendations:
    """The best `limit` papers for the lists (`only`: one list), among those listed on or after
    `since` (a date) if given; those added after `new_after` (a time) first."""
    trained = profiles(store, vectors, only)
    if not trained:
        if only:
            return Recommendations(message=f"“{only}” needs at least {MIN_PAPERS} papers to learn from.")
        return Recommendations(message=HOW_TO_START)
    allowed = _candidates(store, vectors, trained, since)
    new = _mask(vectors, _added_after(store, new_after)) if new_after else np.zeros(len(vectors), bool)
    pool = _pool(vectors, trained, allowed, new, limit)
    best, owner = _best_scores(vectors.vectors[pool], trained)
    chosen = np.concatenate([rank.top(best, limit, new[pool]), rank.top(best, limit, ~new[pool])])[:limit]
    rows = pool[chosen]
    return Recommendations(_picks(vectors, trained, rows, best[chosen], owner[chosen], new[rows]))


def _pool(
    vectors: VectorSet, trained: list[Profile], allowed: np.ndarray, new: np.ndarray, limit: int
) -> np.ndarray:
    """The rows worth scoring by every model: each model's best, among the new papers and overall."""
    found = []
    for profile in trained:
        direction, bias = profile.model.direction, profile.model.bias
        found.append(rank.best(vectors, direction, limit, allowed, bias)[0])
        if new.any():
            found.append(rank.best(vectors, direction, limit, allowed & new, bias)[0])
    return np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)


def _best_scores(vectors: np.ndarray, trained: list[Profile]) -> tuple[np.ndarray, np.ndarray]:
    """Each of `vectors`' best probability over the models, and which model gave it."""
    best = np.full(len(vectors), -np.inf, dtype=np.float32)
    owner = np.zeros(len(vectors), dtype=np.int32)
    for n, profile in enumerate(trained):
        values = profile.model.scores(vectors)
        better = values > best
        best[better] = values[better]
        owner[better] = n
    return (1 / (1 + np.exp(-best))).astype(np.float32), owner


def _candidates(store: Store, vectors: VectorSet, trained: list[Profile], since: str | None) -> np.ndarray:
    """Papers not already in a list being learned from, not marked "not for me", and recent enough."""
    allowed = np.ones(len(vectors), dtype=bool)
    for profile in trained:
        allowed[profile.rows] = False
    allowed[vectors.rows_of(marks.not_for_me_ids(store))] = False
    if since:
        allowed &= _mask(vectors, listed_since(store, since))
    return allowed


# A page copy's listing date has no year ("Jun 6"): then the day the paper was added stands for it.
ISO_DAY = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"
DAY_OF_PAPER = (
    f"CASE WHEN listing_date GLOB {ISO_DAY} THEN substr(listing_date, 1, 10) ELSE substr(added_at, 1, 10) END"
)


def listed_since(store: Store, date: str) -> list[int]:
    """Papers listed on or after `date` (YYYY-MM-DD): by their listing date when it is one, else by
    the day they were added. Two index ranges, not a scan of the papers."""
    rows = store.conn.execute(
        f"""SELECT id FROM papers
                WHERE listing_date >= ?1 AND listing_date < 'A' AND listing_date GLOB {ISO_DAY}
            UNION SELECT id FROM papers WHERE added_at >= ?1
                AND (listing_date IS NULL OR NOT listing_date GLOB {ISO_DAY})""",
        [date],
    )
    return [row[0] for row in rows]


def _added_after(store: Store, at: str) -> list[int]:
    return [row[0] for row in store.conn.execute("SELECT id FROM papers WHERE added_at > ?", [at])]


def _mask(vectors: VectorSet, paper_ids: list[int]) -> np.ndarray:
    mask = np.zeros(len(vectors), dtype=bool)
    mask[vectors.rows_of(sorted(paper_ids))] = True
    return mask


def _picks(
    vectors: VectorSet,
    trained: list[Profile],
    rows: np.ndarray,
    best: np.ndarray,
    owner: np.ndarray,
    new: np.ndarray,
) -> list[Pick]:
    """The chosen `rows` as picks, with their scores, models (`owner`) and newness, in order."""
    picks: list[Pick | None] = [None] * len(rows)
    for n, profile in enumerate(trained):
        mine = np.flatnonzero(owner == n)
        if not len(mine):
            continue
        likes = profile.rows[rank.nearest(vectors, rows[mine], profile.rows)]
        for place, like in zip(mine, likes, strict=True):
            paper_id, like_id = int(vectors.ids[rows[place]]), int(vectors.ids[like])
            picks[place] = Pick(paper_id, float(best[place]), profile.name, like_id, bool(new[place]))
    return [pick for pick in picks if pick is not None]


__all__ = ["HOW_TO_START", "STARRED", "Pick", "Recommendations", "listed_since", "recommend"]
