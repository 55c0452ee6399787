"""Export a view: which papers (all, Starred, a named list, or the ids the reader shows), annotated
with the user's data, written in a format to a stream or a file. The command line and the reader
both export through here, so that the same view gives the same output wherever it is asked for.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from papershelf.loaders.export.formats import FOLDER_FORMATS, FORMATS, export
from papershelf.loaders.models import Paper
from papershelf.loaders.sanitize import exportable
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import annotate
from papershelf.loaders.userdata.lists import STARRED, list_name, list_paper_ids

ALL_TITLE = "All papers"
STDOUT = "-"

# The format a file's suffix asks for, as the reader and `export -o` read it.
SUFFIX_FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".bib": "bibtex",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".ris": "ris",
    ".csl.json": "csljson",
    ".csljson": "csljson",
}


@dataclass(frozen=True)
class View:
    """Which papers to export, in which order, and the title a Markdown reading list gets.

    `list` names a list (Starred included), `ids` are the papers in the order shown; neither: all
    papers in id order. Build one with `all_papers`, `starred`, `named` or `shown`.
    """

    list: str | None = None
    ids: tuple[int, ...] | None = None
    title: str = ALL_TITLE

    @classmethod
    def all_papers(cls) -> View:
        return cls()

    @classmethod
    def starred(cls) -> View:
        return cls(list=STARRED, title=STARRED)

    @classmethod
    def named(cls, name: str) -> View:
        """The list called `name` (any case; resolved against the store when exported)."""
        return cls(list=name, title=name)

    @classmethod
    def shown(cls, ids: Sequence[int], title: str) -> View:
        """Exactly these papers in this order: what the reader shows, sorted and filtered."""
        return cls(ids=tuple(ids), title=title)


def view_papers(store: Store, view: View) -> tuple[str, Iterator[Paper]]:
    """The view's title as stored and its papers with their notes, lists and read state.

    UserDataError (one line) when the view names a list the store has not.
    """
    title = view.title
    if view.ids is not None:
        papers = store.papers(view.ids)
    elif view.list is not None:
        title = list_name(store, view.list)
        papers = store.papers(list_paper_ids(store, title))
    else:
        papers = store.papers()
    return title, annotate(store, papers)


def export_view(store: Store, view: View, format: str, out: TextIO) -> int:
    """Write the view's papers to `out` in `format` (one of FORMATS); return how many were written."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; one of {', '.join(FORMATS)}")
    title, papers = view_papers(store, view)
    return export(papers, format, out, title, added_days(store, format))


def export_view_to(store: Store, view: View, format: str, target: Path | str) -> int:
    """Write the view to the file `target` (`-`: standard output), or for a folder format to the
    folder `target`; return how many papers were written.

    The file is written only once the view is known to exist, so that a mistyped list name leaves no
    empty file behind. OSError when the file cannot be written.
    """
    if format in FOLDER_FORMATS:
        return export_view_to_folder(store, view, Path(target))
    if str(target) == STDOUT:
        return export_view(store, view, format, sys.stdout)
    title, papers = view_papers(store, view)
    with atomic_file(Path(target)) as out:
        return export(papers, format, out, title, added_days(store, format))


def added_days(store: Store, format: str = "bibtex") -> dict[int, str] | None:
    """When each paper was first stored, for the formats that use it (BibTeX dates what no source
    dated by it)."""
    if format != "bibtex":
        return None
    return dict(store.conn.execute("SELECT id, added_at FROM papers WHERE added_at IS NOT NULL"))


def export_view_to_folder(store: Store, view: View, folder: Path) -> int:
    """One Obsidian note per paper of the view in `folder` (see `export.obsidian`); how many."""
    from papershelf.loaders.export.obsidian import write_notes

    if str(folder) == STDOUT:
        raise ValueError("obsidian notes go to a folder: give -o FOLDER")
    _title, papers = view_papers(store, view)
    added = dict(store.conn.execute("SELECT id, added_at FROM papers"))
    return write_notes(map(exportable, papers), folder, added)


@contextmanager
def atomic_file(target: Path) -> Iterator[TextIO]:
    """A text file that becomes `target` only once written whole: a failure (a full disk, Ctrl-C)
    leaves `target` as it was, and no partial file beside it."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            yield out
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def format_for(target: Path | str | None, default: str = "jsonl") -> str:
    """The format the suffix of `target` asks for (`x.bib`: bibtex), else `default`."""
    if target is None or str(target) == STDOUT:
        return default
    name = Path(target).name.lower()
    suffixes = sorted(SUFFIX_FORMATS, key=len, reverse=True)
    return next((SUFFIX_FORMATS[s] for s in suffixes if name.endswith(s) and name != s), default)
