"""`papershelf load`: page copies, files or folders, into the store, one line per file."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from papershelf.loaders.sanitize import terminal, terminal_name
from papershelf.loaders.text import plural
from papershelf.tui.cli.support import Failure, open_store

if TYPE_CHECKING:
    from papershelf.loaders.sources.load import LoadReport

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
@click.pass_obj
def load(db_path: Path, paths: tuple[Path, ...], category: str | None, since: str | None) -> None:
    """Load text copies of papers pages, or the arXiv metadata snapshot (JSON lines, plain or
    .gz/.bz2/.zst/.zip): files, or folders (every non-hidden file below them).

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
    failed = 0
    try:
        for outcome in load_paths(store, paths, progress=_progress, wanted=wanted):
            if outcome.report is None:
                failed += 1
                click.echo(f"papershelf: error: {outcome.line()}", err=True)
            else:
                _echo_report(outcome.path, outcome.report)
    except LoadInterrupted as interrupted:
        name = terminal_name(interrupted.path)
        if interrupted.papers_kept:
            kept = f"{plural(interrupted.papers_kept, 'paper')} of {name} were stored"
            click.echo(f"papershelf: interrupted: {kept}; load it again to finish", err=True)
        else:
            click.echo(f"papershelf: interrupted: {name} was not loaded, the store is unchanged", err=True)
        sys.exit(130)
    if failed:
        sys.exit(1)


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
