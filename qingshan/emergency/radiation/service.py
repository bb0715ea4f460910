"""Radiation safety (辐射安全, issue #22): the rules that take a session.

- dose-rate stations: monitoring sites of kind ``radiation_station`` with an hourly series of
  ambient γ dose rate (parameter ``idx-gdr`` [nGy/h], a platform parameter: HJ 212-2017 has no
  code for it) and, where the station reports it, rain (``idx-rain`` [mm]); QC by
  :mod:`~qingshan.emergency.radiation.gamma`;
- the source register with decay to a day and the class as it decays
  (:mod:`~qingshan.emergency.radiation.nuclides`);
- mobile sources: position reports, fence excursions → alerts, one case per excursion (source
  ``emergency``, category ``radiation``), optionally an incident (origin ``radiation``);
- spent sources: collection, the 3-month deadline, the collection rate (KPI).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import (
    directory_entry,
    enterprise_directory,
    enterprise_names,
    entry_in_scope,
)
from qingshan.db.engine import session_scope
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.emergency.radiation.errors import ImportRejected, RadiationError, SourceNotFound
from qingshan.emergency.radiation.gamma import baseline_of, flag_dose_rate, qc_data, rain_window
from qingshan.emergency.radiation.models import RadiationAlert, RadiationPosition, RadiationSource
from qingshan.emergency.radiation.nuclides import activity_on, category_of, nuclide
from qingshan.emergency.radiation.register import (
    FacilityKind,
    SourceInput,
    Status,
    check_source,
    collection_deadline,
    collection_rate,
    is_overdue,
)
from qingshan.emergency.radiation.source_import import Known, parse_sources
from qingshan.emergency.radiation.tracking import AlertKind, Excursion, Report, fence_of, track
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import REGIONS, RegionLevel, scope_prefix
from qingshan.jobs.job import JobContext
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Series, Site, SiteKind
from qingshan.monitoring.registry import ensure_derived_parameter, ensure_series
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.tablefile import (
    TableFileError,
    read_table,
)
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

__all__ = [
    "DOSE_RATE",
    "RAIN",
    "STREAM",
    "SourceView",
    "add_positions",
    "alerts",
    "check_positions",
    "ensure_station",
    "get_source",
    "import_positions_csv",
    "list_sources",
    "record_collection",
    "register_source",
    "spent_figures",
    "station_series",
    "stations_latest",
    "tracks",
    "write_station_hours",
]

#: the parameter of ambient γ dose rate (空气吸收剂量率) [nGy/h]; not an HJ 212-2017 code
DOSE_RATE = "idx-gdr"
#: hourly rain at the station [mm], where the station reports it
RAIN = "idx-rain"
STREAM = "radiation"
OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
CASE_SOURCE = "emergency"
CASE_KEY_PREFIX = "radiation:"


class OpenIncident(Protocol):
    """:func:`qingshan.emergency.incidents.service.open_incident` (the binding contract of #22)."""

    def __call__(self, session: Session, draft: IncidentDraft, *, actor: str,
                 now: datetime | None = None) -> int: ...  # fmt: skip


#: who the job acts as in the incidents' log and the audit
JOB_ACTOR = "emergency-radiation"


def _today(now: datetime) -> date:
    return now.astimezone(CST).date()


def _readers(scope: Scope) -> None:
    if scope.role not in (*OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("radiation records are for officers and the sources' holders")


# ---------------------------------------------------------------------------------------------
# dose-rate stations
# ---------------------------------------------------------------------------------------------
def ensure_station(session: Session, code: str, name: str, region_code: str, lon: float,
                   lat: float, *, reports_rain: bool, attrs: Mapping[str, Any] | None = None,
                   ) -> tuple[Site, dict[str, int]]:  # fmt: skip
    """The station site ``code`` (kind ``radiation_station``) and its hourly series ids by
    parameter (``idx-gdr``, and ``idx-rain`` when it reports rain), created if absent."""
    ensure_derived_parameter(session, DOSE_RATE, "γ辐射空气吸收剂量率", "Ambient gamma dose rate", "nGy/h")  # fmt: skip
    ensure_derived_parameter(session, RAIN, "降水量", "Rain", "mm")
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        site = Site(code=code, name=name, kind=SiteKind.RADIATION_STATION,
                    control_level=ControlLevel.PROVINCIAL, region_code=region_code,
                    longitude=lon, latitude=lat,
                    attrs={"reports_rain": reports_rain, **dict(attrs or {})})  # fmt: skip
        session.add(site)
        session.flush()
    wanted = [(site.id, DOSE_RATE, Period.HOUR, "nGy/h")]
    if (site.attrs or {}).get("reports_rain"):
        wanted.append((site.id, RAIN, Period.HOUR, "mm"))
    made = ensure_series(session, wanted)
    return site, {code_: s.id for (_, code_, _), s in made.items()}


def write_station_hours(session: Session, store: ObservationStore,
                        frames: Mapping[int, pd.DataFrame], *, source: str) -> int:  # fmt: skip
    """Append hourly values (``time`` UTC, ``value``) of each series id of ``frames`` to the
    store in one write (one file per day, whatever the number of series) and advance each
    series' latest value. Returns rows written."""
    parts = []
    for series_id, frame in frames.items():
        if frame.empty:
            continue
        n = len(frame)
        parts.append(pd.DataFrame({
            "series_id": np.full(n, series_id, dtype="int64"),
            "time": pd.to_datetime(frame["time"], utc=True),
            "period": "hour",
            "value": frame["value"].to_numpy(float),
            "raw_value": frame["value"].to_numpy(float),
            "source_flag": pd.Series(["N"] * n, dtype=object),
            "qc_flag": np.zeros(n, dtype="int8"),
            "source": source,
        }))  # fmt: skip
    if not parts:
        return 0
    rows = pd.concat(parts, ignore_index=True)
    written = store.append(rows, STREAM)
    for series_id, part in rows.groupby("series_id"):
        last = part.iloc[int(part["time"].to_numpy().argmax())]
        t = last["time"].to_pydatetime()
        value = None if pd.isna(last["value"]) else float(last["value"])
        lv = session.get(LatestValue, int(series_id))
        if lv is None:
            session.add(LatestValue(series_id=int(series_id), time=t, value=value,
                                    source_flag="N", qc_flag=0, attrs={}))  # fmt: skip
        elif lv.time < t:
            lv.time, lv.value = t, value
    return written


@dataclass(frozen=True)
class StationLatest:
    code: str
    name: str
    region_code: str
    lon: float | None
    lat: float | None
    time: datetime | None
    value: float | None
    reports_rain: bool


def stations_latest(session: Session, scope: Scope) -> list[StationLatest]:
    """The stations of the scope's region with their newest dose rate [nGy/h]."""
    _readers(scope)
    sites = list(session.scalars(select(Site).where(
        Site.kind == SiteKind.RADIATION_STATION, scope.where(Site.region_code)).order_by(Site.code)))  # fmt: skip
    series = {
        s.site_id: s.id
        for s in session.scalars(
            select(Series).where(
                Series.site_id.in_([x.id for x in sites]),
                Series.parameter_code == DOSE_RATE,
                Series.period == Period.HOUR,
            )
        )  # fmt: skip
    }
    latest = {lv.series_id: lv for lv in session.scalars(
        select(LatestValue).where(LatestValue.series_id.in_(list(series.values()))))}  # fmt: skip
    out = []
    for s in sites:
        lv = latest.get(series.get(s.id, -1))
        out.append(StationLatest(s.code, s.name, s.region_code, s.longitude, s.latitude,
                                 lv.time if lv else None, lv.value if lv else None,
                                 bool((s.attrs or {}).get("reports_rain"))))  # fmt: skip
    return out


def station_series(session: Session, store: ObservationStore, scope: Scope, code: str, *,
                   now: datetime, days: int = 30) -> dict[str, Any]:  # fmt: skip
    """A station's last ``days`` of hourly dose rate with its flags, and its baseline over the
    trailing year before them (``qc.json`` baseline.window_days)."""
    _readers(scope)
    site = session.scalar(select(Site).where(Site.code == code, Site.kind == SiteKind.RADIATION_STATION,
                                             scope.where(Site.region_code)))  # fmt: skip
    if site is None:
        raise SourceNotFound(code)
    ids = {s.parameter_code: s.id for s in session.scalars(select(Series).where(
        Series.site_id == site.id, Series.period == Period.HOUR))}  # fmt: skip
    window = int(qc_data()["baseline"]["window_days"])
    t1 = now
    t0 = now - timedelta(days=days)
    tb = now - timedelta(days=window)
    data = store.scan(list(ids.values()), tb, t1, period="hour", streams=[STREAM],
                      columns=["value"])  # fmt: skip
    hours = pd.date_range(tb.astimezone(UTC).replace(minute=0, second=0, microsecond=0),
                          t1, freq="h", inclusive="left")  # fmt: skip

    def col(code_: str) -> np.ndarray:
        sid = ids.get(code_)
        if sid is None:
            return np.full(len(hours), np.nan)
        part = data[data["series_id"] == sid]
        s = pd.Series(part["value"].to_numpy(float), index=pd.to_datetime(part["time"], utc=True))
        return s[~s.index.duplicated(keep="last")].reindex(hours).to_numpy(float)

    dose, rain = col(DOSE_RATE), col(RAIN)
    wet = rain_window(rain)
    recent = hours >= pd.Timestamp(t0)
    base = baseline_of(dose[~recent], wet[~recent])
    flags = flag_dose_rate(dose[recent], baseline_level=base.level, rain=wet[recent])
    return {
        "site": site, "baseline": base, "times": list(hours[recent].to_pydatetime()),
        "dose": dose[recent], "rain": rain[recent] if RAIN in ids else None, "flags": flags,
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# the register
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceView:
    """A source as pages and the API show it: the stored row, its activity decayed to ``on``,
    its class then and on its reference date, the holder's name, the spent-source deadline."""

    row: RadiationSource
    on: date
    activity_bq: float
    category: str | None
    category_at_reference: str | None
    holder: str | None
    deadline: date | None
    overdue: bool

    @property
    def decayed_fraction(self) -> float:
        return self.activity_bq / self.row.a0_bq


def _view(row: RadiationSource, on: date, names: Mapping[int, str]) -> SourceView:
    a = activity_on(row.nuclide, row.a0_bq, row.reference_date, on)
    return SourceView(
        row, on, a, category_of(row.nuclide, a), category_of(row.nuclide, row.a0_bq),
        names.get(row.enterprise_id) if row.enterprise_id is not None else None,
        collection_deadline(row.disused_on) if row.disused_on else None,
        is_overdue(row.disused_on, row.collected_on, on),
    )  # fmt: skip


def _can_write(scope: Scope, region_code: str, enterprise_id: int | None) -> None:
    if scope.role in OFFICERS:
        if not region_code.startswith(scope.prefix):
            raise PermissionDenied(
                f"county {region_code} is outside your region ({scope.region_code})"
            )
        return
    if (
        scope.role is Role.ENTERPRISE
        and enterprise_id is not None
        and enterprise_id in scope.enterprises
    ):
        return
    raise PermissionDenied("sources are registered by officers or by their holder enterprise")


def register_source(session: Session, scope: Scope, inp: SourceInput, *, actor: str,
                    now: datetime, fence: Mapping[str, Any] | None = None,
                    synthetic: bool = False) -> RadiationSource:  # fmt: skip
    """Add a source to the register (or refuse it naming the field): the nuclide must be in the
    table, the activity have its reference date, the holder be an archive enterprise the account
    may act for, a mobile source have a valid fence. Nothing is stored on an error."""
    s = check_source(inp, today=_today(now))
    region = REGIONS.get(s.region_code)
    if region is None or region.level is not RegionLevel.COUNTY:
        raise RadiationError(
            f"region_code: {s.region_code} is not a county of Zhejiang", field="region_code"
        )
    _can_write(scope, s.region_code, s.enterprise_id)
    if s.enterprise_id is not None:
        entry = directory_entry(session, s.enterprise_id)
        if entry is None:
            raise RadiationError(f"enterprise_id: no enterprise {s.enterprise_id} in the archive",
                                 field="enterprise_id")  # fmt: skip
        if not entry_in_scope(entry, scope):
            raise PermissionDenied(f"enterprise {s.enterprise_id} is outside your scope")
    geo = None
    if fence is not None or s.status == Status.MOBILE:
        fence_of(fence)  # validates
        geo = dict(fence or {})
    if session.scalar(select(RadiationSource.id).where(RadiationSource.code == s.code)) is not None:
        raise RadiationError(f"code: a source {s.code!r} is already registered", field="code")
    row = RadiationSource(
        code=s.code, nuclide=s.nuclide, a0_bq=float(s.a0_bq), reference_date=s.reference_date,
        use=s.use, licence_no=s.licence_no, enterprise_id=s.enterprise_id,
        licence_expiry=s.licence_expiry, region_code=s.region_code, location=s.location,
        lon=s.lon, lat=s.lat, status=str(s.status), fence=geo, disused_on=s.disused_on,
        synthetic=synthetic, updated_at=now, updated_by=actor,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def import_sources(session: Session, scope: Scope, data: bytes, *, actor: str, now: datetime,
                   max_bytes: int) -> list[RadiationSource]:  # fmt: skip
    """An officer imports sources from a CSV or .xlsx file in the template's layout
    (:mod:`~qingshan.emergency.radiation.source_import`): every row checked, every bad row named
    (:class:`ImportRejected`), and all stored or none."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("the register is imported by province, city and county officers")
    try:
        sheet, rows = read_table(data, max_bytes=max_bytes)
        today = _today(now)
        known = Known(
            prefix=scope.prefix, today=today,
            codes=frozenset(session.scalars(select(RadiationSource.code))),
            enterprises={e.credit_code.upper(): e.id
                         for e in enterprise_directory(session, scope.region_code)
                         if e.credit_code},
        )  # fmt: skip
        parsed = parse_sources(sheet, rows, known)
    except TableFileError as exc:
        raise RadiationError(f"file: {exc}", field="file") from None
    if parsed.problems:
        raise ImportRejected([str(p) for p in parsed.problems], what="source import")
    if not parsed.rows:
        raise RadiationError("file: no rows below the header", field="file")
    out = []
    with session.begin_nested():
        for _, inp in parsed.rows:
            out.append(register_source(session, scope, inp, actor=actor, now=now))
    return out


def _scoped(scope: Scope) -> Any:
    return scope.where(RadiationSource.region_code, RadiationSource.enterprise_id)


def list_sources(session: Session, scope: Scope, *, on: date, status: str | None = None,
                 category: str | None = None, nuclide_code: str | None = None) -> list[SourceView]:  # fmt: skip
    """The register in the scope (an enterprise sees its own sources), each decayed to ``on``."""
    _readers(scope)
    q = select(RadiationSource).where(_scoped(scope))
    if status:
        q = q.where(RadiationSource.status == status)
    if nuclide_code:
        q = q.where(RadiationSource.nuclide == nuclide(nuclide_code).code)
    rows = list(session.scalars(q.order_by(RadiationSource.code)))
    names = enterprise_names(session, {r.enterprise_id for r in rows if r.enterprise_id})
    views = [_view(r, on, names) for r in rows]
    if category:
        views = [v for v in views if (v.category or "exempt") == category]
    return views


def get_source(session: Session, scope: Scope, ref: int | str, *, on: date) -> SourceView:
    """One source by id or code, decayed to ``on``; unknown or out of scope → not found."""
    _readers(scope)
    col = RadiationSource.id if isinstance(ref, int) else RadiationSource.code
    row = session.scalar(select(RadiationSource).where(col == ref, _scoped(scope)))
    if row is None:
        raise SourceNotFound(ref)
    names = enterprise_names(session, {row.enterprise_id} if row.enterprise_id else set())
    return _view(row, on, names)


def mark_disused(session: Session, scope: Scope, ref: int | str, disused_on: date, *,
                 actor: str, now: datetime) -> RadiationSource:  # fmt: skip
    """A source becomes disused (废旧) on ``disused_on``: its 3-month collection clock starts."""
    row = get_source(session, scope, ref, on=_today(now)).row
    _can_write(scope, row.region_code, row.enterprise_id)
    if disused_on > _today(now) or disused_on < row.reference_date:
        raise RadiationError(f"disused_on: {disused_on} must lie between the reference date and today",
                             field="disused_on")  # fmt: skip
    if row.status == Status.COLLECTED:
        raise RadiationError(f"status: source {row.code} is already collected", field="status")
    row.status, row.disused_on, row.updated_at, row.updated_by = (
        Status.DISUSED,
        disused_on,
        now,
        actor,
    )
    return row


def record_collection(session: Session, scope: Scope, ref: int | str, collected_on: date,
                      facility_kind: str, facility_name: str, *, actor: str,
                      now: datetime) -> RadiationSource:  # fmt: skip
    """A disused source collected (收贮) on ``collected_on`` by a receiving facility — returned to
    its producer or taken into the provincial storage; officers only."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("collections are recorded by officers")
    row = get_source(session, scope, ref, on=_today(now)).row
    if row.disused_on is None:
        raise RadiationError(f"status: source {row.code} is not disused; mark it disused first",
                             field="status")  # fmt: skip
    if facility_kind not in set(FacilityKind):
        raise RadiationError(f"facility_kind: unknown {facility_kind!r}; known: "
                             f"{', '.join(FacilityKind)}", field="facility_kind")  # fmt: skip
    if not facility_name.strip():
        raise RadiationError(
            "facility_name: the receiving facility is required", field="facility_name"
        )
    if collected_on < row.disused_on or collected_on > _today(now):
        raise RadiationError(f"collected_on: {collected_on} must lie between the day it became "
                             f"disused ({row.disused_on}) and today", field="collected_on")  # fmt: skip
    row.status, row.collected_on = Status.COLLECTED, collected_on
    row.facility_kind, row.facility_name = facility_kind, facility_name.strip()
    row.updated_at, row.updated_by = now, actor
    return row


def spent_figures(session: Session, region_code: str, *, on: date) -> dict[str, Any]:
    """Disused sources of the region (by county prefix) up to ``on``: how many, collected,
    collected within the deadline, overdue, and the collection rate [%] (None: none disused)."""
    prefix = scope_prefix(region_code)
    rows = session.execute(select(RadiationSource.disused_on, RadiationSource.collected_on).where(
        RadiationSource.region_code.startswith(prefix), RadiationSource.disused_on.is_not(None),
        RadiationSource.disused_on <= on)).all()  # fmt: skip
    pairs: list[tuple[date, date | None]] = [(d, c) for d, c in rows if d is not None]
    collected = [c for d, c in pairs if c is not None and c <= on]
    in_time = sum(1 for d, c in pairs if c is not None and c <= on and c <= collection_deadline(d))
    overdue = sum(1 for d, c in pairs if (c is None or c > on) and on > collection_deadline(d))
    return {"disused": len(rows), "collected": len(collected), "in_time": in_time,
            "overdue": overdue, "rate": collection_rate(len(collected), len(rows))}  # fmt: skip


def category_counts(views: Iterable[SourceView]) -> dict[str, int]:
    out = {c: 0 for c in ("I", "II", "III", "IV", "V", "exempt")}
    for v in views:
        if v.row.status != Status.COLLECTED:
            out[v.category or "exempt"] += 1
    return out


# ---------------------------------------------------------------------------------------------
# mobile sources
# ---------------------------------------------------------------------------------------------
def set_fence(session: Session, scope: Scope, ref: int | str, fence: Mapping[str, Any], *,
              actor: str, now: datetime) -> RadiationSource:  # fmt: skip
    """Set a source's licensed work area (a GeoJSON polygon)."""
    fence_of(fence)
    row = get_source(session, scope, ref, on=_today(now)).row
    _can_write(scope, row.region_code, row.enterprise_id)
    row.fence, row.updated_at, row.updated_by = dict(fence), now, actor
    return row


def add_positions(session: Session, scope: Scope, rows: Sequence[Mapping[str, Any]], *,
                  origin: str, now: datetime) -> dict[str, int]:  # fmt: skip
    """Store position reports (``source`` code, ``time`` aware, ``lon``, ``lat``,
    ``dose_usv_h`` optional) of mobile sources in the scope. Every row is checked first; any bad
    row refuses the whole lot naming the rows (:class:`ImportRejected`). A report already stored
    (same source and time) is skipped. Returns added and duplicate counts."""
    problems: list[str] = []
    codes = sorted({str(r.get("source", "")) for r in rows})
    known = {s.code: s for s in session.scalars(select(RadiationSource).where(
        RadiationSource.code.in_(codes), _scoped(scope)))} if scope.role in (*OFFICERS, Role.ENTERPRISE) else {}  # fmt: skip
    clean: list[tuple[RadiationSource, datetime, float, float, float | None]] = []
    for i, r in enumerate(rows, start=1):
        src = known.get(str(r.get("source", "")))
        t = r.get("time")
        lon, lat, dose = r.get("lon"), r.get("lat"), r.get("dose_usv_h")
        if src is None:
            problems.append(f"row {i}: source: unknown source {r.get('source')!r}")
            continue
        if src.status != Status.MOBILE:
            problems.append(f"row {i}: source: {src.code} is not a mobile source ({src.status})")
            continue
        if not isinstance(t, datetime) or t.tzinfo is None:
            problems.append(f"row {i}: time: must be a date-time with its time zone, got {t!r}")
            continue
        if t > now + timedelta(minutes=5):
            problems.append(f"row {i}: time: {t.isoformat()} is in the future")
            continue
        if not _num(lon) or not _num(lat) or not (-180 <= lon <= 180 and -90 <= lat <= 90):  # type: ignore[operator]
            problems.append(f"row {i}: lon/lat: out of range ({lon!r}, {lat!r})")
            continue
        if dose is not None and (not _num(dose) or dose < 0):
            problems.append(f"row {i}: dose_usv_h: must be a number ≥ 0, got {dose!r}")
            continue
        clean.append((src, t.astimezone(UTC), float(lon), float(lat),  # type: ignore[arg-type]
                      None if dose is None else float(dose)))  # fmt: skip
    if problems:
        raise ImportRejected(problems)
    have: set[tuple[int, datetime]] = set(session.execute(select(RadiationPosition.source_id, RadiationPosition.time).where(
        RadiationPosition.source_id.in_({c[0].id for c in clean}))).all()) if clean else set()  # fmt: skip
    added = dup = 0
    for src, t, lon, lat, dose in clean:
        if (src.id, t) in have:
            dup += 1
            continue
        have.add((src.id, t))
        session.add(RadiationPosition(source_id=src.id, time=t, lon=lon, lat=lat, dose_usv_h=dose,
                                      origin=origin, received_at=now, checked=False))  # fmt: skip
        added += 1
    session.flush()
    return {"added": added, "duplicates": dup}


def _num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


CSV_COLUMNS = ("source", "time", "lon", "lat", "dose_usv_h")


def import_positions_csv(
    session: Session, scope: Scope, text: str, *, now: datetime
) -> dict[str, int]:
    """Position reports from CSV (header ``source,time,lon,lat,dose_usv_h``; time ISO 8601, a
    time without an offset read as China Standard Time): all rows stored or none."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise RadiationError(f"file: missing column(s) {', '.join(missing)}; expected {','.join(CSV_COLUMNS)}",
                             field="file")  # fmt: skip
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for i, r in enumerate(reader, start=2):
        try:
            t = datetime.fromisoformat(str(r["time"]).strip())
            t = t.replace(tzinfo=CST) if t.tzinfo is None else t
            dose = (r.get("dose_usv_h") or "").strip()
            rows.append({"source": (r["source"] or "").strip(), "time": t,
                         "lon": float(r["lon"]), "lat": float(r["lat"]),
                         "dose_usv_h": float(dose) if dose else None})  # fmt: skip
        except (TypeError, ValueError) as exc:
            problems.append(f"row {i}: {exc}")
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise RadiationError("file: no rows", field="file")
    return add_positions(session, scope, rows, origin="csv", now=now)


def _excursion(a: RadiationAlert) -> Excursion:
    return Excursion(AlertKind(a.kind), a.started_at, a.last_at, a.lon, a.lat, a.reports,
                     a.ended_at, a.max_dose_usv_h, a.distance_m, a.id)  # fmt: skip


def _case(src: RadiationSource, a: RadiationAlert) -> CaseReport:
    what = "越出许可作业区域" if a.kind == AlertKind.FENCE else "容器表面剂量率异常"
    return CaseReport(
        source=CASE_SOURCE, source_key=f"{CASE_KEY_PREFIX}{src.code}:{a.kind}:{a.started_at.isoformat()}",
        region_code=src.region_code, category="radiation", severity="major",
        title=f"移动放射源告警：{src.code}（{src.nuclide}）{what}",
        occurred_at=a.started_at, enterprise_id=src.enterprise_id, longitude=a.lon, latitude=a.lat,
        description=(f"mobile source {src.code} ({src.nuclide}): {a.kind} excursion from "
                     f"{a.started_at.isoformat()}, {a.reports} report(s)"),
        evidence={"source": src.code, "kind": a.kind, "reports": a.reports,
                  "distance_m": a.distance_m, "max_dose_usv_h": a.max_dose_usv_h},
    )  # fmt: skip


def check_positions(session: Session, sink: CaseSink, *, now: datetime,
                    open_incident: OpenIncident | None = None,
                    incident_after: timedelta | None = None) -> dict[str, int]:  # fmt: skip
    """The ``emergency-radiation`` job: judge the unchecked position reports source by source
    against the fence and the dose alarm, store excursions as alerts (one per excursion), open a
    case for each new one (once: ``case_ref``), and — when ``open_incident`` is given — an
    incident (origin ``radiation``) for a fence excursion still going on after
    ``incident_after`` (a source possibly lost or stolen). Returns counts."""
    pending = list(session.scalars(select(RadiationPosition).where(
        RadiationPosition.checked.is_(False)).order_by(RadiationPosition.source_id, RadiationPosition.time)))  # fmt: skip
    by_source: dict[int, list[RadiationPosition]] = {}
    for p in pending:
        by_source.setdefault(p.source_id, []).append(p)
    out = {"reports": len(pending), "alerts_new": 0, "alerts_ended": 0, "cases": 0, "incidents": 0}
    for sid, reps in by_source.items():
        src = session.get(RadiationSource, sid)
        assert src is not None
        opened = {AlertKind(a.kind): a for a in session.scalars(select(RadiationAlert).where(
            RadiationAlert.source_id == sid, RadiationAlert.ended_at.is_(None)))}  # fmt: skip
        fence = fence_of(src.fence) if src.fence else None
        changed = track([Report(p.id, p.time, p.lon, p.lat, p.dose_usv_h) for p in reps], fence,
                        {k: _excursion(a) for k, a in opened.items()})  # fmt: skip
        for ex in changed:
            row = session.get(RadiationAlert, ex.row_id) if ex.row_id else None
            if row is None:
                row = RadiationAlert(source_id=sid, kind=str(ex.kind), region_code=src.region_code,
                                     started_at=ex.started_at)  # fmt: skip
                session.add(row)
                out["alerts_new"] += 1
            row.last_at, row.ended_at, row.reports = ex.last_at, ex.ended_at, ex.reports
            row.lon, row.lat = ex.lon, ex.lat
            row.max_dose_usv_h, row.distance_m = ex.max_dose_usv_h, ex.distance_m
            if ex.ended_at is not None:
                out["alerts_ended"] += 1
            session.flush()
            if row.case_ref is None:
                row.case_ref = str(sink.open_case(session, _case(src, row)))
                out["cases"] += 1
            if (open_incident is not None and row.incident_id is None and row.kind == AlertKind.FENCE
                    and row.last_at - row.started_at >= (incident_after or timedelta(hours=1))):  # fmt: skip
                row.incident_id = open_incident(session, IncidentDraft(
                    title=f"移动放射源 {src.code}（{src.nuclide}）越出许可区域，疑似丢失或失控",
                    occurred_at=row.started_at, region_code=src.region_code, origin="radiation",
                    origin_key=f"{src.code}:{row.started_at.isoformat()}", longitude=row.lon,
                    latitude=row.lat, enterprise_id=src.enterprise_id,
                    description=f"fence excursion of {src.code} since {row.started_at.isoformat()}",
                    facts={"radiation_event": _lost_event(src, _today(now))},
                ), actor=JOB_ACTOR, now=now)  # fmt: skip
                out["incidents"] += 1
        for p in reps:
            p.checked = True
    session.flush()
    return out


def _lost_event(src: RadiationSource, on: date) -> str:
    """The incidents' ``radiation_event`` fact of a source out of control, by its class today
    (国办函〔2014〕119号 附件1: Ⅰ/Ⅱ类 → 重大, Ⅲ类 → 较大, Ⅳ/Ⅴ类 → 一般)."""
    cls = category_of(src.nuclide, activity_on(src.nuclide, src.a0_bq, src.reference_date, on))
    if cls in ("I", "II"):
        return "class_I_II_lost"
    return "class_III_lost" if cls == "III" else "class_IV_V_lost"


def alerts(
    session: Session, scope: Scope, *, open_only: bool = False, limit: int = 200
) -> list[tuple[RadiationAlert, RadiationSource]]:
    """Alerts of the scope's sources, newest first."""
    _readers(scope)
    q = (select(RadiationAlert, RadiationSource).join(RadiationSource, RadiationSource.id == RadiationAlert.source_id)
         .where(_scoped(scope)))  # fmt: skip
    if open_only:
        q = q.where(RadiationAlert.ended_at.is_(None))
    return [
        (a, s)
        for a, s in session.execute(q.order_by(RadiationAlert.started_at.desc()).limit(limit)).all()
    ]


def tracks(session: Session, scope: Scope, *, since: datetime) -> list[dict[str, Any]]:
    """The mobile sources in the scope with their fence and their reports since ``since``."""
    _readers(scope)
    srcs = list(session.scalars(select(RadiationSource).where(
        _scoped(scope), RadiationSource.status == Status.MOBILE).order_by(RadiationSource.code)))  # fmt: skip
    pos: dict[int, list[RadiationPosition]] = {}
    if srcs:
        for p in session.scalars(select(RadiationPosition).where(
                RadiationPosition.source_id.in_([s.id for s in srcs]), RadiationPosition.time >= since
        ).order_by(RadiationPosition.time)):  # fmt: skip
            pos.setdefault(p.source_id, []).append(p)
    return [{"code": s.code, "nuclide": s.nuclide, "fence": s.fence,
             "points": [[p.lon, p.lat, p.time.isoformat(), p.dose_usv_h] for p in pos.get(s.id, [])]}
            for s in srcs]  # fmt: skip


def positions_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(RadiationPosition)) or 0)


def run_check(ctx: JobContext, sink: CaseSink, *, open_incident: OpenIncident | None = None,
              now: datetime | None = None) -> str:  # fmt: skip
    """The ``emergency-radiation`` job (every 5 minutes): :func:`check_positions` in one
    transaction; a fence excursion going on for an hour opens an incident (a source possibly
    lost or stolen) when ``open_incident`` is given."""
    now = now or utcnow()
    with session_scope(ctx.engine) as session:
        r = check_positions(session, sink, now=now, open_incident=open_incident)
    return (f"{r['reports']} position report(s) judged; {r['alerts_new']} new alert(s), "
            f"{r['alerts_ended']} ended; {r['cases']} case(s), {r['incidents']} incident(s) opened")  # fmt: skip
