"""Vehicles analytics at province scale: a year of roadside remote-sensing readings screened with
the repeat rule (``vehicles.remote_sensing``), and every I/M station scored by the five fraud
checks (``vehicles.fraud``) — time and peak memory, each against a plain pandas group-by doing
the same job in the same run, the ratio reported.

Sizes: ``BENCH_VEHICLES_RS`` readings (default 2 M, ``--quick`` 300 k; a province-year is tens
of millions: ``BENCH_VEHICLES_RS=30000000``) and ``BENCH_VEHICLES_TESTS`` I/M tests per station
(default 1000 × 300 stations). Strings are Arrow strings / categoricals, as read from Parquet.
Peak memory: tracemalloc's peak of the phase (NumPy and pandas buffers; Arrow's own pool is
not traced), measured in a second pass so the timing runs untraced.
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qingshan.vehicles import fraud
from qingshan.vehicles import remote_sensing as rs
from qingshan.vehicles.scoring import score_flags
from qingshan.vehicles.synth import synth_im_tests


def readings(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` rs_readings over a year: one plate per 40 readings, 1 % of plates high emitters of
    NO, 10 % of readings outside the validity window."""
    rng = np.random.default_rng(seed)
    n_plates = max(100, n // 40)
    pidx = rng.integers(0, n_plates, n)
    plates = pd.Categorical.from_codes(
        pidx, pd.Index([f"浙A{i:05d}" for i in range(n_plates)]), validate=False
    )
    ids = pc.binary_join_element_wise("R", pc.cast(pa.array(np.arange(n)), pa.string()), "")
    at = pd.Timestamp("2025-01-01", tz="UTC").value + np.sort(
        rng.integers(0, 365 * 86400 * 10**9, n)
    )
    speed = rng.uniform(3, 80, n)
    diesel = (pidx % 5) == 0
    he = (pidx % 100) == 1
    no = rng.gamma(2.0, 150.0, n)
    no[he] = rng.uniform(1200, 3000, int(he.sum()))
    op = np.where(diesel, rng.gamma(2.0, 4.0, n), np.nan)
    return pd.DataFrame(
        {
            "reading_id": pd.Series(ids, dtype=pd.ArrowDtype(pa.string())),
            "site_code": pd.Categorical.from_codes(
                rng.integers(0, 60, n), [f"RS{i:03d}" for i in range(60)]
            ),
            "plate": plates,
            "at": pd.to_datetime(at, utc=True),
            "speed_kmh": speed,
            "accel_ms2": rng.uniform(-0.5, 1.6, n),
            "vsp_kwt": rng.uniform(-2, 18, n),
            "co_pct": np.where(diesel, np.nan, rng.gamma(2.0, 0.3, n)),
            "hc_ppm": np.where(diesel, np.nan, rng.gamma(2.0, 60.0, n)),
            "no_ppm": no,
            "opacity_pct": op,
            "valid": False,
            "wind_ms": rng.uniform(0, 5.5, n),
        }
    )


def pandas_repeat(df: pd.DataFrame, rules: rs.RSRules) -> pd.DataFrame:
    """The same repeat rule written as one would in plain pandas: a sort, a group-by shift per
    pollutant, DateOffset for the 6 natural months (CST)."""
    ok = pd.Series(True, index=df.index)
    for col, (lo, hi) in rules.window.items():
        ok &= df[col].between(lo, hi)
    v = df[ok]
    parts = []
    for col, thr in rules.thresholds.items():
        s = v.loc[v[col].notna(), ["plate", "at", col, "reading_id"]].sort_values(["plate", "at"])
        over = s[col] > thr
        g = s.groupby("plate", observed=True, sort=False)
        prev_over = (
            over.astype("int8")
            .groupby(s["plate"], observed=True, sort=False)
            .shift(1, fill_value=0)
            .astype(bool)
        )
        prev_at = g["at"].shift(1).dt.tz_convert("Asia/Shanghai")
        local = s["at"].dt.tz_convert("Asia/Shanghai")
        hit = over & prev_over
        hit &= local <= prev_at + pd.DateOffset(months=rules.months)
        parts.append(pd.DataFrame({"plate": s["plate"][hit].astype(str), "pollutant": col,
                                   "last_id": s["reading_id"][hit].astype(str)}))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def pandas_station_groupby(tests: pd.DataFrame) -> pd.DataFrame:
    """The plain pandas floor for station scoring: one group-by of counts per station and
    method (tests, failures, night tests, short tests) — what any station ranking computes."""
    dur = (tests["ended_at"] - tests["started_at"]).dt.total_seconds()
    hour = tests["started_at"].dt.tz_convert("Asia/Shanghai").dt.hour
    return (
        tests.assign(fail=~tests["passed"], night=(hour >= 22) | (hour < 6), short=dur < 120)
        .groupby(["station_code", "method"])[["fail", "night", "short"]]
        .agg(["size", "sum"])
    )


def _timed(fn, *args) -> tuple[float, object]:
    gc.collect()
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def _peak(fn, *args) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _ours_rs(df: pd.DataFrame, rules: rs.RSRules) -> pd.DataFrame:
    return rs.repeat_offenders(rs.repeat_exceedances(df, rules))


def run(quick: bool = False) -> list[dict]:
    n = int(os.environ.get("BENCH_VEHICLES_RS", 300_000 if quick else 2_000_000))
    per = int(os.environ.get("BENCH_VEHICLES_TESTS", 300 if quick else 1000))
    n_st = int(os.environ.get("BENCH_VEHICLES_STATIONS", 100 if quick else 300))
    rules = rs.default_rules()
    rows = []

    t = time.perf_counter()
    df = readings(n)
    gen = time.perf_counter() - t
    ours_s, off = _timed(_ours_rs, df, rules)
    base_s, base = _timed(pandas_repeat, df, rules)
    pairs = rs.repeat_exceedances(df, rules)
    same = set(zip(pairs["plate"], pairs["pollutant"], pairs["last_id"], strict=True)) == set(
        zip(base["plate"], base["pollutant"], base["last_id"], strict=True)
    )
    assert same, "the pandas baseline and the vectorised rule disagree"
    ours_mb, base_mb = _peak(_ours_rs, df, rules), _peak(pandas_repeat, df, rules)
    rows.append({"job": "rs repeat rule", "rows": n, "generate_s": gen, "ours_s": ours_s,
                 "pandas_s": base_s, "speedup": base_s / ours_s, "ours_peak_mb": ours_mb,
                 "pandas_peak_mb": base_mb, "mem_ratio": base_mb / ours_mb,
                 "rows_per_s": n / ours_s, "found": len(off), "agree": same,
                 "min_recall": float("nan"), "max_false_alarm": float("nan")})  # fmt: skip
    del df, pairs, base, off
    gc.collect()

    t = time.perf_counter()
    im = synth_im_tests(0, n_stations=n_st, tests_per_station=(int(per * 0.6), int(per * 1.4)))
    gen = time.perf_counter() - t
    tests, vehicles = im.tests, im.vehicles
    ours_s, res = _timed(fraud.run_checks, tests, vehicles)
    base_s, _ = _timed(pandas_station_groupby, tests)
    ours_mb = _peak(fraud.run_checks, tests, vehicles)
    base_mb = _peak(pandas_station_groupby, tests)
    score = score_flags(
        {k: r.flagged for k, r in res.items()},  # type: ignore[attr-defined]
        im.truth,
        im.stations["station_code"],
    )
    rows.append({"job": "station fraud (5 checks)", "rows": len(tests), "generate_s": gen,
                 "ours_s": ours_s, "pandas_s": base_s, "speedup": base_s / ours_s,
                 "ours_peak_mb": ours_mb, "pandas_peak_mb": base_mb,
                 "mem_ratio": base_mb / ours_mb, "rows_per_s": len(tests) / ours_s,
                 "found": int(score["detected"].sum() + score["false_alarms"].sum()),
                 "agree": "n/a (the baseline only counts)",
                 "min_recall": score["recall"].min(),
                 "max_false_alarm": score["false_alarm_rate"].max()})  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in run(quick=bool(os.environ.get("QUICK"))):
        print(row)
