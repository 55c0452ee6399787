"""`papershelf load`: page copies, files or folders, into the store, one line per file."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papershelf.tui.cli.support import StoreError, open_store

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
    from papershelf.loaders.sources.load import expand_paths, load_file
    from papershelf.loaders.sources.reading import InputError

    store = open_store(db_path)
    failed = 0
    for path in expand_paths(paths):
        try:
            report = _with_progress(path, partial(load_file, store, path))
        except InputError as error:
            failed += 1
            click.echo(f"papershelf: error: {path}: {error}", err=True)
            continue
        except KeyboardInterrupt:
            click.echo(f"papershelf: interrupted: {path} was not loaded, the store is unchanged", err=True)
            sys.exit(130)
        except sqlite3.Error as error:
            raise StoreError(f"{db_path}: {error}") from None
        for skipped in report.skipped[:MAX_WARNINGS_PER_FILE]:
            click.echo(f"papershelf: warning: {path}: skipped “{skipped.title}”: {skipped.reason}", err=True)
        if report.skipped_count > MAX_WARNINGS_PER_FILE:
            more = report.skipped_count - MAX_WARNINGS_PER_FILE
            click.echo(f"papershelf: warning: {path}: … and {more:,} more skipped", err=True)
        click.echo(report.summary())
    if failed:
        sys.exit(1)


def _with_progress(path: Path, load: Callable[..., LoadReport]) -> LoadReport:
    """Run `load(on_position=…)`, with a progress bar on a terminal when `path` is large."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        return load(on_position=None)
    with click.progressbar(length=size, label=path.name, file=sys.stderr) as bar:

        def on_position(position: int) -> None:
            bar.update(position - bar.pos)

        result = load(on_position=on_position)
        bar.update(size - bar.pos)
    return result


COMMANDS = (load,)
