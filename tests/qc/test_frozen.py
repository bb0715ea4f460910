"""Frozen while the neighbours move (issue #10): a station's run of equal values judged by the
other stations of the same parameter (``qingshan.qc.frozen``, pack ``generic/2026.3``)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from qingshan.qc import frozen as FZ
from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.flags import Flag
from qingshan.qc.longform import check_long_frame, station_context
from qingshan.qc.pipeline import check_series
from qingshan.qc.rules import load_rulepack

S, P = np.uint8(Flag.SUSPECT), np.uint8(Flag.PASS)
PACK = load_rulepack("generic", version="generic/2026.3")
HOURS = pd.date_range("2019-03-01", periods=96, freq="h", tz="UTC")


def _diurnal(level: float, amp: float, phase: float = 0.0, decimals: int = 0) -> np.ndarray:
    """A station's hourly series: a daily cycle, rounded to the published step."""
    h = np.arange(HOURS.size)
    return np.round(level + amp * np.sin(2 * np.pi * (h + phase) / 24.0), decimals)


def _moving_city(decimals: int = 0, level: float = 40.0, amp: float = 15.0) -> np.ndarray:
    """Three neighbours that keep moving (columns)."""
    return np.column_stack(
        [_diurnal(level * f, amp * f, ph, decimals) for f, ph in ((1.0, 0), (1.2, 1), (0.8, 2))]
    )


# --- (a) one station freezes while three neighbours move -----------------------------------
def test_frozen_station_among_moving_neighbours_is_flagged_from_its_first_hour():
    nb = _moving_city()
    x = _diurnal(40.0, 15.0, 0.5)
    x[32:50] = x[32]  # frozen for 18 h (32 … 49)
    flags = FZ.frozen_among_neighbours_test(x, HOURS, nb, resolution=1.0)
    assert (flags[32:50] == S).all()  # from the first hour of the run, not the 12th
    assert (flags[:32] == P).all() and (flags[50:] == P).all()
    runs = FZ.neighbour_movement(x, HOURS, nb, 1.0, min_steps=3.0, min_duration=12 * 3600.0)
    assert list(zip(runs.start, runs.end, runs.moved, runs.reporting, strict=True)) == [
        (32, 50, 3, 3)
    ]


def test_a_run_shorter_than_the_minimum_is_not_flagged_and_a_gap_does_not_end_a_run():
    nb = _moving_city()
    x = _diurnal(40.0, 15.0, 0.5)
    x[32:42] = x[32]  # 10 h < 12 h
    assert S not in set(FZ.frozen_among_neighbours_test(x, HOURS, nb, resolution=1.0))
    # 14 h frozen with the logger dropping two hours in the middle: still one frozen run
    y = _diurnal(40.0, 15.0, 0.5)
    y[32:46] = y[32]
    y[38:40] = np.nan
    flags = FZ.frozen_among_neighbours_test(y, HOURS, nb, resolution=1.0)
    assert (flags[32:38] == S).all() and (flags[40:46] == S).all()
    assert (flags[38:40] == Flag.MISSING).all()


# --- (b) all stations sit at the same value together ----------------------------------------
def test_all_stations_still_together_is_not_flagged():
    x = _diurnal(40.0, 15.0, 0.5)
    nb = _moving_city()
    x[30:60] = 4.0
    nb[30:60, :] = 4.0  # the whole city at 4 µg/m³ for 30 h: the weather or the resolution
    flags = FZ.frozen_among_neighbours_test(x, HOURS, nb, resolution=1.0)
    assert S not in set(flags)
    still = FZ.still_with_neighbours(x, HOURS, nb, resolution=1.0)
    assert still[30:60].all() and not still[:29].any()
    # one neighbour of three moving is not enough for the frozen check (min_share 1) and leaves
    # the run "still" (1 of 3 < ½)
    nb[30:60, 0] = _diurnal(40.0, 15.0)[30:60]
    assert S not in set(FZ.frozen_among_neighbours_test(x, HOURS, nb, resolution=1.0))
    assert FZ.still_with_neighbours(x, HOURS, nb, resolution=1.0)[30:60].all()


def test_still_city_exempts_the_single_station_persistence_checks_in_the_pack():
    """52 h of SO2 at 4 µg/m³ everywhere: QARTOD's 48 h flat line would flag it at one station
    alone; with the neighbours sitting still too it passes."""
    x = _diurnal(12.0, 6.0, 0.5)
    nb = _moving_city(level=12.0, amp=6.0)
    x[20:72] = 4.0
    nb[20:72, :] = 4.0
    with_city = {
        r.name: r.flags for r in check_series(HOURS, x, code="a21026", pack=PACK, neighbours=nb)
    }
    assert S not in set(with_city["flat_line"]) and S not in set(with_city["frozen_context"])
    alone = {r.name: r.flags for r in check_series(HOURS, x, code="a21026", pack=PACK)}
    assert (alone["flat_line"][20:72] == S).all()


# --- (c) a station with no neighbours --------------------------------------------------------
def test_station_without_neighbours_keeps_the_single_station_rule():
    x = _diurnal(40.0, 15.0, 0.5)
    x[20:75] = x[20]  # 55 h frozen PM2.5
    res = {r.name: r for r in check_series(HOURS, x, code="a34004", pack=PACK)}
    assert "frozen_context" not in res  # nothing to compare with
    assert (res["flat_line"].flags[20:75] == S).all()  # QARTOD flat line, 48 h
    # a single neighbour is not a context either (min_neighbours 2)
    one = {
        r.name
        for r in check_series(HOURS, x, code="a34004", pack=PACK, neighbours=_moving_city()[:, :1])
    }
    assert "frozen_context" not in one
    # and a file of two stations has no neighbours at all
    two = pd.DataFrame(
        {
            "time": np.r_[HOURS, HOURS],
            "site": ["A"] * HOURS.size + ["B"] * HOURS.size,
            "parameter": "a34004",
            "value": np.r_[x, _diurnal(40.0, 15.0)],
        }
    )
    assert station_context(two, PACK) == ({}, {})


# --- (d) a run below the detection limit with moving neighbours -----------------------------
def test_run_below_the_detection_limit_with_moving_neighbours_is_flagged():
    """SO2 frozen at 3 µg/m³ (below the 5.2 µg/m³ of HJ 654-2013 Table 1 [U]) for 16 h while
    the neighbours go 10 → 30 µg/m³: a working analyser would have followed them."""
    dl = PACK.checks_for("a21026")["analyser"]["detection_limit"]
    assert dl == 5.2
    nb = _moving_city(level=20.0, amp=10.0)
    x = _diurnal(8.0, 4.0, 0.5)
    x[40:56] = 3.0
    assert 3.0 < dl
    res = {r.name: r.flags for r in check_series(HOURS, x, code="a21026", pack=PACK, neighbours=nb)}
    assert (res["frozen_context"][40:56] == S).all()
    assert (res["frozen_context"][:40] == P).all()


def test_scaled_movement_reads_the_neighbours_at_the_stations_level():
    """CO at a clean station (0.3 mg/m³) beside neighbours at 4× its level: a neighbour moving
    0.4 mg/m³ means 0.1 at the station, one step, not four — not enough to call it stuck."""
    h = np.arange(HOURS.size)
    x = np.round(0.3 + 0.1 * np.sin(2 * np.pi * h / 24.0), 1)
    nb = np.column_stack(
        [np.round(4 * x + 0.2 * np.sin(2 * np.pi * (h + k) / 24.0), 1) for k in (0, 1, 2)]
    )
    x[30:46] = 0.3
    nb[30:46] = np.round(1.2 + 0.2 * np.sin(2 * np.pi * h[30:46, None] / 12.0), 1)  # ±0.2
    unscaled = FZ.frozen_among_neighbours_test(x, HOURS, nb, 0.1, scaled=False)
    scaled = FZ.frozen_among_neighbours_test(x, HOURS, nb, 0.1)
    assert (unscaled[30:46] == S).all()
    assert S not in set(scaled[30:46])


def test_bad_parameters_are_named():
    x = np.ones(10)
    with pytest.raises(BadParameter, match="min_share"):
        FZ.frozen_among_neighbours_test(x, HOURS[:10], np.ones((10, 3)), 1.0, min_share=0)
    with pytest.raises(BadParameter, match="resolution"):
        FZ.neighbour_movement(x, HOURS[:10], np.ones((10, 3)), 0.0)
    with pytest.raises(ShapeMismatch, match="neighbours"):
        FZ.frozen_among_neighbours_test(x, HOURS[:10], np.ones((9, 3)), 1.0)


# --- the file path: qc check's long frame and the pack --------------------------------------
def test_long_frame_of_four_stations_flags_the_frozen_one():
    nb = _moving_city()
    x = _diurnal(40.0, 15.0, 0.5)
    x[32:50] = x[32]
    values = np.column_stack([x, nb])
    sites = ["F", "N1", "N2", "N3"]
    frame = pd.DataFrame(
        {
            "time": np.tile(HOURS, 4),
            "site": np.repeat(sites, HOURS.size),
            "parameter": "a34004",
            "value": values.T.reshape(-1),
        }
    )
    out = check_long_frame(frame, PACK, now=pd.Timestamp("2020-01-01", tz="UTC"))
    f = out[out["site"] == "F"]
    assert (f["frozen_context"].iloc[32:50] == "suspect").all()
    assert (f["aggregate_flag"].iloc[32:50] == "suspect").all()
    assert (f["frozen_context"].iloc[:32] == "pass").all()
    assert (out.loc[out["site"] != "F", "frozen_context"] == "pass").all()


def test_generic_2026_3_by_date_and_its_parameters():
    assert load_rulepack("generic", date(2026, 12, 31)).version == "generic/2026.2"
    assert load_rulepack("generic", date(2027, 1, 1)).version == "generic/2026.3"
    assert "frozen_context" not in load_rulepack("generic", version="generic/2026.2").checks_for(
        "a21005"
    )
    for code in ("a34004", "a34002", "a21026", "a21004", "a05024", "a21005", "a21002"):
        fz = PACK.checks_for(code)["frozen_context"]
        assert (fz["min_steps"], fz["min_duration"], fz["min_share"]) == (3.0, 43200.0, 1.0)
        assert fz["scaled"] is True and fz["still_share"] == 0.5
    assert "frozen_context" not in PACK.checks_for("w01009")  # water: no neighbours' context
