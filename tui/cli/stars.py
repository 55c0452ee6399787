"""`papershelf star` and `papershelf unstar`."""

from __future__ import annotations

from pathlib import Path

import click

from papershelf.loaders.text import plural
from papershelf.tui.cli.support import one_line, open_store, paper_ids


@click.command()
@click.argument("ids", nargs=-1, required=True)
@click.pass_obj
def star(db_path: Path, ids: tuple[str, ...]) -> None:
    """Star papers by id, arXiv id, or words of a title that name one paper."""
    _set_starred(db_path, ids, starred=True)


@click.command()
@click.argument("ids", nargs=-1, required=True)
@click.pass_obj
def unstar(db_path: Path, ids: tuple[str, ...]) -> None:
    """Remove the star of papers by id, arXiv id, or words of a title that name one paper."""
    _set_starred(db_path, ids, starred=False)


def _set_starred(db_path: Path, references: tuple[str, ...], starred: bool) -> None:
    store = open_store(db_path)
    with one_line():  # a locked, read-only or full store: one line
        ids = paper_ids(store, references)
        store.set_starred(ids, starred)
    click.echo(f"{plural(len(ids), 'paper')} {'starred' if starred else 'unstarred'}")


COMMANDS = (star, unstar)
