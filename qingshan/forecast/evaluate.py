"""``qingshan forecast evaluate``: train on one period of city daily values, score rolling-origin
forecasts 1–3 days ahead on another, beside the baselines (issue #15).

The JSON (:func:`evaluate`)::

    {"horizons": [{"days_ahead", "aqi_level_accuracy", "primary_pollutant_accuracy", "aqi_mae",
                   "pm25_mae", "o3_8h_mae", "polluted_hit_rate", "polluted_false_alarm_rate",
                   "skill_vs_persistence"}, …],
     "persistence": {"horizons": [the same]}, "climatology": {…}, "seasonal_naive": {…},
     "statsforecast_ets": {…}, "weather": {…} (with weather only),
     "details": {model: {"horizons": [n, aqi_rmse, aqi_bias, coverage, …]}}, "period": {…}}

The model, persistence, seasonal naive and climatology are scored on the same (city, target
day, horizon) pairs: days of the test period with an observed AQI, forecast from an origin
inside the test period with the history the model needs (when the training period ends the day
before the test starts, the first origin is the last training day; otherwise the first
:data:`WARMUP_DAYS` days of the test period only feed the features). AutoETS is scored on the
pairs among those it forecasts (its cross-validation's cutoffs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from qingshan.forecast import baselines
from qingshan.forecast.air import HORIZONS, fit_air_model, forecast_origins
from qingshan.forecast.backtest import common_pairs, model_points, restrict, score
from qingshan.forecast.daily import BadInput

#: the keys of each horizon's entry, in the order of the issue
KEYS: tuple[str, ...] = (
    "days_ahead", "aqi_level_accuracy", "primary_pollutant_accuracy", "aqi_mae", "pm25_mae",
    "o3_8h_mae", "polluted_hit_rate", "polluted_false_alarm_rate", "skill_vs_persistence",
)  # fmt: skip
#: days of a test period that only feed the features when it does not follow the training
WARMUP_DAYS = 14
#: the share of days held back as test without a test file
TAIL_SHARE = 0.25
#: the fewest training days a held-back tail leaves
MIN_TRAIN_DAYS = 35


def split_tail(daily: pd.DataFrame, share: float = TAIL_SHARE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training head and the held-back tail (the last ``share`` of the days, at least
    :data:`WARMUP_DAYS` + 7) of one city daily frame."""
    days = sorted(pd.to_datetime(daily["day"]).dt.date.unique())
    n_test = max(int(round(len(days) * share)), WARMUP_DAYS + 7)
    if len(days) - n_test < MIN_TRAIN_DAYS:
        raise BadInput(
            f"the file has {len(days)} day{'' if len(days) == 1 else 's'}: too few to hold back {n_test} for testing and "
            f"train on the rest (at least {MIN_TRAIN_DAYS}); pass --test FILE"
        )
    cut = days[-n_test]
    day = pd.to_datetime(daily["day"]).dt.date
    return daily[day < cut], daily[day >= cut]


def _days(frame: pd.DataFrame) -> tuple[date, date]:
    d = pd.to_datetime(frame["day"]).dt.date
    return d.min(), d.max()


def origins_for(train: pd.DataFrame, test: pd.DataFrame) -> list[date]:
    """The issue days scored: from the last training day (when the test follows it) or from
    the test's day :data:`WARMUP_DAYS` on, to the test's last day but one."""
    t0, t1 = _days(train)
    s0, s1 = _days(test)
    first = t1 if t1 + timedelta(days=1) == s0 else s0 + timedelta(days=WARMUP_DAYS - 1)
    n = (s1 - first).days
    return [first + timedelta(days=i) for i in range(max(n, 0))]


def _entries(
    scores: Sequence[dict[str, Any]], persistence: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    for s, p in zip(scores, persistence, strict=True):
        mae, base = s.get("aqi_mae"), p.get("aqi_mae")
        skill = None if mae is None or not base else round(1.0 - mae / base, 4)
        out.append({k: (skill if k == "skill_vs_persistence" else s.get(k)) for k in KEYS})
    return out


def _details(scores: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in s.items() if k not in KEYS or k == "days_ahead"} for s in scores]


def evaluate(
    train: pd.DataFrame,
    test: pd.DataFrame | None = None,
    *,
    horizons: Sequence[int] = HORIZONS,
    seed: int = 0,
    n_estimators: int | None = None,
    weather: pd.DataFrame | None = None,
    statsforecast: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train on ``train`` and score on ``test`` (or on a held-back tail of ``train``); city
    daily frames of :func:`qingshan.forecast.daily.city_daily`. See the module docstring."""
    step = progress or (lambda _msg: None)
    if test is None:
        train, test = split_tail(train)
    if train.empty or test.empty:
        raise BadInput("the training or the test period has no city daily values")
    origins = origins_for(train, test)
    if not origins:
        raise BadInput(
            f"the test period has too few days: at least {WARMUP_DAYS + 1} are needed when it "
            "does not follow the training period"
        )
    s0, s1 = _days(test)
    history = pd.concat([train, test], ignore_index=True)
    history = history.assign(day=pd.to_datetime(history["day"]).dt.date)
    history = history.drop_duplicates(["city_code", "day"], keep="last")
    obs_all = baselines.observed(history)
    obs_test = obs_all[(obs_all["day"] >= s0) & (obs_all["day"] <= s1)]
    obs_train = baselines.observed(train)

    def in_test(points: pd.DataFrame) -> pd.DataFrame:
        return points[(points["target_day"] >= s0) & (points["target_day"] <= s1)]

    step("training the model")
    model = fit_air_model(train, seed=seed, n_estimators=n_estimators)
    step("forecasting every origin")
    points = {"model": in_test(model_points(forecast_origins(model, history, origins, horizons)))}
    step("baselines")
    points["persistence"] = in_test(baselines.persistence(obs_all, origins, horizons))
    points["seasonal_naive"] = in_test(baselines.seasonal_naive(obs_all, origins, horizons))
    cities = sorted(obs_test["city_code"].unique())
    points["climatology"] = in_test(baselines.climatology(obs_train, cities, origins, horizons))
    if weather is not None:
        step("training the model with weather")
        wmodel = fit_air_model(train, weather=weather, seed=seed, n_estimators=n_estimators)
        points["weather"] = in_test(
            model_points(forecast_origins(wmodel, history, origins, horizons, weather=weather))
        )
    pairs = common_pairs(points.values())
    scored = {
        name: [score(restrict(p, pairs), obs_test, h) for h in horizons]
        for name, p in points.items()
    }
    if statsforecast:
        step("statsforecast AutoETS")
        ets = in_test(baselines.statsforecast_ets(obs_all, origins, horizons))
        ets_pairs = pairs & common_pairs([ets])
        scored["statsforecast_ets"] = [
            score(restrict(ets, ets_pairs), obs_test, h) for h in horizons
        ]
        per_ets = [score(restrict(points["persistence"], ets_pairs), obs_test, h) for h in horizons]
    step("scores")
    pers = scored["persistence"]
    result: dict[str, Any] = {"horizons": _entries(scored["model"], pers)}
    for name, s in scored.items():
        if name == "model":
            continue
        base = per_ets if name == "statsforecast_ets" else pers
        result[name] = {"horizons": _entries(s, base)}
    result["details"] = {name: {"horizons": _details(s)} for name, s in scored.items()}
    t0, t1 = _days(train)
    result["period"] = {
        "train": [t0.isoformat(), t1.isoformat()],
        "test": [s0.isoformat(), s1.isoformat()],
        "origins": [origins[0].isoformat(), origins[-1].isoformat()],
        "cities": len(cities),
        "model": "mlforecast + LightGBM quantile (0.1, 0.5, 0.9), direct 1-3 days, global across cities",
    }
    return result
