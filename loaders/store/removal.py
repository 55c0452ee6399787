"""Taking papers out of the store: those of a source (a loaded file, the built-in sample), or by id.

A paper that another source also brought stays (it loses only the link to the source removed). A
paper of a removed source that the user starred, put in a list or wrote a note on stays too: the
user's own data is never lost to a clean-up. Papers named by id go, with what the user had on them;
the command says so and asks first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from papershelf.loaders.sources.load import SAMPLE_PREFIX
from papershelf.loaders.store.database import Store

# The user's own data on a paper, by table: what keeps a paper of a removed source in the store.
OWNED = ("stars", "list_papers", "notes")
# Every table whose rows name a paper, deleted with it.
PAPER_ROWS = ("paper_sources", "stars", "list_papers", "notes", "reads")


@dataclass
class Removal:
    """What a removal will do: the papers that go, those that stay and why, the sources dropped."""

    paper_ids: list[int] = field(default_factory=list)
    kept_owned: list[int] = field(default_factory=list)  # the user's: starred, listed or noted
    kept_elsewhere: list[int] = field(default_factory=list)  # also from a source that stays
    source_ids: list[int] = field(default_factory=list)
    owned_removed: list[int] = field(default_factory=list)  # papers named by id that the user owns


def sources_named(store: Store, name: str) -> list[tuple[int, str]]:
    """The sources (id, path) that `name` names: the path as loaded, or its file name."""
    rows = store.conn.execute("SELECT id, path FROM sources ORDER BY id").fetchall()
    exact = [(source_id, path) for source_id, path in rows if path == name]
    return exact or [(source_id, path) for source_id, path in rows if PurePath(path).name == name]


def sample_sources(store: Store) -> list[tuple[int, str]]:
    """The built-in sample's sources, as the first run loaded them."""
    rows = store.conn.execute(
        "SELECT id, path FROM sources WHERE substr(path, 1, ?) = ?", [len(SAMPLE_PREFIX), SAMPLE_PREFIX]
    )
    return [(source_id, path) for source_id, path in rows]


def plan_sources(store: Store, source_ids: list[int]) -> Removal:
    """The removal of these sources' papers: those of no other source and owned by no one go."""
    removal = Removal(source_ids=list(source_ids))
    if not source_ids:
        return removal
    marks = ", ".join("?" * len(source_ids))
    papers = [
        row[0]
        for row in store.conn.execute(
            f"SELECT DISTINCT paper_id FROM paper_sources WHERE source_id IN ({marks}) ORDER BY paper_id",
            source_ids,
        )
    ]
    elsewhere = {
        row[0]
        for row in store.conn.execute(
            f"SELECT DISTINCT paper_id FROM paper_sources WHERE source_id NOT IN ({marks})", source_ids
        )
    }
    owned = _owned(store)
    for paper_id in papers:
        if paper_id in elsewhere:
            removal.kept_elsewhere.append(paper_id)
        elif paper_id in owned:
            removal.kept_owned.append(paper_id)
        else:
            removal.paper_ids.append(paper_id)
    return removal


def plan_papers(store: Store, paper_ids: Iterable[int]) -> Removal:
    """The removal of the papers named: they go, with the user's data on them."""
    wanted = sorted(set(paper_ids))
    owned = _owned(store)
    return Removal(paper_ids=wanted, owned_removed=[paper_id for paper_id in wanted if paper_id in owned])


def remove(store: Store, removal: Removal) -> None:
    """Carry out `removal` in one transaction."""
    with store.write():
        for start in range(0, len(removal.paper_ids), 500):
            chunk = removal.paper_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for table in PAPER_ROWS:
                store.conn.execute(f"DELETE FROM {table} WHERE paper_id IN ({marks})", chunk)
            store.conn.execute(f"DELETE FROM papers WHERE id IN ({marks})", chunk)
        for source_id in removal.source_ids:
            store.conn.execute("DELETE FROM paper_sources WHERE source_id = ?", [source_id])
            store.conn.execute("DELETE FROM sources WHERE id = ?", [source_id])


def _owned(store: Store) -> set[int]:
    return {row[0] for table in OWNED for row in store.conn.execute(f"SELECT paper_id FROM {table}")}
