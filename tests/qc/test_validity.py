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


def _outlet_with_minutes():
    """An ultra-low coal outlet (SO2 limit 35 mg/m³ at 6 % O2), 5 hours of hourly SO2 70
    (converted 70 or 70·15/14.98 → 超标1倍) and O2 6.00/6.02 %, and 1-minute SO2 data over hours
    0–3 only: hour 0 all 60 minutes, hour 1 exactly 45 (15 rows absent), hour 2 44 (10 flagged
    C, 6 absent), hour 3 all 60 but 20 of them inside a 故障 mark (40 valid)."""
    from qingshan.qc.marks import MarkInterval

    t0 = pd.Timestamp("2026-03-01 02:00", tz="UTC")
    hours = pd.date_range(t0, periods=5, freq="h")
    o2 = 6.0 + np.arange(5) % 2 * 0.02
    frame = pd.concat(
        [
            pd.DataFrame({"time": hours, "parameter": "a21026", "value": 70.0, "flag": "N"}),
            pd.DataFrame({"time": hours, "parameter": "a19001", "value": o2, "flag": "N"}),
        ],
        ignore_index=True,
    )
    m = pd.DataFrame({"time": pd.date_range(t0, periods=240, freq="min")})
    m["parameter"], m["value"], m["flag"] = "a21026", 70.0, "N"
    minute = np.arange(240)
    m.loc[(minute >= 120) & (minute < 130), "flag"] = "C"
    absent = ((minute >= 105) & (minute < 120)) | ((minute >= 130) & (minute < 136))
    m = m[~absent].reset_index(drop=True)
    mark = MarkInterval(
        "故障", t0 + pd.Timedelta(minutes=190), t0 + pd.Timedelta(minutes=210), parameter="a21026"
    )
    return frame, m, [mark]


def test_minute_validity_45_valid_minutes_per_hour_in_the_verdict():
    from qingshan.qc.judge import judge_outlet
    from qingshan.qc.rules import load_rulepack

    frame, minutes, marks = _outlet_with_minutes()
    pack = load_rulepack("thermal_power", version="thermal_power/2023.1")
    limits = {"a21026": {"limit": 35.0, "standard": "x", "source": "permit", "reference_o2": 6.0}}
    with_min = judge_outlet(frame, pack=pack, limits=limits, marks=marks, minutes=minutes)
    so2 = with_min.series["a21026"]
    mv = next(r for r in so2.results if r.name == "minute_validity")
    NE, P, F = Flag.NOT_EVALUATED, Flag.PASS, Flag.FAIL
    assert mv.flags.tolist() == [P, P, F, F, NE]  # 60, 45, 44, 40 valid minutes; no minutes
    assert mv.params["min_valid_minutes"] == 45 and mv.params["step_seconds"] == 60.0
    assert so2.periods["status"].tolist() == [
        "exceeding",
        "exceeding",
        "insufficient",
        "insufficient",
        "exceeding",
    ]
    # events: hours 0–1 (2 periods); hour 4 alone is under min_points = 2
    assert [(e.periods, e.start.hour) for e in so2.events] == [(2, 2)]
    # the O2 series has no minute data: not judged by minutes at all
    assert not any(r.name == "minute_validity" for r in with_min.series["a19001"].results)
    # without minute data the same hours are one event of 5 periods
    without = judge_outlet(frame, pack=pack, limits=limits, marks=marks)
    assert [e.periods for e in without.series["a21026"].events] == [5]
