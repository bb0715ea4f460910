"""Request and response bodies of :mod:`qingshan.zones.api`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from qingshan.zones.siting import SitingResult

Lon = Annotated[float, Field(ge=-180, le=180)]
Position = Annotated[list[Lon], Field(min_length=2, max_length=3)]
Ring = Annotated[list[Position], Field(min_length=4, max_length=20_000)]


class PointIn(BaseModel):
    type: Literal["Point"]
    coordinates: Position


class PolygonIn(BaseModel):
    type: Literal["Polygon"]
    coordinates: Annotated[list[Ring], Field(min_length=1, max_length=100)]


class MultiPolygonIn(BaseModel):
    type: Literal["MultiPolygon"]
    coordinates: Annotated[list[Annotated[list[Ring], Field(min_length=1, max_length=100)]],
                           Field(min_length=1, max_length=100)]  # fmt: skip


class SitingRequest(BaseModel):
    """A site (GeoJSON geometry, longitude first, CGCS2000 / WGS 84) and its project."""

    site: Annotated[PointIn | PolygonIn | MultiPolygonIn, Field(discriminator="type")]
    industry: Annotated[
        str,
        Field(
            pattern=r"^[A-Ta-t]?\d{0,4}$",
            min_length=1,
            max_length=5,
            description="GB/T 4754-2017 code, e.g. C2614 or 2614",
        ),
    ]
    discharges: bool = Field(True, description="whether the project discharges pollutants")
    on: date | None = Field(None, description="the day whose layers apply (default today)")


class LayerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    name: str
    version: str
    region_code: str
    valid_from: date
    valid_to: date | None
    crs: str
    source: str
    synthetic: bool
    warnings: list[str]
    imported_at: datetime
    imported_by: str


class RulePublic(BaseModel):
    prefix: str
    verdict: str
    clause: str
    discharging_only: bool


class HitPublic(BaseModel):
    layer_id: int
    layer_kind: str
    layer_name: str
    layer_version: str
    feature_id: int
    code: str
    name: str
    unit_type: str | None
    level: str | None
    site_code: str | None
    requirements: dict[str, list[str]]
    rules: list[RulePublic]
    verdict: str
    deciding_rule: RulePublic | None
    boundary_m: float | None = Field(
        None, description="distance to the feature's boundary [m]: 0 crossing or touching it, "
                          "else how deep inside the site lies")  # fmt: skip


class NearMissPublic(BaseModel):
    """A feature the site does not touch, within the near-miss distance."""

    layer_id: int
    layer_kind: str
    layer_name: str
    layer_version: str
    feature_id: int
    code: str
    name: str
    unit_type: str | None
    level: str | None
    distance_m: float


class SitingResultPublic(BaseModel):
    industry: str
    discharges: bool
    verdict: str
    decided_by: HitPublic | None
    hits: list[HitPublic]
    near: list[NearMissPublic] = Field(
        default_factory=list, description="features not touched within near_m metres, nearest first"
    )
    near_m: float = Field(1000.0, description="the near-miss distance [m]")
    metric_crs: str | None = Field(
        None, description="the plane distances are measured on (CGCS2000 3-degree Gauss–Krüger)"
    )


def _rule(r: object) -> RulePublic:
    return RulePublic.model_validate(r, from_attributes=True)


def siting_public(res: SitingResult) -> SitingResultPublic:
    hits = [
        HitPublic(
            layer_id=h.feature.layer_id,
            layer_kind=h.feature.layer_kind.value,
            layer_name=h.feature.layer_name,
            layer_version=h.feature.layer_version,
            feature_id=h.feature.feature_id,
            code=h.feature.code,
            name=h.feature.name,
            unit_type=h.feature.unit_type,
            level=h.feature.level,
            site_code=h.feature.site_code,
            requirements=h.feature.requirements,
            rules=[_rule(r) for r in h.applicable],
            verdict=h.verdict.value,
            deciding_rule=_rule(h.deciding) if h.deciding else None,
            boundary_m=None if h.boundary_m is None else round(h.boundary_m, 1),
        )  # fmt: skip
        for h in res.hits
    ]
    decided = hits[list(res.hits).index(res.decided_by)] if res.decided_by else None
    near = [NearMissPublic(layer_id=n.feature.layer_id, layer_kind=n.feature.layer_kind.value,
                           layer_name=n.feature.layer_name, layer_version=n.feature.layer_version,
                           feature_id=n.feature.feature_id, code=n.feature.code, name=n.feature.name,
                           unit_type=n.feature.unit_type, level=n.feature.level,
                           distance_m=round(n.distance_m, 1)) for n in res.near]  # fmt: skip
    return SitingResultPublic(industry=res.industry, discharges=res.discharges,
                              verdict=res.verdict.value, decided_by=decided, hits=hits, near=near,
                              near_m=res.near_m,
                              metric_crs=f"EPSG:{res.metric_epsg}" if res.metric_epsg else None)  # fmt: skip
