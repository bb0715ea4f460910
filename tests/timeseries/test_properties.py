"""Property: reads depend on the set of rows appended, not on order, batching or compaction."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingshan.timeseries import ObservationStore
from qingshan.timeseries.revisions import resolve_revisions, resolve_sql

T0 = datetime(2024, 3, 1, 20, 0, tzinfo=UTC)
R0 = datetime(2024, 3, 3, tzinfo=UTC)

row = st.fixed_dictionaries(
    {
        "series_id": st.integers(1, 3),
        "time": st.integers(0, 7).map(lambda h: T0 + timedelta(hours=h)),  # crosses a UTC date
        "period": st.just("hour"),
        "value": st.one_of(st.none(), st.sampled_from([0.0, 1.5, 2.0])),
        "raw_value": st.sampled_from([None, 1.5]),
        "source_flag": st.sampled_from([None, "N", "D"]),
        "qc_flag": st.sampled_from([0, 1]),
        "source": st.sampled_from([None, "a", "b"]),
        "received_at": st.integers(0, 3).map(lambda m: R0 + timedelta(minutes=m)),
        "revision": st.integers(0, 2),
    }
)


def frame(records) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records)
    df["time"] = pd.to_datetime(df["time"], utc=True)
    df["received_at"] = pd.to_datetime(df["received_at"], utc=True)
    df["qc_flag"] = df["qc_flag"].astype("int8")
    df["revision"] = df["revision"].astype("int32")
    df["value"] = df["value"].astype("float64")
    df["raw_value"] = df["raw_value"].astype("float64")
    return df


def read_all(store: ObservationStore) -> pd.DataFrame:
    return store.query([1, 2, 3], T0, T0 + timedelta(days=1), columns=None).drop(columns="stream")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(row, min_size=1, max_size=25),
    order=st.randoms(use_true_random=False),
    cuts=st.lists(st.integers(0, 25), max_size=4),
    compact_at=st.sets(st.integers(0, 5), max_size=2),
)
def test_any_order_batching_and_compaction_give_the_same_reads(records, order, cuts, compact_at):
    with tempfile.TemporaryDirectory() as tmp:
        reference = ObservationStore(Path(tmp) / "ref")
        reference.append(frame(records), "air")
        expected = read_all(reference)

        shuffled = list(records)
        order.shuffle(shuffled)
        bounds = sorted({0, len(shuffled), *(c for c in cuts if c <= len(shuffled))})
        store = ObservationStore(Path(tmp) / "other")
        for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
            store.append(frame(shuffled[a:b]), "air")
            if i in compact_at:
                store.compact()
        if len(shuffled) > 1:
            store.append(frame(shuffled[: len(shuffled) // 2]), "air")  # re-send a half
        pd.testing.assert_frame_equal(read_all(store), expected)
        store.compact(min_files=1)
        pd.testing.assert_frame_equal(read_all(store), expected)

        # the pandas kernel (used on Dask) states the same rule as the SQL
        by_pandas = resolve_revisions(frame(records))
        cols = list(expected.columns)
        pd.testing.assert_frame_equal(
            by_pandas[cols].reset_index(drop=True), expected, check_dtype=False
        )


@settings(max_examples=30, deadline=None)
@given(records=st.lists(row, min_size=1, max_size=25))
def test_compact_kernels_agree(records):
    df = frame(records)
    con = duckdb.connect()
    con.register("obs", df)
    sql = resolve_sql("obs", keep="compact") + " ORDER BY ALL"
    by_sql = con.sql(sql).df()
    by_pandas = resolve_revisions(df, keep="compact")
    key = ["series_id", "time", "revision", "value", "raw_value", "source_flag", "qc_flag"]
    a = by_sql[list(df.columns)].sort_values(key, na_position="last").reset_index(drop=True)
    b = by_pandas[list(df.columns)].sort_values(key, na_position="last").reset_index(drop=True)
    assert len(a) == len(b)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
