"""The toxic-gas early-warning API (``/api/v1/emergency/gas``, issue #22): the alarm set-points
by substance (GB/T 50493-2019 × GBZ 2.1-2019, with source and confidence), the chemical parks
with their boundary stations and latest readings, the alarms (newest first), one alarm with its
plume screening estimate (筛查估算), acknowledgement, and registering parks (a GeoJSON boundary)
and their boundary stations (with the station's HJ 212 data logger).

Province, city and county officers read and acknowledge in their region; province and city
officers register parks and stations (county officers read); others get 403; an alarm or park
outside the region is 404; acknowledging twice is 409; an MN already registered is 409."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, require_roles
from qingshan.api.limits import Id, NoNul
from qingshan.emergency.gas import service as svc
from qingshan.emergency.gas.models import GasAlarm, GasPark
from qingshan.emergency.gas.thresholds import alarm_rule, thresholds
from qingshan.hj212.schemas import MN, Password

router = APIRouter(prefix="/emergency/gas", tags=["emergency gas 有毒有害气体预警"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Writer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]
Note = Annotated[str, StringConstraints(max_length=2000), NoNul]
Name = Annotated[str, StringConstraints(min_length=1, max_length=128), NoNul]
County = Annotated[str, StringConstraints(pattern=r"^33[0-9]{4}$")]
SubstanceCode = Annotated[str, StringConstraints(min_length=1, max_length=16), NoNul]


class ThresholdOut(BaseModel):
    code: str = Field(description="HJ 212-2017 code")
    name: str
    name_en: str
    oel_kind: str = Field(description="MAC | PC-TWA | boundary (a park rule)")
    oel: float = Field(description="occupational exposure limit [mg/m³]")
    al1: float = Field(description="level-1 set-point [mg/m³] (GB/T 50493-2019: ≤ 100 % OEL)")
    al2: float = Field(description="level-2 set-point [mg/m³] (GB/T 50493-2019: ≤ 200 % OEL)")
    confidence: str
    source: str


class RuleOut(BaseModel):
    persist_intervals: int
    clear_intervals: int
    ack_window_minutes: float
    invalid_flags: list[str]


class ThresholdsOut(BaseModel):
    substances: list[ThresholdOut]
    rule: RuleOut


class ReadingOut(BaseModel):
    code: str
    time: datetime
    value: float | None = Field(description="[mg/m³]")
    level: int = Field(description="0 below AL1, 1 ≥ AL1, 2 ≥ AL2")


class StationOut(BaseModel):
    id: int
    site_code: str
    name: str
    longitude: float | None
    latitude: float | None
    substances: list[str]
    latest: list[ReadingOut]


class ParkOut(BaseModel):
    id: int
    code: str
    name: str
    region_code: str
    boundary: list[list[float]] = Field(description="outer ring [[lon, lat], …] (WGS-84)")
    synthetic: bool
    stations: list[StationOut]


class AlarmOut(BaseModel):
    id: int
    park_id: int
    site_id: int
    region_code: str
    parameter_code: str
    level: int
    state: Literal["active", "cleared"]
    data_time: datetime = Field(description="the first reading ≥ AL1 (its DataTime, UTC)")
    raised_at: datetime
    value: float
    peak: float
    threshold: float = Field(description="AL1 [mg/m³]")
    escalation: str | None
    escalated_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    ack_note: str
    cleared_at: datetime | None
    incident_id: int | None
    case_id: int | None
    wind_from: float | None = Field(description="[°], the direction the wind blows from")
    wind_speed: float | None = Field(description="[m/s]")
    synthetic: bool


class PlumeOut(BaseModel):
    """A Gaussian plume screening estimate (筛查估算), not a forecast."""

    note: str
    stability: str
    bearing: float = Field(description="downwind [°]")
    source_distance: float = Field(description="assumed source distance upwind [m]")
    emission_rate: float = Field(description="back-estimated [g/s]")
    concentrations: list[tuple[float, float]] = Field(description="(m beyond the station, mg/m³)")
    sector: list[list[float]] = Field(description="ring [[lon, lat], …]")


class AlarmDetailOut(AlarmOut):
    plume: PlumeOut | None


class AckIn(BaseModel):
    note: Note = ""


PLUME_NOTE = (
    "筛查估算 screening estimate: a ground-level point source upwind of the station, flat open "
    "terrain, steady wind; Pasquill class from Turner (1970) Table 3-1, σy/σz Briggs (1973) "
    "open country, ground-level centre-line Gaussian plume (Turner 1970 eq. 3.1)."
)


def _alarm(a: GasAlarm) -> dict[str, object]:
    return {c: getattr(a, c) for c in AlarmOut.model_fields}


@router.get("/thresholds", response_model=ThresholdsOut)
def get_thresholds(user: Officer) -> ThresholdsOut:
    """The alarm set-points by substance and the escalation rule, with their sources."""
    rule = alarm_rule()
    return ThresholdsOut(
        substances=[ThresholdOut(**{k: getattr(t, k) for k in ThresholdOut.model_fields})
                    for t in thresholds().values()],
        rule=RuleOut(persist_intervals=rule.persist_intervals,
                     clear_intervals=rule.clear_intervals,
                     ack_window_minutes=rule.ack_window.total_seconds() / 60,
                     invalid_flags=sorted(rule.invalid_flags)),
    )  # fmt: skip


@router.get("/parks", response_model=list[ParkOut])
def parks(user: Officer, session: SessionDep, scope: ScopeDep) -> list[ParkOut]:
    """The chemical parks of your region with their boundary stations and latest readings."""
    rows = svc.list_parks(session, scope)
    views = svc.park_stations(session, [p.id for p in rows])
    return [
        ParkOut(id=p.id, code=p.code, name=p.name, region_code=p.region_code,
                boundary=p.boundary, synthetic=p.synthetic,
                stations=[StationOut(id=v.station.id, site_code=v.site.code, name=v.site.name,
                                     longitude=v.site.longitude, latitude=v.site.latitude,
                                     substances=list(v.station.substances),
                                     latest=[ReadingOut(code=c, time=t, value=val, level=lvl)
                                             for c, (t, val, lvl) in sorted(v.latest.items())])
                          for v in views.get(p.id, [])])
        for p in rows
    ]  # fmt: skip


@router.get("/alarms", response_model=list[AlarmOut])
def alarms(user: Officer, session: SessionDep, scope: ScopeDep,
           state: Annotated[Literal["active", "cleared"] | None, Query()] = None,
           park_id: Annotated[Id | None, Query()] = None,
           limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[AlarmOut]:  # fmt: skip
    """The alarms of your region, newest first (alarms are never deleted)."""
    return [AlarmOut.model_validate(_alarm(a))
            for a in svc.list_alarms(session, scope, state=state, park_id=park_id, limit=limit)]  # fmt: skip


@router.get("/alarms/{alarm_id}", response_model=AlarmDetailOut)
def alarm(alarm_id: Id, user: Officer, session: SessionDep, scope: ScopeDep) -> AlarmDetailOut:
    """One alarm with the plume screening estimate from the wind at the station when raised."""
    a = svc.get_alarm(session, scope, alarm_id)
    p = svc.alarm_plume(session, a)
    plume = None if p is None else PlumeOut(
        note=PLUME_NOTE, stability=p.stability, bearing=p.bearing,
        source_distance=p.source_distance, emission_rate=p.emission_rate,
        concentrations=[(d, c) for d, c in p.concentrations], sector=p.sector,
    )  # fmt: skip
    return AlarmDetailOut.model_validate({**_alarm(a), "plume": plume})


@router.post("/alarms/{alarm_id}/ack", response_model=AlarmOut)
def acknowledge(alarm_id: Id, body: AckIn, user: Officer, session: SessionDep,
                scope: ScopeDep) -> AlarmOut:  # fmt: skip
    """Acknowledge an alarm (who and when are recorded; once only: 409 after)."""
    return AlarmOut.model_validate(
        _alarm(svc.acknowledge(session, scope, alarm_id, note=body.note))
    )


class ParkIn(BaseModel):
    name: Name = Field(description="园区名称 park name")
    region_code: County = Field(description="the park's county (GB/T 2260, 6 digits)")
    boundary: dict[str, object] = Field(
        description="GeoJSON Polygon (or a Feature / FeatureCollection of one), WGS-84, "
        "closed outer ring, no holes; every vertex in Zhejiang"
    )


class StationIn(BaseModel):
    park_id: Id
    name: Name = Field(description="站点名称 station name")
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)
    mn: MN = Field(description="HJ 212 MN of the station's data logger")
    password: Password = Field(description="HJ 212 PW of the data logger")
    substances: list[SubstanceCode] = Field(
        min_length=1, max_length=32, description="HJ 212-2017 codes of the substances reported"
    )
    ppm: list[SubstanceCode] = Field(
        default_factory=list, max_length=32,
        description="the substances reported as volume fractions [µmol/mol]",
    )  # fmt: skip


def _park_out(session: SessionDep, p: GasPark) -> ParkOut:
    views = svc.park_stations(session, [p.id]).get(p.id, [])
    return ParkOut(
        id=p.id, code=p.code, name=p.name, region_code=p.region_code, boundary=p.boundary,
        synthetic=p.synthetic,
        stations=[StationOut(id=v.station.id, site_code=v.site.code, name=v.site.name,
                             longitude=v.site.longitude, latitude=v.site.latitude,
                             substances=list(v.station.substances), latest=[]) for v in views],
    )  # fmt: skip


@router.post("/parks", response_model=ParkOut, status_code=201)
def create_park(body: ParkIn, user: Writer, session: SessionDep, scope: ScopeDep) -> ParkOut:
    """Register a chemical park 登记化工园区 in your region (province and city officers): the
    boundary must be one valid polygon inside Zhejiang, in the park's county (422 naming what
    is wrong; nothing stored)."""
    park = svc.create_park(session, scope, name=body.name, region_code=body.region_code,
                           boundary=dict(body.boundary))  # fmt: skip
    return _park_out(session, park)


@router.post("/stations", response_model=StationOut, status_code=201)
def create_station(body: StationIn, user: Writer, session: SessionDep,
                   scope: ScopeDep) -> StationOut:  # fmt: skip
    """Register a boundary station 登记园区边界站 of a park of your region, with its HJ 212
    data logger: inside the park or within 1 km of its boundary, MN and PW by HJ 212-2017
    Table 3, substances with alarm thresholds (422 naming the field; 409 if the MN is
    registered; nothing stored)."""
    st = svc.create_station(
        session, scope, park_id=body.park_id, name=body.name, longitude=body.longitude,
        latitude=body.latitude, mn=body.mn, password=body.password, substances=body.substances,
        ppm=body.ppm,
    )  # fmt: skip
    view = next(v for v in svc.park_stations(session, [st.park_id])[st.park_id]
                if v.station.id == st.id)  # fmt: skip
    return StationOut(id=st.id, site_code=view.site.code, name=view.site.name,
                      longitude=view.site.longitude, latitude=view.site.latitude,
                      substances=list(st.substances), latest=[])  # fmt: skip
