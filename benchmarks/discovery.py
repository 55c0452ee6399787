"""Discovery: quality on the judged sets, and speed at scale, beside baselines of the same run.

    python -m benchmarks.discovery [--papers 100000,300000,1000000] [--repeat 5] [--embed 3000]

Quality, on the built-in sample and `tests/data/discovery_judged.json`:
- search: nDCG@10 of topic and paraphrase queries and MRR of remembered titles (typos included),
  for the reader's lexical filter (every word must match), SQLite FTS5 bm25 (OR of the words),
  tf-idf cosine, each half of the paper vector alone, the vector, and the blend (`meaning.blend`);
- recommend: for each topic with >= 6 relevant papers, star 3 (5 draws), and precision@10 of
  `foryou.recommend` on the others, beside the tf-idf cosine to the stars' mean (arXiv
  Explorer's ranking) and the vectors' cosine to it.
Speed: embedding rate on generated papers (`--embed` of them); similar, retrain + recommend and a
query's blend at each size of `--papers`, on vectors made from the sample's own (each a real
vector plus noise: ranking costs the same whatever the values), medians of `--repeat`.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from papershelf.loaders.discovery import embed, foryou, meaning, rank, vectors
from papershelf.loaders.discovery.lsa import LsaModel
from papershelf.loaders.search.fuzzy import FuzzyIndex, query_terms
from papershelf.loaders.sources.load import load_sample
from papershelf.loaders.store.database import Store

JUDGED = Path(__file__).parent.parent / "tests" / "data" / "discovery_judged.json"
DRAWS = 5


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", default="100000,300000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--embed", type=int, default=3000)
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(Path(scratch) / "sample.db")
        load_sample(store)
        vectors.refresh(store)
        sample = Sample(store)
        quality(sample)
        if not args.quality_only:
            embedding_rate(args.embed)
            for size in (int(n) for n in args.papers.split(",")):
                speed(sample, size, args.repeat)


class Sample:
    """The sample's papers, their vectors and the baselines' matrices."""

    def __init__(self, store: Store):
        self.store = store
        self.papers = list(store.papers())
        self.ids = np.array([p.id for p in self.papers])
        self.by_title = {p.title: n for n, p in enumerate(self.papers)}
        self.texts = [embed.paper_text(p.title, p.abstract) for p in self.papers]
        self.set = vectors.read(store)
        assert (self.set.ids == self.ids).all()
        self.vectors = embed.dequantize(self.set.vectors)
        self.model = vectors.text_model(store)
        self.fuzzy = FuzzyIndex.build([p.title for p in self.papers], [p.abstract for p in self.papers])
        self.tfidf = Tfidf(self.texts)
        self.lsa_half = embed.normalize(self.vectors[:, : embed.LSA_DIMS])
        self.word_half = embed.normalize(self.vectors[:, embed.LSA_DIMS :])


class Tfidf:
    """Plain tf-idf cosine over every word (the baseline), dense: the sample is small."""

    def __init__(self, texts: list[str]):
        documents = [self.words(t) for t in texts]
        frequency: dict[str, int] = {}
        for document in documents:
            for word in set(document):
                frequency[word] = frequency.get(word, 0) + 1
        self.columns = {w: n for n, w in enumerate(frequency)}
        count = len(documents)
        self.idf = np.array([math.log((1 + count) / (1 + frequency[w])) + 1 for w in frequency])
        self.matrix = np.vstack([self.vector(d) for d in documents])

    @staticmethod
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    def vector(self, words: list[str]) -> np.ndarray:
        v = np.zeros(len(self.columns))
        for word in words:
            if word in self.columns:
                v[self.columns[word]] += 1
        v = np.log1p(v) * self.idf
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    def scores(self, query: str) -> np.ndarray:
        return self.matrix @ self.vector(self.words(query))


# Quality -------------------------------------------------------------------------------------------


def quality(sample: Sample) -> None:
    judged = json.loads(JUDGED.read_text())
    print(f"Search quality on the sample ({len(sample.papers)} papers), judged set {JUDGED.name}:")
    print(f"  {'ranking':28} {'topic nDCG@10':>14} {'paraphrase nDCG@10':>19} {'known-item MRR':>15}")
    for name, ranking in search_methods(sample).items():
        topic = mean_ndcg(sample, judged["topic"], ranking)
        paraphrase = mean_ndcg(sample, judged["paraphrase"], ranking)
        known = mean_reciprocal_rank(sample, judged["known_item"], ranking)
        print(f"  {name:28} {topic:14.3f} {paraphrase:19.3f} {known:15.3f}")
    print(f"\nRecommendation quality: star 3 papers of a topic ({DRAWS} draws), precision@10 on the others:")
    methods = recommend_methods(sample)
    print(f"  {'topic':34} {'papers':>6} " + " ".join(f"{name:>22}" for name in methods))
    totals: dict[str, list[float]] = {name: [] for name in methods}
    for topic, titles in judged["recommend"].items():
        relevant = [sample.by_title[t] for t in titles]
        row = []
        for name, method in methods.items():
            value = statistics.mean(precision_at_10(sample, relevant, draw, method) for draw in range(DRAWS))
            totals[name].append(value)
            row.append(f"{value:22.2f}")
        print(f"  {topic:34} {len(relevant):6} " + " ".join(row))
    print(f"  {'mean':34} {'':6} " + " ".join(f"{statistics.mean(v):22.3f}" for v in totals.values()))
    print()


def search_methods(sample: Sample) -> dict[str, Callable[[str], list[int]]]:
    def lexical(query: str) -> list[int]:
        matches = sample.fuzzy.search(query)
        return [] if matches is None or not query_terms(query) else list(matches.docs)

    def cosine(matrix: np.ndarray, vector: Callable[[str], np.ndarray]) -> Callable[[str], list[int]]:
        return lambda query: list(np.argsort(-(matrix @ vector(query)), kind="stable"))

    assert sample.model is not None
    model = sample.model

    def blended(query: str) -> list[int]:
        similarity = embed.dequantize(sample.set.vectors) @ meaning.query_vector(model, query)
        terms = [sample.fuzzy.term_scores(term) for term in query_terms(query)]
        return list(meaning.blend(terms, similarity).docs)

    return {
        "lexical filter (all words)": lexical,
        "FTS5 bm25 (any word)": lambda query: fts_bm25(sample, query),
        "tf-idf cosine": lambda query: list(np.argsort(-sample.tfidf.scores(query), kind="stable")),
        "LSA half alone": cosine(sample.lsa_half, lambda q: model.project([q])[0]),
        "WordLlama-64 half alone": cosine(sample.word_half, lambda q: embed.word_vectors([q])[0]),
        "vector (LSA + WordLlama)": cosine(sample.vectors, lambda q: meaning.query_vector(model, q)),
        "blend (filter + vector)": blended,
    }


def fts_bm25(sample: Sample, query: str) -> list[int]:
    terms = " OR ".join(f'"{t}"' for t in query_terms(query))
    if not terms:
        return []
    rows = sample.store.conn.execute(
        "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts)", [terms]
    ).fetchall()
    position = {int(i): n for n, i in enumerate(sample.ids)}
    return [position[row[0]] for row in rows if row[0] in position]


def ndcg_at_10(ranking: list[int], relevant: set[int]) -> float:
    gain = sum(1 / math.log2(rank + 2) for rank, doc in enumerate(ranking[:10]) if doc in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(10, len(relevant))))
    return gain / ideal


def mean_ndcg(sample: Sample, queries: list[dict], ranking: Callable[[str], list[int]]) -> float:
    values = []
    for query in queries:
        relevant = {sample.by_title[t] for t in query["relevant"]}
        values.append(ndcg_at_10(ranking(query["query"]), relevant))
    return statistics.mean(values)


def mean_reciprocal_rank(sample: Sample, queries: list[dict], ranking: Callable[[str], list[int]]) -> float:
    values = []
    for query in queries:
        found = ranking(query["query"])
        target = sample.by_title[query["paper"]]
        values.append(1 / (found.index(target) + 1) if target in found else 0.0)
    return statistics.mean(values)


Recommender = Callable[[Sample, list[int]], list[int]]


def recommend_methods(sample: Sample) -> dict[str, Recommender]:
    def ours(sample: Sample, starred: list[int]) -> list[int]:
        store = sample.store
        store.conn.execute("DELETE FROM stars")
        store.set_starred([int(sample.ids[n]) for n in starred], True)
        picks = foryou.recommend(store, sample.set, limit=10).picks
        return [int(np.searchsorted(sample.ids, pick.paper_id)) for pick in picks]

    def centroid(matrix: np.ndarray) -> Recommender:
        def rank_by(sample: Sample, starred: list[int]) -> list[int]:
            values = matrix @ matrix[starred].mean(axis=0)
            values[starred] = -np.inf
            return list(np.argsort(-values)[:10])

        return rank_by

    return {
        "recommend (per-list model)": ours,
        "tf-idf cosine to stars": centroid(sample.tfidf.matrix),
        "vector cosine to stars": centroid(sample.vectors),
    }


def precision_at_10(sample: Sample, relevant: list[int], draw: int, method: Recommender) -> float:
    starred = list(np.random.default_rng(draw).choice(relevant, 3, replace=False))
    others = set(relevant) - set(starred)
    return len(set(method(sample, starred)[:10]) & others) / 10


# Speed ---------------------------------------------------------------------------------------------


def embedding_rate(count: int) -> None:
    from benchmarks.generate import generate_papers

    texts = [embed.paper_text(t, a) for t, a, _ in generate_papers(count)]
    start = time.perf_counter()
    model = LsaModel.fit(texts)
    fitted = time.perf_counter() - start
    start = time.perf_counter()
    model.project(texts)
    lsa = time.perf_counter() - start
    embed.word_vectors(texts[:10])  # the model loaded before timing
    start = time.perf_counter()
    embed.word_vectors(texts)
    word = time.perf_counter() - start
    rate = count / (lsa + word)
    print(f"Embedding {count:,} generated papers: LSA fit {fitted:.2f} s (done once, on ≤ 20,000 papers),")
    print(f"  LSA {count / lsa:,.0f}/s, WordLlama {count / word:,.0f}/s, both {rate:,.0f} papers/s:")
    print(f"  1,000,000 papers in {1_000_000 / rate / 60:.1f} min on one core (the refresh uses one)\n")


def speed(sample: Sample, size: int, repeat: int) -> None:
    base = sample.set.vectors
    tracemalloc.start()
    big = vectors.VectorSet(np.arange(1, size + 1, dtype=np.int32), synthetic_vectors(base, size))
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    big.vectors[: len(base)] = base  # the sample's own papers (ids 1…334) keep their vectors
    store = sample.store
    store.conn.execute("DELETE FROM stars")
    store.set_starred([143, 174, 191], True)  # three speculative-decoding papers of the sample
    model = sample.model
    assert model is not None
    query = "letting the model skip work on easy tokens"
    print(f"At {size:,} papers (vectors and their signs {memory / 1e6:.0f} MB):")
    similar = _median(repeat, lambda: rank.similar(big, 125, 20))
    exact_similar = _median(repeat, lambda: exact_top(big, big.vectors[124].astype(np.float32) / 127, 21))
    rows = big.rows_of([143, 174, 191])
    retrain = _median(repeat, lambda: rank.train(big, rows, np.zeros(0, np.int64)))
    recommend = _median(repeat, lambda: foryou.recommend(store, big, limit=20))
    meaning.query_vector(model, query)  # the word model loaded before timing
    query_time = _median(
        repeat, lambda: rank.best(big, meaning.query_vector(model, query), meaning.MEANING_RESULTS)
    )
    print(f"  similar (top 20)               {similar:8.1f} ms   (target ≤ 100)")
    print(f"  baseline: exact scores of all  {exact_similar:8.1f} ms")
    print(f"  retrain one list               {retrain:8.1f} ms   (target ≤ 200)")
    print(f"  recommend (train + rank)       {recommend:8.1f} ms   (target ≤ 300)")
    print(f"  query vector + best 50         {query_time:8.1f} ms")
    print(f"  recall of the exact top 20 through the signs' candidates: {sign_recall(big):.3f}\n")


def exact_top(found: vectors.VectorSet, direction: np.ndarray, count: int) -> np.ndarray:
    return rank.top(rank.scores(found.vectors, direction), count)


def sign_recall(found: vectors.VectorSet, queries: int = 20) -> float:
    """How many of the exact top 20 the two-step `rank.best` finds, over papers of the sample."""
    hits = []
    for row in range(0, 334, 334 // queries):
        direction = found.vectors[row].astype(np.float32) / 127
        exact = set(exact_top(found, direction, 20).tolist())
        hits.append(len(exact & set(rank.best(found, direction, 20)[0].tolist())) / 20)
    return statistics.mean(hits)


def synthetic_vectors(base: np.ndarray, size: int) -> np.ndarray:
    """`size` vectors, each one of `base` plus noise, made a chunk at a time (int8 throughout)."""
    rng = np.random.default_rng(1)
    out = np.empty((size, base.shape[1]), dtype=np.int8)
    for start in range(0, size, 100_000):
        count = min(100_000, size - start)
        noisy = base[rng.integers(0, len(base), count)].astype(np.int16)
        noisy += rng.integers(-20, 21, (count, base.shape[1]), dtype=np.int16)
        out[start : start + count] = np.clip(noisy, -127, 127)
    return out


def _median(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
