"""What the detail pane says of a paper, as blocks of styled text: header, note, abstract or
summary, links. No drawing here: `PaperDetail` wraps and draws the blocks."""

from __future__ import annotations

import datetime
from pathlib import PurePosixPath
from typing import NamedTuple

from rich.text import Text

from papershelf.loaders.models import Paper
from papershelf.loaders.sanitize import terminal, terminal_lines
from papershelf.loaders.sources.load import SAMPLE_PREFIX
from papershelf.loaders.tex import render_tex
from papershelf.loaders.text import plural
from papershelf.loaders.userdata.lists import STARRED

AUTHORS_SHOWN = 12  # a collaboration's thousands of names would push the abstract off the pane
SUMMARY_KEY = "v"  # the key that toggles Hugging Face's summary and the abstract


class Links(NamedTuple):
    """The paper's links, numbered: each on its lines, folded under itself when too long."""

    links: tuple[str, ...]


Block = Text | Links


def source_label(path: str) -> str:
    """A source as a reader names it: `Daily Papers · Jun 18`, `built-in sample`, a file's name."""
    if path.startswith(SAMPLE_PREFIX):
        return "built-in sample"
    if path.startswith("huggingface:daily_papers/"):
        day = path.rpartition("/")[2]
        try:
            return "Daily Papers · " + datetime.date.fromisoformat(day).strftime("%b %-d, %Y")
        except ValueError:
            return "Daily Papers · " + day
    if path.startswith("huggingface:papers/search"):
        return "Hugging Face search"
    if path.startswith("arxiv:"):
        return "arXiv query"
    return PurePosixPath(path.replace("\\", "/")).name or path


def metadata_line(paper: Paper) -> str:
    """Organization, authors' count, date, upvotes, comments, GitHub stars, and where the paper
    was loaded from (short)."""
    parts = []
    if paper.org_name or paper.org_id:
        parts.append(paper.org_name or paper.org_id or "")
    if paper.authors_count and not paper.authors:
        parts.append(f"{paper.authors_count} authors")
    if paper.published_text:
        parts.append(paper.published_text)
    if paper.upvotes is not None:
        parts.append(f"▲ {paper.upvotes}")
    if paper.comment_count:
        parts.append(plural(paper.comment_count, "comment"))
    if paper.github_stars is not None:
        parts.append(plural(paper.github_stars, "GitHub star"))
    if paper.sources:
        labels = list(dict.fromkeys(source_label(source) for source in paper.sources))
        parts.append("from " + ", ".join(labels))
    if paper.citekey:
        parts.append(f"cite as {paper.citekey}")
    return " · ".join(parts)


def arxiv_lines(paper: Paper) -> str:
    """What arXiv's metadata tells: the authors in order, then categories, the last update, the
    journal reference, the DOI and the authors' comment; empty when nothing is known."""
    lines = []
    if paper.authors:
        shown = paper.authors[:AUTHORS_SHOWN]
        more = len(paper.authors) - len(shown)
        lines.append(", ".join(shown) + (f" and {more:,} more" if more else ""))
    details = [", ".join(paper.categories or ())]
    if paper.updated and paper.updated != paper.published:
        details.append(f"updated {paper.updated}")
    details += [paper.journal_ref or "", f"doi {paper.doi}" if paper.doi else "", paper.comment or ""]
    if any(details):
        lines.append(" · ".join(detail for detail in details if detail))
    return "\n".join(lines)


def status_line(paper: Paper) -> Text:
    """Starred, read, in which lists: each said once (Starred is the star, not a list here)."""
    line = Text()
    if paper.starred:
        line.append("★ starred", style="bold yellow")
        line.append(" · ", style="dim")
    line.append(("read " + terminal(paper.read_at[:10])) if paper.read_at else "unread", style="dim italic")
    others = [name for name in paper.lists if name != STARRED]
    if others:
        line.append(" · in " + ", ".join(terminal(name) for name in others), style="dim")
    return line


def sample_notice() -> Text:
    """What the first run's papers are, and how to have one's own instead."""
    notice = Text()
    notice.append("These are built-in sample papers.", style="bold")
    notice.append(
        " Load your own: Ctrl+P “Load a file” (or papershelf load FILE); fetch today's: Ctrl+P"
        " “Fetch today's papers”.",
        style="italic",
    )
    return notice


def paper_blocks(paper: Paper | None, summary: bool = False, sample: bool = False) -> tuple[Block, ...]:
    """The paper as blocks: header, note, the abstract (or Hugging Face's summary when `summary`
    and the paper has one), links; first, when `sample`, what the sample is."""
    blocks = paper_text_blocks(paper, summary)
    return (sample_notice(), *blocks) if sample else blocks


def paper_text_blocks(paper: Paper | None, summary: bool) -> tuple[Block, ...]:
    if paper is None:
        return (Text("No paper to show.", style="italic"),)
    header = Text(overflow="fold")
    header.append(render_tex(terminal(paper.title)), style="bold")
    header.append("\n")
    header.append(terminal(metadata_line(paper)), style="dim")
    header.append("\n")
    if paper.ai_keywords:
        keywords = ", ".join(terminal(word) for word in paper.ai_keywords)
        header.append(f"Keywords: {keywords}\n", style="dim")
    header.append_text(status_line(paper))
    blocks: list[Block] = [header]
    if arxiv := arxiv_lines(paper):
        blocks.append(Text(terminal_lines(arxiv), style="dim", overflow="fold"))
    if paper.note:
        note = Text(overflow="fold")
        note.append("Note\n", style="bold")
        note.append(terminal_lines(paper.note), style="italic")
        blocks.append(note)
    if paper.ai_summary:
        blocks.append(_text_heading(summary))
    if summary and paper.ai_summary:
        blocks.append(Text(render_tex(terminal_lines(paper.ai_summary)), overflow="fold"))
    else:
        blocks.append(Text(render_tex(terminal_lines(paper.abstract)), overflow="fold"))
    blocks.append(Links(tuple(terminal(link) for link in paper.links())))
    return tuple(blocks)


def _text_heading(summary: bool) -> Text:
    """Which text is shown, and the key that shows the other."""
    heading = Text()
    heading.append("Summary (Hugging Face)" if summary else "Abstract", style="bold")
    other = "the abstract" if summary else "Hugging Face's summary"
    heading.append(f" · {SUMMARY_KEY} shows {other}", style="dim")
    return heading
