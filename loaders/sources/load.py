"""Load input files into the store: read, parse and merge one file in one transaction."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from papershelf.loaders.models import ROW_FIELDS, Skipped
from papershelf.loaders.sources.parsing import parse_file
from papershelf.loaders.sources.reading import InputError
from papershelf.loaders.store.database import MergeCounts, Store

MAX_SKIPPED_KEPT = 100
_ABSTRACT = ROW_FIELDS.index("abstract")
SAMPLE_PREFIX = "sample/"
# A file without the page header whose "abstracts" are mostly this short is some other text file.
PLAUSIBLE_ABSTRACT = 100


@dataclass
class LoadReport:
    """What loading one file did."""

    name: str
    shape: str
    counts: MergeCounts
    skipped: list[Skipped] = field(default_factory=list)  # the first MAX_SKIPPED_KEPT of them
    skipped_count: int = 0

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{self.name}: {counts.found:,} papers ({counts.new:,} new, {counts.updated:,} updated, "
            f"{self.skipped_count:,} skipped)"
        )


def load_file(
    store: Store,
    path: Path,
    source: str | None = None,
    on_position: Callable[[int], None] | None = None,
) -> LoadReport:
    """Merge every paper of `path` into `store`, all or nothing; InputError when it holds none.

    `source` names the file in the store (default: its absolute path); `on_position` is told how
    many bytes have been read, now and then.
    """
    parsed = parse_file(path, on_position)
    report = LoadReport(str(path), parsed.shape, MergeCounts())
    short_abstracts = 0
    with store.write(), store.indexing_at_end():
        source_id = store.source_id(source or str(path.resolve()), parsed.shape, parsed.listing_date)
        for batch in parsed.batches:
            report.counts += store.merge_rows(source_id, batch.rows)
            short_abstracts += sum(len(row[_ABSTRACT]) < PLAUSIBLE_ABSTRACT for row in batch.rows)
            report.skipped_count += len(batch.skipped)
            report.skipped.extend(batch.skipped[: MAX_SKIPPED_KEPT - len(report.skipped)])
        if report.counts.found == 0:
            raise InputError("no papers found: not a text copy of a papers page")
        if not parsed.has_header and short_abstracts * 2 > report.counts.found:
            raise InputError(
                "does not look like a copy of a papers page (no page header, and most "
                f"abstracts are shorter than {PLAUSIBLE_ABSTRACT} characters)"
            )
    return report


def sample_files() -> list[Path]:
    """The built-in sample: text copies of Hugging Face papers pages shipped with papershelf."""
    folder = resources.files("papershelf.loaders") / "sample"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".txt"))


def load_sample(store: Store) -> list[LoadReport]:
    return [load_file(store, path, source=SAMPLE_PREFIX + path.name) for path in sample_files()]


def expand_paths(paths: tuple[Path, ...]) -> Iterator[Path]:
    """Files as given; folders as every non-hidden file below them, in name order."""
    for path in paths:
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith("."):
                        yield Path(dirpath) / name
        else:
            yield path
