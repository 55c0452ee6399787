"""Back up everything the user owns as one JSON document, and bring such a document into any store.

A backup holds the lists (in order), the stars, notes, read state and "not for me" marks with their
times, and the papers they refer to, each under a `ref` (its id in the store it came from).
Restoring merges by paper identity (arXiv id, else normalized title): papers the store lacks are
created, those it has are left as they are, and the user's data is added to what the store already
holds, all in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from papershelf.loaders import userdata
from papershelf.loaders.intake import FieldError, admit_note, admit_paper, admit_time
from papershelf.loaders.models import INTEGER_FIELDS, LIST_FIELDS, MERGED_FIELDS, Paper, paper_row
from papershelf.loaders.store.database import Store, now
from papershelf.loaders.text import plural, title_key
from papershelf.loaders.userdata import lists
from papershelf.loaders.userdata.lists import ListEntry, SavedList, UserDataError

FORMAT = "papershelf-backup"
VERSION = 1


class BackupError(ValueError):
    """A document that is not a papershelf backup, or a damaged one; the message is one line."""


@dataclass
class Backup:
    """A backup as read: papers by ref, and the user's data naming papers by ref."""

    papers: dict[int, Paper] = field(default_factory=dict)
    stars: list[ListEntry] = field(default_factory=list)
    lists: list[SavedList] = field(default_factory=list)
    notes: list[tuple[int, str, str]] = field(default_factory=list)  # ref, body, updated_at
    reads: list[tuple[int, str]] = field(default_factory=list)  # ref, read_at
    not_for_me: list[tuple[int, str]] = field(default_factory=list)  # ref, marked_at (discovery)


@dataclass
class RestoreReport:
    """What a restore added to the store."""

    papers_created: int = 0
    papers_matched: int = 0
    stars: int = 0
    lists: int = 0
    list_entries: int = 0
    notes: int = 0  # added, or replaced by a later one
    read_marks: int = 0
    not_for_me: int = 0

    def summary(self) -> str:
        parts = [
            plural(self.papers_created, "paper") + " created",
            f"{self.papers_matched:,} already stored",
            *(plural(getattr(self, name), *nouns) for name, nouns in _ADDED.items()),
        ]
        if self.not_for_me:  # named only when there are some: few people mark papers so
            parts.append(plural(self.not_for_me, "“not for me” mark"))
        return "restored: " + ", ".join(parts)


_ADDED = {
    "stars": ("star", "stars"),
    "lists": ("list", "lists"),
    "list_entries": ("list entry", "list entries"),
    "notes": ("note", "notes"),
    "read_marks": ("read mark", "read marks"),
}


# Writing ----------------------------------------------------------------------------------------


def backup_document(store: Store) -> dict[str, Any]:
    """Everything the user owns, as one JSON-ready document, read from one snapshot of the store."""
    with store.reading():
        saved = lists.saved_lists(store)
        sql = {
            "stars": "SELECT paper_id, starred_at FROM stars ORDER BY starred_at, paper_id",
            "notes": "SELECT paper_id, body, updated_at FROM notes ORDER BY paper_id",
            "reads": "SELECT paper_id, read_at FROM reads ORDER BY paper_id",
            "not_for_me": "SELECT paper_id, marked_at FROM not_for_me ORDER BY paper_id",
        }
        rows = {name: store.conn.execute(query).fetchall() for name, query in sql.items()}
        refs = {row[0] for found in rows.values() for row in found}
        refs.update(entry.paper_id for saved_list in saved for entry in saved_list.entries)
        papers = list(store.papers(sorted(refs)))
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now(),
        "papers": [_paper_record(paper) for paper in papers],
        "stars": [{"paper": ref, "starred_at": at} for ref, at in rows["stars"]],
        "lists": [_list_record(saved_list) for saved_list in saved],
        "notes": [{"paper": ref, "body": body, "updated_at": at} for ref, body, at in rows["notes"]],
        "reads": [{"paper": ref, "read_at": at} for ref, at in rows["reads"]],
        "not_for_me": [{"paper": ref, "marked_at": at} for ref, at in rows["not_for_me"]],
    }


def _paper_record(paper: Paper) -> dict[str, Any]:
    return {
        "ref": paper.id,
        "title_key": title_key(paper.title),
        **{name: getattr(paper, name) for name in MERGED_FIELDS},
    }


def _list_record(saved: SavedList) -> dict[str, Any]:
    papers = [{"paper": entry.paper_id, "added_at": entry.added_at} for entry in saved.entries]
    return {"name": saved.name, "created_at": saved.created_at, "papers": papers}


# Reading ----------------------------------------------------------------------------------------


def read_backup(text: str) -> Backup:
    """The backup `text` holds; BackupError saying what is wrong when it is not a sound one."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        reason = f"{error.msg}, line {error.lineno}"
        raise BackupError(f"not a papershelf backup: invalid JSON ({reason})") from None
    except RecursionError:
        raise BackupError("not a papershelf backup: JSON nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f'not a papershelf backup (no "format": "{FORMAT}")')
    version = document.get("version")
    if not _is_int(version) or version < 1:
        raise BackupError("not a papershelf backup: no version number")
    if version > VERSION:
        raise BackupError(f"this backup has format version {version}; this papershelf reads up to {VERSION}")
    backup = Backup()
    for n, record in enumerate(_items(document, "papers")):
        ref, paper = _read_paper(record, f"papers[{n}]")
        backup.papers[ref] = paper
    for n, record in enumerate(_items(document, "stars")):
        where = f"stars[{n}]"
        backup.stars.append(ListEntry(_ref(backup, record, where), 0, _time(record, "starred_at", where)))
    for n, record in enumerate(_items(document, "lists")):
        backup.lists.append(_read_list(backup, record, f"lists[{n}]"))
    for n, record in enumerate(_items(document, "notes")):
        where = f"notes[{n}]"
        body = _admitted(admit_note, _text(record, "body", where), where)
        note = (_ref(backup, record, where), body, _time(record, "updated_at", where))
        backup.notes.append(note)
    for n, record in enumerate(_items(document, "reads")):
        where = f"reads[{n}]"
        backup.reads.append((_ref(backup, record, where), _time(record, "read_at", where)))
    for n, record in enumerate(_items(document, "not_for_me")):
        where = f"not_for_me[{n}]"
        backup.not_for_me.append((_ref(backup, record, where), _time(record, "marked_at", where)))
    return backup


def _read_paper(record: dict, where: str) -> tuple[int, Paper]:
    ref = record.get("ref")
    if not _is_int(ref):
        raise BackupError(f"{where}.ref: expected a number")
    values: dict[str, Any] = {}
    for name in MERGED_FIELDS:
        value = record.get(name)
        if value is None and name not in ("title", "abstract"):
            values[name] = None
        elif (
            (name in INTEGER_FIELDS and _is_int(value))
            or (name in LIST_FIELDS and isinstance(value, list) and all(isinstance(v, str) for v in value))
            or (isinstance(value, str) and name not in INTEGER_FIELDS | LIST_FIELDS)
        ):
            values[name] = value
        else:
            raise BackupError(f"{where}.{name}: unexpected value {json.dumps(value)[:40]}")
    try:
        return ref, admit_paper(Paper(**values))
    except FieldError as error:
        raise BackupError(f"{where}.{error}") from None


def _read_list(backup: Backup, record: dict, where: str) -> SavedList:
    try:
        name = lists.valid_list_name(_text(record, "name", where))
    except UserDataError as error:
        raise BackupError(f"{where}.name: {error}") from None
    entries = []
    for n, item in enumerate(_items(record, "papers", where + "."), 1):
        at = f"{where}.papers[{n - 1}]"
        entries.append(ListEntry(_ref(backup, item, at), n, _time(item, "added_at", at)))
    return SavedList(name, _time(record, "created_at", where), entries)


def _items(container: dict, key: str, where: str = "") -> list[dict]:
    """`container[key]`: a list of objects (missing: empty)."""
    items = container.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BackupError(f"{where}{key}: expected a list of objects")
    return items


def _ref(backup: Backup, record: dict, where: str) -> int:
    ref = record.get("paper")
    if not _is_int(ref) or ref not in backup.papers:
        raise BackupError(f"{where}.paper: {json.dumps(ref)[:40]} is none of the backup's papers")
    return ref


def _text(record: dict, key: str, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise BackupError(f"{where}.{key}: expected text")
    return value


def _time(record: dict, key: str, where: str) -> str:
    return _admitted(admit_time, _text(record, key, where), f"{where}.{key}")


def _admitted(admit: Callable[[str], str], value: str, where: str) -> str:
    try:
        return admit(value)
    except FieldError as error:
        raise BackupError(f"{where}: {error}") from None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


# Restoring --------------------------------------------------------------------------------------


def restore(store: Store, backup: Backup) -> RestoreReport:
    """Bring `backup` into `store`, merging by paper identity, in one transaction."""
    report = RestoreReport()
    rows = [paper_row(n, paper) for n, paper in enumerate(backup.papers.values())]
    with store.write():
        found = store.identify(rows)
        report.papers_matched = sum(paper_id is not None for paper_id in found)
        missing = [row for row, paper_id in zip(rows, found, strict=True) if paper_id is None]
        counts = store.merge_rows(None, missing)
        report.papers_created = counts.new
        identified = zip(backup.papers, store.identify(rows), strict=True)
        ids = {ref: paper_id for ref, paper_id in identified if paper_id is not None}
        with _counting(store, report, "stars", "stars"):
            stars = [ListEntry(ids[entry.paper_id], 0, entry.added_at) for entry in backup.stars]
            lists.restore_to_list(store, lists.STARRED, stars)
        lists_counted = _counting(store, report, "lists", "lists")
        with lists_counted, _counting(store, report, "list_entries", "list_papers"):
            for saved in backup.lists:
                _restore_list(store, saved, ids)
        with _counting(store, report, "notes"):
            _restore_notes(store, backup.notes, ids)
        with _counting(store, report, "read_marks", "reads"):
            userdata.restore_reads(store, [(ids[ref], read_at) for ref, read_at in backup.reads])
        with _counting(store, report, "not_for_me", "not_for_me"):
            store.conn.executemany(
                "INSERT OR IGNORE INTO not_for_me (paper_id, marked_at) VALUES (?, ?)",
                [(ids[ref], at) for ref, at in backup.not_for_me],
            )
    return report


def _restore_list(store: Store, saved: SavedList, ids: dict[int, int]) -> None:
    """Create the list, or add the papers it lacks at its end."""
    entries: dict[int, ListEntry] = {}  # two backup papers may be one stored paper
    for entry in saved.entries:
        paper_id = ids[entry.paper_id]
        entries.setdefault(paper_id, ListEntry(paper_id, len(entries) + 1, entry.added_at))
    try:
        name = lists.list_name(store, saved.name)
    except UserDataError:
        lists.restore_list(store, SavedList(saved.name, saved.created_at, list(entries.values())))
    else:
        lists.add_to_list(store, name, entries)


@contextmanager
def _counting(store: Store, report: RestoreReport, what: str, table: str | None = None) -> Iterator[None]:
    """Count as `report.<what>` what the block adds: rows of `table`, else rows inserted or changed."""

    def count() -> int:
        if table is None:
            return store.conn.total_changes
        return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    before = count()
    yield
    setattr(report, what, count() - before)


def _restore_notes(store: Store, notes: list[tuple[int, str, str]], ids: dict[int, int]) -> None:
    """Notes the store lacks are added; of two notes on one paper the later one is kept."""
    store.conn.executemany(
        """INSERT INTO notes (paper_id, body, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (paper_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
           WHERE excluded.updated_at > notes.updated_at AND excluded.body != notes.body""",
        [(ids[ref], body, at) for ref, text, at in notes if (body := userdata.clean_note(text))],
    )
