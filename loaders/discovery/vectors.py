"""Paper vectors in the store: computed in the background, incrementally, and read back as one array.

Vectors live in the store (`paper_vectors`, migration 007) rather than in a file beside it: every
process (the reader, `papershelf load`, `papershelf similar`) sees the same ones, each chunk is
written in a short transaction of its own (a star waits for at most one chunk), a crash loses at
most a chunk, and a backup copy of the store carries them. They are derived data: `refresh`
recomputes whatever is missing or older than its paper's text, and all of them when the text model
is refitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from papershelf.loaders.discovery import embed
from papershelf.loaders.discovery.lsa import LsaModel
from papershelf.loaders.store.database import Store, now

READ_BATCH = 10_000
CHUNK = 1000  # papers embedded and written per transaction
FIT_SAMPLE = 20_000  # papers the LSA model is fitted on, spread evenly over the store
MODEL_NAME = f"lsa{embed.LSA_DIMS}+wordllama{embed.WORD_DIMS}-int8"

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True, slots=True)
class VectorSet:
    """Every stored vector: `vectors[n]` (int8) is the vector of the paper `ids[n]` (ascending)."""

    ids: np.ndarray  # int32 (int64 for ids past 2**31)
    vectors: np.ndarray  # int8, papers × DIMS
    stamp: str = ""  # the newest embedded_at read: `updated` reads only what is newer
    # The sign of each dimension, 128 bits a paper as two uint64 (two rows of one per paper, each
    # read in one pass): a Hamming distance between signs estimates the angle between vectors,
    # and picks candidates among a million papers in ~20 ms.
    signs: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bits = np.ascontiguousarray(np.packbits(self.vectors > 0, axis=1)).view(np.uint64)
        object.__setattr__(self, "signs", np.ascontiguousarray(bits.T))

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, paper_ids: np.ndarray | list[int]) -> np.ndarray:
        """The rows of those of `paper_ids` that have a vector (in their order, others dropped)."""
        wanted = np.asarray(paper_ids, dtype=np.int64)
        if not len(self.ids):
            return np.zeros(0, dtype=np.int64)
        rows = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        return rows[self.ids[rows] == wanted]

    def updated(self, store: Store) -> VectorSet:
        """This set with the vectors written since it was read (a refit: all of them again)."""
        if not self.stamp or model_stamp(store) > self.stamp:
            return read(store)
        newer = read(store, after=self.stamp)
        if not len(newer):
            return self
        ids = np.concatenate([self.ids, newer.ids])
        vectors = np.concatenate([self.vectors, newer.vectors])
        # The last copy of each id wins: np.unique keeps the first, so look from the end.
        _, last = np.unique(ids[::-1], return_index=True)
        keep = np.sort(len(ids) - 1 - last)
        order = np.argsort(ids[keep], kind="stable")
        return VectorSet(ids[keep][order], vectors[keep][order], max(self.stamp, newer.stamp))


# Rows written after a time, of the right size: a damaged blob (edited by hand, or by another
# version) is skipped here and recomputed by `refresh`, which treats it as missing.
_SOUND = f"embedded_at > ? AND typeof(vector) = 'blob' AND length(vector) = {embed.DIMS}"


def read(store: Store, after: str = "") -> VectorSet:
    """The stored vectors (those embedded after `after`, when given), in id order; read in batches
    into one array, so that a million rows never sit in memory as Python objects."""
    with store.reading():
        count = store.conn.execute(f"SELECT count(*) FROM paper_vectors WHERE {_SOUND}", [after])
        total = count.fetchone()[0]
        ids = np.zeros(total, dtype=_id_type(store))
        vectors = np.zeros((total, embed.DIMS), dtype=np.int8)
        stamp = max(after, model_stamp(store))
        cursor = store.conn.execute(
            f"SELECT paper_id, vector, embedded_at FROM paper_vectors WHERE {_SOUND} ORDER BY paper_id",
            [after],
        )
        done = 0
        while done < total and (rows := cursor.fetchmany(READ_BATCH)):
            rows = rows[: total - done]
            ids[done : done + len(rows)] = [row[0] for row in rows]
            blob = b"".join(row[1] for row in rows)
            vectors[done : done + len(rows)] = np.frombuffer(blob, dtype=np.int8).reshape(len(rows), -1)
            stamp = max(stamp, max(row[2] for row in rows))
            done += len(rows)
    return VectorSet(ids[:done], vectors[:done], stamp)


def _id_type(store: Store) -> type:
    """int32 unless some paper id needs more: 4 MB saved at a million papers."""
    largest = store.conn.execute("SELECT coalesce(max(paper_id), 0) FROM paper_vectors").fetchone()[0]
    return np.int32 if largest < 2**31 else np.int64


def text_model(store: Store) -> LsaModel | None:
    row = store.conn.execute("SELECT name, model FROM vector_model").fetchone()
    if row is None or row[0] != MODEL_NAME:
        return None
    try:
        return LsaModel.from_bytes(row[1])
    except (ValueError, KeyError, OSError, UnicodeDecodeError, TypeError):  # damaged: fitted again
        return None


def stale_count(store: Store) -> int:
    """How many papers have no vector, or one older than their text."""
    return store.conn.execute(f"SELECT count(*) FROM ({_STALE})").fetchone()[0]


def refresh(
    store: Store, progress: Progress | None = None, should_stop: Callable[[], bool] | None = None
) -> int:
    """Compute the vectors that are missing or stale, chunk by chunk; return how many were written.

    Fits the text model first when there is none, or the store has grown to twice what it was
    fitted on (then every vector is recomputed). `should_stop` is asked between chunks.
    """
    model = _current_model(store)
    if model is None:
        return 0
    fitted_at = model_stamp(store)
    stale = [row[0] for row in store.conn.execute(_STALE + " ORDER BY p.id")]
    done = 0
    if progress and stale:
        progress(0, len(stale))
    for start in range(0, len(stale), CHUNK):
        if should_stop and should_stop():
            break
        chunk = stale[start : start + CHUNK]
        if not _embed_chunk(store, model, chunk, fitted_at):
            break  # another process refitted the model: its vectors are the ones to keep
        done += len(chunk)
        if progress:
            progress(done, len(stale))
    return done


_STALE = f"""SELECT p.id FROM papers p LEFT JOIN paper_vectors v ON v.paper_id = p.id
    WHERE v.paper_id IS NULL OR v.embedded_at < p.updated_at
        OR typeof(v.vector) != 'blob' OR length(v.vector) != {embed.DIMS}"""


def _current_model(store: Store) -> LsaModel | None:
    """The text model, fitted (and saved, dropping every vector) when missing or outgrown."""
    count = store.paper_count()
    if count == 0:
        return None
    model = text_model(store)
    if model is not None and model.fitted_on * 2 > min(count, FIT_SAMPLE):
        return model
    model = LsaModel.fit(_sample_texts(store, FIT_SAMPLE))
    with store.write():
        store.conn.execute("DELETE FROM paper_vectors")
        store.conn.execute(
            "INSERT OR REPLACE INTO vector_model (id, name, fitted_at, model) VALUES (1, ?, ?, ?)",
            [MODEL_NAME, now(), model.to_bytes()],
        )
    return model


def _sample_texts(store: Store, size: int) -> list[str]:
    """The texts of up to `size` papers spread evenly over the store's ids (old and new alike)."""
    count = store.paper_count()
    step = max(1, count // size)
    rows = store.conn.execute(
        "SELECT title, abstract FROM (SELECT title, abstract, row_number() OVER (ORDER BY id) AS n"
        " FROM papers) WHERE n % ? = 0 LIMIT ?",
        [step, size],
    )
    return [embed.paper_text(title, abstract) for title, abstract in rows]


def _embed_chunk(store: Store, model: LsaModel, ids: list[int], fitted_at: str) -> bool:
    marks = ", ".join("?" * len(ids))
    rows = store.conn.execute(f"SELECT id, title, abstract FROM papers WHERE id IN ({marks})", ids).fetchall()
    vectors = embed.quantize(embed.encode(model, [embed.paper_text(t, a) for _, t, a in rows]))
    with store.write():
        if model_stamp(store) != fitted_at:
            return False
        stamp = now()
        store.conn.executemany(
            "INSERT OR REPLACE INTO paper_vectors (paper_id, vector, embedded_at) VALUES (?, ?, ?)",
            [(row[0], vector.tobytes(), stamp) for row, vector in zip(rows, vectors, strict=True)],
        )
    return True


def model_stamp(store: Store) -> str:
    """When the text model was fitted ("" for never): vectors older than it are of another model."""
    row = store.conn.execute("SELECT fitted_at FROM vector_model").fetchone()
    return row[0] if row else ""
