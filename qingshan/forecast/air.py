"""City daily air-quality forecasts 1–3 days ahead (issue #15): one global LightGBM model
across cities per pollutant, through mlforecast's direct multi-horizon strategy.

Model
-----
- **Target**: a city's daily statistic (:mod:`qingshan.forecast.daily`: the arithmetic mean of
  its national stations, HJ 663-2013 clause 4): PM2.5, PM10, O3 daily max 8 h, NO2, SO2, CO.
- **One model per pollutant and horizon and quantile, global across cities**: mlforecast
  builds the features and the direct targets (``preprocess(max_horizon=3)``: row *d* holds
  the features known at *d−1* and the targets *d, d+1, d+2*); one LightGBM per horizon is
  fitted on them here, so that fitting and forecasting read the very same rows (mlforecast's
  own ``predict`` takes the dynamic features of each target day's row, its ``fit`` those of
  the origin's: they disagree for horizons > 1). No recursion: an error of day 1 does not feed
  day 2. The city is a categorical feature.
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

Gaps: a city-day without a value carries the last value forward (never a later one), since
mlforecast's lags count rows; scores are computed only on observed days.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qingshan.forecast.daily import VARIABLES, BadInput, city_daily, daily_report
from qingshan.forecast.holidays import day_features
from qingshan.forecast.weather import WEATHER_VARIABLES, weather_columns

if TYPE_CHECKING:  # LightGBM and mlforecast (~1 s of imports) load when a model is fitted
    import lightgbm as lgb

__all__ = [
    "AirModel", "COLUMNS", "HORIZONS", "QUANTILES", "city_daily", "fit_air_model", "forecast_air",
    "forecast_levels", "forecast_origins",
]  # fmt: skip

log = logging.getLogger(__name__)

QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)
HORIZONS: tuple[int, ...] = (1, 2, 3)
#: days of history the features need before an issue day
HISTORY_DAYS = 21
#: the longest gap [days] carried over by the last value; a longer one splits the series
MAX_CARRY = 3
#: LightGBM settings: small, regularised trees (~3,000 city-days a year for 11 cities; on the
#: Jan–Jun → Jul–Sep 2019 split 7 leaves / 60 rows per leaf beat 15 / 20 at every horizon)
LGB_PARAMS: dict[str, Any] = {
    "n_estimators": 100, "learning_rate": 0.05, "num_leaves": 7, "min_child_samples": 60,
    "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "n_jobs": 1,
    "verbosity": -1,
}  # fmt: skip


@dataclass
class AirModel:
    """A fitted air forecast: one mlforecast per variable (each with one LightGBM per
    quantile and horizon), the cities it knows, and whether it used weather."""

    forecasters: dict[str, VariableModel]
    cities: tuple[str, ...]
    trained_from: date
    trained_until: date
    weather: tuple[str, ...] = ()
    max_horizon: int = 3
    params: dict[str, Any] = field(default_factory=dict)


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

    ``extra_days`` appends that many days after the last (y carried) for the forecast rows.
    A gap longer than :data:`MAX_CARRY` days splits a city's series into segments
    (``unique_id`` ``<city>#<n>``): lags never reach across it, and its days are not trained on.
    """
    wide = full.pivot(index="day", columns="city_code", values=variable).sort_index()
    if extra_days:
        more = pd.date_range(wide.index[-1] + pd.Timedelta(days=1), periods=extra_days, freq="D")
        wide = pd.concat([wide, pd.DataFrame(index=more, columns=wide.columns, dtype=float)])
    # carried forward only (no value from after a day feeds it), over short gaps
    filled = wide.ffill(limit=MAX_CARRY)
    if extra_days:
        filled.iloc[-extra_days:] = filled.ffill().iloc[-extra_days:]
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
        y = filled[city].to_numpy()
        segment = np.cumsum(np.isnan(y))
        f = pd.DataFrame(
            {
                "unique_id": [f"{city}#{k}" for k in segment],
                "ds": filled.index,
                "y": y,
                "nbr": nbr[city].to_numpy() if n > 1 else np.nan,
                "city": city,
            }
        )
        frames.append(f[~np.isnan(y)])
    out = pd.concat(frames, ignore_index=True)
    out["city"] = pd.Categorical(out["city"], categories=sorted(full["city_code"].unique()))
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
        keys = pd.DataFrame({"unique_id": out["city"].astype(str), "ds": out["ds"]})
        w = weather_columns(weather, keys, shifts=range(3))
        out = pd.concat([out, w], axis=1)
    return out


def _frame_origin(frame: pd.DataFrame) -> pd.DataFrame:
    """mlforecast's direct models forecast y at the row's own day *d* + k (lag 1 = day *d−1*);
    the origin (issue day) of that row is *d−1*. Day-*d* columns that describe the origin
    (``nbr``: the other cities on the issue day) are shifted by one day per city here."""
    frame = frame.sort_values(["unique_id", "ds"]).copy()
    frame["nbr"] = frame.groupby("unique_id", observed=True)["nbr"].shift(1)
    return frame


#: a feature the targets may be taken relative to (None: the level itself). Tried on the
#: Jan–Jun → Jul–Sep 2019 split: the change from lag 1 or from the 7-day mean forecast worse
#: at days 2 and 3 (O3 8 h MAE 36–38 against 33 µg/m³), so the level is the target. The log
#: ratio to the 7-day mean helped the unseen winter (Mar–Sep → Jan–Feb: AQI skill −0.05 /
#: +0.08 / +0.09 against −0.12 / +0.02 / +0.04) but hurt the unseen summer (−0.13 / −0.09 /
#: −0.07 against −0.06 / −0.05 / −0.05), so it was not taken either.
ANCHOR: str | None = None


def _is_target(column: str) -> bool:
    return column == "y" or (column[:1] == "y" and column[1:].isdigit())


def _features(frame: pd.DataFrame, max_horizon: int) -> pd.DataFrame:
    """mlforecast's features and direct targets ``y0 … y{h-1}`` (the row's day and the days
    after it) of an mlforecast frame."""
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMax, RollingMean, RollingStd

    mlf = MLForecast(
        models=[],
        freq="D",
        lags=[1, 2, 3, 7],
        lag_transforms={1: [RollingMean(3), RollingMean(7), RollingStd(7), RollingMax(7)]},
        num_threads=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mlf.preprocess(
            frame, static_features=["city"], dropna=False, max_horizon=max_horizon
        )


@dataclass
class VariableModel:
    """The models of one variable: LightGBM per quantile and horizon [days], on ``columns``;
    each predicts the level (or the change from :data:`ANCHOR` when set)."""

    columns: list[str]
    models: dict[float, dict[int, lgb.LGBMRegressor]]


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
    import lightgbm as lgb

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
        feats = _features(frame, max_horizon)
        columns = [c for c in feats.columns if c not in ("unique_id", "ds") and not _is_target(c)]
        models: dict[float, dict[int, lgb.LGBMRegressor]] = {}
        for q in quantiles:
            models[q] = {}
            for k in range(max_horizon):
                ok = feats[f"y{k}"].notna()
                target = feats.loc[ok, f"y{k}"]
                if ANCHOR is not None:
                    ok &= feats[ANCHOR].notna()
                    target = feats.loc[ok, f"y{k}"] - feats.loc[ok, ANCHOR]
                reg = lgb.LGBMRegressor(objective="quantile", alpha=q, random_state=seed, **params)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    reg.fit(feats.loc[ok, columns], target)
                models[q][k + 1] = reg
        forecasters[var] = VariableModel(columns=columns, models=models)
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
        [µg/m³; CO mg/m³; AQI dimensionless]; cities with fewer than 3 valid days of each
        variable in the 7 days ending at ``issue_day`` are left out.
    """
    d = daily[pd.to_datetime(daily["day"]).dt.date <= issue_day]
    first = issue_day - timedelta(days=HISTORY_DAYS + 14)
    d = d[pd.to_datetime(d["day"]).dt.date >= first]
    if d.empty:
        return pd.DataFrame(columns=COLUMNS)
    full = _complete(d, first, issue_day)
    recent = full[full["day"] > pd.Timestamp(issue_day - timedelta(days=7))]
    enough = recent.groupby("city_code")[list(VARIABLES)].count().min(axis=1) >= 3
    full = full[full["city_code"].isin(enough[enough].index)]
    if full.empty:
        return pd.DataFrame(columns=COLUMNS)
    return forecast_origins(model, full, [issue_day], horizons, weather)


#: the columns of :func:`forecast_air`'s frame
COLUMNS = ["city_code", "target_day", "days_ahead", "variable", "quantile", "value"]


def forecast_origins(
    model: AirModel,
    daily: pd.DataFrame,
    issue_days: Sequence[date],
    horizons: Sequence[int] = HORIZONS,
    weather: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`forecast_air` of many issue days at once (the backtests' path; the same
    features and models): for each issue day only the values up to it feed its forecast
    (lags and rolling windows end at the issue day). ``daily`` must hold the history."""
    if model.weather and weather is None:
        raise BadInput("this model was trained with weather; pass the weather of the target days")
    if not horizons or max(horizons) > model.max_horizon or min(horizons) < 1:
        raise BadInput(f"horizons must be within 1..{model.max_horizon}; got {list(horizons)}")
    full = _complete(daily)
    rows_at = {pd.Timestamp(d) + pd.Timedelta(days=1) for d in issue_days}
    out = []
    for var, vm in model.forecasters.items():
        series = _frame_origin(_series(full, var, weather if model.weather else None, 1))
        # the feature row of issue day t is day t+1 (its own y is never a feature of itself)
        feats = _features(series, model.max_horizon)
        feats = feats[feats["ds"].isin(rows_at)]
        if feats.empty:
            continue
        x = feats[vm.columns]
        anchor = np.zeros(len(feats)) if ANCHOR is None else feats[ANCHOR].to_numpy(dtype=float)
        for q, per_h in vm.models.items():
            for h in horizons:
                value = np.clip(anchor + per_h[h].predict(x), 0.0, None)
                out.append(
                    pd.DataFrame(
                        {
                            "city_code": feats["city"].astype(str).to_numpy(),
                            "target_day": (
                                feats["ds"] + pd.Timedelta(days=h - 1)
                            ).dt.date.to_numpy(),
                            "days_ahead": h,
                            "variable": var,
                            "quantile": q,
                            "value": value,
                        }
                    )
                )
    if not out:
        return pd.DataFrame(columns=COLUMNS)
    conc = _sort_quantiles(pd.concat(out, ignore_index=True))
    return pd.concat([conc, _aqi_rows(conc)], ignore_index=True)[COLUMNS]


def _sort_quantiles(frame: pd.DataFrame) -> pd.DataFrame:
    """Quantile models fitted apart may cross; the values of each (city, day, variable) are
    sorted so that q0.1 ≤ q0.5 ≤ q0.9 (Chernozhukov et al. 2010, rearrangement)."""
    frame = frame.sort_values(["city_code", "target_day", "days_ahead", "variable", "quantile"])
    key = ["city_code", "target_day", "days_ahead", "variable"]
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
