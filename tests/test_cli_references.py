"""The command line takes what a user knows of a paper: an id, an arXiv id, or words of its title."""

from __future__ import annotations

from conftest import user_data
from papershelf.loaders.store.database import Store
from papershelf.loaders.userdata import lists

KV = "Attention Is All You Need for KV Cache in Diffusion LLMs"


def test_star_note_and_list_add_by_title_words(run, sample_store: Store):
    kv = next(paper for paper in sample_store.papers() if paper.title == KV)
    assert run("star", "kv cache in DIFFUSION llms").stdout == "1 paper starred\n"
    assert (
        run("note", "all you need for kv cache", "to reproduce").stdout == f"note saved for paper {kv.id}\n"
    )
    assert run("list", "add", "Survey", "attention is all you need for kv").exit_code == 0
    assert lists.list_paper_ids(sample_store, lists.STARRED) == [kv.id]
    assert lists.list_paper_ids(sample_store, "Survey") == [kv.id]
    assert run("unstar", KV).stdout == "1 paper unstarred\n"


def test_several_matches_are_listed_with_ids_and_nothing_changes(run, sample_store: Store):
    before = user_data(sample_store, by_id=True)
    result = run("star", str(sample_store.papers().__next__().id), "diffusion")
    assert result.exit_code == 1
    *listed, error = result.stderr.splitlines()
    assert error.startswith("papershelf: error: ") and "papers match 'diffusion': name one by its id" in error
    assert len(listed) > 1 and all("iffusion" in line for line in listed)
    assert KV in result.stderr and all(line.split()[0].isdigit() for line in listed)  # ids to pick from
    assert user_data(sample_store, by_id=True) == before  # the first reference was not starred either


def test_an_arxiv_id_with_prefix_and_version(run, sample_store: Store):
    paper = next(sample_store.papers())
    with sample_store.write():
        sample_store.conn.execute("UPDATE papers SET arxiv_id = '2601.01234' WHERE id = ?", [paper.id])
    assert run("star", "arXiv:2601.01234v2").stdout == "1 paper starred\n"
    assert lists.list_paper_ids(sample_store, lists.STARRED) == [paper.id]


def test_words_that_name_no_paper(run, sample_store: Store):
    result = run("star", "no title holds these words")
    assert result.exit_code == 1
    assert (
        result.stderr == "papershelf: error: no paper with id no title holds these words; nothing changed\n"
    )
