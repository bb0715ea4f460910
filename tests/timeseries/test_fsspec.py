"""The store through fsspec: any fsspec URL as the dataset's location, and one local path used
by worker processes that share nothing else (issue #19)."""

from __future__ import annotations

import multiprocessing
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path, PurePosixPath

import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qingshan.scale.rollups import read_partition
from qingshan.timeseries import ObservationStore
from qingshan.timeseries.revisions import resolve_revisions
from qingshan.timeseries.schema import COLUMNS

from .helpers import T0, rows

END = T0 + timedelta(hours=12)


def _resends() -> list[tuple[pd.DataFrame, pd.Timestamp]]:
    """Rows of two series over the UTC date change, with a re-send and a revision."""
    r1, r2 = pd.Timestamp("2024-01-02T00:00Z"), pd.Timestamp("2024-01-02T01:00Z")
    return [
        (rows(1, [float(v) for v in range(1, 13)]), r1),  # 14:00–01:00 UTC
        (rows(2, [10.0, 20.0, 30.0]), r1),
        (rows(1, [2.5], start=T0 + timedelta(hours=1), revision=1), r2),  # a correction
        (rows(2, [10.0, 20.0]), r2),  # an identical re-send
    ]


def test_a_store_on_an_fsspec_url_reads_writes_compacts_and_locks_like_a_local_one(tmp_path):
    url = f"memory:///qingshan-test-{uuid.uuid4().hex}/obs"
    remote, local = ObservationStore(url), ObservationStore(tmp_path / "obs")
    assert remote.url == url and isinstance(remote.root, PurePosixPath)
    for batch, received in _resends():
        for s in (remote, local):
            s.append(batch, "air", received_at=received)
    expected = local.query([1, 2], T0, END)
    assert expected["value"].tolist()[:3] == [1.0, 2.5, 3.0]
    pd.testing.assert_frame_equal(remote.query([1, 2], T0, END), expected)
    remote._engine = "duckdb"  # the general path reads through the registered filesystem
    pd.testing.assert_frame_equal(remote.query([1, 2], T0, END), expected)
    remote._engine = "arrow"
    assert [p.date for p in remote.partitions("air")] == ["2024-01-01", "2024-01-02"]
    assert len(remote.files("air")) == 5  # 4 batches, the first over 2 UTC dates
    done = remote.compact()
    assert [(r.partition.date, r.files_in) for r in done] == [("2024-01-01", 4)]
    assert len(remote.files("air")) == 2
    pd.testing.assert_frame_equal(remote.query([1, 2], T0, END), expected)
    fs = fsspec.filesystem("memory")
    assert not [p for p in fs.find(url) if ".tmp-" in p]  # temporaries renamed or removed
    with remote.lock("ingest"):  # exclusive creation of the lock file on this filesystem
        assert fs.exists(f"{url}/.ingest.lock")
    assert not fs.exists(f"{url}/.ingest.lock")
    assert remote.verify(deep=True) == []


def test_read_partition_gives_the_pandas_rule_on_the_partitions_rows(tmp_path):
    store = ObservationStore(tmp_path / "obs")
    raw = []
    for batch, received in _resends():
        store.append(batch, "air", received_at=received)
        raw.append(batch.assign(received_at=received))
    every = store.scan(None, None, None, columns=list(COLUMNS))  # resolved, for the columns
    start, end = pd.Timestamp(T0), pd.Timestamp(END)
    got = read_partition(("air", "2024-01-01"), str(store.root), start, end, "hour")
    day = pd.Timestamp("2024-01-02", tz="UTC")
    assert got["time"].max() < day and len(got) == 10 + 3  # 14:00–23:00 UTC, both series
    assert got.loc[got["series_id"] == 1, "value"].tolist()[:3] == [1.0, 2.5, 3.0]
    pd.testing.assert_frame_equal(got, every[every["time"] < day].reset_index(drop=True))
    # the pandas kernel of the re-send rule over the partition's stored rows agrees
    files = store.files("air", "2024-01-01")
    unresolved = pa.concat_tables([pq.read_table(f) for f in files]).to_pandas()
    pd.testing.assert_frame_equal(got, resolve_revisions(unresolved)[list(COLUMNS)])
    only2 = read_partition(("air", "2024-01-01"), str(store.root), start, end, None, frozenset([2]))
    assert set(only2["series_id"]) == {2}


# --------------------------------------------------------------- separate worker processes
def _write(url: str, series: list[int], day: int) -> int:
    """In a fresh process: append a day of hourly rows of ``series`` (own files)."""
    store = ObservationStore(url)
    start = T0 + timedelta(days=day)
    n = 0
    for s in series:
        n += store.append(rows(s, np.arange(24.0) + s, start=start), "water")
    return n


def _read_and_compact(url: str) -> tuple[int, float]:
    """In a fresh process: compact, then read every row (count, sum of values)."""
    store = ObservationStore(url)
    store.compact()
    frame = store.scan(None, None, None)
    return len(frame), float(frame["value"].sum())


def test_worker_processes_sharing_only_the_path_see_each_others_rows(tmp_path):
    url = f"file://{tmp_path / 'lake'}"  # a URL, as a cluster's shared mount would be named
    ctx = multiprocessing.get_context("spawn")  # nothing inherited: no store, no cache
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        written = list(pool.map(_write, [url] * 4, [[1, 2], [3, 4], [1, 2], [3, 4]], [0, 0, 1, 1]))
        assert written == [48] * 4
        count, total = pool.submit(_read_and_compact, url).result()
    assert count == 4 * 2 * 24
    expected = sum(2 * (np.arange(24.0) + s).sum() for s in (1, 2, 3, 4))
    assert total == pytest.approx(expected)
    here = ObservationStore(Path(tmp_path / "lake"))  # the same files by plain path
    assert len(here.files("water")) == 3  # one compacted file per UTC date
    assert here.scan(None, None, None)["value"].sum() == pytest.approx(expected)


def test_the_platform_opens_the_store_at_its_configured_url(tmp_path, monkeypatch):
    """``QINGSHAN_OBSERVATIONS_URL`` moves the lake off the data directory (e.g. to storage
    every Dask worker sees); unset, it is ``<data_dir>/observations``."""
    from qingshan.config import Settings

    assert Settings(data_dir=tmp_path).observations_dir == tmp_path / "observations"
    url = f"memory:///qingshan-test-{uuid.uuid4().hex}/lake"
    monkeypatch.setenv("QINGSHAN_OBSERVATIONS_URL", url)
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)
    store.append(rows(1, [4.0, 5.0]), "air", received_at=pd.Timestamp("2024-01-02T00:00Z"))
    assert ObservationStore(url).query([1], T0, END)["value"].tolist() == [4.0, 5.0]
    assert not (tmp_path / "observations").exists()
