"""Citation formats: BibTeX/biblatex, CSL-JSON (Zotero, pandoc, Quarto), RIS, and bare identifiers.

Every entry is keyed by the paper's stored citation key (`store.citekeys`), so that a `\\cite`
keeps working whatever else is exported. BibTeX is written as UTF-8 for biber/biblatex (and
bibtexparser, pybtex): non-ASCII letters stay as they are, LaTeX's specials are escaped
(`sanitize.bibtex_text`), and restricted fields are left out unless well-formed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TextIO

from papershelf.loaders.models import Paper
from papershelf.loaders.sanitize import bibtex_field, bibtex_text

ARXIV_DOI_PREFIX = "10.48550/arXiv."


def citekey(paper: Paper) -> str:
    """The stored key (a paper not read from a store: `paper<id>`)."""
    return paper.citekey or f"paper{paper.id}"


def paper_date(paper: Paper) -> str | None:
    """The paper's date as ISO: published, else the day a listing showed it, else the month of
    its arXiv id (`YYYY-MM`)."""
    for date in (paper.published, paper.listing_date):
        if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            return date
    return arxiv_month(paper.arxiv_id)


# YYMM.NNNNN since April 2007; archive/YYMMNNN before.
_ARXIV_MONTH = re.compile(
    r"(?:([0-9]{2})([0-9]{2})\.[0-9]{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/([0-9]{2})([0-9]{2})[0-9]{3})(?:v[0-9]+)?"
)


def arxiv_month(arxiv_id: str | None) -> str | None:
    """The month arXiv gave the id, as ISO: `2508.19228` → 2025-08, `hep-th/9901001` → 1999-01
    (arXiv began in 1991)."""
    match = _ARXIV_MONTH.fullmatch(arxiv_id or "")
    if match is None:
        return None
    year, month = (part for part in match.groups() if part is not None)
    if not 1 <= int(month) <= 12:
        return None
    return f"{'19' if int(year) >= 91 else '20'}{year}-{month}"


def split_name(name: str) -> tuple[str, str]:
    """(given, family) of an author as written: "Family, Given" or "Given … Family"."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return given, family
    given, _, family = name.strip().rpartition(" ")
    return given, family


def tags(paper: Paper) -> list[str]:
    """The user's lists the paper is in, as tags."""
    return list(paper.lists)


def arxiv_doi(paper: Paper) -> str | None:
    """The paper's DOI, else the one arXiv registers for every paper."""
    return paper.doi or (ARXIV_DOI_PREFIX + paper.arxiv_id if paper.arxiv_id else None)


def _journal_ref(paper: Paper) -> str | None:
    """Where a journal published the paper (arXiv's metadata), if anywhere."""
    return paper.journal_ref


# BibTeX / biblatex ------------------------------------------------------------------------------


def bibtex_entry(paper: Paper, added: str | None = None) -> str:
    """One entry: @article when a journal published it, else @misc, with arXiv's eprint fields.
    `added` (ISO) is when the paper was first stored: an undated paper was published by then."""
    journal = _journal_ref(paper)
    fields: dict[str, str | None] = {"title": "{" + bibtex_text(paper.title) + "}"}
    if paper.authors:
        fields["author"] = " and ".join(bibtex_text(name) for name in paper.authors)
    if journal:
        fields["journal"] = bibtex_text(journal)
    if date := paper_date(paper):
        fields["year"] = bibtex_field("year", date[:4])
        fields["date"] = bibtex_field("date", date)
    elif added and (day := bibtex_field("date", added[:10])):
        # An open-start range (ISO 8601-2, as biblatex reads dates): on or before the day it was
        # stored, which satisfies biber's date-or-year rule without inventing a publication date.
        fields["date"] = "../" + day
        fields["urldate"] = day
    if paper.arxiv_id:
        fields["eprint"] = bibtex_field("eprint", paper.arxiv_id)
        # Classic BibTeX styles read archivePrefix and primaryClass; biber maps them to biblatex's
        # eprinttype and eprintclass, unless those are given too (then it warns of both).
        fields["archivePrefix"] = "arXiv"
        if paper.categories:
            fields["primaryClass"] = bibtex_field("primaryclass", paper.categories[0])
    fields["doi"] = bibtex_field("doi", paper.doi)
    fields["url"] = bibtex_field("url", paper.link)
    if paper.org_name:
        fields["organization"] = bibtex_text(paper.org_name)
    if paper.lists:
        fields["keywords"] = ", ".join(bibtex_text(name.replace(",", " ")) for name in paper.lists)
    fields["abstract"] = bibtex_text(paper.abstract)
    if paper.note:
        fields["annote"] = bibtex_text(paper.note)
    kind = "article" if journal else "misc"
    lines = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@{kind}{{{citekey(paper)},\n{lines}\n}}\n"


def write_bibtex(papers: Iterable[Paper], out: TextIO, added: Mapping[int, str] | None = None) -> int:
    """Write one entry per paper; `added` maps paper ids to when each was stored (`bibtex_entry`)."""
    count = 0
    for paper in papers:
        out.write(bibtex_entry(paper, (added or {}).get(paper.id or 0)) + "\n")
        count += 1
    return count


# CSL-JSON ---------------------------------------------------------------------------------------


def csl_item(paper: Paper) -> dict:
    """The paper as a CSL-JSON item (https://citationstyles.org, the CSL data schema)."""
    item: dict = {"id": citekey(paper), "type": "article", "title": paper.title}
    if paper.authors:
        item["author"] = [_csl_name(name) for name in paper.authors]
    if date := paper_date(paper):
        item["issued"] = {"date-parts": [[int(part) for part in date.split("-")]]}
    if journal := _journal_ref(paper):
        item["type"] = "article-journal"
        item["container-title"] = journal
    if paper.arxiv_id:
        item["number"] = f"arXiv:{paper.arxiv_id}"
        item["publisher"] = "arXiv"
    if doi := arxiv_doi(paper):
        item["DOI"] = doi
    item["URL"] = paper.link
    item["abstract"] = paper.abstract
    if paper.note:
        item["note"] = paper.note
    if paper.lists:
        item["keyword"] = ", ".join(paper.lists)
    return item


def _csl_name(name: str) -> dict:
    given, family = split_name(name)
    return {"given": given, "family": family} if given else {"literal": family}


def write_csljson(papers: Iterable[Paper], out: TextIO) -> int:
    count = 0
    out.write("[")
    for count, paper in enumerate(papers, 1):
        out.write(",\n" if count > 1 else "\n")
        out.write(json.dumps(csl_item(paper), ensure_ascii=False, indent=2))
    out.write("\n]\n")
    return count


# RIS --------------------------------------------------------------------------------------------


def ris_entry(paper: Paper) -> dict:
    """The paper as a rispy entry (RIS tags by rispy's names)."""
    entry: dict = {"type_of_reference": "JOUR" if _journal_ref(paper) else "GEN", "id": citekey(paper)}
    entry["title"] = _one_line(paper.title)
    if paper.authors:
        entry["authors"] = [
            ", ".join(part for part in reversed(split_name(a)) if part) for a in paper.authors
        ]
    if date := paper_date(paper):
        entry["year"] = date[:4]
        entry["date"] = date.replace("-", "/")
    if journal := _journal_ref(paper):
        entry["journal_name"] = _one_line(journal)
    if doi := arxiv_doi(paper):
        entry["doi"] = doi
    entry["urls"] = [paper.link]
    entry["abstract"] = _one_line(paper.abstract)
    if paper.arxiv_id:
        entry["publisher"] = "arXiv"
        entry["number"] = f"arXiv:{paper.arxiv_id}"
    if paper.lists:
        entry["keywords"] = [_one_line(name) for name in paper.lists]
    if paper.note:
        entry["notes"] = [_one_line(paper.note)]
    return entry


def _ris_name(name: str) -> str:
    given, family = split_name(name)
    return f"{_one_line(family)}, {_one_line(given)}" if given else _one_line(family)


def _one_line(text: str) -> str:
    """RIS is one tag a line: a value with a line break would start a bogus tag."""
    return " ".join(text.split())


def write_ris(papers: Iterable[Paper], out: TextIO) -> int:
    import rispy

    entries = [ris_entry(paper) for paper in papers]
    rispy.dump(entries, out)
    return len(entries)


# Identifiers ------------------------------------------------------------------------------------


def identifiers(paper: Paper) -> Iterator[str]:
    """What Zotero's "Add item by identifier" takes: the arXiv id, else the DOI (else nothing)."""
    if paper.arxiv_id:
        yield f"arXiv:{paper.arxiv_id}"
    elif paper.doi:
        yield paper.doi


def write_ids(papers: Iterable[Paper], out: TextIO) -> int:
    """One identifier a line; papers without one are left out (and not counted)."""
    count = 0
    for paper in papers:
        for identifier in identifiers(paper):
            if re.fullmatch(r"[\x21-\x7e]+", identifier):
                out.write(identifier + "\n")
                count += 1
    return count
