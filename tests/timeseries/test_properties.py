"""Property: reads depend on the set of rows appended, not on order, batching or compaction."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingshan.timeseries import ObservationStore, layout
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


# ---------------------------------------------------------------- fast read path == general path
fast_row = st.fixed_dictionaries(
    {
        "series_id": st.integers(1, 4),
        "time": st.integers(0, 7).map(lambda h: T0 + timedelta(hours=h)),  # crosses a UTC date
        "period": st.sampled_from(["hour", "min"]),  # keys differing in period only
        "value": st.one_of(st.none(), st.sampled_from([0.0, 1.5, 2.0])),
        "raw_value": st.sampled_from([None, 1.5]),
        "source_flag": st.sampled_from([None, "N", "D"]),
        "qc_flag": st.sampled_from([0, 1]),
        "source": st.sampled_from([None, "a", "b"]),
        "received_at": st.integers(0, 3).map(lambda m: R0 + timedelta(minutes=m)),
        "revision": st.integers(0, 2),
    }
)
half_hour = st.integers(-1, 17).map(lambda k: T0 + timedelta(minutes=30 * k))
query_args = st.fixed_dictionaries(
    {
        "series_ids": st.one_of(st.none(), st.sets(st.integers(0, 5), min_size=1).map(sorted)),
        "start": st.one_of(st.none(), half_hour),
        "length": st.one_of(st.none(), st.integers(1, 18).map(lambda k: timedelta(minutes=30 * k))),
        "period": st.sampled_from([None, "hour", "min"]),
        "columns": st.one_of(
            st.none(),
            st.lists(
                st.sampled_from(["value", "source", "stream", "revision", "period"]),
                max_size=3,
                unique=True,
            ),
        ),
        "streams": st.sampled_from([None, ["air"], ["water"], ["air", "water"]]),
    }
)


def _stream(series_id: int) -> str:
    return "air" if series_id <= 2 else "water"  # a key lives in one stream


def _both_engines(store: ObservationStore, args: dict):
    start = args["start"]
    end = None if start is None or args["length"] is None else start + args["length"]
    kw = {"period": args["period"], "columns": args["columns"], "streams": args["streams"]}
    store._engine = "duckdb"
    general = store.scan(args["series_ids"], start, end, **kw)
    general_latest = store.latest(args["series_ids"], period=args["period"])
    store._engine = "arrow"
    fast = store.scan(args["series_ids"], start, end, **kw)
    fast_latest = store.latest(args["series_ids"], period=args["period"])
    return (general, general_latest), (fast, fast_latest)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(fast_row, min_size=1, max_size=30),
    cuts=st.lists(st.integers(0, 30), max_size=4),
    compact_at=st.sets(st.integers(0, 5), max_size=2),
    row_group=st.sampled_from([1, 2, 3, 131_072]),
    queries=st.lists(query_args, min_size=1, max_size=4),
)
def test_fast_read_path_equals_general_path(records, cuts, compact_at, row_group, queries):
    """Footer pruning, PyArrow reads and resolving repeated keys only == one DuckDB statement.

    Small row groups make pruning by row-group statistics matter; batches, re-sends and
    compaction make files with overlapping keys, with unique keys, and compacted files that
    keep several contents of one key.
    """
    with (
        tempfile.TemporaryDirectory() as tmp,
        patch.object(layout, "ROW_GROUP_SIZE", row_group),
        patch.object(layout, "COMPACT_ROW_GROUP_SIZE", row_group),
    ):
        store = ObservationStore(Path(tmp) / "obs")
        bounds = sorted({0, len(records), *(c for c in cuts if c <= len(records))})
        for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
            batch = frame(records[a:b])
            for stream, part in batch.groupby(batch["series_id"].map(_stream)):
                store.append(part, stream)
            if i in compact_at:
                store.compact()
        for args in queries:
            (general, general_latest), (fast, fast_latest) = _both_engines(store, args)
            pd.testing.assert_frame_equal(fast, general)
            pd.testing.assert_frame_equal(fast_latest, general_latest)
        store.compact(min_files=1)  # one compacted file per partition
        for args in queries:
            (general, general_latest), (fast, fast_latest) = _both_engines(store, args)
            pd.testing.assert_frame_equal(fast, general)
            pd.testing.assert_frame_equal(fast_latest, general_latest)
