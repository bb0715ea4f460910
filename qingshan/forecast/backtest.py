"""Rolling-origin backtests of the air forecast and their scores (issue #15, "Honest
evaluation").

The model is trained once on the training period; then for every origin (issue day) *t* of
the test period it forecasts *t+1 … t+3* from the values known on *t* — the forecast an
operator would have issued that morning (no refit per origin; the statsforecast baseline
refits every 7 origins). Scores per horizon, on the (city, target day) pairs that have an
observed AQI and a forecast from every model compared:

- ``aqi_level_accuracy``: share of days whose forecast HJ 633 level equals the observed level;
- ``primary_pollutant_accuracy``: share whose forecast primary pollutant(s) equal the observed
  ones (both "none" — AQI ≤ 50 — counts as equal);
- ``aqi_mae``, ``pm25_mae``, ``o3_8h_mae`` [AQI; µg/m³]; ``aqi_rmse``, ``aqi_bias`` (forecast −
  observed) in the details;
- ``polluted_hit_rate``: share of the observed polluted days (AQI > 100) forecast polluted;
  ``polluted_false_alarm_rate``: share of polluted forecasts whose day was not (None without
  such days);
- ``skill_vs_persistence`` = 1 − AQI MAE / persistence's AQI MAE on the same pairs;
- interval coverage (the model's q0.1–q0.9, nominal 80 %) of PM2.5 and AQI in the details.

**The demo's history repeats itself** (its air replays real January–September 2019 and fills
October–December with copies, ``qingshan.sim.timeline.FILL_MONTH``): :func:`backtest_days`
keeps only the days that replay a 2019 day once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

#: the 2019 days the demo replays (2019-01-01 … 2019-09-30)
REPLAYED_MONTHS = range(1, 10)
#: 2019-04-08 is missing from CNEMC's files; the demo repeats 04-07 on it
REPEATED_REPLAY_DAYS = frozenset({(4, 8)})


def backtest_days(days: Iterable[date], fill_month: Mapping[int, int]) -> list[date]:
    """The days of a demo history a backtest may use: those that replay a real 2019 day
    exactly once.

    Parameters
    ----------
    days : dates (China Standard Time) of the demo history
    fill_month : month → the month it copies (``qingshan.sim.timeline.FILL_MONTH``:
        October ← April, November ← March, December ← January)

    Returns
    -------
    list of date
        ``days`` without the copied months (keys of ``fill_month``), without days of a
        month the copy source months' days do not reach, and without the replay of the missing
        2019-04-08; when the history spans more than a year, only the latest occurrence of
        each replayed (month, day) is kept.
    """
    keep: dict[tuple[int, int], date] = {}
    for d in sorted(days):
        if d.month in fill_month or d.month not in REPLAYED_MONTHS:
            continue
        if (d.month, d.day) in REPEATED_REPLAY_DAYS:
            continue
        if d.day > pd.Timestamp(2019, d.month, 1).days_in_month:
            continue  # 29 February: the replay repeats 28 February
        keep[(d.month, d.day)] = d
    return sorted(keep.values())


def model_points(frame: pd.DataFrame) -> pd.DataFrame:
    """Point forecasts (and 80 % intervals) of the model from :func:`forecast_origins`'s
    long frame: levels and primary pollutants of the medians (:func:`forecast_levels`)."""
    from qingshan.forecast.air import forecast_levels

    lv = forecast_levels(frame)
    wide = frame.pivot_table(
        index=["city_code", "target_day", "days_ahead"],
        columns=["variable", "quantile"],
        values="value",
    )
    wide.columns = [f"{v}@{q}" for v, q in wide.columns]
    wide = wide.reset_index()
    out = lv.merge(wide, on=["city_code", "target_day", "days_ahead"], how="left")
    out["aqi"] = out["aqi"].astype(float)
    out["level"] = out["level"].astype(float)
    out["primary"] = out["primary"].fillna("")
    out["PM2.5"] = out["PM2.5@0.5"]
    out["O3_8h"] = out["O3_8h@0.5"]
    return out


def _mae(f: pd.Series, o: pd.Series) -> float | None:
    ok = f.notna() & o.notna()
    return (
        None if not ok.any() else float(np.mean(np.abs(f[ok].astype(float) - o[ok].astype(float))))
    )


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), digits)


def _same_primary(f: pd.Series, o: pd.Series) -> np.ndarray:
    def norm(v: object) -> frozenset[str]:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return frozenset()
        return frozenset(p for p in str(v).split(",") if p)

    return np.array([norm(a) == norm(b) for a, b in zip(f, o, strict=True)])


def score(points: pd.DataFrame, obs: pd.DataFrame, h: int) -> dict[str, Any]:
    """The scores of one model's point forecasts at horizon ``h`` against ``obs``
    (:func:`qingshan.forecast.baselines.observed`), over the pairs with an observed AQI."""
    p = points[points["days_ahead"] == h]
    m = p.merge(
        obs.rename(columns={"day": "target_day"}),
        on=["city_code", "target_day"],
        suffixes=("", "_obs"),
    )
    m = m[m["aqi_obs"].notna() & m["aqi"].notna()]
    n = len(m)
    if n == 0:
        return {"days_ahead": h, "n": 0}
    polluted_obs = m["aqi_obs"] > 100
    polluted_fc = m["aqi"] > 100
    hits = int((polluted_obs & polluted_fc).sum())
    out: dict[str, Any] = {
        "days_ahead": h,
        "n": n,
        "aqi_level_accuracy": _r(
            float(np.mean(m["level"].to_numpy() == m["level_obs"].to_numpy()))
        ),
        "primary_pollutant_accuracy": (
            None
            if m["primary"].isna().all()
            else _r(float(np.mean(_same_primary(m["primary"], m["primary_obs"]))))
        ),
        "aqi_mae": _r(_mae(m["aqi"], m["aqi_obs"])),
        "pm25_mae": _r(_mae(m["PM2.5"], m["PM2.5_obs"])),
        "o3_8h_mae": _r(_mae(m["O3_8h"], m["O3_8h_obs"])),
        "polluted_hit_rate": _r(hits / int(polluted_obs.sum())) if polluted_obs.any() else None,
        "polluted_false_alarm_rate": (
            _r(1.0 - hits / int(polluted_fc.sum())) if polluted_fc.any() else None
        ),
        "aqi_rmse": _r(float(np.sqrt(np.mean((m["aqi"] - m["aqi_obs"]) ** 2)))),
        "aqi_bias": _r(float(np.mean(m["aqi"] - m["aqi_obs"]))),
        "n_polluted": int(polluted_obs.sum()),
        "polluted_aqi_mae": _r(_mae(m["aqi"][polluted_obs], m["aqi_obs"][polluted_obs])),
    }
    for var, key in (("PM2.5", "pm25"), ("AQI", "aqi")):
        lo, hi = f"{var}@0.1", f"{var}@0.9"
        if lo in m and hi in m:
            o = m["PM2.5_obs"] if var == "PM2.5" else m["aqi_obs"]
            ok = o.notna()
            inside = (m[lo][ok] <= o[ok]) & (o[ok] <= m[hi][ok])
            out[f"{key}_coverage_80"] = _r(float(inside.mean())) if ok.any() else None
    return out


def common_pairs(frames: Iterable[pd.DataFrame]) -> set[tuple[str, date, int]]:
    """The (city, target day, horizon) pairs every frame forecasts (with an AQI)."""
    sets = [
        set(zip(f["city_code"], f["target_day"], f["days_ahead"], strict=True))
        for f in (g[g["aqi"].notna()] for g in frames)
    ]
    return set.intersection(*sets) if sets else set()


def restrict(points: pd.DataFrame, pairs: set[tuple[str, date, int]]) -> pd.DataFrame:
    """The rows of ``points`` whose (city, target day, horizon) is in ``pairs``."""
    keys = list(zip(points["city_code"], points["target_day"], points["days_ahead"], strict=True))
    return points[[k in pairs for k in keys]]
