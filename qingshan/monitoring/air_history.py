"""Air history of a station or a city (issue #13): hourly AQI and the six pollutants, the daily
AQI calendar, 优良天数比例, the comprehensive index, primary-pollutant shares, 环比 and 同比.

Pure computation on arrays apart from :func:`station_history` / :func:`city_history`, which read
the sites (scoped) and the hour values of all six pollutants of all their series in one store
query (plus one for the same month of the previous year when the range does not reach it).

Rules
-----
- **Hourly AQI** (the chart): CNEMC's published real-time AQI, 1-h values of the six pollutants,
  PM on the 24-h table (:func:`qingshan.standards.aqi.aqi_frame`, ``report="realtime"``; HJ
  633-2026 4.2.4 defines the hourly AQI this way; it reproduces every complete CNEMC 2019 record).
- **Daily statistics** of a station: 24-h means of SO2, NO2, CO, PM10 and PM2.5 of the natural
  day (CST) with ≥ 20 valid hours (GB 3095-2012 Table 4,
  :func:`qingshan.standards.air_assessment.daily_mean`), the O3 daily maximum 8-h mean (HJ
  663-2013 6.1.2, :func:`~qingshan.standards.air_assessment.o3_mda8`) and the O3 daily maximum
  1-h value (HJ 633-2012 Table 1 daily report; same 20-hour minimum). Valid hours: not null and
  no HJ 212-2017 invalid data flag (:func:`qingshan.timeseries.rollups.valid_mask`).
- **A city's day**: the arithmetic mean of its national (国控) stations' daily statistics, per
  pollutant, over the stations with a valid value (HJ 663-2013 4 "城市点位…算术平均"; tagged
  [U] in shared/reference/standards.md §3.1).
- **Daily AQI**: HJ 633 daily report of the edition in force that day
  (:func:`qingshan.standards.aqi.edition_for`: HJ 633-2012 §5 / Table 1 — seven indicators
  incl. O3 1-h — before 2026-03-01; HJ 633-2026 4.2 / 5.3.1 — six indicators, concentrations
  rounded per GB/T 8170, AQI withheld when an indicator is missing and AQI ≤ 100 — from then on).
- **优良天数比例**: days with AQI ≤ 100 over days with a published AQI
  (:func:`qingshan.standards.air_assessment.compliance_rate`).
- **Comprehensive index** over the period: Σ Cᵢ/Sᵢ with the period means of SO2, NO2, PM10,
  PM2.5, the CO daily 95th and O3 MDA8 90th percentiles (HJ 663-2013 Appendix A,
  :func:`~qingshan.standards.air_assessment.percentile`) and GB 3095-2012 grade II limits
  (环办监测〔2018〕19号, :func:`~qingshan.standards.air_assessment.comprehensive_index`).
- **环比 / 同比** of the month of the range's last day, over the same days of the month (1…d)
  in the previous month and in the same month of the previous year; a year not stored gives
  ``yoy=None`` (shown as 无同期数据), never an invented value.
"""

from __future__ import annotations

import calendar
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound, QingshanError
from qingshan.geo.regions import CITY_CODES, REGIONS, get_region, in_scope
from qingshan.monitoring.air_history_schemas import (
    AirHistory,
    ComprehensiveIndexPublic,
    Crumb,
    DailyAir,
    MemberStation,
    MonthComparison,
    MonthFigures,
    PeriodSummary,
)
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Series, Site, SiteKind
from qingshan.monitoring.service import get_site
from qingshan.standards.air_assessment import (
    GB3095_2012,
    MIN_HOURS_DAILY,
    compliance_rate,
    comprehensive_index,
    daily_mean,
    o3_mda8,
    percentile,
)
from qingshan.standards.aqi import aqi_frame
from qingshan.standards.errors import InsufficientData
from qingshan.timeseries.rollups import valid_mask
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_utc

#: the six pollutants in the order of the page
POLLUTANTS: tuple[str, ...] = ("PM2.5", "PM10", "O3", "NO2", "SO2", "CO")
#: pollutant → HJ 212-2017 Appendix B code
PARAMETER_CODES: Mapping[str, str] = {
    "PM2.5": "a34004", "PM10": "a34002", "O3": "a05024",
    "NO2": "a21004", "SO2": "a21026", "CO": "a21005",
}  # fmt: skip
UNITS: Mapping[str, str] = {p: ("mg/m³" if p == "CO" else "µg/m³") for p in POLLUTANTS}
#: daily statistics → HJ 633 daily-report indicator key
DAILY_KEYS: Mapping[str, str] = {
    "SO2": "SO2_24h", "NO2": "NO2_24h", "CO": "CO_24h", "PM10": "PM10_24h",
    "PM2.5": "PM2.5_24h", "O3_8h": "O3_8h", "O3_1h": "O3_1h",
}  # fmt: skip
#: pollutant → HJ 633 real-time indicator key (1-h values)
HOURLY_KEYS: Mapping[str, str] = {p: f"{p}_1h" for p in POLLUTANTS}

#: the longest range a request may ask for [days]; the default range [days]
MAX_RANGE_DAYS = 366
DEFAULT_DAYS = 7


class AirHistoryRangeError(QingshanError):
    """A date range that cannot be read (inverted or too long); names the field."""

    status_code = 422


@dataclass(frozen=True)
class DayRange:
    """Natural days (China Standard Time), ``start`` … ``end`` inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def parse_range(start: date | None, end: date | None, default_end: date) -> DayRange:
    """The days asked for: ``end`` defaults to ``default_end`` (the newest stored day),
    ``start`` to :data:`DEFAULT_DAYS` days ending at ``end``. An inverted range or one longer
    than :data:`MAX_RANGE_DAYS` raises :class:`AirHistoryRangeError` naming the field."""
    end = end or default_end
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise AirHistoryRangeError(
            f"from: {start.isoformat()} is after to {end.isoformat()}",
            field="from", value=start.isoformat(),
        )  # fmt: skip
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise AirHistoryRangeError(
            f"to: the range {start.isoformat()}…{end.isoformat()} has {(end - start).days + 1} "
            f"days; at most {MAX_RANGE_DAYS} per request",
            field="to", value=end.isoformat(), max_days=MAX_RANGE_DAYS,
        )  # fmt: skip
    return DayRange(start, end)


def day_start_utc(day: date) -> datetime:
    """The UTC instant at which the CST day ``day`` begins (16:00 UTC the day before)."""
    return datetime(day.year, day.month, day.day, tzinfo=CST).astimezone(UTC)


# ----------------------------------------------------------------------------------------
# pure kernels
# ----------------------------------------------------------------------------------------
def hour_cube(
    rows: pd.DataFrame,
    index: Mapping[int, tuple[int, int]],
    n_sites: int,
    start: datetime,
    n_hours: int,
) -> npt.NDArray[np.float64]:
    """Valid hour values as a cube (site, pollutant, hour); NaN = missing or invalid.

    Parameters
    ----------
    rows : DataFrame
        Observation rows (``series_id``, ``time`` [UTC], ``value``, ``source_flag``,
        ``qc_flag``) of period hour.
    index : mapping series id → (site position, pollutant position in :data:`POLLUTANTS`)
    start : datetime
        First hour [UTC]; ``n_hours`` hours follow.
    """
    cube = np.full((n_sites, len(POLLUTANTS), n_hours), np.nan)
    if rows.empty:
        return cube
    ok = valid_mask(rows).to_numpy()
    rows = rows[ok]
    flat = pd.Series({sid: site * len(POLLUTANTS) + pol for sid, (site, pol) in index.items()})
    where = rows["series_id"].map(flat).fillna(-1).to_numpy(dtype=np.int64)
    t0 = pd.Timestamp(start).tz_convert("UTC")
    hour = ((rows["time"] - t0) // pd.Timedelta(hours=1)).to_numpy(dtype=np.int64)
    keep = (where >= 0) & (hour >= 0) & (hour < n_hours)
    site, pol = np.divmod(where[keep], len(POLLUTANTS))
    cube[site, pol, hour[keep]] = rows["value"].to_numpy(dtype=np.float64)[keep]
    return cube


def daily_statistics(hours: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[np.float64]]:
    """Daily statistics of one site from its hour values (pollutant, n_days × 24) [µg/m³;
    CO mg/m³], the first hour at 00:00 CST: ``SO2 NO2 CO PM10 PM2.5`` 24-h means (≥ 20 valid
    hours, GB 3095-2012 Table 4), ``O3_8h`` (MDA8, HJ 663-2013 6.1.2) and ``O3_1h`` (daily
    maximum 1-h value, ≥ 20 valid hours)."""
    n_days = hours.shape[1] // 24
    out: dict[str, npt.NDArray[np.float64]] = {}
    for i, pol in enumerate(POLLUTANTS):
        by_day = hours[i, : n_days * 24].reshape(n_days, 24)
        if pol == "O3":
            out["O3_8h"] = o3_mda8(by_day)[0]
            enough = np.sum(~np.isnan(by_day), axis=1) >= MIN_HOURS_DAILY
            with np.errstate(invalid="ignore"), _quiet():
                out["O3_1h"] = np.where(enough, np.nanmax(by_day, axis=1), np.nan)
        else:
            out[pol] = daily_mean(by_day)
    return out


def city_mean(
    per_site: Sequence[Mapping[str, npt.NDArray[np.float64]]],
) -> dict[str, npt.NDArray[np.float64]]:
    """The city's daily statistics: per statistic, the mean over the sites with a valid value
    (NaN where none has one)."""
    keys = list(per_site[0]) if per_site else []
    out = {}
    for k in keys:
        stack = np.vstack([s[k] for s in per_site])
        with np.errstate(invalid="ignore"), _quiet():
            out[k] = np.nanmean(stack, axis=0)
    return out


def mean_over_sites(cube: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Hour values averaged over the sites (axis 0) that have one; NaN where none has."""
    with np.errstate(invalid="ignore"), _quiet():
        return np.nanmean(cube, axis=0)


def daily_aqi(stats: Mapping[str, npt.NDArray[np.float64]], days: Sequence[date]) -> pd.DataFrame:
    """The daily report (日报) of each day by the HJ 633 edition in force that day: columns of
    :func:`qingshan.standards.aqi.aqi_frame` (``aqi``, ``level``, ``primary_pollutants``,
    ``edition`` …)."""
    frame = pd.DataFrame({DAILY_KEYS[k]: v for k, v in stats.items()})
    dates = pd.Series(pd.to_datetime([d.isoformat() for d in days]))
    return aqi_frame(frame, report="daily", date=dates)


def hourly_aqi(hours: npt.NDArray[np.float64], times: pd.DatetimeIndex) -> npt.NDArray[np.float64]:
    """The real-time AQI of each hour (CNEMC's published hourly AQI, see module docstring) from
    (pollutant, hour) values; NaN where nothing was measured or the AQI is not published."""
    frame = pd.DataFrame({HOURLY_KEYS[p]: hours[i] for i, p in enumerate(POLLUTANTS)})
    if frame.empty:
        return np.array([], dtype=np.float64)
    out = aqi_frame(frame, report="realtime", date=pd.Series(times))
    return out["aqi"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)


def period_summary(
    stats: Mapping[str, npt.NDArray[np.float64]], report: pd.DataFrame, n_days: int
) -> PeriodSummary:
    """优良天数比例, level days, primary-pollutant shares, PM2.5 mean and the comprehensive
    index of the days given (``stats`` and ``report`` of the same days)."""
    aqi = report["aqi"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    valid = ~np.isnan(aqi)
    n_valid = int(valid.sum())
    rate = compliance_rate(aqi) if n_valid else None
    levels = report["level"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    level_days = {str(lv): int(np.sum(levels == lv)) for lv in range(1, 7)}
    primary_days: dict[str, int] = {}
    for names in report["primary_pollutants"].astype(str)[valid]:
        for p in filter(None, names.split(",")):
            primary_days[p] = primary_days.get(p, 0) + 1
    shares = {p: round(100.0 * n / n_valid, 1) for p, n in primary_days.items()} if n_valid else {}
    pm = stats["PM2.5"]
    pm25 = float(np.nanmean(pm)) if np.any(~np.isnan(pm)) else None
    return PeriodSummary(
        days=n_days,
        valid_days=n_valid,
        good_days=int(np.sum(aqi[valid] <= 100)),
        compliance_rate=None if rate is None else round(rate, 1),
        level_days=level_days,
        primary_days=dict(sorted(primary_days.items(), key=lambda kv: -kv[1])),
        primary_shares=dict(sorted(shares.items(), key=lambda kv: -kv[1])),
        pm25_mean=None if pm25 is None else round(pm25, 1),
        index=period_index(stats),
    )


def period_index(stats: Mapping[str, npt.NDArray[np.float64]]) -> ComprehensiveIndexPublic | None:
    """The comprehensive index of the period (环办监测〔2018〕19号; GB 3095-2012 grade II
    denominators; statistics rounded per GB/T 8170 first), None without a valid day of each."""
    try:
        with _quiet():
            means = {p: float(np.nanmean(stats[p])) for p in ("SO2", "NO2", "PM10", "PM2.5")}
        statistics: dict[str, float] = {f"{p}_mean": v for p, v in means.items()}
        if any(np.isnan(v) for v in statistics.values()):
            return None
        statistics["CO_p95"] = percentile(stats["CO"], 95)  # HJ 663-2013 Appendix A
        statistics["O3_8h_p90"] = percentile(stats["O3_8h"], 90)
    except InsufficientData:
        return None
    ci = comprehensive_index(statistics, edition=GB3095_2012)
    return ComprehensiveIndexPublic(
        total=round(ci.total, 2),
        single={k: round(v, 3) for k, v in ci.single_indices.items()},
        primary=ci.primary,
        edition=ci.edition,
        # as the index used them: GB/T 8170, integers, CO to 0.1 mg/m³
        statistics={
            k: round(v, 1) if k == "CO_p95" else float(round(v)) for k, v in statistics.items()
        },
    )


def change(now: float | None, before: float | None, *, points: bool = False) -> float | None:
    """Percentage points (``points``) or percent change from ``before`` to ``now``."""
    if now is None or before is None:
        return None
    if points:
        return round(now - before, 1)
    return None if before == 0 else round(100.0 * (now - before) / before, 1)


def month_windows(end: date) -> tuple[DayRange, DayRange, DayRange]:
    """Days 1…d of the month of ``end`` (d = its day), of the previous month and of the same
    month a year before (d capped at each month's length)."""
    d = end.day
    cur = DayRange(end.replace(day=1), end)
    py, pm = (end.year, end.month - 1) if end.month > 1 else (end.year - 1, 12)
    prev_len = calendar.monthrange(py, pm)[1]
    prev = DayRange(date(py, pm, 1), date(py, pm, min(d, prev_len)))
    ly_len = calendar.monthrange(end.year - 1, end.month)[1]
    last = DayRange(date(end.year - 1, end.month, 1), date(end.year - 1, end.month, min(d, ly_len)))
    return cur, prev, last


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's all-NaN RuntimeWarnings (an empty day is a normal case here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


# ----------------------------------------------------------------------------------------
# the read and the assembly
# ----------------------------------------------------------------------------------------
@dataclass
class _Sites:
    sites: list[Site]
    kind: str
    code: str
    name: str
    name_en: str
    city_code: str
    region_code: str
    control_level: str | None
    context_only: bool
    crumbs: list[Crumb]
    members: list[MemberStation]


def _city_crumbs(city_code: str, last: bool) -> list[Crumb]:
    city = REGIONS[city_code]
    return [
        Crumb(name="浙江省", name_en="Zhejiang", url="/map"),
        Crumb(
            name=city.name, name_en=city.name_en, url=None if last else f"/air/cities/{city_code}"
        ),
    ]


def _station_sites(session: Session, scope: Scope, code: str) -> _Sites:
    site = get_site(session, scope, code)  # out of scope → NotFound, like /api/v1/sites/{code}
    if site.kind is not SiteKind.AIR_STATION:
        raise NotFound(f"no air station {code!r} in your scope", code=code)
    city_code = site.region_code[:4] + "00"
    crumbs = _city_crumbs(city_code, last=False)
    crumbs.append(Crumb(name=site.name, name_en=site.name, url=None))
    return _Sites([site], "station", site.code, site.name, site.name, city_code, site.region_code,
                  site.control_level.value, False, crumbs, [])  # fmt: skip


def _city_sites(session: Session, scope: Scope, city_code: str) -> _Sites:
    """The city's national stations. A scope inside the city (a county) sees the city as
    context (``context_only``); a scope that does not overlap the city gets NotFound."""
    if city_code not in CITY_CODES:
        raise NotFound(f"no city {city_code!r}; cities: {', '.join(CITY_CODES)}", code=city_code)
    covers = in_scope(city_code, scope.region_code)
    inside = in_scope(scope.region_code, city_code) if len(scope.region_code) == 6 else False
    if not covers and not inside:
        raise NotFound(f"no city {city_code!r} in your scope", code=city_code)
    sites = list(
        session.scalars(
            select(Site)
            .where(Site.kind == SiteKind.AIR_STATION, Site.control_level == ControlLevel.NATIONAL)
            .where(Site.region_code.startswith(city_code[:4]))
            .order_by(Site.code)
        )
    )
    members = [
        MemberStation(code=s.code, name=s.name, region_code=s.region_code,
                      in_scope=in_scope(s.region_code, scope.region_code))
        for s in sites
    ]  # fmt: skip
    city = get_region(city_code)
    return _Sites(sites, "city", city_code, city.name, city.name_en, city_code, city_code,
                  ControlLevel.NATIONAL.value, not covers, _city_crumbs(city_code, last=True),
                  members)  # fmt: skip


def _hour_series(session: Session, sites: Sequence[Site]) -> dict[int, tuple[int, int]]:
    pos = {s.id: i for i, s in enumerate(sites)}
    pol = {code: j for j, code in enumerate(PARAMETER_CODES[p] for p in POLLUTANTS)}
    rows = session.execute(
        select(Series.id, Series.site_id, Series.parameter_code).where(
            Series.site_id.in_(list(pos)),
            Series.period == Period.HOUR,
            Series.parameter_code.in_(list(pol)),
        )  # fmt: skip
    ).all()
    return {sid: (pos[site_id], pol[code]) for sid, site_id, code in rows}


def _latest(session: Session, series_ids: Sequence[int]) -> datetime | None:
    if not series_ids:
        return None
    last = session.scalar(
        select(func.max(LatestValue.time)).where(LatestValue.series_id.in_(list(series_ids)))
    )
    return None if last is None else as_utc(last, naive_is=UTC)


def _floats(values: npt.NDArray[np.float64], digits: int) -> list[float | None]:
    return [None if np.isnan(v) else round(float(v), digits) for v in values]


def _slice(
    stats: Mapping[str, npt.NDArray[np.float64]], sl: slice
) -> dict[str, npt.NDArray[np.float64]]:
    return {k: v[sl] for k, v in stats.items()}


def _read_days(
    store: ObservationStore,
    index: Mapping[int, tuple[int, int]],
    n_sites: int,
    first: date,
    last: date,
) -> tuple[npt.NDArray[np.float64], bool]:
    """Hour values (site, pollutant, hour) of the CST days ``first`` … ``last`` in one store
    query, and whether any row was stored."""
    n_hours = ((last - first).days + 1) * 24
    if not index:
        return np.full((n_sites, len(POLLUTANTS), n_hours), np.nan), False
    start = day_start_utc(first)
    rows = store.query(
        list(index), start, day_start_utc(last + timedelta(days=1)), period="hour",
        columns=["value", "source_flag", "qc_flag"],
    )  # fmt: skip
    return hour_cube(rows, index, n_sites, start, n_hours), not rows.empty


def _daily(
    cube: npt.NDArray[np.float64], city: bool
) -> tuple[dict[str, npt.NDArray[np.float64]], npt.NDArray[np.float64]]:
    """Daily statistics and hour values of a station (one site) or a city (mean of sites)."""
    if city:
        per_site = [daily_statistics(cube[i]) for i in range(cube.shape[0])]
        if not per_site:
            return daily_statistics(np.full(cube.shape[1:], np.nan)), np.full(
                cube.shape[1:], np.nan
            )
        return city_mean(per_site), mean_over_sites(cube)
    return daily_statistics(cube[0]), cube[0]


def _days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(n)]


def build_history(
    session: Session,
    store: ObservationStore,
    found: _Sites,
    start: date | None,
    end: date | None,
) -> AirHistory:
    """Read and compute the history of ``found`` (a station or a city) over the asked days."""
    index = _hour_series(session, found.sites)
    latest = _latest(session, list(index))
    default_end = (latest or datetime.now(UTC)).astimezone(CST).date()
    rng = parse_range(start, end, default_end)
    cur, prev, last_year = month_windows(rng.end)
    first = min(rng.start, prev.start)
    n_days = (rng.end - first).days + 1
    city = found.kind == "city"
    cube, _ = _read_days(store, index, len(found.sites), first, rng.end)
    stats, hours = _daily(cube, city)
    days = _days(first, n_days)
    report = daily_aqi(stats, days)

    off = (rng.start - first).days
    sl = slice(off, off + rng.days)
    hour_sl = slice(off * 24, (off + rng.days) * 24)
    times = pd.date_range(day_start_utc(rng.start), periods=rng.days * 24, freq="h")
    range_hours = hours[:, hour_sl]
    hourly = {"aqi": _floats(hourly_aqi(range_hours, times), 0)}
    for i, p in enumerate(POLLUTANTS):
        hourly[p] = _floats(range_hours[i], 3 if p == "CO" else 1)

    daily = []
    for i in range(off, off + rng.days):
        r = report.iloc[i]
        daily.append(
            DailyAir(
                date=days[i],
                aqi=None if pd.isna(r["aqi"]) else int(r["aqi"]),
                level=None if pd.isna(r["level"]) else int(r["level"]),
                primary=[p for p in str(r["primary_pollutants"]).split(",") if p],
                edition=str(r["edition"]),
                concentrations={
                    k: (None if np.isnan(v[i]) else round(float(v[i]), 3 if k == "CO" else 1))
                    for k, v in stats.items()
                },
            )
        )

    def figures(w: DayRange, st: Mapping[str, npt.NDArray[np.float64]], rep: pd.DataFrame,
                w_first: date) -> PeriodSummary:  # fmt: skip
        a = (w.start - w_first).days
        s = slice(a, a + w.days)
        return period_summary(_slice(st, s), rep.iloc[s], w.days)

    cur_sum = figures(cur, stats, report, first)
    prev_sum = figures(prev, stats, report, first)
    if last_year.start >= first:
        ly_sum: PeriodSummary | None = figures(last_year, stats, report, first)
        a = (last_year.start - first).days * 24
        stored = bool(np.any(~np.isnan(cube[:, :, a : a + last_year.days * 24])))
    else:
        ly_cube, stored = _read_days(store, index, len(found.sites), last_year.start, last_year.end)
        ly_stats, _ = _daily(ly_cube, city)
        ly_sum = figures(last_year, ly_stats, daily_aqi(ly_stats, _days(last_year.start, last_year.days)),
                         last_year.start)  # fmt: skip
    if ly_sum is not None and (not stored or ly_sum.valid_days == 0):
        ly_sum = None

    def changes(now: PeriodSummary, before: PeriodSummary) -> dict[str, float | None]:
        return {
            "compliance_rate": change(now.compliance_rate, before.compliance_rate, points=True),
            "pm25_mean": change(now.pm25_mean, before.pm25_mean),
            "index": change(now.index.total if now.index else None,
                            before.index.total if before.index else None),
        }  # fmt: skip

    month = MonthComparison(
        month=f"{rng.end.year}-{rng.end.month:02d}",
        current=MonthFigures(start=cur.start, end=cur.end, summary=cur_sum),
        previous=MonthFigures(start=prev.start, end=prev.end, summary=prev_sum),
        last_year=MonthFigures(start=last_year.start, end=last_year.end, summary=ly_sum),
        mom=changes(cur_sum, prev_sum),
        yoy=None if ly_sum is None else changes(cur_sum, ly_sum),
    )
    return AirHistory(
        kind=found.kind,
        code=found.code,
        name=found.name,
        name_en=found.name_en,
        city_code=found.city_code,
        region_code=found.region_code,
        control_level=found.control_level,
        context_only=found.context_only,
        start=rng.start,
        end=rng.end,
        latest=latest,
        map_url=f"/map?region={found.city_code}",
        breadcrumbs=found.crumbs,
        stations=found.members,
        units=dict(UNITS),
        hourly_time=list(times.to_pydatetime()),
        hourly=hourly,
        daily=daily,
        summary=period_summary(_slice(stats, sl), report.iloc[sl], rng.days),
        month=month,
        replayed=any(bool((s.attrs or {}).get("replayed_from")) for s in found.sites),
    )


def station_history(
    session: Session, scope: Scope, store: ObservationStore, code: str,
    start: date | None = None, end: date | None = None,
) -> AirHistory:  # fmt: skip
    """The history of the air station ``code`` in ``scope`` (its own values); a station out
    of scope is reported as missing (404), as ``/api/v1/sites/{code}`` does."""
    return build_history(session, store, _station_sites(session, scope, code), start, end)


def city_history(
    session: Session, scope: Scope, store: ObservationStore, city_code: str,
    start: date | None = None, end: date | None = None,
) -> AirHistory:  # fmt: skip
    """The history of the city ``city_code`` from its national stations; a county account
    sees its own city as context (``context_only``), any other city is missing (404)."""
    return build_history(session, store, _city_sites(session, scope, city_code), start, end)
