"""`papershelf lists`, `list …`, `note`, `backup` and `restore`: the user's own data on the command line.

Every command changes nothing when its input is bad (an unknown list or paper, a file that is not a
backup): it says why in one line and exits 1.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

import click

from papershelf.loaders.sanitize import json_text, terminal, terminal_lines, terminal_name
from papershelf.loaders.text import plural
from papershelf.tui.cli.support import (
    Failure,
    complete_list_names,
    json_option,
    one_line,
    open_store,
    paper_ids,
    print_json,
)


@click.command("lists")
@json_option
@click.pass_obj
def lists_command(db_path: Path, as_json: bool) -> None:
    """Print every list with how many papers it holds: Starred first, then the others by name."""
    from papershelf.loaders.userdata.lists import list_names_with_counts

    found = list_names_with_counts(open_store(db_path))
    if as_json:
        print_json({"lists": [{"name": name, "papers": count} for name, count in found]})
        return
    for name, count in found:
        click.echo(f"{count:>6,}  {terminal(name)}")


@click.group("list")
def list_group() -> None:
    """Keep named lists of papers. "Starred" is the built-in list (`papershelf star` adds to it)."""


@list_group.command("add")
@click.argument("name", shell_complete=complete_list_names)
@click.argument("ids", nargs=-1, required=True)
@click.pass_obj
def list_add(db_path: Path, name: str, ids: tuple[str, ...]) -> None:
    """Add papers (ids, arXiv ids or title words) to the end of list NAME, creating the list when
    there is none of that name. Papers already in it keep their place."""
    from papershelf.loaders.userdata import lists

    store = open_store(db_path)
    wanted = paper_ids(store, ids)
    created = ""
    with one_line(lists.UserDataError), store.write():
        try:
            name = lists.list_name(store, name)
        except lists.UserDataError:
            name, created = lists.create_list(store, name), " (new list)"
        added = lists.add_to_list(store, name, wanted)
    click.echo(f"{plural(added, 'paper')} added to “{terminal(name)}”{created}")


@list_group.command("remove")
@click.argument("name", shell_complete=complete_list_names)
@click.argument("ids", nargs=-1, required=True)
@click.pass_obj
def list_remove(db_path: Path, name: str, ids: tuple[str, ...]) -> None:
    """Remove papers (ids, arXiv ids or title words) from list NAME; the papers stay in the store."""
    from papershelf.loaders.userdata import lists

    store = open_store(db_path)
    wanted = paper_ids(store, ids)
    with one_line(lists.UserDataError):
        name = lists.list_name(store, name)
        removed = lists.remove_from_list(store, name, wanted)
    click.echo(f"{plural(len(removed), 'paper')} removed from “{terminal(name)}”")


@list_group.command("show")
@click.argument("name", shell_complete=complete_list_names)
@json_option
@click.pass_obj
def list_show(db_path: Path, name: str, as_json: bool) -> None:
    """Print the papers of list NAME in its order: id, a tab, title."""
    from papershelf.loaders.userdata import lists

    store = open_store(db_path)
    with one_line(lists.UserDataError):
        name = lists.list_name(store, name)
        ids = lists.list_paper_ids(store, name)
    if as_json:
        fields = ("id", "citekey", "title", "arxiv_id", "link")
        papers = [{field: getattr(paper, field) for field in fields} for paper in store.papers(ids)]
        print_json({"list": name, "papers": papers})
        return
    for paper in store.papers(ids):
        click.echo(f"{paper.id}\t{terminal(paper.title)}")


@list_group.command("rename")
@click.argument("old", shell_complete=complete_list_names)
@click.argument("new")
@click.pass_obj
def list_rename(db_path: Path, old: str, new: str) -> None:
    """Rename list OLD to NEW (Starred cannot be renamed)."""
    from papershelf.loaders.userdata import lists

    store = open_store(db_path)
    with one_line(lists.UserDataError):
        old = lists.list_name(store, old)
        new = lists.rename_list(store, old, new)
    click.echo(f"“{terminal(old)}” renamed to “{terminal(new)}”")


@list_group.command("delete")
@click.argument("name", shell_complete=complete_list_names)
@click.option("-y", "--yes", is_flag=True, help="Do not ask first.")
@click.pass_obj
def list_delete(db_path: Path, name: str, yes: bool) -> None:
    """Delete list NAME (never its papers); asks first unless --yes. Starred cannot be deleted."""
    from papershelf.loaders.userdata import lists

    store = open_store(db_path)
    with one_line(lists.UserDataError):
        name = lists.list_name(store, name)
        count = len(lists.list_paper_ids(store, name))
        if name != lists.STARRED and not yes:
            question = f"Delete the list “{terminal(name)}” ({plural(count, 'paper')})?"
            click.confirm(question, abort=True, err=True)
        lists.delete_list(store, name)
    click.echo(f"list “{terminal(name)}” deleted")


@click.command()
@click.argument("paper")
@click.argument("text", required=False)
@click.option("--show", is_flag=True, help="Print the note (as giving no TEXT does).")
@click.option("--delete", is_flag=True, help="Delete the note.")
@click.pass_obj
def note(db_path: Path, paper: str, text: str | None, show: bool, delete: bool) -> None:
    """Print the note of PAPER (id, arXiv id or title words), or set it to TEXT; TEXT `-` reads it
    from stdin. Deleting a note takes --delete: empty text is refused, never taken as a deletion."""
    from papershelf.loaders import userdata

    store = open_store(db_path)
    (paper_id,) = paper_ids(store, (paper,))
    if delete:
        if text is not None:
            raise Failure("--delete takes no TEXT; nothing changed")
        with one_line(userdata.UserDataError):
            had = userdata.get_note(store, paper_id)
            userdata.set_note(store, paper_id, "")
        click.echo(f"note deleted from paper {paper_id}" if had else f"paper {paper_id} has no note")
        return
    if text is None or show:
        if body := userdata.get_note(store, paper_id):
            click.echo(terminal_lines(body))
        return
    if text == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise Failure(f"stdin: not UTF-8 text (byte 0x{error.object[error.start]:02X})") from None
    if not text.strip():
        raise Failure(f"empty note for paper {paper_id}: to delete its note, use --delete; nothing changed")
    with one_line(userdata.UserDataError):
        userdata.set_note(store, paper_id, text)
    click.echo(f"note saved for paper {paper_id}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_obj
def backup(db_path: Path, file: Path) -> None:
    """Write everything you own (lists in order, stars, notes, read state, with the papers they
    name) to FILE as one JSON document; `-` writes to stdout. `papershelf restore` reads it back."""
    from papershelf.loaders.userdata.backup import backup_document

    with one_line():
        document = backup_document(open_store(db_path))
    text = json_text(document, indent=1) + "\n"  # exact, and safe to `cat`
    if str(file) == "-":
        sys.stdout.write(text)
        return
    _write_atomically(file, text)
    counts = ", ".join(
        plural(len(document[key]), word)
        for key, word in (("lists", "list"), ("stars", "star"), ("notes", "note"), ("reads", "read mark"))
    )
    papers = plural(len(document["papers"]), "paper")
    click.echo(f"{counts} and {papers} written to {terminal_name(file)}", err=True)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_obj
def restore(db_path: Path, file: Path) -> None:
    """Bring a backup FILE into the store (fresh or not), merging by paper identity: arXiv id, else
    title. Missing papers are created; lists, stars, notes and read marks are added to what is there
    (of two notes on one paper, the later is kept). All or nothing."""
    from papershelf.loaders.userdata.backup import BackupError, read_backup
    from papershelf.loaders.userdata.backup import restore as restore_backup

    name = terminal_name(file)
    try:
        if str(file) != "-" and not stat.S_ISREG(os.stat(file).st_mode):
            raise Failure(f"{name}: not a regular file")  # a FIFO would hang the read
        raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
        text = raw.decode("utf-8")
    except OSError as error:
        raise Failure(f"{name}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise Failure(f"{name}: not a papershelf backup (not UTF-8 text)") from None
    try:
        parsed = read_backup(text)
    except BackupError as error:
        raise Failure(f"{name}: {error}") from None
    store = open_store(db_path)
    with one_line():
        report = restore_backup(store, parsed)
    click.echo(report.summary())


def _write_atomically(path: Path, text: str) -> None:
    """Write `path` whole or not at all: a half-written backup is worse than none."""
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as error:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise Failure(f"{terminal_name(path)}: {error.strerror or error}") from None


COMMANDS = (lists_command, list_group, note, backup, restore)
