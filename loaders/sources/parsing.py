"""Parse an input file into batches of store rows, in this process or, for a large file, in a child.

Parsing is Python and holds the GIL; writing to SQLite is mostly C. On a large file a child process
parses the next batches while this one writes (measured on 50,000 papers: parsing took as long as
inserting them).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from papershelf.loaders.intake import FieldError, admit_paper, clean
from papershelf.loaders.models import Paper, Skipped, paper_row
from papershelf.loaders.sources import snapshot
from papershelf.loaders.sources.page import parse_page
from papershelf.loaders.sources.reading import InputError, open_text, read_lines
from papershelf.loaders.sources.snapshot import BadLine, Filtered, FromLine, Unchanged, Wanted
from papershelf.loaders.store.digests import KnownLines, LineLookup

BATCH = 1000
CHILD_MIN_BYTES = 8 << 20
BAD_LINES_KEPT = 5  # per batch: the first few are reported by number, the rest counted


@dataclass
class Batch:
    rows: list[tuple] = field(default_factory=list)  # see models.paper_row
    skipped: list[Skipped] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)  # the first BAD_LINES_KEPT of them
    bad_count: int = 0
    filtered: int = 0  # papers the filters (`Wanted`) left out
    digests: list[bytes] = field(default_factory=list)  # of the rows' lines, when they have lines
    unchanged: int = 0  # lines the source gave before as they are (`store.digests`): no rows


@dataclass
class ParsedFile:
    shape: str
    listing_date: str | None
    has_header: bool
    batches: Iterator[Batch]


def parse_file(
    path: Path,
    on_position: Callable[[int], None] | None = None,
    wanted: Wanted | None = None,
    known: KnownLines | None = None,
) -> ParsedFile:
    """Parse `path`, in a child process when it is large; InputError when it cannot be read.

    `wanted` filters an arXiv metadata snapshot while it is read (page copies have no categories);
    `known` is where to ask which of its lines were loaded before, unchanged (when nothing filters).
    """
    try:
        large = path.stat().st_size >= CHILD_MIN_BYTES
    except OSError:
        large = False
    if large:
        return _parse_in_child(path, on_position, wanted, known)
    return parse_here(path, on_position, wanted, known)


def parse_here(
    path: Path,
    on_position: Callable[[int], None] | None = None,
    wanted: Wanted | None = None,
    known: KnownLines | None = None,
) -> ParsedFile:
    if snapshot.is_snapshot(path):
        lookup = known.open() if known and not wanted else None
        entries = snapshot.read_snapshot(
            path, wanted, on_position, lookup.unchanged if lookup else None, digested=True
        )
        return ParsedFile(snapshot.SHAPE, None, True, _closing(_batches(entries), lookup))
    page = parse_page(read_lines(open_text(path), on_position))
    return ParsedFile(page.shape, page.listing_date, page.has_header, _batches(page.entries))


def _closing(batches: Iterator[Batch], lookup: LineLookup | None) -> Iterator[Batch]:
    try:
        yield from batches
    finally:
        if lookup is not None:
            lookup.close()


def _batches(
    entries: Iterator[Paper | Skipped | BadLine | Filtered | FromLine | Unchanged],
) -> Iterator[Batch]:
    batch = Batch()
    position = 0
    for entry in entries:
        if isinstance(entry, Unchanged):
            batch.unchanged += 1
            position += 1
            continue
        digest = None
        if isinstance(entry, FromLine):
            digest = entry.digest
            entry = entry.paper
        if isinstance(entry, Paper):
            try:
                entry = admit_paper(entry)
            except FieldError as error:
                entry = Skipped(clean(entry.title[:200]), str(error))
        if not isinstance(entry, Paper):
            _note(batch, entry)
            continue
        batch.rows.append(paper_row(position, entry))
        if digest is not None:
            batch.digests.append(digest)
        position += 1
        if len(batch.rows) + batch.unchanged >= BATCH:
            yield batch
            batch = Batch()
    if batch.rows or batch.skipped or batch.bad_count or batch.filtered or batch.unchanged:
        yield batch


def _note(batch: Batch, entry: Skipped | BadLine | Filtered) -> None:
    if isinstance(entry, Filtered):
        batch.filtered += 1
    elif isinstance(entry, BadLine):
        batch.bad_count += 1
        if len(batch.bad_lines) < BAD_LINES_KEPT or entry.last:
            batch.bad_lines.append(entry)
    else:
        batch.skipped.append(entry)


# The child process -------------------------------------------------------------------------------


def _parse_in_child(
    path: Path, on_position: Callable[[int], None] | None, wanted: Wanted | None, known: KnownLines | None
) -> ParsedFile:
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded process (the app)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main, args=(path, sender, wanted, known), name="papershelf-parser", daemon=True
    )
    child.start()
    sender.close()
    try:
        header = _receive(receiver, on_position)
    except BaseException:
        _stop(child)
        raise
    shape, listing_date, has_header = header
    return ParsedFile(shape, listing_date, has_header, _child_batches(child, receiver, on_position))


def _child_batches(
    child: BaseProcess, receiver: Connection, on_position: Callable[[int], None] | None
) -> Iterator[Batch]:
    try:
        while (batch := _receive(receiver, on_position)) is not None:
            yield batch
    finally:
        _stop(child)


def _receive(receiver: Connection, on_position: Callable[[int], None] | None):
    """The next header or batch from the child; None when it is done."""
    while True:
        try:
            kind, payload = receiver.recv()
        except EOFError:
            raise RuntimeError("the parser process stopped unexpectedly") from None
        if kind == "position":
            if on_position:
                on_position(payload)
        elif kind == "error":
            raise InputError(payload)
        elif kind == "crash":
            raise RuntimeError(f"the parser process failed: {payload}")
        else:
            return payload


def _stop(child: BaseProcess) -> None:
    if child.is_alive():
        child.terminate()
    child.join()


def _child_main(
    path: Path, sender: Connection, wanted: Wanted | None = None, known: KnownLines | None = None
) -> None:
    try:
        parsed = parse_here(path, lambda position: sender.send(("position", position)), wanted, known)
        sender.send(("header", (parsed.shape, parsed.listing_date, parsed.has_header)))
        for batch in parsed.batches:
            sender.send(("batch", batch))
        sender.send(("done", None))
    except InputError as error:
        sender.send(("error", str(error)))
    except KeyboardInterrupt:
        pass
    except Exception as error:  # reported by the parent, which owns the terminal
        sender.send(("crash", f"{type(error).__name__}: {error}"))
