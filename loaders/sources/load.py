"""Load input files into the store: read, parse and merge one file in one transaction."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext, suppress
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from papershelf.loaders.models import ROW_FIELDS, Skipped
from papershelf.loaders.sanitize import terminal, terminal_name
from papershelf.loaders.sources import snapshot
from papershelf.loaders.sources.parsing import Batch, ParsedFile, parse_file
from papershelf.loaders.sources.reading import InputError, os_reason
from papershelf.loaders.sources.snapshot import BadLine, Wanted
from papershelf.loaders.store.database import MergeCounts, Store
from papershelf.loaders.store.digests import KnownLines

MAX_SKIPPED_KEPT = 100
_ABSTRACT = ROW_FIELDS.index("abstract")
_TITLE = ROW_FIELDS.index("title")
SAMPLE_PREFIX = "sample/"
# A file without the page header whose "abstracts" are mostly this short is some other text file.
PLAUSIBLE_ABSTRACT = 100
# A snapshot is saved in steps, each one transaction committed once it has lasted this long: a
# reader on the same store waits for the write lock (a star, a note) no longer than a step, and an
# interrupted load keeps the steps before.
STEP_SECONDS = 0.5
# The lock is left free this long after each step: SQLite's busy handler, which a waiting writer
# sleeps in, tries again every 100 ms at most, and would miss a shorter gap.
PAUSE_SECONDS = 0.11
# A step's length is looked at after each piece of this many rows merged and indexed: a batch of
# the parser's (1,000 rows) took 1 to 5 s on a busy machine, and so did the steps that ended with it.
WRITE_ROWS = 200
BAD_LINES_KEPT = 5


@dataclass
class LoadReport:
    """What loading one file did."""

    name: str
    shape: str
    counts: MergeCounts
    skipped: list[Skipped] = field(default_factory=list)  # the first MAX_SKIPPED_KEPT of them
    skipped_count: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)  # lines that are no paper: the first few
    bad_count: int = 0
    truncated: BadLine | None = None  # the file's last line, cut short
    filtered: int = 0  # papers left out by the filters

    def summary(self) -> str:
        counts, name = self.counts, terminal_name(self.name)
        left_out = f", {self.filtered:,} left out by the filters" if self.filtered else ""
        return (
            f"{name}: {counts.found:,} papers ({counts.new:,} new, {counts.updated:,} updated, "
            f"{self.skipped_count + self.bad_count:,} skipped{left_out})"
        )

    def add(self, batch: Batch) -> None:
        """Count what `batch` skipped (its papers are counted by the merge)."""
        self.skipped_count += len(batch.skipped)
        self.skipped.extend(batch.skipped[: MAX_SKIPPED_KEPT - len(self.skipped)])
        self.bad_count += batch.bad_count
        self.filtered += batch.filtered
        self.counts.found += batch.unchanged
        for bad in batch.bad_lines:
            if bad.last:
                self.truncated = bad
            elif len(self.bad_lines) < BAD_LINES_KEPT:
                self.bad_lines.append(bad)


class PartlyLoaded(KeyboardInterrupt):
    """Ctrl-C during a load saved in steps: the steps before it, `papers` papers, are stored."""

    def __init__(self, papers: int):
        super().__init__()
        self.papers = papers


def load_file(
    store: Store,
    path: Path,
    source: str | None = None,
    on_position: Callable[[int], None] | None = None,
    wanted: Wanted | None = None,
    on_papers: Callable[[int], None] | None = None,
) -> LoadReport:
    """Merge every paper of `path` into `store`, all or nothing; InputError when it holds none.

    `source` names the file in the store (default: its absolute path); `on_position` is told how
    many bytes have been read, now and then, and `on_papers` how many papers have been merged. An
    arXiv metadata snapshot, filtered by `wanted`, is saved in steps (`STEP_SECONDS`) instead.
    """
    source = source or str(path.resolve())
    parsed = parse_file(path, on_position, wanted, KnownLines(store.path, source))
    report = LoadReport(str(path), parsed.shape, MergeCounts())
    if parsed.shape == snapshot.SHAPE:
        return _save_in_steps(store, source, parsed, report, on_papers)
    short_abstracts = json_titles = 0
    with store.write(), store.indexing_at_end():
        source_id = store.source_id(source, parsed.shape, parsed.listing_date)
        for batch in parsed.batches:
            report.counts += store.merge_rows(source_id, batch.rows)
            short_abstracts += sum(len(row[_ABSTRACT]) < PLAUSIBLE_ABSTRACT for row in batch.rows)
            json_titles += sum(_looks_like_json(row[_TITLE]) for row in batch.rows)
            report.add(batch)
            if on_papers:
                on_papers(report.counts.found)
        if report.counts.found == 0:
            raise InputError("no papers found: not a text copy of a papers page")
        if not parsed.has_header and json_titles * 2 > report.counts.found:
            raise InputError("looks like JSON (lines of objects), not a text copy of a papers page")
        if not parsed.has_header and report.skipped_count > report.counts.found:
            raise InputError(
                "does not look like a copy of a papers page (no page header, and "
                f"{report.skipped_count:,} of {report.skipped_count + report.counts.found:,} entries "
                "could not be read)"
            )
        if not parsed.has_header and short_abstracts * 2 > report.counts.found:
            raise InputError(
                "does not look like a copy of a papers page (no page header, and most "
                f"abstracts are shorter than {PLAUSIBLE_ABSTRACT} characters)"
            )
    return report


def _save_in_steps(
    store: Store, source: str, parsed: ParsedFile, report: LoadReport, on_papers: Callable[[int], None] | None
) -> LoadReport:
    """Merge the batches in steps of about STEP_SECONDS, each one transaction, each piece of a batch
    indexed as it is merged (a step's length is then known when its last piece is)."""
    step: ExitStack | None = None
    committed = 0  # papers of the steps already committed
    started = 0.0
    try:
        for batch in parsed.batches:
            report.add(batch)
            for rows, digests in _pieces(batch):
                if step is None:
                    step, started = ExitStack(), time.monotonic()
                    step.enter_context(store.write())
                    step.enter_context(store.indexing_at_end())
                    source_id = store.source_id(source, parsed.shape, None)
                report.counts += store.merge_rows(source_id, rows, digests)
                store.index_now()
                if time.monotonic() - started >= STEP_SECONDS:
                    step.close()
                    step, committed = None, report.counts.found
                    time.sleep(PAUSE_SECONDS)
            if on_papers and (batch.rows or batch.unchanged):
                on_papers(report.counts.found)
        if step is not None:
            step.close()
            step = None
    except BaseException as error:
        if step is not None:
            with suppress(BaseException):  # it rolls the step back and raises `error` again
                step.__exit__(type(error), error, error.__traceback__)
        if committed and isinstance(error, KeyboardInterrupt):
            raise PartlyLoaded(committed) from None
        raise
    if report.counts.found == 0 and not report.filtered:
        raise InputError(f"no arXiv records found ({report.bad_count:,} lines that are not one)")
    return report


def _pieces(batch: Batch) -> Iterator[tuple[list[tuple], list[bytes] | None]]:
    """The batch's rows and their digests, WRITE_ROWS at a time."""
    for start in range(0, len(batch.rows), WRITE_ROWS):
        rows = batch.rows[start : start + WRITE_ROWS]
        yield rows, batch.digests[start : start + WRITE_ROWS] if batch.digests else None


def _looks_like_json(title: str) -> bool:
    """A "title" that is a JSON object or array with keys (`[MASK] …` or `[bold]` titles are not)."""
    return title[:1] in ("{", "[") and '":' in title


def sample_files() -> list[Path]:
    """The built-in sample: text copies of Hugging Face papers pages shipped with papershelf."""
    folder = resources.files("papershelf.loaders") / "sample"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".txt"))


def load_sample(store: Store) -> list[LoadReport]:
    return [load_file(store, path, source=SAMPLE_PREFIX + path.name) for path in sample_files()]


def expand_paths(paths: tuple[Path, ...]) -> Iterator[Path]:
    """Files as given; folders as every non-hidden file below them, in name order (folders that
    cannot be read are left out: `load_paths` reports them)."""
    for found in _walk(paths):
        if isinstance(found, Path):
            yield found


@dataclass(frozen=True)
class PathOutcome:
    """What became of one path given to `load_paths`: a report, or the one-line reason it failed."""

    path: Path
    report: LoadReport | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def line(self) -> str:
        """One terminal-safe line: the report's summary, or the path and the reason."""
        if self.report is not None:
            return self.report.summary()
        return f"{terminal_name(self.path)}: {terminal(self.error or '')}"


class LoadInterrupted(KeyboardInterrupt):
    """Ctrl-C while `path` was loading: it was rolled back, the files before it are kept; of a
    snapshot (saved in steps), `papers_kept` papers of its steps before are kept too."""

    def __init__(self, path: Path, papers_kept: int = 0):
        super().__init__(str(path))
        self.path = path
        self.papers_kept = papers_kept


Progress = Callable[[Path], AbstractContextManager[Callable[[int], None] | None]]


def load_paths(
    store: Store, paths: Iterable[Path], progress: Progress | None = None, wanted: Wanted | None = None
) -> Iterator[PathOutcome]:
    """Load every file of `paths` (folders walked), each on its own: one outcome per file, and one
    per folder that cannot be read or holds no file. A bad path never stops the others.

    `progress(path)` gives a context around each file's load that yields its `on_position`; when
    that has a `count_papers` method, it is told how many papers are merged as the load goes.
    `wanted` filters arXiv metadata snapshots.
    """
    for found in _walk(tuple(paths)):
        yield found if isinstance(found, PathOutcome) else _load_one(store, found, progress, wanted)


def _load_one(store: Store, path: Path, progress: Progress | None, wanted: Wanted | None) -> PathOutcome:
    try:
        with progress(path) if progress else nullcontext() as on_position:
            on_papers = getattr(on_position, "count_papers", None)
            report = load_file(store, path, on_position=on_position, wanted=wanted, on_papers=on_papers)
            return PathOutcome(path, report=report)
    except PartlyLoaded as stopped:
        raise LoadInterrupted(path, stopped.papers) from None
    except KeyboardInterrupt:
        raise LoadInterrupted(path) from None
    except InputError as error:
        return PathOutcome(path, error=str(error))
    except sqlite3.Error as error:
        return PathOutcome(path, error=f"not loaded, the store: {store_reason(error)}")
    except OSError as error:
        return PathOutcome(path, error=os_reason(error))
    except (RecursionError, MemoryError, RuntimeError) as error:  # a parser child that died
        return PathOutcome(path, error=f"could not be parsed: {error or type(error).__name__}")


def store_reason(error: sqlite3.Error) -> str:
    """A store error in words the user can act on."""
    text = str(error)
    if "disk is full" in text or getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return "the disk is full"
    return text


def _walk(paths: tuple[Path, ...]) -> Iterator[Path | PathOutcome]:
    """Files as given; each folder as its non-hidden files, in name order, without a recursion
    limit; folders that cannot be read, and folders without files, as outcomes."""
    for path in paths:
        if not _is_folder(path):
            yield path
            continue
        files = 0
        stack = [path]
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(
                    (e for e in os.scandir(folder) if not e.name.startswith(".")), key=lambda e: e.name
                )
            except OSError as error:
                yield PathOutcome(folder, error=f"cannot read this folder: {os_reason(error)}")
                continue
            subfolders = []
            for entry in entries:
                if _entry_is_folder(entry):
                    subfolders.append(Path(entry.path))
                else:
                    files += 1
                    yield Path(entry.path)
            stack.extend(reversed(subfolders))
        if not files:
            yield PathOutcome(path, error="no files found")


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False  # load_file names the reason


def _entry_is_folder(entry: os.DirEntry) -> bool:
    # A link to a folder inside a folder is not followed: it could lead back up (a loop).
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False
