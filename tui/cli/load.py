"""`papershelf load`: page copies, files or folders, into the store, one line per file."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papershelf.loaders.text import plural
from papershelf.tui.cli.support import Failure, StoreError, open_store

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
    from papershelf.loaders.sources.load import PartlyLoaded, expand_paths, load_file
    from papershelf.loaders.sources.reading import InputError
    from papershelf.loaders.sources.snapshot import Wanted

    try:
        wanted = Wanted.parse(category, since)
    except ValueError as error:
        raise Failure(str(error)) from None
    store = open_store(db_path)
    failed = 0
    for path in expand_paths(paths):
        try:
            report = _with_progress(path, partial(load_file, store, path, wanted=wanted))
        except PartlyLoaded as stopped:
            click.echo(
                f"papershelf: interrupted: {stopped.papers:,} papers of {path} were stored; "
                "load it again to finish (what is stored is not loaded twice)",
                err=True,
            )
            sys.exit(130)
        except InputError as error:
            failed += 1
            click.echo(f"papershelf: error: {path}: {error}", err=True)
            continue
        except KeyboardInterrupt:
            click.echo(f"papershelf: interrupted: {path} was not loaded, the store is unchanged", err=True)
            sys.exit(130)
        except sqlite3.Error as error:
            raise StoreError(f"{db_path}: {error}") from None
        _warn_bad_lines(path, report)
        for skipped in report.skipped[:MAX_WARNINGS_PER_FILE]:
            click.echo(f"papershelf: warning: {path}: skipped “{skipped.title}”: {skipped.reason}", err=True)
        if report.skipped_count > MAX_WARNINGS_PER_FILE:
            more = report.skipped_count - MAX_WARNINGS_PER_FILE
            click.echo(f"papershelf: warning: {path}: … and {more:,} more skipped", err=True)
        click.echo(report.summary())
    if failed:
        sys.exit(1)


def _warn_bad_lines(path: Path, report: LoadReport) -> None:
    """The lines of a snapshot that are no paper, by number, and a last line cut short."""
    if report.bad_lines:
        numbers = ", ".join(f"{bad.number:,}" for bad in report.bad_lines)
        more = ", …" if report.bad_count > len(report.bad_lines) + bool(report.truncated) else ""
        first = report.bad_lines[0]
        click.echo(
            f"papershelf: warning: {path}: {plural(report.bad_count - bool(report.truncated), 'line')} "
            f"skipped, not arXiv records (line {numbers}{more}; line {first.number:,}: {first.reason})",
            err=True,
        )
    if report.truncated:
        click.echo(
            f"papershelf: warning: {path}: the last line ({report.truncated.number:,}) is incomplete, "
            f"{report.truncated.reason}: was the file cut short?",
            err=True,
        )


def _with_progress(path: Path, load: Callable[..., LoadReport]) -> LoadReport:
    """Run `load(on_position=…, on_papers=…)`, with a progress bar on a terminal when `path` is
    large: the bytes read, papers per second and the time left."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        return load(on_position=None, on_papers=None)
    start = time.monotonic()
    papers = 0

    def rate(_item: object) -> str:
        elapsed = time.monotonic() - start
        return f"{papers:,} papers, {papers / elapsed:,.0f}/s" if papers and elapsed > 0 else ""

    with click.progressbar(
        length=size, label=path.name, file=sys.stderr, show_eta=True, item_show_func=rate
    ) as bar:

        def on_position(position: int) -> None:
            bar.update(position - bar.pos)

        def on_papers(count: int) -> None:
            nonlocal papers
            papers = count

        result = load(on_position=on_position, on_papers=on_papers)
        bar.update(size - bar.pos)
    return result


COMMANDS = (load,)
