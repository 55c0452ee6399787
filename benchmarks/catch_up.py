"""How soon papers committed to a big store are searchable through the caught-up index.

    python -m benchmarks.catch_up [--papers 100000] [--added 100] [--repeat 3]

Writes N papers of `benchmarks.corpus` into a fresh store (in one bulk transaction, the FTS5 index
built at its end as a bulk load builds it), builds the index, then --repeat times commits --added
more papers and times what the reader does after an outside change: the store's signature, then
`PaperIndex.caught_up`, then a search for a word only the new papers hold. Beside it, in the same
run: a full `PaperIndex.build` (the only way before), and the same catch-up once the store has an
index on `papers.updated_at` (which its migrations do not make: the signature and the query of
changed papers each read the whole table without it).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.texts import corpus_texts
from papershelf.loaders.search.paper_index import PaperIndex
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store

INSERT = "INSERT INTO papers (title, title_key, abstract, added_at, updated_at) VALUES (?, ?, ?, ?, ?)"
NEW_WORD = "zqxjvortex"  # in no paper of the corpus


def fill(store: Store, texts: list[tuple[str, str]], stamp: str, marked: bool = False) -> None:
    start = store.paper_count()
    rows = [
        (f"{title} {NEW_WORD}" if marked else title, f"key {start + n}", abstract, stamp, stamp)
        for n, (title, abstract) in enumerate(texts)
    ]
    with store.write(), store.indexing_at_end():
        store.conn.executemany(INSERT, rows)


def timed(run: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def catch_up(
    store: Store, index: PaperIndex, texts: list[tuple[str, str]], stamp: str
) -> tuple[PaperIndex, tuple[float, float, float]]:
    """Commit the papers, then time the signature, the catch-up and a search that finds them."""
    fill(store, texts, stamp, marked=True)
    browser = Browser(store)
    _, signature_s = timed(browser.signature)
    caught_up, catch_up_s = timed(lambda: index.caught_up(browser))
    assert isinstance(caught_up, PaperIndex)
    matches, search_s = timed(lambda: caught_up.fuzzy.search(NEW_WORD))
    assert len(matches) >= len(texts)  # type: ignore[arg-type]
    return caught_up, (signature_s, catch_up_s, search_s)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--added", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = list(corpus_texts(args.papers + args.added * args.repeat * 2))
    with tempfile.TemporaryDirectory() as scratch, Store(Path(scratch) / "store.db") as store:
        print(f"writing {args.papers:,} papers…", flush=True)
        fill(store, texts[: args.papers], "2026-01-01T00:00:00")
        index, build_s = timed(lambda: PaperIndex.build(Browser(store)))
        assert isinstance(index, PaperIndex)
        print(f"{args.added} papers committed → searchable at {args.papers:,}, medians of {args.repeat}:")
        print(f"  baseline, a full build: {build_s:.2f} s")
        more = texts[args.papers :]
        batches = iter([more[n : n + args.added] for n in range(0, len(more), args.added)])
        for label, indexed in (("without", False), ("with", True)):
            if indexed:
                store.conn.execute("CREATE INDEX bench_updated_at ON papers (updated_at)")
            runs = []
            for n in range(args.repeat):
                stamp = f"2026-0{2 + int(indexed)}-0{n + 1}T00:00:00"
                index, times = catch_up(store, index, next(batches), stamp)
                runs.append(times)
            signature_s, catch_up_s, search_s = (
                statistics.median(column) for column in zip(*runs, strict=True)
            )
            total = signature_s + catch_up_s + search_s
            print(
                f"  {label} an index on updated_at: {total:.3f} s (signature {signature_s:.3f} s,"
                f" catch-up {catch_up_s:.3f} s, first search {search_s:.3f} s)"
            )


if __name__ == "__main__":
    main()
