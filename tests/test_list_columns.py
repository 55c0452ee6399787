"""The list's columns take width only when a paper on screen has their field; the title the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import settle
from papershelf.loaders.models import Paper, paper_row
from papershelf.loaders.store.browse import ListRow
from papershelf.loaders.store.database import Store
from papershelf.tui.app import PapershelfApp
from papershelf.tui.widgets.paper_list import Columns, columns_for

LONG = "A Title Long Enough To Need All Of The Width The List Has, " * 3


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))


def row(**fields) -> ListRow:
    values = {"id": 1, "title": LONG, "published_text": None, "upvotes": None, "organization": None}
    return ListRow(**(values | fields), starred=False)


def test_columns_for_the_fields_on_screen():
    assert columns_for([row(), None], 120) == Columns(0, 0, 0)
    assert columns_for([row(published_text="Jun 18"), row(upvotes=12)], 120) == Columns(6, 3, 0)
    assert columns_for([row(organization="An Organization With A Long Name")], 120).organization == 17
    assert columns_for([row(organization="Org")], 80).organization == 0  # a narrow list keeps its room


def add(store: Store, papers: list[Paper]) -> None:
    with store.write():
        source = store.source_id("page.txt", "compact", None)
        store.merge_rows(source, [paper_row(n, paper) for n, paper in enumerate(papers)])


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_without_metadata_the_title_takes_the_whole_line(store, tmp_path, size):
    add(store, [Paper(title=f"{LONG} {n}", abstract="An abstract. " * 10) for n in range(3)])
    app = PapershelfApp(store, tmp_path / "reader.json")
    async with app.run_test(size=size) as pilot:
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        paper_list = app.reader.paper_list
        line = paper_list.render_line(0).text
        assert line.startswith(" ● A Title Long") and line.rstrip().endswith("…")
        assert len(line.rstrip()) == paper_list.text_width  # no blank column reserved


async def test_a_date_on_screen_gets_a_column_and_the_titles_line_up(store, tmp_path):
    add(
        store,
        [
            Paper(title=LONG, abstract="An abstract. " * 10, published_text="Jun 18", upvotes=42),
            Paper(title=LONG + " 2", abstract="Another abstract. " * 10),
        ],
    )
    app = PapershelfApp(store, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        paper_list = app.reader.paper_list
        first, second = (paper_list.render_line(y).text for y in (0, 1))
        assert first.rstrip().endswith("… Jun 18 ▲42")
        assert first.index("…") == second.index("…")  # the second line keeps the columns' room
        await pilot.press("j")  # a cursor move redraws two lines: they keep the same columns
        assert paper_list.render_line(1).text.index("…") == first.index("…")
