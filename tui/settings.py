"""What the reader remembers between runs: view, sort, theme and the selected paper, per store."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from papershelf.loaders.paths import store_companion_path


@dataclass(slots=True)
class Settings:
    view: str = "all"
    list_name: str | None = None
    unread_only: bool = False
    sort: str = "listing"
    sort_reversed: bool = False
    theme: str | None = None
    paper_id: int | None = None

    @classmethod
    def load(cls, path: Path) -> Settings:
        """The saved settings; defaults when there are none or the file is unreadable."""
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(saved, dict):
            return cls()
        known = {f.name: saved[f.name] for f in fields(cls) if f.name in saved}
        settings = cls(**known)
        if not isinstance(settings.paper_id, int):
            settings.paper_id = None
        return settings

    def save(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(asdict(self)), encoding="utf-8")
            os.replace(partial, path)
        except OSError:
            pass


def settings_path(db_path: Path) -> Path:
    return store_companion_path(db_path, "state", "reader").with_suffix(".json")
