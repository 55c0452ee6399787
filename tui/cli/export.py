"""`papershelf export`: the papers, a list or the starred ones, in a format other tools read."""

from __future__ import annotations

from pathlib import Path

import click

from papershelf.loaders.export.formats import FOLDER_FORMATS, FORMATS
from papershelf.loaders.sanitize import terminal_name
from papershelf.loaders.text import plural
from papershelf.tui.cli.support import Failure, complete_list_names, one_line, open_store


@click.command()
@click.option("--starred", is_flag=True, help="Only the starred papers (as --list Starred).")
@click.option(
    "--list",
    "list_name",
    metavar="NAME",
    shell_complete=complete_list_names,
    help="Only the papers of this list, in its order.",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice((*FORMATS, *FOLDER_FORMATS)),
    help="Default: from the suffix of -o (.md .bib .json .jsonl .csv .ris .csl.json), else jsonl. "
    "obsidian: one note per paper in the folder -o.",
)
@click.option("-o", "--output", metavar="FILE", help="File to write; - or none: standard output.")
@click.pass_obj
def export(
    db_path: Path, starred: bool, list_name: str | None, format_: str | None, output: str | None
) -> None:
    """Write the papers out, one record per paper, with the user's lists, note and read state.

    Markdown is a reading list (titled with the list's name); bibtex, csljson and ris are for
    reference managers (Zotero, pandoc, Quarto, biblatex), keyed by each paper's citation key;
    ids, one arXiv id or DOI a line (Zotero's "Add item by identifier").
    """
    from papershelf.loaders.export.view import STDOUT, View, export_view_to, format_for
    from papershelf.loaders.userdata.lists import UserDataError

    if starred and list_name:
        raise Failure("give --starred or --list, not both")
    view = View.starred() if starred else View.named(list_name) if list_name else View.all_papers()
    store = open_store(db_path)
    target = output or STDOUT
    format_ = format_ or format_for(target)
    if format_ in FOLDER_FORMATS and target == STDOUT:
        raise Failure(f"--format {format_} writes a folder of notes: give -o FOLDER")
    try:
        with one_line(UserDataError):
            count = export_view_to(store, view, format_, target)
    except OSError as error:
        raise Failure(f"{terminal_name(output)}: {error.strerror or error}") from None
    if target != STDOUT:
        click.echo(f"{plural(count, 'paper')} written to {terminal_name(output)}", err=True)


COMMANDS = (export,)
