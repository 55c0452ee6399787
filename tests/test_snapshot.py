"""The arXiv metadata snapshot: records, compressions, filters, bad lines, merging with other sources."""

from __future__ import annotations

import bz2
import gzip
import json
import zipfile
from pathlib import Path

import pytest
import zstandard

from conftest import DATA, write
from papershelf.loaders.intake import admit_paper
from papershelf.loaders.sources import load as load_module
from papershelf.loaders.sources.load import load_file
from papershelf.loaders.sources.reading import InputError
from papershelf.loaders.sources.snapshot import Wanted, paper_from_record, read_snapshot
from papershelf.loaders.store.database import Store
from papershelf.loaders.store.digests import KnownLines

SNAPSHOT = DATA / "arxiv_snapshot.jsonl"
GOOD_LINES = [
    line
    for line in SNAPSHOT.read_bytes().split(b"\n")
    if line.startswith(b'{"id": "') and line.endswith(b"}")
]


def by_arxiv_id(store: Store) -> dict:
    return {paper.arxiv_id: paper for paper in store.papers()}


def test_records_become_papers_whitespace_collapsed_tex_kept(store):
    report = load_file(store, SNAPSHOT)
    papers = by_arxiv_id(store)
    assert set(papers) == {"0704.0001", "0704.0002", "hep-th/9901001", "2401.01234", "2312.11805"}
    diphoton = papers["0704.0001"]
    assert (
        diphoton.title
        == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert diphoton.abstract.startswith(
        "A fully differential calculation in perturbative quantum chromodynamics is presented"
    )
    assert diphoton.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert (diphoton.published, diphoton.updated) == (
        "2007-04-02",
        "2008-11-13",
    )  # first version, last update
    assert diphoton.journal_ref == "Phys.Rev.D76:013009,2007"
    assert diphoton.doi == "10.1103/PhysRevD.76.013009"
    assert diphoton.comment == "37 pages, 15 figures; published version"
    assert papers["0704.0002"].categories == ["math.CO", "cs.CG"]
    assert r"$(k,\ell)$-pebble game" in papers["0704.0002"].abstract
    assert papers["hep-th/9901001"].published == "1999-01-01"
    unicode_names = papers["2401.01234"]
    assert unicode_names.authors == ["Zoë Müller", "José Ñúñez", "王小明", "John Smith Jr"]
    assert (
        unicode_names.title == r"Réflexions sur les modèles de langue: $\alpha$-divergences for LLM alignment"
    )
    assert papers["2312.11805"].authors == [
        "Gemini Team",
        "Rohan Anil",
        "Sebastian Borgeaud",
    ]  # no authors_parsed
    assert papers["2312.11805"].doi is None and papers["2312.11805"].journal_ref is None
    assert report.bad_count == 2 and [bad.number for bad in report.bad_lines] == [3]
    assert report.truncated is not None and report.truncated.number == 8


def test_control_characters_from_json_escapes_are_removed():
    record = {"id": "2401.00002", "title": "Evil\u001b[31m red\u0007", "abstract": "a\u009f b\ufffd c"}
    line = json.dumps(record).encode()
    paper = next(iter(_entries_of(line)))
    assert paper.title == "Evil red" and paper.abstract == "a b c"


def _entries_of(content: bytes) -> list:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "snapshot.json"
        path.write_bytes(content + b"\n")
        return list(read_snapshot(path))


@pytest.mark.parametrize(
    "record",
    [
        {"id": "not an id", "title": "T"},
        {"id": "2401.00001", "title": "   "},
        {"id": 2401.00001, "title": "T"},
    ],
)
def test_a_record_without_a_valid_id_or_title_is_no_paper(record):
    assert paper_from_record(record) is None


@pytest.mark.parametrize("line", GOOD_LINES)
def test_the_typed_decoder_and_the_careful_path_make_the_same_paper(line):
    from papershelf.loaders.sources.snapshot import _DECODE, _collapse, _paper

    assert _paper(_DECODE(line), _collapse) == paper_from_record(json.loads(line), _collapse) is not None


def test_a_field_of_another_type_is_left_out_and_the_rest_kept():
    record = {
        "id": "2401.00003",
        "title": "Typed \ud800 badly",  # a lone surrogate: refused by the fast decoder, kept as U+FFFD
        "doi": 10.1234,
        "comments": ["no"],
        "authors_parsed": [["Müller", "Zoë", ""], [1, 2], "x", ["Smith", "John", "Jr"]],
        "versions": [{"version": "v1", "created": "Mon, ²2 Apr 2007 19:18:42 GMT"}],
        "update_date": 2024,
        "abstract": "NaN, which Python's json reads and msgspec does not",
    }
    line = json.dumps(record).replace('"NaN, which Python\'s json reads and msgspec does not"', "NaN")
    [paper] = _entries_of(line.encode())
    assert admit_paper(paper).title == "Typed \ufffd badly"
    assert paper.authors == ["Zoë Müller", "John Smith Jr"]
    assert (paper.doi, paper.comment, paper.published, paper.updated, paper.abstract) == (None,) * 4 + ("",)


@pytest.mark.parametrize("compress", ["gzip", "bzip2", "zstd", "zip"])
def test_compressed_snapshots_are_recognised_by_content(tmp_path, compress):
    content = b"\n".join(GOOD_LINES) + b"\n"
    path = tmp_path / "download.bin"  # the name says nothing
    if compress == "gzip":
        path.write_bytes(gzip.compress(content))
    elif compress == "bzip2":
        path.write_bytes(bz2.compress(content))
    elif compress == "zstd":
        path.write_bytes(zstandard.ZstdCompressor().compress(content))
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("arxiv-metadata-oai-snapshot.json", content)
    with Store(tmp_path / "s.db") as store:
        report = load_file(store, path)
        assert report.counts.new == len(GOOD_LINES) == 5
        assert report.bad_count == 0 and report.truncated is None


def test_a_truncated_gzip_loads_what_it_holds_and_says_so(tmp_path, store):
    records = [{"id": f"2401.{n:05d}", "title": f"Paper {n}", "abstract": f"{n} " * 200} for n in range(3000)]
    content = gzip.compress("\n".join(map(json.dumps, records)).encode() + b"\n")
    path = write(tmp_path / "cut.json.gz", content[: len(content) // 2])
    report = load_file(store, path)
    assert report.truncated is not None and "gzip" in report.truncated.reason
    assert 0 < store.paper_count() < 3000


def test_a_compressed_file_that_is_no_snapshot_is_refused_in_one_line(tmp_path, store):
    path = write(tmp_path / "notes.gz", gzip.compress(b"just some text\n"))
    with pytest.raises(InputError, match="gzip file that is not an arXiv metadata snapshot"):
        load_file(store, path)


def test_a_file_of_bad_lines_only_is_refused(tmp_path, store):
    path = write(tmp_path / "bad.json", '{"id": "2401.00001", "title": "T"\n{"id": "x", "title": "y"}\n')
    with pytest.raises(InputError, match="no arXiv records found"):
        load_file(store, path)
    assert store.paper_count() == 0


def test_filters_by_category_prefix_and_date(store):
    report = load_file(store, SNAPSHOT, wanted=Wanted.parse("cs.CL,math.", None))
    assert set(by_arxiv_id(store)) == {"0704.0002", "2401.01234", "2312.11805"}
    assert report.filtered == 2
    assert Wanted.parse("cs", None).keeps(by_arxiv_id(store)["0704.0002"])  # an archive: all of cs.*
    assert not Wanted.parse("cs.C", None).keeps(by_arxiv_id(store)["0704.0002"])  # no dot: exact


def test_since_keeps_papers_first_published_on_or_after(tmp_path):
    with Store(tmp_path / "since.db") as store:
        load_file(store, SNAPSHOT, wanted=Wanted.parse(None, "2023-12-19"))
        assert set(by_arxiv_id(store)) == {"2401.01234", "2312.11805"}
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        Wanted.parse(None, "last week")


def test_loading_again_changes_nothing(store):
    load_file(store, SNAPSHOT)
    before = store.conn.execute("SELECT * FROM papers ORDER BY id").fetchall()
    report = load_file(store, SNAPSHOT)
    assert (report.counts.new, report.counts.updated) == (0, 0)
    assert store.conn.execute("SELECT * FROM papers ORDER BY id").fetchall() == before


def test_a_page_copied_paper_and_an_api_paper_become_one_record_user_data_kept(tmp_path, store):
    page = write(
        tmp_path / "page.txt",
        "new\n\nSubscribe\n\nDaily Papers\n\nJun 18\n\n"
        "Sparsity-certifying Graph Decompositions\n\n"
        "We describe a new algorithm, the pebble game with colors, used for sparse graphs and more.\n\n"
        "Gemini: A Family of Highly Capable Multimodal Models\n\n"
        "This report introduces a new family of multimodal models, Gemini, with more text here.\n",
    )
    load_file(store, page)
    ids = {paper.title: paper.stored_id for paper in store.papers()}
    store.set_starred([ids["Sparsity-certifying Graph Decompositions"]], True)
    load_file(store, SNAPSHOT)
    papers = by_arxiv_id(store)
    assert store.paper_count() == 5
    sparse = papers["0704.0002"]
    assert sparse.id == ids["Sparsity-certifying Graph Decompositions"] and sparse.starred
    assert sparse.abstract.startswith("We describe a new algorithm, the $(k,\\ell)$-pebble game")
    assert len(sparse.sources) == 2


def test_a_snapshot_is_saved_in_steps_and_ctrl_c_keeps_the_steps_before(tmp_path, store, monkeypatch):
    lines = [json.dumps({"id": f"2401.{n:05d}", "title": f"Paper {n}", "abstract": "x"}) for n in range(2500)]
    path = write(tmp_path / "big.json", "\n".join(lines) + "\n")
    monkeypatch.setattr(load_module, "STEP_SECONDS", 0)  # a step per batch
    monkeypatch.setattr(load_module, "PAUSE_SECONDS", 0)
    monkeypatch.setattr("papershelf.loaders.sources.parsing.BATCH", 500)
    other = Store(store.path)
    other.conn.execute("PRAGMA busy_timeout = 0")  # between two steps the lock is free: no waiting

    def interrupt(found: int) -> None:
        other.set_starred([found], True)
        if found >= 2000:
            raise KeyboardInterrupt

    with pytest.raises(load_module.PartlyLoaded) as stopped:
        load_file(store, path, on_papers=interrupt)
    assert stopped.value.papers == 2000 and store.paper_count() == 2000
    assert [paper.id for paper in store.papers(starred_only=True)] == [500, 1000, 1500, 2000]
    other.close()
    report = load_file(store, path)
    assert (report.counts.new, store.paper_count()) == (500, 2500)
    store.conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('integrity-check')")
    assert store.conn.execute("SELECT count(*) FROM papers_fts").fetchone()[0] == 2500


def test_the_cli_reports_bad_lines_by_number_and_a_cut_last_line(run):
    result = run("load", str(SNAPSHOT))
    assert result.exit_code == 0
    assert "5 papers (5 new" in result.stdout
    assert "1 line skipped, not arXiv records (line 3" in result.stderr
    assert "the last line (8) is incomplete" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_filters_and_refuses_a_bad_date(run):
    assert "left out by the filters" in run("load", "--category", "hep-ph", str(SNAPSHOT)).stdout
    result = run("load", "--since", "yesterday", str(SNAPSHOT))
    assert result.exit_code != 0 and "--since expects a date" in result.stderr


def test_the_progress_bar_is_told_bytes_and_papers():
    from papershelf.tui.cli.load import _Meter

    class Bar:
        pos = 0

        def update(self, step: int) -> None:
            self.pos += step

    meter = _Meter(Bar())
    assert meter.rate(None) == ""
    meter(4096)
    meter.count_papers(1500)
    assert meter.bar.pos == 4096
    assert meter.rate(None).startswith("1,500 papers, ") and meter.rate(None).endswith("/s")


def test_a_paper_indexed_earlier_in_a_step_is_indexed_again_when_a_later_batch_changes_it(
    tmp_path, store, monkeypatch
):
    monkeypatch.setattr("papershelf.loaders.sources.parsing.BATCH", 2)
    records = [
        {"id": "2401.00001", "title": "Alpha one", "abstract": "first"},
        {"id": "2401.00002", "title": "Beta", "abstract": "second"},
        {"id": "2401.00001", "title": "Alpha two", "abstract": "first again"},
    ]
    load_file(store, write(tmp_path / "twice.json", "\n".join(map(json.dumps, records)) + "\n"))
    store.conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('integrity-check')")
    match = "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?"
    assert [store.conn.execute(match, [word]).fetchall() for word in ("two", "one", "again")] == [
        [(1,)],
        [],
        [(1,)],
    ]


def test_loading_again_skips_the_lines_it_holds_unchanged_and_reads_a_changed_one(
    tmp_path, store, monkeypatch
):
    from papershelf.loaders.sources import snapshot

    path = write(tmp_path / "snapshot.json", b"\n".join(GOOD_LINES) + b"\n")
    load_file(store, path)
    store.set_starred([1], True)
    read = []
    monkeypatch.setattr(
        snapshot,
        "_paper",
        lambda record, clean, made=snapshot._paper: read.append(record.id) or made(record, clean),
    )
    report = load_file(store, path)
    assert (report.counts.found, report.counts.new, report.counts.updated, read) == (5, 0, 0, [])
    changed = GOOD_LINES[1].replace(b"Sparsity-certifying", b"Sparsity-certifying, revised,")
    write(path, b"\n".join([GOOD_LINES[0], changed, *GOOD_LINES[2:]]) + b"\n")
    report = load_file(store, path)
    assert (report.counts.found, report.counts.updated, read) == (5, 1, ["0704.0002"])
    assert by_arxiv_id(store)["0704.0002"].title.startswith("Sparsity-certifying, revised,")
    assert load_file(store, path, wanted=Wanted(("math.CO",))).counts.found == 1  # a filter reads all
    monkeypatch.setattr(snapshot, "PARSER_VERSION", b"snapshot-next")  # a papershelf that reads more
    read.clear()
    assert load_file(store, path).counts.found == 5 and len(read) == 5
    assert [p.id for p in store.papers(starred_only=True)] == [1]


def test_a_line_is_skipped_only_when_its_own_digest_is_known(tmp_path, store):
    from papershelf.loaders.sources.snapshot import UNCHANGED

    lines = [json.dumps({"id": "2401.00001", "title": title, "abstract": "x"}) for title in ("One", "Two")]
    path = write(tmp_path / "twice.json", "\n".join(lines) + "\n")
    load_file(store, path)
    known = KnownLines(store.path, str(path.resolve())).open()
    assert known is not None
    write(path, "\n".join(reversed(lines)) + "\n")
    entries = list(read_snapshot(path, unchanged=known.unchanged))
    known.close()
    assert entries[0] is not UNCHANGED and entries[1] is UNCHANGED  # the first line's digest is stored
    assert KnownLines(store.path, "never loaded").open() is None
