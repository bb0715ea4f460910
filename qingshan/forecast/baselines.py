"""Baseline forecasts the air model is scored against in the same run (issue #15).

Every baseline returns *point* forecasts in one frame shape, :data:`POINT_COLUMNS`:
``city_code, target_day, days_ahead, aqi, level, primary, PM2.5, O3_8h`` (+ the model's
interval columns where it has them). AQI, level and primary pollutant come from the HJ 633
daily report (:func:`qingshan.forecast.daily.daily_report`, edition in force on the day).

- **persistence**: the target day will be as the issue day was (its published daily report).
- **seasonal naive (weekly)**: the target day will be as the same weekday a week before it.
- **climatology**: per city, the most frequent level and primary pollutant of the training
  period, and the training medians of AQI, PM2.5 and O3 8 h (the issue's "always 良" is the
  climatology of most cities).
- **statsforecast AutoETS** on each city's daily AQI, PM2.5 and O3 8 h series (season 7 days),
  rolling origin with a refit every 7 origins; its level is the HJ 633 level of its AQI
  (:func:`qingshan.standards.aqi.level_of`) and it has no primary pollutant.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from qingshan.forecast.daily import daily_report

POINT_COLUMNS = [
    "city_code",
    "target_day",
    "days_ahead",
    "aqi",
    "level",
    "primary",
    "PM2.5",
    "O3_8h",
]


def observed(daily: pd.DataFrame) -> pd.DataFrame:
    """What happened: per city and day the published daily report and PM2.5, O3 8 h —
    ``city_code, day, aqi, level, primary, PM2.5, O3_8h``."""
    d = daily.assign(
        city_code=daily["city_code"].astype(str), day=pd.to_datetime(daily["day"]).dt.date
    ).reset_index(drop=True)
    rep = daily_report(d)
    return pd.DataFrame(
        {
            "city_code": d["city_code"],
            "day": d["day"],
            "aqi": rep["aqi"],
            "level": rep["level"],
            "primary": rep["primary"],
            "PM2.5": d["PM2.5"].astype(float),
            "O3_8h": d["O3_8h"].astype(float),
        }
    )


def _shifted(
    obs: pd.DataFrame, origins: Sequence[date], horizons: Sequence[int], source_offset: int | None
) -> pd.DataFrame:
    """Point forecasts copying the observed day ``issue + source_offset`` (persistence: 0) or,
    with ``source_offset`` None, ``target − 7`` (weekly seasonal naive)."""
    by_key = obs.set_index(["city_code", "day"])
    parts = []
    cities = obs["city_code"].unique()
    for h in horizons:
        for t in origins:
            target = t + pd.Timedelta(days=h)
            src = t if source_offset == 0 else target - pd.Timedelta(days=7)
            parts.append(
                pd.DataFrame(
                    {
                        "city_code": cities,
                        "target_day": pd.Timestamp(target).date(),
                        "days_ahead": h,
                        "src": pd.Timestamp(src).date(),
                    }
                )
            )
    keys = pd.concat(parts, ignore_index=True)
    vals = by_key.reindex(pd.MultiIndex.from_arrays([keys["city_code"], keys["src"]]))
    out = keys.drop(columns="src")
    for c in ("aqi", "level", "primary", "PM2.5", "O3_8h"):
        out[c] = vals[c].to_numpy()
    return out[POINT_COLUMNS]


def persistence(
    obs: pd.DataFrame, origins: Sequence[date], horizons: Sequence[int]
) -> pd.DataFrame:
    """Day ``t + h`` forecast as day ``t`` was observed."""
    return _shifted(obs, origins, horizons, 0)


def seasonal_naive(
    obs: pd.DataFrame, origins: Sequence[date], horizons: Sequence[int]
) -> pd.DataFrame:
    """Day ``t + h`` forecast as the same weekday a week before it (``t + h − 7``, known at
    ``t`` for ``h ≤ 7``)."""
    return _shifted(obs, origins, horizons, None)


def climatology(
    train_obs: pd.DataFrame, cities: Sequence[str], origins: Sequence[date], horizons: Sequence[int]
) -> pd.DataFrame:
    """Per city the most frequent level and primary pollutant of the training period (ties:
    the lower level) and the medians of AQI, PM2.5 and O3 8 h; a city absent from training
    takes the values of all cities."""
    valid = train_obs[train_obs["aqi"].notna()]

    def summary(frame: pd.DataFrame) -> dict[str, object]:
        levels = frame["level"].value_counts()
        top = levels[levels == levels.max()].index.min() if len(levels) else np.nan
        prim = frame["primary"].value_counts()
        return {
            "aqi": float(frame["aqi"].median()),
            "level": float(top),
            "primary": str(prim.index[0]) if len(prim) else "",
            "PM2.5": float(frame["PM2.5"].median()),
            "O3_8h": float(frame["O3_8h"].median()),
        }

    overall = summary(valid)
    per_city = {c: summary(g) for c, g in valid.groupby("city_code")}
    rows = [
        {"city_code": c, "target_day": (pd.Timestamp(t) + pd.Timedelta(days=h)).date(),
         "days_ahead": h, **per_city.get(c, overall)}
        for h in horizons for t in origins for c in cities
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def statsforecast_ets(
    history: pd.DataFrame, origins: Sequence[date], horizons: Sequence[int], refit_every: int = 7
) -> pd.DataFrame:
    """AutoETS (statsforecast, season 7) on each city's daily AQI, PM2.5 and O3 8 h, from the
    observed frame ``history`` (``city_code, day, aqi, PM2.5, O3_8h``; gaps carried forward),
    forecasting from each origin in ``origins`` (consecutive days) with a refit every
    ``refit_every`` origins."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    from qingshan.standards.aqi import level_of

    if not origins:
        return pd.DataFrame(columns=POINT_COLUMNS)
    h_max = max(horizons)
    last_origin = max(origins)
    h_days = pd.Timestamp(last_origin) + pd.Timedelta(days=h_max)
    hist = history.assign(ds=pd.to_datetime(history["day"]))
    hist = hist[hist["ds"] <= h_days]
    frames = {}
    for var in ("aqi", "PM2.5", "O3_8h"):
        wide = hist.pivot_table(index="ds", columns="city_code", values=var)
        wide = wide.reindex(pd.date_range(wide.index.min(), h_days, freq="D")).ffill().bfill()
        long = wide.reset_index(names="ds").melt(id_vars="ds", var_name="unique_id", value_name="y")
        # cutoffs: every origin (consecutive days), the last with h_max days after it
        n_windows = (h_days - pd.Timestamp(min(origins))).days - h_max + 1
        if n_windows < 1 or len(wide) - n_windows < 14:
            return pd.DataFrame(columns=POINT_COLUMNS)
        sf = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cv = sf.cross_validation(
                h=h_max, df=long, n_windows=n_windows, step_size=1, refit=refit_every
            )
        cv["days_ahead"] = (cv["ds"] - cv["cutoff"]).dt.days
        frames[var] = cv.set_index(["unique_id", "ds", "days_ahead"])["AutoETS"]
    out = pd.DataFrame(frames).reset_index()
    out = out[out["days_ahead"].isin(list(horizons))]
    out = out[out["ds"] - pd.to_timedelta(out["days_ahead"], unit="D") <= pd.Timestamp(last_origin)]
    aqi = np.clip(np.ceil(out["aqi"].to_numpy(dtype=float)), 0, 500)
    return pd.DataFrame(
        {
            "city_code": out["unique_id"].astype(str),
            "target_day": out["ds"].dt.date,
            "days_ahead": out["days_ahead"].astype(int),
            "aqi": aqi,
            "level": np.asarray(level_of(aqi), dtype=float),
            "primary": None,
            "PM2.5": out["PM2.5"].clip(lower=0),
            "O3_8h": out["O3_8h"].clip(lower=0),
        }
    )[POINT_COLUMNS]
