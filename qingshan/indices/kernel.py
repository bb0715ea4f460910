"""The indices as pure kernels over observation rows: AQI, water class, CWQI (no I/O).

Each kernel takes the resolved observation rows of one site (or, for CWQI, the sections of
cities) in long form — columns ``parameter`` (the HJ 212-2017 code as the monitoring registry
names it), ``time`` (datetime64[UTC], start of the period), ``value`` and ``valid`` (bool; an
invalid row counts as missing) — and returns one row per time. All the standards' arithmetic is
done by :mod:`qingshan.standards`; these functions only reshape and pick the rules:

- **Hourly AQI** of an air station: CNEMC's published real-time AQI — 1-h SO2, NO2, CO, O3 on
  the 1-h tables and 1-h PM on the 24-h tables (:func:`qingshan.standards.aqi.aqi_frame`,
  ``report="realtime"``; HJ 633-2026 4.2.4 defines the hourly AQI this way), by the HJ 633
  edition in force on the hour's CST date (HJ 633-2012 before 2026-03-01, HJ 633-2026 after).
- **Daily AQI** of an air station: the HJ 633 daily report (HJ 633-2012 5 / Table 1; HJ
  633-2026 4.2, 5.3.1) of the day's statistics, as HJ 663-2013 defines them: 24-h means of SO2,
  NO2, CO, PM10 and PM2.5 of the natural (CST) day with ≥ 20 valid hours (GB 3095-2012 8.2
  Table 4, :func:`qingshan.standards.air_assessment.daily_mean`), the O3 daily maximum 8-h mean
  (HJ 663-2013 6.1.2, :func:`~qingshan.standards.air_assessment.o3_mda8`) and the O3 daily
  maximum 1-h value (HJ 633-2012 Table 1, daily report; same 20-hour minimum).
- **Water class** of a section sample: GB 3838-2002 single-factor assessment, the worst class
  of pH, DO, CODMn, NH3-N and TP (TN reference only; 环办〔2011〕22号), lake TP limits for lakes
  and reservoirs (:func:`qingshan.standards.water_quality.classify_frame`).
- **CWQI** of a city and month: 《城市地表水环境质量排名技术规定（试行）》 环办监测〔2017〕51号 —
  Σ CWQI(i) over the mean concentrations of the city's river sections (lake points), combined
  as (CWQI_river · M + CWQI_lake · N)/(M + N) (:func:`qingshan.standards.cwqi.cwqi`,
  :func:`~qingshan.standards.cwqi.city_cwqi`) over the sections whose month met its coverage.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.indices.errors import IndexInputError
from qingshan.standards.air_assessment import MIN_HOURS_DAILY, daily_mean, o3_mda8
from qingshan.standards.aqi import POLLUTANTS as AQI_POLLUTANTS
from qingshan.standards.aqi import aqi_frame, edition_for
from qingshan.standards.cwqi import city_cwqi as cwqi_of_city
from qingshan.standards.cwqi import cwqi
from qingshan.standards.water_quality import CLASSES, classify_frame
from qingshan.timeutil import CST

__all__ = [
    "AIR_CODES",
    "WATER_CODES",
    "AQI_POLLUTANTS",
    "station_indices",
    "stations_indices",
    "section_classes",
    "sections_classes",
    "city_cwqi",
    "primary_names",
]

#: HJ 212-2017 Appendix B code → the six pollutants of HJ 633
AIR_CODES: Mapping[str, str] = MappingProxyType(
    {
        "a21026": "SO2", "a21004": "NO2", "a21005": "CO",
        "a05024": "O3", "a34002": "PM10", "a34004": "PM2.5",
    }
)  # fmt: skip
#: HJ 212-2017 Appendix B code → GB 3838-2002 key of :mod:`qingshan.standards.water_quality`
#: (the indicators of the automatic surface-water stations; TN is a reference indicator)
WATER_CODES: Mapping[str, str] = MappingProxyType(
    {
        "w01001": "pH", "w01009": "DO", "w01019": "CODMn",
        "w21003": "NH3_N", "w21011": "TP", "w21001": "TN",
    }
)  # fmt: skip
#: GB 3838-2002 class → its code in the stored series (1 = I … 6 = 劣V)
CLASS_CODES: Mapping[str, int] = MappingProxyType({c: i + 1 for i, c in enumerate(CLASSES)})

_DAILY_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "SO2": "SO2_24h", "NO2": "NO2_24h", "CO": "CO_24h", "PM10": "PM10_24h",
        "PM2.5": "PM2.5_24h", "O3_8h": "O3_8h", "O3_1h": "O3_1h",
    }
)  # fmt: skip
_NEEDED = ("parameter", "time", "value", "valid")


def _check(frame: pd.DataFrame, what: str, extra: tuple[str, ...] = ()) -> None:
    missing = [c for c in (*_NEEDED, *extra) if c not in frame.columns]
    if missing:
        raise IndexInputError(
            f"{what}: the rows lack column(s) {', '.join(missing)}; "
            f"expected {', '.join((*_NEEDED, *extra))}",
            columns=missing,
        )


def utc_index(times: pd.Series) -> pd.DatetimeIndex:
    """``times`` as a UTC DatetimeIndex, without a pass over the values when they already are
    datetimes (naive ones are read as UTC)."""
    idx = pd.DatetimeIndex(times)
    return idx.tz_localize("UTC") if idx.tz is None else idx.tz_convert("UTC")


def _wide(frame: pd.DataFrame, codes: Mapping[str, str], by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Valid values by (``by`` columns and) time (rows, UTC) and key (columns, from ``codes``);
    NaN = missing. A natural key given twice keeps its last row."""
    rows = frame[frame["parameter"].isin(list(codes)) & frame["valid"].astype(bool)]
    rows = rows[rows["value"].notna()]
    long = pd.DataFrame(
        {
            **{c: rows[c].to_numpy() for c in by},
            "time": utc_index(rows["time"]),
            "key": rows["parameter"].map(dict(codes)).to_numpy(),
            "value": rows["value"].to_numpy(dtype=np.float64),
        }
    ).drop_duplicates([*by, "time", "key"], keep="last")
    wide = long.set_index([*by, "time", "key"])["value"].unstack("key").sort_index()
    wide.columns.name = None
    return wide


#: comma-joined primary pollutants of each bit mask (bit i = ``AQI_POLLUTANTS[i]``), None for 0
_PRIMARY_OF_MASK = np.array(
    [
        ",".join(p for i, p in enumerate(AQI_POLLUTANTS) if m >> i & 1) or None
        for m in range(1 << len(AQI_POLLUTANTS))
    ],
    dtype=object,
)


def primary_names(mask: npt.ArrayLike) -> list[str | None]:
    """Comma-joined primary pollutants (HJ 633 order SO2, NO2, PM10, PM2.5, CO, O3) of each bit
    mask (bit i = ``AQI_POLLUTANTS[i]``); None for 0 (no primary pollutant: AQI ≤ 50)."""
    return list(_PRIMARY_OF_MASK[np.asarray(mask, dtype=np.int64).reshape(-1)])


def _aqi_columns(report: pd.DataFrame, times: pd.Series, computed: pd.Series) -> pd.DataFrame:
    # aqi_frame's primary_pollutants is a categorical whose codes are the bit masks
    # (bit i = AQI_POLLUTANTS[i], qingshan.standards.aqi), checked against the names here
    mask = report["primary_pollutants"].cat.codes.to_numpy(dtype=np.int64)
    out = pd.DataFrame(
        {
            "time": pd.DatetimeIndex(times),
            "aqi": report["aqi"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
            "aqi_computed": computed.to_numpy(dtype=np.float64),
            "level": report["level"].astype("Int8").to_numpy(),
            "primary": _PRIMARY_OF_MASK[mask],
            "primary_mask": mask,
            "edition": report["edition"].astype(str).to_numpy(),
        }
    )
    for col in report.columns:
        if col.startswith("iaqi_"):
            out[col] = report[col].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def _computed(frame: pd.DataFrame) -> pd.Series:
    """The AQI from the available indicators (before HJ 633-2026 5.3.1's publication rule):
    the largest IAQI of the report's row."""
    iaqi = frame.filter(like="iaqi_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        vals = iaqi.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        return pd.Series(np.nanmax(vals, axis=1) if vals.shape[1] else np.full(len(frame), np.nan))


def station_indices(frame: pd.DataFrame, *, period: Literal["hour", "day"]) -> pd.DataFrame:
    """AQI of one air station by hour (CNEMC real-time) or by CST day (HJ 633 daily report).

    Parameters
    ----------
    frame : DataFrame
        The station's hourly rows (see module docstring) [µg/m³; CO mg/m³]; parameters other
        than the six pollutants are ignored.
    period : {"hour", "day"}
        ``"hour"``: one row per hour with a value; ``"day"``: one row per CST day with an
        hourly row, ``time`` the day's start [UTC] (16:00 UTC of the day before).

    Returns
    -------
    DataFrame
        ``time`` [UTC], ``aqi`` [float, NaN = none or not published], ``aqi_computed`` (from
        the available indicators, before HJ 633-2026 5.3.1), ``level`` [Int8], ``primary``
        (comma-joined pollutants or None), ``primary_mask`` [int, bit i = ``AQI_POLLUTANTS[i]``],
        ``edition`` and ``iaqi_<indicator key>`` [float] per indicator of the report.
    """
    _check(frame, "station_indices")
    return _aqi(frame, (), period)


def stations_indices(frame: pd.DataFrame, *, period: Literal["hour", "day"]) -> pd.DataFrame:
    """:func:`station_indices` of many stations at once (one vectorised pass): ``frame`` has
    besides the observation columns ``station`` (any id). Returns ``station``, then the columns
    of :func:`station_indices`, sorted by station and time."""
    _check(frame, "stations_indices", ("station",))
    return _aqi(frame, ("station",), period)


def _edition(times: pd.DatetimeIndex) -> tuple[str | None, object]:
    """(edition, None) when every time falls under one HJ 633 edition (decided per CST date by
    :func:`qingshan.standards.aqi.edition_for`, asked once per distinct date), else (None, dates):
    the edition row by row."""
    local = times.tz_convert(CST)
    eds = {edition_for(d) for d in pd.unique(local.date)}
    if len(eds) == 1:
        return str(eds.pop()), None
    return None, pd.Series(local.tz_localize(None))


_AQI_COLUMNS = ["time", "aqi", "aqi_computed", "level", "primary", "primary_mask", "edition"]


def _aqi(frame: pd.DataFrame, by: tuple[str, ...], period: str) -> pd.DataFrame:
    if period not in ("hour", "day"):
        raise IndexInputError(f"period {period!r}: expected 'hour' or 'day'", columns=[])
    wide = _wide(frame, AIR_CODES, by)
    if wide.empty:
        return pd.DataFrame(columns=[*by, *_AQI_COLUMNS])
    times_utc = pd.DatetimeIndex(wide.index.get_level_values("time"))
    keys = wide.index.to_frame(index=False)[list(by)]
    if period == "hour":
        cols = pd.DataFrame({f"{p}_1h": wide[p].to_numpy() for p in wide.columns})
        times = pd.Series(times_utc)
        edition, date = _edition(times_utc)
        report = aqi_frame(cols, report="realtime", edition=edition, date=date)
        out = _aqi_columns(report, times, _computed(report))
        return pd.concat([keys, out], axis=1) if by else out
    # period == "day": whole CST days of hours (each (station, day) a row of 24 hours), the
    # daily statistics, the daily report
    local = times_utc.tz_convert(CST)
    day = local.normalize()
    groups = pd.concat([keys, pd.DataFrame({"day": day})], axis=1)
    if by:
        codes, uniq = pd.MultiIndex.from_frame(groups).factorize()
        uniq = pd.MultiIndex.from_tuples(list(uniq), names=[*by, "day"])
    else:
        codes, uniq = pd.factorize(day)
    k = len(uniq)
    hour = local.hour.to_numpy()
    stats: dict[str, npt.NDArray[np.float64]] = {}
    for pol in ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3"):
        by_day = np.full((k, 24), np.nan)
        if pol in wide.columns:
            by_day[codes, hour] = wide[pol].to_numpy(dtype=np.float64)
        if pol == "O3":
            stats["O3_8h"] = o3_mda8(by_day)[0]
            enough = np.sum(~np.isnan(by_day), axis=1) >= MIN_HOURS_DAILY
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                stats["O3_1h"] = np.where(enough, np.nanmax(by_day, axis=1), np.nan)
        else:
            stats[pol] = daily_mean(by_day)
    cols = pd.DataFrame({_DAILY_KEYS[kk]: v for kk, v in stats.items()})
    days = pd.DatetimeIndex(uniq.get_level_values("day") if by else uniq)
    edition, date = _edition(days)
    report = aqi_frame(cols, report="daily", edition=edition, date=date)
    out = _aqi_columns(report, pd.Series(days.tz_convert("UTC")), _computed(report))
    if by:
        out = pd.concat([uniq.to_frame(index=False)[list(by)], out], axis=1)
    return out.sort_values([*by, "time"], kind="stable", ignore_index=True)


def section_classes(frame: pd.DataFrame, *, water_body: str = "river") -> pd.DataFrame:
    """GB 3838-2002 class of one section at each sample time (any one period).

    Parameters
    ----------
    frame : DataFrame
        The section's rows (see module docstring) [mg/L; pH dimensionless].
    water_body : {"river", "lake"}
        Lakes and reservoirs use the stricter TP limits (GB 3838-2002 Table 1 item 9).

    Returns
    -------
    DataFrame
        ``time`` [UTC], ``section_class`` ("I" … "劣V", None without an assessed value),
        ``class_code`` [float 1 … 6, NaN = none], ``main_pollutants`` (comma-joined keys of
        the indicators worse than class III).
    """
    _check(frame, "section_classes")
    return _classes(frame, (), water_body)


def _classes(frame: pd.DataFrame, by: tuple[str, ...], water_body: str) -> pd.DataFrame:
    wide = _wide(frame, WATER_CODES, by)
    if wide.empty:
        return pd.DataFrame(columns=[*by, "time", "section_class", "class_code", "main_pollutants"])
    if water_body in by:  # a body per row: classify_frame reads it from a column
        res = classify_frame(
            wide.assign(**{water_body: wide.index.get_level_values(water_body)}), water_body
        )
    else:
        res = classify_frame(wide, water_body)
    labels = res["section_class"].to_numpy(dtype=object)
    out = wide.index.to_frame(index=False)
    out["section_class"] = labels
    out["class_code"] = [np.nan if c is None else float(CLASS_CODES[c]) for c in labels]
    out["main_pollutants"] = res["main_pollutants"].to_numpy(dtype=object)
    return out


def sections_classes(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`section_classes` of many sections at once: ``frame`` has besides the observation
    columns ``section`` (any id) and ``water_body`` ("river" / "lake") per row. Returns
    ``section``, then the columns of :func:`section_classes`."""
    _check(frame, "sections_classes", ("section", "water_body"))
    out = _classes(frame, ("section", "water_body"), "water_body")
    return out.drop(columns="water_body")


def city_cwqi(frame: pd.DataFrame) -> pd.DataFrame:
    """CWQI of each city and month from its sections' monthly means.

    Parameters
    ----------
    frame : DataFrame
        Monthly rows of the sections (the roll-ups' ``month`` series; ``valid`` = the month met
        its coverage) with, besides the observation columns, ``city`` (region code),
        ``section`` (site code) and ``water_body`` ("river" / "lake") [mg/L].

    Returns
    -------
    DataFrame
        ``city``, ``time`` [UTC, the month's start], ``cwqi`` [dimensionless], ``rivers``,
        ``lakes`` (sections with a valid month used). Cities without one are absent.
    """
    _check(frame, "city_cwqi", ("city", "section", "water_body"))
    rows = frame[frame["parameter"].isin(list(WATER_CODES)) & frame["valid"].astype(bool)]
    rows = rows[rows["parameter"] != "w21001"].dropna(subset=["value"])  # TN: not part of CWQI
    out: list[dict[str, object]] = []
    if rows.empty:
        return pd.DataFrame(columns=["city", "time", "cwqi", "rivers", "lakes"])
    rows = rows.assign(key=rows["parameter"].map(dict(WATER_CODES)))
    for (city, time), month in rows.groupby(["city", "time"], sort=True):
        parts: dict[str, tuple[float | None, int]] = {"river": (None, 0), "lake": (None, 0)}
        for body in ("river", "lake"):
            own = month[month["water_body"] == body]
            if own.empty:
                continue
            sections = own.pivot_table(index="section", columns="key", values="value")
            means = sections.mean(skipna=True)
            res = cwqi({str(k): float(v) for k, v in means.items() if not np.isnan(v)}, body)
            parts[body] = (res.total, len(sections))
        value = cwqi_of_city(
            parts["river"][0], parts["river"][1], parts["lake"][0], parts["lake"][1]
        )
        out.append(
            {"city": city, "time": time, "cwqi": value,
             "rivers": parts["river"][1], "lakes": parts["lake"][1]}
        )  # fmt: skip
    return pd.DataFrame(out)
