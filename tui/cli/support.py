"""What every `papershelf` command shares: one-line errors, opening the store, naming papers.

Nothing here imports the store or Textual at import time (see tests/test_cli.py).
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

if TYPE_CHECKING:
    from papershelf.loaders.store.database import Store


class GuardedStream:
    """A text stream (stdout, stderr) whose every write passes `sanitize.terminal_stream`: nothing a
    command prints, from whatever source, can act on the terminal."""

    def __init__(self, stream: IO[str]):
        self._stream = stream

    def write(self, text: str) -> int:
        from papershelf.loaders.sanitize import terminal_stream

        self._stream.write(terminal_stream(text))
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, isatty, fileno, encoding, …
        return getattr(self._stream, name)


def guard_output() -> None:
    """Send what commands print through `GuardedStream` (not the reader's: Textual draws with
    escape sequences of its own)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, GuardedStream):
            setattr(sys, name, GuardedStream(stream))


class Failure(click.ClickException):
    """A command that cannot do what was asked: shown as `papershelf: error: …`, exit 1."""

    def show(self, file: IO | None = None) -> None:
        from papershelf.loaders.sanitize import terminal

        click.echo(f"papershelf: error: {terminal(self.format_message())}", err=True, file=file)


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
    """The ids of the papers `references` name: ids, arXiv ids (`arXiv:` and a version allowed), or
    words of a title that name one paper. Failure, changing nothing, for a reference that names
    none, or several (those are listed on stderr with their ids, to pick one)."""
    ids: list[int] = []
    unknown: list[str] = []
    for reference in references:
        found, _ = store.find_ids([_arxiv_id(reference)])
        if not found and not reference.strip().isdigit():
            found = _title_matches(store, reference)
            if len(found) > 1:
                _list_papers(store, found)
                raise Failure(f"{len(found)} papers match {reference!r}: name one by its id; nothing changed")
        if found:
            ids.append(found[0])
        else:
            unknown.append(reference)
    if unknown:
        raise Failure(f"no paper with id {', '.join(unknown)}; nothing changed")
    return ids


TITLE_MATCHES_LISTED = 20


def _arxiv_id(reference: str) -> str:
    """`arXiv:2401.01234v2` as stored: 2401.01234."""
    reference = reference.strip()
    if reference.casefold().startswith("arxiv:"):
        reference = reference[len("arxiv:") :]
    return re.sub(r"^(\d{4}\.\d{4,5})v\d+$", r"\1", reference)


def _title_matches(store: Store, words: str) -> list[int]:
    """The papers whose title holds `words` (case and spacing aside): the whole title first."""
    from papershelf.loaders.text import title_key

    key = title_key(words)
    if not key:
        return []
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = store.conn.execute(
        "SELECT id, title_key = ? FROM papers WHERE title_key LIKE ? ESCAPE '\\' ORDER BY id",
        [key, pattern],
    ).fetchall()
    exact = [paper_id for paper_id, whole in rows if whole]
    return exact[:1] if len(exact) == 1 else [paper_id for paper_id, _ in rows]


def _list_papers(store: Store, ids: list[int]) -> None:
    from papershelf.loaders.sanitize import terminal

    for paper in store.papers(ids[:TITLE_MATCHES_LISTED]):
        click.echo(f"{paper.id:>8}  {terminal(paper.title)}", err=True)
    if len(ids) > TITLE_MATCHES_LISTED:
        click.echo(f"{'':>8}  … and {len(ids) - TITLE_MATCHES_LISTED:,} more", err=True)


# The version of the shape of every `--json` output; raised when a field changes meaning or goes.
SCHEMA_VERSION = 1

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document (with a schema_version) instead."
)


def print_json(document: dict, indent: int | None = None) -> None:
    """Print `document` as one JSON object, its `schema_version` first (`sanitize.json_text`)."""
    from papershelf.loaders.sanitize import json_text

    click.echo(json_text({"schema_version": SCHEMA_VERSION, **document}, indent=indent))


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
