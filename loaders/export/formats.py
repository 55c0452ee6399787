"""Write papers out as JSON Lines, JSON, CSV, a Markdown reading list or BibTeX."""

from __future__ import annotations

import csv
import datetime
import json
import re
from collections.abc import Callable, Iterable
from typing import TextIO

from papershelf.loaders.models import DETAIL_FIELDS, Paper
from papershelf.loaders.sanitize import bibtex_field, csv_cell, exportable, terminal

FORMATS = ("jsonl", "json", "csv", "markdown", "bibtex")

EXPORT_FIELDS = (
    "id",
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


def export(papers: Iterable[Paper], format: str, out: TextIO, title: str = "Reading list") -> int:
    """Write `papers` to `out` in `format`; return how many were written. `title` heads Markdown.

    Fill in the user's data first (`userdata.annotate`) for the `lists`, `note` and `read` fields.
    """
    papers = map(exportable, papers)  # the output boundary: no text acts on a terminal
    if format == "markdown":
        return write_markdown(papers, out, terminal(title))
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


# BibTeX -----------------------------------------------------------------------------------------

# Text is stored literally, so it is written as LaTeX that prints it literally. Braces become
# \textbrace… commands because BibTeX counts every brace, escaped or not, to find a field's end.
_LATEX = re.compile(r"\\[%&$#_]|\\[{}]|[\\{}%&$#_^~]")
_LATEX_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "^": r"\^{}",
    "~": r"\textasciitilde{}",
}


def latex_escape(text: str) -> str:
    """`text` as LaTeX that prints it as is; `\\%`-style escapes already in it are kept."""

    def replace(match: re.Match) -> str:
        token = match.group()
        if len(token) == 2:
            return _LATEX_REPLACEMENTS[token[1]] if token[1] in "{}" else token
        return _LATEX_REPLACEMENTS.get(token, "\\" + token)

    return _LATEX.sub(replace, text)


def write_bibtex(papers: Iterable[Paper], out: TextIO) -> int:
    keys: set[str] = set()
    count = 0
    for paper in papers:
        count += 1
        key = _unique_key(_citation_key(paper), keys)
        fields = {"title": "{" + latex_escape(paper.title) + "}"}
        if paper.authors:
            fields["author"] = " and ".join(latex_escape(name) for name in paper.authors)
        # Restricted fields only when well-formed (`sanitize.bibtex_field`): no value can close one.
        if year := bibtex_field("year", (paper.published or "")[:4]):
            fields["year"] = year
        if date := bibtex_field("date", paper.published):
            fields["date"] = date
        if eprint := bibtex_field("eprint", paper.arxiv_id):
            fields["eprint"] = eprint
            fields["archiveprefix"] = "arXiv"
            if paper.categories:
                fields["primaryclass"] = latex_escape(paper.categories[0])
        if paper.doi:
            fields["doi"] = latex_escape(paper.doi)
        if url := bibtex_field("url", paper.link):
            fields["url"] = url
        fields["abstract"] = latex_escape(paper.abstract)
        if paper.org_name:
            fields["institution"] = latex_escape(paper.org_name)
        if paper.note:
            fields["annote"] = latex_escape(paper.note)
        lines = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
        out.write(f"@misc{{{key},\n{lines}\n}}\n\n")
    return count


def _citation_key(paper: Paper) -> str:
    words = re.findall(r"[a-z0-9]+", paper.title.lower())
    word = next((w for w in words if len(w) > 2 and w not in _STOP_WORDS), words[0] if words else "")
    year = bibtex_field("year", (paper.published or "")[:4]) or ""
    return (word[:24] + year) or f"paper{paper.id}"


def _unique_key(key: str, taken: set[str]) -> str:
    candidate, suffix = key, 0
    while candidate in taken:
        suffix += 1
        candidate = f"{key}{_letters(suffix)}"
    taken.add(candidate)
    return candidate


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


_STOP_WORDS = frozenset(
    ("the", "and", "for", "with", "from", "into", "via", "are", "you", "all", "its", "our", "how", "can")
)

WRITERS: dict[str, Callable[[Iterable[Paper], TextIO], int]] = {
    "jsonl": write_jsonl,
    "json": write_json,
    "csv": write_csv,
    "markdown": write_markdown,
    "bibtex": write_bibtex,
}
