"""Write papers out as JSON Lines, JSON, CSV, a Markdown reading list, or a citation format
(BibTeX, CSL-JSON, RIS, identifiers: `citations`)."""

from __future__ import annotations

import csv
import datetime
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TextIO

from papershelf.loaders.export import citations
from papershelf.loaders.models import DETAIL_FIELDS, Paper
from papershelf.loaders.sanitize import csv_cell, exportable, terminal

FORMATS = ("jsonl", "json", "csv", "markdown", "bibtex", "csljson", "ris", "ids")
# Formats written as a folder of files rather than to a stream (`export.obsidian`).
FOLDER_FORMATS = ("obsidian",)

EXPORT_FIELDS = (
    "id",
    "citekey",
    "title",
    "abstract",
    "authors_count",
    "org_id",
    "org_name",
    "published",
    "published_text",
    "upvotes",
    "urls",
    "arxiv_id",
    "listing_date",
    "listing_date_text",
    *DETAIL_FIELDS,
    "link",
    "links",
    "starred",
    "starred_at",
    "sources",
    "lists",
    "note",
    "read",
    "read_at",
)
# In CSV, a list is written as its items, one a line.
_CSV_LISTS = ("urls", "sources", "lists", "authors", "categories", "ai_keywords", "links")
AUTHORS_SHOWN = 3


def export(
    papers: Iterable[Paper],
    format: str,
    out: TextIO,
    title: str = "Reading list",
    added: Mapping[int, str] | None = None,
) -> int:
    """Write `papers` to `out` in `format`; return how many were written. `title` heads Markdown;
    `added` (paper id → when first stored) dates BibTeX's undated papers (`citations.bibtex_entry`).

    Fill in the user's data first (`userdata.annotate`) for the `lists`, `note` and `read` fields.
    """
    papers = map(exportable, papers)  # the output boundary: no text acts on a terminal
    if format == "markdown":
        return write_markdown(papers, out, terminal(title))
    if format == "bibtex":
        return citations.write_bibtex(papers, out, added)
    return WRITERS[format](papers, out)


def paper_record(paper: Paper) -> dict:
    return {name: paper.links() if name == "links" else getattr(paper, name) for name in EXPORT_FIELDS}


def write_jsonl(papers: Iterable[Paper], out: TextIO) -> int:
    count = 0
    for paper in papers:
        out.write(json.dumps(paper_record(paper), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_json(papers: Iterable[Paper], out: TextIO) -> int:
    count = 0
    out.write("[")
    for count, paper in enumerate(papers, 1):
        out.write(",\n" if count > 1 else "\n")
        out.write(json.dumps(paper_record(paper), ensure_ascii=False, indent=2))
    out.write("\n]\n")
    return count


def write_csv(papers: Iterable[Paper], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    count = 0
    for paper in papers:
        count += 1
        record = paper_record(paper)
        for name in _CSV_LISTS:
            record[name] = "\n".join(record[name] or ())
        writer.writerow({name: csv_cell(value) for name, value in record.items()})
    return count


# Markdown ---------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s+(?=[A-Z0-9])|$)")


def markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def first_sentence(text: str) -> str:
    match = _SENTENCE.match(text)
    return match.group(1) if match else text


def write_markdown(papers: Iterable[Paper], out: TextIO, title: str = "Reading list") -> int:
    """A readable reading list: each paper's title linked, date and organization, the first sentence
    of its abstract, its links and the user's note (as written: it may be Markdown itself)."""
    body: list[str] = []
    count = 0
    for count, paper in enumerate(papers, 1):
        body.append(f"{count}. **[{markdown_escape(paper.title)}](<{paper.link}>)**  ")
        if details := " · ".join(_details(paper)):
            body.append(f"   {markdown_escape(details)}  ")
        body.append(f"   {markdown_escape(first_sentence(paper.abstract))}")
        if links := paper.links()[1:]:
            body.append("   Links: " + ", ".join(f"<{url}>" for url in links))
        if paper.note:
            body.append("")
            body.extend(f"   > {line}".rstrip() for line in paper.note.split("\n"))
        body.append("")
    today = datetime.date.today().isoformat()
    heading = markdown_escape(" ".join(title.split()))
    out.write(f"# {heading}\n\n{count:,} papers, exported from papershelf on {today}.\n\n")
    out.write("\n".join(body))
    return count


def _details(paper: Paper) -> list[str]:
    details = []
    if paper.published_text:
        details.append(paper.published_text)
    if paper.org_name:
        details.append(paper.org_name)
    if paper.authors:
        shown = ", ".join(paper.authors[:AUTHORS_SHOWN])
        details.append(shown + (" et al." if len(paper.authors) > AUTHORS_SHOWN else ""))
    elif paper.authors_count:
        details.append(f"{paper.authors_count} author{'s' * (paper.authors_count != 1)}")
    if paper.upvotes is not None:
        details.append(f"{paper.upvotes} upvote{'s' * (paper.upvotes != 1)}")
    return details


WRITERS: dict[str, Callable[[Iterable[Paper], TextIO], int]] = {
    "jsonl": write_jsonl,
    "json": write_json,
    "csv": write_csv,
    "markdown": write_markdown,
    "bibtex": citations.write_bibtex,
    "csljson": citations.write_csljson,
    "ris": citations.write_ris,
    "ids": citations.write_ids,
}
