"""Arrays memory-mapped out of an `.npz` file read as `np.load` reads them."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from papershelf.loaders.search.mapped_npz import MappedArrays

ARRAYS = {
    "ints": np.arange(1000, dtype=np.int32),
    "wide": np.arange(12, dtype=np.int64).reshape(3, 4),
    "fortran": np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)),
    "bytes": np.frombuffer("déjà vu\nkv".encode(), dtype=np.uint8),
    "empty": np.zeros(0, dtype=np.int32),
    "one": np.array(7),
}


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
def test_every_array_reads_back_as_np_load_reads_it(tmp_path, save):
    path = tmp_path / "arrays.npz"
    save(path, **ARRAYS)
    with MappedArrays(path) as mapped, np.load(path) as loaded:
        assert all(name in mapped for name in ARRAYS) and "missing" not in mapped
        for name in ARRAYS:
            assert mapped[name].dtype == loaded[name].dtype
            assert np.array_equal(mapped[name], loaded[name]), name
            assert type(mapped[name]) is np.ndarray


def test_stored_arrays_are_mapped_read_only(tmp_path):
    path = tmp_path / "arrays.npz"
    np.savez(path, **ARRAYS)
    with MappedArrays(path) as mapped:
        ints = mapped["ints"]
    assert not ints.flags.writeable and ints[999] == 999  # still readable once the file is closed


def test_a_damaged_file_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "arrays.npz"
    np.savez(path, **ARRAYS)
    data = bytearray(path.read_bytes())
    data[:4] = b"XXXX"  # the first member's local header
    path.write_bytes(bytes(data))
    with pytest.raises((ValueError, zipfile.BadZipFile)), MappedArrays(path) as mapped:
        mapped["ints"]
    path.write_bytes(b"not a zip file")
    with pytest.raises(zipfile.BadZipFile):
        MappedArrays(path)
