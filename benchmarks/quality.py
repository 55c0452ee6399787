"""How well the filter ranks, on judged queries over the sample, beside SQLite FTS5's bm25.

    python -m benchmarks.quality

`tests/data/relevance.json` holds 50+ queries of five kinds (a remembered title part, the same
with typos, a word being typed, a topic, an acronym), each with graded relevant papers. Prints
nDCG@10 and MRR per kind for the filter (`Searcher`, as the reader and `papershelf search` rank),
for the same filter looking words up with the scans it used before the trigram dictionary
(`benchmarks.terms.ScanDictionary`, the same run's baseline), and for FTS5 bm25 over the same
store, title weighted 5 to the abstract's 1, every term a prefix
(`"term"*`, generous to FTS5: a word being typed finds its words). `tests/test_quality.py` keeps
the filter's figures from falling.
"""

from __future__ import annotations

import json
import math
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from papershelf.loaders.search.fuzzy import query_terms
from papershelf.loaders.search.paper_index import PaperIndex
from papershelf.loaders.search.searcher import Searcher
from papershelf.loaders.sources.load import load_sample
from papershelf.loaders.store.browse import Browser
from papershelf.loaders.store.database import Store

JUDGED = Path(__file__).resolve().parent.parent / "tests" / "data" / "relevance.json"
KINDS = ("title", "typo", "typing", "topic", "acronym")
DEPTH = 10

Ranker = Callable[[str], list[str]]  # a query → titles, best first


def judged() -> list[dict]:
    """The judged queries: kind, query, relevant (title → grade)."""
    return json.loads(JUDGED.read_text(encoding="utf-8"))["queries"]


def filter_ranker(store: Store, previous: bool = False) -> Ranker:
    """The filter's ranking; with `previous`, its words looked up by the scans of before."""
    browser = Browser(store)
    index = PaperIndex.build(browser)
    if previous:
        from benchmarks.terms import ScanDictionary

        for field in (index.fuzzy.title, index.fuzzy.abstract):
            field.terms = ScanDictionary(field.words)
    searcher = Searcher(store, index)
    view = list(browser.paper_ids("listing"))
    titles = dict(store.conn.execute("SELECT id, title FROM papers"))

    def rank(query: str) -> list[str]:
        results = searcher.search(query, view)
        assert results is not None
        return [titles[i] for i in results.ids[:DEPTH].tolist()]

    return rank


def fts_ranker(store: Store) -> Ranker:
    def rank(query: str) -> list[str]:
        match = " ".join(f'"{term}"*' for term in query_terms(query))
        rows = store.conn.execute(
            "SELECT p.title FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid"
            " WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 5.0, 1.0) LIMIT ?",
            [match, DEPTH],
        )
        return [row[0] for row in rows]

    return rank


def ndcg(ranked: list[str], relevant: dict[str, int]) -> float:
    """nDCG@10 with gains 2^grade - 1."""
    dcg = sum((2 ** relevant.get(t, 0) - 1) / math.log2(n + 2) for n, t in enumerate(ranked[:DEPTH]))
    ideal = sorted(relevant.values(), reverse=True)[:DEPTH]
    best = sum((2**g - 1) / math.log2(n + 2) for n, g in enumerate(ideal))
    return dcg / best if best else 0.0


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    """1 / the place of the first paper of the best grade, within the first ten (0 beyond)."""
    best = max(relevant.values())
    return next((1 / (n + 1) for n, t in enumerate(ranked[:DEPTH]) if relevant.get(t, 0) == best), 0.0)


def scores(rank: Ranker) -> dict[str, tuple[float, float]]:
    """Per kind, the mean nDCG@10 and MRR of `rank` over the judged queries."""
    by_kind: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
    for item in judged():
        ranked = rank(item["query"])
        by_kind[item["kind"]].append(
            (ndcg(ranked, item["relevant"]), reciprocal_rank(ranked, item["relevant"]))
        )
    return {
        kind: (statistics.mean(n for n, _ in pairs), statistics.mean(r for _, r in pairs))
        for kind, pairs in by_kind.items()
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch, Store(Path(scratch) / "quality.db") as store:
        load_sample(store)
        ours, fts = scores(filter_ranker(store)), scores(fts_ranker(store))
        previous = scores(filter_ranker(store, previous=True))
    count = {kind: sum(item["kind"] == kind for item in judged()) for kind in KINDS}
    print(f"{'':18}  {'nDCG@10':^26}   {'MRR':^26}")
    names = f"{'filter':>8} {'before':>8} {'FTS5':>8}"
    print(f"{'kind':10} {'queries':>7}   {names}   {names}")
    for kind in KINDS:
        ndcgs = " ".join(f"{figures[kind][0]:>8.3f}" for figures in (ours, previous, fts))
        mrrs = " ".join(f"{figures[kind][1]:>8.3f}" for figures in (ours, previous, fts))
        print(f"{kind:10} {count[kind]:>7}   {ndcgs}   {mrrs}")


if __name__ == "__main__":
    main()
