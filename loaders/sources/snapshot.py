"""Read the arXiv metadata snapshot: one JSON object per line, plain or gzip, bzip2, zstd or zip.

The snapshot is the file arXiv publishes of every paper's metadata (`id`, `title`, `abstract`,
`authors_parsed`, `categories`, `versions`, `update_date`, …). It is recognised by its content, not
its name, and read a chunk at a time, so memory stays flat whatever its size. A line that is not a
paper is reported by number and skipped; a last line cut short, or compressed data that ends early,
is reported too. Pure: a file in, papers out.
"""

from __future__ import annotations

import bz2
import datetime
import gzip
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import msgspec

from papershelf.loaders.models import Paper
from papershelf.loaders.sources.reading import InputError
from papershelf.loaders.sources.reading import _open_binary as open_binary
from papershelf.loaders.sources.spaced import MONTHS
from papershelf.loaders.text import clean_text

SHAPE = "arxiv-snapshot"
CHUNK = 1 << 18  # compressed data cut short loses the chunk it ends in
MAX_LINE = 16 << 20  # the longest real record is a few hundred kilobytes
SNIFF_BYTES = 1 << 16
_COMPRESSIONS = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
)
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}")
_MONTH_NUMBERS = {name: n for n, name in enumerate(MONTHS, 1)}
# What in a JSON line can decode to a control character (or U+FFFD): a \u escape of one, \b, or
# the raw UTF-8 of a C1 control or of U+FFFD. A line without any needs only its whitespace collapsed,
# which is most of the cost saved on a million records. (An escaped backslash before a "b" matches
# too: such a line merely takes the careful path.)
_MAY_HOLD_CONTROLS = re.compile(rb"\\(?:u00[0-9a-fA-F]{2}|u[fF]{2}[fF][dD]|b)|\xc2[\x80-\x9f]|\xef\xbf\xbd")


@dataclass(frozen=True)
class BadLine:
    """A line that is not a paper: its number and why."""

    number: int
    reason: str
    last: bool = False  # the file's last line, without its line end: the file is cut short


class Filtered:
    """A paper that the filters leave out (one shared instance, `FILTERED`)."""


FILTERED = Filtered()
Entry = Union[Paper, BadLine, Filtered, "FromLine", "Unchanged"]  # FromLine, Unchanged: see read_snapshot


@dataclass(frozen=True)
class Wanted:
    """Which papers to keep: of these categories (a name ending in "." or an archive name such as
    `cs` is a prefix), first published on or after `since` (ISO date). Empty keeps everything."""

    categories: tuple[str, ...] = ()
    since: str | None = None

    @classmethod
    def parse(cls, categories: str | None, since: str | None) -> Wanted:
        """From the command line's `--category cs.CL,cs.` and `--since 2024-01-01`; ValueError."""
        names = tuple(n.strip() for n in (categories or "").split(",") if n.strip())
        if since is not None:
            since = _iso_date(since)
            if since is None:
                raise ValueError("--since expects a date as YYYY-MM-DD")
        return cls(names, since)

    def __bool__(self) -> bool:
        return bool(self.categories or self.since)

    def keeps(self, paper: Paper) -> bool:
        if self.since and not (paper.published and paper.published >= self.since):
            return False
        if not self.categories:
            return True
        return any(_in_category(c, name) for c in paper.categories or () for name in self.categories)


def _in_category(category: str, wanted: str) -> bool:
    if wanted.endswith("."):
        return category.startswith(wanted)
    return category == wanted or category.startswith(wanted + ".")


def compression_of(head: bytes) -> str | None:
    return next((name for magic, name in _COMPRESSIONS if head.startswith(magic)), None)


def is_snapshot(path: Path) -> bool:
    """Whether `path` holds JSON lines of arXiv records (compressed or not); InputError when it is
    compressed but holds something else, or cannot be opened."""
    with _decompressed(path) as (stream, _raw, compression):
        try:
            head = stream.read(SNIFF_BYTES)
        except Exception as error:  # whatever a decompressor raises, the data is damaged
            raise InputError(f"a damaged {compression} file ({_reason(error)})") from None
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    looks = head.startswith(b"{") and any(_record_like(line) for line in head.split(b"\n")[:20])
    if not looks and compression:
        raise InputError(f"a {compression} file that is not an arXiv metadata snapshot (JSON lines)")
    return looks


def _record_like(line: bytes) -> bool:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and "id" in value and ("title" in value or "abstract" in value)


class _Version(msgspec.Struct):
    created: str | None = None  # "Mon, 2 Apr 2007 19:18:42 GMT"


class Record(msgspec.Struct):
    """What papershelf keeps of a snapshot record, as decoded: the other fields are skipped unread."""

    id: str | None = None
    title: str | None = None
    abstract: str | None = None
    authors: str | None = None
    authors_parsed: list[list[str]] | None = None
    categories: str | None = None
    comments: str | None = None
    doi: str | None = None
    journal_ref: str | None = msgspec.field(default=None, name="journal-ref")
    update_date: str | None = None
    versions: list[_Version] | None = None


# A third of the cost of the standard library's json.loads, with the types checked while decoding.
_DECODE = msgspec.json.Decoder(Record).decode
_TEXT_FIELDS = tuple(
    (f.name, f.encode_name)
    for f in msgspec.structs.fields(Record)
    if f.name not in ("authors_parsed", "versions")
)


@dataclass(frozen=True, slots=True)
class FromLine:
    """A paper and the digest of the line it was read from (`store.digests`)."""

    paper: Paper
    digest: bytes


class Unchanged:
    """A line its source gave before as it is (one shared instance, `UNCHANGED`): not read again."""


UNCHANGED = Unchanged()
# The arXiv id a line starts with, as arXiv writes it, read without decoding the line.
_LINE_ID = re.compile(rb'\s*\{\s*"id"\s*:\s*"([^"\\]{1,64})"')
LOOKUP_LINES = 500
# Change it whenever a line gives another paper (a field read, cleaned or merged otherwise): the
# lines a store knows by their digests (`store.digests`) are then read again, once.
PARSER_VERSION = b"snapshot-1"
KnownPairs = Callable[[list[tuple[str, bytes]]], set[tuple[str, bytes]]]


def read_snapshot(
    path: Path,
    wanted: Wanted | None = None,
    on_position: Callable[[int], None] | None = None,
    unchanged: KnownPairs | None = None,
    digested: bool = False,
) -> Iterator[Entry]:
    """The papers of a snapshot file in order, with its bad lines and the papers `wanted` leaves out.

    `on_position` is told, now and then, how many bytes of the file (compressed) have been read.
    `unchanged` tells which (arXiv id, line digest) pairs its source gave before: those lines are
    UNCHANGED, not decoded. `digested` yields each paper as a FromLine.
    """
    wanted = wanted or Wanted()
    items = _lines(path, on_position)
    for item in _without_known(items, unchanged) if unchanged else items:
        if isinstance(item, (BadLine, Unchanged)):
            yield item
            continue
        number, line, last = item
        try:
            record: Record | BadLine = _DECODE(line)
        except msgspec.DecodeError:  # not JSON, or a field of another type: the careful path says which
            record = _decode_carefully(number, line, last)
        if isinstance(record, BadLine):
            yield record
            continue
        paper = _paper(record, clean_text if _MAY_HOLD_CONTROLS.search(line) else _collapse)
        if paper is None:
            yield BadLine(number, "no arXiv id or title")
        elif wanted and not wanted.keeps(paper):
            yield FILTERED
        else:
            yield FromLine(paper, line_digest(line)) if digested else paper


def line_digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=16, person=PARSER_VERSION).digest()


def _without_known(
    items: Iterator[tuple[int, bytes, bool] | BadLine], unchanged: KnownPairs
) -> Iterator[tuple[int, bytes, bool] | BadLine | Unchanged]:
    """`items` with the lines `unchanged` knows as UNCHANGED, asked LOOKUP_LINES lines at a time."""
    group: list[tuple[int, bytes, bool] | BadLine] = []
    for item in items:
        group.append(item)
        if len(group) == LOOKUP_LINES:
            yield from _known_in(group, unchanged)
            group = []
    yield from _known_in(group, unchanged)


def _known_in(
    group: list[tuple[int, bytes, bool] | BadLine], unchanged: KnownPairs
) -> Iterator[tuple[int, bytes, bool] | BadLine | Unchanged]:
    pairs: dict[int, tuple[str, bytes]] = {}
    for n, item in enumerate(group):
        if not isinstance(item, BadLine) and (match := _LINE_ID.match(item[1])):
            pairs[n] = (match[1].decode("utf-8", "replace"), line_digest(item[1]))
    known = unchanged(list(pairs.values())) if pairs else set()
    for n, item in enumerate(group):
        yield UNCHANGED if pairs.get(n) in known else item


def _decode_carefully(number: int, line: bytes, last: bool) -> Record | BadLine:
    """The line's record with the fields of an unexpected type left out, or why it is none."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError) as error:
        return BadLine(number, "it ends inside its JSON" if last else _json_reason(error), last)
    if not isinstance(value, dict):
        return BadLine(number, "not a JSON object")
    return record_of(value)


def _json_reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON ({error.msg} at column {error.colno})"
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8"
    return "not JSON"


def record_of(value: dict[str, Any]) -> Record:
    """A decoded JSON object as a Record: a field of another type is left out, and so is an author
    of `authors_parsed` that is not a list of names."""
    fields: dict[str, Any] = {}
    for name, key in _TEXT_FIELDS:
        if isinstance(text := value.get(key), str):
            fields[name] = text
    parsed = value.get("authors_parsed")
    if isinstance(parsed, list):
        fields["authors_parsed"] = [
            parts for parts in parsed if type(parts) is list and all(type(p) is str for p in parts)
        ]
    versions = value.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        created = versions[0].get("created")
        fields["versions"] = [_Version(created if isinstance(created, str) else None)]
    return Record(**fields)


def paper_from_record(record: dict[str, Any], clean: Callable[[str], str] = clean_text) -> Paper | None:
    """A paper from one snapshot record (a decoded JSON object); None without a valid arXiv id and a title."""
    return _paper(record_of(record), clean)


def _paper(record: Record, clean: Callable[[str], str]) -> Paper | None:
    """A paper from one record; None without a valid arXiv id and a title.

    Whitespace (newlines, indentation) is collapsed and the TeX kept as it is, as page copies show it.
    `clean` makes text safe; `_collapse` only where the record surely holds no control character.
    """
    arxiv_id = _text(record.id, clean)
    title = _text(record.title, clean)
    if not (arxiv_id and title and _ARXIV_ID.fullmatch(arxiv_id)):
        return None
    authors = _authors(record.authors_parsed, clean) or _authors_text(record.authors, clean)
    categories = (_text(record.categories, clean) or "").split()
    published = _first_version_date(record.versions)
    return Paper(
        title=title,
        abstract=_text(record.abstract, clean) or "",
        authors_count=len(authors) or None,
        published=published,
        published_text=_shown(published),
        arxiv_id=arxiv_id,
        authors=authors or None,
        categories=list(dict.fromkeys(categories)) or None,
        doi=_text(record.doi, clean),
        comment=_text(record.comments, clean),
        journal_ref=_text(record.journal_ref, clean),
        updated=_iso_date(record.update_date),
    )


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _text(value: str | None, clean: Callable[[str], str]) -> str | None:
    return (clean(value) or None) if value is not None else None


def _authors(parsed: list[list[str]] | None, clean: Callable[[str], str]) -> list[str]:
    """Names in order from `authors_parsed`: [["Last", "First", "Suffix"], …] → "First Last Suffix"."""
    names = []
    for parts in parsed or ():
        if 1 <= len(parts) <= 3:
            last, first, suffix = (*parts, "", "")[:3]
            if name := clean(f"{first} {last} {suffix}"):
                names.append(name)
    return names


def _authors_text(value: str | None, clean: Callable[[str], str]) -> list[str]:
    """Names from the `authors` text ("A. One, B. Two and C. Three") when it is all there is."""
    text = _text(value, clean)
    if not text:
        return []
    return [name.strip() for name in re.split(r",\s*|\s+and\s+", text) if name.strip()]


def _first_version_date(versions: list[_Version] | None) -> str | None:
    """The ISO date of the first version: `[{"version": "v1", "created": "Mon, 2 Apr 2007 …"}]`."""
    created = versions[0].created if versions else None
    if created is None:
        return None
    parts = created.replace(",", " ").split()  # ["Mon", "2", "Apr", "2007", "19:18:42", "GMT"]
    if len(parts) < 4 or parts[2] not in _MONTH_NUMBERS:
        return None
    if not (parts[1].isdecimal() and parts[3].isdecimal()):  # isdigit() holds "²", which int() refuses
        return None
    return _iso_date(f"{parts[3]}-{_MONTH_NUMBERS[parts[2]]:02d}-{int(parts[1]):02d}")


def _iso_date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def _shown(iso_date: str | None) -> str | None:
    if iso_date is None:
        return None
    year, month, day = iso_date.split("-")
    return f"{MONTHS[int(month) - 1]} {int(day)}, {year}"


# Reading ------------------------------------------------------------------------------------------


def _lines(
    path: Path, on_position: Callable[[int], None] | None
) -> Iterator[tuple[int, bytes, bool] | BadLine]:
    """(number, line, is it an unterminated last line) for every non-blank line of the file; a
    BadLine last when compressed data ends early or is damaged (the lines before it stand)."""
    number = 0
    rest = b""
    with _decompressed(path) as (stream, raw, compression):
        while True:
            try:
                chunk = stream.read(CHUNK)
            except Exception as error:  # whatever a decompressor raises, the data is damaged
                if rest.strip():
                    yield number + 1, rest, True
                reason = f"the {compression} data ends early or is damaged ({_reason(error)})"
                yield BadLine(number + 1, reason, True)
                return
            if not chunk:
                break
            if number == 0 and not rest:
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            if len(rest) > MAX_LINE:
                raise InputError(
                    f"line {number + len(lines) + 1:,} is over {MAX_LINE >> 20} MB: not JSON lines"
                )
            for line in lines:
                number += 1
                if line.strip():
                    yield number, line, False
            if on_position:
                on_position(raw.tell())
    if rest.strip():
        yield number + 1, rest, True


def _reason(error: Exception) -> str:
    return clean_text(str(error))[:100] or type(error).__name__


@contextmanager
def _decompressed(path: Path) -> Iterator[tuple[io.BufferedIOBase, io.BufferedReader, str | None]]:
    """The file's content as a binary stream, its raw file (for the position) and its compression."""
    with ExitStack() as stack:
        raw = stack.enter_context(open_binary(path))
        compression = compression_of(raw.read(4))
        raw.seek(0)
        stream: Any = raw
        try:
            if compression == "gzip":
                stream = gzip.GzipFile(fileobj=raw)
            elif compression == "bzip2":
                stream = bz2.BZ2File(raw)
            elif compression == "zstd":
                import zstandard

                stream = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
            elif compression == "zip":
                stream = _zip_member(stack.enter_context(zipfile.ZipFile(raw)))
        except (OSError, zipfile.BadZipFile, EOFError) as error:
            raise InputError(f"a damaged {compression} file ({error})") from None
        yield stack.enter_context(stream) if stream is not raw else raw, raw, compression


def _zip_member(archive: zipfile.ZipFile) -> io.BufferedIOBase:
    """The archive's JSON file: its only file, or its one file named *.json or *.jsonl."""
    files = [info for info in archive.infolist() if not info.is_dir()]
    json_files = [info for info in files if info.filename.lower().endswith((".json", ".jsonl"))]
    chosen = files if len(files) == 1 else json_files
    if len(chosen) != 1:
        raise InputError(f"a zip archive of {len(files):,} files, not one JSON-lines file")
    return archive.open(chosen[0])  # type: ignore[return-value]
