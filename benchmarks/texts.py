"""The titles and abstracts of `benchmarks.corpus`, generated once and kept on disk.

Generating a million papers takes minutes; the search benchmarks read the texts back instead. The
first N papers of a bigger corpus are the papers of a corpus of N (the corpus is drawn in batches
from one seed), so one file serves every size up to its own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from benchmarks.corpus import papers

DEFAULT_DIRECTORY = Path(os.environ.get("PAPERSHELF_BENCH_TEXTS", "/tmp/papershelf-bench"))


def corpus_texts(count: int, directory: Path = DEFAULT_DIRECTORY) -> Iterator[tuple[str, str]]:
    """(title, abstract) of the first `count` papers of the corpus (seed 13)."""
    kept = _kept(directory, count)
    if kept is None:
        kept = _write(directory, count)
    with kept.open(encoding="utf-8") as lines:
        for line in islice(lines, count):
            title, abstract = json.loads(line)
            yield title, abstract


def _kept(directory: Path, count: int) -> Path | None:
    sizes = [int(path.stem.split("-")[1]) for path in directory.glob("corpus-*.jsonl")]
    fitting = [size for size in sizes if size >= count]
    return directory / f"corpus-{min(fitting)}.jsonl" if fitting else None


def _write(directory: Path, count: int) -> Path:
    print(f"generating {count:,} papers once (kept in {directory})…", flush=True)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"corpus-{count}.jsonl"
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with partial.open("w", encoding="utf-8") as out:
        for paper in papers(count):
            out.write(json.dumps([paper.title, paper.abstract]) + "\n")
    os.replace(partial, path)
    return path
