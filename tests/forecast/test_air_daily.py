"""City daily values as HJ 663-2013 clause 4 defines them, on one real day, and the calendar
features (issue #15). The data: 舟山's and 丽水's national stations, January–February 2019, as
CNEMC published them (``tests/data/cnemc_zhoushan_lishui_2019-01-02.csv.gz``, cut from
``shared/data/cnemc/zhejiang_sites_2019-01_to_09.csv.gz``; provenance in that folder's README)."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qingshan.forecast.daily import city_daily, daily_report, read_station_cities
from qingshan.forecast.holidays import calendar_features, day_features
from qingshan.timeutil import CST

REAL = Path(__file__).parents[1] / "data" / "cnemc_zhoushan_lishui_2019-01-02.csv.gz"
ZHOUSHAN = ("1258A", "1259A", "1260A")  # 定海檀枫, 普陀东港, 临城新区: 舟山's national stations


def _hourly(day: str, stations: tuple[str, ...]) -> pd.DataFrame:
    """The real hour values of ``stations`` on ``day`` (YYYYMMDD), long, as the CNEMC reader
    gives them (``site parameter time value``)."""
    df = pd.read_csv(REAL, dtype={"date": str}, usecols=["date", "hour", "type", *stations])
    df = df[(df["date"] == day) & df["type"].isin(["PM2.5", "PM10", "SO2", "NO2", "O3", "CO"])]
    long = df.melt(id_vars=["date", "hour", "type"], var_name="site", value_name="value")
    local = pd.to_datetime(long["date"], format="%Y%m%d") + pd.to_timedelta(long["hour"], "h")
    return pd.DataFrame(
        {
            "site": long["site"],
            "parameter": long["type"],
            "time": local.dt.tz_localize(CST).dt.tz_convert("UTC"),
            "value": long["value"],
        }
    ).dropna(subset=["value"])


def test_zhoushan_2019_01_15_is_the_mean_of_its_three_stations_then_the_iaqi():
    station_city = read_station_cities()
    assert {station_city[s] for s in ZHOUSHAN} == {"330900"}
    daily = city_daily(_hourly("20190115", ZHOUSHAN), station_city)
    row = daily.iloc[0]
    assert row["city_code"] == "330900" and row["day"] == date(2019, 1, 15)
    # PM2.5: the stations' 24 hourly values sum to 1608, 1369 and 1400 µg/m³ (24 valid hours
    # each): (1608/24 + 1369/24 + 1400/24) / 3 = 4377/72 = 60.7917 µg/m³
    assert row["PM2.5"] == pytest.approx(4377 / 72)
    # PM10: 1721 over 23 valid hours (≥ 20: valid, GB 3095-2012 Table 4), 2040/24, 1973/24
    assert row["PM10"] == pytest.approx((1721 / 23 + 2040 / 24 + 1973 / 24) / 3)
    # CO: 27.0/24, 21.5/24, 20.3/23 mg/m³
    assert row["CO"] == pytest.approx((27.0 / 24 + 21.5 / 24 + 20.3 / 23) / 3)
    rep = daily_report(daily)
    # HJ 633-2012 (in force in 2019) Table 1, PM2.5 24 h: 35 → IAQI 50, 75 → 100:
    # 50 + (100 − 50) / (75 − 35) × (60.7917 − 35) = 82.24, rounded up (6.2) → 83;
    # PM10 24 h: 50 + 50/100 × (80.678 − 50) = 65.3 → 66; PM2.5 is the largest → AQI 83, 良 (2)
    assert rep["aqi"].iloc[0] == 83
    assert rep["level"].iloc[0] == 2
    assert rep["primary"].iloc[0] == "PM2.5"


def test_a_station_with_fewer_than_20_valid_hours_is_left_out_of_the_city_mean():
    hourly = _hourly("20190115", ZHOUSHAN)
    drop = (hourly["site"] == "1258A") & (hourly["parameter"] == "PM2.5")
    keep_hours = hourly[drop].iloc[:19].index  # 19 of 24 hours: no daily mean for 1258A
    hourly = hourly[~drop | hourly.index.isin(keep_hours)]
    row = city_daily(hourly, read_station_cities()).iloc[0]
    assert row["PM2.5"] == pytest.approx((1369 / 24 + 1400 / 24) / 2)


def test_stations_outside_the_list_are_ignored_and_an_empty_input_gives_no_rows():
    hourly = _hourly("20190115", ZHOUSHAN)
    assert city_daily(hourly, {"9999A": "330100"}).empty


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 10, 1), (1, 1, 0, 1)),  # 国庆节, a Tuesday
        (date(2019, 10, 5), (1, 1, 0, 5)),  # a Saturday inside the National Day holiday
        (date(2019, 10, 12), (0, 0, 1, 5)),  # 调休: Saturday worked for the holiday
        (date(2019, 9, 29), (0, 0, 1, 6)),  # 调休: Sunday worked
        (date(2019, 10, 13), (1, 0, 0, 6)),  # a plain Sunday
        (date(2019, 10, 14), (0, 0, 0, 0)),  # a plain Monday
        (date(2019, 2, 5), (1, 1, 0, 1)),  # 春节
    ],
)
def test_holiday_features_of_known_days(day, expected):
    assert day_features(day) == expected


def test_beyond_the_calendar_weekends_only_with_a_logged_note(caplog):
    with caplog.at_level(logging.WARNING, logger="qingshan.forecast.holidays"):
        frame = calendar_features([date(2031, 1, 1), date(2031, 1, 4)])  # Wed, Sat
    assert frame["off"].tolist() == [0, 1]  # 1 January 2031 not known as a holiday
    assert frame["festival"].tolist() == [0, 0]
    assert "2031 is outside 2004-2026" in caplog.text
    assert np.array_equal(frame["weekday"].to_numpy(), [2, 5])
