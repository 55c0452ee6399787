"""The `papershelf` command: bare, it opens the reader; each module of this package holds a few of
its subcommands (load, export, star, lists and notes, fetch).

Only what a command needs is imported, and Textual only when the reader opens, so that `--help`
and every other command answer at once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from papershelf.tui.cli import discover as cli_discover
from papershelf.tui.cli import export as cli_export
from papershelf.tui.cli import fetch as cli_fetch
from papershelf.tui.cli import load as cli_load
from papershelf.tui.cli import remove as cli_remove
from papershelf.tui.cli import search as cli_search
from papershelf.tui.cli import shell as cli_shell
from papershelf.tui.cli import stars as cli_stars
from papershelf.tui.cli import userdata as cli_userdata
from papershelf.tui.cli.support import Failure, guard_output, open_store


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store file (default: `papershelf locate`; or set PAPERSHELF_DB).",
)
@click.version_option(package_name="papershelf")
@click.pass_context
def cli(context: click.Context, db: Path | None) -> None:
    """A keyboard-driven terminal reader for research-paper listings.

    Run without a command to open the reader; on an empty store it starts with a built-in sample.
    """
    from papershelf.loaders.paths import default_db_path

    context.obj = db or default_db_path()
    if context.invoked_subcommand is None:
        open_reader(context.obj)
    else:
        guard_output()


def open_reader(db_path: Path) -> None:
    """Open the reader on a terminal, or in a browser tab when textual-serve runs it (over pipes,
    with Textual's web driver named in the environment: `papershelf serve`)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()) and not driven_by_web():
        raise Failure(
            "the reader needs a terminal (stdin and stdout must be a TTY); "
            "for scripts use `papershelf export`"
        )
    store = open_store(db_path)
    from papershelf.tui.app import run

    run(store)


def driven_by_web() -> bool:
    """Whether textual-serve started this process for a browser (it names Textual's web driver)."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")


@cli.command()
@click.pass_obj
def locate(db_path: Path) -> None:
    """Print where the store file is."""
    click.echo(db_path)


COMMAND_MODULES = (
    cli_load,
    cli_export,
    cli_stars,
    cli_userdata,
    cli_fetch,
    cli_search,
    cli_discover,
    cli_remove,
    cli_shell,
)
for module in COMMAND_MODULES:
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Entry point: the CLI, with an unexpected error shown as one line (PAPERSHELF_DEBUG=1: traceback)."""
    try:
        cli(standalone_mode=True)
    except Exception as error:
        if os.environ.get("PAPERSHELF_DEBUG"):
            raise
        click.echo(f"papershelf: internal error: {type(error).__name__}: {error}", err=True)
        click.echo("papershelf: run again with PAPERSHELF_DEBUG=1 to see where it happened", err=True)
        sys.exit(70)
