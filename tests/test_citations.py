"""Citation formats: BibTeX/biblatex (bibtexparser, pybtex, biber), CSL-JSON, RIS and identifiers."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import bibtexparser
import pytest

from conftest import DATA
from papershelf.loaders.export.view import View, export_view
from papershelf.loaders.userdata import set_note
from papershelf.loaders.userdata.lists import add_to_list, create_list

RICH = dict(
    title="Predicting the Order of Upcoming Tokens: 100% {better} C$^2$",
    abstract="We propose TOP.\nA second line & more.",
    authors=["Zayd Muhammad Kawakibi Zuhri", "Erland Hilman Fuadi", "Alham Fikri Aji"],
    published="2025-08-26",
    arxiv_id="2508.19228",
    categories=["cs.CL", "cs.AI"],
    org_name="MBZUAI & friends",
)


@pytest.fixture
def shelf(sample_store):
    """The sample with one fully described paper (authors, date, arXiv id) in a list, with a note."""
    from papershelf.loaders.models import Paper, paper_row

    with sample_store.write():
        sample_store.merge_rows(None, [paper_row(0, Paper(**RICH))])
    (rich_id,) = sample_store.find_ids(["2508.19228"])[0]
    create_list(sample_store, "To cite")
    add_to_list(sample_store, "To cite", [rich_id, 2])
    sample_store.set_starred([rich_id], True)
    set_note(sample_store, rich_id, "Cite in §2; compare with MTP.")
    return sample_store


def written(store, format: str, view: View | None = None) -> str:
    out = io.StringIO()
    export_view(store, view or View.all_papers(), format, out)
    return out.getvalue()


def test_bibtex_parses_with_stored_keys_and_arxiv_fields(shelf):
    text = written(shelf, "bibtex")
    library = bibtexparser.parse_string(text)
    assert len(library.entries) == 335 and not library.failed_blocks
    keys = dict(shelf.conn.execute("SELECT citekey, id FROM papers"))
    assert {entry.key for entry in library.entries} == set(keys)
    entry = next(e for e in library.entries if e.key == "zuhri2025predicting")
    assert entry.entry_type == "misc"
    assert entry["eprint"] == "2508.19228" and "eprinttype" not in entry.fields_dict
    assert entry["archivePrefix"] == "arXiv" and entry["primaryClass"] == "cs.CL"
    assert entry["date"] == "2025-08-26" and entry["year"] == "2025"
    assert entry["organization"] == r"MBZUAI \& friends" and "institution" not in entry
    assert entry["keywords"] == "Starred, To cite" and entry["annote"].startswith("Cite in §2")
    assert entry["author"] == "Zayd Muhammad Kawakibi Zuhri and Erland Hilman Fuadi and Alham Fikri Aji"
    assert entry["title"] == r"{Predicting the Order of Upcoming Tokens: 100\% \textbraceleft{}better" + (
        r"\textbraceright{} C\$\^{}2\$}"
    )


def test_bibtex_parses_with_pybtex(shelf):
    pybtex = pytest.importorskip("pybtex.database")
    data = pybtex.parse_string(written(shelf, "bibtex"), "bibtex")
    assert len(data.entries) == 335
    entry = data.entries["zuhri2025predicting"]
    assert str(entry.persons["author"][0]) == "Zuhri, Zayd Muhammad Kawakibi"


@pytest.mark.skipif(
    shutil.which("biber") is None, reason="biber is not installed (Debian: apt install biber)"
)
def test_biber_validates_the_datamodel(shelf, tmp_path):
    target = tmp_path / "all.bib"
    target.write_text(written(shelf, "bibtex"), encoding="utf-8")
    result = subprocess.run(
        ["biber", "--tool", "--validate-datamodel", "all.bib"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The sample's 192 papers that no page dated included: biber is quiet.
    assert "WARN" not in result.stdout and "ERROR" not in result.stdout, result.stdout[-2000:]
    assert "INFO - WARNINGS" not in result.stdout
    # What biblatex gets: the arXiv fields as its own, the open-start date of an undated paper.
    read = (tmp_path / "all_bibertool.bib").read_text(encoding="utf-8")
    entry = read[read.index("{zuhri2025predicting,") :].split("\n}")[0]
    fields = ("EPRINT = {2508.19228}", "EPRINTTYPE = {arXiv}", "EPRINTCLASS = {cs.CL}", "DATE = {2025-08-26}")
    assert all(field in entry for field in fields), entry
    assert "ENDYEAR = {" in read[read.index("{hyperofaexpanding,") :].split("\n}")[0]


def test_csljson_validates_against_the_csl_schema(shelf):
    jsonschema = pytest.importorskip("jsonschema")
    items = json.loads(written(shelf, "csljson"))
    jsonschema.validate(items, json.loads((DATA / "csl-data.json").read_text()))
    item = next(i for i in items if i["id"] == "zuhri2025predicting")
    assert item["type"] == "article" and item["number"] == "arXiv:2508.19228"
    assert item["DOI"] == "10.48550/arXiv.2508.19228" and item["issued"] == {"date-parts": [[2025, 8, 26]]}
    assert item["author"][0] == {"given": "Zayd Muhammad Kawakibi", "family": "Zuhri"}
    assert item["keyword"] == "Starred, To cite" and item["note"].startswith("Cite in")
    assert item["URL"] == "https://huggingface.co/papers/2508.19228"


def test_ris_round_trips_through_rispy(shelf):
    rispy = pytest.importorskip("rispy")
    text = written(shelf, "ris", View.named("To cite"))
    entries = rispy.loads(text)
    assert len(entries) == 2
    first = entries[0]
    assert first["id"] == "zuhri2025predicting" and first["type_of_reference"] == "GEN"
    assert first["authors"][0] == "Zuhri, Zayd Muhammad Kawakibi"
    assert first["abstract"] == "We propose TOP. A second line & more."
    assert first["doi"] == "10.48550/arXiv.2508.19228" and first["keywords"] == ["Starred", "To cite"]
    assert first["year"] == "2025" and first["notes"] == ["Cite in §2; compare with MTP."]


def test_ids_are_one_a_line_for_zotero(shelf):
    lines = written(shelf, "ids").splitlines()
    assert "arXiv:2508.19228" in lines
    assert all(line.startswith("arXiv:") or line.startswith("10.") for line in lines)
    arxiv_count = shelf.conn.execute("SELECT count(*) FROM papers WHERE arxiv_id IS NOT NULL").fetchone()[0]
    assert len(lines) == arxiv_count


def test_obsidian_notes_keep_what_the_user_wrote_below_the_marker(run, shelf, tmp_path):
    import yaml

    from papershelf.loaders.export.obsidian import MARKER

    vault = tmp_path / "vault"
    result = run("export", "--list", "To cite", "--format", "obsidian", "-o", str(vault))
    assert result.exit_code == 0 and result.stderr == f"2 papers written to {vault}\n"
    note = vault / "zuhri2025predicting.md"
    text = note.read_text()
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["title"].startswith("Predicting the Order") and meta["year"] == 2025
    assert meta["arxiv"] == "2508.19228" and meta["tags"] == ["paper", "starred", "to-cite"]
    assert meta["starred"] is True and meta["read"] is False and len(meta["added"]) == 10
    assert "Cite in §2" in body and body.rstrip().endswith(MARKER)
    note.write_text(text.replace("Zayd", "Z.") + "My own thoughts.\n\n- [ ] reread §4\n")
    set_note(shelf, shelf.find_ids(["2508.19228"])[0][0], "A new note.")
    run("export", "--list", "To cite", "--format", "obsidian", "-o", str(vault))
    again = note.read_text()
    assert "A new note." in again and "Cite in §2" not in again and "Zayd" in again
    assert again.endswith(MARKER + "\nMy own thoughts.\n\n- [ ] reread §4\n")
    assert sorted(p.name for p in vault.iterdir()) == sorted(
        [note.name, f"{shelf.conn.execute('SELECT citekey FROM papers WHERE id = 2').fetchone()[0]}.md"]
    )


def test_obsidian_needs_a_folder(run, shelf):
    result = run("export", "--format", "obsidian")
    assert result.exit_code == 1 and "give -o FOLDER" in result.stderr


def test_a_journal_reference_makes_an_article(shelf):
    from papershelf.loaders.export.citations import bibtex_entry, csl_item, ris_entry
    from papershelf.loaders.models import Paper

    journal = "Phys. Rev. D 76 (2007)"
    paper = Paper(title="Old Physics", abstract="A.", arxiv_id="0704.0001", journal_ref=journal)
    paper.citekey = "old2007physics"
    entry = bibtexparser.parse_string(bibtex_entry(paper)).entries[0]
    assert entry.entry_type == "article" and entry["journal"] == "Phys. Rev. D 76 (2007)"
    assert csl_item(paper)["type"] == "article-journal" and ris_entry(paper)["type_of_reference"] == "JOUR"


def test_an_undated_paper_is_dated_on_or_before_the_day_it_was_stored(shelf):
    library = bibtexparser.parse_string(written(shelf, "bibtex"))
    entries = {entry.key: entry for entry in library.entries}
    undated = shelf.conn.execute(
        "SELECT citekey, added_at FROM papers WHERE published IS NULL AND listing_date IS NULL"
        " AND arxiv_id IS NULL"
    ).fetchall()
    assert len(undated) == 192
    for key, added in undated:
        assert entries[key]["date"] == "../" + added[:10] and entries[key]["urldate"] == added[:10]
    dated = entries["zuhri2025predicting"]
    assert dated["date"] == "2025-08-26" and "urldate" not in dated.fields_dict


@pytest.mark.parametrize(
    ("arxiv_id", "month"),
    [
        ("2508.19228", "2025-08"),
        ("2508.19228v3", "2025-08"),
        ("0704.0001", "2007-04"),
        ("hep-th/9901001", "1999-01"),
        ("math.GT/0309136v2", "2003-09"),
        ("2513.00001", None),
        ("not-an-id", None),
        (None, None),
    ],
)
def test_a_paper_without_a_date_is_dated_by_its_arxiv_id(arxiv_id, month):
    from papershelf.loaders.export.citations import arxiv_month, bibtex_entry, csl_item, ris_entry
    from papershelf.loaders.models import Paper

    assert arxiv_month(arxiv_id) == month
    paper = Paper(title="Undated", abstract="A.", arxiv_id=arxiv_id, id=1)
    fields = bibtexparser.parse_string(bibtex_entry(paper)).entries[0].fields_dict
    if month is None:
        assert "date" not in fields and "year" not in fields and "issued" not in csl_item(paper)
    else:
        assert fields["date"].value == month and fields["year"].value == month[:4]
        assert csl_item(paper)["issued"] == {"date-parts": [[int(part) for part in month.split("-")]]}
        assert ris_entry(paper)["date"] == month.replace("-", "/")
