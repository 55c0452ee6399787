"""`papershelf search QUERY`: the reader's filter from the command line, in the same order: `id`, a
tab, the score, a tab, the title; or one JSON document (`--json`)."""

from __future__ import annotations

from pathlib import Path

import click

from papershelf.tui.cli.support import (
    Failure,
    complete_list_names,
    json_option,
    one_line,
    open_store,
    print_json,
)


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many.")
@json_option
@click.option("--starred", is_flag=True, help="Search the starred papers only.")
@click.option("--list", "list_name", shell_complete=complete_list_names, help="Search this list only.")
@click.pass_obj
def search(
    db_path: Path, query: tuple[str, ...], limit: int, as_json: bool, starred: bool, list_name: str | None
) -> None:
    """Search the papers as the reader's filter does, best first.

    Words match titles, abstracts, authors, organisation, categories and notes, typos forgiven;
    "an exact phrase", -word, author:NAME, org:NAME, cat:cs.CL, list:NAME,
    is:starred|unread|read|noted, has:code|project, date:2025-06, date:>=2025-06-01, since:7d and
    upvotes:>20 narrow the search. When the papers have vectors (after `similar`, `recommend` or
    For you in the reader), a query of two words or more is also searched by meaning: papers
    without every word are marked "≈ by meaning".
    """
    if starred and list_name:
        raise Failure("--starred and --list name two views: give one")
    from papershelf.loaders.sanitize import terminal
    from papershelf.loaders.search.searcher import Searcher

    store = open_store(db_path)
    with one_line(ValueError):
        view = _view(store, starred, list_name)
        searcher = Searcher(store, _index(store), _similar(store))
        results = searcher.search(" ".join(query), view)
        assert results is not None  # no `proceed`: a search always finishes
        ids, scores = results.ids[:limit].tolist(), results.scores[:limit].tolist()
        by_meaning = set(results.by_meaning.tolist())
        titles = dict(store.conn.execute(_titles_sql(len(ids)), ids).fetchall()) if ids else {}
        found = list(zip(ids, scores, strict=True))
        if as_json:
            records = [
                {
                    "id": paper_id,
                    "title": titles.get(paper_id, ""),
                    "score": round(score, 3),
                    "fields": searcher.matched_fields(results.query, paper_id),
                    "by_meaning": paper_id in by_meaning,
                }
                for paper_id, score in found
            ]
            print_json({"query": " ".join(query), "results": records})
            return
    for paper_id, score in found:
        marker = "\t≈ by meaning" if paper_id in by_meaning else ""
        click.echo(f"{paper_id}\t{score:.2f}\t{terminal(titles.get(paper_id, ''))}{marker}")


def _view(store, starred: bool, list_name: str | None) -> list[int]:
    """The ids to search, in the order that orders equal scores (the reader's listing order)."""
    from papershelf.loaders.store.browse import Browser
    from papershelf.loaders.userdata.lists import list_name as stored_list_name
    from papershelf.loaders.userdata.lists import list_paper_ids

    if list_name is not None:
        return list_paper_ids(store, stored_list_name(store, list_name))
    browser = Browser(store)
    return list(browser.starred_ids() if starred else browser.paper_ids("listing"))


def _index(store):
    """The word index from its cache, built (and cached) when missing or stale."""
    from papershelf.loaders.search.paper_index import PaperIndex, cache_path, load_cached, save_cached
    from papershelf.loaders.store.browse import Browser

    browser = Browser(store)
    index = load_cached(cache_path(store.path), browser.signature())
    if index is None:
        index = PaperIndex.build(browser)
        save_cached(cache_path(store.path), index)
    return index


def _similar(store):
    """Search by meaning too when the store's papers have vectors (`papershelf similar`, For you
    or the reader computed them); never computes them here."""
    if store.conn.execute("SELECT EXISTS (SELECT 1 FROM paper_vectors)").fetchone()[0] != 1:
        return None
    from papershelf.loaders.discovery.service import Discovery

    return Discovery(store.path).similarity


def _titles_sql(count: int) -> str:
    return f"SELECT id, title FROM papers WHERE id IN ({', '.join('?' * count)})"


COMMANDS = (search,)
