"""Shared fixtures: a fresh store, the built-in sample, and the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from loaders.load import load_sample, sample_files
from loaders.store import Store
from tui.cli import cli

SAMPLE = {path.name[:3]: path for path in sample_files()}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "papershelf.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as store:
        yield store


@pytest.fixture
def sample_store(store: Store) -> Store:
    load_sample(store)
    return store


@pytest.fixture
def run(db_path: Path):
    """Run `papershelf --db DB ARGS…` in-process; stdout and stderr come back apart."""

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return run


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path
