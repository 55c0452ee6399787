"""How fast the filter searches a big store, keystroke by keystroke, next to baselines of the same run.

    python -m benchmarks.search [--db STORE] [--papers 100000] [--repeat 5]

Without --db it generates N papers (benchmarks.generate) and loads them first. The fuzzy index is
read from the cache ($PAPERSHELF_CACHE), built and saved on the first run.

Prints the time of `Shelf.filtered` for each prefix of 'diffusion kv' typed letter by letter, as a
user typing meets it (a fresh shelf and fresh search caches each run, the prefixes in order), in
the listing order and sorted by date; then worst cases, each on a fresh shelf, with the share the
reader runs on the UI thread before a worker takes the rest (SEARCH_BUDGET); then the time of
`title_spans` for the 40 first titles of each result: the first draw of each query in turn, and a
redraw of the same lines. Baselines: rapidfuzz's `process.extract` over every title, and the spans
computed as they were before (word by word, nothing kept), which the spans now must equal.
Medians of --repeat runs.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from benchmarks.ui import arguments, build_store
from papershelf.loaders.search import fuzzy
from papershelf.loaders.search.fuzzy import FuzzyIndex, title_spans
from papershelf.loaders.search.paper_index import PaperIndex, cache_path, load_cached, save_cached
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store
from papershelf.tui.screens.reader import SEARCH_BUDGET
from papershelf.tui.shelf import Shelf

QUERY = "diffusion kv"
WORST = ("a b c d e", "e", "th", "difusion langauge modle acceleraton cahe")
SHOWN = 40
KEYSTROKE_MEDIAN_MS, SPANS_MS = 3.0, 0.5


def main() -> None:
    args = arguments(__doc__).parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or build_store(Path(scratch), args.papers)
        os.environ.setdefault("PAPERSHELF_CACHE", str(Path(scratch) / "cache"))
        with Store(db) as store:
            report(store, read_index(store), args.repeat)


def read_index(store: Store) -> PaperIndex:
    browser = Browser(store)
    index = load_cached(cache_path(store.path), browser.signature())
    if index is None:
        print("building the fuzzy index cache (once)…", flush=True)
        index = PaperIndex.build(browser)
        save_cached(cache_path(store.path), index)
    index.fuzzy.warm()  # as the reader does once the index is read
    return index


def fresh_shelf(store: Store, index: PaperIndex, sort: str = "listing") -> Shelf:
    """A shelf on the index as just read: no term scores, candidates or view documents cached yet."""
    shelf = Shelf(store, sort=sort)
    fuzzy = index.fuzzy
    searcher = FuzzyIndex(fuzzy.title, fuzzy.abstract, fuzzy.built_size, fuzzy.added, fuzzy.gone)
    shelf.index = PaperIndex(index.ids, searcher, index.signature, index.built)
    return shelf


def report(store: Store, index: PaperIndex, repeat: int) -> None:
    print(f"search on {index.fuzzy.size:,} papers, medians of {repeat} runs")
    prefixes = [QUERY[:n] for n in range(1, len(QUERY) + 1)]
    for sort in ("listing", "date"):
        typed = [typing_run(fresh_shelf(store, index, sort), prefixes) for _ in range(repeat)]
        print(f"  Shelf.filtered per keystroke, typing {QUERY!r}, sorted by {sort} (fresh caches each run):")
        if sort == "listing":
            for n, prefix in enumerate(prefixes):
                print(f"    {prefix!r:16} {statistics.median(run[n] for run in typed):6.2f} ms")
        keys = sorted(ms for run in typed for ms in run)
        verdict("    median of all keystrokes", statistics.median(keys), KEYSTROKE_MEDIAN_MS, " ms")
        print(f"    p95: {keys[round(0.95 * (len(keys) - 1))]:.2f} ms, worst: {keys[-1]:.2f} ms")
    budget = SEARCH_BUDGET * 1000
    print(f"  worst cases, each on a fresh shelf: the whole search; the UI's share (budget {budget} ms)")
    for query in WORST:
        whole = statistics.median(typing_run(fresh_shelf(store, index), [query])[0] for _ in range(repeat))
        held = [held_run(fresh_shelf(store, index), query) for _ in range(repeat)]
        rest = ", the rest in a worker" if any(handed for _, handed in held) else ""
        print(f"    {query!r:44} {whole:6.2f} ms; UI {statistics.median(ms for ms, _ in held):6.2f} ms{rest}")
    baseline(store, index, repeat)
    spans_report(store, index, [*prefixes, *WORST], repeat)


def typing_run(shelf: Shelf, prefixes: list[str]) -> list[float]:
    """Milliseconds of each query's search, in turn, as keystrokes in the filter run them."""
    times = []
    for prefix in prefixes:
        started = time.perf_counter()
        shelf.filtered(prefix)
        times.append((time.perf_counter() - started) * 1000)
    return times


def held_run(shelf: Shelf, query: str) -> tuple[float, bool]:
    """How long the reader's search holds the UI thread, and whether it hands the rest on."""
    started = time.perf_counter()
    deadline = started + SEARCH_BUDGET
    result = shelf.filtered(query, proceed=lambda: time.perf_counter() < deadline)
    return (time.perf_counter() - started) * 1000, result is None


def baseline(store: Store, index: PaperIndex, repeat: int) -> None:
    titles = [title for _, title, _ in Browser(store).texts()]
    _, ms = timed(lambda: process.extract(QUERY, titles, scorer=fuzz.WRatio, limit=SHOWN), repeat)
    print(f"  baseline: rapidfuzz process.extract({QUERY!r}, titles, WRatio): {ms:.2f} ms")


def spans_report(store: Store, index: PaperIndex, queries: list[str], repeat: int) -> None:
    shelf = fresh_shelf(store, index)
    shown = {}
    for query in queries:
        shelf.apply(shelf.filtered(query))
        shown[query] = [shelf.row(n).title for n in range(min(SHOWN, len(shelf)))]
    for query, titles in shown.items():
        expected = [sorted(previous_title_spans(query, title)) for title in titles]
        if [sorted(title_spans(query, title)) for title in titles] != expected:
            raise SystemExit(f"title_spans differs from before for {query!r}")
    first, again = zip(*(draw_twice(shown) for _ in range(repeat)), strict=True)
    before = [draw(shown, previous_title_spans) for _ in range(repeat)]
    print(f"  title_spans for the {SHOWN} first titles of each result (per query, median):")
    verdict("    first draw of a new query", median_per_query(first), SPANS_MS, " ms")
    print(f"    redraw of the same lines: {median_per_query(again):.3f} ms")
    print(f"    baseline, the spans as computed before: {median_per_query(before):.3f} ms")
    worst = max(first[0], key=first[0].get)
    print(f"    slowest query: {worst!r}, {statistics.median(run[worst] for run in first):.3f} ms")


def draw_twice(shown: dict[str, list[str]]) -> tuple[dict[str, float], dict[str, float]]:
    """Milliseconds to compute the spans of each query's titles, new and then once more."""
    forget_spans()
    first, again = {}, {}
    for query, titles in shown.items():
        first.update(draw({query: titles}, title_spans))
        again.update(draw({query: titles}, title_spans))
    return first, again


def draw(shown: dict[str, list[str]], spans: Callable) -> dict[str, float]:
    times = {}
    for query, titles in shown.items():
        started = time.perf_counter()
        for title in titles:
            spans(query, title)
        times[query] = (time.perf_counter() - started) * 1000
    return times


def forget_spans() -> None:
    """Empty the spans' caches, if any, so that each query is drawn as if typed anew."""
    for name in dir(fuzzy):
        clear = getattr(getattr(fuzzy, name), "cache_clear", None)
        if clear is not None:
            clear()


def median_per_query(runs: list[dict[str, float]]) -> float:
    return statistics.median(ms for run in runs for ms in run.values())


def previous_title_spans(query: str, title: str) -> list[tuple[int, int]]:
    """`title_spans` as it was before this benchmark: the baseline, and the spans expected."""
    lowered = title.lower()
    if len(lowered) != len(title):
        return []
    terms = fuzzy.query_terms(query)
    spans = []
    for word in fuzzy.TERM.finditer(lowered):
        text = word.group()
        for term in terms:
            if text.startswith(term):
                spans.append((word.start(), word.start() + len(term)))
            elif len(term) >= fuzzy.INFIX_MIN_LENGTH and term in text:
                start = word.start() + text.index(term)
                spans.append((start, start + len(term)))
            elif len(term) >= fuzzy.TYPO_MIN_LENGTH and (
                fuzz.ratio(term, text) >= fuzzy.TYPO_CUTOFF or OSA.distance(term, text[: len(term)]) <= 1
            ):
                spans.append(word.span())
            else:
                continue
            break
    return spans


def timed(run: Callable, repeat: int):
    """The last result of `run` and its median time in milliseconds over `repeat` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return result, statistics.median(times)


def verdict(label: str, value: float, target: float, unit: str) -> None:
    print(f"{label}: {value:.2f}{unit}  (target ≤ {target}{unit}: {'ok' if value <= target else 'MISSED'})")


if __name__ == "__main__":
    main()
