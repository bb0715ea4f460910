"""Boundaries as the maps draw them (issue #14): the city outlines simplified within their
tolerance, a city's counties alone, through the API with their own ETags."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from qingshan.config import Settings
from qingshan.geo.boundaries import read_city_boundaries
from qingshan.geo.display import (
    CITY_TOLERANCE,
    read_city_counties_bytes,
    read_display_cities_bytes,
    simplify_geometry,
    simplify_line,
)
from qingshan.geo.errors import GeoError, UnknownRegion
from qingshan.platform.app import create_app


def _distance_to_outline(p: np.ndarray, ring: np.ndarray) -> float:
    """The distance from ``p`` to the nearest segment of ``ring`` [degrees]."""
    a, b = ring[:-1], ring[1:]
    ab, ap = b - a, p - a
    den = np.where((ab**2).sum(axis=1) == 0, 1.0, (ab**2).sum(axis=1))
    t = np.clip((ap * ab).sum(axis=1) / den, 0, 1)
    return float(np.hypot(*(ap - t[:, None] * ab).T).min())


def test_a_point_off_the_line_by_more_than_the_tolerance_is_kept():
    line = np.array([[0, 0], [1, 0.0004], [2, 0.002], [3, 0], [4, 0]], dtype=float)
    out = simplify_line(line, 0.001)
    # (1, 0.0004) lies 0.0004 from the chord (0,0)-(2,0.002)... dropped; (2, 0.002) kept
    assert out.tolist() == [[0, 0], [2, 0.002], [4, 0]]
    assert simplify_line(line, 0.0001).tolist() == line.tolist()
    assert simplify_line(line[:2], 1.0).tolist() == line[:2].tolist()


def test_a_closed_ring_stays_closed_and_a_tiny_one_whole():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    g = simplify_geometry({"type": "Polygon", "coordinates": [square]}, 0.001)
    assert g["coordinates"][0] == square
    tiny = [[0, 0], [0.0001, 0], [0.0001, 0.0001], [0, 0]]
    g = simplify_geometry({"type": "Polygon", "coordinates": [tiny]}, 0.001)
    assert g["coordinates"][0] == tiny  # fewer than 4 points left: kept as it was
    with pytest.raises(GeoError, match="cannot simplify a Point: Polygon or MultiPolygon"):
        simplify_geometry({"type": "Point", "coordinates": [0, 0]}, 0.001)


def test_the_cities_drawn_stay_within_the_tolerance_of_the_source():
    source = read_city_boundaries()
    drawn = json.loads(read_display_cities_bytes())
    assert [f["properties"] for f in drawn["features"]] == [
        f["properties"] for f in source["features"]
    ]
    kept = total = 0
    worst = 0.0
    for f, g in zip(source["features"], drawn["features"], strict=True):
        rings = lambda geo: (  # noqa: E731
            geo["coordinates"] if geo["type"] == "Polygon" else
            [r for poly in geo["coordinates"] for r in poly]
        )  # fmt: skip
        for src, out in zip(rings(f["geometry"]), rings(g["geometry"]), strict=True):
            src_a, out_a = np.array(src), np.array(out)
            assert out_a[0].tolist() == out_a[-1].tolist()  # closed
            total += len(src_a)
            kept += len(out_a)
            # every source point lies within the tolerance (and the rounding) of the outline
            for p in src_a[:: max(1, len(src_a) // 200)]:
                worst = max(worst, _distance_to_outline(p, out_a))
    assert worst <= CITY_TOLERANCE + 1e-4
    assert total == 18_488 and kept == 12_292  # a third of the points dropped
    assert len(read_display_cities_bytes()) < 240_000


def test_one_citys_counties():
    hz = json.loads(read_city_counties_bytes("330100"))
    assert len(hz["features"]) == 13
    assert {f["properties"]["city_code"] for f in hz["features"]} == {"330100"}
    assert "西湖区" in {f["properties"]["name"] for f in hz["features"]}
    with pytest.raises(
        UnknownRegion, match=r"'330106' is not a city of 浙江省; valid city codes: 330100 杭州市"
    ):
        read_city_counties_bytes("330106")


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(Settings(data_dir=tmp_path, demo=True, scheduler=False)))


def test_the_api_serves_the_drawn_outlines_and_the_source_on_request(client):
    drawn = client.get("/api/v1/geo/zhejiang-cities.geojson")
    full = client.get("/api/v1/geo/zhejiang-cities.geojson?detail=full")
    assert drawn.status_code == full.status_code == 200
    assert drawn.content == read_display_cities_bytes()
    assert len(full.content) == 424_990 and drawn.headers["etag"] != full.headers["etag"]
    again = client.get(
        "/api/v1/geo/zhejiang-cities.geojson", headers={"If-None-Match": drawn.headers["etag"]}
    )
    assert again.status_code == 304
    r = client.get("/api/v1/geo/zhejiang-cities.geojson?detail=fine")
    assert r.status_code == 422 and "'display' or 'full'" in r.text


def test_the_api_serves_one_citys_counties(client):
    r = client.get("/api/v1/geo/zhejiang-counties.geojson?city=330100")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    assert len(r.json()["features"]) == 13
    assert r.headers["etag"] != client.get("/api/v1/geo/zhejiang-counties.geojson").headers["etag"]
    nb = client.get("/api/v1/geo/zhejiang-counties.geojson?city=330200")
    assert {f["properties"]["city_code"] for f in nb.json()["features"]} == {"330200"}
    r = client.get("/api/v1/geo/zhejiang-counties.geojson?city=330106")
    assert r.status_code == 404 and "not a city of 浙江省" in r.json()["detail"]
    r = client.get("/api/v1/geo/zhejiang-counties.geojson?city=33")
    assert r.status_code == 422 and "expected six digits" in r.json()["detail"]
