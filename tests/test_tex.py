"""TeX in titles and abstracts rendered for reading where certain, literal otherwise."""

from __future__ import annotations

# ruff: noqa: RUF001
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import settle
from papershelf.loaders.tex import render_tex


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (r"C$^2$DLM: Causal Concept-Guided Diffusion", "C²DLM: Causal Concept-Guided Diffusion"),
        (r"up to 93.72\% GPU memory", "up to 93.72% GPU memory"),
        (r"a $\alpha$-divergence", "a α-divergence"),
        (r"{\bf x} and {\it y}", "x and y"),
        (r"a \textbf{C}ausal \textbf{C}oncept-Guided \emph{model}", "a Causal Concept-Guided model"),
        (r"tokens\textemdash discrete units", "tokens—discrete units"),
        (r"requires \textless2MB of storage", "requires <2MB of storage"),
        (r"$O(n^2)$ and $\mathcal{O}(n \log n)$", "O(n²) and O(n log n)"),
        (r"Micro F$_1$, $x_{ij}$, $10^{-3}$, $3\times$", "Micro F₁, xᵢⱼ, 10⁻³, 3×"),
        (r"\%TR measures", "%TR measures"),
    ],
)
def test_simple_tex_is_rendered(written: str, shown: str):
    assert render_tex(written) == shown


@pytest.mark.parametrize(
    "written",
    [
        r"We propose \ours, a training-free framework",  # a macro of the paper's own
        r"(\eg, DINOv2)",
        r"costs $5 and $10 a month",  # prices, not math (pandoc's rule)
        r"a $ b $ c",
        r"$\frac{1}{2}$ of the budget",  # no certain one-line form
        r"$\sqrt{2}$",
        r"$\beta^\alpha$",  # Unicode has no superscript alpha
        r"an open $ sign",
        r"{unbalanced",
        "plain title",
    ],
)
def test_what_is_not_certain_stays_literal(written: str):
    assert render_tex(written) == written


TEX_PIECES = st.sampled_from([*"ab1 ^_{}$\\%", "\\alpha", "\\bf", "\\textbf", "\\log"])


@given(st.lists(TEX_PIECES).map("".join))
def test_any_text_renders_without_error(text: str):
    assert isinstance(render_tex(text), str)


@given(st.text().filter(lambda text: "\\" not in text and "$" not in text))
def test_text_without_tex_is_unchanged(text: str):
    assert render_tex(text) == text


async def test_the_reader_shows_titles_and_abstracts_rendered(sample_store, tmp_path, monkeypatch):
    from papershelf.tui.app import PapershelfApp
    from papershelf.tui.widgets.paper_detail import PaperDetail

    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSHELF_STATE", str(tmp_path / "state"))
    app = PapershelfApp(sample_store, tmp_path / "reader.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("slash", *"causal concept guided", "enter")
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        paper_list = app.reader.paper_list
        assert app.state.row(paper_list.cursor).title.startswith("C$^2$DLM")  # stored literally
        assert paper_list.render_line(0).text.startswith(" ● C²DLM: Causal Concept-Guided")
        detail = app.reader.query_one(PaperDetail).plain
        assert detail.startswith("C²DLM: Causal Concept-Guided")
        assert "a Causal Concept-Guided Diffusion Language Model" in detail
        assert "12% with about" in detail and "\\%" not in detail
