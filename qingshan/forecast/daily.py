"""City daily values as the standards define them, the input of the air forecast.

A city's day is the arithmetic mean of its national (国控) stations' daily statistics, per
pollutant, over the stations with a valid value (HJ 663-2013 clause 4, "城市点位…算术平均"):
the 24-h means of SO2, NO2, CO, PM10 and PM2.5 need ≥ 20 valid hours of the natural day in
China Standard Time (GB 3095-2012 Table 4 note), O3 is its daily maximum 8-h mean (HJ 663-2013
6.1.2) and, for the HJ 633-2012 daily report, its daily maximum 1-h value. The arithmetic is
:mod:`qingshan.monitoring.air_history`'s (``daily_statistics``, ``city_mean``, ``daily_aqi``);
this module only shapes frames around it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.errors import QingshanError
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.monitoring.air_history import (
    PARAMETER_CODES,
    POLLUTANTS,
    city_mean,
    daily_aqi,
    daily_statistics,
)
from qingshan.timeutil import CST

#: the forecast's variables (daily statistics) in their order; ``O3_8h`` is the MDA8
VARIABLES: tuple[str, ...] = ("PM2.5", "PM10", "O3_8h", "NO2", "SO2", "CO")
#: daily columns beside the variables that the daily report may use (HJ 633-2012 O3 1 h)
EXTRA: tuple[str, ...] = ("O3_1h",)
_CODE_TO_NAME = {code: name for name, code in PARAMETER_CODES.items()}
_CITY_BY_SHORT_NAME = {REGIONS[c].name.removesuffix("市"): c for c in CITY_CODES}


class ForecastError(QingshanError):
    """Base class of the forecast package's errors."""

    status_code = 422


class BadInput(ForecastError):
    """An input (file or frame) the forecast cannot use; the message says why in one line."""


def station_cities(stations: pd.DataFrame) -> dict[str, str]:
    """Station code → city code (``"330100"``) from a CNEMC station list (columns ``code``
    and ``city``: the short Chinese name, 杭州 or 杭州市); stations outside Zhejiang are left
    out."""
    out: dict[str, str] = {}
    for code, city in zip(stations["code"].astype(str), stations["city"].astype(str), strict=True):
        found = _CITY_BY_SHORT_NAME.get(city.strip().removesuffix("市"))
        if found is not None:
            out[code] = found
    return out


def read_station_cities(path: Path | None = None) -> dict[str, str]:
    """:func:`station_cities` of a station list file (``code,name,city,longitude,latitude``
    or CNEMC's ``监测点编码,监测点名称,城市,经度,纬度``); without ``path`` the 53 national
    stations of Zhejiang shipped with Qingshan (CNEMC ``StationList-2020.01.01.csv``)."""
    if path is None:
        from importlib import resources

        with (
            resources.files("qingshan.sim")
            .joinpath("data", "air_stations_national.csv")
            .open("rb") as fh
        ):
            frame = pd.read_csv(fh, dtype=str)
    else:
        try:
            frame = pd.read_csv(path, dtype=str)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise BadInput(f"{path}: cannot read the station list ({exc})") from exc
        if frame.shape[1] < 3:
            raise BadInput(f"{path}: a station list needs code, name, city columns")
    frame = frame.iloc[:, :3].set_axis(["code", "name", "city"], axis=1)
    return station_cities(frame)


def city_daily(hourly: pd.DataFrame, station_city: Mapping[str, str]) -> pd.DataFrame:
    """City daily statistics from hourly station values.

    Parameters
    ----------
    hourly : DataFrame
        Long hour values: ``site`` (station code), ``parameter`` (HJ 212-2017 code such as
        ``a34004`` or the name ``PM2.5``/``PM10``/``O3``/``NO2``/``SO2``/``CO``), ``time``
        (UTC, start of the hour; the CNEMC hour label as :mod:`qingshan.ingest.cnemc` reads it)
        and ``value`` [µg/m³; CO mg/m³]. Invalid values must already be dropped or NaN.
    station_city : mapping station code → city code
        Stations not in it are ignored (a city's national stations only).

    Returns
    -------
    DataFrame
        ``city_code`` (str), ``day`` (date, CST), ``PM2.5 PM10 O3_8h NO2 SO2 CO`` [µg/m³; CO
        mg/m³] and ``O3_1h`` [µg/m³], one row per city and day from the first to the last day
        of the input (NaN where no station of the city has a valid statistic).
    """
    need = {"site", "parameter", "time", "value"}
    if missing := need - set(hourly.columns):
        raise BadInput(f"hourly frame lacks columns {sorted(missing)}; it needs {sorted(need)}")
    cols = ["city_code", "day", *VARIABLES, *EXTRA]
    rows = hourly[hourly["site"].astype(str).isin(set(station_city))]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    name = rows["parameter"].astype(str).map(lambda p: _CODE_TO_NAME.get(p, p))
    pol = name.map({p: i for i, p in enumerate(POLLUTANTS)})
    rows = rows.assign(pol=pol).dropna(subset=["pol"])
    local = pd.to_datetime(rows["time"], utc=True).dt.tz_convert(CST)
    first = local.min().date()
    last = local.max().date()
    n_days = (last - first).days + 1
    t0 = pd.Timestamp(first.isoformat()).tz_localize(CST)
    hour = ((local - t0) // pd.Timedelta(hours=1)).to_numpy(dtype=np.int64)
    sites = sorted(rows["site"].astype(str).unique())
    pos = {s: i for i, s in enumerate(sites)}
    cube = np.full((len(sites), len(POLLUTANTS), n_days * 24), np.nan)
    cube[
        rows["site"].astype(str).map(pos).to_numpy(),
        rows["pol"].to_numpy(dtype=np.int64),
        hour,
    ] = rows["value"].to_numpy(dtype=np.float64)
    days = [first + timedelta(days=i) for i in range(n_days)]
    out = []
    for city in sorted({station_city[s] for s in sites}):
        per_site = [daily_statistics(cube[pos[s]]) for s in sites if station_city[s] == city]
        stats = city_mean(per_site)
        frame = pd.DataFrame({"city_code": city, "day": days})
        for k in (*VARIABLES, *EXTRA):
            frame[k] = stats[k]
        out.append(frame)
    return pd.concat(out, ignore_index=True)[cols]


def daily_report(daily: pd.DataFrame) -> pd.DataFrame:
    """The HJ 633 daily report (日报) of each row of a city daily frame by the edition in
    force on its day (HJ 633-2012 §5 with O3 1 h where the frame has ``O3_1h``; HJ 633-2026
    4.2 / 5.3.1 from 2026-03-01): ``aqi`` (float, NaN when not published), ``level`` (1–6,
    NaN) and ``primary`` (comma-joined pollutant names, "" when none), index of ``daily``."""
    stats = {k: daily[k].to_numpy(dtype=np.float64) for k in (*VARIABLES, *EXTRA) if k in daily}
    days: Sequence[date] = list(pd.to_datetime(daily["day"]).dt.date)
    if not days:
        return pd.DataFrame({"aqi": [], "level": [], "primary": []}, index=daily.index)
    rep = daily_aqi(stats, days)
    return pd.DataFrame(
        {
            "aqi": rep["aqi"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
            "level": rep["level"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
            "primary": rep["primary_pollutants"].astype(str).to_numpy(),
        },
        index=daily.index,
    )
