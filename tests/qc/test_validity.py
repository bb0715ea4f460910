"""HJ 75-2017 minute → hour validity, daily validity, water daily means (worked numbers)."""

import numpy as np
import pandas as pd
import pytest

from qingshan.qc.errors import BadParameter, EmptySeries, ShapeMismatch
from qingshan.qc.flags import Flag
from qingshan.qc.validity import (
    daily_means,
    hourly_means,
    valid_values,
    validity_rate,
    water_daily_means,
)


def test_valid_values_fail_and_missing_invalid_suspect_valid():
    x = np.array([1.0, 2.0, np.nan, 4.0, 5.0])
    f = np.array(
        [Flag.PASS, Flag.FAIL, Flag.MISSING, Flag.SUSPECT, Flag.NOT_EVALUATED], dtype=np.uint8
    )
    assert valid_values(x, f).tolist() == [True, False, False, True, True]
    with pytest.raises(ShapeMismatch, match="values has 5 rows but aggregate_flags has 1"):
        valid_values(x, f[:1])


def test_hour_needs_45_valid_minutes():
    t = pd.date_range("2024-01-01 00:00", periods=120, freq="min", tz="UTC")
    x = np.r_[np.full(60, 10.0), np.full(60, 20.0)]
    valid = np.ones(120, bool)
    valid[:15] = False  # hour 0: exactly 45 valid minutes → valid, mean 10
    valid[60:76] = False  # hour 1: 44 valid minutes → invalid
    h = hourly_means(t, x, valid)
    assert h["valid_minutes"].tolist() == [45.0, 44.0]
    assert h["valid"].tolist() == [True, False]
    assert h["mean"].iloc[0] == 10.0 and np.isnan(h["mean"].iloc[1])


def test_hour_mean_is_mean_of_valid_minutes_only():
    t = pd.date_range("2024-01-01", periods=60, freq="min", tz="UTC")
    x = np.r_[np.full(50, 30.0), np.full(10, 900.0)]  # 10 calibration minutes at span gas
    valid = np.r_[np.ones(50, bool), np.zeros(10, bool)]
    h = hourly_means(t, x, valid)
    assert h["mean"].iloc[0] == 30.0
    # 30-second real-time data: each value counts half a minute → 90 values = 45 minutes
    t2 = pd.date_range("2024-01-01", periods=120, freq="30s", tz="UTC")
    v2 = np.r_[np.ones(90, bool), np.zeros(30, bool)]
    assert hourly_means(t2, np.ones(120), v2, step_seconds=30)["valid"].iloc[0]
    with pytest.raises(BadParameter, match="min_valid_minutes=61"):
        hourly_means(t, x, valid, min_valid_minutes=61)
    with pytest.raises(EmptySeries, match="empty series"):
        hourly_means([], [], [])


def test_daily_needs_20_valid_hours_cst_days():
    # 24 hours of CST 2024-01-02 = 2024-01-01 16:00 … 2024-01-02 15:00 UTC
    t = pd.date_range("2024-01-01 16:00", periods=24, freq="h", tz="UTC")
    x = np.arange(24.0)
    valid = np.ones(24, bool)
    valid[:4] = False  # 20 valid hours → valid, mean of 4..23 = 13.5
    d = daily_means(t, x, valid)
    assert d.index[0] == pd.Timestamp("2024-01-02")
    assert d["valid_hours"].iloc[0] == 20 and d["valid"].iloc[0] and d["mean"].iloc[0] == 13.5
    valid[4] = False
    assert not daily_means(t, x, valid)["valid"].iloc[0]


def test_water_daily_mean_flow_weighted():
    t = pd.date_range("2024-01-01 16:00", periods=4, freq="6h", tz="UTC")  # one CST day
    c = np.array([40.0, 60.0, 80.0, 100.0])
    q = np.array([1.0, 1.0, 2.0, 0.0])
    d = water_daily_means(t, c, np.ones(4, bool), q, min_valid=3)
    # (40 + 60 + 160 + 0) / 4 = 65
    assert d["mean"].iloc[0] == pytest.approx(65.0)
    assert water_daily_means(t, c, np.ones(4, bool), None, min_valid=3)["mean"].iloc[0] == 70.0
    assert not water_daily_means(t, c, np.array([1, 1, 0, 0], bool), q, min_valid=3)["valid"].iloc[
        0
    ]
    with pytest.raises(ShapeMismatch, match="conc has 4 rows but flow has 2"):
        water_daily_means(t, c, np.ones(4, bool), q[:2])


def test_validity_rate():
    assert validity_rate(23, 24) == pytest.approx(0.9583, abs=1e-4)
    assert validity_rate(0, 0) is None
    with pytest.raises(BadParameter, match="valid_units=5"):
        validity_rate(5, 4)
