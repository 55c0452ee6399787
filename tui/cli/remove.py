"""`papershelf remove` (take papers out of the store, by source, the built-in sample, or id) and
`papershelf sources` (what was loaded)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papershelf.loaders.text import plural
from papershelf.tui.cli.support import Failure, one_line, open_store, paper_ids

if TYPE_CHECKING:
    from papershelf.loaders.store.database import Store
    from papershelf.loaders.store.removal import Removal


@click.command()
@click.argument("papers", nargs=-1)
@click.option("--source", "sources", multiple=True, metavar="NAME", help="A loaded file (its path or name).")
@click.option("--sample", is_flag=True, help="The built-in sample the first run loaded.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask first.")
@click.pass_obj
def remove(db_path: Path, papers: tuple[str, ...], sources: tuple[str, ...], sample: bool, yes: bool) -> None:
    """Take papers out of the store: those a file brought (--source), the sample (--sample), or
    PAPERS by id, arXiv id or title. Asks first on a terminal.

    Papers of a removed source stay when another source has them too, or when you starred, listed or
    noted them; stars, lists and notes of the papers that stay are untouched.
    """
    from papershelf.loaders.store import removal as removing

    if sum((bool(papers), bool(sources), sample)) != 1:
        raise Failure("say what to remove: --source NAME, --sample, or paper ids (one of them)")
    store = open_store(db_path)
    with one_line():
        if papers:
            plan = removing.plan_papers(store, paper_ids(store, papers))
            what = plural(len(plan.paper_ids), "paper")
        else:
            found = removing.sample_sources(store) if sample else _named_sources(store, sources)
            plan = removing.plan_sources(store, [source_id for source_id, _ in found])
            what = "the built-in sample" if sample else ", ".join(_short(path) for _, path in found)
        _describe(plan, what)
        if not plan.paper_ids and not plan.source_ids:
            return
        if not yes and on_terminal():
            click.confirm(f"Remove {plural(len(plan.paper_ids), 'paper')}?", abort=True, err=True)
        removing.remove(store, plan)
    click.echo(f"{plural(len(plan.paper_ids), 'paper')} removed; {plural(store.paper_count(), 'paper')} left")


def on_terminal() -> bool:
    """Whether a person can answer the question (a script is not asked)."""
    return sys.stdin.isatty()


def _named_sources(store: Store, names: tuple[str, ...]) -> list[tuple[int, str]]:
    from papershelf.loaders.store.removal import sources_named

    found: list[tuple[int, str]] = []
    for name in names:
        named = sources_named(store, name)
        if not named:
            raise Failure(
                f"no loaded file is called {name!r} (`papershelf sources` lists them); nothing changed"
            )
        found += [source for source in named if source not in found]
    return found


def _describe(plan: Removal, what: str) -> None:
    """What the removal does, before it is done (on stderr: stdout says what was done)."""
    lines = [f"{what}: {plural(len(plan.paper_ids), 'paper')} to remove"]
    if plan.kept_owned:
        lines.append(f"  {plural(len(plan.kept_owned), 'paper')} you starred, listed or noted stay")
    if plan.kept_elsewhere:
        lines.append(f"  {plural(len(plan.kept_elsewhere), 'paper')} also loaded from another file stay")
    if plan.owned_removed:
        lines.append(
            f"  {plural(len(plan.owned_removed), 'paper')} of these you starred, listed or noted:"
            " their stars, lists and notes go with them"
        )
    click.echo("\n".join(lines), err=True)


def _short(path: str) -> str:
    """A loaded file by its name, escapes visible (`sanitize.terminal_name`)."""
    from papershelf.loaders.sanitize import terminal_name

    return terminal_name(Path(path).name or path)


@click.command("sources")
@click.pass_obj
def sources_command(db_path: Path) -> None:
    """Print every loaded file (or fetch) with how many papers it brought: the names --source takes."""
    from papershelf.loaders.sanitize import terminal_name

    rows = open_store(db_path).conn.execute(
        """SELECT s.path, count(ps.paper_id) FROM sources s
           LEFT JOIN paper_sources ps ON ps.source_id = s.id GROUP BY s.id ORDER BY s.id"""
    )
    for path, count in rows:
        click.echo(f"{count:>6,}  {terminal_name(path)}")


COMMANDS = (remove, sources_command)
