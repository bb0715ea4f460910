"""A section's class history and a basin's sections and status over time (issue #13).

Pure core first (means → classes), then the service functions that read the session and the
observation store. All assessment is the standards library's
(:mod:`qingshan.standards.water_quality`): this module only averages and reshapes.

- **Means.** Hourly values → CST daily means → CST monthly means of the daily means, with
  :func:`qingshan.timeseries.rollups.rollup_mean` (invalid HJ 212 data flags excluded). A period
  is *complete* when every indicator's mean is valid under the store's roll-up rule (20 hourly
  values a day, 27 daily values a month, 25 in February); an incomplete period is still
  classified from the values it has and shown as incomplete.
- **Class of a period.** GB 3838-2002 Table 1 single-factor assessment (5.1) of the period's
  means — the worst class over the assessed indicators (环办〔2011〕22号 3.1; TN is a reference
  indicator, classified but not deciding); lakes and reservoirs take the lake TP row.
- **Over-standard multiples and main pollutants** (环办〔2011〕22号 3.3): (C − S_III)/S_III for
  indicators worse than class III, up to three main pollutants when the section is worse than
  III. An indicator is *worse than the target* when its class is worse than the section's
  target class (水质目标; :func:`~qingshan.standards.water_quality.meets_target`).
- **River / basin status** (环办〔2011〕22号 4.1 Table 2): by the share of sections per class
  with ≥ 5 sections, else the class of the indicator means
  (:func:`~qingshan.standards.water_quality.river_status`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound, QingshanError
from qingshan.monitoring.history_schemas import (
    BasinMonth,
    BasinOverview,
    BasinSection,
    BasinStatusPublic,
    ClassPoint,
    IndicatorLimits,
    IndicatorValue,
    PollutantPublic,
    SectionHistory,
    SectionInfo,
)
from qingshan.monitoring.models import LatestValue, Period, Site, SiteKind
from qingshan.monitoring.places import place_of
from qingshan.monitoring.service import get_site
from qingshan.monitoring.water import (
    NAMES_EN,
    WATER_KEYS,
    SectionLatest,
    get_sections_latest,
    water_body_of,
)
from qingshan.standards.errors import InsufficientData
from qingshan.standards.water_quality import (
    CLASSES,
    GB3838_LIMITS,
    STATUS_BY_CLASS,
    classify_frame,
    meets_target,
    parse_class,
    river_status,
)
from qingshan.standards.water_tables import ASSESSED, NAMES_ZH, PH_RANGE
from qingshan.timeseries.rollups import rollup_mean
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

#: the indicators the automatic stations measure, in the page's order
SHOWN: tuple[str, ...] = ("pH", "DO", "CODMn", "NH3_N", "TP", "TN")
UNITS: Mapping[str, str] = {
    "pH": "",
    "DO": "mg/L",
    "CODMn": "mg/L",
    "NH3_N": "mg/L",
    "TP": "mg/L",
    "TN": "mg/L",
}
#: river status (环办〔2011〕22号 4.1 Table 2) → English name and colour of the class it shares
STATUS_EN: Mapping[str, str] = {s.name: s.name_en for s in STATUS_BY_CLASS.values()}
STATUS_COLOR: Mapping[str, str] = {s.name: s.color for s in STATUS_BY_CLASS.values()}
METHOD = (
    "GB 3838-2002 Table 1 single-factor assessment (5.1) of CST daily / monthly means; "
    "环办〔2011〕22号 3.1 (assessed indicators), 3.3 (over-standard multiples, main pollutants), "
    "4.1 Table 2 (river and basin status)"
)
#: the longest history one request may ask for [months]
MAX_MONTHS = 24
WATER_KINDS = (SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE)


class HistoryError(QingshanError):
    """A history cannot be given as asked."""

    status_code = 422


# --- pure core ---------------------------------------------------------------------------


def indicator_limits(water_body: str) -> list[IndicatorLimits]:
    """GB 3838-2002 Table 1 limits of :data:`SHOWN` (classes I…V; pH the 6–9 range of every
    class, item 2; DO a lower limit, item 3; TP the river or lake/reservoir row, item 8)."""
    out = []
    for key in SHOWN:
        if key == "pH":
            kind, limits = "range", [float(v) for v in PH_RANGE]
        else:
            row = ("TP_lake" if water_body == "lake" else "TP_river") if key == "TP" else key
            kind = "lower" if key == "DO" else "upper"
            limits = [float(v) for v in GB3838_LIMITS[row][1]]
        out.append(
            IndicatorLimits(
                key=key,
                name=NAMES_ZH[key],
                name_en=NAMES_EN.get(key, key),
                unit=UNITS[key],
                kind=kind,
                limits=limits,
                assessed=key in ASSESSED,
                clause="GB 3838-2002 Table 1"
                + (" (lake/reservoir TP)" if key == "TP" and water_body == "lake" else ""),
            )
        )
    return out


def daily_means(hourly: pd.DataFrame) -> pd.DataFrame:
    """CST daily means of hourly rows with their coverage and validity
    (:func:`qingshan.timeseries.rollups.rollup_mean`, hour → day: 20 valid hours)."""
    if hourly.empty:
        return pd.DataFrame(
            columns=[
                "series_id",
                "time",
                "period",
                "value",
                "count",
                "expected",
                "coverage",
                "valid",
            ]
        )
    return rollup_mean(hourly, "hour", "day")


def period_means(day: pd.DataFrame, key_of: Mapping[int, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CST daily and monthly means, one column per indicator key.

    Parameters
    ----------
    day : DataFrame
        Daily roll-ups (:func:`daily_means`) of hourly rows [UTC].
    key_of : mapping series id → indicator key

    Returns
    -------
    (daily, monthly) : DataFrames indexed by period start [UTC], with the indicator columns
        (means of the valid values [mg/L; pH dimensionless]), ``complete`` (every indicator's
        mean valid under the roll-up rule) and ``coverage`` (the lowest coverage, 0–1).
    """
    day = day[day["series_id"].isin(list(key_of))]
    if day.empty:
        return _empty_means(), _empty_means()
    return _wide(day, key_of), _wide(monthly_means(day), key_of)


def monthly_means(day: pd.DataFrame) -> pd.DataFrame:
    """CST monthly means of daily roll-ups (long: ``series_id time value valid coverage``):
    the mean of the days with any valid value; valid when enough days are valid (27, 25 in
    February: the store's roll-up rule)."""
    month_all = rollup_mean(
        day[["series_id", "time", "value"]].assign(period="day"), "day", "month", min_count=1
    )
    month_valid = rollup_mean(
        day[["series_id", "time"]].assign(value=day["value"].where(day["valid"]), period="day"),
        "day",
        "month",
    )
    return month_all.drop(columns=["valid", "coverage"]).merge(
        month_valid[["series_id", "time", "valid", "coverage"]], on=["series_id", "time"]
    )


def _empty_means() -> pd.DataFrame:
    return pd.DataFrame(columns=["complete", "coverage"], index=pd.DatetimeIndex([], tz="UTC"))


def _wide(rolled: pd.DataFrame, key_of: Mapping[int, str]) -> pd.DataFrame:
    rolled = rolled.assign(key=rolled["series_id"].map(key_of))
    values = rolled.pivot_table(index="time", columns="key", values="value", aggfunc="first")
    values = values.reindex(columns=[k for k in SHOWN if k in set(rolled["key"])])
    flags = rolled.groupby("time").agg(complete=("valid", "all"), coverage=("coverage", "min"))
    out = values.join(flags)
    out.columns.name = None
    return out


def classify_periods(means: pd.DataFrame, water_body: str, target: str | None) -> pd.DataFrame:
    """Class, target compliance, multiples and main pollutants of each row of ``means``
    (:func:`~qingshan.standards.water_quality.classify_frame` on the indicator columns)."""
    keys = [k for k in SHOWN if k in means.columns]
    values = means[keys].astype("float64")
    has = values[[k for k in keys if k in ASSESSED]].notna().any(axis=1) if keys else None
    out = classify_frame(values, water_body) if keys else pd.DataFrame(index=means.index)
    if "section_class" not in out:
        out["section_class"] = None
    if has is not None:
        out.loc[~has, "section_class"] = None
    classes = out["section_class"].tolist()
    out["meets_target"] = (
        [None if c is None else bool(meets_target(c, target)) for c in classes]
        if target is not None
        else None
    )
    return out


def _label(time: pd.Timestamp, monthly: bool) -> str:
    return time.tz_convert(CST).strftime("%Y-%m" if monthly else "%Y-%m-%d")


def _f(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def class_points(
    means: pd.DataFrame, water_body: str, target: str | None, *, monthly: bool
) -> list[ClassPoint]:
    """:class:`ClassPoint` per row of ``means`` (see :func:`classify_periods`)."""
    res = classify_periods(means, water_body, target)
    keys = [k for k in SHOWN if k in means.columns]
    out = []
    results = res.to_dict("index")  # plain dicts: a row lookup per day in pandas was most of
    for time, row in means.to_dict("index").items():  # the section page's time (issue #14)
        r = results[time]
        sec = r["section_class"]
        indicators = {}
        for k in keys:
            cls = r.get(f"class_{k}")
            cls = None if cls is None or pd.isna(cls) else str(cls)
            worse = None
            if cls is not None and target is not None and k in ASSESSED:
                worse = not bool(meets_target(cls, target))
            indicators[k] = IndicatorValue(
                value=_f(row[k]),
                indicator_class=cls,
                worse_than_target=worse,
                multiple=_f(r.get(f"multiple_{k}")),
            )
        main = [
            PollutantPublic(
                key=k,
                name=NAMES_ZH[k],
                name_en=NAMES_EN.get(k, k),
                indicator_class=indicators[k].indicator_class,
                multiple=indicators[k].multiple,
            )
            for k in (r.get("main_pollutants") or "").split(",")
            if k and sec is not None
        ]
        out.append(
            ClassPoint(
                time=time.to_pydatetime(),
                label=_label(time, monthly),
                section_class=sec,
                class_rank=None if sec is None else CLASSES.index(sec) + 1,
                meets_target=r["meets_target"] if sec is not None else None,
                complete=bool(row["complete"]),
                coverage=_f(row["coverage"]),
                indicators=indicators,
                main_pollutants=main,
            )
        )
    return out


def status_public(
    classes: Sequence[str | None], concentrations: Sequence[Mapping[str, Any]], water_body: str
) -> BasinStatusPublic:
    """River status of ``classes`` (环办〔2011〕22号 4.1 Table 2), or none when it cannot be
    given (no classified section)."""
    n = sum(1 for c in classes if c is not None)
    try:
        st = river_status(list(classes), pd.DataFrame(list(concentrations)), water_body)
    except InsufficientData:
        return BasinStatusPublic(
            status=None,
            status_en=None,
            color=None,
            n_sections=n,
            share_good=None,
            share_worst=None,
            shares={},
            method=None,
        )
    return BasinStatusPublic(
        status=st.status,
        status_en=STATUS_EN.get(st.status),
        color=STATUS_COLOR.get(st.status),
        n_sections=st.n_sections,
        share_good=round(st.share_good, 1),
        share_worst=round(st.share_worst, 1),
        shares={k: round(v, 1) for k, v in st.shares.items()},
        method=st.method,
        mean_class=st.mean_class,
    )


# --- reading ------------------------------------------------------------------------------

_CACHE: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def _cst_day_start(t: datetime) -> pd.Timestamp:
    return pd.Timestamp(t).tz_convert(CST).normalize().tz_convert("UTC")


def read_daily(
    store: ObservationStore, ids: Sequence[int], start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Daily means (:func:`daily_means`) of the hourly rows of ``ids`` in [start, end). The
    whole past CST days are kept in a small in-process cache (keyed by store, series and
    range): a basin of 40 sections is read for a year once a day, later only today's rows."""
    cols = ["value", "source_flag", "qc_flag"]
    today = max(start, min(end, _cst_day_start(end - timedelta(microseconds=1))))
    key = (str(store.root), tuple(sorted(ids)), start, today)
    with _CACHE_LOCK:
        past = _CACHE.get(key)
        if past is not None:
            _CACHE.move_to_end(key)
    if past is None and today > start:
        past = daily_means(store.query(ids, start, today, period="hour", columns=cols))
        with _CACHE_LOCK:
            _CACHE[key] = past
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    recent = (
        daily_means(store.query(ids, today, end, period="hour", columns=cols))
        if end > today
        else None
    )
    parts = [p for p in (past, recent) if p is not None and not p.empty]
    if not parts:
        return daily_means(pd.DataFrame())
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def history_range(latest: datetime | None, months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start of the CST month ``months − 1`` before the newest value's, end of its CST day)."""
    if not 1 <= months <= MAX_MONTHS:
        raise HistoryError(f"months must be 1…{MAX_MONTHS}, not {months}")
    last = pd.Timestamp(latest if latest is not None else datetime.now(CST)).tz_convert(CST)
    end = last.normalize() + pd.Timedelta(days=1)
    first = (last.normalize().replace(day=1) - pd.DateOffset(months=months - 1)).normalize()
    return first.tz_convert("UTC"), end.tz_convert("UTC")


def _water_series(site: Site) -> dict[int, str]:
    return {
        s.id: WATER_KEYS[s.parameter_code]
        for s in site.series
        if s.period == Period.HOUR and s.parameter_code in WATER_KEYS
    }


def _latest_time(session: Session, ids: Sequence[int]) -> datetime | None:
    if not ids:
        return None
    t = session.scalar(select(func.max(LatestValue.time)).where(LatestValue.series_id.in_(ids)))
    if t is not None and t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t


def _target_of(site: Site) -> str | None:
    target = (site.attrs or {}).get("target_class")
    return parse_class(target) if target not in (None, "") else None


def section_info(site: Site) -> SectionInfo:
    attrs = site.attrs or {}
    return SectionInfo(
        code=site.code,
        name=site.name,
        control_level=site.control_level.value,
        water_body=water_body_of(attrs),
        basin=attrs.get("basin"),
        target_class=_target_of(site),
        place=place_of(site.region_code),
        longitude=site.longitude,
        latitude=site.latitude,
        approximate=str(attrs.get("location", "")).startswith("approximate"),
    )


def _section_site(session: Session, scope: Scope, code: str) -> Site:
    site = get_site(session, scope, code)
    if site.kind not in WATER_KINDS:
        raise NotFound(f"no surface-water section {code!r} in your scope", code=code)
    return site


def section_page_info(session: Session, scope: Scope, code: str) -> SectionInfo:
    """The section ``code`` if it lies in ``scope`` (:class:`NotFound` otherwise)."""
    return section_info(_section_site(session, scope, code))


def section_history(
    session: Session, scope: Scope, store: ObservationStore, code: str, *, months: int = 12
) -> SectionHistory:
    """The section ``code`` (in ``scope``; else :class:`NotFound`) with its monthly and daily
    classes over the last ``months`` CST months up to its newest value, each indicator's
    means and GB 3838-2002 Table 1 limits, multiples and main pollutants (module docstring)."""
    site = _section_site(session, scope, code)
    ids = _water_series(site)
    start, end = history_range(_latest_time(session, list(ids)), months)
    info = section_info(site)
    day = read_daily(store, list(ids), start, end) if ids else daily_means(pd.DataFrame())
    daily, monthly = period_means(day, ids)
    month_points = class_points(monthly, info.water_body, info.target_class, monthly=True)
    assessed = [p for p in month_points if p.section_class is not None]
    return SectionHistory(
        section=info,
        start=start.to_pydatetime(),
        end=end.to_pydatetime(),
        indicators=indicator_limits(info.water_body),
        monthly=month_points,
        daily=class_points(daily, info.water_body, info.target_class, monthly=False),
        months_assessed=len(assessed),
        months_meeting_target=sum(1 for p in assessed if p.meets_target),
        method=METHOD,
    )


# --- basins -------------------------------------------------------------------------------


def _basin_of(s: SectionLatest) -> str | None:
    basin = (s.latest.site.attrs or {}).get("basin")
    return str(basin) if basin else None


def resolve_basin(basin: str, basins: Sequence[str]) -> str:
    """The basin tag ``basin`` names: exact, or with 流域 added (``钱塘江`` → ``钱塘江流域``)."""
    for candidate in (basin, f"{basin}流域"):
        if candidate in basins:
            return candidate
    raise NotFound(
        f"no sections of basin {basin!r} in your scope; basins: {', '.join(basins) or 'none'}",
        code=basin,
    )


def _basin_section(s: SectionLatest) -> BasinSection:
    r = s.result
    main = []
    if r is not None:
        main = [
            PollutantPublic(
                key=k,
                name=NAMES_ZH[k],
                name_en=NAMES_EN.get(k, k),
                indicator_class=r.indicator_classes.get(k),
                multiple=r.over_standard_multiples.get(k),
            )
            for k in r.main_pollutants
        ]
    site = s.latest.site
    sec = r.section_class if r else None
    return BasinSection(
        code=site.code,
        name=site.name,
        control_level=site.control_level.value,
        water_body=s.water_body,
        place=place_of(site.region_code),
        time=s.latest.time,
        section_class=sec,
        class_rank=None if sec is None else CLASSES.index(sec) + 1,
        target_class=s.target_class,
        meets_target=r.meets_target if r else None,
        main_pollutants=main,
        url=f"/water/sections/{site.code}",
    )


def basin_overview(
    session: Session, scope: Scope, store: ObservationStore, basin: str, *, months: int = 12
) -> BasinOverview:
    """The national and provincial sections of ``basin`` within ``scope`` (their newest
    class), the basin's status now and per CST month (环办〔2011〕22号 4.1 Table 2)."""
    sections = get_sections_latest(session, scope)
    basins = sorted({b for s in sections if (b := _basin_of(s)) is not None})
    key = resolve_basin(basin, basins)
    mine = [s for s in sections if _basin_of(s) == key]
    body = "lake" if all(s.water_body == "lake" for s in mine) else "river"
    assessed = [s for s in mine if s.result is not None]
    latest = status_public(
        [s.result.section_class for s in assessed if s.result is not None],
        [{k: v for k, v in s.concentrations.items() if v is not None} for s in assessed],
        body,
    )
    times = [s.latest.time for s in mine if s.latest.time is not None]
    last = max(times) if times else None
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    start, end = history_range(last, months)
    history = _basin_history(store, mine, start, end, body)
    return BasinOverview(
        basin=key,
        basins=basins,
        scope_region=scope.region_code,
        scope_limited=len(scope.prefix) > 2,
        latest=latest,
        sections=sorted(
            (_basin_section(s) for s in mine),
            key=lambda b: (b.class_rank is None, b.class_rank or 0, b.code),
        ),
        history=history,
        latest_time=last,
    )


def _basin_history(
    store: ObservationStore,
    mine: Sequence[SectionLatest],
    start: pd.Timestamp,
    end: pd.Timestamp,
    body: str,
) -> list[BasinMonth]:
    key_of: dict[int, tuple[int, str]] = {}
    for i, s in enumerate(mine):
        for series in _water_series(s.latest.site).items():
            key_of[series[0]] = (i, series[1])
    if not key_of:
        return []
    day = read_daily(store, list(key_of), start, end)
    if day.empty:
        return []
    month = monthly_means(day)
    month = month.assign(
        section=month["series_id"].map(lambda i: key_of[i][0]),
        key=month["series_id"].map(lambda i: key_of[i][1]),
    )
    wide = month.pivot_table(
        index=["time", "section"], columns="key", values="value", aggfunc="first"
    )
    keys = [k for k in SHOWN if k in wide.columns]
    wide = wide[keys]
    bodies = [mine[i].water_body for i in wide.index.get_level_values("section")]
    res = classify_frame(wide.assign(water_body=bodies), "water_body")
    has = wide[[k for k in keys if k in ASSESSED]].notna().any(axis=1)
    classes = res["section_class"].where(has, None)
    out = []
    for time, idx in wide.groupby(level="time", sort=True).groups.items():
        cls = [c for c in classes.loc[idx].tolist() if isinstance(c, str)]
        conc = [
            {k: float(v) for k, v in r.items() if pd.notna(v)}
            for r in wide.loc[idx].to_dict("records")
        ]
        counts = {c: sum(1 for x in cls if x == c) for c in CLASSES}
        t = pd.Timestamp(time)
        out.append(
            BasinMonth(
                time=t.to_pydatetime(),
                label=_label(t, True),
                classes=counts,
                status=status_public(cls, conc, body),
            )
        )
    return out
