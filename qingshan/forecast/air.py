"""City daily air-quality forecasts 1–3 days ahead (issue #15): one global LightGBM model
across cities per pollutant, through mlforecast's direct multi-horizon strategy.

Model
-----
- **Target**: a city's daily statistic (:mod:`qingshan.forecast.daily`: the arithmetic mean of
  its national stations, HJ 663-2013 clause 4): PM2.5, PM10, O3 daily max 8 h, NO2, SO2, CO.
- **One model per pollutant and horizon and quantile, global across cities** (mlforecast
  ``max_horizon=3``: the model of day *h* is trained on targets *h* days after the features'
  origin; no recursion, so an error of day 1 does not feed day 2). The city is a categorical
  feature.
- **Features** at the issue day *t* (all known when the forecast is issued): lags 1, 2, 3 and
  7 days; rolling mean 3 and 7 days, rolling std and max 7 days; the mean of the other cities
  on day *t* (regional transport); the day of week; for each target day *t+1 … t+3* the
  Chinese calendar (:mod:`qingshan.forecast.holidays`: day off, festival, 调休 working day);
  with weather (:mod:`qingshan.forecast.weather`), the supplied values of each target day.
- **Intervals**: quantile LightGBM (objective ``quantile``, α = 0.1, 0.5, 0.9), one model per
  quantile; crossings are sorted away. Chosen over mlforecast's conformal intervals because
  pollution errors are skewed (an episode is far more likely above the median than below) and
  conformal intervals from mlforecast are symmetric around the point forecast and would cost
  one refit per calibration window.
- **AQI, level, primary pollutant** of a forecast day: the HJ 633 daily report (edition in
  force on the target day, :func:`qingshan.standards.aqi.edition_for`) of the median
  concentrations. The ``AQI`` rows of the 0.1 / 0.9 quantiles are the AQI of the 0.1 / 0.9
  concentrations (the AQI increases with every concentration, so these bound the AQI of
  the quantiles' scenario, not a calibrated AQI quantile). Under HJ 633-2012 the daily report
  also uses O3 1 h, which is not forecast: the forecast AQI uses the six others (HJ 633-2012
  5.1.1, AQI from the indicators present).

Gaps: a city-day without a value is interpolated linearly (carried after the last value), since
mlforecast's lags count rows; scores are computed only on observed days.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from mlforecast import MLForecast
from mlforecast.lag_transforms import RollingMax, RollingMean, RollingStd

from qingshan.forecast.daily import VARIABLES, BadInput, daily_report
from qingshan.forecast.holidays import day_features
from qingshan.forecast.weather import WEATHER_VARIABLES, weather_columns

log = logging.getLogger(__name__)

QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)
HORIZONS: tuple[int, ...] = (1, 2, 3)
#: days of history the features need before an issue day
HISTORY_DAYS = 21
#: LightGBM settings (small trees: ~3,000 city-days a year for 11 cities)
LGB_PARAMS: dict[str, Any] = {
    "n_estimators": 200, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 20,
    "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "n_jobs": 1,
    "verbosity": -1,
}  # fmt: skip


@dataclass
class AirModel:
    """A fitted air forecast: one mlforecast per variable (each with one LightGBM per
    quantile and horizon), the cities it knows, and whether it used weather."""

    forecasters: dict[str, MLForecast]
    cities: tuple[str, ...]
    trained_from: date
    trained_until: date
    weather: tuple[str, ...] = ()
    max_horizon: int = 3
    params: dict[str, Any] = field(default_factory=dict)


def _qname(q: float) -> str:
    return f"q{round(q * 100):02d}"


def _complete(
    daily: pd.DataFrame, first: date | None = None, last: date | None = None
) -> pd.DataFrame:
    """Every city × every day from the first to the last day, values as given (NaN gaps)."""
    need = {"city_code", "day", *VARIABLES}
    if missing := need - set(daily.columns):
        raise BadInput(f"daily frame lacks columns {sorted(missing)}")
    d = daily.assign(
        city_code=daily["city_code"].astype(str), day=pd.to_datetime(daily["day"]).dt.normalize()
    )
    lo = pd.Timestamp(first) if first is not None else d["day"].min()
    hi = pd.Timestamp(last) if last is not None else d["day"].max()
    cities = sorted(d["city_code"].unique())
    full = pd.MultiIndex.from_product(
        [cities, pd.date_range(lo, hi, freq="D")], names=["city_code", "day"]
    )
    d = d.drop_duplicates(["city_code", "day"], keep="last").set_index(["city_code", "day"])
    return d.reindex(full)[list(VARIABLES)].reset_index()


def _series(
    full: pd.DataFrame, variable: str, weather: pd.DataFrame | None, extra_days: int = 0
) -> pd.DataFrame:
    """The mlforecast frame of one variable: ``unique_id ds y city nbr dow off_1 … w_*_1 …``.

    ``extra_days`` appends that many days after the last (y NaN) for prediction's X_df.
    """
    wide = full.pivot(index="day", columns="city_code", values=variable).sort_index()
    if extra_days:
        more = pd.date_range(wide.index[-1] + pd.Timedelta(days=1), periods=extra_days, freq="D")
        wide = pd.concat([wide, pd.DataFrame(index=more, columns=wide.columns, dtype=float)])
    filled = wide.interpolate(limit_area="inside").ffill()
    n = filled.shape[1]
    total = filled.sum(axis=1, min_count=1)
    count = filled.notna().sum(axis=1)
    # regional transport: the mean of the other cities on the same day (the origin)
    nbr = filled.apply(
        lambda col: (total - col.fillna(0)) / (count - col.notna()).replace(0, np.nan)
    )
    cal = {d: day_features(d.date()) for d in filled.index.union(
        pd.date_range(filled.index[-1], periods=4, freq="D"))}  # fmt: skip
    frames = []
    for city in filled.columns:
        f = pd.DataFrame(
            {
                "unique_id": city,
                "ds": filled.index,
                "y": filled[city].to_numpy(),
                "nbr": nbr[city].to_numpy() if n > 1 else np.nan,
            }
        )
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    if not extra_days:  # a series starts at its first value (mlforecast wants no null y)
        started = out.groupby("unique_id")["y"].transform(lambda v: v.notna().cummax())
        out = out[started].reset_index(drop=True)
    out["city"] = pd.Categorical(out["unique_id"])
    # the calendar of each target day d+h (the row at d is the origin of d+1 … d+3 in
    # mlforecast's direct strategy, whose row d forecasts d, d+1, d+2: see _frame_origin)
    for h in range(3):
        day = out["ds"] + pd.Timedelta(days=h)
        feats = np.array([cal.get(d, day_features(d.date())) for d in day])
        out[f"off_{h}"] = feats[:, 0]
        out[f"festival_{h}"] = feats[:, 1]
        out[f"shift_{h}"] = feats[:, 2]
        out[f"dow_{h}"] = feats[:, 3]
    if weather is not None:
        w = weather_columns(weather, out[["unique_id", "ds"]], shifts=range(3))
        out = pd.concat([out, w], axis=1)
    return out


def _frame_origin(frame: pd.DataFrame) -> pd.DataFrame:
    """mlforecast's direct models forecast y at the row's own day *d* (lag 1 = day *d−1*);
    the origin (issue day) of that row is *d−1*. Day-*d* columns that describe the origin
    (``nbr``: the other cities on the issue day) are shifted by one day per city here."""
    frame = frame.sort_values(["unique_id", "ds"]).copy()
    frame["nbr"] = frame.groupby("unique_id", observed=True)["nbr"].shift(1)
    return frame


def _forecaster(seed: int, quantiles: Sequence[float]) -> MLForecast:
    models = {
        _qname(q): lgb.LGBMRegressor(objective="quantile", alpha=q, random_state=seed, **LGB_PARAMS)
        for q in quantiles
    }
    return MLForecast(
        models=models,
        freq="D",
        lags=[1, 2, 3, 7],
        lag_transforms={1: [RollingMean(3), RollingMean(7), RollingStd(7), RollingMax(7)]},
        num_threads=1,
    )


def fit_air_model(
    daily: pd.DataFrame,
    *,
    weather: pd.DataFrame | None = None,
    seed: int = 0,
    quantiles: Sequence[float] = QUANTILES,
    max_horizon: int = 3,
    n_estimators: int | None = None,
) -> AirModel:
    """Fit the air forecast on city daily values.

    Parameters
    ----------
    daily : DataFrame
        :func:`qingshan.forecast.daily.city_daily`'s frame: ``city_code``, ``day`` and the
        six variables [µg/m³; CO mg/m³]. At least ~30 days per city.
    weather : DataFrame, optional
        :mod:`qingshan.forecast.weather`'s format; used as features of the target days.
    seed : int
        LightGBM's random state (same seed and data → same model).
    n_estimators : int, optional
        Trees per model (tests use few).
    """
    full = _complete(daily)
    n_days = full["day"].nunique()
    if n_days < HISTORY_DAYS + max_horizon + 7:
        raise BadInput(
            f"training needs at least {HISTORY_DAYS + max_horizon + 7} days; got {n_days}"
        )
    params = dict(LGB_PARAMS)
    if n_estimators is not None:
        params["n_estimators"] = n_estimators
    forecasters = {}
    for var in VARIABLES:
        frame = _frame_origin(_series(full, var, weather))
        mlf = _forecaster(seed, quantiles)
        for m in mlf.models.values():
            m.set_params(n_estimators=params["n_estimators"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mlf.fit(frame, static_features=["city"], max_horizon=max_horizon, dropna=True)
        forecasters[var] = mlf
    used = tuple(WEATHER_VARIABLES) if weather is not None else ()
    return AirModel(
        forecasters=forecasters,
        cities=tuple(sorted(full["city_code"].unique())),
        trained_from=full["day"].min().date(),
        trained_until=full["day"].max().date(),
        weather=used,
        max_horizon=max_horizon,
        params=params,
    )


def forecast_air(
    model: AirModel,
    daily: pd.DataFrame,
    issue_day: date,
    horizons: Sequence[int] = HORIZONS,
    weather: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Forecast each city's day ``issue_day + h`` for ``h`` in ``horizons`` from the values
    known on ``issue_day`` (rows of ``daily`` after it are ignored).

    Returns
    -------
    DataFrame
        Long: ``city_code`` (str), ``target_day`` (date), ``days_ahead`` (int), ``variable``
        (``PM2.5 PM10 O3_8h NO2 SO2 CO AQI``), ``quantile`` (0.1, 0.5, 0.9) and ``value``
        [µg/m³; CO mg/m³; AQI dimensionless]; cities without the history the features need
        (:data:`HISTORY_DAYS` days ending at ``issue_day``) are left out.
    """
    if model.weather and weather is None:
        raise BadInput("this model was trained with weather; pass the weather of the target days")
    if max(horizons) > model.max_horizon or min(horizons) < 1:
        raise BadInput(f"horizons must be within 1..{model.max_horizon}; got {list(horizons)}")
    d = daily[pd.to_datetime(daily["day"]).dt.date <= issue_day]
    first = issue_day - timedelta(days=HISTORY_DAYS + 14)
    d = d[pd.to_datetime(d["day"]).dt.date >= first]
    cols = ["city_code", "target_day", "days_ahead", "variable", "quantile", "value"]
    if d.empty:
        return pd.DataFrame(columns=cols)
    full = _complete(d, first, issue_day)
    recent = full[full["day"] > pd.Timestamp(issue_day - timedelta(days=7))]
    enough = recent.groupby("city_code")[list(VARIABLES)].count().min(axis=1) >= 3
    full = full[full["city_code"].isin(enough[enough].index)]
    if full.empty:
        return pd.DataFrame(columns=cols)
    h_max = model.max_horizon
    rows = []
    for var, mlf in model.forecasters.items():
        series = _frame_origin(_series(full, var, weather if model.weather else None, h_max))
        cut = pd.Timestamp(issue_day)
        hist = series[series["ds"] <= cut]
        hist = hist[hist.groupby("unique_id")["y"].transform(lambda v: v.notna().cummax())]
        future = series[series["ds"] > cut].drop(columns=["y"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = mlf.predict(h_max, new_df=hist, X_df=future)
        pred["days_ahead"] = (pred["ds"] - cut).dt.days
        for q in QUANTILES:
            name = _qname(q)
            if name not in pred:
                continue
            rows.append(
                pd.DataFrame(
                    {
                        "city_code": pred["unique_id"].astype(str),
                        "target_day": pred["ds"].dt.date,
                        "days_ahead": pred["days_ahead"].astype(int),
                        "variable": var,
                        "quantile": q,
                        "value": pred[name].clip(lower=0.0).to_numpy(dtype=float),
                    }
                )
            )
    out = pd.concat(rows, ignore_index=True)
    out = out[out["days_ahead"].isin(list(horizons))]
    out = _sort_quantiles(out)
    return pd.concat([out, _aqi_rows(out)], ignore_index=True)[cols]


def _sort_quantiles(frame: pd.DataFrame) -> pd.DataFrame:
    """Quantile models fitted apart may cross; the values of each (city, day, variable) are
    sorted so that q0.1 ≤ q0.5 ≤ q0.9 (Chernozhukov et al. 2010, rearrangement)."""
    frame = frame.sort_values(["city_code", "target_day", "variable", "quantile"])
    key = ["city_code", "target_day", "variable"]
    frame["value"] = frame.groupby(key, sort=False)["value"].transform(
        lambda v: np.sort(v.to_numpy())
    )
    return frame.reset_index(drop=True)


def _aqi_rows(conc: pd.DataFrame) -> pd.DataFrame:
    """The AQI rows (per quantile) from the concentration rows."""
    wide = conc.pivot_table(
        index=["city_code", "target_day", "days_ahead", "quantile"],
        columns="variable",
        values="value",
    ).reset_index()
    if wide.empty:
        return pd.DataFrame(columns=conc.columns)
    rep = daily_report(wide.rename(columns={"target_day": "day"}))
    return pd.DataFrame(
        {
            "city_code": wide["city_code"],
            "target_day": wide["target_day"],
            "days_ahead": wide["days_ahead"].astype(int),
            "variable": "AQI",
            "quantile": wide["quantile"],
            "value": rep["aqi"].to_numpy(dtype=float),
        }
    )


def forecast_levels(frame: pd.DataFrame) -> pd.DataFrame:
    """AQI, level and primary pollutant of each forecast day: the HJ 633 daily report (edition
    in force on the target day) of the median (q0.5) concentrations of :func:`forecast_air`.

    Returns
    -------
    DataFrame
        ``city_code``, ``target_day``, ``days_ahead``, ``aqi`` (int), ``level`` (1–6, HJ
        633-2012 Table 2 / HJ 633-2026 Table 2) and ``primary`` (str, e.g. ``"PM2.5"`` or
        ``"PM2.5,O3"``; None when AQI ≤ 50, HJ 633 3.5).
    """
    med = frame[(frame["quantile"] == 0.5) & (frame["variable"] != "AQI")]
    wide = med.pivot_table(
        index=["city_code", "target_day", "days_ahead"], columns="variable", values="value"
    ).reset_index()
    cols = ["city_code", "target_day", "days_ahead", "aqi", "level", "primary"]
    if wide.empty:
        return pd.DataFrame(columns=cols)
    rep = daily_report(wide.rename(columns={"target_day": "day"}))
    ok = rep["aqi"].notna().to_numpy()
    out = pd.DataFrame(
        {
            "city_code": wide["city_code"].astype(str).to_numpy()[ok],
            "target_day": wide["target_day"].to_numpy()[ok],
            "days_ahead": wide["days_ahead"].astype(int).to_numpy()[ok],
            "aqi": rep["aqi"].to_numpy()[ok].astype(int),
            "level": rep["level"].to_numpy()[ok].astype(int),
            "primary": [p or None for p in rep["primary"].to_numpy()[ok]],
        }
    )
    return out[cols]
