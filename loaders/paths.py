"""Where papershelf keeps its files, with an environment override."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "PAPERSHELF_DB"


def default_db_path() -> Path:
    """`$PAPERSHELF_DB`, else papershelf.db in the user's data folder (platformdirs)."""
    if override := os.environ.get(DB_ENV):
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("papershelf", appauthor=False)) / "papershelf.db"


def store_companion_path(db_path: Path, kind: str, name: str) -> Path:
    """A file kept for one store outside it: kind "cache" (disposable) or "state" (the reader's).

    `$PAPERSHELF_CACHE` / `$PAPERSHELF_STATE` override the platformdirs folders.
    """
    import hashlib

    import platformdirs

    folders = {"cache": platformdirs.user_cache_dir, "state": platformdirs.user_state_dir}
    root = os.environ.get(f"PAPERSHELF_{kind.upper()}") or folders[kind]("papershelf", appauthor=False)
    digest = hashlib.sha1(str(Path(db_path).resolve()).encode()).hexdigest()[:16]
    return Path(root) / f"{name}-{digest}"
