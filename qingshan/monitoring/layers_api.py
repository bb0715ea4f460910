"""/air/layers/…, /water/layers/…: the maps' layers at one hour or day of the stored history
(:mod:`qingshan.monitoring.layers`), and the history a time slider can replay."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.api.limits import Day, Time
from qingshan.monitoring import layers
from qingshan.monitoring.layer_schemas import AirLayer, LayerRange, WaterLayer
from qingshan.monitoring.models import SiteKind

router = APIRouter(tags=["monitoring"])

_REGION = Query(
    None,
    pattern=r"^\d{6}$",
    description="GB/T 2260 code within your scope (default: your scope); a county without a "
    "national site of its own also gets its city's national sites, flagged context",
)


@router.get("/air/layers/latest", response_model=AirLayer)
def air_layer_latest(
    session: SessionDep, store: StoreDep, scope: ScopeDep, region: str | None = _REGION
) -> AirLayer:
    """Every air station of the region at its newest hour, with the real-time AQI
    (HJ 633-2026 §5) or why it is withheld (§5.3.1)."""
    return layers.air_layer(session, store, scope, "latest", region=region)


@router.get("/air/layers/hour", response_model=AirLayer)
def air_layer_hour(
    session: SessionDep,
    store: StoreDep,
    scope: ScopeDep,
    time: Annotated[
        Time, Query(description="ISO 8601 (a time without offset is CST); floored to the hour")
    ],
    region: str | None = _REGION,
) -> AirLayer:
    """Every air station of the region at one stored hour (real-time AQI, HJ 633-2026 §5)."""
    return layers.air_layer(session, store, scope, "hour", time, region=region)


@router.get("/air/layers/day", response_model=AirLayer)
def air_layer_day(
    session: SessionDep,
    store: StoreDep,
    scope: ScopeDep,
    date: Annotated[Day, Query(description="the CST day, YYYY-MM-DD")],
    region: str | None = _REGION,
) -> AirLayer:
    """Every air station of the region on one CST day: 24-h means (≥ 20 hours, GB 3095-2012
    §8.2), O3 MDA8 (HJ 663-2013 §6.1.2) and the daily AQI (HJ 633, the edition in force)."""
    return layers.air_layer(session, store, scope, "day", date, region=region)


@router.get("/air/layers/range", response_model=LayerRange)
def air_layer_range(session: SessionDep, store: StoreDep) -> LayerRange:
    """The stored air history: first CST day and newest hour."""
    return layers.layer_range(session, store, SiteKind.AIR_STATION)


@router.get("/water/layers/latest", response_model=WaterLayer)
def water_layer_latest(
    session: SessionDep, store: StoreDep, scope: ScopeDep, region: str | None = _REGION
) -> WaterLayer:
    """Every national and provincial section of the region at its newest hour, classed by
    GB 3838-2002 Table 1."""
    return layers.water_layer(session, store, scope, "latest", region=region)


@router.get("/water/layers/day", response_model=WaterLayer)
def water_layer_day(
    session: SessionDep,
    store: StoreDep,
    scope: ScopeDep,
    date: Annotated[Day, Query(description="the CST day, YYYY-MM-DD")],
    region: str | None = _REGION,
) -> WaterLayer:
    """Every national and provincial section of the region on one CST day, classed on the
    day's mean of each indicator (GB 3838-2002 Table 1)."""
    return layers.water_layer(session, store, scope, "day", date, region=region)


@router.get("/water/layers/range", response_model=LayerRange)
def water_layer_range(session: SessionDep, store: StoreDep) -> LayerRange:
    """The stored water history: first CST day and newest hour."""
    return layers.layer_range(session, store, SiteKind.WATER_SECTION)
