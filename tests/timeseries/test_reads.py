"""The fast read path: footer cache, row-group pruning, retries, corrupt pages, concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qingshan.timeseries import (
    OBSERVATION_SCHEMA,
    CorruptFileError,
    ObservationStore,
    layout,
    reader,
)

from .helpers import T0, rows

END = T0 + timedelta(hours=24)


def _general(store: ObservationStore, *args, **kw) -> pd.DataFrame:
    store._engine = "duckdb"
    try:
        return store.scan(*args, **kw)
    finally:
        store._engine = "arrow"


def test_row_groups_are_pruned_by_series_and_time(store, monkeypatch):
    monkeypatch.setattr(layout, "ROW_GROUP_SIZE", 4)  # DuckDB (compaction) rounds up to 2048
    data = [rows(sid, [float(sid)] * 4, start=T0 - timedelta(hours=14)) for sid in range(8, 0, -1)]
    store.append(pd.concat(data), "air")  # sorted by (series_id, time) on write
    (f,) = store.files()
    info = store._footers.get(f)
    assert len(info.num_rows) == 8  # one series per row group: sorted by (series_id, time)
    assert info.row_groups([3], None, None) == [2]
    assert info.row_groups([3, 7], None, None) == [2, 6]
    assert info.row_groups([9], None, None) == []
    t0 = int(pd.Timestamp(T0 - timedelta(hours=12)).value // 1000)
    assert info.row_groups(None, t0, None) == list(range(8))  # 3rd hour of every series
    assert info.row_groups(None, None, t0 - 3_600_000_000) == list(range(8))
    assert info.row_groups(None, None, t0 - 7_200_000_000) == []
    got = store.query([3, 7], T0 - timedelta(hours=14), END)
    assert got["series_id"].tolist() == [3] * 4 + [7] * 4
    pd.testing.assert_frame_equal(got, _general(store, [3, 7], T0 - timedelta(hours=14), END))


def test_repeated_keys_only_are_resolved(store):
    store.append(rows(1, [1.0, 2.0, 3.0]), "air", received_at=datetime(2024, 2, 1, tzinfo=UTC))
    store.append(rows(1, [9.0], start=T0 + timedelta(hours=1)), "air")  # newer content wins
    store.append(rows(1, [5.0], period="min"), "air")  # same series and time, other period
    table = reader.read_rows(
        store._footers,
        [(f, "air") for f in store.files()],
        [1],
        None,
        None,
        None,
        list(OBSERVATION_SCHEMA.names),
    )
    dup = reader.duplicate_mask(table.sort_by([(c, "ascending") for c in reader.NATURAL_KEY]))
    assert dup is not None and dup.sum() == 2  # the two rows of 15:00 hour, not the minute row
    got = store.query(1, T0, END)
    assert got["value"].tolist() == [1.0, 5.0, 9.0, 3.0]
    assert got["period"].tolist() == ["hour", "min", "hour", "hour"]
    pd.testing.assert_frame_equal(got, _general(store, [1], T0, END))


def test_a_file_rewritten_in_place_is_read_again(store):
    store.append(rows(1, [1.0, 2.0]), "air")
    (f,) = store.files()
    assert store.query(1, T0, END)["value"].tolist() == [1.0, 2.0]
    table = pq.read_table(f)
    values = pa.array(
        [
            7.0,
            8.0,
        ],
        pa.float64(),
    )
    pq.write_table(table.set_column(3, "value", values), f)  # not something the store does
    assert store.query(1, T0, END)["value"].tolist() == [7.0, 8.0]


def test_a_file_removed_between_listing_and_reading_is_retried(store, monkeypatch):
    store.append(rows(1, [1.0, 2.0]), "air")
    store.append(rows(1, [3.0], start=T0 + timedelta(hours=2)), "air")
    expected = store.query(1, T0, END)
    real = layout.list_files
    calls = []

    def stale(root, parts, **kw):  # the first listing still names files a compaction then deletes
        files = real(root, parts, **kw)
        calls.append(len(files))
        if len(calls) == 1:
            ObservationStore(store.root).compact()
        return files

    monkeypatch.setattr(layout, "list_files", stale)
    pd.testing.assert_frame_equal(store.query(1, T0, END), expected)
    assert len(calls) >= 2


def test_bit_rot_in_a_data_page_is_caught_by_a_read(store):
    store.append_compression = "none"
    store.append(rows(1, [1234.5] * 50), "air")
    f = store.files()[0]
    data = bytearray(f.read_bytes())
    pos = data.find(pa.array([1234.5]).buffers()[1].to_pybytes())
    data[pos + 7] ^= 0x01
    f.write_bytes(bytes(data))
    with pytest.raises(CorruptFileError, match="corrupt Parquet file") as info:
        store.query(1, T0, END)
    assert info.value.path == f


def test_reads_during_appends_and_compactions_see_the_same_rows(tmp_path):
    """Re-sends (no-ops) and compactions run while other threads read: reads never change."""
    store = ObservationStore(tmp_path / "obs")
    first = datetime(2024, 2, 1, tzinfo=UTC)
    data = pd.concat(
        [rows(s, np.arange(30, dtype=float) + s, start=T0 - timedelta(hours=6)) for s in (1, 2, 3)]
    )
    store.append(data, "air", received_at=first)
    expected = store.query([1, 2, 3], T0 - timedelta(hours=6), END)
    stop, errors = threading.Event(), []

    def writer():
        i = 0
        while not stop.is_set():
            i += 1
            store.append(data.iloc[i % 7 :: 5], "air", received_at=first + timedelta(minutes=i))
            if i % 3 == 0:
                store.compact()

    def read():
        try:
            for _ in range(25):
                got = store.query([1, 2, 3], T0 - timedelta(hours=6), END)
                pd.testing.assert_frame_equal(got, expected)
                latest = store.latest([1, 2, 3])
                assert latest["value"].tolist() == [30.0, 31.0, 32.0]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    w = threading.Thread(target=writer)
    readers = [threading.Thread(target=read) for _ in range(3)]
    w.start()
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    stop.set()
    w.join()
    assert errors == []
    pd.testing.assert_frame_equal(
        _general(store, [1, 2, 3], T0 - timedelta(hours=6), END), expected
    )


def test_compacted_row_groups_and_resends_read_like_the_general_path(store, monkeypatch):
    """Thousands of rows: DuckDB-written 2048-row groups, pruned, with re-sends on top."""
    monkeypatch.setattr(layout, "COMPACT_ROW_GROUP_SIZE", 2048)
    rng = np.random.default_rng(7)
    start = T0 - timedelta(hours=14)
    data = pd.concat([rows(s, rng.random(3000), start=start, period="min") for s in range(1, 6)])
    store.append(data, "air", received_at=datetime(2024, 2, 1, tzinfo=UTC))
    store.compact(min_files=1)
    assert [len(store._footers.get(f).num_rows) for f in store.files()] == [4, 4, 1]
    resent = data.iloc[::97].assign(value=lambda d: d["value"] + 1)  # corrections
    store.append(resent, "air", received_at=datetime(2024, 2, 2, tzinfo=UTC))
    store.append(data.iloc[::89], "air", received_at=datetime(2024, 2, 3, tzinfo=UTC))  # replay
    for _ in range(2):
        for _ in range(10):
            ids = sorted(rng.choice(np.arange(0, 7), size=int(rng.integers(1, 4)), replace=False))
            a = start + timedelta(minutes=int(rng.integers(0, 3000)))
            b = a + timedelta(minutes=int(rng.integers(1, 1500)))
            got = store.query([int(i) for i in ids], a, b)
            pd.testing.assert_frame_equal(got, _general(store, [int(i) for i in ids], a, b))
        pd.testing.assert_frame_equal(
            store.scan(None, None, None), _general(store, None, None, None)
        )
        store.compact()


def test_footer_cache_is_bounded(store):
    for h in range(6):
        store.append(rows(1, [float(h)], start=T0 + timedelta(hours=h)), "air")
    store._footers = reader.FooterCache(maxsize=3, max_row_groups=2)
    assert store.query(1, T0, END)["value"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert len(store._footers) == 2
    store._footers.max_row_groups = 100
    store.query(1, T0, END)
    assert len(store._footers) == 3
