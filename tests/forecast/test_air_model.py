"""The air forecast's model, its baselines and scores (issue #15): intervals ordered, the
batch path equal to the daily issue, persistence scored by hand, the demo's backtest days."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from qingshan.forecast import baselines
from qingshan.forecast.air import (
    COLUMNS,
    fit_air_model,
    forecast_air,
    forecast_levels,
    forecast_origins,
)
from qingshan.forecast.backtest import backtest_days, score
from qingshan.forecast.daily import VARIABLES, BadInput

FILL_MONTH = {10: 4, 11: 3, 12: 1}  # qingshan.sim.timeline.FILL_MONTH (checked below)


def _synthetic(n_days: int = 70, cities: tuple[str, ...] = ("330100", "330200", "330300")):
    """Seeded city daily values with a weekly cycle and a shared regional signal."""
    rng = np.random.default_rng(7)
    days = [date(2019, 1, 1) + timedelta(days=i) for i in range(n_days)]
    regional = np.convolve(rng.gamma(2.0, 20.0, n_days + 4), np.ones(5) / 5, "valid")
    rows = []
    for k, city in enumerate(cities):
        for i, d in enumerate(days):
            base = regional[i] * (1 + 0.1 * k) + 5 * (d.weekday() < 5)
            rows.append({"city_code": city, "day": d, "PM2.5": base, "PM10": 1.6 * base,
                         "O3_8h": 80 + 20 * np.sin(i / 9) + rng.normal(0, 5), "NO2": 30 + 0.2 * base,
                         "SO2": 8.0, "CO": 0.6 + base / 200})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def daily():
    return _synthetic()


@pytest.fixture(scope="module")
def model(daily):
    return fit_air_model(daily[daily["day"] < date(2019, 2, 20)], seed=1, n_estimators=15)


def test_the_fill_months_here_are_the_demos():
    from qingshan.sim.timeline import FILL_MONTH as DEMO

    assert DEMO == FILL_MONTH


def test_forecast_frame_shape_and_ordered_intervals(model, daily):
    frame = forecast_air(model, daily, date(2019, 2, 25))
    assert list(frame.columns) == COLUMNS
    assert set(frame["variable"]) == {*VARIABLES, "AQI"}
    assert set(frame["days_ahead"]) == {1, 2, 3}
    assert set(frame["target_day"]) == {date(2019, 2, 26), date(2019, 2, 27), date(2019, 2, 28)}
    assert len(frame) == 3 * 3 * 7 * 3  # cities × days × variables × quantiles
    wide = frame.pivot_table(
        index=["city_code", "target_day", "variable"], columns="quantile", values="value"
    )
    assert (wide[0.1] <= wide[0.5]).all() and (wide[0.5] <= wide[0.9]).all()
    assert (frame["value"] >= 0).all()


def test_a_forecast_reads_nothing_after_its_issue_day(model, daily):
    issue = date(2019, 2, 25)
    changed = daily.copy()
    later = changed["day"] > issue
    changed.loc[later, list(VARIABLES)] = changed.loc[later, list(VARIABLES)] * 5
    a = forecast_air(model, daily, issue)
    b = forecast_air(model, changed, issue)
    pd.testing.assert_frame_equal(a, b)


def test_the_backtests_batch_path_gives_the_daily_issues_numbers(model, daily):
    issue = date(2019, 3, 1)
    one = forecast_air(model, daily, issue).set_index(COLUMNS[:5])["value"].sort_index()
    many = forecast_origins(model, daily, [date(2019, 2, 27), issue, date(2019, 3, 3)])
    pairs = zip(many["target_day"], many["days_ahead"], strict=True)
    origin = [t - timedelta(days=int(h)) for t, h in pairs]
    mine = many[[o == issue for o in origin]]
    mine = mine.set_index(COLUMNS[:5])["value"].sort_index()
    pd.testing.assert_series_equal(one, mine)


def test_levels_come_from_the_median_concentrations(model, daily):
    frame = forecast_air(model, daily, date(2019, 2, 25))
    levels = forecast_levels(frame)
    assert len(levels) == 9
    med = frame[(frame["quantile"] == 0.5) & (frame["variable"] == "AQI")]
    by_key = med.set_index(["city_code", "target_day"])["value"]
    for r in levels.itertuples():
        assert r.aqi == by_key[(r.city_code, r.target_day)]
        assert r.level == 1 + (r.aqi > 50) + (r.aqi > 100) + (r.aqi > 150) + (r.aqi > 200) + (
            r.aqi > 300
        )
        assert (r.primary is None) == (r.aqi <= 50)


def test_too_short_a_history_is_refused():
    with pytest.raises(BadInput, match="training needs at least 31 days; got 20"):
        fit_air_model(_synthetic(20), n_estimators=5)


def _tiny():
    """One city, four days; PM2.5 35, 75, 115, 75 µg/m³ (others missing) → HJ 633-2012 AQI
    50, 100, 150, 100 (Table 1 breakpoints exactly), levels 1, 2, 3, 2."""
    days = [date(2019, 3, 1) + timedelta(days=i) for i in range(4)]
    frame = pd.DataFrame({"city_code": "330100", "day": days, "PM2.5": [35.0, 75.0, 115.0, 75.0]})
    for v in VARIABLES[1:]:
        frame[v] = np.nan
    return frame


def test_persistence_scored_by_hand():
    obs = baselines.observed(_tiny())
    assert obs["aqi"].tolist() == [50, 100, 150, 100]
    origins = [date(2019, 3, 1), date(2019, 3, 2), date(2019, 3, 3)]
    s = score(baselines.persistence(obs, origins, [1]), obs, 1)
    # forecasts 50, 100, 150 for observed 100, 150, 100
    assert s["n"] == 3
    assert s["aqi_mae"] == pytest.approx(50.0)  # |50−100| + |100−150| + |150−100| = 150; / 3
    assert s["aqi_rmse"] == pytest.approx(50.0)
    assert s["aqi_bias"] == pytest.approx(round(-50 / 3, 4))  # (−50 − 50 + 50) / 3
    assert s["aqi_level_accuracy"] == 0.0  # 1→2, 2→3, 3→2
    # primary: none (AQI 50) vs PM2.5 ✗, PM2.5 vs PM2.5 ✓, PM2.5 vs PM2.5 ✓
    assert s["primary_pollutant_accuracy"] == pytest.approx(round(2 / 3, 4))
    assert s["pm25_mae"] == pytest.approx(40.0)  # |35−75| + |75−115| + |115−75| = 120; / 3
    assert s["polluted_hit_rate"] == 0.0  # 03-03 (150) forecast 100
    assert s["polluted_false_alarm_rate"] == 1.0  # 03-04 forecast 150, observed 100
    assert s["o3_8h_mae"] is None


def test_seasonal_naive_copies_the_same_weekday_a_week_before():
    days = [date(2019, 3, 1) + timedelta(days=i) for i in range(10)]
    frame = pd.DataFrame({"city_code": "330100", "day": days, "PM2.5": np.arange(10) * 10.0})
    for v in VARIABLES[1:]:
        frame[v] = np.nan
    obs = baselines.observed(frame)
    pts = baselines.seasonal_naive(obs, [date(2019, 3, 8)], [1, 2])
    assert pts["target_day"].tolist() == [date(2019, 3, 9), date(2019, 3, 10)]
    assert pts["PM2.5"].tolist() == [10.0, 20.0]  # 03-02 and 03-03


def test_climatology_is_the_most_frequent_level_per_city():
    obs = baselines.observed(_tiny())
    pts = baselines.climatology(obs, ["330100"], [date(2019, 3, 4)], [1, 2])
    assert pts["level"].tolist() == [2.0, 2.0]  # levels 1, 2, 3, 2 → 2
    assert pts["aqi"].tolist() == [100.0, 100.0]  # median of 50, 100, 150, 100


def test_demo_backtest_days_are_the_non_repeated_replay():
    year = [date(2025, 12, 7) + timedelta(days=i) for i in range(365)]
    kept = backtest_days(year, FILL_MONTH)
    assert {d.month for d in kept} == set(range(1, 10))
    assert date(2026, 4, 8) not in kept  # replays 2019-04-07 a second time
    assert date(2026, 1, 15) in kept and date(2025, 12, 15) not in kept
    assert len(kept) == 273 - 1  # 2019-01-01 … 09-30 once each, without 04-08
    leap = backtest_days([date(2028, 2, 28), date(2028, 2, 29)], FILL_MONTH)
    assert leap == [date(2028, 2, 28)]


def _weather(daily: pd.DataFrame) -> pd.DataFrame:
    """A weather table in the documented format for the days and cities of ``daily`` (plus
    the 3 days after), seeded; blh low where PM2.5 is high (stagnation)."""
    rng = np.random.default_rng(3)
    keys = daily[["city_code", "day"]].copy()
    extra = [
        {"city_code": c, "day": daily["day"].max() + timedelta(days=k)}
        for c in daily["city_code"].unique()
        for k in (1, 2, 3)
    ]
    keys = pd.concat([keys, pd.DataFrame(extra)], ignore_index=True)
    n = len(keys)
    return keys.assign(temperature=rng.normal(10, 3, n), wind_speed=rng.gamma(2, 1.2, n),
                       wind_dir=rng.uniform(0, 360, n), humidity=rng.uniform(40, 95, n),
                       blh=rng.uniform(300, 1500, n))  # fmt: skip


def test_weather_is_an_optional_input_and_then_a_required_one(daily, tmp_path):
    from qingshan.forecast.weather import read_weather

    train = daily[daily["day"] < date(2019, 2, 20)]
    weather = _weather(daily)
    model = fit_air_model(train, weather=weather, seed=1, n_estimators=10)
    assert model.weather == ("temperature", "wind_speed", "wind_dir", "humidity", "blh")
    frame = forecast_air(model, daily, date(2019, 2, 25), weather=weather)
    assert len(frame) == 3 * 3 * 7 * 3
    with pytest.raises(BadInput, match="trained with weather"):
        forecast_air(model, daily, date(2019, 2, 25))
    path = tmp_path / "weather.csv"
    weather.drop(columns="blh").to_csv(path, index=False)
    with pytest.raises(BadInput, match=r"missing columns \['blh'\]"):
        read_weather(path)


def test_evaluate_scores_the_model_with_and_without_weather(daily):
    from qingshan.forecast.evaluate import KEYS, evaluate

    train, test = daily[daily["day"] < date(2019, 2, 20)], daily[daily["day"] >= date(2019, 2, 20)]
    out = evaluate(train, test, weather=_weather(daily), n_estimators=5, statsforecast=False)
    # the test follows the training: from its last day to the test's last day but one
    assert out["period"]["origins"] == ["2019-02-19", "2019-03-10"]
    for block in (out, out["weather"]):
        assert [tuple(h) for h in block["horizons"]] == [KEYS] * 3
    # the same pairs: with and without weather scored on the same city-days
    n = [h["n"] for h in out["details"]["model"]["horizons"]]
    assert n == [h["n"] for h in out["details"]["weather"]["horizons"]] == [60, 57, 54]
