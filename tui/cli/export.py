"""`papershelf export`: the papers, a list or the starred ones, in a format other tools read."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from papershelf.loaders.text import plural
from papershelf.tui.cli.support import Failure, one_line, open_store


@click.command()
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
    from papershelf.loaders.export.formats import export as write
    from papershelf.loaders.userdata import annotate
    from papershelf.loaders.userdata.lists import UserDataError, list_paper_ids
    from papershelf.loaders.userdata.lists import list_name as stored_name

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


COMMANDS = (export,)
