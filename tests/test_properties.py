"""Properties of the parser over arbitrary input: it never raises but InputError, and no control
character ever comes out of it."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.loaders.models import MERGED_FIELDS, paper_from_row
from papershelf.loaders.sources.load import load_file
from papershelf.loaders.sources.parsing import parse_here
from papershelf.loaders.sources.reading import InputError
from papershelf.loaders.store.database import Store

# Text that looks like pages: header lines, metadata lines, blank lines and arbitrary characters.
LINES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "",
            "   ",
            "Subscribe",
            "new",
            "Daily Papers",
            "Get trending papers in your email inbox!",
            "  \u2022 7 authors",
            "\u00b7",
            "Feb 7, 2024 3",
            "Feb 30, 2024",
            "AGI-LAB-HF AGI Lab",
            "\x1b[31mred\x1b[0m [bold]x[/]",
            "\x1b]52;c;ZXZpbA==\x07",
        ]
    ),
)
PAGES = st.lists(LINES, max_size=40).map("\n".join)


def has_control(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" or c == "\ufffd" for c in text)


def parsed_texts(path: Path) -> list[str]:
    texts = []
    for batch in parse_here(path).batches:
        for row in batch.rows:
            paper = paper_from_row(row)
            texts += [str(getattr(paper, name)) for name in MERGED_FIELDS]
        texts += [skipped.title for skipped in batch.skipped]
    return texts


def check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.txt"
        path.write_bytes(data)
        try:
            texts = parsed_texts(path)
        except InputError as error:
            assert "\n" not in str(error)
            return
        assert not any(has_control(text) for text in texts)


@settings(max_examples=300, deadline=None)
@given(PAGES, st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]), st.sampled_from(["\n", "\r\n", "\r"]))
def test_parser_never_raises_and_never_keeps_a_control_character(page, encoding, newline):
    check(page.replace("\n", newline).encode(encoding, errors="surrogatepass"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_parsed_or_refused(data):
    check(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(PAGES)
def test_loading_arbitrary_text_keeps_the_store_clean(tmp_path, page):
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8", errors="surrogatepass")
    with Store(tmp_path / "store.db") as store:
        before = store.paper_count()
        try:
            load_file(store, path)
        except InputError:
            assert store.paper_count() == before
        for paper in store.papers():
            assert not has_control(paper.title + paper.abstract + str(paper.org_name))


TRICKY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(" \n\t\x1b\x7f\x9b\u00a0\u200b\u200d\u202e\u2028\ufeff\ufffd\U000e0041"),
    ),
    max_size=40,
)


@given(TRICKY)
def test_cleanings_fast_path_agrees_with_the_full_cleaning(text):
    from papershelf.loaders.intake import _UNSAFE, clean, is_clean
    from papershelf.loaders.text import clean_text

    full = clean_text(text)
    full = full if full.isprintable() else full.translate(_UNSAFE)
    assert clean(text) == full
    assert not is_clean(text) or text == full
