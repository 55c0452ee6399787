"""Open an input file as a stream of text lines, deciding its encoding only when it is certain."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from papershelf.loaders.text import strip_controls

CHUNK = 1 << 20
MAX_LINE = 1_000_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A file that is not UTF-8 is read as Windows-1252 only when every non-ASCII byte in it means the
# same character in all the Windows code pages: smart quotes, dashes, bullets, ©, °, « » and the
# like. Any other byte (an accented letter, say) could belong to several of them: the file is refused.
_WINDOWS_CODE_PAGES = (
    "cp1250",
    "cp1251",
    "cp1252",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
)


def _same_in_every_code_page(byte: int) -> bool:
    try:
        return len({bytes([byte]).decode(code_page) for code_page in _WINDOWS_CODE_PAGES}) == 1
    except UnicodeDecodeError:
        return False


_UNAMBIGUOUS_WINDOWS_BYTES = frozenset(filter(_same_in_every_code_page, range(0x80, 0x100)))
_ASCII = bytes(range(0x80))
# Line ends are not among them: universal newline mode turns CR and CRLF into LF.
_C0_CONTROL_BYTES = bytes(b for b in (*range(0x20), 0x7F) if b not in (0x0A, 0x0D))
_C1_CONTROL_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")  # a chunk may cut one in two: see _check_decodes
CHANGED = "changed while it was being read; load it again once it is complete"
BINARY = "binary file (it contains NUL bytes), not a text copy of a papers page"


class InputError(Exception):
    """A file that cannot be loaded. The message is the one-line reason, without the file name."""


@dataclass(frozen=True)
class TextFile:
    """A file checked to be text: its encoding, and whether it may hold control characters."""

    path: Path
    encoding: str
    may_hold_controls: bool = True
    version: tuple[int, int] | None = None  # size and modification time when it was checked


def open_text(path: Path) -> TextFile:
    """Check that `path` is text and decide its encoding; InputError when empty, binary or uncertain."""
    with _open_binary(path) as stream:
        head = stream.read(4)
        if not head:
            raise InputError("empty file")
        encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
        stream.seek(0)
        version = _version(stream)
        if encoding in ("utf-16", "utf-32"):
            _check_decodes(stream, encoding)
            return TextFile(path, encoding, version=version)
        try:
            may_hold_controls = _check_decodes(stream, "utf-8")
        except InputError as utf8_error:
            stream.seek(0)
            if not _only_unambiguous_windows_bytes(stream):
                raise utf8_error from None
            return TextFile(path, "cp1252", version=version)
        return TextFile(path, encoding or "utf-8", may_hold_controls, version)


def read_lines(text_file: TextFile, on_position: Callable[[int], None] | None = None) -> Iterator[str]:
    """The lines of a file, without control characters (`strip_controls`) or line endings; CR, LF
    and CRLF all end a line.

    The file is read a chunk at a time, so memory stays flat however large it is; `on_position` is
    told after each chunk how many bytes have been read so far.
    """
    with _open_binary(text_file.path) as raw:
        _check_unchanged(text_file, raw)
        text = io.TextIOWrapper(raw, encoding=text_file.encoding, errors="strict", newline=None)
        clean = strip_controls if text_file.may_hold_controls else str
        rest = ""
        number = 0
        while chunk := _read(text):
            complete, newline, rest = (rest + chunk).rpartition("\n")
            if not newline:  # no line ends in this chunk yet
                _check_lengths([rest], number)
                continue
            lines = clean(complete).split("\n")
            _check_lengths([*lines, rest], number)
            number += len(lines)
            if on_position:
                on_position(raw.tell())
            yield from lines
        _check_unchanged(text_file, raw)
        if rest:
            yield clean(rest)


def _read(text: io.TextIOWrapper) -> str:
    try:
        return text.read(CHUNK)
    except UnicodeDecodeError:  # it decoded when checked: something wrote to it since
        raise InputError(CHANGED) from None


def _version(stream: io.BufferedReader) -> tuple[int, int]:
    status = os.fstat(stream.fileno())
    return status.st_size, status.st_mtime_ns


def _check_unchanged(text_file: TextFile, stream: io.BufferedReader) -> None:
    if text_file.version is not None and _version(stream) != text_file.version:
        raise InputError(CHANGED)


def _check_lengths(lines: list[str], lines_before: int) -> None:
    if max(map(len, lines), default=0) > MAX_LINE:
        number = lines_before + next(i for i, line in enumerate(lines, 1) if len(line) > MAX_LINE)
        raise InputError(f"line {number:,} is over {MAX_LINE:,} characters long: not a papers page")


def _open_binary(path: Path) -> io.BufferedReader:
    """`path` opened for reading, refused unless it is a regular file with something in it.

    It is opened without blocking and checked on the open descriptor, so that a FIFO without a
    writer cannot hang the load and a file swapped for a device after a check is still refused.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a folder") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as error:
        raise InputError(os_reason(error)) from None
    except ValueError:  # a NUL in the name
        raise InputError("not a valid file name") from None
    try:
        _check_regular(os.fstat(descriptor))
        os.set_blocking(descriptor, True)
        return open(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _check_regular(status: os.stat_result) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise InputError("is a folder")
    if not stat.S_ISREG(status.st_mode):
        raise InputError(f"not a regular file ({_kind(status.st_mode)})")
    if status.st_size == 0 and status.st_dev in _PSEUDO_FILE_SYSTEMS:
        raise InputError("not a regular file (a /proc or /sys file)")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"


def _devices(*folders: str) -> frozenset[int]:
    devices = set()
    for folder in folders:
        with contextlib.suppress(OSError):
            devices.add(os.stat(folder).st_dev)
    return frozenset(devices)


# Files there report a size of 0 and a regular mode, and some (/proc/self/mem) fail or block on read.
_PSEUDO_FILE_SYSTEMS = _devices("/proc", "/sys")


def os_reason(error: OSError) -> str:
    """An OSError's reason in a few words, without the file name it may carry."""
    return os.strerror(error.errno) if error.errno else str(error)


def _check_decodes(stream: io.BufferedReader, encoding: str) -> bool:
    """Decode the whole stream (InputError if it does not); True if it may hold control characters."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    may_hold_controls = False
    while True:
        chunk = stream.read(CHUNK)
        may_hold_controls = may_hold_controls or _may_hold_controls(chunk)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            if not chunk:
                raise InputError(f"ends inside a {encoding.upper()} character (truncated?)") from None
            # error.object holds the bytes the decoder kept from the previous chunk, then this one.
            position = offset - (len(error.object) - len(chunk)) + error.start
            byte = error.object[error.start]
            also = " and not Windows-1252 either" if encoding == "utf-8" else ""
            raise InputError(
                f"not valid {encoding.upper()} (byte 0x{byte:02X} at offset {position:,}){also}; "
                "save it as UTF-8"
            ) from None
        if "\x00" in text:
            raise InputError(BINARY)
        if not chunk:
            return may_hold_controls
        offset += len(chunk)


def _may_hold_controls(utf8: bytes) -> bool:
    """False when these UTF-8 bytes surely hold no control character (nor U+FFFD)."""
    return (
        len(utf8.translate(None, _C0_CONTROL_BYTES)) != len(utf8)
        or _C1_CONTROL_UTF8.search(utf8) is not None
        or b"\xef\xbf\xbd" in utf8
    )


def _only_unambiguous_windows_bytes(stream: io.BufferedReader) -> bool:
    high: set[int] = set()
    while chunk := stream.read(CHUNK):
        if b"\x00" in chunk:
            raise InputError(BINARY)
        high.update(chunk.translate(None, _ASCII))
    return bool(high) and high <= _UNAMBIGUOUS_WINDOWS_BYTES
