"""The package as a user installs it: one import package, `papershelf`, that lives beside PyPI's
distributions with generic names (`tui` holds a top-level `tui` package, which our old layout
shadowed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The names that a generic distribution could also take: what our wheel must not install.
GENERIC = ("tui", "loaders")
PYPI_TUI = "tui==1.1.1"  # Joel Hedlund's textual-user-interface library: a top-level `tui` package


def pip(venv: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def source_copy(target: Path) -> Path:
    """What a source distribution holds, copied away, so that building leaves the work tree as it was."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, target / name)
    for folder in ("loaders", "tui"):
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_papershelf_runs_beside_pypis_tui(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    downloads = tmp_path / "downloads"
    fetched = pip(venv, "download", "--no-deps", "-d", str(downloads), PYPI_TUI)
    if fetched.returncode != 0:
        reason = (fetched.stderr.strip().splitlines() or ["no answer"])[-1]
        pytest.skip(f"{PYPI_TUI} cannot be downloaded from the package index (offline?): {reason}")
    (archive,) = downloads.iterdir()
    installed = pip(venv, "install", str(archive))
    assert installed.returncode == 0, installed.stderr
    source = source_copy(tmp_path / "src")
    # --version needs click alone: the rest of the dependencies would only slow the test down.
    ours = pip(venv, "install", "--no-deps", str(source), "click>=8.1")
    assert ours.returncode == 0, ours.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    # From elsewhere than the work tree, whose own tui/ folder `python -c` would import first.
    shown = subprocess.run(
        [str(venv / "bin" / "papershelf"), "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == f"papershelf, version {version}\n"
    # PyPI's tui is Python 2 code: found, not imported.
    where = (
        "import importlib.util, papershelf.tui.cli as cli; "
        "print(importlib.util.find_spec('tui').origin); print(cli.__file__)"
    )
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-c", where], capture_output=True, text=True, cwd=tmp_path
    )
    assert found.returncode == 0, found.stderr
    theirs, mine = map(Path, found.stdout.splitlines())
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert theirs == site / "tui" / "__init__.py"
    assert mine == site / "papershelf" / "tui" / "cli" / "__init__.py"


def test_the_wheel_installs_only_the_papershelf_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = config["tool"]["setuptools"]["packages"]
    assert packages and all(name.split(".")[0] == "papershelf" for name in packages)
    assert not set(GENERIC) & {name.split(".")[0] for name in packages}
