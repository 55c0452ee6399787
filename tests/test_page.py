"""The page parser on every seed, on the shapes' variants, and on truncated copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLE, write
from papershelf.loaders.models import Paper, Skipped
from papershelf.loaders.sources.page import parse_page
from papershelf.loaders.sources.parsing import parse_here
from papershelf.loaders.sources.reading import open_text, read_lines


def papers_of(path: Path) -> list[Paper]:
    page = parse_page(read_lines(open_text(path)))
    return [entry for entry in page.entries if isinstance(entry, Paper)]


def by_title(papers: list[Paper]) -> dict[str, Paper]:
    return {paper.title: paper for paper in papers}


@pytest.mark.parametrize(
    ("seed", "shape", "listing_date", "count"),
    [
        ("000", "compact", None, 119),
        ("001", "spaced", "Jun 18", 44),
        ("002", "spaced", "Aug 14", 59),
        ("003", "compact", None, 119),
        ("004", "spaced", "Jun 6", 64),
    ],
)
def test_every_seed_parses_exactly(seed, shape, listing_date, count):
    page = parse_page(read_lines(open_text(SAMPLE[seed])))
    entries = list(page.entries)
    assert (page.shape, page.listing_date, page.has_header) == (shape, listing_date, True)
    assert len(entries) == count
    assert all(isinstance(entry, Paper) for entry in entries)


def test_the_seeds_hold_334_distinct_papers():
    keys = {paper.key for path in SAMPLE.values() for paper in papers_of(path)}
    assert len(keys) == 334


def test_compact_shape_first_and_last_papers():
    papers = papers_of(SAMPLE["000"])
    first, last = papers[0], papers[-1]
    assert first.title == "Predicting the Order of Upcoming Tokens Improves Language Modeling"
    assert first.abstract.startswith("Multi-Token Prediction (MTP) has been proposed as an auxiliary")
    assert first.abstract.endswith(
        "Our code is available at https://github.com/zaydzuhri/token-order-prediction"
    )
    assert first.urls == ["https://github.com/zaydzuhri/token-order-prediction"]
    assert (first.authors_count, first.org_id, first.published_text, first.upvotes) == (
        None,
        None,
        None,
        None,
    )
    assert last.title == "A Token-level Text Image Foundation Model for Document Understanding"


def test_paper_with_authors_date_year_and_upvotes():
    paper = by_title(papers_of(SAMPLE["001"]))[
        "InfLLM: Unveiling the Intrinsic Capacity of LLMs for Understanding Extremely Long Sequences "
        "with Training-Free Memory"
    ]
    assert (paper.authors_count, paper.org_id, paper.org_name) == (9, None, None)
    assert (paper.published_text, paper.published, paper.upvotes) == ("Feb 7, 2024", "2024-02-07", 3)
    assert paper.listing_date == "Jun 18"


def test_paper_with_year_and_no_upvotes():
    paper = by_title(papers_of(SAMPLE["001"]))[
        "Mixing and Shifting: Exploiting Global and Local Dependencies in Vision MLPs"
    ]
    assert (paper.authors_count, paper.published_text, paper.published, paper.upvotes) == (
        4,
        "Feb 14, 2022",
        "2022-02-14",
        None,
    )
    assert paper.urls == ["https://github.com/JegZheng/MS-MLP"]


def test_paper_of_an_organization_without_a_year_is_never_given_one():
    papers = by_title(papers_of(SAMPLE["001"]))
    fasa = papers["FASA: Frequency-aware Sparse Attention"]
    assert (fasa.org_id, fasa.org_name, fasa.authors_count) == ("AGI-LAB-HF", "AGI Lab", None)
    assert (fasa.published_text, fasa.published, fasa.upvotes) == ("Feb 3", None, 11)
    longcat = papers["LongCat-Next: Lexicalizing Modalities as Discrete Tokens"]
    assert (longcat.org_id, longcat.org_name, longcat.published_text, longcat.upvotes) == (
        "meituan-longcat",
        "LongCat",
        "Mar 29",
        5,
    )
    tad = papers["TAD: Temporal-Aware Trajectory Self-Distillation for Fast and Accurate Diffusion LLM"]
    assert (tad.authors_count, tad.published_text, tad.published, tad.upvotes) == (7, "May 9", None, None)


def test_paper_without_metadata_on_a_page_that_has_it():
    paper = by_title(papers_of(SAMPLE["001"]))["Attention Is All You Need for KV Cache in Diffusion LLMs"]
    assert (paper.authors_count, paper.org_id, paper.published_text, paper.upvotes) == (
        None,
        None,
        None,
        None,
    )
    assert "{bf Elastic-Cache}" in paper.abstract


def test_spaced_shape_without_metadata():
    papers = papers_of(SAMPLE["004"])
    assert all(p.published_text is None and p.authors_count is None for p in papers)
    assert papers[-1].title == "Reasoning to Attend: Try to Understand How <SEG> Token Works"


def test_literal_text_and_urls_with_trailing_punctuation():
    papers = by_title(papers_of(SAMPLE["000"]))
    c2 = next(p for title, p in papers.items() if title.startswith("C$^2$DLM"))
    assert c2.urls == ["https://github.com/Kairong-Han/C-2-DLM"]
    card = next(p for title, p in papers.items() if title.startswith("CARD:"))
    assert card.urls == ["https://github.com/wxie9/CARD"]
    r2r = by_title(papers_of(SAMPLE["001"]))[
        "R2R: Efficiently Navigating Divergent Reasoning Paths with Small-Large Model Token Routing"
    ]
    assert "**Roads to Rome (R2R)**" in r2r.abstract
    assert r2r.urls == ["https://github.com/thu-nics/R2R"]


SPACED = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\nJun 18\n\n"
    "First Title\n\nFirst abstract, long enough to be one. It ends with a full stop.\n\n"
    "  • 3 authors\n·\nFeb 7, 2024 3\n\n"
    "Second Title\n\nSecond abstract with a link https://example.org/x.\n"
)


@pytest.mark.parametrize(
    "variant",
    [
        lambda text: text,
        lambda text: text.replace("\n", "\r\n"),
        lambda text: "\ufeff" + text,
        lambda text: text.replace("\n", " \t\n"),
        lambda text: text.replace("\n\n", "\n   \t\n"),
        lambda text: text.rstrip("\n"),
        lambda text: text.replace("\n", "\r"),
    ],
    ids=["plain", "crlf", "bom", "trailing-space-tab", "whitespace-blank-lines", "no-final-newline", "cr"],
)
def test_saved_variants_parse_the_same(tmp_path, variant):
    path = write(tmp_path / "page.txt", variant(SPACED))
    papers = papers_of(path)
    assert [(p.title, p.abstract, p.authors_count, p.published, p.upvotes, p.urls) for p in papers] == [
        (
            "First Title",
            "First abstract, long enough to be one. It ends with a full stop.",
            3,
            "2024-02-07",
            3,
            [],
        ),
        (
            "Second Title",
            "Second abstract with a link https://example.org/x.",
            None,
            None,
            None,
            ["https://example.org/x"],
        ),
    ]


def test_utf16_and_windows_1252_files_decode(tmp_path):
    utf16 = write(tmp_path / "utf16.txt", SPACED, "utf-16")
    assert [p.title for p in papers_of(utf16)] == ["First Title", "Second Title"]
    smart = SPACED.replace("First abstract,", "\u201cFirst\u201d abstract \u2014")
    cp1252 = write(tmp_path / "cp1252.txt", smart, "cp1252")
    assert open_text(cp1252).encoding == "cp1252"
    assert papers_of(cp1252)[0].abstract.startswith("\u201cFirst\u201d abstract \u2014")


def test_compact_shape_is_detected_from_content_not_name(tmp_path):
    compact = (
        "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n"
        "SubscribedParallel: Learnable Parallel Decoding\nAn abstract that is long enough to be one.\n"
        "Another Title\nAnother abstract, also long enough.\n"
    )
    path = write(tmp_path / "001_spaced_looking_name.txt", compact)
    page = parse_page(read_lines(open_text(path)))
    assert page.shape == "compact"
    assert [p.title for p in page.entries] == ["dParallel: Learnable Parallel Decoding", "Another Title"]


def test_truncated_copy_skips_the_title_without_abstract(tmp_path):
    path = write(tmp_path / "cut.txt", SPACED + "\nThird Title Without Its Abstract\n")
    entries = list(parse_page(read_lines(open_text(path))).entries)
    assert [type(e).__name__ for e in entries] == ["Paper", "Paper", "Skipped"]
    assert entries[-1] == Skipped(
        "Third Title Without Its Abstract", "no abstract after it (truncated copy?)"
    )


def test_a_lost_abstract_in_the_middle_does_not_shift_the_rest(tmp_path):
    long_abstract = "A long abstract sentence that goes on. " * 12
    compact = (
        "Get trending papers in your email inbox!\nSubscribeTitle One\n"
        f"{long_abstract}\nTitle Two Lost Its Abstract\nTitle Three\n{long_abstract}\n"
    )
    entries = list(parse_page(read_lines(open_text(write(tmp_path / "c.txt", compact)))).entries)
    assert [(type(e).__name__, e.title) for e in entries] == [
        ("Paper", "Title One"),
        ("Skipped", "Title Two Lost Its Abstract"),
        ("Paper", "Title Three"),
    ]


def test_escape_sequences_and_markup_in_a_file(tmp_path):
    text = SPACED.replace("First Title", "\x1b[1m[bold red]First[/] <SEG>\x1b[0m\x07 Title")
    paper = papers_of(write(tmp_path / "esc.txt", text))[0]
    assert paper.title == "[bold red]First[/] <SEG> Title"


def test_rows_carry_positions_keys_and_urls():
    batch = next(parse_here(SAMPLE["001"]).batches)
    first = batch.rows[0]
    assert first[0] == 0
    assert first[-2] == "tad: temporal-aware trajectory self-distillation for fast and accurate diffusion llm"
    assert first[-1] == '["https://github.com/BHmingyang/TAD"]'
