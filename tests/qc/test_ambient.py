"""Ambient-station QC: zero runs, the neighbours' context, PM2.5 vs PM10, NO2 vs NOx, O3 and NO2
at night, the analyser's range limit — on real CNEMC station-hours (Zhejiang, Jan–Feb 2019) and
hand-built series whose numbers are worked in the comments."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qingshan.qc import ambient as AM
from qingshan.qc import checks as C
from qingshan.qc import context as CX
from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.flags import Flag
from qingshan.qc.longform import check_long_frame, station_references
from qingshan.qc.rules import load_rulepack
from qingshan.standards.pollutant_codes import normalise_code

DATA = Path(__file__).parent / "data" / "cnemc_zhejiang_2019-01_02_4sites.csv.gz"
S, P, F, NE, M = Flag.SUSPECT, Flag.PASS, Flag.FAIL, Flag.NOT_EVALUATED, Flag.MISSING


def hours(n, start="2019-01-01 00:00"):
    return pd.date_range(start, periods=n, freq="h", tz="UTC")


@pytest.fixture(scope="module")
def real():
    """The four stations' station-hours as the CLI builds them (UTC times, HJ 212 codes)."""
    d = pd.read_csv(DATA)
    t = pd.to_datetime(d["time"]).dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    code = d["parameter"].map({p: normalise_code(p) for p in d["parameter"].unique()})
    return pd.DataFrame({"time": t, "site": d["site"], "parameter": code, "value": d["value"]})


def series(real, site, code):
    s = real[(real["site"] == site) & (real["parameter"] == code)].sort_values("time")
    return pd.DatetimeIndex(s["time"]), s["value"].to_numpy(dtype=float)


# --- stuck at zero -----------------------------------------------------------------------------
def test_zero_run_flags_co_at_zero_from_the_first_hour(real):
    t, co = series(real, "1223A", "a21005")
    x = co.copy()
    x[100:114] = 0.0  # 14 h of "0.0 mg/m³"
    f = C.zero_run_test(x, t, duration=7200)
    assert (f[100:114] == F).all()
    rest = np.delete(f, np.arange(100, 114))
    assert set(rest) == {P, M} and (rest == M).sum() == np.isnan(co).sum()  # hours CNEMC lacks
    # one zero hour is a rounding of < 0.05 mg/m³, not a run
    y = co.copy()
    y[50] = 0.0
    assert F not in set(C.zero_run_test(y, t, duration=7200))


def test_normal_repetition_at_the_resolution_is_not_a_zero_run(real):
    # 1223A reads CO 1.0 mg/m³ for hours on end (2019-01-01 06–13 CST): the 0.1 mg/m³ step
    t, co = series(real, "1223A", "a21005")
    assert (co[6:14] == 1.0).all()
    assert set(C.zero_run_test(co, t, duration=7200)) == {P, M}
    with pytest.raises(BadParameter, match="zero_run_test.*duration"):
        C.zero_run_test(co, t, duration=0)


# --- the neighbours' context --------------------------------------------------------------------
def _wide(real, code):
    w = real[real["parameter"] == code].pivot(index="time", columns="site", values="value")
    return w.sort_index()


def test_neighbour_reference_is_the_median_of_the_best_correlated(real):
    w = _wide(real, "a34004")
    ref = CX.neighbour_reference(w, neighbours=3, min_correlation=0.5, floor=1.0)
    assert ref.shape == w.shape
    site = "1223A"
    others = w.drop(columns=site)
    expect = others.median(axis=1).where(others.notna().sum(axis=1) >= 2)
    # four stations: each one's neighbours are the other three (all correlate ≥ 0.5)
    pd.testing.assert_series_equal(ref[site], expect, check_names=False)
    # fewer than three stations: no context
    assert CX.neighbour_reference(w.iloc[:, :2]).isna().all().all()
    with pytest.raises(BadParameter, match="neighbours"):
        CX.neighbour_reference(w, neighbours=1)


def test_stuck_context_finds_a_frozen_analyser_the_neighbours_contradict(real):
    w = _wide(real, "a21004")  # NO2
    ref = CX.neighbour_reference(w, neighbours=3, floor=1.0)
    site = "1224A"
    x = w[site].to_numpy().copy()
    t = w.index
    a, b = 400, 424  # a day frozen at the value of its first hour
    x[a:b] = x[a]
    assert np.nanmax(ref[site].to_numpy()[a:b]) - np.nanmin(ref[site].to_numpy()[a:b]) > 10
    f = CX.stuck_context_test(x, t, ref[site].to_numpy(), resolution=1.0, detection_limit=3.8)
    assert (f[a:b] == S).all()  # every hour, from the first
    assert (f[:a][~np.isnan(x[:a])] == P).all()


def test_repetition_below_the_detection_limit_is_normal():
    # SO2 at 3 µg/m³ for 24 h while the neighbours' median wanders 2–5: both below the
    # 5.2 µg/m³ detection limit (HJ 654), nothing to see; the neighbours at 9–12: stuck
    t = hours(24 * 10)
    rng = np.random.default_rng(3)
    ref = np.round(3.5 + 1.5 * np.sin(np.arange(t.size) / 4) + rng.normal(0, 0.3, t.size))
    x = ref.copy()
    x[200:224] = 3.0
    f = CX.stuck_context_test(x, t, ref, resolution=1.0, detection_limit=5.2)
    assert (f[200:224] == P).all()
    assert CX.repetition_explained(x, t, ref, resolution=1.0, detection_limit=5.2)[200:224].all()
    ref2 = ref.copy()
    ref2[200:224] = np.round(10.5 + 1.5 * np.sin(np.arange(24) / 4))
    f2 = CX.stuck_context_test(x, t, ref2, resolution=1.0, detection_limit=5.2)
    assert (f2[200:224] == S).all()
    with pytest.raises(BadParameter, match="resolution"):
        CX.stuck_context_test(x, t, ref, resolution=0)
    with pytest.raises(ShapeMismatch):
        CX.stuck_context_test(x, t, ref[:-1], resolution=1.0)


def test_a_jump_the_neighbours_share_is_an_event_and_one_they_do_not_is_a_spike():
    t = hours(48)
    base = 20 + 10 * np.sin(np.arange(48) * 2 * np.pi / 24)
    ref = base.copy()
    x = np.round(base * 1.2)
    ref[30] *= 4  # a plume over the whole area
    x[30] *= 4
    x[10] *= 5  # this station alone
    moved = CX.moved_with_neighbours(x, ref, window=25, min_ratio=2.0, floor=1.0)
    assert moved[30] and not moved[10]
    f = CX.neighbour_spike_test(x, t, ref, ratio=3.0, min_delta=5.0, floor=1.0)
    assert f[10] == S and f[30] == P
    assert (np.delete(f, [0, 10, 47]) == P).all() and f[0] == NE and f[47] == NE
    with pytest.raises(BadParameter, match="min_ratio"):
        CX.moved_with_neighbours(x, ref, window=25, min_ratio=1.0)


# --- two parameters of one station --------------------------------------------------------------
def test_pm_inversion_with_measurement_tolerance(real):
    # real hours of 1223A: PM2.5 55 / PM10 62 (ratio 0.89) is fine; an inversion of a few
    # µg/m³ is within 15 % + 5 µg/m³; 120 against 62 is not (62 × 1.15 + 5 = 76.3)
    pm25 = np.array([55.0, 66.0, 76.0, 77.0, 120.0, np.nan, 40.0])
    pm10 = np.array([62.0, 62.0, 62.0, 62.0, 62.0, 50.0, np.nan])
    f = AM.pm_inversion_test(pm25, pm10)
    assert list(f) == [P, P, P, S, S, M, NE]
    with pytest.raises(BadParameter, match="relative_tolerance"):
        AM.pm_inversion_test(pm25, pm10, relative_tolerance=-1)
    with pytest.raises(ShapeMismatch):
        AM.pm_inversion_test(pm25, pm10[:3])


def test_no2_above_nox():
    # NO2 = NOx − NO: NOx 80, NO2 83 is within the NO channel's noise (3.8 µg/m³); NO2 90 is not
    f = AM.no2_above_nox_test(
        np.array([40.0, 83.0, 90.0, 5.0]), np.array([80.0, 80.0, 80.0, np.nan])
    )
    assert list(f) == [P, P, S, NE]
    with pytest.raises(BadParameter, match="absolute_tolerance"):
        AM.no2_above_nox_test([1.0], [1.0], absolute_tolerance=-2)


def test_night_titration_in_china_standard_time():
    # 2019-01-01 16:00 UTC is 00:00 CST (night); 06:00 UTC is 14:00 CST (afternoon)
    t = pd.DatetimeIndex(
        ["2019-01-01 16:00", "2019-01-01 20:00", "2019-01-01 21:00", "2019-01-02 06:00"], tz="UTC"
    )
    o3 = np.array([190.0, 170.0, 190.0, 190.0])
    no2 = np.array([95.0, 60.0, 95.0, 95.0])
    f = AM.night_titration_test(o3, no2, t)
    # 00 CST both high: S; 04 CST NO2 below 80: P; 05 CST is morning: NE; 14 CST: NE
    assert list(f) == [S, P, NE, NE]
    with pytest.raises(BadParameter, match="night_hours"):
        AM.night_titration_test(o3, no2, t, night_hours=(5, 0))


def test_range_limit_is_the_analysers_clip():
    # SO2 analyser 0–500 nmol/mol = 0–1309 µg/m³ (HJ 654 [U]): 1300 is within 1 % of it
    f = AM.range_limit_test(np.array([40.0, 1290.0, 1300.0, 1309.0, 1500.0]), upper=1309.0)
    assert list(f) == [P, P, F, F, F]
    with pytest.raises(BadParameter, match="upper"):
        AM.range_limit_test([1.0], upper=0)


# --- spike centre ------------------------------------------------------------------------------
def test_spike_centre_only_spares_the_spikes_neighbours():
    # QARTOD statistic around the spike 10 → 60 → 10: 25 at each neighbour, 50 at the spike
    x = np.array([10.0, 10.0, 10.0, 60.0, 10.0, 10.0, 10.0])
    qartod = C.spike_test(x, suspect_threshold=20.0)
    assert list(qartod[2:5]) == [S, S, S]
    centre = C.spike_test(x, suspect_threshold=20.0, centre_only=True)
    assert list(centre) == [NE, P, P, S, P, P, NE]
    # a step 10 → 60 (an exceedance starting) is no spike: QARTOD flags both sides of it
    step = np.array([10.0, 10.0, 10.0, 60.0, 60.0, 60.0])
    assert list(C.spike_test(step, 20.0)[2:4]) == [S, S]
    assert S not in set(C.spike_test(step, 20.0, centre_only=True))
    # nor with noise, where the last value before the step is a local minimum by 0.3
    noisy = np.array([31.0, 31.5, 31.2, 80.0, 82.0, 81.0])
    assert S not in set(C.spike_test(noisy, 20.0, centre_only=True))
    assert C.spike_test(noisy, 20.0)[2] == S  # QARTOD: |31.2 − (31.5 + 80)/2| = 24.55


# --- the whole rule pack on real station-hours -------------------------------------------------
def test_generic_pack_on_real_stations_with_inserted_faults(real):
    frame = real[real["time"] < pd.Timestamp("2019-01-21", tz="UTC")].reset_index(drop=True)
    pack = load_rulepack("generic", version="generic/2026.2")
    refs = station_references(frame, pack)
    assert set(refs) == {"1223A", "1224A", "1229A", "2871A"}
    clean = check_long_frame(frame, pack, now=pd.Timestamp("2020-01-01", tz="UTC"))
    bad = frame.copy()

    def rows(site, code):
        return bad.index[(bad["site"] == site) & (bad["parameter"] == code)].to_numpy()

    co = rows("1229A", "a21005")[200:214]
    bad.loc[co, "value"] = 0.0  # stuck at zero for 14 h
    pm25, pm10 = rows("1224A", "a34004")[300], rows("1224A", "a34002")[300]
    bad.loc[pm25, "value"] = bad.loc[pm10, "value"] * 2  # 倒挂
    so2 = rows("2871A", "a21026")[50:52]
    bad.loc[so2, "value"] = 1309.0  # SO2 analyser saturated
    res = check_long_frame(bad, pack, now=pd.Timestamp("2020-01-01", tz="UTC"))
    assert (res.loc[co, "zero_run"] == "fail").all() and (res.loc[co, "valid"] == False).all()  # noqa: E712
    assert res.loc[pm25, "pm_inversion"] == "suspect" and res.loc[pm10, "pm_inversion"] == "suspect"
    assert (res.loc[so2, "range_limit"] == "fail").all()
    # the untouched rows: no flood, and what was clean stays clean
    touched = np.concatenate([co, [pm25, pm10], so2])
    rest = np.setdiff1d(bad.index.to_numpy(), touched)
    flagged = res.loc[rest, "aggregate_flag"].isin(["suspect", "fail"])
    assert flagged.mean() < 0.01
    assert (res.loc[rest, "aggregate_flag"] == clean.loc[rest, "aggregate_flag"]).mean() > 0.995
