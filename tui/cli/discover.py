"""`papershelf similar`, `recommend`, `digest` and `not-for-me`: discovery by paper vectors.

Each first brings the vectors up to date (only papers added or rewritten since are embedded,
with progress on stderr), then ranks. Nothing here is imported before the command runs.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papershelf.loaders.sanitize import terminal, terminal_lines
from papershelf.tui.cli.support import Failure, json_option, one_line, open_store, paper_ids, print_json

if TYPE_CHECKING:
    from papershelf.loaders.discovery.foryou import Recommendations
    from papershelf.loaders.discovery.vectors import VectorSet
    from papershelf.loaders.store.database import Store

LIMIT = click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
SINCE = click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only papers listed (or added) on or after this day, YYYY-MM-DD.",
)


@click.command()
@click.argument("reference", metavar="ID")
@LIMIT
@json_option
@click.pass_obj
def similar(db_path: Path, reference: str, limit: int, as_json: bool) -> None:
    """The papers most like the paper ID (or arXiv id), most similar first."""
    from papershelf.loaders.discovery import rank

    store = open_store(db_path)
    [paper_id] = paper_ids(store, (reference,))
    vectors = fresh_vectors(store)
    found = rank.similar(vectors, paper_id, limit)
    papers = {p.stored_id: p for p in store.papers(x.paper_id for x in found)}
    if as_json:
        records = [{**_record(papers[x.paper_id]), "score": round(x.score, 4)} for x in found]
        print_json({"paper": paper_id, "similar": records}, indent=1)
        return
    for x in found:
        click.echo(f"{x.score:5.2f}  {x.paper_id:>7}  {terminal(papers[x.paper_id].title)}")


@click.command()
@click.option("--list", "list_name", metavar="NAME", help="Learn from this list only (default: all lists).")
@SINCE
@LIMIT
@json_option
@click.pass_obj
def recommend(
    db_path: Path, list_name: str | None, since: datetime.datetime | None, limit: int, as_json: bool
) -> None:
    """Papers ranked For you: a model per list (Starred included) learned from its papers, each
    pick with the list's paper it is most like. Papers new since the reader's For-you view was
    last looked at come first."""
    from papershelf.loaders.discovery import marks

    store = open_store(db_path)
    result = _recommend(store, list_name, _day(since), limit, marks.last_looked(store, "for-you"))
    if result.message:
        click.echo(terminal(result.message), err=True)
    elif not result.picks:
        click.echo("no paper to recommend" + (f" listed since {_day(since)}" if since else ""), err=True)
    from papershelf.loaders.discovery.digest import entries, reason

    items = entries(store, result.picks)
    if as_json:
        records = [
            {
                **_record(item.paper),
                "score": round(item.pick.score, 4),
                "list": item.pick.list_name,
                "like": {"id": item.like.stored_id, "title": item.like.title},
                "new": item.pick.new,
            }
            for item in items
        ]
        print_json({"picks": records}, indent=1)
        return
    for item in items:
        new = "new " if item.pick.new else "    "
        click.echo(f"{item.pick.score:4.2f} {new}{item.pick.paper_id:>7}  {terminal(item.paper.title)}")
        click.echo(f"{'':17}{terminal(reason(item))}")


@click.command()
@SINCE
@LIMIT
@click.option(
    "--format", "format_", type=click.Choice(["markdown", "text"]), default="markdown", show_default=True
)
@click.pass_obj
def digest(db_path: Path, since: datetime.datetime | None, limit: int, format_: str) -> None:
    """The day's papers ranked For you, with the reason for each: ready for cron and mail.

    The day is the newest listing date in the store unless --since says otherwise.
    """
    from papershelf.loaders.discovery import digest as formats

    store = open_store(db_path)
    day = _day(since) or formats.newest_day(store)
    if day is None:
        raise Failure("the store holds no papers yet: load or fetch some first")
    result = _recommend(store, None, day, limit, None)
    if result.message:
        raise Failure(terminal(result.message))
    items = formats.entries(store, result.picks)
    if not items:
        click.echo(f"no new paper since {day} to rank", err=True)
        return
    write = formats.markdown if format_ == "markdown" else formats.text
    click.echo(terminal_lines(write(items, day)))


@click.command(name="not-for-me")
@click.argument("ids", nargs=-1, required=True)
@click.option("--undo", is_flag=True, help="Take the mark off again.")
@click.pass_obj
def not_for_me(db_path: Path, ids: tuple[str, ...], undo: bool) -> None:
    """Mark papers (ids or arXiv ids) "not for me": For you learns from them as negative examples."""
    from papershelf.loaders.discovery import marks
    from papershelf.loaders.text import plural
    from papershelf.loaders.userdata.lists import UserDataError

    store = open_store(db_path)
    found = paper_ids(store, ids)
    with one_line(UserDataError):
        marks.set_not_for_me(store, found, not undo)
    click.echo(f"{plural(len(found), 'paper')} {'no longer ' if undo else ''}marked not for me")


def fresh_vectors(store: Store) -> VectorSet:
    """The store's vectors, after embedding what is missing (progress on stderr)."""
    from papershelf.loaders.discovery import vectors
    from papershelf.loaders.discovery.embed import ModelUnavailable

    with one_line(ModelUnavailable):
        stale = vectors.stale_count(store)
        if stale:
            click.echo(f"computing the vectors of {stale:,} papers…", err=True)
            vectors.refresh(store, progress=_progress if sys.stderr.isatty() else None)
            if sys.stderr.isatty():
                click.echo("", err=True)
        return vectors.read(store)


def _recommend(
    store: Store, list_name: str | None, since: str | None, limit: int, new_after: str | None
) -> Recommendations:
    from papershelf.loaders.discovery import foryou
    from papershelf.loaders.userdata.lists import UserDataError

    vectors = fresh_vectors(store)
    with one_line(UserDataError):
        return foryou.recommend(store, vectors, list_name, since, limit, new_after)


def _progress(done: int, total: int) -> None:
    click.echo(f"\r  {done:,} / {total:,} ({100 * done // max(total, 1)}%)", err=True, nl=False)


def _day(value: datetime.datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _record(paper) -> dict:
    return {"id": paper.stored_id, "arxiv_id": paper.arxiv_id, "title": paper.title, "link": paper.link}


COMMANDS = (similar, recommend, digest, not_for_me)
