"""What every `papershelf` command shares: one-line errors, opening the store, naming papers.

Nothing here imports the store or Textual at import time (see tests/test_cli.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

if TYPE_CHECKING:
    from papershelf.loaders.store.database import Store


class Failure(click.ClickException):
    """A command that cannot do what was asked: shown as `papershelf: error: …`, exit 1."""

    def show(self, file: IO | None = None) -> None:
        click.echo(f"papershelf: error: {self.format_message()}", err=True, file=file)


class StoreError(Failure):
    """A store that cannot be opened or written."""


def open_store(db_path: Path) -> Store:
    """The store at `db_path`, created if needed; StoreError (one line) when it cannot be opened."""
    from papershelf.loaders.store.database import Store

    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        return Store(db_path)
    except (sqlite3.Error, OSError) as error:
        raise StoreError(f"cannot open the store {db_path}: {error}") from None


@contextmanager
def one_line(*errors: type[Exception]) -> Iterator[None]:
    """Turn `errors` (whose messages are one line) and store errors into a Failure."""
    try:
        yield
    except errors as error:
        raise Failure(str(error)) from None
    except sqlite3.Error as error:
        raise StoreError(f"the store: {error}") from None


def paper_ids(store: Store, references: tuple[str, ...]) -> list[int]:
    """The ids of the papers `references` (ids or arXiv ids) name; Failure naming those that name none."""
    ids, unknown = store.find_ids(references)
    if unknown:
        raise Failure(f"no paper with id {', '.join(unknown)}; nothing changed")
    return ids


def complete_list_names(
    context: click.Context, parameter: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of a list's name: the lists of the store that `--db` (or the default) names.

    Completion must never fail loudly, so a store that cannot be read completes nothing.
    """
    from papershelf.loaders.paths import default_db_path
    from papershelf.loaders.store.database import Store
    from papershelf.loaders.userdata.lists import list_names_with_counts

    root = context.find_root()
    db_path = root.params.get("db") or default_db_path()
    if not Path(db_path).exists():
        return []
    try:
        with Store(db_path) as store:
            names = [name for name, _count in list_names_with_counts(store)]
    except (sqlite3.Error, OSError):
        return []
    folded = incomplete.casefold()
    return [CompletionItem(name) for name in names if name.casefold().startswith(folded)]
