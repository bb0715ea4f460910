"""/sites, /air/stations/latest: the monitoring network and its newest values."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.errors import QingshanError
from qingshan.monitoring import service
from qingshan.monitoring.models import Parameter, Period, Site, SiteKind
from qingshan.monitoring.schemas import (
    AirStationLatest,
    ObservationPoint,
    SeriesPublic,
    SiteDetail,
    SitePublic,
)
from qingshan.standards.aqi import aqi
from qingshan.timeutil import CST, as_utc, utcnow

router = APIRouter(tags=["monitoring"])


@router.get("/sites", response_model=list[SitePublic])
def list_sites(
    session: SessionDep, scope: ScopeDep, kind: SiteKind | None = None
) -> list[SitePublic]:
    """Monitoring sites in the caller's scope (air stations, water sections, outlets, ...)."""
    return [_site_public(s) for s in service.get_sites(session, scope, kind)]


def _site_public(s: Site) -> SitePublic:
    return SitePublic(
        code=s.code,
        name=s.name,
        kind=s.kind.value,
        control_level=s.control_level.value,
        region_code=s.region_code,
        longitude=s.longitude,
        latitude=s.latitude,
        attrs=s.attrs or {},
    )


@router.get("/air/stations/latest", response_model=list[AirStationLatest])
def air_stations_latest(session: SessionDep, scope: ScopeDep) -> list[AirStationLatest]:
    """Every air station with its newest hour and the real-time AQI as CNEMC publishes it
    (HJ 633-2012 §5 real-time report, 1 h values; see :mod:`qingshan.standards.aqi`)."""

    out = []
    for item in service.get_latest_hour(session, scope, SiteKind.AIR_STATION):
        conc = {key: item.values.get(code) for code, key in service.AIR_REALTIME_KEYS.items()}
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


@router.get("/sites/{code}", response_model=SiteDetail)
def site_detail(code: str, session: SessionDep, scope: ScopeDep) -> SiteDetail:
    """A site with its series."""
    site = service.get_site(session, scope, code)
    names = dict(session.execute(select(Parameter.code, Parameter.name)).all())
    return SiteDetail(
        **_site_public(site).model_dump(),
        series=[
            SeriesPublic(
                id=s.id,
                parameter_code=s.parameter_code,
                parameter_name=names.get(s.parameter_code, s.parameter_code),
                period=s.period.value,
                unit=s.unit,
            )
            for s in sorted(site.series, key=lambda s: (s.parameter_code, s.period.value))
        ],
    )


@router.get("/sites/{code}/observations", response_model=list[ObservationPoint])
def site_observations(
    code: str,
    parameter: str,
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    period: Period = Period.HOUR,
    start: datetime | None = Query(None, description="ISO 8601; default: 7 days before end"),
    end: datetime | None = Query(None, description="ISO 8601; default: now"),
    format: str = Query("json", pattern="^(json|csv)$"),
):
    """Observations of one series (parameter by HJ 212-2017 code or common name), as JSON or
    CSV (times in UTC; CSV adds China Standard Time)."""
    site = service.get_site(session, scope, code)
    series = service.get_series_of(session, site, parameter, period)
    end = as_utc(end) if end else utcnow()
    start = as_utc(start) if start else end - timedelta(days=7)
    if end <= start:
        raise QingshanError(
            f"empty range: end {end.isoformat()} is not after start {start.isoformat()}"
        )
    if end - start > timedelta(days=400):
        raise QingshanError("range too long: at most 400 days per request")
    frame = store.query(
        [series.id],
        start,
        end,
        period=period.value,
        columns=["value", "raw_value", "source_flag", "qc_flag"],
    )
    if format == "csv":
        out = frame.drop(columns=["series_id"]).assign(
            site=site.code,
            parameter=series.parameter_code,
            unit=series.unit,
            time_cst=frame["time"].dt.tz_convert(CST).dt.strftime("%Y-%m-%d %H:%M"),
        )
        return Response(
            out.to_csv(index=False),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{site.code}_{series.parameter_code}_{period.value}.csv"'
            },
        )
    return [
        ObservationPoint(
            time=r.time,
            value=None if pd.isna(r.value) else r.value,
            raw_value=None if pd.isna(r.raw_value) else r.raw_value,
            source_flag=None if pd.isna(r.source_flag) else r.source_flag,
            qc_flag=None if pd.isna(r.qc_flag) else int(r.qc_flag),
        )
        for r in frame.itertuples(index=False)
    ]
