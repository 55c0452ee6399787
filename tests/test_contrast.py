"""The cursor row and the filter's matches stay readable (4.5:1) with the filter focused or not."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color

from conftest import settle
from papershelf.tui.app import PapershelfApp
from papershelf.tui.widgets.contrast import contrast, readable_on


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))


def test_contrast_ratios_as_wcag_computes_them():
    assert round(contrast(Color.parse("#000000"), Color.parse("#ffffff")), 1) == 21.0
    assert round(contrast(Color.parse("#777777"), Color.parse("#ffffff")), 2) == 4.48


def line_ratios(strip) -> list[float]:
    return [
        contrast(segment.style.color, segment.style.bgcolor)
        for segment in strip
        if segment.text.strip() and segment.style and segment.style.color and segment.style.bgcolor
    ]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "gruvbox", "nord"])
async def test_cursor_row_and_matches_are_readable(sample_store, tmp_path, theme):
    app = PapershelfApp(sample_store, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await pilot.press("slash", *"diffusion")
        await app.workers.wait_for_complete()
        await settle(pilot)
        paper_list = app.reader.paper_list
        for focused in ("filter", "list"):
            if focused == "list":
                await pilot.press("enter")  # keeps the filter, focuses the list
                await settle(pilot)
            assert app.reader.filter_input.has_focus == (focused == "filter")
            for y in range(4):  # the cursor row and rows with highlighted matches
                ratios = line_ratios(paper_list.render_line(y))
                assert ratios and min(ratios) >= 4.5, (focused, y, ratios)


def test_a_readable_colour_is_kept_and_an_unreadable_one_replaced():
    dark = Color.parse("#101010")
    from rich.style import Style

    assert readable_on(Style(color="#ffffff"), dark).color == Color.parse("#ffffff")
    assert readable_on(
        Style(color="#202020"), dark, Color.parse("#303030"), Color.parse("#e0e0e0")
    ).color == (Color.parse("#e0e0e0"))
