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
