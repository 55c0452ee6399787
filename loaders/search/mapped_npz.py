"""The arrays of an uncompressed `.npz` file (as `np.savez` writes it), memory-mapped.

`np.load` reads every array of an `.npz` whole: 500 MB of postings at a million papers, read at
each start and resident as long as the reader runs. `np.savez` stores each array uncompressed, so
its bytes lie in the file as they would in a `.npy`; mapping them costs nothing at start, and only
the postings of the words searched are read (and can be given back by the system).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, …, name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"


class MappedArrays:
    """A read-only mapping of an `.npz` file's array names to arrays; members stored uncompressed
    are memory-mapped, others read."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._zip = zipfile.ZipFile(self.path)
        self._names = {info.filename.removesuffix(".npy"): info for info in self._zip.infolist()}

    def __enter__(self) -> MappedArrays:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._zip.close()

    def __contains__(self, name: str) -> bool:
        return name in self._names

    def __getitem__(self, name: str) -> np.ndarray:
        info = self._names[name]
        if info.compress_type == zipfile.ZIP_STORED:
            mapped = self._mapped(info)
            if mapped is not None:
                return mapped
        with self._zip.open(info) as member:
            return np.lib.format.read_array(member, allow_pickle=False)

    def _mapped(self, info: zipfile.ZipInfo) -> np.ndarray | None:
        """The member's array mapped, or None for one with nothing to map (a scalar, an empty one)."""
        with self.path.open("rb") as file:
            file.seek(info.header_offset)
            signature, name_length, extra_length = _LOCAL_HEADER.unpack(file.read(_LOCAL_HEADER.size))
            if signature != _LOCAL_SIGNATURE:
                raise ValueError(f"{self.path}: a damaged member {info.filename}")
            file.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
            shape, fortran, dtype = _array_header(file)
            offset = file.tell()
        if dtype.hasobject:
            raise ValueError(f"{self.path}: {info.filename} holds objects")
        if not shape or 0 in shape:
            return None
        order: Any = "F" if fortran else "C"
        # A plain array over the mapping: numpy's results from it are plain arrays too.
        return np.asarray(
            np.memmap(self.path, dtype=dtype, mode="r", offset=offset, shape=shape, order=order)
        )


def _array_header(file: Any) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(file)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(file)
    return np.lib.format.read_array_header_2_0(file)
