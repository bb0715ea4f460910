"""Corrupt files are named, never read as wrong results."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qingshan.timeseries import CorruptFileError

from .helpers import T0, rows

END = T0 + timedelta(hours=4)


def test_truncated_file_is_named_by_query_and_verify(store):
    store.append(rows(1, [1.0, 2.0]), "air")
    store.append(rows(1, [3.0, 4.0], start=T0 + timedelta(hours=2)), "air")
    bad = store.files()[1]
    bad.write_bytes(bad.read_bytes()[:-20])
    with pytest.raises(CorruptFileError, match=rf"corrupt Parquet file {bad}") as info:
        store.query(1, T0, END)
    assert info.value.path == bad
    with pytest.raises(CorruptFileError, match=r"corrupt Parquet file"):
        store.latest()
    with pytest.raises(CorruptFileError, match=r"corrupt Parquet file"):
        store.compact()
    assert len(store.files()) == 2  # compaction refused and deleted nothing
    assert [e.path for e in store.verify()] == [bad]


def test_garbage_file_is_named(store):
    store.append(rows(1, [1.0]), "air")
    bad = store.files()[0].parent / "part-garbage.parquet"
    bad.write_bytes(b"not parquet at all" * 50)
    with pytest.raises(CorruptFileError, match=r"part-garbage\.parquet"):
        store.query(1, T0, END)


def test_foreign_schema_is_listed_by_verify(store):
    store.append(rows(1, [1.0]), "air")
    foreign = store.files()[0].parent / "part-foreign.parquet"
    pq.write_table(pa.table({"series_id": [1], "value": ["x"]}), foreign)
    assert [e.path for e in store.verify()] == [foreign]
    assert "columns differ from OBSERVATION_SCHEMA" in store.verify()[0].reason
    with pytest.raises(CorruptFileError, match=r"part-foreign\.parquet"):
        store.query(1, T0, END)


def test_bit_rot_in_a_data_page_is_caught_by_deep_verify(store):
    store.append_compression = "none"
    store.append(rows(1, [1234.5] * 50), "air")
    f = store.files()[0]
    data = bytearray(f.read_bytes())
    pos = data.find(pa.array([1234.5]).buffers()[1].to_pybytes())
    assert pos > 0
    data[pos + 7] ^= 0x01
    f.write_bytes(bytes(data))
    assert store.verify() == []  # the footer is intact
    (err,) = store.verify(deep=True)
    assert err.path == f
    assert "crc" in err.reason.lower() or "checksum" in err.reason.lower()


def test_temporaries_are_invisible(store):
    store.append(rows(1, [1.0]), "air")
    d = store.files()[0].parent
    (d / ".tmp-part-crashed.parquet").write_bytes(b"half a file")
    assert len(store.files()) == 1
    assert store.query(1, T0, END)["value"].tolist() == [1.0]
    assert store.verify() == []
