"""OBD checks on hand-built truck streams: a sustained warm dosing stop with NOx rising is an
SCR failure, a cold-SCR or short pause is not; a silence while moving is a gap, a parked one
is not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.vehicles import obd


def _stream(vin: str, minutes: int, **cols) -> pd.DataFrame:
    at = pd.date_range("2025-06-02 00:00", periods=minutes, freq="min", tz="UTC")
    df = pd.DataFrame({"vin": vin, "at": at, "nox_ppm": 80.0, "scr_temp_c": 320.0,
                       "urea_level_pct": 70.0, "urea_dosing": 1.0, "speed_kmh": 50.0,
                       "lon": 120.0, "lat": 30.0})  # fmt: skip
    for k, v in cols.items():
        df[k] = v
    return df


def test_scr_failure_sustained_warm_stop_with_nox_rise():
    a = _stream("A", 240)
    a.loc[60:119, "urea_dosing"] = 0.0  # 60 min stopped, warm, NOx 80 → 400
    a.loc[60:119, "nox_ppm"] = np.linspace(100, 400, 60)
    b = _stream("B", 240)
    b.loc[60:79, "urea_dosing"] = 0.0  # 20 min: too short
    b.loc[60:79, "nox_ppm"] = 400.0
    c = _stream("C", 240)
    c.loc[60:119, ["urea_dosing", "scr_temp_c"]] = (0.0, 150.0)  # cold SCR: no dosing by design
    c.loc[60:119, "nox_ppm"] = 400.0
    d = _stream("D", 240)
    d.loc[60:119, "urea_dosing"] = 0.0  # stopped but NOx normal
    r = obd.scr_failures(pd.concat([a, b, c, d], ignore_index=True))
    assert r.flagged == {"A"}
    ev = r.evidence.iloc[0]
    assert ev["minutes"] == 59.0 and ev["baseline_nox_ppm"] == 80.0
    assert ev["median_nox_ppm"] == np.linspace(100, 400, 60)[29:31].mean()
    assert ev["nox_rise"] > 2


def test_data_gap_moving_versus_parked():
    a = _stream("A", 120).drop(index=range(30, 60))  # 31 min silent at 50 km/h
    b = _stream("B", 120)
    b.loc[29, "speed_kmh"] = 0.0
    b = b.drop(index=range(30, 60))  # parked before the silence
    c = _stream("C", 120).drop(index=range(30, 40))  # 11 min: under 15
    r = obd.data_gaps(pd.concat([a, b, c], ignore_index=True))
    assert r.flagged == {"A"}
    assert r.evidence["minutes"].tolist() == [31.0]
    assert r.scores.set_index("vin").loc["A", "score"] == 31.0
