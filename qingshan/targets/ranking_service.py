"""The public ranking's service (issue #16): the roll-ups it reads and the one ranking every
page and export uses.

- :func:`refresh_air_days` computes the daily statistics of every city (its national 国控
  stations, HJ 663-2013 4: the arithmetic mean of the city's stations) and county (all its air
  stations) from the observation store through the monitoring domain's kernels
  (:func:`qingshan.monitoring.air_history.daily_statistics`, :func:`~qingshan.monitoring.
  air_history.city_mean`: GB 3095-2012 Table 4 daily values, HJ 663-2013 6.1.2 MDA8).
- :func:`refresh_water_months` keeps each surface-water section's monthly means
  (:func:`qingshan.monitoring.water_history.monthly_means` of its CST daily means).
- :func:`get_ranking` ranks the cities or counties of a period (:mod:`.ranking`).

Both roll-ups are small (one row per region-day / section-month); the demo's previous year
(design.md "Demo history") is written into them by :mod:`qingshan.sim.previous_year`,
flagged ``synthetic``.
"""

from __future__ import annotations

import calendar
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.errors import QingshanError
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import CITY_CODES, PROVINCE_CODE, REGIONS
from qingshan.monitoring.air_history import (
    PARAMETER_CODES,
    POLLUTANTS,
    city_mean,
    daily_statistics,
    day_start_utc,
    hour_cube,
)
from qingshan.monitoring.models import ControlLevel, Period, SiteKind
from qingshan.monitoring.service import get_series_of_sites, get_sites
from qingshan.monitoring.water import WATER_KEYS, water_body_of
from qingshan.monitoring.water_history import monthly_means, read_daily
from qingshan.standards.errors import InsufficientData
from qingshan.standards.water_tables import ASSESSED
from qingshan.targets.ranking import (
    AIR_DAILY,
    KINDS,
    LEVELS,
    PERIODS,
    RankPeriod,
    SectionPeriod,
    air_figures,
    air_statistics,
    change_percent,
    competition_rank,
    section_period_means,
    water_figures,
    water_rank,
)
from qingshan.targets.ranking_models import RankingAirDay, RankingWaterMonth
from qingshan.targets.ranking_schemas import LackingRow, Ranking, RankingRow
from qingshan.timeseries.store import ObservationStore

#: region-day statistic → column of :class:`RankingAirDay`
AIR_COLUMNS: Mapping[str, str] = {
    "SO2": "so2", "NO2": "no2", "PM10": "pm10", "PM2.5": "pm25", "CO": "co", "O3_8h": "o3_8h",
}  # fmt: skip
_PROVINCE = Scope(PROVINCE_CODE, Role.PROVINCE, username="ranking")

METHOD_AIR = (
    "环境空气质量综合指数 I = Σ Cᵢ/Sᵢ (环办监测〔2018〕19号): period means of SO2, NO2, PM10, "
    "PM2.5, CO daily 95th and O3 MDA8 90th percentiles (HJ 663-2013 5, Appendix A), GB 3095-2012 "
    "grade II denominators, statistics rounded per GB/T 8170; ascending, ties share a rank; "
    "validity GB 3095-2012 Table 4 (27 days a month, 25 in February, 324 a year). The 2026 "
    "column: GB 3095-2026 transitional limits, unweighted, for information (HJ 663-2026 not "
    "confirmed)."
)
METHOD_WATER = (
    "CWQI (环办监测〔2017〕51号): Σ Cᵢ/Cs,ᵢ (GB 3838-2002 class III; DO 5/C; pH) of the period "
    "means of the region's river sections and lake points, city CWQI = (river·M + lake·N)/(M + "
    "N); ascending, ties share a rank; a section-month needs 27 valid days (25 in February)."
)


class RankingError(QingshanError):
    """A ranking request that cannot be answered; names the field and the values allowed."""

    status_code = 422


# ----------------------------------------------------------------------------------------
# roll-ups
# ----------------------------------------------------------------------------------------
def _months(first: date, last: date) -> Iterable[tuple[date, date]]:
    cur = first
    while cur <= last:
        end = date(cur.year, cur.month, calendar.monthrange(cur.year, cur.month)[1])
        yield cur, min(end, last)
        cur = end + timedelta(days=1)


def refresh_air_days(session: Session, store: ObservationStore, first: date, last: date) -> int:
    """Recompute the region-day rows of the CST days ``first`` … ``last`` from the store (one
    query a month); returns the rows written. Rows already there for those days are
    replaced, synthetic ones included."""
    sites = get_sites(session, _PROVINCE, SiteKind.AIR_STATION)
    series = get_series_of_sites(session, sites)
    pol_of = {PARAMETER_CODES[p]: j for j, p in enumerate(POLLUTANTS)}
    index = {
        s.id: (i, pol_of[s.parameter_code])
        for i, site in enumerate(sites)
        for s in series[site.id]
        if s.period == Period.HOUR and s.parameter_code in pol_of
    }
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, site in enumerate(sites):
        city = site.region_code[:4] + "00"
        if site.control_level == ControlLevel.NATIONAL and city in CITY_CODES:
            groups[("city", city)].append(i)
        rec = REGIONS.get(site.region_code)
        if rec is not None and rec.level == RegionLevel.COUNTY:
            groups[("county", site.region_code)].append(i)
    session.execute(delete(RankingAirDay).where(RankingAirDay.day.between(first, last)))
    written = 0
    for m_first, m_last in _months(first, last):
        n_days = (m_last - m_first).days + 1
        start = day_start_utc(m_first)
        rows = store.query(
            list(index), start, day_start_utc(m_last + timedelta(days=1)), period="hour",
            columns=["value", "source_flag", "qc_flag"],
        )  # fmt: skip
        cube = hour_cube(rows, index, len(sites), start, n_days * 24)
        per_site = [daily_statistics(cube[i]) for i in range(len(sites))]
        out = []
        for (level, code), members in groups.items():
            stats = city_mean([per_site[i] for i in members])
            for d in range(n_days):
                values = {AIR_COLUMNS[k]: _num(stats[k][d]) for k in AIR_DAILY}
                if all(v is None for v in values.values()):
                    continue
                out.append({"level": level, "region_code": code,
                            "day": m_first + timedelta(days=d), "sites": len(members),
                            "synthetic": False, **values})  # fmt: skip
        if out:
            session.execute(insert(RankingAirDay), out)
        written += len(out)
    return written


def _num(v: float) -> float | None:
    return None if np.isnan(v) else round(float(v), 4)


def refresh_water_months(session: Session, store: ObservationStore, first: date, last: date) -> int:
    """Recompute the section-month rows of the months ``first`` … ``last`` touch from the
    store's hourly values (CST daily means, then monthly means: the monitoring domain's
    roll-ups); returns the rows written."""
    sections = get_sites(session, _PROVINCE, SiteKind.WATER_SECTION)
    series = get_series_of_sites(session, sections)
    key_of: dict[int, str] = {}
    site_of: dict[int, int] = {}
    for i, site in enumerate(sections):
        for s in series[site.id]:
            key = WATER_KEYS.get(s.parameter_code)
            if s.period == Period.HOUR and key in ASSESSED:
                key_of[s.id], site_of[s.id] = key, i
    first = first.replace(day=1)
    session.execute(delete(RankingWaterMonth).where(RankingWaterMonth.month.between(first, last)))
    written = 0
    for m_first, m_last in _months(first, last):
        start = pd.Timestamp(day_start_utc(m_first))
        end = pd.Timestamp(day_start_utc(m_last + timedelta(days=1)))
        day = read_daily(store, list(key_of), start, end)
        if day.empty:
            continue
        month = monthly_means(day)
        month = month[month["time"] >= start]
        valid_days = (month["coverage"] * month["expected"]).round().astype(int)
        month = month.assign(site=month["series_id"].map(site_of), valid_days=valid_days)
        out = []
        for i, part in month.groupby("site"):
            site = sections[int(i)]
            means = {key_of[int(r.series_id)]: round(float(r.value), 4)
                     for r in part.itertuples() if not pd.isna(r.value)}  # fmt: skip
            if not means:
                continue
            out.append({"section_code": site.code, "region_code": site.region_code,
                        "month": m_first, "water_body": water_body_of(site.attrs),
                        "means": means, "valid_days": int(part["valid_days"].min()),
                        "synthetic": False})  # fmt: skip
        if out:
            session.execute(insert(RankingWaterMonth), out)
        written += len(out)
    return written


def air_days(session: Session, first: date, last: date, level: str | None = None) -> list[dict]:
    """The stored region-day rows of ``first`` … ``last`` (of ``level``) as dicts, oldest
    first."""
    cols = ["level", "region_code", "day", *AIR_COLUMNS.values(), "sites", "synthetic"]
    stmt = (
        select(*(getattr(RankingAirDay, c) for c in cols))
        .where(RankingAirDay.day.between(first, last))
        .order_by(RankingAirDay.day)
    )
    if level is not None:
        stmt = stmt.where(RankingAirDay.level == level)
    return [dict(zip(cols, r, strict=True)) for r in session.execute(stmt)]


def water_months(session: Session, first: date, last: date) -> list[dict]:
    """The stored section-month rows of the months ``first`` … ``last`` as dicts."""
    cols = ["section_code", "region_code", "month", "water_body", "means", "valid_days",
            "synthetic"]  # fmt: skip
    stmt = select(*(getattr(RankingWaterMonth, c) for c in cols)).where(
        RankingWaterMonth.month.between(first, last)
    )
    return [dict(zip(cols, r, strict=True)) for r in session.execute(stmt)]


def write_synthetic(
    session: Session, air: Sequence[dict], water: Sequence[dict]
) -> tuple[int, int]:
    """Store derived rows (flagged ``synthetic``) where no row of that region-day /
    section-month is stored yet; returns the air and water rows written."""
    if not air and not water:
        return 0, 0
    have_air = {
        (lv, c, d)
        for lv, c, d in session.execute(
            select(RankingAirDay.level, RankingAirDay.region_code, RankingAirDay.day)
        )
    }
    have_water = {
        (c, m)
        for c, m in session.execute(select(RankingWaterMonth.section_code, RankingWaterMonth.month))
    }
    a = [r | {"synthetic": True} for r in air
         if (r["level"], r["region_code"], r["day"]) not in have_air]  # fmt: skip
    w = [r | {"synthetic": True} for r in water
         if (r["section_code"], r["month"]) not in have_water]  # fmt: skip
    if a:
        session.execute(insert(RankingAirDay), a)
    if w:
        session.execute(insert(RankingWaterMonth), w)
    return len(a), len(w)


# ----------------------------------------------------------------------------------------
# the ranking
# ----------------------------------------------------------------------------------------
def stored_months(session: Session) -> list[str]:
    """The months (YYYY-MM) with real (not synthetic) roll-ups, newest first."""
    days = session.scalars(
        select(RankingAirDay.day).where(~RankingAirDay.synthetic).distinct()
    ).all()
    return sorted({f"{d.year}-{d.month:02d}" for d in days}, reverse=True)


def default_month(session: Session) -> str | None:
    """The newest month whose last day is stored (the latest complete month), else the
    newest stored month."""
    last = session.scalar(select(func.max(RankingAirDay.day)).where(~RankingAirDay.synthetic))
    if last is None:
        return None
    end = calendar.monthrange(last.year, last.month)[1]
    if last.day == end:
        return f"{last.year}-{last.month:02d}"
    prev = last.replace(day=1) - timedelta(days=1)
    return f"{prev.year}-{prev.month:02d}"


def parse_request(kind: str, level: str, period: str, month: str | None) -> tuple[int, int]:
    """Check the request's fields; ``(year, month)`` of ``month`` (``YYYY-MM``)."""
    for name, value, allowed in (("kind", kind, KINDS), ("level", level, LEVELS),
                                 ("period", period, PERIODS)):  # fmt: skip
        if value not in allowed:
            raise RankingError(
                f"{name}: {value!r} is not one of {', '.join(allowed)}",
                field=name, value=value, allowed=list(allowed),
            )  # fmt: skip
    try:
        y, m = (int(x) for x in (month or "").split("-"))
        if not (2000 <= y <= 2100 and 1 <= m <= 12) or len(month or "") != 7:
            raise ValueError
    except ValueError:
        raise RankingError(
            f"month: {month!r} is not a month as YYYY-MM (2000-01 … 2100-12)",
            field="month", value=month,
        ) from None  # fmt: skip
    return y, m


def _regions(level: str) -> list[str]:
    if level == "city":
        return list(CITY_CODES)
    return sorted(c for c, r in REGIONS.items() if r.level == RegionLevel.COUNTY)


def _city(code: str) -> str:
    return code[:4] + "00"


def get_ranking(
    session: Session, kind: str, level: str, period: str, month: str | None = None
) -> Ranking:
    """The ranking of the cities or counties for ``period`` (month / ytd / year) ending in
    ``month`` (default :func:`default_month`), with 同比 against the same period of the
    previous year; regions without valid data listed in ``lacking`` with the reason."""
    month = month or default_month(session) or "2026-01"
    parse_request(kind, level, period, month)
    key = (str(session.get_bind().engine.url), kind, level, period, month, _version(session, kind))
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    result = _compute_ranking(session, kind, level, period, month)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


#: computed rankings by request and roll-up version (a ranking of the counties' year reads
#: ~40,000 region-days and takes a second or two; the roll-ups change once a day at most)
_CACHE: OrderedDict[tuple, Ranking] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 128


def _version(session: Session, kind: str) -> tuple:
    """What the stored roll-ups of ``kind`` are now: their row count and newest id."""
    if kind == "air":
        when = RankingAirDay.day
        stmt = select(func.count(), func.max(RankingAirDay.id), func.min(when), func.max(when))
    else:
        when = RankingWaterMonth.month
        stmt = select(func.count(), func.max(RankingWaterMonth.id), func.min(when), func.max(when))
    return tuple(session.execute(stmt).one())


def _compute_ranking(session: Session, kind: str, level: str, period: str, month: str) -> Ranking:
    y, m = parse_request(kind, level, period, month)
    cur = RankPeriod(period, y, m)
    prev = cur.previous_year()
    regions = _regions(level)
    if kind == "air":
        now, before, synthetic, sites, reasons = _air(session, level, cur, prev)
    else:
        now, before, synthetic, sites, reasons = _water(session, level, cur, prev, regions)
    values = {c: f[0] for c, f in now.items()}
    ranks = competition_rank(values) if kind == "air" else water_rank(values)
    changes = {c: change_percent(values[c], before.get(c)) for c in values}
    with_change = {c: v for c, v in changes.items() if v is not None}
    change_ranks = competition_rank(with_change) if with_change else {}
    rows = []
    for code in sorted(values, key=lambda c: (ranks[c], c)):
        rec = REGIONS[code]
        value, value_2026, primary = now[code]
        rows.append(RankingRow(
            rank=ranks[code], region_code=code, name=rec.name, name_en=rec.name_en,
            city_code=_city(code), value=value, value_2026=value_2026,
            previous=before.get(code), change=changes[code],
            change_rank=change_ranks.get(code), primary=primary, sites=sites.get(code, 0),
            synthetic_previous=code in synthetic,
        ))  # fmt: skip
    no_site = {"reason_code": "no_station", "reason": "no air station"} if kind == "air" else {
        "reason_code": "no_section", "reason": "no surface-water section"}  # fmt: skip
    lacking = [
        LackingRow(region_code=c, name=REGIONS[c].name, name_en=REGIONS[c].name_en,
                   city_code=_city(c), **reasons.get(c, no_site))
        for c in regions if c not in values
    ]  # fmt: skip
    return Ranking(
        kind=kind, level=level, period=period, month=month, label=cur.label,
        first=cur.first.isoformat(), last=cur.last.isoformat(),
        method=METHOD_AIR if kind == "air" else METHOD_WATER, rows=rows, lacking=lacking,
        synthetic_previous=bool(synthetic), months=stored_months(session),
    )  # fmt: skip


_Figures = dict[str, tuple[float, float | None, list[str]]]


def _why(code: str, exc: InsufficientData) -> dict:
    """A lacking region's reason fields from the validity error."""
    where = getattr(exc, "where", None)
    return {"reason_code": code, "reason": str(exc), "statistic": exc.statistic,
            "have": exc.have, "need": exc.need, "where": where,
            "section": getattr(exc, "section", None)}  # fmt: skip


def _air(
    session: Session, level: str, cur: RankPeriod, prev: RankPeriod
) -> tuple[_Figures, dict[str, float], set[str], dict[str, int], dict[str, dict]]:
    rows = air_days(session, prev.first, cur.last, level)
    by: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by[r["region_code"]].append(r)
    now: _Figures = {}
    before: dict[str, float] = {}
    synthetic: set[str] = set()
    sites: dict[str, int] = {}
    reasons: dict[str, dict] = {}
    for code, own in by.items():
        days = [r["day"] for r in own]
        daily = {k: np.array([np.nan if r[c] is None else r[c] for r in own], dtype=float)
                 for k, c in AIR_COLUMNS.items()}  # fmt: skip
        sites[code] = max(r["sites"] for r in own)
        try:
            fig = air_figures(air_statistics(days, daily, cur))
        except InsufficientData as exc:
            reasons[code] = _why("too_few_days", exc)
            continue
        now[code] = (fig.index, fig.index_2026, [fig.primary])
        try:
            before[code] = air_figures(air_statistics(days, daily, prev)).index
        except InsufficientData:
            continue
        if any(r["synthetic"] for r in own if prev.first <= r["day"] <= prev.last):
            synthetic.add(code)
    return now, before, synthetic, sites, reasons


def _water(
    session: Session, level: str, cur: RankPeriod, prev: RankPeriod, regions: Sequence[str]
) -> tuple[_Figures, dict[str, float], set[str], dict[str, int], dict[str, dict]]:
    rows = water_months(session, prev.first, cur.last)
    of = _city if level == "city" else (lambda c: c)
    by: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        by[of(r["region_code"])][r["section_code"]].append(r)
    now: _Figures = {}
    before: dict[str, float] = {}
    synthetic: set[str] = set()
    sites: dict[str, int] = {}
    reasons: dict[str, dict] = {}
    for code, secs in by.items():
        if code not in regions:
            continue

        def figures(
            p: RankPeriod, secs: dict[str, list[dict]] = secs
        ) -> tuple[list, InsufficientData | None]:
            used, why = [], None
            for sec, months in sorted(secs.items()):
                got = {r["month"]: (r["means"], r["valid_days"]) for r in months}
                try:
                    means = section_period_means(got, p, sec)
                except InsufficientData as exc:
                    why = why or exc
                    continue
                used.append(SectionPeriod(sec, months[0]["water_body"], means))
            return used, why

        used, why = figures(cur)
        if not used:
            assert why is not None
            reasons[code] = _why("no_valid_section", why)
            continue
        fig = water_figures(used)
        now[code] = (fig.cwqi, None, fig.main)
        sites[code] = len(used)
        old, _ = figures(prev)
        if old:
            before[code] = water_figures(old).cwqi
            if any(r["synthetic"] for ms in secs.values() for r in ms
                   if prev.first <= r["month"] <= prev.last):  # fmt: skip
                synthetic.add(code)
    return now, before, synthetic, sites, reasons
