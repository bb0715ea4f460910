"""GET /api/v1/regions and /api/v1/geo/zhejiang-cities.geojson through the real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qingshan.config import Settings
from qingshan.platform.app import create_app


@pytest.fixture
def client(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, demo=True, scheduler=False))
    return TestClient(app)  # no lifespan: these routes need no database


def test_flat_list(client):
    rows = client.get("/api/v1/regions").json()
    assert len(rows) == 102
    assert rows[0] == {
        "code": "330000", "name": "浙江省", "name_en": "Zhejiang",
        "level": "province", "parent_code": None,
    }  # fmt: skip


def test_filter_by_parent_and_level(client):
    rows = client.get("/api/v1/regions", params={"parent": "330900"}).json()
    assert [r["name"] for r in rows] == ["定海区", "普陀区", "岱山县", "嵊泗县"]
    cities = client.get("/api/v1/regions", params={"level": "city"}).json()
    assert len(cities) == 11 and {r["parent_code"] for r in cities} == {"330000"}


def test_tree(client):
    (province,) = client.get("/api/v1/regions", params={"tree": "true"}).json()
    assert province["code"] == "330000"
    assert len(province["children"]) == 11
    assert sum(len(c["children"]) for c in province["children"]) == 90
    sub = client.get("/api/v1/regions", params={"tree": "true", "parent": "330100"}).json()
    assert len(sub) == 13 and all(n["children"] == [] for n in sub)


def test_one_region(client):
    assert client.get("/api/v1/regions/330114").json()["name"] == "钱塘区"


def test_unknown_region_is_404_listing_valid_codes(client):
    response = client.get("/api/v1/regions/330104")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "UnknownRegion"
    assert "330102 上城区" in body["detail"]


def test_bad_code_is_422(client):
    response = client.get("/api/v1/regions", params={"parent": "33"})
    assert response.status_code == 422
    assert "expected six digits" in response.json()["detail"]


def test_geojson(client):
    response = client.get("/api/v1/geo/zhejiang-cities.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert len(response.json()["features"]) == 11


def test_counties_geojson_cached_with_etag(client):
    response = client.get("/api/v1/geo/zhejiang-counties.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["cache-control"] == "public, max-age=86400"
    features = response.json()["features"]
    assert len(features) == 90
    xihu = next(f for f in features if f["id"] == "330106")
    assert {k: xihu["properties"][k] for k in ("code", "name", "name_en", "city_code")} == {
        "code": "330106", "name": "西湖区", "name_en": "Xihu District", "city_code": "330100",
    }  # fmt: skip
    etag = response.headers["etag"]
    again = client.get("/api/v1/geo/zhejiang-counties.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    stale = client.get("/api/v1/geo/zhejiang-counties.geojson", headers={"If-None-Match": '"x"'})
    assert stale.status_code == 200 and len(stale.json()["features"]) == 90


def test_cities_geojson_has_its_own_etag(client):
    cities = client.get("/api/v1/geo/zhejiang-cities.geojson")
    counties = client.get("/api/v1/geo/zhejiang-counties.geojson")
    assert cities.headers["etag"] != counties.headers["etag"]
    cached = client.get(
        "/api/v1/geo/zhejiang-cities.geojson", headers={"If-None-Match": cities.headers["etag"]}
    )
    assert cached.status_code == 304


def test_region_place_of_a_county(client):
    body = client.get("/api/v1/geo/regions/330106").json()
    assert {k: body[k] for k in ("code", "name", "name_en", "level", "parent_code")} == {
        "code": "330106", "name": "西湖区", "name_en": "Xihu District", "level": "county",
        "parent_code": "330100",
    }  # fmt: skip
    w, s, e, n = body["bbox"]
    assert w < 120.13 < e and s < 30.25 < n  # 西湖 itself
    assert e - w < 0.3 and n - s < 0.4
    lon, lat = body["center"]
    assert w < lon < e and s < lat < n


def test_region_place_of_city_and_province(client):
    city = client.get("/api/v1/geo/regions/330100").json()
    assert city["level"] == "city" and city["parent_code"] == "330000"
    assert city["bbox"][0] < 118.5  # 淳安 in the west
    province = client.get("/api/v1/geo/regions/330000").json()
    assert province["level"] == "province" and province["parent_code"] is None
    w, s, e, n = province["bbox"]
    assert w < city["bbox"][0] + 0.5 and e > 122.5 and s < 27.2 and n > 31.0


def test_region_place_unknown_is_404(client):
    response = client.get("/api/v1/geo/regions/330104")  # 江干区, merged into 上城区 in 2021
    assert response.status_code == 404
    assert "330102 上城区" in response.json()["detail"]
    assert client.get("/api/v1/geo/regions/110000").status_code == 404
    assert "outside Zhejiang" in client.get("/api/v1/geo/regions/110000").json()["detail"]
