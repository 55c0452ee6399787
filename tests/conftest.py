"""Shared fixtures: a fresh store, the built-in sample, the command line, a local web server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from papershelf.loaders.sources.load import load_sample, sample_files
from papershelf.loaders.store.database import Store
from papershelf.tui.cli import cli

SAMPLE = {path.name[:3]: path for path in sample_files()}
DATA = Path(__file__).parent / "data"
LOCALHOST = "127.0.0.1"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


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
    return runner(db_path)


def runner(db_path: Path):
    """A function running `papershelf --db db_path ARGS…` in-process (see the `run` fixture)."""

    def run(*args: str, input: str | bytes | None = None) -> Result:
        return CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return run


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def user_data(store: Store, by_id: bool = False) -> dict:
    """Everything the user owns in `store`, naming papers by identity (to compare stores) or by id."""
    keys = {paper.id: paper.id if by_id else paper.key for paper in store.papers()}

    def rows(sql: str, *params: object) -> list[tuple]:
        return [(keys[row[0]], *row[1:]) for row in store.conn.execute(sql, params)]

    in_order = "SELECT paper_id, added_at FROM list_papers WHERE list_id = ? ORDER BY position"
    lists = {
        name: (created_at, rows(in_order, list_id))
        for list_id, name, created_at in store.conn.execute("SELECT id, name, created_at FROM lists")
    }
    return {
        "stars": sorted(rows("SELECT paper_id, starred_at FROM stars")),
        "lists": lists,
        "notes": sorted(rows("SELECT paper_id, body, updated_at FROM notes")),
        "reads": sorted(rows("SELECT paper_id, read_at FROM reads")),
    }


# The network: tests that fetch use `only_localhost` and `fast_fetch` -------------------------------


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver's `httpserver` listens on 127.0.0.1 (a free port)."""
    return LOCALHOST, 0


@pytest.fixture
def only_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test that connects, or looks up a name, anywhere but 127.0.0.1; and no proxies."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: object) -> None:
        internet = sock.family in (socket.AF_INET, socket.AF_INET6)
        if internet and not (isinstance(address, tuple) and address[0] == LOCALHOST):
            pytest.fail(f"a test tried to connect to {address!r}: only {LOCALHOST} is allowed")

    def connect(self: socket.socket, address: object) -> None:
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        if host not in (LOCALHOST, LOCALHOST.encode()):
            pytest.fail(f"a test tried to look up {host!r}: only {LOCALHOST} is allowed")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def fast_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetch clients without waiting: short timeouts, two retries, no backoff or spacing."""
    from papershelf.loaders.sources import fetch
    from papershelf.loaders.sources.webclient import Politeness

    quick = Politeness(timeout=2.0, retries=2, backoff=0.0, max_wait=5.0, spacing=0.0)
    monkeypatch.setattr(fetch, "HF_POLITENESS", quick)
    monkeypatch.setattr(fetch, "ARXIV_POLITENESS", quick)
    for name in ("PAPERSHELF_HF_ENDPOINT", "PAPERSHELF_ARXIV_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


async def settle(pilot) -> None:
    """Wait until the reader has answered everything asked: its store thread, its other threads
    and Textual's workers are idle, and what they delivered is handled."""
    import asyncio

    quiet = 0
    for _ in range(3000):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        quiet = quiet + 1 if pilot.app.settled() else 0
        if quiet >= 2:
            return
        await asyncio.sleep(0.002)
    raise AssertionError("the reader did not settle")


@pytest.fixture(scope="session")
def embedded_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with every paper's vector computed, once per test run (copy it before writing)."""
    from papershelf.loaders.discovery import vectors

    path = tmp_path_factory.mktemp("embedded") / "sample.db"
    with Store(path) as store:
        load_sample(store)
        vectors.refresh(store)
    return path
