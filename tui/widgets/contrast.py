"""Colours that stay readable: a text colour against its background at WCAG's 4.5:1 or better."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style

READABLE = 4.5  # WCAG AA for body text
BLACK, WHITE = Color.from_rgb(0, 0, 0), Color.from_rgb(255, 255, 255)


def luminance(color: Color) -> float:
    """WCAG's relative luminance of `color`."""
    red, green, blue = color.get_truecolor()

    def channel(value: int) -> float:
        value_ = value / 255
        return value_ / 12.92 if value_ <= 0.03928 else ((value_ + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: Color, second: Color) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(style: Style, background: Color | None, *candidates: Color | None) -> Style:
    """`style` with its colour replaced, where it is not readable on `background`, by the first
    readable of `candidates`, else by black or white, whichever reads better."""
    if background is None or style.color is None or contrast(style.color, background) >= READABLE:
        return style
    for candidate in candidates:
        if candidate is not None and contrast(candidate, background) >= READABLE:
            return style + Style(color=candidate)
    best = max((BLACK, WHITE), key=lambda color: contrast(color, background))
    return style + Style(color=best)
