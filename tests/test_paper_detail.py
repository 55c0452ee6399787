"""The detail shows what the site shows: authors, keywords, Hugging Face's summary (a key toggles
it with the abstract), code and project links; the status line says each thing once."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import settle
from papershelf.loaders.models import Paper, paper_row
from papershelf.loaders.store.database import Store
from papershelf.tui.app import PapershelfApp
from papershelf.tui.widgets.paper_detail import PaperDetail
from papershelf.tui.widgets.paper_text import source_label

ABSTRACT = "We study how language models cache attention keys and values. " * 3
SUMMARY = "A short summary written by the site about caching keys and values."


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))


@pytest.fixture
def fetched(store: Store) -> Store:
    paper = Paper(
        title="Caching Keys",
        abstract=ABSTRACT,
        arxiv_id="2601.00001",
        authors=["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov",
                 "Donald Knuth", "Frances Allen", "John Backus"],
        ai_summary=SUMMARY,
        ai_keywords=["kv cache", "attention"],
        github_repo="https://github.com/example/caching",
        comment="12 pages, accepted at a conference",
        upvotes=7,
        comment_count=1,
        github_stars=1234,
    )  # fmt: skip
    with store.write():
        source = store.source_id("huggingface:daily_papers/2026-06-18", "hf-daily", "2026-06-18")
        store.merge_rows(source, [paper_row(0, paper)])
    return store


async def test_the_detail_shows_the_sites_fields_and_v_toggles_the_summary(fetched, tmp_path):
    paper_id = next(fetched.papers()).id
    fetched.set_starred([paper_id], True)
    app = PapershelfApp(fetched, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        detail = app.reader.query_one(PaperDetail)
        text = detail.plain
        assert (
            "Ada Lovelace, Alan Turing, Grace Hopper, Edsger Dijkstra, Barbara Liskov, Donald Knuth,"
            " Frances Allen, John Backus" in text
        )
        assert "▲ 7 · 1 comment · 1,234 GitHub stars · from Daily Papers · Jun 18, 2026" in text
        assert "12 pages, accepted at a conference" in text and "Keywords: kv cache, attention" in text
        assert "★ starred · unread\n" in text + "\n" and "in Starred" not in text  # said once
        assert "Abstract · v shows Hugging Face's summary" in text and ABSTRACT.strip() in text
        assert "https://github.com/example/caching" in text
        await pilot.press("tab", "v")  # from the list to the detail, whose key it is
        assert detail.has_focus
        text = detail.plain
        assert "Summary (Hugging Face) · v shows the abstract" in text and SUMMARY in text
        assert ABSTRACT.strip() not in text
        await pilot.press("v")
        assert ABSTRACT.strip() in detail.plain


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("sample/001_738e52688fcc8494.txt", "built-in sample"),
        ("huggingface:daily_papers/2026-06-18", "Daily Papers · Jun 18, 2026"),
        ("/home/someone/very/long/folder/names/papers-june.txt", "papers-june.txt"),
        ("arxiv:query?search_query=cat:cs.CL", "arXiv query"),
    ],
)
def test_sources_have_short_names(path: str, label: str):
    assert source_label(path) == label
