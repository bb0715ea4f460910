"""One city-month of real data: 杭州 January 2019, the 11 national stations' hourly values as
CNEMC published them (``tests/data/cnemc_hangzhou_2019-01.csv.gz``, cut from
``shared/data/cnemc/zhejiang_sites_2019-01_to_09.csv.gz``; provenance in that folder's README).

The files hold no published *daily* AQI. The reference is the one CNEMC's own figures give:
each station's published 24-h statistics at 23:00 (PM2.5_24h, PM10_24h, SO2_24h, NO2_24h,
CO_24h, O3_24h = daily maximum 1-h, O3_8h_24h = daily maximum 8-h), averaged over the stations,
then the HJ 633-2012 daily AQI. The service's days (from the hours) agree on 25 of 31 days; the
other six are explained: three by GB 3095-2012 Table 4 (a station with < 20 valid hours that day
has no daily value, while CNEMC's 24-h figure is still published), three by one point from
CNEMC's integer-rounded published statistics.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.monitoring.air_history import (
    POLLUTANTS,
    city_mean,
    daily_aqi,
    daily_statistics,
    hourly_aqi,
)

DATA = Path(__file__).parents[1] / "data" / "cnemc_hangzhou_2019-01.csv.gz"
REFERENCE = {
    "SO2": "SO2_24h", "NO2": "NO2_24h", "CO": "CO_24h", "PM10": "PM10_24h",
    "PM2.5": "PM2.5_24h", "O3_8h": "O3_8h_24h", "O3_1h": "O3_24h",
}  # fmt: skip


def test_hangzhou_january_2019_against_cnemcs_published_24h_statistics():
    df = pd.read_csv(DATA, dtype={"date": str})
    codes = list(df.columns[3:])
    days = sorted(df["date"].unique())
    assert len(codes) == 11 and len(days) == 31
    hours = np.full((len(codes), len(POLLUTANTS), len(days) * 24), np.nan)
    for j, t in enumerate(POLLUTANTS):
        sub = df[df["type"] == t]
        idx = np.array(
            [days.index(d) * 24 + h for d, h in zip(sub["date"], sub["hour"], strict=True)]
        )
        hours[:, j, idx] = sub[codes].to_numpy(float).T
    ours = daily_aqi(
        city_mean([daily_statistics(hours[i]) for i in range(len(codes))]),
        [date(2019, 1, int(d[6:])) for d in days],
    )
    last = df[df["hour"] == 23]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = {
            k: np.nanmean(last[last["type"] == t].set_index("date").reindex(days)[codes].to_numpy(float), axis=1)
            for k, t in REFERENCE.items()
        }  # fmt: skip
    theirs = daily_aqi(ref, [date(2019, 1, int(d[6:])) for d in days])
    a, b = ours["aqi"].tolist(), theirs["aqi"].tolist()
    differ = {days[i]: (a[i], b[i]) for i in range(len(days)) if a[i] != b[i]}
    assert len(days) - len(differ) == 25
    assert differ == {
        "20190101": (74, 73), "20190104": (81, 80), "20190113": (86, 85),  # rounded statistics
        "20190115": (102, 129),  # 1224A has 1 valid hour of PM2.5: no daily value (Table 4)
        "20190121": (71, 74),  # 1225A: 16 hours
        "20190131": (37, 42),  # 1228A: 18 hours
    }  # fmt: skip
    # the month's figures from the service's days: 3 January 2019 was 轻度污染 (127)
    assert a[2] == 127 and ours["level"].tolist()[2] == 3


def test_hourly_aqi_equals_cnemcs_published_hourly_aqi():
    """The hourly chart's AQI is the one CNEMC published, for every hour of the 11 stations in
    January 2019 with all six pollutants."""
    df = pd.read_csv(DATA, dtype={"date": str})
    codes = list(df.columns[3:])
    keyed = df.set_index(["date", "hour", "type"])
    times = pd.DatetimeIndex(
        pd.to_datetime(df["date"].unique(), format="%Y%m%d").repeat(24)
        + pd.to_timedelta(np.tile(np.arange(24), 31), unit="h")
    ).tz_localize("Asia/Shanghai")
    index = pd.MultiIndex.from_arrays(
        [times.strftime("%Y%m%d"), times.hour], names=["date", "hour"]
    )  # fmt: skip
    same = total = 0
    for code in codes:
        hours = np.vstack(
            [keyed.xs(t, level="type")[code].reindex(index).to_numpy(float) for t in POLLUTANTS]
        )
        published = keyed.xs("AQI", level="type")[code].reindex(index).to_numpy(float)
        ours = hourly_aqi(hours, times)
        complete = ~np.isnan(hours).any(axis=0) & ~np.isnan(published)
        total += int(complete.sum())
        same += int((ours[complete] == published[complete]).sum())
    assert (same, total) == (7547, 7547)
