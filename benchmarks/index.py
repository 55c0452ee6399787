"""The whole filter index at 100,000 to 1,000,000 papers of `benchmarks.corpus`, candidates side by side.

    python -m benchmarks.index [--papers 100000 300000 1000000] [--repeat 5] [--candidates …]

Each candidate runs in a process of its own, the texts streamed from disk (`benchmarks.texts`), and
prints: the build time and the process's peak RSS while building; its RSS once built; the time to
make 100 more papers searchable (added to a built index); and the latency of each keystroke typing
`difusion kv cahce` and `diffusion kv` letter by letter (the terms typed before cached, as in the
reader), median and p95 over the keystrokes of --repeat runs, each on fresh caches; then, in a
process of its own as the reader starts, the time to read the saved index and warm it, and that
process's RSS once it has typed the same queries.

- trigram: `FuzzyIndex` as the filter has it now (`TermDictionary`), 100 papers added through
  `FuzzyIndex.added` as `PaperIndex.caught_up` adds them;
- previous: the index as it was: 64-bit keys sorted all at once (`previous_add`, `previous_finish`),
  the lookups of before (`benchmarks.terms.ScanDictionary`, its tables of word beginnings built
  ahead as the reader's `warm` did), and no way to add papers but a full build (its time given as
  the time to add): the same run's baseline;
- tantivy: a Tantivy index of titles and abstracts, each typed word a `fuzzy_term_query` (prefix,
  one typo from 4 letters, two from 8) on both fields, the title boosted; 100 papers added with a
  commit and a reload; a search counts every match and reads the best 100 (the filter ranks every
  match).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path

import numpy as np

from benchmarks.terms import ScanDictionary, percentile, rss_mb
from benchmarks.texts import corpus_texts
from papershelf.loaders.search.fuzzy import FuzzyIndex, query_terms
from papershelf.loaders.search.paper_index import PaperIndex, _added, load_cached, save_cached
from papershelf.loaders.search.term_dictionary import TYPO_MIN_LENGTH, allowed_typos
from papershelf.loaders.search.word_index import _WORD_BYTE, FieldIndex, Tokenizer, _span_hashes, _unique

QUERIES = ("difusion kv cahce", "diffusion kv")
ADDED = 100
CANDIDATES = ("trigram", "previous", "tantivy")
WARM_PREFIX_LENGTHS = 12  # the previous lookups' tables of beginnings, built ahead by `warm`


def previous_add(self: Tokenizer, texts: Sequence[str]) -> None:
    """`Tokenizer.add` as it was: each pair a 64-bit (word << 32 | document) key."""
    blob = ("\x00".join(text.lower() for text in texts) + "\x00").encode("utf-8", "replace")
    data = np.frombuffer(blob, dtype=np.uint8)
    edges = np.diff(_WORD_BYTE[data].view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    hashes = _span_hashes(data, starts, ends)
    docs = np.searchsorted(np.flatnonzero(data == 0), starts) + self.doc_count
    unique, first, inverse = _unique(hashes)
    pairs = zip(unique.tolist(), first.tolist(), strict=True)
    ids = np.fromiter(
        (self._word_id(hashed, blob, starts[i], ends[i]) for hashed, i in pairs),
        dtype=np.int64,
        count=len(unique),
    )
    keys = np.sort((ids[inverse] << 32) | docs)
    self.keys.append(keys[np.diff(keys, prepend=np.int64(-1)) != 0])  # type: ignore[arg-type]
    self.doc_count += len(texts)


def previous_finish(self: Tokenizer) -> tuple[list[str], np.ndarray, np.ndarray]:
    """`Tokenizer.finish` as it was: every posting in one array, sorted at once."""
    order = sorted(range(len(self.words)), key=self.words.__getitem__)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    keys = np.concatenate(self.keys) if self.keys else np.zeros(0, dtype=np.int64)
    keys = np.sort((rank[keys >> 32] << 32) | (keys & 0xFFFFFFFF))
    counts = np.bincount((keys >> 32).astype(np.int64), minlength=len(order))
    offsets = np.concatenate(([0], np.cumsum(counts)))
    return [self.words[i] for i in order], offsets, (keys & 0xFFFFFFFF).astype(np.int32)


def typed(queries: tuple[str, ...] = QUERIES) -> list[list[str]]:
    return [[query[:n] for n in range(1, len(query) + 1)] for query in queries]


def fields(papers: int) -> tuple[FieldIndex, FieldIndex]:
    title = FieldIndex.build(title for title, _ in corpus_texts(papers))
    abstract = FieldIndex.build(abstract for _, abstract in corpus_texts(papers))
    return title, abstract


def more_papers(papers: int) -> list[tuple[str, str]]:
    """The ADDED papers after the first `papers` (the corpus must hold them)."""
    return list(islice(corpus_texts(papers + ADDED), papers, None))


def ours(papers: int, previous: bool, scratch: Path) -> tuple[dict, Callable[[], Callable[[str], None]]]:
    if previous:
        Tokenizer.add = previous_add  # type: ignore[method-assign]
        Tokenizer.finish = previous_finish  # type: ignore[method-assign]
    started = time.perf_counter()
    title, abstract = fields(papers)
    index = FuzzyIndex(title, abstract, papers)
    index.warm()
    built = time.perf_counter() - started
    save_cached(scratch / "index.npz", PaperIndex(np.arange(papers), index, (papers, papers, "")))
    started = time.perf_counter()
    if previous:
        for field in (title, abstract):
            field.terms = ScanDictionary(field.words)
            for length in range(TYPO_MIN_LENGTH, WARM_PREFIX_LENGTHS + 1):
                field.terms.prefixes(length)
    figures = {"build_s": built + time.perf_counter() - started}
    extra = more_papers(papers)
    started = time.perf_counter()
    if previous:  # no way to add but to build everything again: a build's time
        figures["add_s"] = figures["build_s"]
    else:
        added = _added(index, [t for t, _ in extra], [a for _, a in extra])
        FuzzyIndex(title, abstract, papers, added).warm()
        figures["add_s"] = time.perf_counter() - started

    def fresh() -> Callable[[str], None]:
        searched = FuzzyIndex(title, abstract, papers)
        return lambda query: searched.search(query)

    return figures, fresh


def tantivy_index(papers: int, scratch: Path) -> tuple[dict, Callable[[], Callable[[str], None]]]:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=False)
    builder.add_text_field("abstract", stored=False)
    builder.add_integer_field("id", stored=True, fast=True)
    schema = builder.build()
    started = time.perf_counter()
    index = tantivy.Index(schema, path=str(scratch))
    writer = index.writer(heap_size=500_000_000)
    for n, (title, abstract) in enumerate(corpus_texts(papers)):
        writer.add_document(tantivy.Document(id=n, title=title, abstract=abstract))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    figures = {"build_s": time.perf_counter() - started}
    started = time.perf_counter()
    writer = index.writer(heap_size=50_000_000)
    for n, (title, abstract) in enumerate(more_papers(papers), start=papers):
        writer.add_document(tantivy.Document(id=n, title=title, abstract=abstract))
    writer.commit()
    index.reload()
    figures["add_s"] = time.perf_counter() - started

    def term_query(term: str):
        allowed = allowed_typos(len(term))
        options = [(field, boost) for field, boost in (("title", 2.5), ("abstract", 1.0))]
        parts = []
        for field, boost in options:
            query = tantivy.Query.fuzzy_term_query(schema, field, term, allowed, True, True)
            parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        return tantivy.Query.boolean_query(parts)

    def fresh() -> Callable[[str], None]:
        searcher = index.searcher()

        def search(query: str) -> None:
            terms = [(tantivy.Occur.Must, term_query(term)) for term in query_terms(query)]
            found = searcher.search(tantivy.Query.boolean_query(terms), limit=100)
            assert found.count is not None

        return search

    return figures, fresh


def opened(candidate: str, path: Path, repeat: int) -> dict:
    """A reader's start on the cache at `path`: the time to read it and warm it, and the RSS once
    the queries were typed."""
    before = rss_mb()
    started = time.perf_counter()
    if candidate == "previous":
        with np.load(path, allow_pickle=False) as arrays:  # read whole, as the cache was
            fields = [FieldIndex.from_arrays(arrays, name) for name in ("title", "abstract")]
            size = len(arrays["ids"])
        index = FuzzyIndex(*fields, size)
        index.warm()
        for field in fields:
            field.terms = ScanDictionary(field.words)
            for length in range(TYPO_MIN_LENGTH, WARM_PREFIX_LENGTHS + 1):
                field.terms.prefixes(length)
    else:
        read = load_cached(path)
        assert read is not None
        index = read.fuzzy
        index.warm()
    figures = {"open_s": time.perf_counter() - started}
    for _ in range(repeat):
        for prefixes in typed():
            searched = FuzzyIndex(index.title, index.abstract, index.size)
            for prefix in prefixes:
                searched.search(prefix)
    figures["reader_mb"] = rss_mb() - before
    return figures


def measure(candidate: str, papers: int, repeat: int) -> dict:
    before = rss_mb()
    with tempfile.TemporaryDirectory() as scratch:
        if candidate == "tantivy":
            figures, fresh = tantivy_index(papers, Path(scratch))
        else:
            figures, fresh = ours(papers, candidate == "previous", Path(scratch))
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
        figures["rss_mb"] = rss_mb() - before
        keys = []
        for _ in range(repeat):
            for prefixes in typed():
                search = fresh()
                keys += [timed(search, prefix) for prefix in prefixes]
        figures["keys"] = (statistics.median(keys), percentile(keys, 95), max(keys))
        figures.update({"open_s": float("nan"), "reader_mb": float("nan")})
        if candidate != "tantivy":
            del fresh  # the built index goes before the reader's start is measured
            command = [sys.executable, "-m", "benchmarks.index", "--measure", f"open-{candidate}"]
            command += ["--cache", str(Path(scratch) / "index.npz"), "--repeat", str(repeat)]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            figures.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return figures


def timed(run: Callable[[str], None], query: str) -> float:
    started = time.perf_counter()
    run(query)
    return (time.perf_counter() - started) * 1000


def rows(papers_sizes: list[int], candidates: list[str], repeat: int) -> Iterator[str]:
    for papers in papers_sizes:
        for candidate in candidates:
            command = [sys.executable, "-m", "benchmarks.index", "--measure", candidate]
            command += ["--papers", str(papers), "--repeat", str(repeat)]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            f = json.loads(done.stdout.strip().splitlines()[-1])
            median, p95, worst = f["keys"]
            yield (
                f"{papers:>9,} {candidate:9} {f['build_s']:>8.1f} {f['peak_mb']:>8.0f} {f['rss_mb']:>7.0f}"
                f" {f['add_s']:>9.2f} {median:>8.2f} {p95:>7.2f} {worst:>7.1f}"
                f" {f['open_s']:>7.2f} {f['reader_mb']:>9.0f}"
            )


def main() -> None:
    layout = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=layout)
    parser.add_argument("--papers", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=CANDIDATES)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure and args.measure.startswith("open-"):
        print(json.dumps(opened(args.measure.removeprefix("open-"), args.cache, args.repeat)))
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.papers[0], args.repeat)))
        return
    print(f"keystrokes typing {' and '.join(map(repr, QUERIES))}; memory in MB beside the process before")
    header = f"{'papers':>9} {'candidate':9} {'build s':>8} {'peak MB':>8} {'RSS MB':>7} {'add 100 s':>9}"
    print(f"{header} {'key ms':>8} {'p95':>7} {'worst':>7} {'open s':>7} {'reader MB':>9}")
    for row in rows(args.papers, args.candidates, args.repeat):
        print(row, flush=True)


if __name__ == "__main__":
    main()
