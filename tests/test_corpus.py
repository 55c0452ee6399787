"""The realistic benchmark corpus: a vocabulary that keeps growing, fields a loader accepts."""

from __future__ import annotations

import json
import re

from benchmarks import corpus
from benchmarks.generate import generate_papers, write_shape
from papershelf.loaders.sources.page import parse_page
from papershelf.loaders.sources.reading import open_text, read_lines

N = 1500


def texts(papers) -> list[str]:
    return [f"{p.title} {p.abstract}" for p in papers]


def test_the_vocabulary_keeps_growing_as_heaps_law_says():
    made = list(corpus.papers(4 * N))
    tokens_n, distinct_n = corpus.distinct_tokens(texts(made[:N]))
    tokens_4n, distinct_4n = corpus.distinct_tokens(texts(made))
    assert distinct_4n / distinct_n > 1.7  # √4 = 2 at large n; the head's fixed words lower it a little
    assert 0.8 < distinct_4n / corpus.heaps_expected(tokens_4n) < 1.5
    assert tokens_4n > 3.5 * tokens_n


def test_the_old_corpus_stops_growing_which_is_why_this_one_exists():
    old = [f"{title} {abstract}" for title, abstract, _ in generate_papers(4 * N)]
    _, distinct_n = corpus.distinct_tokens(old[:N])
    _, distinct_4n = corpus.distinct_tokens(old)
    assert distinct_4n / distinct_n < 1.3


def test_same_seed_same_papers_another_seed_others():
    assert list(corpus.papers(50)) == list(corpus.papers(50))
    assert [p.title for p in corpus.papers(50, seed=1)] != [p.title for p in corpus.papers(50)]


def test_papers_have_unique_ids_and_titles_and_every_field_a_listing_has():
    made = list(corpus.papers(3000))
    assert len({p.arxiv_id for p in made}) == len({p.title for p in made}) == len(made)
    old = [p for p in made if "/" in (p.arxiv_id or "")]
    new = [p for p in made if re.fullmatch(r"\d{4}\.\d{4,5}", p.arxiv_id or "")]
    assert old and new and len(old) + len(new) == len(made)
    assert all(p.published and p.published < "2007-04" for p in old)
    for p in made:
        assert p.title and p.abstract and p.authors and p.categories and p.listing_date
        assert p.authors_count == len(p.authors)
    assert any(p.org_name for p in made) and any(p.org_name is None for p in made)
    assert any(p.github_repo for p in made) and any(p.upvotes is not None for p in made)


def test_the_vocabulary_holds_technical_tokens():
    words = " ".join(texts(corpus.papers(2000))).split()
    assert any(re.fullmatch(r"[A-Z]{2,5}\d?", w) for w in words)  # acronyms
    assert any(re.fullmatch(r"[A-Z][a-z]+\d(\.\d)?-\d+(\.\d)?B", w) for w in words)  # model names
    assert any(re.fullmatch(r"[a-z]+-[a-z]+", w) for w in words)  # compounds
    assert any(w.startswith("$") for w in words)  # TeX
    assert any(re.fullmatch(r"\d+\.\d%?", w.rstrip(",.")) for w in words)  # numbers


def test_page_copies_of_it_parse_back_to_its_papers(tmp_path):
    path = tmp_path / "spaced_metadata.txt"
    write_shape(path, "spaced_metadata", 300, corpus="realistic")
    parsed = [e for e in parse_page(read_lines(open_text(path))).entries if hasattr(e, "abstract")]
    made = list(corpus.papers(300))
    assert [p.title for p in parsed] == [p.title for p in made]
    assert [p.abstract for p in parsed] == [p.abstract for p in made]
    assert [p.published for p in parsed] == [p.published for p in made]
    assert [p.org_name for p in parsed] == [p.org_name for p in made]


def test_snapshot_lines_are_the_arxiv_snapshot_shape():
    paper = next(corpus.papers(1))
    record = json.loads(corpus.arxiv_snapshot_line(paper))
    assert record["id"] == paper.arxiv_id
    assert " ".join(record["title"].split()) == paper.title
    assert " ".join(record["abstract"].split()) == paper.abstract
    assert record["categories"].split() == paper.categories
    assert [" ".join(reversed(a[:2])) for a in record["authors_parsed"]] == paper.authors
    assert record["versions"][0]["version"] == "v1"
