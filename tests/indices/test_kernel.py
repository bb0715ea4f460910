"""The index kernels on real published numbers and on figures worked by hand from the standards.

Real data: 杭州 January 2019, the 11 national stations' hours as CNEMC published them
(``tests/data/cnemc_hangzhou_2019-01.csv.gz``, cut from ``shared/data/cnemc/``; the demo's air
stations replay these rows) and the national surface-water snapshot of 2026-02-04 with its
official classes (``tests/data/cnemc_surface_water_realtime_20260204.csv``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qingshan.indices.errors import IndexInputError
from qingshan.indices.kernel import (
    AIR_CODES,
    WATER_CODES,
    city_cwqi,
    primary_names,
    section_classes,
    station_indices,
    stations_indices,
)
from qingshan.monitoring.air_history import POLLUTANTS, daily_aqi, daily_statistics

DATA = Path(__file__).parents[1] / "data"
AIR = DATA / "cnemc_hangzhou_2019-01.csv.gz"
WATER = DATA / "cnemc_surface_water_realtime_20260204.csv"
CODE_OF = {v: k for k, v in AIR_CODES.items()}
UTC_HOUR = pd.Timestamp("2019-01-03 02:00", tz="UTC")  # 10:00 CST


@pytest.fixture(scope="module")
def hangzhou() -> pd.DataFrame:
    df = pd.read_csv(AIR, dtype={"date": str})
    t = pd.to_datetime(df["date"], format="%Y%m%d") + pd.to_timedelta(df["hour"], unit="h")
    return df.assign(time=t.dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC"))


def _rows(df: pd.DataFrame, station: str) -> pd.DataFrame:
    sub = df[df["type"].isin(POLLUTANTS)]
    rows = pd.DataFrame(
        {
            "parameter": sub["type"].map(CODE_OF),
            "time": sub["time"],
            "value": sub[station].astype(float),
        }
    ).dropna(subset=["value"])
    return rows.assign(valid=True)


def test_hourly_aqi_equals_cnemcs_published_aqi_every_complete_hour(hangzhou):
    same = total = 0
    for station in hangzhou.columns[3:-1]:
        ours = station_indices(_rows(hangzhou, station), period="hour").set_index("time")["aqi"]
        published = hangzhou[hangzhou["type"] == "AQI"].set_index("time")[station].astype(float)
        wide = hangzhou[hangzhou["type"].isin(POLLUTANTS)].pivot_table(
            index="time", columns="type", values=station
        )
        complete = wide.dropna().index.intersection(published.dropna().index)
        total += len(complete)
        same += int((ours.reindex(complete) == published.reindex(complete)).sum())
    assert (same, total) == (7547, 7547)


def test_daily_aqi_equals_the_station_pages_computation(hangzhou):
    """Every station-day of the month equals the air history page's daily report (the same
    HJ 663 daily statistics and HJ 633-2012 daily report), including the days without one."""
    days = sorted(hangzhou["date"].unique())
    for station in hangzhou.columns[3:-1]:
        ours = station_indices(_rows(hangzhou, station), period="day")
        hours = np.full((len(POLLUTANTS), len(days) * 24), np.nan)
        for j, p in enumerate(POLLUTANTS):
            sub = hangzhou[hangzhou["type"] == p]
            at = np.array(
                [days.index(d) * 24 + h for d, h in zip(sub["date"], sub["hour"], strict=True)]
            )
            hours[j, at] = sub[station].to_numpy(float)
        ref = daily_aqi(daily_statistics(hours), [date(2019, 1, int(d[6:])) for d in days])
        expected = ref["aqi"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        assert len(ours) == len(days)
        np.testing.assert_array_equal(ours["aqi"].to_numpy(), expected, err_msg=station)
        assert ours["primary"].tolist() == [
            p or None for p in ref["primary_pollutants"].astype(str)
        ]
    # a CST day's row is stamped at its start: 16:00 UTC of the day before
    assert ours["time"].iloc[0] == pd.Timestamp("2018-12-31 16:00", tz="UTC")


def test_hand_worked_hour_hj633_2012():
    """HJ 633-2012 Table 1: PM2.5 1-h 120 µg/m³ on the 24-h table → (200−150)/(150−115)·(120−115)
    + 150 = 157.14 → 158 (rounded up, 6.2); SO2 1-h 600 → (150−100)/(650−500)·100 + 100 = 133.3
    → 134; NO2 1-h 50 → 25; AQI 158, primary PM2.5, level 4 (中度污染, Table 2)."""
    rows = pd.DataFrame(
        {
            "parameter": ["a34004", "a21026", "a21004"],
            "time": [UTC_HOUR] * 3,
            "value": [120.0, 600.0, 50.0],
            "valid": True,
        }
    )
    [r] = station_indices(rows, period="hour").to_dict("records")
    assert (r["aqi"], r["primary"], r["level"]) == (158, "PM2.5", 4)
    assert (r["iaqi_PM2.5_1h"], r["iaqi_SO2_1h"], r["iaqi_NO2_1h"]) == (158, 134, 25)
    assert r["edition"] == "HJ 633-2012" and r["primary_mask"] == 0b1000


def test_invalid_rows_are_missing_and_hj633_2026_applies_from_march_2026():
    t = pd.Timestamp("2026-03-02 02:00", tz="UTC")
    rows = pd.DataFrame(
        {
            "parameter": ["a34004", "a34004"],
            "time": [t, t + pd.Timedelta(hours=1)],
            "value": [70.0, 500.0],
            "valid": [True, False],
        }
    )
    out = station_indices(rows, period="hour")
    assert len(out) == 1  # the invalid hour is not an hour with a value
    # HJ 633-2026 Table 3: PM2.5 70 → (150−100)/(115−60)·10 + 100 = 109.09 → 110; the other
    # indicators missing and AQI > 100: published (5.3.1)
    assert out["aqi"].tolist() == [110] and out["edition"].tolist() == ["HJ 633-2026"]


def test_water_classes_equal_cnemcs_published_classes():
    """The worst single-factor class of every Zhejiang section of the snapshot equals the
    published 水质类别 (lake TP row for the demo catalogue's three lake points)."""
    df = pd.read_csv(WATER, dtype=str, na_values=["--"])
    zj = df[df["省份"] == "浙江省"]
    columns = {"pH(无量纲)": "w01001", "溶解氧(mg/L)": "w01009", "高锰酸盐指数(mg/L)": "w01019",
               "氨氮(mg/L)": "w21003", "总磷(mg/L)": "w21011", "总氮(mg/L)": "w21001"}  # fmt: skip
    lakes = {"三潭岛", "小金山", "北湖中心"}  # the lake points of the demo catalogue
    same = 0
    for _, rec in zj.iterrows():
        rows = pd.DataFrame(
            {
                "parameter": list(columns.values()),
                "time": pd.Timestamp("2026-02-04 03:00", tz="UTC"),
                "value": [float(rec[c]) for c in columns],
                "valid": True,
            }
        ).dropna(subset=["value"])
        body = "lake" if rec["断面名称"] in lakes else "river"
        [r] = section_classes(rows, water_body=body).to_dict("records")
        same += r["section_class"] == rec["水质类别"].replace("Ⅰ", "I").replace("Ⅱ", "II").replace(
            "Ⅲ", "III"
        ).replace("Ⅳ", "IV").replace("Ⅴ", "V")
    assert (same, len(zj)) == (47, 47)


def test_hand_worked_water_class():
    """GB 3838-2002 Table 1: NH3-N 1.2 mg/L is class IV (1.0 < 1.2 ≤ 1.5), DO 6.5 class II,
    TP 0.15 class III on rivers (0.1 < 0.15 ≤ 0.2) but class V on lakes (0.1 < 0.15 ≤ 0.2 of
    the lake row)."""
    t = pd.Timestamp("2026-02-04 03:00", tz="UTC")
    rows = pd.DataFrame(
        {"parameter": ["w21003", "w01009", "w21011"], "time": t, "value": [1.2, 6.5, 0.15],
         "valid": True}
    )  # fmt: skip
    river = section_classes(rows).iloc[0]
    assert (river["section_class"], river["class_code"], river["main_pollutants"]) == (
        "IV",
        4.0,
        "NH3_N",
    )
    assert section_classes(rows, water_body="lake").iloc[0]["section_class"] == "V"


def test_hand_worked_city_cwqi():
    """环办监测〔2017〕51号: CWQI(i) = C/Cs with class III Cs (GB 3838-2002 Table 1), DO 5/C.
    River sections means: CODMn (4+8)/2 = 6 → 1.0, NH3-N (0.5+1.5)/2 = 1.0 → 1.0, DO 5 → 1.0:
    3.0; one lake point CODMn 3 → 0.5, TP 0.025 → 0.5 (lake Cs 0.05): 1.0. City: (3·2 + 1·1)/3."""
    t = pd.Timestamp("2026-01-31 16:00", tz="UTC")
    recs = [("A", "river", "w01019", 4.0), ("A", "river", "w21003", 0.5), ("A", "river", "w01009", 5.0),
            ("B", "river", "w01019", 8.0), ("B", "river", "w21003", 1.5), ("B", "river", "w01009", 5.0),
            ("L", "lake", "w01019", 3.0), ("L", "lake", "w21011", 0.025),
            ("L", "lake", "w21001", 9.0)]  # fmt: skip
    frame = pd.DataFrame(recs, columns=["section", "water_body", "parameter", "value"]).assign(
        time=t, valid=True, city="330100"
    )
    [r] = city_cwqi(frame).to_dict("records")
    assert r["cwqi"] == pytest.approx(7 / 3) and (r["rivers"], r["lakes"]) == (2, 1)
    assert r["city"] == "330100" and r["time"] == t


def test_primary_names_and_bad_input():
    assert primary_names([0, 0b1000, 0b101000]) == [None, "PM2.5", "PM2.5,O3"]
    with pytest.raises(IndexInputError, match="lack column.*valid"):
        station_indices(pd.DataFrame({"parameter": [], "time": [], "value": []}), period="hour")
    with pytest.raises(IndexInputError, match="period 'week'"):
        station_indices(
            pd.DataFrame(columns=["parameter", "time", "value", "valid"]), period="week"
        )  # type: ignore[arg-type]
    assert set(WATER_CODES.values()) >= {"pH", "DO", "CODMn", "NH3_N", "TP"}


def test_many_stations_at_once_equal_one_at_a_time(hangzhou):
    stations = list(hangzhou.columns[3:-1])
    frame = pd.concat([_rows(hangzhou, s).assign(station=s) for s in stations], ignore_index=True)
    for period in ("hour", "day"):
        together = stations_indices(frame, period=period)
        apart = pd.concat(
            [
                station_indices(_rows(hangzhou, s), period=period).assign(station=s)
                for s in stations
            ],
            ignore_index=True,
        )
        cols = ["station", "time", "aqi", "aqi_computed", "primary", "edition"]
        pd.testing.assert_frame_equal(
            together[cols].sort_values(["station", "time"], ignore_index=True),
            apart[cols].sort_values(["station", "time"], ignore_index=True),
        )


def test_a_span_across_2026_03_01_takes_each_days_edition():
    """PM2.5 1-h 70 µg/m³ on the 24-h table: HJ 633-2012 (35–75 → 50–100) 50/40·35 + 50 = 93.75
    → 94 on 2026-02-28 (CST); HJ 633-2026 Table 3 (60–115 → 100–150) 50/55·10 + 100 = 109.09
    → 110 on 2026-03-01, published although the others are missing (AQI > 100, 5.3.1)."""
    times = [
        pd.Timestamp("2026-02-28 12:00", tz="Asia/Shanghai"),
        pd.Timestamp("2026-03-01 12:00", tz="Asia/Shanghai"),
    ]
    rows = pd.DataFrame({"parameter": "a34004", "time": times, "value": 70.0, "valid": True})
    out = station_indices(rows, period="hour")
    assert out["aqi"].tolist() == [94, 110]
    assert out["edition"].tolist() == ["HJ 633-2012", "HJ 633-2026"]
