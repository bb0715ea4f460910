"""Toxic-gas early warning in chemical parks: parks, boundary stations, judging their readings
into alarms, acknowledgement, and the incident or case an alarm opens.

Boundary stations are monitoring sites of kind ``park_boundary`` with an HJ 212 device: their
packets come through the platform's one intake (listener → journal → ingest → observation
store, stream ``park_gas``). The ingest has no per-stream hook, so alarms are raised by the
``emergency-gas`` job (every 30 s, :mod:`qingshan.platform.jobs`), which judges every new reading
of the stations' minute series (HJ 212-2017 CN 2051: one per minute) in order: a reading is judged
within 30 s of being ingested, i.e. within one reporting interval (60 s).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.audit.log import acting_as
from qingshan.db.engine import session_scope
from qingshan.emergency.gas.alarms import AlarmState, alarm_step, case_due
from qingshan.emergency.gas.boundary import check_station_position, parse_boundary
from qingshan.emergency.gas.errors import (
    AlarmNotActive,
    BadGasInput,
    GasNotFound,
    NotAnOfficer,
)
from qingshan.emergency.gas.models import GasAlarm, GasCursor, GasPark, GasStation
from qingshan.emergency.gas.plume import PlumeEstimate, plume_estimate
from qingshan.emergency.gas.thresholds import (
    alarm_rule,
    mg_m3_from_ppm,
    threshold_of,
    thresholds,
)
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.geo.models import Region
from qingshan.geo.regions import REGIONS, RegionLevel
from qingshan.hj212.errors import FieldError
from qingshan.hj212.registry import add_device
from qingshan.monitoring.models import ControlLevel, LatestValue, Series, Site, SiteKind
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.timeutil import as_cst
from qingshan.zones import parks_service as zones_parks

__all__ = [
    "JUDGED_PERIODS",
    "WIND_DIRECTION",
    "WIND_SPEED",
    "IncidentOpener",
    "JudgeResult",
    "acknowledge",
    "alarm_plume",
    "create_park",
    "create_station",
    "get_alarm",
    "get_park",
    "judge",
    "judge_now",
    "list_alarms",
    "list_parks",
    "park_stations",
    "register_park",
    "register_station",
    "to_mg_m3",
    "writer",
]

#: HJ 212-2017 Appendix B Table B.2: wind speed [m/s] and wind direction [°]
WIND_SPEED = "a01007"
WIND_DIRECTION = "a01008"
#: the periods judged, finest first: a station × substance is judged on the first it has
JUDGED_PERIODS = ("min", "rtd", "hour")
#: how far back the first run looks for a series never judged
FIRST_LOOKBACK = timedelta(hours=2)
_CST = timedelta(hours=8)


class IncidentOpener(Protocol):
    """``qingshan.emergency.incidents.service.open_incident`` (the contract of issue #22)."""

    def __call__(
        self, session: Session, draft: IncidentDraft, *, actor: str, now: datetime | None = None
    ) -> int: ...


# ------------------------------------------------------------------ parks and stations


def _check_ring(boundary: Sequence[Sequence[float]]) -> list[list[float]]:
    ring = [[float(p[0]), float(p[1])] for p in boundary]
    if len(ring) < 3:
        raise BadGasInput(f"boundary has {len(ring)} points: a polygon needs at least 3",
                          field="boundary")  # fmt: skip
    for lon, lat in ring:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BadGasInput(f"boundary point ({lon}, {lat}) is not a longitude, latitude",
                              field="boundary")  # fmt: skip
    if ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return ring


def _strip(name: str) -> str:
    for mark in ("（演示）", "(演示)", " "):
        name = name.replace(mark, "")
    return name


def _zones_park(session: Session, name: str, region_code: str) -> int | None:
    """The zones park (污水零直排区 industrial park) of the same name in the same county, if one
    matches (names compared without spaces and the demo's 演示 mark)."""
    scope = Scope(region_code=region_code, role=Role.COUNTY, username="system")
    wanted = _strip(name)
    for zp in zones_parks.list_parks(session, scope):
        if zp.region_code == region_code and _strip(zp.name) == wanted:
            return zp.id
    return None


def register_park(
    session: Session, *, code: str, name: str, region_code: str,
    boundary: Sequence[Sequence[float]], synthetic: bool = False,
    zones_park_id: int | None = None,
) -> GasPark:  # fmt: skip
    """A chemical park (idempotent by ``code``: the stored park is returned unchanged), linked
    to the zones park of the same name in its county when ``zones_park_id`` is not given."""
    have = session.scalar(select(GasPark).where(GasPark.code == code))
    if have is not None:
        return have
    if not code or not name:
        raise BadGasInput("a park needs a code and a name", field="code" if not code else "name")
    if session.get(Region, region_code) is None:
        raise BadGasInput(f"region_code {region_code!r} is not a region", field="region_code")
    if zones_park_id is None:
        zones_park_id = _zones_park(session, name, region_code)
    park = GasPark(code=code, name=name, region_code=region_code, boundary=_check_ring(boundary),
                   zones_park_id=zones_park_id, synthetic=synthetic)  # fmt: skip
    session.add(park)
    session.flush()
    return park


def register_station(
    session: Session, park: GasPark, *, code: str, name: str, longitude: float,
    latitude: float, mn: str, password: str, substances: Iterable[str],
    synthetic: bool = False, ppm: Iterable[str] = (),
) -> GasStation:  # fmt: skip
    """A boundary station: a ``park_boundary`` site in the park's county with its HJ 212 device
    (MN, password) and the substances it measures (each must have thresholds). ``ppm``: the
    substances its analysers report as volume fractions [µmol/mol] — judged after conversion to
    mg/m³ (:func:`~qingshan.emergency.gas.thresholds.mg_m3_from_ppm`). Idempotent by site
    ``code``. Unknown substances raise before anything is stored."""
    subs = [threshold_of(s).code for s in substances]
    in_ppm = sorted(set(ppm))
    for code in in_ppm:
        if code not in subs or threshold_of(code).molar_mass is None:
            raise BadGasInput(f"ppm substance {code!r}: not measured here or without a molar "
                              "mass to convert it", field="ppm")  # fmt: skip
    if not subs:
        raise BadGasInput("a boundary station measures at least one substance", field="substances")
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise BadGasInput(f"({longitude}, {latitude}) is not a longitude, latitude",
                          field="longitude")  # fmt: skip
    site = session.scalar(select(Site).where(Site.code == code))
    if site is not None:
        station = session.scalar(select(GasStation).where(GasStation.site_id == site.id))
        if station is None:
            raise BadGasInput(f"site {code!r} exists and is not a boundary station", field="code")
        return station
    site = Site(code=code, name=name, kind=SiteKind.PARK_BOUNDARY,
                control_level=ControlLevel.CITY, region_code=park.region_code,
                longitude=longitude, latitude=latitude,
                attrs={"park_code": park.code, **({"synthetic": True} if synthetic else {}),
                       **({"ppm": in_ppm} if in_ppm else {})})  # fmt: skip
    session.add(site)
    session.flush()
    add_device(session, mn, password, site=site.id, name=f"园区边界站 {name}")
    station = GasStation(park_id=park.id, site_id=site.id, substances=subs)
    session.add(station)
    session.flush()
    return station


def writer(scope: Scope) -> bool:
    """Whether ``scope`` registers parks and stations: province and city officers (a station's
    HJ 212 device is registered in the device registry, which province and city accounts
    change — :mod:`qingshan.hj212.api`); county officers read."""
    return scope.role in (Role.PROVINCE, Role.CITY)


def _writer(scope: Scope, region_code: str) -> None:
    if not writer(scope):
        raise NotAnOfficer(f"{scope.username} ({scope.role.value}) may not register chemical "
                           "parks or stations: province and city officers only")  # fmt: skip
    if not region_code.startswith(scope.prefix):
        raise NotAnOfficer(f"region_code {region_code} is outside {scope.username}'s region "
                           f"{scope.region_code}")  # fmt: skip


def create_park(
    session: Session, scope: Scope, *, name: str, region_code: str,
    boundary: str | dict[str, Any],
) -> GasPark:  # fmt: skip
    """An officer registers a chemical park: a name, its county and its boundary as GeoJSON
    (:func:`~qingshan.emergency.gas.boundary.parse_boundary`). The code is made from the
    county (``CP<county><n>``). Nothing is stored on an error, which names the field."""
    name = name.strip()
    if not name or len(name) > 128:
        raise BadGasInput(f"name {name!r}: 1–128 characters", field="name")
    region = REGIONS.get(region_code)
    if region is None or region.level is not RegionLevel.COUNTY:
        raise BadGasInput(f"region_code {region_code!r} is not a county of Zhejiang",
                          field="region_code")  # fmt: skip
    _writer(scope, region_code)
    if session.scalar(select(GasPark.id).where(GasPark.region_code == region_code,
                                               GasPark.name == name)) is not None:  # fmt: skip
        raise BadGasInput(f"name {name!r}: the county {region_code} has a park of that name",
                          field="name")  # fmt: skip
    ring = parse_boundary(boundary, region_code)
    n = 1 + len(session.scalars(select(GasPark.id).where(GasPark.region_code == region_code)).all())
    while session.scalar(select(GasPark.id).where(GasPark.code == f"CP{region_code}{n:02d}")):
        n += 1
    return register_park(session, code=f"CP{region_code}{n:02d}", name=name,
                         region_code=region_code, boundary=ring)  # fmt: skip


def create_station(
    session: Session, scope: Scope, *, park_id: int, name: str, longitude: float,
    latitude: float, mn: str, password: str, substances: Iterable[str], ppm: Iterable[str] = (),
) -> GasStation:  # fmt: skip
    """An officer registers a boundary station of a park of their region: its position (inside
    the park or near its boundary), its HJ 212 data logger (MN and PW, checked by the device
    registry's HJ 212-2017 Table 3 rules and registered there, bound to the station's site) and
    the substances it reports (each with alarm thresholds). Nothing is stored on an error."""
    park = get_park(session, scope, park_id)
    _writer(scope, park.region_code)
    name = name.strip()
    if not name or len(name) > 128:
        raise BadGasInput(f"name {name!r}: 1–128 characters", field="name")
    subs = list(dict.fromkeys(s.strip() for s in substances if s.strip()))
    if not subs:
        raise BadGasInput("substances: a boundary station reports at least one substance",
                          field="substances")  # fmt: skip
    check_station_position(park.boundary, longitude, latitude)
    n = 1 + len(session.scalars(select(GasStation.id).where(GasStation.park_id == park.id)).all())
    while session.scalar(select(Site.id).where(Site.code == f"{park.code}-{n:02d}")):
        n += 1
    try:
        with session.begin_nested():
            return register_station(
                session, park, code=f"{park.code}-{n:02d}", name=name, longitude=longitude,
                latitude=latitude, mn=mn, password=password, substances=subs, ppm=ppm,
            )  # fmt: skip
    except FieldError as exc:  # the registry's MN / PW rules (HJ 212-2017 Table 3)
        what = "mn" if "MN" in str(exc) else "password"
        raise BadGasInput(f"{what}: {exc}", field=what) from None


# ------------------------------------------------------------------ judging


@dataclass
class JudgeResult:
    readings: int = 0
    raised: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.readings} readings judged; {len(self.raised)} alarms raised, "
                f"{len(self.escalated)} escalated, {len(self.cleared)} cleared; "
                f"{len(self.incidents)} incidents, {len(self.cases)} cases opened")  # fmt: skip


class _Store(Protocol):
    def query(
        self, series_ids: Iterable[int], start: datetime, end: datetime,
        period: str | None = None, columns: Sequence[str] | None = None,
    ) -> pd.DataFrame: ...  # fmt: skip


def _judged_series(session: Session) -> tuple[dict[int, tuple[Site, GasStation, str, str]],
                                              dict[tuple[int, str], int]]:  # fmt: skip
    """series id → (site, station, code, period) of each judged series; (site id, wind code)
    → the wind series of the judged period."""
    rows = session.execute(
        select(Series, Site, GasStation)
        .join(Site, Site.id == Series.site_id)
        .join(GasStation, GasStation.site_id == Site.id)
    ).all()
    by_key: dict[tuple[int, str], dict[str, tuple[Series, Site, GasStation]]] = {}
    for series, site, station in rows:
        by_key.setdefault((site.id, series.parameter_code), {})[str(series.period.value)] = (
            series, site, station)  # fmt: skip
    table = thresholds()
    judged: dict[int, tuple[Site, GasStation, str, str]] = {}
    wind: dict[tuple[int, str], int] = {}
    for (site_id, code), periods in by_key.items():
        if code not in table:
            continue
        period = next((p for p in JUDGED_PERIODS if p in periods), None)
        if period is None:
            continue
        series, site, station = periods[period]
        judged[series.id] = (site, station, code, period)
        for w in (WIND_SPEED, WIND_DIRECTION):
            hit = by_key.get((site_id, w), {}).get(period)
            if hit is not None:
                wind[(site_id, w)] = hit[0].id
    return judged, wind


def to_mg_m3(site: Site, code: str, value: float | None) -> float | None:
    """A reading of ``code`` at ``site`` in mg/m³: converted from ppm when the station's
    analyser reports ``code`` as a volume fraction (``site.attrs["ppm"]``)."""
    if value is None or code not in site.attrs.get("ppm", ()):
        return value
    molar_mass = threshold_of(code).molar_mass
    return value if molar_mass is None else mg_m3_from_ppm(value, molar_mass)


def _state(alarm: GasAlarm) -> AlarmState:
    return AlarmState(level=alarm.level, data_time=alarm.data_time, value=alarm.value,
                      peak=alarm.peak, last_time=alarm.last_time, last_value=alarm.last_value,
                      over_count=alarm.over_count, below_count=alarm.below_count,
                      escalation=alarm.escalation)  # fmt: skip


#: one series' readings: times [UTC], values (None: missing), HJ 212 data flags
_Rows = tuple[list[datetime], list[float | None], list[str | None]]


def _by_series(frame: pd.DataFrame) -> dict[int, _Rows]:
    """The store's rows (sorted by series, time) as plain lists per series, in one pass."""
    if frame.empty:
        return {}
    out: dict[int, _Rows] = {}
    ids = frame["series_id"].to_numpy()
    times = list(pd.DatetimeIndex(frame["time"]).to_pydatetime())
    values = [None if v != v else float(v) for v in frame["value"].to_numpy(dtype=float)]
    flags = [None if f is None or f != f else str(f) for f in frame["source_flag"].tolist()]
    bounds = np.flatnonzero(np.diff(ids)) + 1
    for lo, hi in zip([0, *bounds.tolist()], [*bounds.tolist(), len(ids)], strict=True):
        out[int(ids[lo])] = (times[lo:hi], values[lo:hi], flags[lo:hi])
    return out


def _wind_at(groups: dict[int, _Rows], series_id: int | None, time: datetime) -> float | None:
    """The newest wind reading of ``series_id`` at or before ``time``."""
    got = None if series_id is None else groups.get(series_id)
    if got is None:
        return None
    at = bisect_right(got[0], time)
    return None if at == 0 else got[1][at - 1]


def judge(
    session: Session, store: _Store, now: datetime, *,
    open_incident: IncidentOpener | None = None, sink: CaseSink | None = None,
    actor: str = "system", lookback: timedelta = FIRST_LOOKBACK,
) -> JudgeResult:  # fmt: skip
    """Judge every reading of the boundary stations not judged yet, in time order.

    Alarms are raised, escalated and cleared by :func:`~qingshan.emergency.gas.alarms.alarm_step`
    (GB/T 50493-2019 set-points, the rule as data). Then every level-2 alarm without an incident
    opens one through ``open_incident`` (origin ``gas_alarm``, key the alarm id), and every
    active level-1 alarm not acknowledged within the rule's window opens a case (source
    ``emergency``, category ``air_pollution``) through ``sink``. Each series' cursor advances to
    its newest reading judged, so a re-run judges nothing twice."""
    result = JudgeResult()
    rule = alarm_rule()
    judged, wind_ids = _judged_series(session)
    if judged:
        cursors = {c.series_id: c for c in session.scalars(
            select(GasCursor).where(GasCursor.series_id.in_(list(judged))))}  # fmt: skip
        active = {a.series_id: a for a in session.scalars(
            select(GasAlarm).where(GasAlarm.state == "active",
                                   GasAlarm.series_id.in_(list(judged))))}  # fmt: skip
        end = now + timedelta(seconds=1)
        by_period: dict[str, list[int]] = {}
        for sid, (_, _, _, period) in judged.items():
            by_period.setdefault(period, []).append(sid)
        for period, sids in by_period.items():
            starts = [cursors[s].last_time + timedelta(microseconds=1) if s in cursors
                      else now - lookback for s in sids]  # fmt: skip
            start = min(starts)
            site_ids = {judged[s][0].id for s in sids}
            winds = [i for (site_id, _), i in wind_ids.items() if site_id in site_ids]
            if start >= end:
                continue
            frame = store.query([*sids, *winds], start, end, period=period,
                                columns=["value", "source_flag"])  # fmt: skip
            groups = _by_series(frame)
            for sid in sids:
                got = groups.get(sid)
                if got is None:
                    continue
                times, values, flags = got
                since = cursors[sid].last_time if sid in cursors else None
                at = 0 if since is None else bisect_right(times, since)
                if at >= len(times):
                    continue
                site, station, code, _ = judged[sid]
                _judge_series(session, sid, site, station, code,
                              (times[at:], values[at:], flags[at:]), active, groups,
                              wind_ids, now, rule, result)  # fmt: skip
                last = times[-1]
                if sid in cursors:
                    cursors[sid].last_time = last
                else:
                    cursors[sid] = GasCursor(series_id=sid, last_time=last, extra={})
                    session.add(cursors[sid])
        session.flush()
    _open_follow_ups(session, now, rule, open_incident, sink, actor, result)
    return result


def _judge_series(
    session: Session, sid: int, site: Site, station: GasStation, code: str,
    rows: _Rows, active: dict[int, GasAlarm], groups: dict[int, _Rows],
    wind_ids: dict[tuple[int, str], int], now: datetime, rule: Any, result: JudgeResult,
) -> None:  # fmt: skip
    threshold = threshold_of(code)
    alarm = active.get(sid)
    state = _state(alarm) if alarm is not None else None
    for t, raw, f in zip(*rows, strict=True):
        result.readings += 1
        v = to_mg_m3(site, code, raw)  # a ppm analyser: judged in mg/m³
        state, events = alarm_step(state, t, v, threshold, rule, f)
        for ev in events:
            if ev.kind == "raise":
                speed = _wind_at(groups, wind_ids.get((site.id, WIND_SPEED)), t)
                direction = _wind_at(groups, wind_ids.get((site.id, WIND_DIRECTION)), t)
                alarm = GasAlarm(
                    park_id=station.park_id, site_id=site.id, series_id=sid,
                    region_code=site.region_code, parameter_code=code, level=ev.level,
                    state="active", data_time=t, raised_at=now, value=ev.value,
                    threshold=threshold.al1, peak=ev.value, last_time=t, last_value=ev.value,
                    over_count=1, below_count=0,
                    escalated_at=now if ev.level == 2 else None,
                    escalation=ev.reason if ev.level == 2 else None, ack_note="",
                    wind_from=direction, wind_speed=speed,
                    synthetic=bool(site.attrs.get("synthetic")),
                )  # fmt: skip
                session.add(alarm)
                session.flush()
                active[sid] = alarm
                result.raised.append(alarm.id)
            elif ev.kind == "escalate" and alarm is not None:
                alarm.level, alarm.escalated_at, alarm.escalation = 2, now, ev.reason
                result.escalated.append(alarm.id)
            elif ev.kind == "clear" and alarm is not None:
                alarm.state, alarm.cleared_at = "cleared", t
                alarm.last_time, alarm.last_value, alarm.below_count = (
                    t,
                    ev.value,
                    rule.clear_intervals,
                )
                result.cleared.append(alarm.id)
                active.pop(sid, None)
                alarm = None
        if alarm is not None and state is not None:
            alarm.peak, alarm.last_time, alarm.last_value = (
                state.peak,
                state.last_time,
                state.last_value,
            )
            alarm.over_count, alarm.below_count = state.over_count, state.below_count


#: why an alarm reached level 2, in the incident's description (alarms.py: al2 | persisting)
_ESCALATION = {"al2": "读数超过二级报警值", "persisting": "连续超过一级报警值，升为二级"}


def _open_follow_ups(
    session: Session, now: datetime, rule: Any, open_incident: IncidentOpener | None,
    sink: CaseSink | None, actor: str, result: JudgeResult,
) -> None:  # fmt: skip
    if open_incident is not None:
        for alarm in session.scalars(
            select(GasAlarm).where(GasAlarm.level == 2, GasAlarm.incident_id.is_(None))
        ):
            site = session.get(Site, alarm.site_id)
            park = session.get(GasPark, alarm.park_id)
            th = threshold_of(alarm.parameter_code)
            assert site is not None and park is not None
            draft = IncidentDraft(
                title=f"{park.name}{site.name}{th.name}二级报警",
                occurred_at=alarm.data_time, region_code=alarm.region_code, origin="gas_alarm",
                origin_key=str(alarm.id), longitude=site.longitude, latitude=site.latitude,
                description=(f"{th.name}（{th.name_en}）{alarm.value:g} mg/m³，数据时间 "
                             f"{as_cst(alarm.data_time):%Y-%m-%d %H:%M}（北京时间）；一级报警值 "
                             f"{th.al1:g}、二级报警值 {th.al2:g} mg/m³（GB/T 50493-2019）；"
                             f"{_ESCALATION.get(alarm.escalation or '', '升级')}"),
            )  # fmt: skip
            alarm.incident_id = open_incident(session, draft, actor=actor, now=now)
            result.incidents.append(alarm.incident_id)
    if sink is not None:
        for alarm in session.scalars(
            select(GasAlarm).where(GasAlarm.state == "active", GasAlarm.level == 1,
                                   GasAlarm.case_id.is_(None))
        ):  # fmt: skip
            if not case_due(alarm.level, alarm.raised_at, alarm.acknowledged_at, now, rule):
                continue
            site = session.get(Site, alarm.site_id)
            th = threshold_of(alarm.parameter_code)
            assert site is not None
            report = CaseReport(
                source="emergency", source_key=f"gas_alarm:{alarm.id}",
                region_code=alarm.region_code, category="air_pollution", severity="serious",
                title=f"{site.name}{th.name}一级报警超时未确认",
                occurred_at=alarm.data_time, site_id=site.id,
                parameter_code=alarm.parameter_code, longitude=site.longitude,
                latitude=site.latitude,
                description=(f"level-1 alarm {alarm.id}: {th.name} {alarm.value:g} mg/m³ ≥ AL1 "
                             f"{th.al1:g} mg/m³ (GB/T 50493-2019), not acknowledged within "
                             f"{int(rule.ack_window.total_seconds() // 60)} min"),
                evidence={"alarm_id": alarm.id, "value": alarm.value, "al1": th.al1,
                          "data_time": alarm.data_time.isoformat()},
            )  # fmt: skip
            alarm.case_id = sink.open_case(session, report)
            result.cases.append(alarm.case_id)
    session.flush()


def judge_now(
    engine: Engine, store: _Store, *, open_incident: IncidentOpener | None = None,
    sink: CaseSink | None = None, now: datetime | None = None,
) -> JudgeResult:  # fmt: skip
    """:func:`judge` in its own transaction, as ``system`` (the ``emergency-gas`` job)."""
    with acting_as("system"), session_scope(engine) as session:
        return judge(session, store, now or datetime.now(UTC), open_incident=open_incident,
                     sink=sink)  # fmt: skip


# ------------------------------------------------------------------ officers


def _officer(scope: Scope, what: str) -> None:
    if scope.role not in (Role.PROVINCE, Role.CITY, Role.COUNTY):
        raise NotAnOfficer(f"{scope.username} ({scope.role.value}) may not {what}: "
                           "officers (province / city / county) only")  # fmt: skip


def acknowledge(
    session: Session, scope: Scope, alarm_id: int, *, note: str = "",
    now: datetime | None = None,
) -> GasAlarm:  # fmt: skip
    """An officer acknowledges an alarm (who, when, note). Acknowledged once only."""
    _officer(scope, "acknowledge alarms")
    alarm = get_alarm(session, scope, alarm_id)
    if alarm.acknowledged_at is not None:
        raise AlarmNotActive(alarm.id, f"already acknowledged by {alarm.acknowledged_by}")
    if len(note) > 2000:
        raise BadGasInput(f"note has {len(note)} characters: at most 2000", field="note")
    alarm.acknowledged_by = scope.username
    alarm.acknowledged_at = now or datetime.now(UTC)
    alarm.ack_note = note
    session.flush()
    return alarm


# ------------------------------------------------------------------ reading


def list_parks(session: Session, scope: Scope) -> list[GasPark]:
    _officer(scope, "read chemical parks")
    q = select(GasPark).where(scope.where(GasPark.region_code))
    return list(session.scalars(q.order_by(GasPark.region_code, GasPark.code)))


def get_park(session: Session, scope: Scope, park_id: int) -> GasPark:
    _officer(scope, "read chemical parks")
    park = session.get(GasPark, park_id)
    if park is None or not park.region_code.startswith(scope.prefix):
        raise GasNotFound("park", park_id)
    return park


@dataclass(frozen=True)
class StationView:
    station: GasStation
    site: Site
    latest: dict[str, tuple[datetime, float | None, int]]  # code → (time, value, level 0/1/2)
    series: dict[str, int]  # code → judged series id


def park_stations(session: Session, park_ids: Sequence[int]) -> dict[int, list[StationView]]:
    """Each park's stations with the latest value of each judged substance and its level
    (0 below AL1, 1 ≥ AL1, 2 ≥ AL2)."""
    if not park_ids:
        return {}
    rows = session.execute(
        select(GasStation, Site).join(Site, Site.id == GasStation.site_id)
        .where(GasStation.park_id.in_(list(park_ids))).order_by(Site.code)
    ).all()  # fmt: skip
    judged, _ = _judged_series(session)
    by_site: dict[int, dict[str, int]] = {}
    for sid, (site, _, code, _) in judged.items():
        by_site.setdefault(site.id, {})[code] = sid
    latest = {lv.series_id: lv for lv in session.scalars(
        select(LatestValue).where(LatestValue.series_id.in_(list(judged))))} if judged else {}  # fmt: skip
    out: dict[int, list[StationView]] = {}
    for station, site in rows:
        values: dict[str, tuple[datetime, float | None, int]] = {}
        for code, sid in by_site.get(site.id, {}).items():
            lv = latest.get(sid)
            if lv is None:
                continue
            th = threshold_of(code)
            value = to_mg_m3(site, code, lv.value)
            level = 0 if value is None else (2 if value >= th.al2 else 1 if value >= th.al1 else 0)
            values[code] = (lv.time, value, level)
        out.setdefault(station.park_id, []).append(
            StationView(station, site, values, by_site.get(site.id, {})))  # fmt: skip
    return out


def list_alarms(
    session: Session, scope: Scope, *, state: str | None = None, park_id: int | None = None,
    limit: int = 200,
) -> list[GasAlarm]:  # fmt: skip
    _officer(scope, "read gas alarms")
    if state is not None and state not in ("active", "cleared"):
        raise BadGasInput(f"state {state!r}: one of active, cleared", field="state")
    q = select(GasAlarm).where(scope.where(GasAlarm.region_code))
    if state is not None:
        q = q.where(GasAlarm.state == state)
    if park_id is not None:
        q = q.where(GasAlarm.park_id == park_id)
    return list(session.scalars(q.order_by(GasAlarm.data_time.desc(), GasAlarm.id.desc())
                                .limit(limit)))  # fmt: skip


def get_alarm(session: Session, scope: Scope, alarm_id: int) -> GasAlarm:
    _officer(scope, "read gas alarms")
    alarm = session.get(GasAlarm, alarm_id)
    if alarm is None or not alarm.region_code.startswith(scope.prefix):
        raise GasNotFound("alarm", alarm_id)
    return alarm


def _daytime(at: datetime) -> bool:
    """Daytime by China Standard Time hour, 06:00–18:00 (an approximation of sunrise to sunset
    in Zhejiang, ~30° N; said so where shown)."""
    return 6 <= (at + _CST).hour < 18


def alarm_plume(session: Session, alarm: GasAlarm) -> PlumeEstimate | None:
    """The screening estimate (筛查估算) of where the gas of ``alarm`` goes, from the wind at the
    station when it was raised; None without wind data or station position."""
    site = session.get(Site, alarm.site_id)
    if (site is None or site.longitude is None or site.latitude is None
            or alarm.wind_from is None or alarm.wind_speed is None
            or math.isnan(alarm.wind_from)):  # fmt: skip
        return None
    return plume_estimate(site.longitude, site.latitude, alarm.peak, alarm.wind_from,
                          alarm.wind_speed, daytime=_daytime(alarm.data_time))  # fmt: skip
