"""Text leaving papershelf, made safe for where it goes: a terminal, a CSV cell, a BibTeX field.

Whatever the input boundary cleaned, text from outside (page copies, servers, backups, file names)
is untrusted at the output: each destination has one sanitiser here, and every draw site, printed
line and export passes it.

- `terminal`: no escape sequence, control character or lone surrogate; bidi overrides and isolates
  (which reorder what follows them, "Trojan Source") shown as a visible placeholder; zero-width
  characters and bidi marks dropped, so that a line takes the columns its characters promise.
- `terminal_name`: a file name shown exactly, every unsafe character as a visible `\\xNN` escape.
- `json_text`: a JSON document exact to the character, every one a terminal would act on or hide
  written as a `\\uXXXX` escape.
- `csv_cell`: a cell that a spreadsheet cannot take for a formula.
- `bibtex_text`, `bibtex_field`: free text escaped as literal LaTeX, restricted fields (year, date,
  eprint, url, doi, primaryclass) validated by pattern and left out when they do not match.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from papershelf.loaders.text import ESCAPE_SEQUENCES

if TYPE_CHECKING:
    from papershelf.loaders.models import Paper

PLACEHOLDER = "\ufffd"

# Overrides, embeddings and isolates: they reorder the text after them until their terminator.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# No width of their own; a terminal and Rich may disagree on them. U+200E/F and U+061C are the
# bidi marks; U+2061–2064 invisible operators; U+206A–206F deprecated format characters; U+FFF9–FFFB
# interlinear annotation; U+E0000–E007F tag characters (invisible ASCII, used to smuggle text).
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u061c\u180e\u2060\u2061\u2062\u2063\u2064\ufeff\ufff9\ufffa\ufffb"
    + "".join(map(chr, range(0x206A, 0x2070)))
    + "".join(map(chr, range(0xE0000, 0xE0080)))
)
# Characters that end or separate lines somewhere (a terminal, Rich, str.splitlines): a space.
_LINE_BREAKING = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
_SURROGATES = range(0xD800, 0xE000)


def _table(keep_newlines: bool) -> dict[int, str | None]:
    table: dict[int, str | None] = {code: None for code in (*range(0x20), *range(0x7F, 0xA0))}
    table.update({ord(char): " " for char in _LINE_BREAKING})
    table.update({ord(char): PLACEHOLDER for char in BIDI_CONTROLS})
    table.update({ord(char): None for char in INVISIBLE})
    table.update({code: PLACEHOLDER for code in _SURROGATES})
    if keep_newlines:
        table[ord("\n")] = "\n"
    return table


_ONE_LINE = _table(keep_newlines=False)
_LINES = _table(keep_newlines=True)


def terminal(text: str, keep_newlines: bool = False) -> str:
    """`text` safe to show on a terminal: escape sequences and control characters dropped (a tab,
    line break or separator becomes a space, or stays a line feed with `keep_newlines`), bidi
    overrides and isolates a visible placeholder, zero-width characters dropped."""
    if text.isprintable():  # the common case, in C: no Cc, Cf, Cs, Zl, Zp character in it
        return text
    safe = ESCAPE_SEQUENCES.sub("", text).translate(_LINES if keep_newlines else _ONE_LINE)
    if safe.isprintable() or safe.replace("\n", "").isprintable():
        return safe
    # Format characters the table does not name (U+00AD, U+0600…): they take no column either.
    return "".join(char for char in safe if char.isprintable() or unicodedata.category(char) != "Cf")


def terminal_lines(text: str) -> str:
    """`terminal`, keeping line feeds: for a note or an abstract drawn over several lines."""
    return terminal(text, keep_newlines=True)


_STREAM = {**_LINES, ord("\t"): "\t", ord("\r"): "\r"}


def terminal_stream(text: str) -> str:
    """Output of a command as it may reach a terminal: `terminal_lines`, tabs and carriage returns
    kept too (TSV, CSV's line ends, a progress bar). Safe piece by piece: a sequence cut in two
    leaves its introducer in neither piece."""
    if text.isprintable():
        return text
    return ESCAPE_SEQUENCES.sub("", text).translate(_STREAM)


def terminal_name(name: object) -> str:
    """A file name (or any identifier) on one line, every character `terminal` would drop or
    replace written as a visible escape (`\\x1b`, `\\u202e`; `\\xff` for an undecodable byte), so
    that the user can still tell which file is meant."""
    text = str(name)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    if unicodedata.category(char) == "Zs":  # a no-break or ideographic space: printable enough
        return char
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def exportable(paper: Paper) -> Paper:
    """`paper` with every text it holds through `terminal_lines`: what every export format writes,
    so that a file `cat` to a terminal acts on nothing."""
    changes: dict[str, Any] = {}
    for spec in dataclasses.fields(paper):
        value = getattr(paper, spec.name)
        if isinstance(value, str) and not value.isprintable():
            changes[spec.name] = terminal_lines(value)
        elif isinstance(value, list) and not all(isinstance(v, str) and v.isprintable() for v in value):
            changes[spec.name] = [terminal_lines(v) if isinstance(v, str) else v for v in value]
    return dataclasses.replace(paper, **changes) if changes else paper


# JSON -------------------------------------------------------------------------------------------


def json_text(document: object, indent: int | None = None) -> str:
    """`document` as JSON, readable UTF-8 but for what `terminal` would drop or replace (C1 controls,
    bidi, zero-width and line-separator characters), which are `\\u` escapes: the data stays exact
    for a program, and the text is safe to print, whatever reads it."""
    import json

    text = json.dumps(document, ensure_ascii=False, indent=indent)
    if text.isprintable():
        return text
    # Outside strings JSON holds only printable ASCII and the indent's line feeds, and json.dumps
    # escaped C0 already. Checking runs of other characters, not each character, costs 2–4× what
    # json.dumps does rather than 9–13× (`python -m benchmarks.json_output`).
    return _NON_ASCII_RUNS.sub(_json_escaped_run, text)


_NON_ASCII_RUNS = re.compile(r"[^\x20-\x7e\n]+")


def _json_escaped_run(match: re.Match[str]) -> str:
    run = match.group()
    return run if run.isprintable() else "".join(c if c.isprintable() else _json_escape(c) for c in run)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# CSV --------------------------------------------------------------------------------------------

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP's list).
FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """`value` for a CSV cell: text that a spreadsheet would run as a formula gets a leading `'`
    (which spreadsheets show as text and hide); other values, numbers included, as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTERS):
        return "'" + value
    return value


# BibTeX -----------------------------------------------------------------------------------------

# Braces become \textbrace… commands because BibTeX counts every brace, escaped or not, to find
# where a field ends: an escaped brace would still close it.
_LATEX = re.compile(r"\\[%&$#_]|[\\{}%&$#_^~]")
_LATEX_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "^": r"\^{}",
    "~": r"\textasciitilde{}",
}
# What a restricted field may hold; anything else is left out of the entry.
BIBTEX_PATTERNS = {
    "year": re.compile(r"[0-9]{4}"),
    "date": re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"),
    "eprint": re.compile(r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/[0-9]{7})(?:v[0-9]+)?"),
    "url": re.compile(r"https?://[^\s{}\\\"<>^`|\x00-\x1f\x7f-\x9f]+", re.IGNORECASE),
    "doi": re.compile(r"10\.[0-9]{4,9}/[^\s{}\\\"%#~^\x00-\x1f\x7f-\x9f]+"),
    "primaryclass": re.compile(r"[a-z][a-z-]*(?:\.[A-Za-z-]+)?"),
    "archiveprefix": re.compile(r"[A-Za-z]+"),
}


class BibtexError(ValueError):
    """A value that would not be one well-formed BibTeX field."""


def bibtex_text(text: str) -> str:
    """Free text (title, author, abstract, note) as LaTeX that prints it literally, on one
    terminal-safe line; `\\%`-style escapes already in it are kept. Its braces always balance."""

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        if len(token) == 2:
            return token
        return _LATEX_REPLACEMENTS.get(token, "\\" + token)

    return checked_braces(_LATEX.sub(replace, " ".join(terminal(text).split())))


def bibtex_field(name: str, value: str | None) -> str | None:
    """The value of restricted field `name` if it is well-formed, else None (leave the field out).
    Fields without a pattern are free text (`bibtex_text`)."""
    if value is None:
        return None
    pattern = BIBTEX_PATTERNS.get(name.lower())
    if pattern is None:
        return bibtex_text(value)
    return value if pattern.fullmatch(value) else None


def checked_braces(value: str) -> str:
    """`value` when its braces balance (never closing one not opened); BibtexError otherwise."""
    depth = 0
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                break
    if depth:
        raise BibtexError(f"unbalanced braces in a BibTeX field: {terminal_name(value[:60])}")
    return value
