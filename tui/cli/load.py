"""`papershelf load`: page copies, files or folders, into the store, one line per file."""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from papershelf.loaders.sanitize import terminal, terminal_name
from papershelf.loaders.text import plural
from papershelf.tui.cli.support import Failure, json_option, open_store, print_json

if TYPE_CHECKING:
    from papershelf.loaders.sources.load import LoadReport, PathOutcome
    from papershelf.loaders.sources.snapshot import Wanted
    from papershelf.loaders.store.database import Store

STDIN = "-"
PROGRESS_MIN_BYTES = 4 << 20
MAX_WARNINGS_PER_FILE = 10


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--category",
    metavar="CATS",
    help="arXiv snapshot: only these categories, comma-separated; cs or cs. means all of cs.*.",
)
@click.option("--since", metavar="YYYY-MM-DD", help="arXiv snapshot: only papers first published since.")
@json_option
@click.pass_obj
def load(
    db_path: Path, paths: tuple[Path, ...], category: str | None, since: str | None, as_json: bool
) -> None:
    """Load text copies of papers pages, or the arXiv metadata snapshot (JSON lines, plain or
    .gz/.bz2/.zst/.zip): files, or folders (every non-hidden file below them); `-` reads stdin.

    Prints one line per file; exits 1 when a file could not be read or held no paper (the other
    files are still loaded). A snapshot is stored in steps: Ctrl-C keeps the steps before it.
    """
    from papershelf.loaders.sources.load import LoadInterrupted, load_paths
    from papershelf.loaders.sources.snapshot import Wanted

    try:
        wanted = Wanted.parse(category, since)
    except ValueError as error:
        raise Failure(str(error)) from None
    store = open_store(db_path)
    first = [_load_stdin(store, wanted)] if STDIN in map(str, paths) else []
    files = tuple(path for path in paths if str(path) != STDIN)
    outcomes: list[PathOutcome] = []
    try:
        for outcome in itertools.chain(first, load_paths(store, files, progress=_progress, wanted=wanted)):
            outcomes.append(outcome)
            if not as_json:
                _echo_outcome(outcome)
    except LoadInterrupted as interrupted:
        name = terminal_name(interrupted.path)
        if interrupted.papers_kept:
            kept = f"{plural(interrupted.papers_kept, 'paper')} of {name} were stored"
            click.echo(f"papershelf: interrupted: {kept}; load it again to finish", err=True)
        else:
            click.echo(f"papershelf: interrupted: {name} was not loaded, the store is unchanged", err=True)
        sys.exit(130)
    if as_json:
        print_json({"files": [_record(outcome) for outcome in outcomes]})
    if any(outcome.report is None for outcome in outcomes):
        sys.exit(1)


def _load_stdin(store: Store, wanted: Wanted) -> PathOutcome:
    """Load what standard input holds, as one file named `-`.

    Its source in the store is named by a digest of the text, so that piping the same page twice
    is one source and two different pages are two."""
    import hashlib
    import tempfile

    from papershelf.loaders.sources.load import PathOutcome, load_file
    from papershelf.loaders.sources.reading import InputError

    data = sys.stdin.buffer.read()
    source = f"stdin:{hashlib.sha1(data).hexdigest()[:16]}"
    with tempfile.TemporaryDirectory(prefix="papershelf-stdin-") as folder:
        copy = Path(folder) / "stdin.txt"
        copy.write_bytes(data)
        try:
            report = load_file(store, copy, source=source, wanted=wanted)
        except (InputError, OSError) as error:
            return PathOutcome(Path(STDIN), error=str(error))
    report.name = STDIN
    return PathOutcome(Path(STDIN), report)


def _echo_outcome(outcome: PathOutcome) -> None:
    if outcome.report is None:
        click.echo(f"papershelf: error: {outcome.line()}", err=True)
    else:
        _echo_report(outcome.path, outcome.report)


def _record(outcome: PathOutcome) -> dict[str, Any]:
    """One file's outcome for `--json`."""
    report = outcome.report
    if report is None:
        return {"path": str(outcome.path), "error": outcome.error}
    counts = report.counts
    return {
        "path": str(outcome.path),
        "shape": report.shape,
        "papers": counts.found,
        "new": counts.new,
        "updated": counts.updated,
        "skipped": report.skipped_count + report.bad_count,
        "left_out": report.filtered,
    }


def _echo_report(path: Path, report: LoadReport) -> None:
    name = terminal_name(path)
    _warn_bad_lines(name, report)
    for skipped in report.skipped[:MAX_WARNINGS_PER_FILE]:
        title, reason = terminal(skipped.title), terminal(skipped.reason)
        click.echo(f"papershelf: warning: {name}: skipped “{title}”: {reason}", err=True)
    if report.skipped_count > MAX_WARNINGS_PER_FILE:
        more = report.skipped_count - MAX_WARNINGS_PER_FILE
        click.echo(f"papershelf: warning: {name}: … and {more:,} more skipped", err=True)
    click.echo(report.summary())


def _warn_bad_lines(name: str, report: LoadReport) -> None:
    """The lines of a snapshot that are no paper, by number, and a last line cut short."""
    if report.bad_lines:
        numbers = ", ".join(f"{bad.number:,}" for bad in report.bad_lines)
        more = ", …" if report.bad_count > len(report.bad_lines) + bool(report.truncated) else ""
        first = report.bad_lines[0]
        count = plural(report.bad_count - bool(report.truncated), "line")
        click.echo(
            f"papershelf: warning: {name}: {count} skipped, not arXiv records "
            f"(line {numbers}{more}; line {first.number:,}: {terminal(first.reason)})",
            err=True,
        )
    if report.truncated:
        click.echo(
            f"papershelf: warning: {name}: the last line ({report.truncated.number:,}) is incomplete, "
            f"{terminal(report.truncated.reason)}: was the file cut short?",
            err=True,
        )


class _Meter:
    """What a progress bar is told as a file loads: the bytes read (called), and the papers merged."""

    def __init__(self, bar: Any):
        self.bar = bar
        self.papers = 0
        self.start = time.monotonic()

    def __call__(self, position: int) -> None:
        self.bar.update(position - self.bar.pos)

    def count_papers(self, papers: int) -> None:
        self.papers = papers

    def rate(self, _item: object) -> str:
        elapsed = time.monotonic() - self.start
        return f"{self.papers:,} papers, {self.papers / elapsed:,.0f}/s" if self.papers and elapsed else ""


@contextmanager
def _progress(path: Path) -> Iterator[_Meter | None]:
    """A progress bar on a terminal while a large `path` loads (bytes, papers per second, time
    left): yields its `on_position`."""
    try:
        size = path.stat().st_size
    except (OSError, ValueError):
        size = 0
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    meter: _Meter | None = None
    bar: Any
    with click.progressbar(
        length=size,
        label=terminal_name(path.name),
        file=sys.stderr,
        show_eta=True,
        item_show_func=lambda item: meter.rate(item) if meter else None,
    ) as bar:
        meter = _Meter(bar)
        yield meter
        bar.update(size - bar.pos)


COMMANDS = (load,)
