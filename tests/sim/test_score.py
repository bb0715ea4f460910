"""Scoring against injected faults: recall, precision, false-alarm rate (worked numbers)."""

import numpy as np
import pandas as pd
import pytest

from qingshan.sim.score import score_frames

T0 = pd.Timestamp("2024-05-01 00:00", tz="UTC")


def _site():
    """An air station, PM2.5 hourly for 10 days: a smooth daily cycle, one spike (hour 100,
    ×6) and a 3-hour gap (hours 150–152: no rows)."""
    h = np.arange(240)
    v = np.round(
        35 + 10 * np.sin(2 * np.pi * h / 24) + np.random.default_rng(1).normal(0, 1, 240), 1
    )
    v[100] = 6 * v[100]
    keep = ~np.isin(h, [150, 151, 152])
    t = T0 + pd.to_timedelta(h[keep], unit="h")
    frame = pd.DataFrame(
        {"time": t, "parameter": "a34004", "value": v[keep], "flag": "N", "series_id": 7}
    )
    return {"frame": frame, "kind": "air_station", "industry": None, "source_type": None}


def test_score_frames_worked_numbers():
    faults = pd.DataFrame(
        {
            "series_id": [7, 7],
            "kind": ["spike", "gap"],
            "start": [T0 + pd.Timedelta(hours=100), T0 + pd.Timedelta(hours=150)],
            "end": [T0 + pd.Timedelta(hours=101), T0 + pd.Timedelta(hours=153)],
        }
    )
    grid = pd.date_range(T0, periods=240, freq="h")
    out = score_frames([_site()], faults, grid)
    kinds = {k["kind"]: k for k in out["kinds"]}
    # 240 grid hours − 1 spike hour − 3 gap hours (absent, so not counted as rows) = 236 clean rows
    assert out["clean_hours"] == 236 and out["sites"] == 1
    assert kinds["spike"]["fault_hours"] == 1 and kinds["spike"]["recall"] == 1.0
    assert kinds["gap"]["fault_hours"] == 3 and kinds["gap"]["recall"] == 1.0
    # 3 missing hours found, no NaN row on a clean hour → precision 1, no false alarm
    assert kinds["gap"]["precision"] == 1.0 and kinds["gap"]["false_alarm_rate"] == 0.0
    fa = kinds["spike"]["false_alarm_rate"]
    prec = kinds["spike"]["precision"]
    fp = round(fa * 236)
    assert prec == pytest.approx(1 / (1 + fp)) and fp <= 2
    # what fired on clean hours, by check: only the spike detectors, if anything
    assert set(out["false_alarms_by_check"]) <= {"spike", "relative_spike", "mad", "rate_of_change"}
    assert sum(out["false_alarms_by_check"].values()) * 236 == pytest.approx(fp)
    # the same through two worker processes
    assert score_frames([_site()], faults, grid, workers=2) == out


def test_air_station_context_and_the_ambient_kinds():
    """An air station whose neighbours share a jump at hour 60 (an event) and which reads CO
    0.0 for 12 h (stuck zero), PM2.5 twice PM10 at hour 200 (倒挂) and a PM2.5 spike at hour
    150: the event is no false alarm, the faults are found by their own checks, and the PM10 of
    the spike hour, flagged by the PM2.5/PM10 check because of the spike, is no false alarm."""
    h = np.arange(240)
    day = np.sin(2 * np.pi * h / 24)
    rng = np.random.default_rng(4)
    pm10 = np.round(60 + 15 * day + rng.normal(0, 2, 240))
    pm25 = np.round(0.6 * pm10)
    co = np.round(0.8 + 0.2 * day + rng.normal(0, 0.03, 240), 1)
    ref = {"a34004": pm25.copy(), "a34002": pm10.copy(), "a21005": co.copy()}
    for x in (pm25, pm10, ref["a34004"], ref["a34002"]):
        x[60] *= 5  # the plume is everywhere
    co[100:112] = 0.0
    pm25[200] = 2 * pm10[200]
    pm25[150] = 6 * pm25[150]
    t = T0 + pd.to_timedelta(h, unit="h")
    frame = pd.concat(
        [
            pd.DataFrame({"time": t, "parameter": c, "value": v, "flag": "N", "series_id": i})
            for i, (c, v) in enumerate((("a34004", pm25), ("a34002", pm10), ("a21005", co)))
        ],
        ignore_index=True,
    )
    site = {
        "frame": frame,
        "kind": "air_station",
        "industry": None,
        "source_type": None,
        "reference": {c: pd.Series(v, index=t) for c, v in ref.items()},
    }
    faults = pd.DataFrame(
        {
            "series_id": [2, 0, 1, 0],
            "kind": ["stuck_zero", "pm_inversion", "pm_inversion", "spike"],
            "start": [t[100], t[200], t[200], t[150]],
            "end": [t[112], t[201], t[201], t[151]],
        }
    )
    grid = pd.date_range(T0, periods=240, freq="h")
    out = score_frames([site], faults, grid)
    kinds = {k["kind"]: k for k in out["kinds"]}
    assert kinds["stuck_zero"]["fault_hours"] == 12 and kinds["stuck_zero"]["recall"] == 1.0
    assert kinds["pm_inversion"]["fault_hours"] == 2 and kinds["pm_inversion"]["recall"] == 1.0
    assert kinds["pm_inversion"]["precision"] == 1.0
    assert kinds["spike"]["recall"] == 1.0
    assert "pm_inversion" not in out["false_alarms_by_check"]  # the spike's PM10 is excused
    # the shared plume at hour 60 raises no spike-type flag
    assert not {"relative_spike", "mad", "neighbour_spike"} & set(out["false_alarms_by_check"])
    # without the neighbours it would have: the context is what makes it an event
    alone = score_frames([{**site, "reference": None}], faults, grid)
    assert {"relative_spike", "mad"} & set(alone["false_alarms_by_check"])
