"""Roll-ups with coverage: worked numbers, validity rules, CST boundaries, write-back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from qingshan.timeseries.rollup_job import aligned_range, parse_rollup_source, rollup
from qingshan.timeseries.rollups import (
    RollupError,
    expected_count,
    rollup_finalize,
    rollup_mean,
    rollup_partial,
    valid_mask,
)
from qingshan.timeutil import CST

H0 = datetime(2024, 1, 1, 2, 0, tzinfo=UTC)  # 10:00 CST


def minutes(series_id, values, flags=None, start=H0):
    n = len(values)
    return pd.DataFrame(
        {
            "series_id": series_id,
            "time": pd.date_range(start, periods=n, freq="min").astype("datetime64[us, UTC]"),
            "period": "min",
            "value": values,
            "source_flag": flags if flags is not None else ["N"] * n,
            "qc_flag": np.zeros(n, dtype="int8"),
        }
    )


def test_hourly_mean_with_coverage_worked_example():
    # 60 minutes: 0..59; minutes 50..59 are calibration (C), minute 3 is missing.
    values = [float(i) for i in range(60)]
    values[3] = None
    flags = ["N"] * 50 + ["C"] * 10
    got = rollup_mean(minutes(1, values, flags), "min", "hour")
    (row,) = got.to_dict("records")
    valid_values = [i for i in range(50) if i != 3]  # 49 values
    assert row["count"] == 49 and row["expected"] == 60.0
    assert row["coverage"] == pytest.approx(49 / 60)
    assert row["value"] == pytest.approx(sum(valid_values) / 49)  # 1222 / 49 = 24.938...
    assert row["valid"]  # 49 >= 45 (HJ 75-2017)
    assert row["time"] == pd.Timestamp(H0) and row["period"] == "hour"


def test_hour_with_44_valid_minutes_is_not_valid():
    got = rollup_mean(minutes(1, [1.0] * 44 + [None] * 16), "min", "hour")
    assert got["count"].tolist() == [44] and not got["valid"].iloc[0]
    got = rollup_mean(minutes(1, [1.0] * 45), "min", "hour")
    assert got["valid"].tolist() == [True] and got["coverage"].tolist() == [0.75]


def test_all_invalid_hour_has_nan_mean_and_zero_count():
    got = rollup_mean(minutes(1, [3.0] * 60, ["D"] * 60), "min", "hour")
    assert got["count"].tolist() == [0] and np.isnan(got["value"].iloc[0])


def test_invalid_flags_and_qc_flags_are_parameters():
    frame = minutes(1, [1.0, 2.0, 3.0], ["N", "C", "N"])
    frame["qc_flag"] = np.array([0, 0, 4], dtype="int8")
    assert valid_mask(frame).tolist() == [True, False, True]
    assert valid_mask(frame, invalid_flags=set()).tolist() == [True, True, True]
    assert valid_mask(frame, invalid_qc_flags={4}).tolist() == [True, False, False]
    got = rollup_mean(frame, "min", "hour", invalid_flags={"N"}, min_count=1)
    assert got["value"].tolist() == [2.0]


def test_daily_mean_follows_cst_days():
    # hourly values from 00:00 CST (16:00 UTC the day before) for 30 hours
    start = datetime(2024, 1, 1, 16, 0, tzinfo=UTC)
    frame = pd.DataFrame(
        {
            "series_id": 5,
            "time": pd.date_range(start, periods=30, freq="h").astype("datetime64[us, UTC]"),
            "period": "hour",
            "value": [10.0] * 24 + [40.0] * 6,
        }
    )
    got = rollup_mean(frame, "hour", "day")
    assert got["time"].tolist() == [pd.Timestamp(start), pd.Timestamp(start + timedelta(days=1))]
    assert got["value"].tolist() == [10.0, 40.0]
    assert got["count"].tolist() == [24, 6] and got["valid"].tolist() == [True, False]
    utc_days = rollup_mean(frame, "hour", "day", tz=UTC)
    assert utc_days["time"].tolist()[0] == pd.Timestamp("2024-01-01", tz="UTC")
    assert utc_days["count"].tolist() == [8, 22]


def test_monthly_expected_counts_and_february_minimum():
    starts = pd.Series(
        pd.to_datetime(["2024-01-31 16:00", "2024-02-29 16:00", "2023-01-31 16:00"], utc=True)
    )
    assert expected_count(starts, "day", "month").tolist() == [29.0, 31.0, 28.0]
    days = pd.date_range("2024-01-31 16:00", periods=25, freq="D", tz="UTC")
    frame = pd.DataFrame(
        {"series_id": 1, "time": days.astype("datetime64[us, UTC]"), "period": "day", "value": 2.0}
    )
    got = rollup_mean(frame, "day", "month")
    assert got["count"].tolist() == [25] and got["valid"].tolist() == [True]  # 25 in February
    march = frame.assign(time=frame["time"] + pd.Timedelta(days=29))
    assert rollup_mean(march, "day", "month")["valid"].tolist() == [False]  # 27 in March


def test_partials_from_split_partitions_add_up():
    frame = minutes(1, [float(i) for i in range(60)])
    whole = rollup_mean(frame, "min", "hour")
    parts = pd.concat(
        [
            rollup_partial(frame.iloc[:17], "min", "hour"),
            rollup_partial(frame.iloc[17:], "min", "hour"),
        ]
    )
    pd.testing.assert_frame_equal(rollup_finalize(parts, "min", "hour"), whole)


def test_rollup_errors():
    frame = minutes(1, [1.0])
    with pytest.raises(RollupError, match=r"no default minimum count for min -> day"):
        rollup_mean(frame, "min", "day")
    with pytest.raises(RollupError, match=r"unknown target period 'week'"):
        rollup_mean(frame, "min", "week")
    rtd = frame.assign(period="rtd")
    got = rollup_mean(rtd, "rtd", "hour", min_count=1)
    assert got["count"].tolist() == [1] and np.isnan(got["expected"].iloc[0])


def test_aligned_range_widens_to_cst_days():
    t0, t1 = aligned_range(
        datetime(2024, 1, 1, 20, tzinfo=UTC), datetime(2024, 1, 2, 1, tzinfo=UTC), "day"
    )
    assert (t0, t1) == (
        pd.Timestamp("2024-01-01 16:00", tz="UTC"),
        pd.Timestamp("2024-01-02 16:00", tz="UTC"),
    )


def test_rollup_writes_target_series_and_is_idempotent(store):
    r1 = datetime(2024, 1, 2, tzinfo=UTC)
    store.append(minutes(1, [2.0] * 50 + [None] * 10), "air")
    store.append(minutes(2, [4.0] * 30), "air")
    got = rollup(
        store, "air", "min", "hour", H0, H0 + timedelta(hours=1), {1: 101, 2: 102}, received_at=r1
    )
    assert got["series_id"].tolist() == [101, 102] and got["written"].all()
    rows = store.query([101, 102], H0, H0 + timedelta(hours=1), period="hour")
    assert rows["value"].tolist()[0] == 2.0 and np.isnan(rows["value"].tolist()[1])
    assert rows["raw_value"].tolist() == [2.0, 4.0]
    assert [parse_rollup_source(s) for s in rows["source"]] == [("min", 50, 60), ("min", 30, 60)]
    again = rollup(store, "air", "min", "hour", H0, H0 + timedelta(hours=1), {1: 101, 2: 102})
    assert not again["written"].any()
    assert len(store.files()) == 3
    # late minutes make series 2 valid: a new revision that wins
    store.append(minutes(2, [1.0] * 30, start=H0 + timedelta(minutes=30)), "air")
    late = rollup(
        store,
        "air",
        "min",
        "hour",
        H0,
        H0 + timedelta(hours=1),
        {1: 101, 2: 102},
        received_at=r1 + timedelta(hours=1),
    )
    assert late["written"].tolist() == [False, True] and late["revision"].tolist() == [0, 1]
    assert store.query(102, H0, H0 + timedelta(hours=1))["value"].tolist() == [2.5]


def test_rollup_to_cst_day_reads_two_utc_partitions(store):
    start = datetime(2024, 1, 1, 16, 0, tzinfo=UTC)  # 2024-01-02 00:00 CST
    hourly = pd.DataFrame(
        {
            "series_id": 7,
            "time": pd.date_range(start, periods=24, freq="h"),
            "period": "hour",
            "value": np.arange(24.0),
        }
    )
    store.append(hourly, "air")
    assert len(store.files()) == 2
    got = rollup(
        store,
        "air",
        "hour",
        "day",
        datetime(2024, 1, 2, 9, tzinfo=CST),
        datetime(2024, 1, 2, 10, tzinfo=CST),
        {7: 70},
    )
    assert got["value"].tolist() == [11.5] and got["count"].tolist() == [24]
    day = store.query(70, start, start + timedelta(days=1), period="day")
    assert day["value"].tolist() == [11.5] and day["time"].tolist() == [pd.Timestamp(start)]
