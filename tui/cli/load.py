"""`papershelf load`: page copies, files or folders, into the store, one line per file."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papershelf.loaders.sanitize import terminal, terminal_name
from papershelf.tui.cli.support import open_store

if TYPE_CHECKING:
    from papershelf.loaders.sources.load import LoadReport

PROGRESS_MIN_BYTES = 4 << 20
MAX_WARNINGS_PER_FILE = 10


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def load(db_path: Path, paths: tuple[Path, ...]) -> None:
    """Load text copies of papers pages: files, or folders (every non-hidden file below them).

    Prints one line per file; exits 1 when a file could not be read or held no paper (the other
    files are still loaded).
    """
    from papershelf.loaders.sources.load import LoadInterrupted, load_paths

    store = open_store(db_path)
    failed = 0
    try:
        for outcome in load_paths(store, paths, progress=_progress):
            if outcome.report is None:
                failed += 1
                click.echo(f"papershelf: error: {outcome.line()}", err=True)
            else:
                _echo_report(outcome.path, outcome.report)
    except LoadInterrupted as interrupted:
        name = terminal_name(interrupted.path)
        click.echo(f"papershelf: interrupted: {name} was not loaded, the store is unchanged", err=True)
        sys.exit(130)
    if failed:
        sys.exit(1)


def _echo_report(path: Path, report: LoadReport) -> None:
    name = terminal_name(path)
    for skipped in report.skipped[:MAX_WARNINGS_PER_FILE]:
        title, reason = terminal(skipped.title), terminal(skipped.reason)
        click.echo(f"papershelf: warning: {name}: skipped “{title}”: {reason}", err=True)
    if report.skipped_count > MAX_WARNINGS_PER_FILE:
        more = report.skipped_count - MAX_WARNINGS_PER_FILE
        click.echo(f"papershelf: warning: {name}: … and {more:,} more skipped", err=True)
    click.echo(report.summary())


@contextmanager
def _progress(path: Path) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal while a large `path` loads: yields its `on_position`."""
    try:
        size = path.stat().st_size
    except (OSError, ValueError):
        size = 0
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=size, label=terminal_name(path.name), file=sys.stderr) as bar:

        def on_position(position: int) -> None:
            bar.update(position - bar.pos)

        yield on_position
        bar.update(size - bar.pos)


COMMANDS = (load,)
