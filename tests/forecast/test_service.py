"""The air forecast service: city daily values from the store, the daily job's issue (once a
day), the demo's backfill without peeking, repeated history left out of training."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from qingshan.accounts.scope import PUBLIC_SCOPE
from qingshan.config import Settings
from qingshan.forecast import service
from qingshan.forecast.jobs import run_forecast_air
from qingshan.forecast.store import batch_path, list_batches, read_forecasts
from qingshan.geo.regions import seed_regions
from qingshan.jobs.job import JobContext
from qingshan.monitoring.models import ControlLevel, Period, Series, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

LAST_DAY = date(2026, 3, 20)
#: (code, county, control level): Hangzhou has two national stations; Huzhou's is provincial
STATIONS = [
    ("T01", "330106", ControlLevel.NATIONAL), ("T02", "330108", ControlLevel.NATIONAL),
    ("T03", "330203", ControlLevel.NATIONAL), ("T04", "330302", ControlLevel.NATIONAL),
    ("T05", "330502", ControlLevel.PROVINCIAL),
]  # fmt: skip
UNITS = {
    "a34004": "μg/m³",
    "a34002": "μg/m³",
    "a05024": "μg/m³",
    "a21004": "μg/m³",
    "a21026": "μg/m³",
    "a21005": "mg/m³",
}


def seed_air_stations(session) -> None:
    seed_regions(session)
    for code, county, level in STATIONS:
        site = Site(
            code=code,
            name=code,
            kind=SiteKind.AIR_STATION,
            control_level=level,
            region_code=county,
            attrs={},
        )
        session.add(site)
        session.flush()
        for pcode, unit in UNITS.items():
            get_or_create_series(session, site, pcode, Period.HOUR, unit)
    session.flush()


N_DAYS = 45
VARS = ("PM2.5", "PM10", "O3_8h", "NO2", "SO2", "CO")


def _hourly(session, root) -> None:
    """45 days of hourly values of the seeded stations: a daily cycle of ~8 days, seeded."""
    rng = np.random.default_rng(7)
    start = datetime(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day, tzinfo=CST) - timedelta(
        days=N_DAYS - 1
    )
    times = pd.date_range(start, periods=N_DAYS * 24, freq="h").tz_convert("UTC")
    day = np.arange(len(times)) // 24
    base = {
        "a34004": 40.0,
        "a34002": 60.0,
        "a05024": 70.0,
        "a21004": 25.0,
        "a21026": 6.0,
        "a21005": 0.7,
    }
    frames = []
    for sr in session.scalars(select(Series).where(Series.period == Period.HOUR)):
        wave = 1 + 0.4 * np.sin(2 * np.pi * day / 8 + sr.site_id)
        values = base[sr.parameter_code] * wave * rng.uniform(0.9, 1.1, len(times))
        frames.append(
            pd.DataFrame({"series_id": sr.id, "time": times, "period": "hour", "value": values})
        )
    store = ObservationStore(root)
    store.append(pd.concat(frames, ignore_index=True), "air")
    store.close()


@pytest.fixture
def air_dir(tmp_path, session):
    seed_air_stations(session)
    session.commit()
    _hourly(session, tmp_path / "observations")
    return tmp_path


def test_city_daily_is_the_mean_of_the_national_stations(air_dir, session) -> None:
    store = ObservationStore(air_dir / "observations")
    got = service.read_city_daily(
        session, PUBLIC_SCOPE, store, LAST_DAY - timedelta(days=2), LAST_DAY
    )
    one = {}
    for code in ("T01", "T02"):  # Hangzhou's two national stations
        site = session.scalar(select(Site).where(Site.code == code))
        sid = session.scalar(
            select(Series.id).where(Series.site_id == site.id, Series.parameter_code == "a34004")
        )
        start = datetime(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day, tzinfo=CST)
        rows = store.query([sid], start, start + timedelta(days=1), period="hour")
        assert len(rows) == 24
        one[code] = rows["value"].mean()  # 24-h mean (GB 3095-2012 Table 4: ≥ 20 hours)
    hz = got[(got["city_code"] == "330100") & (got["day"] == LAST_DAY)]
    assert hz["PM2.5"].iloc[0] == pytest.approx((one["T01"] + one["T02"]) / 2)
    # Huzhou's provincial station does not make a city's day
    assert sorted(got["city_code"].unique()) == ["330100", "330200", "330300"]
    assert sorted(got["day"].unique()) == [LAST_DAY - timedelta(days=d) for d in (2, 1, 0)]
    store.close()


def test_the_job_issues_once_a_day_and_a_rerun_is_a_no_op(air_dir, engine, monkeypatch) -> None:
    monkeypatch.setattr(service, "TRAIN_DAYS", N_DAYS)
    settings = Settings(
        data_dir=air_dir, database_url=engine.url.render_as_string(hide_password=False)
    )
    ctx = JobContext(settings=settings, engine=engine)
    issue_day = LAST_DAY + timedelta(days=1)
    at_17 = datetime(issue_day.year, issue_day.month, issue_day.day, 17, tzinfo=CST)
    first = run_forecast_air(ctx, now=at_17.astimezone(UTC))
    assert first == f"forecast of {issue_day} issued: 3 cities, {3 * 7 * 3 * 3} rows"
    path = batch_path(air_dir, "city_air", service.issued_at_of(issue_day))
    mtime = path.stat().st_mtime_ns
    again = run_forecast_air(ctx, now=(at_17 + timedelta(hours=5)).astimezone(UTC))
    assert again == f"forecast of {issue_day} already issued: nothing to do"
    assert path.stat().st_mtime_ns == mtime
    assert list_batches(air_dir, "city_air") == [pd.Timestamp(f"{issue_day}T08:00Z")]
    rows = read_forecasts(air_dir, "city_air")
    targets = sorted(rows["target_time"].dt.tz_convert(CST).dt.date.unique())
    assert targets == [issue_day + timedelta(days=h) for h in (1, 2, 3)]
    wide = service.read_air(air_dir, cities=["330100"])
    assert (wide["q10"] <= wide["q50"]).all() and (wide["q50"] <= wide["q90"]).all()
    assert sorted(wide["days_ahead"].unique()) == [1, 2, 3]


def test_issue_day_of_turns_at_16_cst() -> None:
    assert service.issue_day_of(datetime(2026, 3, 5, 7, 59, tzinfo=UTC)) == date(2026, 3, 4)
    assert service.issue_day_of(datetime(2026, 3, 5, 8, 0, tzinfo=UTC)) == date(2026, 3, 5)
    assert service.issued_at_of(date(2026, 3, 5)) == datetime(2026, 3, 5, 8, tzinfo=UTC)


def _daily(n_days: int = 90, cities=("330100", "330200", "330300")) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(n_days)]
    rows = []
    for k, city in enumerate(cities):
        level = 1 + 0.5 * np.sin(np.arange(n_days) / 5 + k)
        for i, d in enumerate(days):
            f = level[i] * rng.uniform(0.85, 1.15)
            rows.append({"city_code": city, "day": d, "PM2.5": 45 * f, "PM10": 70 * f, "O3_8h": 90 / f,
                         "NO2": 30 * f, "SO2": 7 * f, "CO": 0.8 * f})  # fmt: skip
    return pd.DataFrame(rows)


def test_the_backfill_does_not_peek(tmp_path) -> None:
    """Forecasts issued on day X are the same whether the days from X on hold the truth or
    garbage: neither the model (fitted before its window) nor the features see them."""
    daily = _daily()
    issue_days = [date(2026, 3, 10) + timedelta(days=i) for i in range(6)]
    x = issue_days[3]
    poisoned = daily.copy()
    late = pd.to_datetime(poisoned["day"]).dt.date >= x
    poisoned.loc[late, list(VARS)] *= 5.0
    a, b = tmp_path / "a", tmp_path / "b"
    service.backfill_air(a, daily, issue_days, refit_every=3, n_estimators=5)
    service.backfill_air(b, poisoned, issue_days, refit_every=3, n_estimators=5)
    fa, fb = read_forecasts(a, "city_air"), read_forecasts(b, "city_air")
    assert len(fa) == len(fb) == 6 * 3 * 7 * 3 * 3
    upto = fa["issued_at"] <= pd.Timestamp(service.issued_at_of(x))
    pd.testing.assert_frame_equal(fa[upto], fb[upto.to_numpy()])
    # the test can fail: the issue after X sees the poisoned day X
    assert not np.allclose(fa[~upto]["value"], fb[~upto.to_numpy()]["value"])
    # a backfill over stored issues leaves them alone
    assert [r.written for r in service.backfill_air(a, daily, issue_days, n_estimators=5)] == []


def test_repeated_periods_are_left_out_of_training(tmp_path) -> None:
    groups = [[(date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 3, 1), date(2026, 3, 31))]]
    service.write_repeats(tmp_path, groups, "March copies January")
    assert service.read_repeats(tmp_path) == groups
    daily = _daily()
    march = service.training_frame(daily, [date(2026, 3, 20)], service.read_repeats(tmp_path))
    days = set(pd.to_datetime(march["day"]).dt.date)
    assert min(days) == date(2026, 2, 1) and max(days) == date(2026, 3, 19)
    # a forecast of February's days keeps January
    feb = service.training_frame(daily, [date(2026, 2, 10)], groups)
    assert min(pd.to_datetime(feb["day"]).dt.date) == date(2026, 1, 1)
    # a target crossing into a member: 28 Feb + 1..3 reaches March 1-3
    assert date(2026, 1, 15) in service.training_exclusions(groups, [date(2026, 3, 1)])
