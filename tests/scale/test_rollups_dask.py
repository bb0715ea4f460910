"""The Dask roll-up gives the in-process result, with the same kernels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from qingshan.scale import rollups as dask_rollups
from qingshan.timeseries import CorruptFileError, ObservationStore
from qingshan.timeseries.rollup_job import rollup
from qingshan.timeseries.rollups import rollup_mean

START = datetime(2024, 1, 1, 16, 0, tzinfo=UTC)  # 2024-01-02 00:00 CST


@pytest.fixture
def store(tmp_path):
    s = ObservationStore(tmp_path / "obs")
    rng = np.random.default_rng(7)
    times = pd.date_range(START - timedelta(hours=5), periods=24 * 3 + 10, freq="h")
    for sid in (1, 2, 3):
        values = rng.normal(40, 10, len(times))
        values[rng.random(len(times)) < 0.15] = np.nan
        flags = np.where(rng.random(len(times)) < 0.1, "C", "N")
        df = pd.DataFrame(
            {
                "series_id": sid,
                "time": times,
                "period": "hour",
                "value": values,
                "source_flag": flags,
            }
        )
        s.append(df.iloc[::2], "air")
        s.append(df.iloc[1::2], "air")
        s.append(df.iloc[:10].assign(value=df["value"].iloc[:10] + 1, revision=1), "air")
    return s


def test_dask_matches_in_process_kernel(store):
    end = START + timedelta(days=3)
    lazy = dask_rollups.rollup_frame(store.root, "air", "hour", "day", START, end)
    assert lazy.npartitions >= 1
    got = lazy.compute(scheduler="synchronous").reset_index(drop=True)
    data = store.scan([1, 2, 3], START, end, period="hour")
    expected = rollup_mean(data, "hour", "day")
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert len(got) == 9 and got["count"].max() <= 24


def test_dask_rollup_writes_the_same_rows(store, tmp_path):
    end = START + timedelta(days=3)
    mapping = {1: 11, 2: 12, 3: 13}
    a = rollup(
        store,
        "air",
        "hour",
        "day",
        START,
        end,
        mapping,
        means=dask_rollups.dask_means(scheduler="synchronous"),
        received_at=START + timedelta(days=5),
    )
    assert a["written"].all()
    b = rollup(store, "air", "hour", "day", START, end, mapping)
    assert not b["written"].any()  # in-process rerun finds identical rows


def test_local_cluster(store):
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        got = dask_rollups.rollup_frame(
            store.root, "air", "hour", "day", START, START + timedelta(days=1)
        ).compute()
    assert len(got) == 3


def test_corrupt_file_is_named(store):
    bad = store.files()[0]
    bad.write_bytes(b"junk")
    with pytest.raises(CorruptFileError, match=r"corrupt Parquet file"):
        dask_rollups.rollup_frame(
            store.root, "air", "hour", "day", START - timedelta(days=1), START + timedelta(days=3)
        ).compute(scheduler="synchronous")
