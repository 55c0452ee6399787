"""Commands that hand papershelf to other tools: shell completion, Datasette, a web browser."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from importlib.resources import files
from pathlib import Path

import click

from papershelf.loaders.sanitize import terminal_name
from papershelf.tui.cli.support import Failure

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VARIABLE = "_PAPERSHELF_COMPLETE"


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (commands, options, formats and list names).

    bash: `eval "$(papershelf completion bash)"` in ~/.bashrc; zsh likewise in ~/.zshrc;
    fish: `papershelf completion fish > ~/.config/fish/completions/papershelf.fish`.
    """
    from click.shell_completion import get_completion_class

    from papershelf.tui.cli import cli

    completer = get_completion_class(shell)
    if completer is None:  # every choice has a class in click ≥ 8
        raise Failure(f"no completion for {shell}")
    click.echo(completer(cli, {}, "papershelf", COMPLETE_VARIABLE).source())


def datasette_metadata(db_path: Path) -> str:
    """The shipped Datasette metadata, its database named as Datasette names `db_path` (its stem)."""
    text = (files("papershelf.loaders.store") / "metadata.yml").read_text(encoding="utf-8")
    return text.replace("\n  papershelf:\n", f"\n  {_yaml_key(db_path.stem)}:\n", 1)


def _yaml_key(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def datasette_command(db_path: Path, metadata: Path, extra: tuple[str, ...]) -> list[str]:
    """The command line that opens the store in Datasette, read only (immutable: no write lock)."""
    program = shutil.which("datasette")
    launcher = [program] if program else [sys.executable, "-m", "datasette"]
    return [*launcher, "serve", "--immutable", str(db_path), "--metadata", str(metadata), *extra]


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("extra", nargs=-1, type=click.UNPROCESSED)
@click.pass_obj
def datasette(db_path: Path, extra: tuple[str, ...]) -> None:
    """Open the store in Datasette (`pip install 'papershelf[datasette]'`), internal tables hidden.

    Options after `--` go to `datasette serve` (e.g. `papershelf datasette -- -p 8002 -o`).
    """
    import importlib.util

    if importlib.util.find_spec("datasette") is None and shutil.which("datasette") is None:
        raise Failure("Datasette is not installed: pip install 'papershelf[datasette]'")
    if not db_path.exists():
        raise Failure(f"no store at {terminal_name(db_path)}: load some papers first")
    folder = Path(tempfile.mkdtemp(prefix="papershelf-datasette-"))
    metadata = folder / "metadata.yml"
    metadata.write_text(datasette_metadata(db_path), encoding="utf-8")
    command = datasette_command(db_path, metadata, extra)
    os.execv(command[0], command)


def serve_command(db_path: Path) -> str:
    """The command textual-serve runs for each browser tab: this papershelf's reader on this store."""
    return shlex.join([sys.executable, "-m", "papershelf.tui", "--db", str(db_path)])


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
def serve(db_path: Path, host: str, port: int) -> None:
    """Serve the reader to a web browser (`pip install 'papershelf[web]'`): each tab runs its own
    reader on the store. Anyone who can reach HOST:PORT can change your stars and lists, so keep
    the default 127.0.0.1 unless you mean it."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise Failure("textual-serve is not installed: pip install 'papershelf[web]'") from None
    where = f"http://{terminal_name(host)}:{port}"
    click.echo(f"papershelf: serving the reader at {where} (Ctrl-C stops)", err=True)
    Server(serve_command(db_path), host=host, port=port, title="papershelf").serve()


COMMANDS = (completion, datasette, serve)
