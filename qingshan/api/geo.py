"""/regions and /geo/zhejiang-cities.geojson: the administrative regions and city boundaries.

Both are public reference data (no login): region codes are the GB/T 2260 codes of
:mod:`qingshan.geo.regions`; boundaries come from :mod:`qingshan.geo.boundaries`.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from qingshan.geo.boundaries import read_city_boundaries_bytes
from qingshan.geo.regions import PROVINCE_CODE, REGIONS, RegionRecord, children, get_region

router = APIRouter(tags=["geo"])

#: a GB/T 2260 region code is six digits: documented in the schema, checked by the domain
#: (:func:`qingshan.geo.regions.get_region`), whose message names the valid codes
REGION_CODE = {"pattern": r"^\d{6}$"}


class RegionPublic(BaseModel):
    code: str
    name: str
    name_en: str
    level: Literal["province", "city", "county"]
    parent_code: str | None


class RegionNode(RegionPublic):
    children: list[RegionNode] = []


def _public(rec: RegionRecord) -> RegionPublic:
    return RegionPublic(
        code=rec.code,
        name=rec.name,
        name_en=rec.name_en,
        level=rec.level.value,
        parent_code=rec.parent_code,
    )


def _node(rec: RegionRecord) -> RegionNode:
    return RegionNode(**_public(rec).model_dump(), children=[_node(c) for c in children(rec.code)])


@router.get("/regions", response_model=list[RegionNode] | list[RegionPublic])
def list_regions(
    parent: str | None = Query(
        None, json_schema_extra=REGION_CODE, description="only the direct children of this code"
    ),
    level: Literal["province", "city", "county"] | None = Query(None),
    tree: bool = Query(False, description="nest children under their parent"),
) -> list[RegionNode] | list[RegionPublic]:
    """Zhejiang's regions (GB/T 2260): the province, its 11 cities, 90 county-level divisions.

    Flat by default, parents first; ``parent=330100`` gives the counties of 杭州市;
    ``tree=true`` nests them (from ``parent`` if given, else from the province).
    """
    if tree:
        roots = children(parent) if parent is not None else (get_region(PROVINCE_CODE),)
        return [_node(r) for r in roots if level is None or r.level == level]
    rows = children(parent) if parent is not None else tuple(REGIONS.values())
    return [_public(r) for r in rows if level is None or r.level == level]


@router.get("/regions/{code}", response_model=RegionPublic)
def read_region(
    code: str = Path(json_schema_extra=REGION_CODE, description="GB/T 2260 code, e.g. 330100"),
) -> RegionPublic:
    """One region by code; an unknown code answers 404 listing the valid codes."""
    return _public(get_region(code))


@router.get(
    "/geo/zhejiang-cities.geojson",
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}}}},
)
def zhejiang_cities() -> Response:
    """The 11 city boundaries as GeoJSON (lon/lat degrees; from Apache ECharts 4.9.0,
    Apache-2.0)."""
    return Response(
        read_city_boundaries_bytes(),
        media_type="application/geo+json",
        headers={"Cache-Control": "public, max-age=86400"},
    )
