"""Obsidian (or any Markdown vault): one note per paper, named by its citation key, with YAML
front matter, the abstract and the user's note. Exporting again rewrites the front matter and the
papershelf part only: whatever the user wrote below the marker line stays as it was.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from papershelf.loaders.export.citations import citekey, paper_date
from papershelf.loaders.export.formats import markdown_escape
from papershelf.loaders.models import Paper
from papershelf.loaders.sanitize import terminal, terminal_lines

# An Obsidian comment (hidden when reading): everything after it belongs to the user.
MARKER = "%% papershelf: the part above is rewritten by each export; write below this line %%"


def tag(name: str) -> str:
    """A list's name as an Obsidian tag: letters, digits, `_`, `-`, `/`; no spaces."""
    return re.sub(r"[^\w/-]+", "-", name.casefold()).strip("-") or "list"


def _yaml(value: object) -> str:
    """A YAML value: JSON is valid YAML, and terminal-safe text keeps it on one line."""
    if isinstance(value, str):
        value = terminal(value)
    elif isinstance(value, list):
        value = [terminal(item) if isinstance(item, str) else item for item in value]
    return json.dumps(value, ensure_ascii=False)


def front_matter(paper: Paper, added: str | None) -> str:
    date = paper_date(paper)
    fields: dict[str, object] = {
        "title": paper.title,
        "citekey": citekey(paper),
        "authors": paper.authors or [],
        "year": int(date[:4]) if date else None,
        "arxiv": paper.arxiv_id,
        "url": paper.link,
        "tags": ["paper", *(tag(name) for name in paper.lists)],
        "lists": list(paper.lists),
        "starred": paper.starred,
        "read": paper.read,
        "added": added,
    }
    lines = [f"{name}: {_yaml(value)}" for name, value in fields.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


def papershelf_part(paper: Paper, added: str | None) -> str:
    """Everything above the marker: front matter, title, links, abstract, the user's note."""
    body = [front_matter(paper, added), f"# {markdown_escape(terminal(paper.title))}", ""]
    body.append(" · ".join(f"<{url}>" for url in paper.links()[:3]))
    body += ["", "## Abstract", "", markdown_escape(terminal_lines(paper.abstract))]
    if paper.note:
        body += ["", "## Note", "", terminal_lines(paper.note)]
    return "\n".join(body) + "\n\n"


def users_part(path: Path) -> str:
    """What the user wrote below the marker in an existing note ("" for a new one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    _, found, after = text.partition(MARKER)
    # A note without the marker was written by hand: keep it whole rather than lose it.
    return after.removeprefix("\n") if found else text


def write_notes(papers: Iterable[Paper], folder: Path, added: dict[int, str]) -> int:
    """Write or update one note per paper in `folder` (created if needed); return how many."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for paper in papers:
        path = folder / f"{citekey(paper)}.md"
        kept = users_part(path)
        stamp = added.get(paper.id or 0)
        _write_atomically(path, papershelf_part(paper, stamp and stamp[:10]) + MARKER + "\n" + kept)
        count += 1
    return count


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` whole or not at all: a note the user wrote in is never left half written."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".papershelf-", suffix=".md")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
