"""The `papershelf` command: bare, it opens the reader; its subcommands load, export and star here,
keep lists, notes and backups (`cli_userdata`) and fetch from the web (`cli_fetch`).

Only what a command needs is imported, and Textual only when the reader opens, so that `--help`
and every other command answer at once.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from loaders.text import plural
from tui import cli_fetch, cli_userdata
from tui.cli_support import Failure, StoreError, one_line, open_store, paper_ids

if TYPE_CHECKING:
    from loaders.load import LoadReport

PROGRESS_MIN_BYTES = 4 << 20
MAX_WARNINGS_PER_FILE = 10


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store file (default: `papershelf locate`; or set PAPERSHELF_DB).",
)
@click.version_option(package_name="papershelf")
@click.pass_context
def cli(context: click.Context, db: Path | None) -> None:
    """A keyboard-driven terminal reader for research-paper listings.

    Run without a command to open the reader; on an empty store it starts with a built-in sample.
    """
    from loaders.paths import default_db_path

    context.obj = db or default_db_path()
    if context.invoked_subcommand is None:
        open_reader(context.obj)


def open_reader(db_path: Path) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise Failure(
            "the reader needs a terminal (stdin and stdout must be a TTY); "
            "for scripts use `papershelf export`"
        )
    store = open_store(db_path)
    from tui.app import run

    run(store)


@cli.command()
@click.pass_obj
def locate(db_path: Path) -> None:
    """Print where the store file is."""
    click.echo(db_path)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def load(db_path: Path, paths: tuple[Path, ...]) -> None:
    """Load text copies of papers pages: files, or folders (every non-hidden file below them).

    Prints one line per file; exits 1 when a file could not be read or held no paper (the other
    files are still loaded).
    """
    from loaders.load import load_file
    from loaders.reading import InputError

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


@cli.command()
@click.option("--starred", is_flag=True, help="Only the starred papers (as --list Starred).")
@click.option("--list", "list_name", metavar="NAME", help="Only the papers of this list, in its order.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["jsonl", "json", "csv", "markdown", "bibtex"]),
    default="jsonl",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.pass_obj
def export(db_path: Path, starred: bool, list_name: str | None, format_: str, output: Path | None) -> None:
    """Write the papers out, one record per paper, with the user's lists, note and read state.

    Markdown is a reading list (titled with the list's name); BibTeX, one @misc entry per paper.
    """
    from loaders.export import export as write
    from loaders.lists import UserDataError, list_paper_ids
    from loaders.lists import list_name as stored_name
    from loaders.userdata import annotate

    if starred and list_name:
        raise Failure("give --starred or --list, not both")
    store = open_store(db_path)
    title = "Reading list"
    if starred:
        papers = store.papers(starred_only=True)
    elif list_name:
        with one_line(UserDataError):
            title = stored_name(store, list_name)
            papers = store.papers(list_paper_ids(store, title))
    else:
        papers = store.papers()
    papers = annotate(store, papers)
    if output is None:
        write(papers, format_, sys.stdout, title)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = write(papers, format_, out, title)
    except OSError as error:
        raise Failure(f"{output}: {error.strerror or error}") from None
    click.echo(f"{plural(count, 'paper')} written to {output}", err=True)


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@click.pass_obj
def star(db_path: Path, ids: tuple[str, ...]) -> None:
    """Star papers by id (or arXiv id)."""
    _set_starred(db_path, ids, starred=True)


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@click.pass_obj
def unstar(db_path: Path, ids: tuple[str, ...]) -> None:
    """Remove the star of papers by id (or arXiv id)."""
    _set_starred(db_path, ids, starred=False)


def _set_starred(db_path: Path, references: tuple[str, ...], starred: bool) -> None:
    store = open_store(db_path)
    ids = paper_ids(store, references)
    store.set_starred(ids, starred)
    click.echo(f"{plural(len(ids), 'paper')} {'starred' if starred else 'unstarred'}")


for command in (*cli_userdata.COMMANDS, *cli_fetch.COMMANDS):
    cli.add_command(command)


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


def main() -> None:
    """Entry point: the CLI, with an unexpected error shown as one line (PAPERSHELF_DEBUG=1: traceback)."""
    try:
        cli(standalone_mode=True)
    except Exception as error:
        if os.environ.get("PAPERSHELF_DEBUG"):
            raise
        click.echo(f"papershelf: internal error: {type(error).__name__}: {error}", err=True)
        click.echo("papershelf: run again with PAPERSHELF_DEBUG=1 to see where it happened", err=True)
        sys.exit(70)
