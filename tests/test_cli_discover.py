"""`papershelf similar`, `recommend` and `digest` on the sample."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import DATA, SAMPLE

JUDGED = json.loads((DATA / "discovery_judged.json").read_text())
SPECULATIVE = JUDGED["recommend"]["speculative decoding"]


def loaded(run) -> dict[str, int]:
    """Load the sample; return each title's id."""
    assert run("load", *map(str, SAMPLE.values())).exit_code == 0
    records = [json.loads(line) for line in run("export").stdout.splitlines()]
    return {record["title"]: record["id"] for record in records}


def picks(run) -> list[dict]:
    """The first three picks of `recommend --json`."""
    return json.loads(run("recommend", "--limit", "3", "--json").stdout)["picks"]


def test_similar_embeds_first_then_lists_the_nearest_papers(run):
    ids = loaded(run)
    kv = JUDGED["recommend"]["kv cache compression"]
    result = run("similar", str(ids[kv[0]]), "--limit", "5", "--json")
    assert result.exit_code == 0 and "computing the vectors of 334 papers" in result.stderr
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and document["paper"] == ids[kv[0]]
    found = document["similar"]
    assert len(found) == 5 and {"id", "title", "link", "score"} <= set(found[0])
    assert len({paper["title"] for paper in found} & set(kv)) >= 2
    again = run("similar", str(ids[kv[0]]), "--limit", "2")
    assert again.stderr == "" and len(again.stdout.splitlines()) == 2  # nothing left to embed


def test_similar_to_an_unknown_paper_is_one_line(run):
    loaded(run)
    result = run("similar", "99999")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "99999" in result.stderr


def test_recommend_says_how_to_start_then_ranks_with_reasons(run):
    ids = loaded(run)
    first = run("recommend")
    assert first.exit_code == 0 and first.stdout == "" and "star at least 2 papers" in first.stderr
    assert run("star", *(str(ids[t]) for t in SPECULATIVE[:3])).exit_code == 0
    document = json.loads(run("recommend", "--limit", "10", "--json").stdout)
    picks = document["picks"]
    assert document["schema_version"] == 1
    assert len(picks) == 10 and all(p["like"]["title"] in SPECULATIVE[:3] for p in picks)
    assert len({p["title"] for p in picks} & set(SPECULATIVE)) >= 5
    text = run("recommend", "--limit", "2").stdout.splitlines()
    assert len(text) == 4 and text[1].strip().startswith("like: ")
    assert "no list named" in run("recommend", "--list", "nope").stderr
    assert "no paper to recommend" in run("recommend", "--since", "2999-01-01").stderr


def test_digest_prints_the_days_picks_in_markdown_or_text(run):
    ids = loaded(run)
    assert "star at least 2" in run("digest").stderr
    run("star", *(str(ids[t]) for t in SPECULATIVE[:3]))
    markdown = run("digest", "--limit", "3").stdout
    assert markdown.startswith("# For you: papers since ") and markdown.count("\n1. [") == 1
    assert "*like: " in markdown
    text = run("digest", "--format", "text", "--limit", "3", "--since", "2000-01-01").stdout
    assert text.startswith("For you: papers since 2000-01-01") and " 3. " in text
    bad = run("digest", "--since", "yesterday")
    assert bad.exit_code == 2 and "YYYY" not in bad.stdout


def test_help_imports_neither_the_word_model_nor_discovery():
    code = (
        "import sys, papershelf.tui.cli\n"
        "print([m for m in sys.modules if m.startswith(('wordllama', 'papershelf.loaders.discovery'))])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout == "[]\n", out.stderr


def test_not_for_me_leaves_a_paper_out_of_recommend_until_undone(run):
    ids = loaded(run)
    run("star", *(str(ids[t]) for t in SPECULATIVE[:3]))
    first = picks(run)[0]["id"]
    assert run("not-for-me", str(first)).stdout == "1 paper marked not for me\n"
    assert first not in [p["id"] for p in picks(run)]
    assert run("not-for-me", "--undo", str(first)).exit_code == 0
    assert first == picks(run)[0]["id"]
    assert "no paper with id 99999" in run("not-for-me", "99999").stderr
