"""The air forecast pages in Debian's Chromium (issue #15): /forecast, /forecast/air,
/forecast/air/{city} and /forecast/skill as province, hangzhou and xihu (a county: its city's
forecast, said so), in Chinese and English, drawn with no console error; scope answers 404.

The small demo holds 21 days, too few to fit the model (it needs 32), so this module's copy of
it gets forecasts issued by a local persistence forecaster written through the real store (the
pages read the store, whatever model wrote it) and the backtest JSON of ``evaluate``'s shape.
"""

from __future__ import annotations

import shutil
from datetime import timedelta

import pandas as pd
import pytest

from qingshan.accounts.scope import PUBLIC_SCOPE
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.forecast.service import (
    issued_at_of,
    read_city_daily,
    write_backtest,
)
from qingshan.forecast.store import ForecastModel, write_forecasts
from qingshan.monitoring.air_history import day_start_utc
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "qingshan-demo"
VARS = ("PM2.5", "PM10", "O3_8h", "NO2", "SO2", "CO")
ISSUES = 10


def _persistence(daily: pd.DataFrame, issue_day) -> pd.DataFrame:
    """Tomorrow like the last complete day, ±25 % as the interval (tests only)."""
    last = daily[daily["day"] < issue_day].sort_values("day").groupby("city_code").tail(1)
    rows = []
    for _, r in last.iterrows():
        for h in (1, 2, 3):
            for v in VARS:
                for q, f in ((0.1, 0.75), (0.5, 1.0), (0.9, 1.25)):
                    rows.append({"target_id": r["city_code"], "variable": v, "quantile": q,
                                 "target_time": day_start_utc(issue_day + timedelta(days=h)),
                                 "value": float(r[v]) * f})  # fmt: skip
            for q, aqi in ((0.1, 40.0), (0.5, 70.0 + 10 * h), (0.9, 130.0)):
                rows.append({"target_id": r["city_code"], "variable": "AQI", "quantile": q,
                             "target_time": day_start_utc(issue_day + timedelta(days=h)), "value": aqi})  # fmt: skip
    return pd.DataFrame(rows)


def _backtest() -> dict:
    def h(d, acc, mae, hit, fa, skill):
        return {"days_ahead": d, "aqi_level_accuracy": acc, "primary_pollutant_accuracy": 0.7,
                "aqi_mae": mae, "pm25_mae": 7.0, "o3_8h_mae": 20.0, "polluted_hit_rate": hit,
                "polluted_false_alarm_rate": fa, "skill_vs_persistence": skill}  # fmt: skip

    return {
        "horizons": [h(1, 0.66, 16.0, 0.5, 0.3, 0.08), h(2, 0.58, 21.0, 0.4, 0.4, 0.1), h(3, 0.55, 23.0, 0.3, 0.5, 0.07)],
        "persistence": {"horizons": [h(1, 0.62, 17.5, 0.54, 0.43, 0.0), h(2, 0.54, 23.5, 0.39, 0.57, 0.0), h(3, 0.55, 24.6, 0.39, 0.57, 0.0)]},
        "climatology": {"horizons": [h(1, 0.45, 26.0, 0.0, None, -0.49), h(2, 0.45, 26.3, 0.0, None, -0.12), h(3, 0.45, 26.2, 0.0, None, -0.06)]},
    }  # fmt: skip


@pytest.fixture(scope="module")
def forecast_url(small_demo_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("forecast-e2e") / "data"
    shutil.copytree(small_demo_dir, data_dir)
    settings = Settings(data_dir=data_dir, demo=True)
    engine = get_engine(settings.db_url)
    store = ObservationStore(settings.observations_dir)
    today = utcnow().astimezone(CST).date()
    with session_scope(engine) as session:
        daily = read_city_daily(session, PUBLIC_SCOPE, store, today - timedelta(days=25), today)
    store.close()
    model = ForecastModel("persistence-test", "1")
    last_day = max(daily["day"])
    for i in range(ISSUES):
        day = last_day - timedelta(days=ISSUES - 1 - i)
        write_forecasts(data_dir, "city_air", issued_at_of(day), _persistence(daily, day), model)
    days = {"train": ["2026-01-01", "2026-06-30"], "test": ["2026-07-01", "2026-09-30"],
            "used": 272, "excluded": 93, "rule": "demo_nonrepeated"}  # fmt: skip
    write_backtest(data_dir, _backtest(), days=days, made_at=utcnow())
    engine.dispose()
    with running_server(data_dir, QINGSHAN_HJ212_LISTENER="0") as url:
        yield url


def _open(browser, url, user):
    page = new_page(browser, 1600, 1000)
    if user is not None:
        login_as(page, url.split("/forecast")[0], (user, PASSWORD))
    page.goto(url)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("user", ["province", "hangzhou", "xihu"])
def test_the_forecast_pages_as_each_scope(browser, forecast_url, user, lang):
    q = "?lang=en" if lang == "en" else ""
    page = _open(browser, f"{forecast_url}/forecast{q}", user)
    try:
        # the landing: four links; the top navigation's entry is active
        hrefs = page.eval_on_selector_all(".fc-link", "els => els.map(e => e.getAttribute('href'))")
        assert hrefs == [
            "/forecast/air",
            "/forecast/water",
            "/forecast/warnings",
            "/forecast/skill",
        ]
        nav = "预报预警" if lang == "zh" else "Forecasts"
        assert page.locator(f"a[href='/forecast']:has-text('{nav}')").count() >= 1

        with page.expect_navigation():
            page.click("a.fc-link[href='/forecast/air']")
        page.wait_for_selector("#qs-forecast[data-ready='1']", timeout=30_000)
        cities = page.eval_on_selector_all(
            "#fc-table tbody tr", "els => els.map(e => e.dataset.city)"
        )
        assert cities == (["330100"] if user != "province" else sorted(cities)) and len(cities) >= 1
        if user == "province":
            assert len(cities) == 11
        assert page.locator("#fc-table tbody tr:first-child td.fc-day").count() == 3
        context_note = page.locator("#fc-context")
        assert context_note.is_visible() == (user == "xihu")
        if user == "xihu":
            assert ("杭州市" if lang == "zh" else "Hangzhou") in context_note.inner_text()
        first_cell = page.inner_text("#fc-table tbody tr:first-child td.fc-day")
        assert "40–130" in first_cell  # the AQI range of day 1: q0.1 – q0.9

        with page.expect_navigation():
            page.click("#fc-table tbody tr[data-city='330100'] a")
        page.wait_for_selector("#qs-forecast[data-ready='1']", timeout=30_000)
        assert page.locator(".fc-card").count() == 3
        assert page.get_attribute("#fc-history", "href") == "/air/cities/330100"
        assert page.locator("#fc-pollutants tbody tr").count() == 6
        drawn = page.evaluate(
            "() => window.qsForecastChart.getOption().series.map(s => s.data.filter(v => v != null).length)"
        )
        # lo, band, median: the past issues 1 day ahead plus the 3 days to come; observed: past days
        assert drawn[0] >= ISSUES and drawn[2] >= ISSUES and drawn[3] >= ISSUES - 2
        page.click("[data-var='PM2.5']")
        page.click("[data-lead='3']")
        unit = page.evaluate("() => window.qsForecastChart.getOption().yAxis[0].name")
        assert unit.endswith("µg/m³")
        scores = page.locator("#fc-scores tbody tr")
        assert scores.count() == 3
        assert page.locator("#fc-context").is_visible() == (user == "xihu")

        page.goto(f"{forecast_url}/forecast/skill{q}")
        page.wait_for_selector("#qs-forecast[data-ready='1']", timeout=30_000)
        assert (
            page.locator("#fc-skill-table tbody tr").count() == 9
        )  # 3 days × model, persistence, climatology
        text = page.inner_text("#fc-days")
        assert ("272" in text) and ("2026-07-01" in text)
        bars = page.evaluate("() => window.qsSkillCharts.map(c => c.getOption().series.length)")
        assert bars == [3, 3, 6]
        assert page.qs_errors == []
    finally:
        page.context.close()


def test_scope_answers_404_and_the_error_is_said(browser, forecast_url):
    page = _open(browser, f"{forecast_url}/forecast/air/330200", "hangzhou")
    try:
        page.wait_for_selector("#qs-forecast[data-ready='error']", timeout=30_000)
        assert "404" in page.inner_text("#fc-error")
        r = page.request.get(f"{forecast_url}/api/v1/forecast/air?city=330200")
        assert r.status == 404
        r = page.request.get(f"{forecast_url}/api/v1/forecast/air/330100")
        assert r.ok and r.json()["context_only"] is False
    finally:
        page.context.close()
    anon = new_page(browser, 1600, 1000)
    try:  # air quality is public: no login needed, every city
        r = anon.request.get(f"{forecast_url}/api/v1/forecast/air")
        assert r.ok and len(r.json()["cities"]) == 11
    finally:
        anon.context.close()
