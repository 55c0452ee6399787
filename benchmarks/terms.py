"""How long one typed word takes to find its words in the vocabulary: term dictionaries side by side.

    python -m benchmarks.terms [--papers 100000 300000 1000000] [--repeat 5]

The vocabulary is that of the abstracts of `benchmarks.corpus` at N papers (it grows as real text
does: ≈400,000 words at a million). A lookup is what the filter asks for each typed word: the word
itself, the words it begins, those a typo or two away (`allowed_typos`), those beginning with it
give or take a typo, and those holding it inside. Candidates, each in a process of its own (its
build time and the memory it adds, RSS):

- previous: the scans the filter did before (`ScanDictionary`): rapidfuzz over every word of a
  near length, tables of every word's beginning, a regular expression over the joined vocabulary;
- trigram: `TermDictionary`, a trigram → words index in numpy, candidates checked with rapidfuzz;
- tantivy: the vocabulary as a Tantivy index (one document per word), looked up with its
  Levenshtein-automaton `fuzzy_term_query` (prefix or not) and a `regex_query` for inside words;
- fts5: the vocabulary in SQLite, a B-tree for words and prefixes and an FTS5 trigram table for
  typo candidates (checked with rapidfuzz) and inside words (LIKE).

Prints per candidate the median and p95 of a lookup over words being typed letter by letter and
over mistyped words, medians of --repeat runs. The previous scans are the same run's baseline.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from benchmarks.texts import DEFAULT_DIRECTORY, corpus_texts
from papershelf.loaders.search.term_dictionary import (
    INFIX_MIN_LENGTH,
    TYPO_MAX_WORDS,
    TYPO_MIN_LENGTH,
    TermDictionary,
    allowed_typos,
)
from papershelf.loaders.search.word_index import TYPO_CUTOFF, Tokenizer

TYPED = ("diffusion", "transformer", "quantization", "kv")
MISTYPED = (
    *("difusion", "cahce", "langauge", "modle"),
    *("acceleraton", "trasnformer", "retreival", "quantizaton"),
)
CANDIDATES = ("previous", "trigram", "tantivy", "fts5")


class ScanDictionary:
    """The filter's lookups before `TermDictionary`: each one reads the whole vocabulary (the baseline)."""

    def __init__(self, words: list[str]):
        self.words = words
        self._position = {word: i for i, word in enumerate(words)}
        self._length_ids = sorted(range(len(words)), key=lambda i: len(words[i]))
        self._length_words = [words[i] for i in self._length_ids]
        self._lengths = [len(word) for word in self._length_words]
        self._joined = "\n" + "\n".join(words) + "\n"
        self._line_starts = np.cumsum([0, *(len(word) + 1 for word in words)])
        self._prefix_tables: dict[int, tuple[list[str], list[tuple[int, int]]]] = {}

    def exact(self, term: str) -> int | None:
        return self._position.get(term)

    def prefix_range(self, term: str) -> tuple[int, int]:
        return bisect_left(self.words, term), bisect_left(self.words, term + "\U0010ffff")

    def typos(self, term: str) -> list[tuple[int, float]]:
        if len(term) < TYPO_MIN_LENGTH:
            return []
        first = bisect_left(self._lengths, len(term) - 2)
        last = bisect_left(self._lengths, len(term) + 3)
        found = process.extract(
            term,
            self._length_words[first:last],
            scorer=fuzz.ratio,
            score_cutoff=TYPO_CUTOFF,
            limit=TYPO_MAX_WORDS,
        )
        return [(self._length_ids[first + index], score / 100) for _, score, index in found]

    def typo_prefixes(self, term: str) -> list[tuple[int, int, float]]:
        if len(term) < TYPO_MIN_LENGTH:
            return []
        prefixes, ranges = self.prefixes(len(term))
        allowed = allowed_typos(len(term))
        found = process.extract(term, prefixes, scorer=OSA.distance, score_cutoff=allowed, limit=None)
        return [(*ranges[index], 1 - distance / len(term)) for _, distance, index in found if distance]

    def prefixes(self, length: int) -> tuple[list[str], list[tuple[int, int]]]:
        cached = self._prefix_tables.get(length)
        if cached is None:
            table: dict[str, list[int]] = {}
            for i, word in enumerate(self.words):
                if len(word) >= length:
                    table.setdefault(word[:length], [i, i])[1] = i + 1
            cached = self._prefix_tables[length] = (list(table), [(a, b) for a, b in table.values()])
        return cached

    def infixes(self, term: str) -> list[int]:
        if len(term) < INFIX_MIN_LENGTH or "\n" in term:
            return []
        positions = np.array([m.start() for m in re.finditer(re.escape(term), self._joined)], dtype=np.int64)
        if not len(positions):
            return []
        words = np.searchsorted(self._line_starts, positions - 1, side="right") - 1
        inside = positions - 1 > self._line_starts[words]
        return sorted(set(words[inside].tolist()))


def lookup(dictionary) -> Callable[[str], int]:
    """What the filter asks of a dictionary for one typed word; the number of answers."""

    def run(term: str) -> int:
        found = len(dictionary.infixes(term)) + len(dictionary.typo_prefixes(term))
        found += len(dictionary.typos(term)) + (dictionary.exact(term) is not None)
        first, last = dictionary.prefix_range(term)
        return found + last - first

    return run


def tantivy_lookup(words: list[str], scratch: Path) -> Callable[[str], int]:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("word", stored=True, tokenizer_name="raw")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(scratch))
    writer = index.writer(heap_size=200_000_000)
    for word in words:
        writer.add_document(tantivy.Document(word=word))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    limit = len(words)

    def words_of(query) -> list[str]:
        return [searcher.doc(address)["word"][0] for _, address in searcher.search(query, limit=limit).hits]

    def run(term: str) -> int:
        field = ("word",)
        found = len(words_of(tantivy.Query.term_query(schema, *field, term)))
        found += len(words_of(tantivy.Query.fuzzy_term_query(schema, *field, term, 0, True, True)))
        allowed = allowed_typos(len(term))
        if allowed:
            found += len(words_of(tantivy.Query.fuzzy_term_query(schema, *field, term, allowed, True, False)))
            found += len(words_of(tantivy.Query.fuzzy_term_query(schema, *field, term, allowed, True, True)))
        if len(term) >= INFIX_MIN_LENGTH:
            pattern = ".+" + re.escape(term) + ".*"
            found += len(words_of(tantivy.Query.regex_query(schema, *field, pattern)))
        return found

    return run


def fts5_lookup(words: list[str], scratch: Path) -> Callable[[str], int]:
    conn = sqlite3.connect(scratch / "vocabulary.db")
    conn.execute("CREATE TABLE words (word TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.execute("CREATE VIRTUAL TABLE grams USING fts5(word, tokenize='trigram')")
    conn.executemany("INSERT INTO words VALUES (?)", ((w,) for w in words))
    conn.execute("INSERT INTO grams (word) SELECT word FROM words")
    conn.commit()

    def near(term: str, allowed: int, beginning: bool) -> int:
        grams = {term[i : i + 3] for i in range(len(term) - 2)}
        match = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
        found = [row[0] for row in conn.execute("SELECT word FROM grams WHERE grams MATCH ?", [match])]
        if beginning:
            found = [word[: len(term)] for word in found]
        return len(process.extract(term, found, scorer=OSA.distance, score_cutoff=allowed, limit=None))

    def run(term: str) -> int:
        found = conn.execute("SELECT count(*) FROM words WHERE word = ?", [term]).fetchone()[0]
        found += conn.execute(
            "SELECT count(*) FROM words WHERE word >= ? AND word < ?", [term, term + "\U0010ffff"]
        ).fetchone()[0]
        allowed = allowed_typos(len(term))
        if allowed:
            found += near(term, allowed, False) + near(term, allowed, True)
        if len(term) >= INFIX_MIN_LENGTH:
            like = "%" + term.replace("%", "").replace("_", "") + "%"
            found += len(conn.execute("SELECT word FROM grams WHERE word LIKE ?", [like]).fetchall())
        return found

    return run


def vocabulary(papers: int, directory: Path = DEFAULT_DIRECTORY) -> list[str]:
    """The sorted distinct words of the first `papers` abstracts, kept on disk once extracted."""
    kept = directory / f"vocabulary-{papers}.txt"
    if kept.exists():
        return kept.read_text(encoding="utf-8").split("\n")
    tokenizer = Tokenizer()
    chunk: list[str] = []
    for _, abstract in corpus_texts(papers, directory):
        chunk.append(abstract)
        if len(chunk) == 4096:
            tokenizer.add(chunk)
            tokenizer.keys.clear()  # only the words are wanted
            chunk = []
    tokenizer.add(chunk)
    words = sorted(tokenizer.words)
    kept.write_text("\n".join(words), encoding="utf-8")
    return words


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def measure(candidate: str, papers: int, repeat: int) -> dict:
    """One candidate's figures, measured in this process."""
    words = vocabulary(papers)
    before = rss_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        if candidate == "previous":
            run = lookup(ScanDictionary(words))
        elif candidate == "trigram":
            run = lookup(TermDictionary(words))
        elif candidate == "tantivy":
            run = tantivy_lookup(words, Path(scratch))
        else:
            run = fts5_lookup(words, Path(scratch))
        built = time.perf_counter() - started
        typed = [word[:n] for word in TYPED for n in range(1, len(word) + 1)]
        figures = {"words": len(words), "build_s": built}
        for name, terms in (("typed", typed), ("mistyped", list(MISTYPED))):
            runs = [[timed(run, term) for term in terms] for _ in range(repeat)]
            per_term = [statistics.median(times) for times in zip(*runs, strict=True)]
            figures[name] = (statistics.median(per_term), percentile(per_term, 95))
        figures["rss_mb"] = rss_mb() - before
    return figures


def timed(run: Callable[[str], int], term: str) -> float:
    started = time.perf_counter()
    run(term)
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share / 100 * (len(ordered) - 1))]


def main() -> None:
    layout = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=layout)
    parser.add_argument("--papers", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=CANDIDATES)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.papers[0], args.repeat)))
        return
    print("one typed word's lookup (ms): median / p95 per word, medians of", args.repeat, "runs")
    header = f"{'papers':>9} {'words':>8} {'candidate':10} {'build s':>8} {'+RSS MB':>8}"
    print(f"{header} {'typed':>15} {'mistyped':>15}")
    for papers in args.papers:
        vocabulary(papers)  # extracted once, before any candidate is timed
        for candidate in args.candidates:
            command = [sys.executable, "-m", "benchmarks.terms", "--measure", candidate]
            command += ["--papers", str(papers), "--repeat", str(args.repeat)]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            f = json.loads(done.stdout.strip().splitlines()[-1])
            typed, mistyped = f["typed"], f["mistyped"]
            print(
                f"{papers:>9,} {f['words']:>8,} {candidate:10} {f['build_s']:>8.2f} {f['rss_mb']:>8.0f}"
                f" {typed[0]:>7.2f} / {typed[1]:<6.2f} {mistyped[0]:>7.2f} / {mistyped[1]:<6.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
