"""The digest: the day's papers ranked For you, each with its reason, as Markdown or plain text
(for cron and mail, as arxiv-sanity's daily email). Text comes out cleaned of control characters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from papershelf.loaders.discovery.foryou import DAY_OF_PAPER, Pick
from papershelf.loaders.export.formats import first_sentence, markdown_escape
from papershelf.loaders.models import Paper
from papershelf.loaders.store.database import Store
from papershelf.loaders.text import collapse_whitespace, strip_controls


@dataclass(frozen=True)
class Entry:
    """A pick with the papers it names."""

    pick: Pick
    paper: Paper
    like: Paper


def entries(store: Store, picks: list[Pick]) -> list[Entry]:
    wanted = {*(x.paper_id for x in picks), *(x.like_id for x in picks)}
    papers = {p.stored_id: p for p in store.papers(wanted)}
    return [Entry(pick, papers[pick.paper_id], papers[pick.like_id]) for pick in picks]


def newest_day(store: Store) -> str | None:
    """The newest day a paper was listed (`foryou.DAY_OF_PAPER`): the default day of a digest."""
    return store.conn.execute(f"SELECT max({DAY_OF_PAPER}) FROM papers").fetchone()[0]


def clean(text: str) -> str:
    return collapse_whitespace(strip_controls(text))


def reason(entry: Entry) -> str:
    where = "" if entry.pick.list_name == "Starred" else f" (in {clean(entry.pick.list_name)})"
    return f"like: {clean(entry.like.title)}{where}"


def markdown(items: Iterable[Entry], since: str) -> str:
    lines = [f"# For you: papers since {since}", ""]
    for n, entry in enumerate(items, 1):
        title = markdown_escape(clean(entry.paper.title))
        lines.append(f"{n}. [{title}]({entry.paper.link}){' — new' if entry.pick.new else ''}")
        lines.append(f"   *{markdown_escape(reason(entry))}* · fit {entry.pick.score:.2f}")
        summary = first_sentence(clean(entry.paper.abstract))
        if summary:
            lines.append(f"   > {markdown_escape(summary)}")
        lines.append("")
    return "\n".join(lines)


def text(items: Iterable[Entry], since: str) -> str:
    lines = [f"For you: papers since {since}", ""]
    for n, entry in enumerate(items, 1):
        lines.append(f"{n:2}. {clean(entry.paper.title)}{'  [new]' if entry.pick.new else ''}")
        lines.append(f"    {reason(entry)} · fit {entry.pick.score:.2f}")
        lines.append(f"    {entry.paper.link}")
        lines.append("")
    return "\n".join(lines)
