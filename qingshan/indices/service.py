"""Store the indices as derived series: read the observation store, call :mod:`.kernel`, write
the results back as roll-ups are written (:func:`qingshan.timeseries.rollup_job.write_rollup`).

Derived series (registered through :mod:`qingshan.monitoring.registry`, unit 无量纲):

==================  ====================  =========================  ==========  ================
index               parameter             site                       periods     value
==================  ====================  =========================  ==========  ================
AQI                 ``idx-aqi``           each air station           hour, day   AQI
primary pollutants  ``idx-aqi-primary``   each air station           hour, day   bit mask
water class         ``idx-wq-class``      each water section         hour, day   1 … 6 = I … 劣V
CWQI                ``idx-cwqi``          ``CWQI<city>`` (city_water) month      CWQI
==================  ====================  =========================  ==========  ================

Rows: ``value`` the published index (null where HJ 633-2026 5.3.1 withholds the AQI),
``raw_value`` the computed one, ``source_flag`` null, ``qc_flag`` 0, ``source``
``index:<name>:<version>`` (the standard edition applied, e.g. ``index:aqi:HJ633-2026``).
A re-run over the same data writes nothing; a changed value (or edition) is written with the
stored revision + 1, so it wins under the re-send rule. The derived series have no latest
value in the relational store (maps and freshness read the measured series only).

Which rows a run computes: the hourly rows whose hour starts in [start, end) (UTC), the daily
rows of the CST days asked for and the CWQI of the CST months asked for. The live job
(:func:`compute_indices`) asks for every CST day and month its range touches; the batch's
partition (:func:`indices_for_partition`, stream × UTC date ``d``) for the hours of ``d``, the CST
day ``d`` and, on the 1st, the CST month beginning that day — so each derived row has exactly one
partition computing it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from qingshan.db.engine import session_scope
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.indices.errors import BadRange, UnknownSite
from qingshan.indices.kernel import (
    AIR_CODES,
    WATER_CODES,
    city_cwqi,
    sections_classes,
    stations_indices,
    utc_index,
)
from qingshan.monitoring.models import STREAM_OF_KIND, Period, Series, Site, SiteKind
from qingshan.monitoring.registry import (
    ensure_city_water_site,
    ensure_derived_parameter,
    ensure_series,
)
from qingshan.timeseries.rollups import valid_mask
from qingshan.timeseries.schema import PAYLOAD_COLUMNS
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

AQI = "idx-aqi"
AQI_PRIMARY = "idx-aqi-primary"
WATER_CLASS = "idx-wq-class"
CWQI = "idx-cwqi"
UNIT = "无量纲"
#: derived parameter code → (name, English name)
PARAMETERS: Mapping[str, tuple[str, str]] = {
    AQI: ("空气质量指数", "AQI"),
    AQI_PRIMARY: ("首要污染物", "primary pollutants (bit mask)"),
    WATER_CLASS: ("水质类别", "water quality class"),
    CWQI: ("城市水质指数", "CWQI"),
}
#: the index names of the ``source`` column and of :attr:`IndicesReport.written`
NAMES: Mapping[str, str] = {
    AQI: "aqi",
    AQI_PRIMARY: "aqi-primary",
    WATER_CLASS: "water-class",
    CWQI: "cwqi",
}
#: version of a water class and of CWQI: the standard applied
WATER_VERSION = "GB3838-2002"
CWQI_VERSION = "HBJC2017-51"  # 环办监测〔2017〕51号
WATER_KINDS = (SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE)


@dataclass(frozen=True)
class IndicesReport:
    """What a run read and wrote: observation rows read, derived rows written (per index name),
    derived series touched."""

    rows_read: int = 0
    rows_written: int = 0
    written: dict[str, int] = field(default_factory=dict)
    series: int = 0

    def __add__(self, other: IndicesReport) -> IndicesReport:
        names = {**self.written}
        for k, v in other.written.items():
            names[k] = names.get(k, 0) + v
        return IndicesReport(
            self.rows_read + other.rows_read,
            self.rows_written + other.rows_written,
            names,
            self.series + other.series,
        )


@dataclass
class _Station:
    code: str
    sources: dict[int, str]  # source series id → HJ 212 code (hour series)
    targets: dict[tuple[str, str], int]  # (derived code, period) → series id


@dataclass
class _Section:
    code: str
    city: str
    water_body: str
    kind: SiteKind
    sources: dict[str, dict[int, str]]  # period → source series id → HJ 212 code
    targets: dict[str, int]  # period → idx-wq-class series id


@dataclass
class _Plan:
    stations: list[_Station] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)
    cities: dict[str, int] = field(default_factory=dict)  # city code → idx-cwqi month series


# ----------------------------------------------------------------------------------------
# the registry: which series are read, which derived series are written
# ----------------------------------------------------------------------------------------
def _city(site: Site) -> str:
    """The city (GB/T 2260) of a site: a section registered at the province has none."""
    return site.region_code[:4] + "00"


def _plan(engine: Engine, streams: Sequence[str], sites: Sequence[str] | None) -> _Plan:
    kinds = [SiteKind.AIR_STATION] if "air" in streams else []
    if "water" in streams:
        kinds += list(WATER_KINDS)
    plan = _Plan()
    if not kinds:
        return plan
    with session_scope(engine) as session:  # short: a few queries and one flush
        query = select(Site).where(Site.kind.in_(kinds)).order_by(Site.code)
        if sites is not None:
            query = query.where(Site.code.in_(list(sites)))
        found = list(session.scalars(query))
        if sites is not None:
            unknown = sorted(set(sites) - {s.code for s in session.scalars(
                select(Site).where(Site.code.in_(list(sites))))})  # fmt: skip
            if unknown:
                raise UnknownSite(unknown)
        if not found:
            return plan
        codes = list(AIR_CODES) + list(WATER_CODES)
        series = session.execute(
            select(Series.id, Series.site_id, Series.parameter_code, Series.period).where(
                Series.site_id.in_([s.id for s in found]), Series.parameter_code.in_(codes)
            )
        ).all()
        for code, (name, name_en) in PARAMETERS.items():
            ensure_derived_parameter(session, code, name, name_en, UNIT)
        by_site: dict[int, list[tuple[int, str, Period]]] = {}
        for sid, site_id, code, period in series:
            by_site.setdefault(site_id, []).append((sid, code, Period(period)))
        wanted: list[tuple[int, str, Period, str | None]] = []
        cities: set[str] = set()
        for site in found:
            own = by_site.get(site.id, [])
            if site.kind is SiteKind.AIR_STATION:
                if any(c in AIR_CODES and p is Period.HOUR for _, c, p in own):
                    wanted += [(site.id, c, p, UNIT) for c in (AQI, AQI_PRIMARY)
                               for p in (Period.HOUR, Period.DAY)]  # fmt: skip
            elif own:
                wanted += [(site.id, WATER_CLASS, p, UNIT) for p in (Period.HOUR, Period.DAY)]
                if site.kind is SiteKind.WATER_SECTION and _city(site) in CITY_CODES:
                    cities.add(_city(site))
        city_sites = {
            c: ensure_city_water_site(session, c, REGIONS[c].name) for c in sorted(cities)
        }
        wanted += [(s.id, CWQI, Period.MONTH, UNIT) for s in city_sites.values()]
        made = ensure_series(session, wanted)
        for site in found:
            own = by_site.get(site.id, [])
            if site.kind is SiteKind.AIR_STATION:
                src = {sid: c for sid, c, p in own if c in AIR_CODES and p is Period.HOUR}
                if src:
                    plan.stations.append(_Station(site.code, src, {
                        (c, p.value): made[(site.id, c, p)].id
                        for c in (AQI, AQI_PRIMARY) for p in (Period.HOUR, Period.DAY)
                    }))  # fmt: skip
            elif own:
                body = str((site.attrs or {}).get("water_body") or "river")
                plan.sections.append(_Section(
                    site.code, _city(site), body, site.kind,
                    {p: {sid: c for sid, c, pp in own if c in WATER_CODES and pp.value == p}
                     for p in ("hour", "day", "month")},
                    {p.value: made[(site.id, WATER_CLASS, p)].id for p in (Period.HOUR, Period.DAY)},
                ))  # fmt: skip
        plan.cities = {c: made[(s.id, CWQI, Period.MONTH)].id for c, s in city_sites.items()}
    return plan


# ----------------------------------------------------------------------------------------
# writing derived rows the way roll-ups are written
# ----------------------------------------------------------------------------------------
def _rows(series_id: int, period: str, times: pd.Series, value: np.ndarray,
          raw: np.ndarray, source: Sequence[str]) -> pd.DataFrame:  # fmt: skip
    n = len(times)
    return pd.DataFrame(
        {
            "series_id": np.full(n, series_id, dtype="int64"),
            "time": utc_index(pd.Series(times).reset_index(drop=True)),
            "period": period,
            "value": np.asarray(value, dtype=np.float64),
            "raw_value": np.asarray(raw, dtype=np.float64),
            "source_flag": pd.Series([None] * n, dtype=object),
            "qc_flag": np.zeros(n, dtype="int8"),
            "source": list(source),
        }
    )


def write_derived(
    store: ObservationStore,
    stream: str,
    rows: pd.DataFrame,
    period: str,
    t0: datetime,
    t1: datetime,
    *,
    received_at: datetime | None = None,
) -> int:
    """Append derived ``rows`` (observation columns, ``period`` rows of [t0, t1)) that differ
    from what the store holds: unchanged rows are not written, a changed row gets the stored
    revision + 1 (as :func:`qingshan.timeseries.rollup_job.write_rollup`). Returns rows written."""
    if rows.empty:
        return 0
    old = store.scan(
        sorted(set(rows["series_id"].tolist())), t0, t1, period=period, streams=[stream],
        columns=[*PAYLOAD_COLUMNS, "source", "revision"],
    )  # fmt: skip
    old = old.assign(time=utc_index(old["time"]))
    merged = rows.merge(
        old, on=["series_id", "time"], how="left", suffixes=("", "_old"), indicator=True
    )
    same = (merged["_merge"] == "both").to_numpy(bool)
    for col in (*PAYLOAD_COLUMNS, "source"):
        a, b = merged[col], merged[f"{col}_old"]
        if col in ("value", "raw_value"):
            x, y = a.to_numpy(float), b.to_numpy(float)
            with np.errstate(invalid="ignore"):
                equal = np.isclose(x, y, rtol=1e-12, atol=0.0) | (np.isnan(x) & np.isnan(y))
        else:
            equal = (a == b).to_numpy(bool) | (a.isna() & b.isna()).to_numpy(bool)
        same &= equal
    old_rev = merged["revision"].fillna(-1).to_numpy()
    both = (merged["_merge"] == "both").to_numpy(bool)
    revision = np.where(both, old_rev + 1, 0)
    todo = rows.assign(revision=revision.astype("int32"))[~same]
    if todo.empty:
        return 0
    return store.append(todo, stream, received_at=received_at or utcnow())


# ----------------------------------------------------------------------------------------
# the computations
# ----------------------------------------------------------------------------------------
def _day_start(d: date) -> pd.Timestamp:
    return pd.Timestamp(datetime(d.year, d.month, d.day, tzinfo=CST)).tz_convert(UTC)


def _edition_tag(edition: object) -> str:
    """``index:{}:HJ633-2026``: the source of an AQI row, the index name to format in."""
    return "index:{}:" + str(edition).replace(" ", "")


def _long(data: pd.DataFrame, codes: Mapping[int, str]) -> pd.DataFrame:
    """Observation rows → the kernels' long form (``parameter``, ``valid``: HJ 212-2017 invalid
    data flags make a value invalid, :func:`qingshan.timeseries.rollups.valid_mask`)."""
    return pd.DataFrame(
        {
            "series_id": data["series_id"].to_numpy(),
            "parameter": data["series_id"].map(dict(codes)).to_numpy(),
            "time": utc_index(data["time"]),
            "value": data["value"].to_numpy(dtype=np.float64),
            "valid": valid_mask(data).to_numpy(bool),
        }
    )


def _air(
    store: ObservationStore, plan: _Plan, t0: pd.Timestamp, t1: pd.Timestamp,
    days: Sequence[date], received_at: datetime | None,
) -> IndicesReport:  # fmt: skip
    if not plan.stations:
        return IndicesReport()
    lo = min([t0, *(_day_start(d) for d in days)])
    hi = max([t1, *(_day_start(d + timedelta(days=1)) for d in days)])
    codes = {sid: c for st in plan.stations for sid, c in st.sources.items()}
    data = store.scan(sorted(codes), lo, hi, period="hour", streams=["air"],
                      columns=["value", "source_flag", "qc_flag"])  # fmt: skip
    long = _long(data, codes)
    station_of = {sid: i for i, st in enumerate(plan.stations) for sid in st.sources}
    long = long.assign(station=long["series_id"].map(station_of).to_numpy())
    t = long["time"]
    day_starts = pd.DatetimeIndex([_day_start(d) for d in days])
    hourly = stations_indices(long[(t >= t0) & (t < t1)], period="hour")
    daily = stations_indices(long, period="day")
    daily = daily[pd.DatetimeIndex(daily["time"]).isin(day_starts)]
    hour_rows: list[pd.DataFrame] = []
    day_rows: list[pd.DataFrame] = []
    for out, dest, period in ((hourly, hour_rows, "hour"), (daily, day_rows, "day")):
        aqi, computed = out["aqi"].to_numpy(float), out["aqi_computed"].to_numpy(float)
        out = out[~(np.isnan(aqi) & np.isnan(computed))]
        if out.empty:
            continue
        aqi, computed = out["aqi"].to_numpy(float), out["aqi_computed"].to_numpy(float)
        tag = out["edition"].map(_edition_tag)
        mask = out["primary_mask"].to_numpy(float)
        for code, value, raw in ((AQI, aqi, computed),
                                 (AQI_PRIMARY, np.where(np.isnan(aqi), np.nan, mask), mask)):  # fmt: skip
            targets = [plan.stations[i].targets[(code, period)] for i in out["station"]]
            rows = _rows(0, period, out["time"], value, raw, [x.format(NAMES[code]) for x in tag])
            dest.append(rows.assign(series_id=np.asarray(targets, dtype="int64")))
    written = {"aqi": 0, "aqi-primary": 0}
    n = 0
    for parts, period, a, b in ((hour_rows, "hour", t0, t1), (day_rows, "day", lo, hi)):
        if not parts:
            continue
        rows = pd.concat(parts, ignore_index=True)
        for code in (AQI, AQI_PRIMARY):
            ids = {st.targets[(code, period)] for st in plan.stations}
            w = write_derived(store, "air", rows[rows["series_id"].isin(ids)], period, a, b,
                              received_at=received_at)  # fmt: skip
            written[NAMES[code]] += w
            n += w
    return IndicesReport(len(data), n, written, 4 * len(plan.stations))


def _water(
    store: ObservationStore, plan: _Plan, t0: pd.Timestamp, t1: pd.Timestamp,
    days: Sequence[date], months: Sequence[date], received_at: datetime | None,
) -> IndicesReport:  # fmt: skip
    if not plan.sections:
        return IndicesReport()
    read = 0
    written = {"water-class": 0, "cwqi": 0}
    ranges = {"hour": (t0, t1)}
    if days:
        ranges["day"] = (_day_start(min(days)), _day_start(max(days) + timedelta(days=1)))
    day_starts = pd.DatetimeIndex([_day_start(d) for d in days])
    for period, (a, b) in ranges.items():
        codes = {sid: c for s in plan.sections for sid, c in s.sources[period].items()}
        if not codes:
            continue
        data = store.scan(sorted(codes), a, b, period=period, streams=["water"],
                          columns=["value", "source_flag", "qc_flag"])  # fmt: skip
        read += len(data)
        long = _long(data, codes)
        if period == "day":
            long = long[pd.DatetimeIndex(long["time"]).isin(day_starts)]
        owner = {i: s for s in plan.sections for i in s.sources[period]}
        long = long.assign(
            section=[owner[i].targets[period] for i in long["series_id"]],
            water_body=[owner[i].water_body for i in long["series_id"]],
        )
        res = sections_classes(long)
        res = res[res["section_class"].notna()]
        out_rows = [
            _rows(int(target), period, g["time"], g["class_code"].to_numpy(float),
                  g["class_code"].to_numpy(float), [f"index:water-class:{WATER_VERSION}"] * len(g))
            for target, g in res.groupby("section", sort=False)
        ]  # fmt: skip
        if out_rows:
            written["water-class"] += write_derived(
                store, "water", pd.concat(out_rows, ignore_index=True), period, a, b,
                received_at=received_at,
            )  # fmt: skip
    if months and plan.cities:
        starts = [_day_start(m) for m in months]
        a, b = min(starts), max(starts) + pd.Timedelta(days=1)
        sections = [s for s in plan.sections if s.kind is SiteKind.WATER_SECTION]
        codes = {sid: c for s in sections for sid, c in s.sources["month"].items()}
        owner = {sid: s for s in sections for sid in s.sources["month"]}
        if codes:
            data = store.scan(sorted(codes), a, b, period="month", streams=["water"],
                              columns=["value", "source_flag", "qc_flag"])  # fmt: skip
            read += len(data)
            long = _long(data, codes)
            long = long[pd.DatetimeIndex(long["time"]).isin(pd.DatetimeIndex(starts))]
            long = long.assign(
                city=[owner[i].city for i in long["series_id"]],
                section=[owner[i].code for i in long["series_id"]],
                water_body=[owner[i].water_body for i in long["series_id"]],
            )
            res = city_cwqi(long)
            res = res[res["city"].isin(list(plan.cities))]
            if len(res):
                rows = pd.concat(
                    [_rows(plan.cities[str(c)], "month", g["time"], g["cwqi"].to_numpy(float),
                           g["cwqi"].to_numpy(float), [f"index:cwqi:{CWQI_VERSION}"] * len(g))
                     for c, g in res.groupby("city")],
                    ignore_index=True,
                )  # fmt: skip
                written["cwqi"] += write_derived(store, "water", rows, "month", a, b,
                                                 received_at=received_at)  # fmt: skip
    n = sum(written.values())
    return IndicesReport(read, n, written, 2 * len(plan.sections) + len(plan.cities))


def _run(
    store: ObservationStore, engine: Engine, streams: Sequence[str],
    t0: pd.Timestamp, t1: pd.Timestamp, days: Sequence[date], months: Sequence[date],
    sites: Sequence[str] | None, received_at: datetime | None,
) -> IndicesReport:  # fmt: skip
    try:
        plan = _plan(engine, streams, sites)
    except IntegrityError:  # another worker registered the same derived series first
        plan = _plan(engine, streams, sites)
    report = IndicesReport(written=dict.fromkeys(NAMES.values(), 0))
    if "air" in streams:
        report += _air(store, plan, t0, t1, days, received_at)
    if "water" in streams:
        report += _water(store, plan, t0, t1, days, months, received_at)
    return report


def _utc(t: datetime, name: str) -> pd.Timestamp:
    if t.tzinfo is None:
        raise BadRange(f"{name} {t.isoformat()} has no time zone; give an aware datetime (UTC)")
    return pd.Timestamp(t).tz_convert(UTC)


def compute_indices(
    store: ObservationStore,
    engine: Engine,
    start: datetime,
    end: datetime,
    *,
    sites: Sequence[str] | None = None,
    received_at: datetime | None = None,
) -> IndicesReport:
    """Compute and store the indices over [start, end): the hourly AQI and water classes of
    its hours, the daily AQI and water classes of every CST day it touches, the CWQI of every
    CST month it touches (see the module docstring for the rows and their ``source``).

    Parameters
    ----------
    store : ObservationStore
    engine : Engine
        The relational store (the derived series are registered there).
    start, end : datetime [aware]
    sites : sequence of str, optional
        Site codes (air stations, water sections) to compute; default all. CWQI is computed
        from the sections given. An unknown code raises :class:`UnknownSite`.
    received_at : datetime, optional
        Arrival time stamped on written rows [UTC]; default now.
    """
    t0, t1 = _utc(start, "start"), _utc(end, "end")
    if t1 <= t0:
        raise BadRange(f"empty range: end {t1} is not after start {t0}")
    t0 = t0.floor("h")
    first = t0.tz_convert(CST).date()
    last = (t1 - pd.Timedelta(microseconds=1)).tz_convert(CST).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    months = sorted({d.replace(day=1) for d in days})
    return _run(store, engine, ("air", "water"), t0, t1, days, months, sites, received_at)


def indices_for_partition(
    store: ObservationStore,
    engine: Engine,
    stream: str,
    day: date,
    *,
    sites: Sequence[str] | None = None,
) -> int:
    """Compute and store the indices of one store partition (``stream`` × UTC date ``day``):
    the hourly indices of its hours, the daily ones of the CST day ``day`` and, when ``day``
    is the 1st, the CWQI of the CST month it begins. Returns the derived rows written
    (``air`` → AQI; ``water`` → water class and CWQI, from the roll-ups' month series: run the
    roll-ups first; other streams → 0); :func:`partition_indices` gives the whole report."""
    return partition_indices(store, engine, stream, day, sites=sites).rows_written


def partition_indices(
    store: ObservationStore,
    engine: Engine,
    stream: str,
    day: date,
    *,
    sites: Sequence[str] | None = None,
) -> IndicesReport:
    """:func:`indices_for_partition`'s run, with what it read (observation rows) and wrote."""
    if stream not in ("air", "water"):
        return IndicesReport()
    t0 = pd.Timestamp(datetime(day.year, day.month, day.day, tzinfo=UTC))
    months = [day] if day.day == 1 else []
    return _run(store, engine, (stream,), t0, t0 + pd.Timedelta(days=1), [day], months,
                sites, None)  # fmt: skip


#: the streams of the site kinds whose indices are computed
STREAMS = sorted({STREAM_OF_KIND[k] for k in (SiteKind.AIR_STATION, *WATER_KINDS)})
