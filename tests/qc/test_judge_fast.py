"""The judgement's array forms against the frame forms they replaced (issue #19: batch QC).

A judgement keeps its periods as arrays (``SeriesVerdict.period_cols``) and builds the frames
(``periods``, ``row_flags``) only when asked; the period verdict is ``judge_arrays``; the
repeated-day check sums its runs in NumPy. Each is checked here against the pandas
formulation it replaced, on seeded outlets with planted faults (exceedance runs, missing
values, a repeated hour, a row out of order, a copied day), several seeds each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qingshan.qc.exceedance import Status, judge, judge_arrays
from qingshan.qc.flags import Flag
from qingshan.qc.judge import judge_outlet
from qingshan.qc.kernel import long_runs, masked_float, seconds
from qingshan.qc.patterns import repeated_daily_sequence_test
from qingshan.qc.rules import load_rulepack
from qingshan.qc.timing import future_time_test

SEEDS = range(6)
#: GB 13223-2011 Table 1 (coal boilers, key regions): SO2 35, NOx 50, dust 5 mg/m³ at 6 % O2
GAS_LIMITS = {
    "a21026": {"limit": 35.0, "standard": "GB 13223-2011", "source": "permit", "reference_o2": 6.0},
    "a21002": {"limit": 50.0, "standard": "GB 13223-2011", "source": "permit", "reference_o2": 6.0},
    "a34013": {"limit": 5.0, "standard": "GB 13223-2011", "source": "permit", "reference_o2": 6.0},
}
#: GB 8978-1996 Table 4 grade 1: COD 100 mg/L, NH3-N 15 mg/L
WATER_LIMITS = {
    "w01018": {"limit": 100.0, "standard": "GB 8978-1996", "source": "permit"},
    "w21003": {"limit": 15.0, "standard": "GB 8978-1996", "source": "permit"},
}


def _gas_outlet(seed: int) -> pd.DataFrame:
    """Two CST days of an hourly gas outlet: SO2, NOx, dust, O2, flow; an SO2 exceedance run,
    missing hours, a repeated hour and a row out of order."""
    rng = np.random.default_rng(seed)
    t = pd.date_range("2026-03-01", periods=48, freq="h", tz="Asia/Shanghai").tz_convert("UTC")
    base = {"a21026": 20.0, "a21002": 30.0, "a34013": 2.0, "a19001": 8.0, "a00000": 300.0}
    rows = []
    for code, level in base.items():
        x = level * (1 + 0.1 * rng.standard_normal(t.size))
        if code == "a21026":
            start, n = int(rng.integers(0, 40)), int(rng.integers(3, 8))
            # ≈ 45 → ≈ 52 mg/m³ at 6 % O2 (> 35), a step under the spike test's 30
            x[start : start + n] = 45.0 * (1 + 0.03 * rng.standard_normal(n))
        x[rng.choice(t.size, 3, replace=False)] = np.nan
        rows.append(pd.DataFrame({"time": t, "parameter": code, "value": x, "flag": "N"}))
    frame = pd.concat(rows, ignore_index=True)
    dup = frame.iloc[[5]].assign(value=99.0)  # the same (parameter, time) again
    late = frame.iloc[[60]]  # a row again, out of order
    return pd.concat([frame, dup, late], ignore_index=True)


def _water_outlet(seed: int) -> pd.DataFrame:
    """Three CST days of an hourly water outlet (COD, NH3-N, flow) with a COD day above the
    limit and a copied day."""
    rng = np.random.default_rng(100 + seed)
    t = pd.date_range("2026-03-01", periods=72, freq="h", tz="Asia/Shanghai").tz_convert("UTC")
    cod = 60 * (1 + 0.1 * rng.standard_normal(t.size))
    cod[24:48] = 130 * (1 + 0.05 * rng.standard_normal(24))
    nh3 = 8 * (1 + 0.1 * rng.standard_normal(t.size))
    nh3[48:72] = nh3[24:48]  # a copied day (repeated daily sequence)
    flow = 40 * (1 + 0.2 * rng.random(t.size))
    cod[rng.choice(t.size, 4, replace=False)] = np.nan
    return pd.concat(
        [
            pd.DataFrame({"time": t, "parameter": c, "value": x, "flag": "N"})
            for c, x in (("w01018", cod), ("w21003", nh3), ("w00000", flow))
        ],
        ignore_index=True,
    )


def _check_periods(v) -> None:
    """The arrays, the lazily built frame and the row table tell the same periods."""
    for code, s in v.series.items():
        per = s.periods
        n, valid, exceeding = s.period_counts()
        if per is None:
            assert (n, valid, exceeding) == (0, 0, 0)
            continue
        # the counts the stored summary takes, as the frame gave them
        assert n == len(per) and valid == int(per["valid"].sum())
        assert exceeding == int((per["status"] == "exceeding").sum())
        assert list(per.columns[-3:]) == ["status", "limit", "multiple"]
        # the frame's verdict columns are judge()'s
        want = judge(per["mean"].to_numpy(), per["valid"].to_numpy(), (s.limit or {}).get("limit"))
        for col in ("status", "limit", "multiple"):
            np.testing.assert_array_equal(per[col].to_numpy(), want[col].to_numpy(), err_msg=code)
        # each row's exceedance is its period's verdict
        rows = v.row_flags.loc[s.rows]
        at = per[~per.index.duplicated()].reindex(pd.Index(s.period_of_row))
        assert rows["exceedance"].tolist() == at["status"].tolist(), code
        # an event is a run of exceeding periods
        for e in s.events:
            inside = per.loc[(per.index >= _naive(per.index, e.start))
                             & (per.index < _naive(per.index, e.end))]  # fmt: skip
            assert (inside["status"] == Status.EXCEEDING).sum() == e.periods
            assert e.max_value == pytest.approx(inside["mean"].max())


def _naive(index: pd.Index, t: pd.Timestamp) -> pd.Timestamp:
    """``t`` as the periods' index spells it (water: naive CST days)."""
    if getattr(index, "tz", None) is None:
        return t.tz_convert("Asia/Shanghai").tz_localize(None)
    return t


@pytest.mark.parametrize("seed", SEEDS)
def test_gas_outlet_periods_and_rows(seed):
    pack = load_rulepack("thermal_power", version="thermal_power/2023.1")
    v = judge_outlet(_gas_outlet(seed), pack=pack, limits=GAS_LIMITS, source_type=None)
    so2 = v.series["a21026"]
    assert so2.converted is not None and so2.events  # the planted run exceeds
    assert v.row_flags["duplicate_time"].tolist().count(int(Flag.FAIL)) == 2  # dup + late copy
    _check_periods(v)


@pytest.mark.parametrize("seed", SEEDS)
def test_water_outlet_periods_and_rows(seed):
    pack = load_rulepack("wastewater", version="wastewater/2026.2")
    v = judge_outlet(_water_outlet(seed), pack=pack, limits=WATER_LIMITS)
    cod = v.series["w01018"]
    assert isinstance(cod.periods.index, pd.DatetimeIndex) and cod.periods.index.tz is None
    assert cod.period_counts()[2] >= 1  # the day above 100 mg/L
    _check_periods(v)


@pytest.mark.parametrize("seed", SEEDS)
def test_judge_arrays_are_judges_columns(seed):
    rng = np.random.default_rng(seed)
    m = rng.uniform(0, 100, 50)
    m[rng.choice(50, 5, replace=False)] = np.nan
    valid = rng.random(50) > 0.2
    for limit in (None, 50.0, np.where(rng.random(50) > 0.1, 40.0, np.nan)):
        status, lim, mult = judge_arrays(m, valid, limit)
        frame = judge(m, valid, limit)
        assert status.dtype == object and frame["status"].tolist() == status.tolist()
        np.testing.assert_array_equal(frame["limit"].to_numpy(), lim)
        np.testing.assert_array_equal(frame["multiple"].to_numpy(), mult)


def _repeated_daily_pandas(x, t, min_points, tolerance=0.0):
    """The check's former formulation (runs summed with pandas' group-by)."""
    x, missing, masked = masked_float(x)
    s = seconds(t, x.size)
    flags = np.where(np.isnan(x), 0, 1).astype(np.uint8)
    idx = np.searchsorted(s, s - 86400.0)
    found = (idx < s.size) & (s[np.minimum(idx, s.size - 1)] == s - 86400.0)
    prev = np.where(found, x[np.minimum(idx, s.size - 1)], np.nan)
    with np.errstate(invalid="ignore"):
        same = np.abs(x - prev) <= tolerance
    steady = np.concatenate(([False], np.diff(x) == 0))
    runs = long_runs(same, int(min_points))
    nonflat = pd.Series(~steady & same).groupby(np.cumsum(~same)).transform("sum").to_numpy() > 1
    flags[runs & nonflat] = 3
    flags[np.isnan(prev) & (flags == 1)] = 0
    flags[missing] = 9
    return flags


@pytest.mark.parametrize("seed", SEEDS)
def test_repeated_daily_runs_as_before(seed):
    rng = np.random.default_rng(seed)
    t = pd.date_range("2026-03-01", periods=24 * 5, freq="h", tz="UTC")
    x = np.round(rng.uniform(0, 5, t.size))  # coarse: equal values happen by chance too
    day = int(rng.integers(1, 4))
    x[24 * day : 24 * day + 24] = x[24 * (day - 1) : 24 * day]  # a copied day
    x[24 * day + 3 : 24 * day + 6] = x[24 * day + 3]  # a flat stretch inside it
    x[rng.choice(t.size, 6, replace=False)] = np.nan
    got = repeated_daily_sequence_test(x, t, 2)
    assert (got == Flag.SUSPECT).any()
    np.testing.assert_array_equal(got, _repeated_daily_pandas(x, t, 2))


def test_future_time_naive_and_aware_now():
    t = pd.date_range("2026-03-01 00:00", periods=4, freq="h", tz="UTC")
    for now in (pd.Timestamp("2026-03-01 01:00"), pd.Timestamp("2026-03-01 09:00+08:00")):
        got = future_time_test(t, now.to_pydatetime(), tolerance=300)
        assert got.tolist() == [Flag.PASS, Flag.PASS, Flag.FAIL, Flag.FAIL]


def test_o2_shift_needs_a_baseline():
    """A day of hourly O2 against a month's baseline (720 points, half needed) is not
    evaluated, as the rolling medians would say; a long series is judged."""
    from qingshan.qc.patterns import o2_shift_test

    rng = np.random.default_rng(0)
    day = 8 + 0.2 * rng.standard_normal(24)
    day[3] = np.nan
    got = o2_shift_test(day, 3, 720, 2.5)
    assert got.tolist() == [Flag.NOT_EVALUATED] * 3 + [Flag.MISSING] + [Flag.NOT_EVALUATED] * 20
    month = np.r_[8 + 0.2 * rng.standard_normal(800), 4 + 0.2 * rng.standard_normal(48)]
    flags = o2_shift_test(month, 3, 720, 2.5)
    assert (flags[-40:] == Flag.SUSPECT).all() and (flags[400:790] == Flag.PASS).all()


def _water_daily_pandas(times, conc, valid, flow=None, *, min_valid=4):
    """The former formulation of the flow-weighted daily mean (a frame and a group-by)."""
    t = pd.DatetimeIndex(times)
    v = np.asarray(valid, dtype=bool)
    x = np.asarray(conc, dtype="float64")
    df = pd.DataFrame({"x": np.where(v, x, np.nan), "v": v & ~np.isnan(x)}, index=t)
    if flow is not None:
        q = np.asarray(flow, dtype="float64")
        df["q"] = np.where(df["v"] & (q >= 0), q, np.nan)
        df["v"] &= ~np.isnan(df["q"].to_numpy())
        df["x"] = df["x"].where(df["v"])
    else:
        df["q"] = np.where(df["v"], 1.0, np.nan)
    df["xq"] = df["x"] * df["q"]
    g = df.groupby(t.tz_convert("Asia/Shanghai").floor("D").tz_localize(None))
    qsum = g["q"].sum(min_count=1)
    out = pd.DataFrame(
        {"mean": g["xq"].sum(min_count=1) / qsum.where(qsum > 0), "n_valid": g["v"].sum()}
    )
    out["valid"] = out["n_valid"] >= min_valid
    out.loc[~out["valid"], "mean"] = np.nan
    out.index.name = "day"
    return out


@pytest.mark.parametrize("seed", range(20))
def test_water_daily_means_as_before(seed):
    """HJ 356-2019 §7 flow-weighted daily means: the same floats as the frame and group-by
    they replaced (pandas' compensated sums), with missing, invalid and negative flows."""
    from qingshan.qc.validity import water_daily_means

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    t = pd.date_range("2026-03-01 05:00", periods=n, freq="h", tz="UTC")
    conc = rng.uniform(0, 200, n) * 10.0 ** rng.integers(-2, 3, n)
    conc[rng.random(n) < 0.15] = np.nan
    valid = rng.random(n) > 0.2
    flow = rng.uniform(-5, 60, n)
    flow[rng.random(n) < 0.1] = np.nan
    for q in (None, flow):
        got = water_daily_means(t, conc, valid, q, min_valid=4)
        pd.testing.assert_frame_equal(got, _water_daily_pandas(t, conc, valid, q, min_valid=4))
