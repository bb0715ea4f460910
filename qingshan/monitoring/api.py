"""/sites, /air/stations/latest: the monitoring network and its newest values."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query, Response

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.api.limits import Time
from qingshan.monitoring import service
from qingshan.monitoring.models import Period, SiteKind
from qingshan.monitoring.schemas import (
    AirStationLatest,
    ObservationPoint,
    SiteDetail,
    SitePublic,
)
from qingshan.timeutil import CST, as_utc, utcnow

router = APIRouter(tags=["monitoring"])


@router.get("/sites", response_model=list[SitePublic])
def list_sites(
    session: SessionDep, scope: ScopeDep, kind: SiteKind | None = None
) -> list[SitePublic]:
    """Monitoring sites in the caller's scope (air stations, water sections, outlets, ...)."""
    return [service.site_public(s) for s in service.get_sites(session, scope, kind)]


@router.get("/air/stations/latest", response_model=list[AirStationLatest])
def air_stations_latest(session: SessionDep, scope: ScopeDep) -> list[AirStationLatest]:
    """Every air station with its newest hour and the real-time AQI as CNEMC publishes it
    (HJ 633-2012 §5 real-time report, 1 h values; see :mod:`qingshan.standards.aqi`)."""
    return service.air_stations_latest(session, scope)


@router.get("/sites/{code}", response_model=SiteDetail)
def site_detail(code: str, session: SessionDep, scope: ScopeDep) -> SiteDetail:
    """A site with its series."""
    return service.site_detail(session, scope, code)


@router.get("/sites/{code}/observations", response_model=list[ObservationPoint])
def site_observations(
    code: str,
    parameter: str,
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    period: Period = Period.HOUR,
    start: Annotated[Time | None, Query(description="ISO 8601; default: 7 days before end")] = None,
    end: Annotated[Time | None, Query(description="ISO 8601; default: now")] = None,
    format: str = Query("json", pattern="^(json|csv)$"),
):
    """Observations of one series (parameter by HJ 212-2017 code or common name), as JSON or
    CSV (times in UTC; CSV adds China Standard Time)."""
    end = as_utc(end) if end else utcnow()
    start = as_utc(start) if start else end - timedelta(days=7)
    site, series, frame = service.read_observations(
        session, scope, store, code, parameter, period, start, end
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
