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
