"""Round trips, range edges, latest values and bad input of the observation store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from qingshan.timeseries import (
    OBSERVATION_SCHEMA,
    ObservationValidationError,
    QueryArgumentError,
)

from .helpers import T0, rows

RECEIVED = datetime(2024, 1, 2, tzinfo=UTC)


def test_round_trip_keeps_every_column(store):
    df = rows(
        7,
        [1.5, None, 3.0],
        raw_value=[15.0, None, 30.0],
        source_flag=["N", "D", "N"],
        qc_flag=np.array([1, 4, 1], dtype="int8"),
        source=["MN1:QN1", "MN1:QN2", "f.csv"],
        revision=np.array([0, 0, 2], dtype="int32"),
    )
    assert store.append(df, "air", received_at=RECEIVED) == 3
    got = store.query([7], T0, T0 + timedelta(hours=3))
    assert list(got.columns) == [*OBSERVATION_SCHEMA.names, "stream"]
    assert got["value"].tolist()[0] == 1.5 and np.isnan(got["value"].tolist()[1])
    assert got["raw_value"].tolist()[2] == 30.0
    assert got["source_flag"].tolist() == ["N", "D", "N"]
    assert got["qc_flag"].tolist() == [1, 4, 1]
    assert got["source"].tolist() == ["MN1:QN1", "MN1:QN2", "f.csv"]
    assert got["revision"].tolist() == [0, 0, 2]
    assert (got["received_at"] == pd.Timestamp(RECEIVED)).all()
    assert str(got["time"].dtype) == "datetime64[us, UTC]"
    assert (got["stream"] == "air").all()


def test_partitions_by_stream_and_utc_date(store):
    store.append(rows(1, [1.0, 2.0, 3.0]), "air")  # 14:00, 15:00 ... 16:00 UTC on one day
    store.append(rows(2, [1.0] * 12), "water")  # crosses midnight UTC
    names = sorted(str(f.parent.relative_to(store.root)) for f in store.files())
    assert names == [
        "stream=air/date=2024-01-01",
        "stream=water/date=2024-01-01",
        "stream=water/date=2024-01-02",
    ]


def test_pyarrow_input_and_other_timezones(store):
    cst = pd.date_range("2024-01-01 22:00", periods=2, freq="h", tz="Asia/Shanghai")
    table = pa.table(
        {
            "series_id": [3, 3],
            "time": pa.array(cst),
            "period": ["hour", "hour"],
            "value": [1.0, 2.0],
        }
    )
    store.append(table, "air")
    got = store.query(3, T0, T0 + timedelta(hours=2))
    assert got["time"].tolist() == [pd.Timestamp(T0), pd.Timestamp(T0 + timedelta(hours=1))]


def test_range_is_half_open_and_sorted(store):
    store.append(rows(2, [20.0, 21.0, 22.0, 23.0]), "air")
    store.append(rows(1, [10.0, 11.0, 12.0, 13.0]), "water")
    got = store.query([2, 1], T0 + timedelta(hours=1), T0 + timedelta(hours=3))
    assert got[["series_id", "value"]].values.tolist() == [
        [1, 11.0],
        [1, 12.0],
        [2, 21.0],
        [2, 22.0],
    ]
    assert store.query(1, T0 + timedelta(hours=4), T0 + timedelta(hours=9)).empty


def test_query_across_utc_midnight(store):
    store.append(rows(1, list(range(24))), "air")  # 14:00 UTC day 1 to 13:00 UTC day 2
    got = store.query(1, T0 + timedelta(hours=9), T0 + timedelta(hours=11))  # 23:00 and 00:00
    assert got["value"].tolist() == [9.0, 10.0]


def test_query_filters_period_and_columns(store):
    store.append(rows(1, [1.0, 2.0]), "air")
    store.append(rows(1, [5.0] * 120, period="min"), "air")
    got = store.query(1, T0, T0 + timedelta(hours=2), period="hour", columns=["value"])
    assert list(got.columns) == ["series_id", "time", "value"]
    assert got["value"].tolist() == [1.0, 2.0]
    assert len(store.query(1, T0, T0 + timedelta(hours=2), period="min")) == 120


def test_empty_store_and_empty_ids(store):
    empty = store.query([1], T0, T0 + timedelta(days=1))
    assert empty.empty and list(empty.columns) == [*OBSERVATION_SCHEMA.names, "stream"]
    store.append(rows(1, [1.0]), "air")
    assert store.query([], T0, T0 + timedelta(days=1)).empty
    assert store.latest([99]).empty


def test_latest_one_row_per_series(store):
    store.append(rows(1, [1.0, 2.0, 3.0]), "air")
    store.append(rows(2, [7.0] * 30, start=T0 - timedelta(days=5)), "air")
    store.append(rows(1, [4.0], start=T0 + timedelta(days=3)), "air")
    every = store.latest()
    assert every[["series_id", "value"]].values.tolist() == [[1, 4.0], [2, 7.0]]
    assert every["time"].tolist()[0] == pd.Timestamp(T0 + timedelta(days=3))
    some = store.latest([2, 3])
    assert some["series_id"].tolist() == [2]
    assert some["time"].tolist() == [pd.Timestamp(T0 - timedelta(days=5) + timedelta(hours=29))]
    assert store.latest(1, period="min").empty


def test_latest_sees_the_resolved_value(store):
    store.append(rows(1, [1.0, 2.0]), "air", received_at=RECEIVED)
    store.append(rows(1, [1.0, 9.0]), "air", received_at=RECEIVED + timedelta(hours=1))
    assert store.latest(1)["value"].tolist() == [9.0]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.drop(columns="period"), r"column 'period': required column is missing"),
        (lambda d: d.assign(extra=1), r"column 'extra': unknown column"),
        (
            lambda d: d.assign(period=["hour", "week"]),
            r"column 'period', row 1: unknown period 'week'",
        ),
        (lambda d: d.assign(series_id=[1, None]), r"column 'series_id', row 1: null"),
        (lambda d: d.assign(time=d["time"].dt.tz_localize(None)), r"column 'time'.*timezone-aware"),
        (
            lambda d: d.assign(received_at=pd.Timestamp("2024-01-02")),
            r"column 'received_at'.*timezone-aware",
        ),
        (lambda d: d.assign(revision=[0, -1]), r"column 'revision', row 1: revision must be >= 0"),
        (lambda d: d.assign(value=["a", "b"]), r"column 'value'"),
        (
            lambda d: d.assign(time=d["time"] + pd.Timedelta(minutes=5)),
            r"column 'time', row 0: .* not the start of a hour",
        ),
    ],
)
def test_bad_rows_raise_and_write_nothing(store, change, match):
    good = rows(1, [1.0, 2.0])
    with pytest.raises(ObservationValidationError, match=match):
        store.append(change(good), "air")
    assert store.files() == []


def test_bad_stream_and_rows_type(store):
    with pytest.raises(ObservationValidationError, match=r"stream must match"):
        store.append(rows(1, [1.0]), "../etc")
    with pytest.raises(ObservationValidationError, match=r"pandas.DataFrame or pyarrow.Table"):
        store.append([{"series_id": 1}], "air")


def test_nan_is_stored_as_null(store):
    store.append(rows(1, [np.nan]), "air")
    table = pa.parquet.read_table(store.files()[0])
    assert table.column("value").null_count == 1


def test_bad_query_arguments(store):
    with pytest.raises(QueryArgumentError, match=r"start must be timezone-aware"):
        store.query(1, datetime(2024, 1, 1), T0)
    with pytest.raises(QueryArgumentError, match=r"empty range"):
        store.query(1, T0, T0)
    with pytest.raises(QueryArgumentError, match=r"unknown period 'week'"):
        store.query(1, T0, T0 + timedelta(hours=1), period="week")
    with pytest.raises(QueryArgumentError, match=r"unknown column\(s\) \['nope'\]"):
        store.query(1, T0, T0 + timedelta(hours=1), columns=["nope"])
