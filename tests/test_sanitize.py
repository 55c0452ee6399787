"""The output boundary: one sanitiser per destination (terminal, CSV cell, BibTeX field)."""

from __future__ import annotations

import json
import re
import unicodedata

import bibtexparser
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from papershelf.loaders.sanitize import (
    BIDI_CONTROLS,
    INVISIBLE,
    PLACEHOLDER,
    BibtexError,
    bibtex_field,
    bibtex_text,
    checked_braces,
    csv_cell,
    json_text,
    terminal,
    terminal_lines,
    terminal_name,
)

ESCAPES = (
    "\x1b]0;PWNED\x07",  # OSC: the window title
    "\x1b]8;;http://evil.example/\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # clear the screen, cursor home
    "\x9b31m",  # 8-bit CSI
    "\x9d0;PWNED\x9c",  # 8-bit OSC
    "\x1bP+q544e\x1b\\",  # DCS
    "\x1b_APC\x1b\\",
    "\x1bc",  # reset
)
ESCAPE_START = re.compile("[\x1b\x9b\x9d\x90\x9e\x9f\x98]")
# Characters that may appear in hostile text: controls, bidi, invisible ones, surrogates, and letters.
HOSTILE = st.lists(
    st.one_of(
        st.characters(codec=None),
        st.sampled_from(sorted(BIDI_CONTROLS | INVISIBLE | set("\x1b\x9b\x9d\x07\u2028\ud800\udcff"))),
        st.sampled_from(ESCAPES),
    ),
    max_size=40,
).map("".join)


def unsafe_for_a_terminal(text: str) -> list[str]:
    """The characters of `text` a terminal could act on, or that take no column of their own."""
    return [
        char
        for char in text
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") and char != PLACEHOLDER
    ]


@pytest.mark.parametrize("escape", ESCAPES)
def test_terminal_drops_whole_escape_sequences(escape):
    assert terminal(f"before{escape}after") == "beforeafter"


def test_terminal_shows_bidi_overrides_and_drops_zero_width_characters():
    assert terminal("abc\u202edef\u2066x\u2069") == f"abc{PLACEHOLDER}def{PLACEHOLDER}x{PLACEHOLDER}"
    assert terminal("a\u200bb\u200dc\ufeffd\u2060e\u061cf\u200eg\u200fh") == "abcdefgh"


def test_terminal_keeps_ordinary_text_as_it_is():
    for text in ("Attention Is All You Need", "Café — naïve «ü» 漢字 😀", "[MASK] <SEG> $x^2$", ""):
        assert terminal(text) is text


def test_terminal_turns_line_breaks_into_spaces_unless_asked_to_keep_them():
    assert terminal("one\ntwo\tthree\u2028four\rfive") == "one two three four five"
    assert terminal_lines("one\ntwo\x1b[31m\u2029three") == "one\ntwo three"


def test_lone_surrogates_become_the_placeholder():
    assert terminal("a\ud800b") == f"a{PLACEHOLDER}b"
    terminal("\udcff").encode("utf-8")  # no UnicodeEncodeError


@given(HOSTILE)
def test_terminal_leaves_nothing_a_terminal_acts_on(text):
    safe = terminal(text)
    assert unsafe_for_a_terminal(safe) == []
    assert "\x1b" not in safe and "\n" not in safe
    safe.encode("utf-8")
    assert cell_len(safe) == sum(cell_len(char) for char in safe)  # columns add up, char by char


@given(HOSTILE)
def test_terminal_lines_keeps_only_line_feeds(text):
    assert unsafe_for_a_terminal(terminal_lines(text).replace("\n", "")) == []


@given(HOSTILE)
def test_terminal_names_are_one_visible_line_that_tells_names_apart(text):
    shown = terminal_name(text)
    assert unsafe_for_a_terminal(shown) == [] and "\n" not in shown
    shown.encode("utf-8")
    if text.isprintable():
        assert shown == text


def test_terminal_name_writes_what_it_hides_as_escapes():
    name = "a\x1b]0;PWNED\x07\n\u202etxt.exe\udcff"
    assert terminal_name(name) == "a\\x1b]0;PWNED\\x07\\x0a\\u202etxt.exe\\xff"


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_formula_starters_are_quoted(cell):
    assert csv_cell(cell) == "'" + cell


def test_csv_other_values_stay():
    assert csv_cell("Attention") == "Attention"
    assert csv_cell(-3) == -3
    assert csv_cell(None) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("year", "2025}, note = {injected"),
        ("year", "20251"),
        ("date", "2025-06-17}, note = {x"),
        ("eprint", "2506.12345}, title={x"),
        ("eprint", "2506.12345\n"),
        ("url", "https://arxiv.org/abs/1}, note={x"),
        ("url", "javascript:alert(1)"),
        ("doi", "10.1000/x} , note = {y"),
        ("primaryclass", "cs.CL}"),
    ],
)
def test_restricted_bibtex_fields_refuse_what_does_not_match(name, value):
    assert bibtex_field(name, value) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("year", "2025"),
        ("date", "2025-06-17"),
        ("eprint", "2506.12345v2"),
        ("eprint", "hep-th/9901001"),
        ("url", "https://arxiv.org/abs/2506.12345"),
        ("doi", "10.48550/arXiv.2506.12345"),
        ("primaryclass", "cs.CL"),
    ],
)
def test_restricted_bibtex_fields_keep_well_formed_values(name, value):
    assert bibtex_field(name, value) == value


def test_bibtex_text_is_literal_and_balanced():
    assert bibtex_text("50% of {x} & y_1 \\cmd ^ ~ #") == (
        r"50\% of \textbraceleft{}x\textbraceright{} \& y\_1 \textbackslash{}cmd \^{} \textasciitilde{} \#"
    )
    assert bibtex_text("a\x1b[31m\nb\u202e") == f"a b{PLACEHOLDER}"


def test_checked_braces():
    assert checked_braces("{a{b}}") == "{a{b}}"
    for bad in ("}{", "{", "a}"):
        with pytest.raises(BibtexError):
            checked_braces(bad)


@given(HOSTILE, HOSTILE)
def test_bibtex_text_cannot_add_a_field(title, abstract):
    entry = (
        f"@misc{{key,\n  title = {{{bibtex_text(title)}}},\n  abstract = {{{bibtex_text(abstract)}}}\n}}\n"
    )
    library = bibtexparser.parse_string(entry)
    assert not library.failed_blocks
    (parsed,) = library.entries
    assert sorted(parsed.fields_dict) == ["abstract", "title"]


@given(st.lists(HOSTILE, max_size=4), st.sampled_from([None, 1]))
def test_json_text_is_exact_and_safe_to_print(texts, indent):
    document = {"texts": texts, "first": texts[0] if texts else None}
    text = json_text(document, indent=indent)
    assert json.loads(text) == document
    assert not [char for char in unsafe_for_a_terminal(text) if char != "\n"]
    assert not ESCAPE_START.search(text)


def test_json_text_keeps_readable_text_as_it_is():
    assert json_text({"title": "Café – naïve 测试 ★"}) == '{"title": "Café – naïve 测试 ★"}'
    assert json_text(["\u202eevil\U000e0041"]) == '["\\u202eevil\\udb40\\udc41"]'
