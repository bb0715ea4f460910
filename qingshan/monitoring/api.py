"""/sites, /air/stations/latest: the monitoring network and its newest values."""

from __future__ import annotations

from fastapi import APIRouter

from qingshan.api.deps import ScopeDep, SessionDep
from qingshan.monitoring import service
from qingshan.monitoring.models import SiteKind
from qingshan.monitoring.schemas import AirStationLatest, SitePublic

router = APIRouter(tags=["monitoring"])


@router.get("/sites", response_model=list[SitePublic])
def list_sites(session: SessionDep, scope: ScopeDep, kind: SiteKind | None = None) -> list[SitePublic]:
    """Monitoring sites in the caller's scope (air stations, water sections, outlets, ...)."""
    return [
        SitePublic(
            code=s.code,
            name=s.name,
            kind=s.kind.value,
            control_level=s.control_level.value,
            region_code=s.region_code,
            longitude=s.longitude,
            latitude=s.latitude,
            attrs=s.attrs or {},
        )
        for s in service.get_sites(session, scope, kind)
    ]


@router.get("/air/stations/latest", response_model=list[AirStationLatest])
def air_stations_latest(session: SessionDep, scope: ScopeDep) -> list[AirStationLatest]:
    """Every air station with its newest hour and the real-time AQI as CNEMC publishes it
    (HJ 633-2012 §5 real-time report, 1 h values; see :mod:`qingshan.standards.aqi`)."""
    from qingshan.standards.aqi import aqi

    out = []
    for item in service.get_latest_hour(session, scope, SiteKind.AIR_STATION):
        conc = {
            key: item.values.get(code) for code, key in service.AIR_REALTIME_KEYS.items()
        }
        result = aqi(conc, report="realtime", date=item.time) if item.time else None
        out.append(
            AirStationLatest(
                code=item.site.code,
                name=item.site.name,
                city_code=item.city_code,
                city_name=item.city_name,
                control_level=item.site.control_level.value,
                longitude=item.site.longitude,
                latitude=item.site.latitude,
                time=item.time,
                aqi=result.aqi if result else None,
                level=result.level if result else None,
                category=result.category if result else None,
                color=result.color if result else None,
                primary_pollutants=list(result.primary_pollutants) if result else [],
                concentrations=conc,
                replayed=bool((item.site.attrs or {}).get("replayed_from")),
            )
        )
    return out
