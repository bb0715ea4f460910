"""/open/…: the open-data API (issue #14). Every list answers ``{total, limit, offset, items}``
(the sites list: a GeoJSON FeatureCollection with ``total``, ``limit``, ``offset`` beside
``features``); ``limit`` is bounded and a bad value is a 422 naming it. Parse, call one service
function, answer (:mod:`qingshan.opendata.service`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.api.limits import AwareTime, Day, Offset, RegionCode, SiteCode
from qingshan.monitoring.models import Period, SiteKind
from qingshan.opendata import service
from qingshan.opendata.schemas import (
    DailyAqiItem,
    IndexPage,
    ObservationItem,
    Page,
    RollupItem,
    SeriesItem,
    SiteCollection,
    WaterClassItem,
)
from qingshan.timeutil import as_utc, utcnow

router = APIRouter(prefix="/open", tags=["open data 数据开放"])

Limit = Annotated[
    int,
    Query(ge=1, le=service.MAX_LIMIT, description=f"page size, 1–{service.MAX_LIMIT}"),
]
ObsLimit = Annotated[
    int,
    Query(
        ge=1,
        le=service.MAX_OBSERVATION_LIMIT,
        description=f"page size, 1–{service.MAX_OBSERVATION_LIMIT}",
    ),
]
OffsetQ = Annotated[Offset, Query(description="items to skip (past the end: an empty page)")]
Code = Annotated[SiteCode, Path(description="the site's code")]
Start = Annotated[AwareTime | None, Query(description="ISO 8601 with zone; default: end − 7 days")]
End = Annotated[AwareTime | None, Query(description="ISO 8601 with zone; default: now")]


def _range(start: datetime | None, end: datetime | None, days: int) -> tuple[datetime, datetime]:
    end = as_utc(end) if end else utcnow()
    return (as_utc(start) if start else end - timedelta(days=days)), end


@router.get(
    "/sites",
    response_model=SiteCollection,
    responses={200: {"content": {"application/geo+json": {}}}},
)
def open_sites(
    session: SessionDep,
    scope: ScopeDep,
    kind: SiteKind | None = None,
    region: Annotated[RegionCode | None, Query(description="province, city or county")] = None,
    limit: Limit = service.DEFAULT_LIMIT,
    offset: OffsetQ = 0,
) -> JSONResponse:
    """Sites in the caller's scope as GeoJSON (``application/geo+json``, RFC 7946): Point
    [longitude, latitude] WGS 84, properties code, name, kind, region codes and names,
    ``approximate``; filtered by kind and region, ordered by code, paged with the total."""
    out = service.sites_geojson(session, scope, kind, region, limit, offset)
    return JSONResponse(out.model_dump(mode="json"), media_type="application/geo+json")


@router.get("/sites/{code}/series", response_model=Page[SeriesItem])
def open_series(
    code: Code, session: SessionDep, scope: ScopeDep,
    limit: Limit = service.DEFAULT_LIMIT, offset: OffsetQ = 0,
) -> Page[SeriesItem]:  # fmt: skip
    """The series of a site (parameter, period, unit)."""
    return service.site_series(session, scope, code, limit, offset)


@router.get("/sites/{code}/observations", response_model=Page[ObservationItem])
def open_observations(
    code: Code,
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    parameter: Annotated[
        str, Query(min_length=1, max_length=32, description="HJ 212 code or name")
    ],
    period: Period = Period.HOUR,
    start: Start = None,
    end: End = None,
    limit: ObsLimit = service.DEFAULT_LIMIT,
    offset: OffsetQ = 0,
) -> Page[ObservationItem]:
    """Observations of one series over [start, end) (UTC), oldest first, paged with the total."""
    t0, t1 = _range(start, end, 7)
    return service.observations(session, scope, store, code, parameter, period, t0, t1, limit,
                                offset)  # fmt: skip


@router.get("/sites/{code}/rollups", response_model=Page[RollupItem])
def open_rollups(
    code: Code,
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    parameter: Annotated[
        str, Query(min_length=1, max_length=32, description="HJ 212 code or name")
    ],
    period: Literal["day", "month", "year"] = "day",
    start: Start = None,
    end: End = None,
    limit: Limit = service.DEFAULT_LIMIT,
    offset: OffsetQ = 0,
) -> Page[RollupItem]:
    """Stored day/month/year means with coverage as fields (``n_valid``, ``n_expected``,
    ``coverage``, ``valid``); default range: the last 366 days."""
    t0, t1 = _range(start, end, 366)
    return service.rollups(session, scope, store, code, parameter, Period(period), t0, t1,
                           limit, offset)  # fmt: skip


_FROM = Query(alias="from", description="first day (CST); default: 6 days before `to`")
_TO = Query(description="last day (CST), inclusive; default: the newest stored day")


@router.get("/indices/air/stations/{code}/daily", response_model=IndexPage[DailyAqiItem])
def open_station_aqi(
    code: Code, session: SessionDep, scope: ScopeDep, store: StoreDep,
    start: Annotated[Day | None, _FROM] = None, to: Annotated[Day | None, _TO] = None,
    limit: Limit = service.DEFAULT_LIMIT, offset: OffsetQ = 0,
) -> IndexPage[DailyAqiItem]:  # fmt: skip
    """Daily AQI of an air station (HJ 633 daily report; the air history's rules)."""
    return service.daily_aqi(session, scope, store, code, False, start, to, limit, offset)


@router.get("/indices/air/cities/{code}/daily", response_model=IndexPage[DailyAqiItem])
def open_city_aqi(
    code: Code, session: SessionDep, scope: ScopeDep, store: StoreDep,
    start: Annotated[Day | None, _FROM] = None, to: Annotated[Day | None, _TO] = None,
    limit: Limit = service.DEFAULT_LIMIT, offset: OffsetQ = 0,
) -> IndexPage[DailyAqiItem]:  # fmt: skip
    """Daily AQI of a city (the mean of its national stations)."""
    return service.daily_aqi(session, scope, store, code, True, start, to, limit, offset)


@router.get("/indices/water/sections/{code}/classes", response_model=IndexPage[WaterClassItem])
def open_water_classes(
    code: Code, session: SessionDep, scope: ScopeDep, store: StoreDep,
    scale: Literal["month", "day"] = "month",
    months: Annotated[int, Query(ge=1, le=24)] = 12,
    limit: Limit = service.DEFAULT_LIMIT, offset: OffsetQ = 0,
) -> IndexPage[WaterClassItem]:  # fmt: skip
    """GB 3838-2002 class of a water section per CST month or day (the section history's
    rules), with coverage and completeness."""
    return service.water_classes(session, scope, store, code, scale, months, limit, offset)
