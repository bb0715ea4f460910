"""Where the demo puts its sites, and the county each one is in (issue #13).

Every site's ``region_code`` is the GB/T 2260 county its coordinates lie in
(:func:`qingshan.geo.counties.place`), never a county drawn at random. Synthetic sites are
scattered around their city's centre and pulled back inside the city when the scatter lands
beyond it (in another city, the sea or another province). Real sites whose coordinates are not
published (the national water sections) are put at their named place where
``data/water_section_places.csv`` knows it, else spread over their city on a fixed spiral so
that none stack on one point; both are marked ``attrs["placement"] = "approximate"``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from qingshan.geo.counties import (
    county_at,
    county_in_city,
    place,
    read_county_boundaries,
    region_extent,
)
from qingshan.geo.regions import get_region
from qingshan.sim.cities import City, city_by_name
from qingshan.sim.reference import read_water_section_places

GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
"""[radians] the angle between successive points of a sunflower spiral (≈ 137.5°)."""

APPROXIMATE = "approximate"
EXACT = "exact"


def pull_inside(city: City, lon: float, lat: float) -> tuple[float, float]:
    """(``lon``, ``lat``) if it lies in a county of ``city``, else the point moved towards the
    city's centre (halving the offset, up to 8 times) until it does; the centre as a last
    resort. Deterministic: no random draw."""
    dx, dy = lon - city.lon, lat - city.lat
    for _ in range(9):
        x, y = round(city.lon + dx, 4), round(city.lat + dy, 4)
        if county_in_city(x, y, city.code):
            return x, y
        dx, dy = dx / 2, dy / 2
    return city.lon, city.lat


def spread_in_city(city: City, i: int, n: int, radius: float | None = None) -> tuple[float, float]:
    """The ``i``-th of ``n`` positions on a sunflower spiral around ``city``'s centre [degrees],
    pulled inside the city: evenly spread, the same on every run, none on top of another
    (for sites known only by their city).

    ``radius`` [degrees] defaults to the city's ``spread``.
    """
    r = (city.spread if radius is None else radius) * math.sqrt((i + 0.5) / max(n, 1))
    theta = i * GOLDEN_ANGLE
    return pull_inside(city, city.lon + r * math.cos(theta), city.lat + r * math.sin(theta))


@cache
def whole_city(city: City) -> City:
    """``city`` centred on the middle of its bounding box instead of its urban core (when that
    middle lies in the city): for sites spread over the whole city, as rivers and reservoirs
    are — 杭州's core sits at its north-east corner, 淳安 and 建德 200 km to the south-west."""
    w, s, e, n = region_extent(city.code).bbox
    lon, lat = round((w + e) / 2, 4), round((s + n) / 2, 4)
    if not county_in_city(lon, lat, city.code):
        return city
    return replace(city, lon=lon, lat=lat)


def region_of(lon: float | None, lat: float | None, city_code: str) -> str:
    """The county code of the point, else ``city_code`` (no coordinates, or far from every
    county)."""
    return place(lon, lat, city_code)


def scatter_in_city(
    rng: np.random.Generator, city: City, scale: float = 1.0
) -> tuple[float, float]:
    """A random point around ``city``'s centre (normal, σ = spread/2, clipped at the spread;
    two draws) pulled inside the city."""
    dx, dy = np.clip(rng.normal(0.0, 0.5, 2), -1.0, 1.0) * city.spread * scale
    return pull_inside(city, city.lon + float(dx), city.lat + float(dy))


def disambiguate(names: list[str], regions: Iterable[str]) -> list[str]:
    """Names made unique: a name that more than one site shares is prefixed with its county's
    name (``南湖坝前`` in 萧山区 and in 余杭区 → ``萧山区南湖坝前``, ``余杭区南湖坝前``); a
    name still shared within one county gets ``（2）``, ``（3）`` … after the first."""
    regions = list(regions)
    counts = Counter(names)
    out = [
        f"{get_region(r).name}{n}" if counts[n] > 1 and r != "330000" else n
        for n, r in zip(names, regions, strict=True)
    ]
    seen: Counter[str] = Counter()
    for i, n in enumerate(out):
        seen[n] += 1
        if seen[n] > 1:
            out[i] = f"{n}（{seen[n]}）"
    return out


def national_section_positions(national: pd.DataFrame) -> list[tuple[float, float, str]]:
    """(lon, lat, location note) of each national section of ``national`` (columns ``name``,
    ``city``): its named place from ``data/water_section_places.csv`` where known, else a
    place on its city's spiral (:func:`spread_in_city`, 0.9 of the city's spread). All are
    approximate: CNEMC publishes no coordinates."""
    places = read_water_section_places()
    unplaced = Counter(c for c, n in zip(national["city"], national["name"], strict=True)
                       if n not in places.index)  # fmt: skip
    seen: Counter[str] = Counter()
    out = []
    for name, city_name in zip(national["name"], national["city"], strict=True):
        if name in places.index:
            known = places.loc[name]
            note = f"approximate: at the named place {known['place']} ({known['basis']})"
            out.append((float(known["lon"]), float(known["lat"]), note))
            continue
        city = city_by_name(city_name)
        lon, lat = spread_in_city(city, seen[city_name], unplaced[city_name], city.spread * 0.9)
        seen[city_name] += 1
        out.append((lon, lat, "approximate: spread within the city (coordinates not published)"))
    return out


def unique_site_names(rows: list[dict]) -> list[dict]:
    """Synthetic sites (not national) of one map sharing a name are told apart by their
    county's name (:func:`disambiguate`; sections and drinking-water sources share the water
    map). Changes ``rows`` in place and returns them."""

    def layer(kind: str) -> str:
        return "water" if kind in ("water_section", "drinking_water_source") else kind

    for key in {layer(r["kind"]) for r in rows}:
        group = [r for r in rows if layer(r["kind"]) == key and r["control_level"] != "national"]
        new = disambiguate([r["name"] for r in group], [r["region_code"] for r in group])
        for r, name in zip(group, new, strict=True):
            r["name"] = name
    return rows


@cache
def _county_shapes() -> dict[str, tuple[Any, tuple[float, ...]]]:
    """Each county's prepared boundary and its box (the county file read once)."""
    import shapely.prepared
    from shapely.geometry import shape

    out = {}
    for f in read_county_boundaries()["features"]:
        g = shape(f["geometry"])
        out[str(f["id"])] = (shapely.prepared.prep(g), tuple(g.bounds))
    return out


def point_in_county(rng: np.random.Generator, county: str) -> tuple[float, float]:
    """A random point (5 decimals) inside ``county``'s boundary, checked again with
    :func:`~qingshan.geo.counties.county_at`; the county's centre if 400 draws miss."""
    from shapely.geometry import Point

    poly, (w, s, e, n) = _county_shapes()[county]
    for _ in range(400):
        lon, lat = float(rng.uniform(w, e)), float(rng.uniform(s, n))
        if poly.contains(Point(lon, lat)) and county_at(lon, lat) == county:
            return round(lon, 5), round(lat, 5)
    return region_extent(county).center
