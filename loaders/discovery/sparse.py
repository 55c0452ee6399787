"""Just enough of a sparse matrix for tf-idf and LSA, in numpy: rows in CSR form and a product
with a dense matrix (scipy would be 40 MB more to install for these two operations)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK_ENTRIES = 1 << 20  # entries multiplied at once: bounds the memory of a product


@dataclass(frozen=True, slots=True)
class Rows:
    """A sparse matrix in CSR form: row r holds `data[indptr[r]:indptr[r+1]]` at columns `indices[…]`."""

    indptr: np.ndarray  # int64, one more than the number of rows
    indices: np.ndarray  # int32
    data: np.ndarray  # float32
    columns: int

    @property
    def count(self) -> int:
        return len(self.indptr) - 1

    def dot(self, dense: np.ndarray) -> np.ndarray:
        """This matrix times `dense` (columns × k), as a float32 array rows × k."""
        out = np.zeros((self.count, dense.shape[1]), dtype=np.float32)
        start = 0
        while start < self.count:
            stop = self._chunk_end(start)
            self._dot_rows(start, stop, dense, out)
            start = stop
        return out

    def transposed(self) -> Rows:
        """The transpose, also in CSR form."""
        order = np.argsort(self.indices, kind="stable")
        rows = np.repeat(np.arange(self.count, dtype=np.int32), np.diff(self.indptr))
        counts = np.bincount(self.indices, minlength=self.columns)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return Rows(indptr, rows[order], self.data[order], self.count)

    def _chunk_end(self, start: int) -> int:
        limit = self.indptr[start] + CHUNK_ENTRIES
        stop = int(np.searchsorted(self.indptr, limit, side="right")) - 1
        return min(max(stop, start + 1), self.count)

    def _dot_rows(self, start: int, stop: int, dense: np.ndarray, out: np.ndarray) -> None:
        low, high = self.indptr[start], self.indptr[stop]
        if low == high:
            return
        products = self.data[low:high, None] * dense[self.indices[low:high]]
        lengths = np.diff(self.indptr[start : stop + 1])
        filled = np.flatnonzero(lengths)
        # reduceat sums from each offset to the next; empty rows would repeat a neighbour's entry.
        offsets = (self.indptr[start:stop] - low)[filled]
        out[start + filled] = np.add.reduceat(products, offsets, axis=0)


def normalize_rows(rows: Rows) -> Rows:
    """Each row scaled to unit length (empty rows stay empty)."""
    lengths = np.diff(rows.indptr)
    row_of = np.repeat(np.arange(rows.count), lengths)
    norms = np.sqrt(np.bincount(row_of, weights=rows.data.astype(np.float64) ** 2, minlength=rows.count))
    data = (rows.data / np.where(norms > 0, norms, 1.0)[row_of]).astype(np.float32)
    return Rows(rows.indptr, rows.indices, data, rows.columns)
