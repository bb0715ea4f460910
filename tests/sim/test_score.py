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
