"""Response and request bodies of :mod:`qingshan.zones.fences_api`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from qingshan.zones.fences import MAX_RADIUS_M, MIN_RADIUS_M


class FencePublic(BaseModel):
    """A fence: the site it guards, its basis (``buffer`` of ``radius_m`` metres or the source's
    一级 ``zone``) and its polygon (GeoJSON, CGCS2000 lon/lat)."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    site_code: str
    site_kind: str
    name: str
    region_code: str
    site_lon: float
    site_lat: float
    basis: str
    radius_m: float
    radius_custom: bool
    geometry: dict[str, Any]
    generated_at: datetime
    updated_by: str


class FenceAlertPublic(BaseModel):
    """An event inside a fence: its kind (outlet, case, complaint) and ref, the distance to the
    fence's site [m], when first and last seen, who acknowledged it, the case it opened."""

    id: int
    site_code: str
    site_name: str
    event_kind: str
    event_ref: str
    label: str
    lon: float
    lat: float
    distance_m: float
    first_seen: datetime
    last_seen: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    case_ref: str | None


class RadiusIn(BaseModel):
    radius_m: Annotated[float, Field(ge=MIN_RADIUS_M, le=MAX_RADIUS_M,
                                     description="the fence's radius in metres")]  # fmt: skip


def alert_public(alert: Any, fence: Any) -> FenceAlertPublic:
    return FenceAlertPublic(
        id=alert.id, site_code=fence.site_code, site_name=fence.name, event_kind=alert.event_kind,
        event_ref=alert.event_ref, label=alert.label, lon=alert.lon, lat=alert.lat,
        distance_m=alert.distance_m, first_seen=alert.first_seen, last_seen=alert.last_seen,
        acknowledged_by=alert.acknowledged_by, acknowledged_at=alert.acknowledged_at,
        case_ref=alert.case_ref,
    )  # fmt: skip
