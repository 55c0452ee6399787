"""What the reader reads from the store, as functions of a `Store` run on the store's thread."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from papershelf.loaders import userdata
from papershelf.loaders.models import Paper
from papershelf.loaders.store.browse import SORT_LABELS, Browser, ListRow
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists
from papershelf.tui.shelf import RANKED_VIEWS


@dataclass(frozen=True, slots=True)
class ViewAsked:
    """Which papers to show: a view (all, starred, list), its sort, unread only."""

    view: str
    list_name: str | None
    sort: str
    unread_only: bool
    read_while_shown: frozenset[int] = frozenset()
    ranked: tuple[int, ...] = ()  # a ranked view's papers, best first (`tui.state.discovery`)
    reverse: bool = False  # the sort's order reversed


@dataclass(frozen=True, slots=True)
class Sample:
    """Whether the store holds the built-in sample, and nothing else."""

    present: bool = False
    alone: bool = False


@dataclass(frozen=True, slots=True)
class ViewRead:
    """A view as read from the store in one snapshot, with the counts the top bar shows."""

    asked: ViewAsked
    view: str  # "all" when the list asked for is gone
    list_name: str | None
    base: Sequence[int]
    paper_count: int
    starred_count: int
    list_count: int
    notes: dict[int, str]
    list_counts: list[tuple[str, int]]
    signature: tuple[int, int, str]
    sample: Sample
    days: list[tuple[str | None, int]] | None = None  # in the day sort: each day's run of `base`


def read_sample(store: Store) -> Sample:
    from papershelf.loaders.store.removal import sample_sources

    sample = sample_sources(store)
    if not sample:
        return Sample()
    (sources,) = store.conn.execute("SELECT count(*) FROM sources").fetchone()
    return Sample(present=True, alone=sources == len(sample))


def read_view(store: Store, asked: ViewAsked) -> ViewRead:
    browser = Browser(store)
    starred = browser.starred_ids()
    view, list_name, list_count = asked.view, asked.list_name, 0
    if view == "list":
        try:
            list_name = lists.list_name(store, list_name or "")
        except lists.UserDataError:  # deleted, by this reader or another
            view, list_name = "all", None
    base: Sequence[int]
    if view == "all":
        base = browser.paper_ids(asked.sort, asked.reverse)
        paper_count = len(base)
    else:
        paper_count = store.paper_count()
        if view == "starred":
            base = starred
        elif view in RANKED_VIEWS:
            base = array("q", _still_stored(store, asked.ranked))
            list_count = len(base)
        else:
            base = array("q", lists.list_paper_ids(store, list_name or ""))
            list_count = len(base)
        if asked.sort != "listing":  # else the view's own order: star time, the list's order
            base = browser.in_order(base, asked.sort, asked.reverse)
        elif asked.reverse:
            base = array("q", reversed(base))
    if asked.unread_only:
        read = set(browser.read_ids()) - asked.read_while_shown
        base = array("q", (paper_id for paper_id in base if paper_id not in read))
    days = None
    if asked.sort == "day":
        every = view == "all" and not asked.unread_only
        days = browser.day_counts(asked.reverse) if every else browser.day_runs(base)
    return ViewRead(
        asked,
        view,
        list_name if view == "list" else None,
        base,
        paper_count,
        len(starred),
        list_count,
        userdata.notes_by_paper(store),
        lists.list_names_with_counts(store),
        browser.signature(),
        read_sample(store),
        days,
    )


def _still_stored(store: Store, ids: Sequence[int]) -> list[int]:
    """`ids` in their order, less those no longer in the store (removed since they were ranked)."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    stored = {row[0] for row in store.conn.execute(f"SELECT id FROM papers WHERE id IN ({marks})", list(ids))}
    return [paper_id for paper_id in ids if paper_id in stored]


def sort_label(view: str, sort: str, reverse: bool) -> str:
    """The order a view is shown in, as the top bar says it: Starred's own is star time."""
    label = SORT_LABELS[sort]
    if sort == "listing":
        label = {"starred": "star time", "list": "list order"}.get(view, label)
    return f"{label}, reversed" if reverse else label


def read_days(store: Store, ids: list[int]) -> list[tuple[str | None, int]]:
    return Browser(store).days_of(ids)


def read_rows(store: Store, ids: list[int]) -> dict[int, ListRow]:
    return Browser(store).rows(ids)


def read_papers(store: Store, ids: list[int]) -> dict[int, Paper]:
    """The papers of `ids` with their note, lists and read state."""
    return {paper.stored_id: paper for paper in userdata.annotate(store, store.papers(ids))}


def data_version(store: Store) -> int:
    return store.data_version()


def read_ids(store: Store) -> array:
    """The ids of the papers marked read, sorted."""
    return Browser(store).read_ids()


def first_unread(ids: Sequence[int], read: set[int], start: int, step: int) -> int | None:
    """The id of the first paper of `ids` not in `read`, from `start` (not included) in the
    direction of `step` (1: down, -1: up); None when there is none."""
    positions = range(start + 1, len(ids)) if step > 0 else range(min(start, len(ids)) - 1, -1, -1)
    for position in positions:
        paper_id = int(ids[position])
        if paper_id not in read:
            return paper_id
    return None
