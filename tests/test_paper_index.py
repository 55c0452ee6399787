"""The paper index is caught up with a store's changes without a rebuild, and cached as it goes."""

from __future__ import annotations

import numpy as np
import pytest

from papershelf.loaders.search import paper_index
from papershelf.loaders.search.paper_index import PaperIndex, added_path, load_cached, open_index, save_cached
from papershelf.loaders.sources.load import load_sample
from papershelf.loaders.store import removal
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store

QUERIES = ("diffusion", "kv cache", "difusion langauge", "zebra quasar", "token", "e", "reasoning agents")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.db") as store:
        load_sample(store)
        yield store


def add_paper(store: Store, title: str, abstract: str) -> int:
    with store.write():
        cursor = store.conn.execute(
            "INSERT INTO papers (title, title_key, abstract, added_at, updated_at)"
            " VALUES (?, ?, ?, '2099-01-01', '2099-01-01')",
            [title, title.lower(), abstract],
        )
    return int(cursor.lastrowid)


def rewrite_paper(store: Store, paper_id: int, title: str) -> None:
    with store.write():
        store.conn.execute(
            "UPDATE papers SET title = ?, updated_at = '2099-01-02' WHERE id = ?", [title, paper_id]
        )


def remove_paper(store: Store, paper_id: int) -> None:
    removal.remove(store, removal.plan_papers(store, [paper_id]))


def found(index: PaperIndex, query: str) -> set[int]:
    matches = index.fuzzy.search(query)
    return set(index.ids[matches.docs].tolist())


def change_the_store(store: Store) -> tuple[int, int, int]:
    ids = [row[0] for row in store.conn.execute("SELECT id FROM papers ORDER BY id")]
    new = add_paper(
        store, "Zebra Quasar Attention for KV Cache Compression", "We compress the zebra quasar cache."
    )
    rewrite_paper(store, ids[3], "Quasar Zebra Diffusion Reasoning")
    remove_paper(store, ids[5])
    return new, ids[3], ids[5]


def test_a_caught_up_index_finds_what_a_rebuilt_one_finds(store):
    index = PaperIndex.build(Browser(store))
    new, rewritten, removed = change_the_store(store)
    caught_up = index.caught_up(Browser(store))
    rebuilt = PaperIndex.build(Browser(store))
    assert caught_up.signature == rebuilt.signature
    assert caught_up.fuzzy.built_size == index.fuzzy.built_size  # nothing was rebuilt
    for query in QUERIES:
        assert found(caught_up, query) == found(rebuilt, query), query
    assert {new, rewritten} <= found(caught_up, "zebra quasar")
    assert removed not in found(caught_up, "")
    assert index.caught_up(Browser(store)) is not index
    assert caught_up.caught_up(Browser(store)) is caught_up


def test_a_view_reaches_the_newest_document_of_a_rewritten_paper(store):
    index = PaperIndex.build(Browser(store))
    new, rewritten, removed = change_the_store(store)
    caught_up = index.caught_up(Browser(store))
    docs, where = caught_up.docs_of(np.array([rewritten, removed, new, 10**9]))
    assert where.tolist() == [0, 2]
    assert caught_up.ids[docs].tolist() == [rewritten, new]
    assert docs.min() >= caught_up.fuzzy.built_size  # the rewritten paper's new text
    ranked = caught_up.fuzzy.search("quasar zebra", view=docs)
    assert set(caught_up.ids[ranked.docs].tolist()) == {rewritten, new}


def test_changes_caught_up_twice_keep_the_papers_added_the_first_time(store):
    index = PaperIndex.build(Browser(store))
    first = add_paper(store, "Zebra Quasar One", "An abstract.")
    index = index.caught_up(Browser(store))
    second = add_paper(store, "Zebra Quasar Two", "Another abstract.")
    index = index.caught_up(Browser(store))
    assert found(index, "zebra quasar") == {first, second}
    assert len(found(index, "")) == store.paper_count()


def test_the_cache_keeps_the_build_and_what_was_added_since(store, tmp_path):
    path = tmp_path / "cache" / "index.npz"
    index = open_index(Browser(store), path)
    assert load_cached(path, index.signature) is not None and not added_path(path).exists()
    change_the_store(store)
    built = path.stat().st_mtime_ns
    caught_up = index.caught_up(Browser(store))
    save_cached(path, caught_up)
    assert path.stat().st_mtime_ns == built  # the index as built was not written again
    read = load_cached(path, caught_up.signature)
    assert read is not None and read.built == index.signature
    assert not read.fuzzy.abstract.docs.flags.writeable  # mapped from the file, not read into memory
    for query in QUERIES:
        assert found(read, query) == found(caught_up, query)
    assert load_cached(path, index.signature) is None  # no longer current to the old store


def test_opening_a_stale_cache_catches_it_up_without_a_build(store, tmp_path, monkeypatch):
    path = tmp_path / "index.npz"
    save_cached(path, PaperIndex.build(Browser(store)))
    new, _, _ = change_the_store(store)

    def no_build(browser):
        raise AssertionError("a full build")

    monkeypatch.setattr(PaperIndex, "build", no_build)
    index = open_index(Browser(store), path)
    assert new in found(index, "zebra quasar")
    assert load_cached(path, Browser(store).signature()) is not None


def test_many_papers_added_make_a_full_build(store, monkeypatch):
    index = PaperIndex.build(Browser(store))
    monkeypatch.setattr(paper_index, "REBUILD_MINIMUM", 0)
    monkeypatch.setattr(paper_index, "REBUILD_SHARE", 0.0)
    add_paper(store, "Zebra Quasar One", "An abstract.")
    caught_up = index.caught_up(Browser(store))
    assert caught_up.fuzzy.added is None and caught_up.built == caught_up.signature


@pytest.mark.parametrize("damage", [b"", b"not an npz", None])
def test_an_unreadable_cache_means_a_build(store, tmp_path, damage):
    path = tmp_path / "index.npz"
    save_cached(path, PaperIndex.build(Browser(store)))
    change_the_store(store)
    save_cached(path, PaperIndex.build(Browser(store)).caught_up(Browser(store)))
    if damage is None:
        added_path(path).write_bytes(b"garbage")
        assert load_cached(path) is None
    else:
        path.write_bytes(damage)
        assert load_cached(path) is None
    assert open_index(Browser(store), path).signature == Browser(store).signature()


@pytest.mark.parametrize("spread", [1, 10**6])  # a doc table, and ids too sparse for one
def test_a_rewritten_paper_s_newest_document_is_the_one_a_view_gets(spread):
    from papershelf.loaders.search.fuzzy import FuzzyIndex

    built = FuzzyIndex.build(["alpha", "beta", "gamma"], ["", "", ""])
    added = FuzzyIndex.build(["beta rewritten"], [""])
    fuzzy = FuzzyIndex(built.title, built.abstract, 3, added, np.array([1]))
    ids = np.array([1, 2, 3, 2]) * spread
    index = PaperIndex(ids, fuzzy, (3, 3 * spread, "x"))
    docs, where = index.docs_of(np.array([3, 2, 1, 7]) * spread)
    assert docs.tolist() == [2, 3, 0] and where.tolist() == [0, 1, 2]
    assert index.ids[fuzzy.search("beta").docs].tolist() == [2 * spread]
    assert sorted(index.ids[fuzzy.search("").docs].tolist()) == [spread, 2 * spread, 3 * spread]
