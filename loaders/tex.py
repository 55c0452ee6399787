"""Simple TeX in titles and abstracts, shown as a reader would read it: `C$^2$DLM` → `C²DLM`.

Stored text stays literal; this renders it for display. A piece is rendered only where the result
is certain (a known command, a superscript that Unicode has): anything else stays as it was
written, `$` signs and all, so that nothing is guessed or lost.
"""

from __future__ import annotations

# ruff: noqa: RUF001, RUF002 (the Unicode look-alikes are the point)
import re
from functools import lru_cache

GREEK = {
    name: chr(code)
    for name, code in {
        "alpha": 0x3B1, "beta": 0x3B2, "gamma": 0x3B3, "delta": 0x3B4, "epsilon": 0x3B5,
        "varepsilon": 0x3B5, "zeta": 0x3B6, "eta": 0x3B7, "theta": 0x3B8, "vartheta": 0x3D1,
        "iota": 0x3B9, "kappa": 0x3BA, "lambda": 0x3BB, "mu": 0x3BC, "nu": 0x3BD, "xi": 0x3BE,
        "pi": 0x3C0, "rho": 0x3C1, "sigma": 0x3C3, "tau": 0x3C4, "upsilon": 0x3C5, "phi": 0x3C6,
        "varphi": 0x3C6, "chi": 0x3C7, "psi": 0x3C8, "omega": 0x3C9, "Gamma": 0x393,
        "Delta": 0x394, "Theta": 0x398, "Lambda": 0x39B, "Xi": 0x39E, "Pi": 0x3A0, "Sigma": 0x3A3,
        "Upsilon": 0x3A5, "Phi": 0x3A6, "Psi": 0x3A8, "Omega": 0x3A9,
    }.items()
}  # fmt: skip
MATH_SYMBOLS = {
    **GREEK,
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "propto": "∝", "infty": "∞", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "Rightarrow": "⇒", "leftrightarrow": "↔", "uparrow": "↑", "downarrow": "↓", "in": "∈",
    "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "partial": "∂",
    "nabla": "∇", "ell": "ℓ", "sum": "∑", "prod": "∏", "int": "∫", "forall": "∀",
    "exists": "∃", "emptyset": "∅", "circ": "∘", "star": "⋆", "ast": "∗", "dagger": "†",
    "ldots": "…", "cdots": "⋯", "dots": "…", "log": "log", "exp": "exp", "max": "max",
    "min": "min", "%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "{": "{", "}": "}",
    ",": " ", ";": " ", " ": " ", "!": "",
}  # fmt: skip
TEXT_SYMBOLS = {
    "%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "{": "{", "}": "}",
    "textemdash": "—", "textendash": "–", "textless": "<", "textgreater": ">", "ldots": "…",
    "dots": "…", "textasciitilde": "~", "textbar": "|", "textbullet": "•", "S": "§",
}  # fmt: skip
OPERATORS = frozenset({"log", "exp", "max", "min"})
# Commands whose argument is shown as it is: the style is dropped, the words stay.
STYLE_COMMANDS = frozenset(
    {"textbf", "textit", "emph", "texttt", "textrm", "textsf", "textsc", "underline", "text",
     "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathbb", "mathcal", "boldsymbol",
     "operatorname", "mbox"}
)  # fmt: skip
# `{\bf x}`: declarations that style the rest of their group.
STYLE_DECLARATIONS = frozenset({"bf", "it", "em", "tt", "rm", "sf", "sc", "bfseries", "itshape"})
SUPERSCRIPTS = dict(
    zip(
        "0123456789+-=()niTabcdefghijklmoprstuvwxyz",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
        strict=True,
    )
)
SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
SUPERSCRIPTS.update({"*": "*", "′": "′", "'": "′", "†": "†"})
# Characters that math shows as they are.
MATH_PLAIN = re.compile(r"[A-Za-z0-9 +\-=<>()\[\]|,.:;!?/*'′]")

# Pandoc's rule for inline math: the opening `$` is followed by a non-space, the closing one follows
# a non-space and is not followed by a digit (so that `$5 and $10` stays prices).
_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])((?:[^$\\]|\\.)*?[^\s\\$])\$(?!\d)")
_TEXT_PIECE = re.compile(
    r"""\\(?P<style>[A-Za-z]+)\{(?P<argument>[^{}\\$]*)\}        # \textbf{C}
    | \{\\(?P<declaration>[A-Za-z]+)\s+(?P<declared>[^{}\\$]*)\}   # {\bf x}
    | \\(?P<symbol>[A-Za-z]+)(?![A-Za-z])\s?                       # \textemdash, then one space
    | \\(?P<escaped>[%$&\#_{}])                                    # \%
    """,
    re.VERBOSE,
)
_MARKERS = re.compile(r"[\\$]")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


class NotCertain(Exception):
    """A piece of TeX whose rendering would be a guess: it stays literal."""


@lru_cache(maxsize=8192)
def render_tex(text: str) -> str:
    """`text` with the simple TeX it holds rendered; what is not certain stays literal.

    >>> render_tex(r"C$^2$DLM saves 12\\% with $\\alpha$ and {\\bf x}")
    'C²DLM saves 12% with α and x'
    """
    if not _MARKERS.search(text):
        return text  # nearly every title: no TeX at all
    pieces = []
    start = 0
    for match in _MATH.finditer(text):
        pieces.append(_render_text(text[start : match.start()]))
        pieces.append(_render_math_or_literal(match[0], match[1]))
        start = match.end()
    pieces.append(_render_text(text[start:]))
    return "".join(pieces)


def _render_math_or_literal(literal: str, math: str) -> str:
    try:
        return _render_math(math)
    except NotCertain:
        return literal


def _render_text(text: str) -> str:
    """Text outside math: escaped characters, known symbols and styling commands; others literal."""
    if "\\" not in text and "{" not in text:
        return text
    return _TEXT_PIECE.sub(_text_piece, text)


def _text_piece(match: re.Match[str]) -> str:
    if (style := match["style"]) is not None:
        return match["argument"] if style in STYLE_COMMANDS else match[0]
    if (declaration := match["declaration"]) is not None:
        return match["declared"] if declaration in STYLE_DECLARATIONS else match[0]
    if (symbol := match["symbol"]) is not None:
        return TEXT_SYMBOLS[symbol] if symbol in TEXT_SYMBOLS else match[0]
    return match["escaped"]


def _render_math(math: str) -> str:
    """Inline math as Unicode, or NotCertain."""
    out: list[str] = []
    position = 0
    while position < len(math):
        char = math[position]
        if char in "^_":
            script, position = _group(math, position + 1)
            table = SUPERSCRIPTS if char == "^" else SUBSCRIPTS
            rendered = _render_math(script)
            if not all(c in table for c in rendered):
                raise NotCertain(math)
            out.append("".join(table[c] for c in rendered))
        elif char == "{":
            group, position = _group(math, position)
            out.append(_render_math(group))
        elif char == "\\":
            command, position = _command(math, position)
            if command in STYLE_COMMANDS:
                group, position = _group(math, position)
                out.append(_render_math(group))
            elif command in MATH_SYMBOLS:
                out.append(MATH_SYMBOLS[command])
                if command in OPERATORS and position < len(math) and math[position] not in "^_({[":
                    out.append(" ")  # `\log n`: TeX spaces an operator from its argument
            else:
                raise NotCertain(math)
        elif MATH_PLAIN.fullmatch(char):
            out.append(char)
            position += 1
        else:
            raise NotCertain(math)
    return "".join(out)


def _command(math: str, position: int) -> tuple[str, int]:
    """The command starting at `position` (a backslash) and where it ends, its spaces skipped."""
    match = _COMMAND.match(math, position)
    if match is None:
        raise NotCertain(math)
    end = match.end()
    if match[1].isalpha():
        while end < len(math) and math[end] == " ":
            end += 1
    return match[1], end


def _group(math: str, position: int) -> tuple[str, int]:
    """The argument at `position`: a `{…}` group's inside, or one character; and where it ends."""
    if position >= len(math):
        raise NotCertain(math)
    if math[position] != "{":
        if math[position] == "\\":
            command, end = _command(math, position)
            return "\\" + command, end
        return math[position], position + 1
    depth = 0
    for end in range(position, len(math)):
        if math[end] == "{" and (end == 0 or math[end - 1] != "\\"):
            depth += 1
        elif math[end] == "}" and math[end - 1] != "\\":
            depth -= 1
            if depth == 0:
                return math[position + 1 : end], end + 1
    raise NotCertain(math)
