"""Which snapshot lines a source gave before, unchanged: a reload skips them without parsing them.

Each link of a paper to a snapshot source (`paper_sources`) keeps the digest of the line it was
merged from (migration 010; `sources.snapshot.line_digest`). Loading the same file again, a line
whose arXiv id and digest are stored for that source has nothing new to say: it is counted, not
decoded, cleaned or compared, and a reload takes about the time of reading the file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 500


@dataclass(frozen=True)
class KnownLines:
    """Where to ask which lines are known: the store's file and the source's path in it (plain
    values, so that the parser process can be given them)."""

    store: Path
    source: str

    def open(self) -> LineLookup | None:
        """A lookup on a read-only connection of its own; None when the source was never loaded
        (a first load asks nothing) or the store cannot be read."""
        try:
            conn = sqlite3.connect(
                f"{self.store.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            row = conn.execute("SELECT id FROM sources WHERE path = ?", [self.source]).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            conn.close()
            return None
        return LineLookup(conn, row[0])


class LineLookup:
    """The stored digests of one source's lines."""

    def __init__(self, conn: sqlite3.Connection, source_id: int):
        self.conn, self.source_id = conn, source_id

    def unchanged(self, lines: list[tuple[str, bytes]]) -> set[tuple[str, bytes]]:
        """Those of these (arXiv id, line digest) pairs whose line the source gave before."""
        ids = sorted({arxiv_id for arxiv_id, _ in lines})
        stored: set[tuple[str, bytes]] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            # Each paper by its arXiv id, then its link by its key: a join let SQLite walk every
            # link of the source (by its source_id index) for each chunk.
            rows = self.conn.execute(
                f"""SELECT arxiv_id,
                        (SELECT digest FROM paper_sources WHERE paper_id = p.id AND source_id = ?)
                    FROM papers p WHERE arxiv_id IN ({", ".join("?" * len(chunk))})""",
                [self.source_id, *chunk],
            )
            stored.update(row for row in rows if row[1] is not None)
        return stored.intersection(lines)

    def close(self) -> None:
        self.conn.close()
