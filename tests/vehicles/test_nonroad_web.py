"""/vehicles/nonroad: the registry page scoped to the viewer, the register form and the file
import with their errors named, the low-emission-zone hits and their cases (idempotent)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.cases.models import CaseRecord
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.zones import service as zones_service
from qingshan.zones.layers import LayerKind
from qingshan.zones.service import LayerMeta

PASSWORD = "nonroad-password"
SQUARE = [[120.10, 30.20], [120.20, 30.20], [120.20, 30.30], [120.10, 30.30], [120.10, 30.20]]
LEZ = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
    "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    "properties": {"code": "LEZ-1", "name": "西湖禁用区", "level": "国II"}}]}).encode()  # fmt: skip
CSV = ("环保编码,机械类型,排放阶段,额定功率,所属单位,行政区划代码,登记日期,作业地点,经度,纬度\n"
       "HZ000001,挖掘机,国二,92,甲公司,330106,2024-03-01,湖滨工地,120.16,30.25\n"
       "HZ000002,叉车,国三,40,甲公司,330106,2024-03-01,湖滨工地,120.16,30.25\n")  # fmt: skip


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("hz", Role.CITY, "330100"), ("nb", Role.CITY, "330200"),
                                   ("pub", Role.PUBLIC, "330000")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        zones_service.import_layer(s, Scope("330100", Role.CITY, username="hz"),
                                   LayerMeta(LayerKind.LOW_EMISSION, "杭州禁用区", "2024", "330100", date(2024, 1, 1)),
                                   LEZ, "lez.geojson", actor="hz", now=datetime(2024, 1, 1, tzinfo=UTC))  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        yield c


def _as(client, username: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_register_import_lez_and_cases(client, engine):
    _as(client, "hz")
    r = client.get("/vehicles/nonroad")
    assert r.status_code == 200 and 'id="qs-nr-empty"' in r.text and 'id="qs-nr-no-hits"' in r.text
    bad = CSV + "HZ000003,坦克,国二,,乙,330106,2024-01-01,,,\n"
    r = client.post(
        "/vehicles/nonroad/import", files={"file": ("m.csv", bad.encode("gbk"), "text/csv")}
    )
    assert (
        r.status_code == 422
        and "row 4: kind: &#39;坦克&#39; is not a GB 36886-2018 scope type" in r.text
    )
    r = client.post("/vehicles/nonroad/import", files={"file": ("m.csv", CSV.encode("gbk"), "text/csv")},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    r = client.post("/vehicles/nonroad", data={"code": "HZ000009", "kind": "roller", "engine_stage": "国IV",
                    "owner": "丙", "region_code": "330206", "registered": "2025-01-01"})  # fmt: skip
    assert r.status_code == 422 and "region_code: 330206 is outside your scope (330100)" in r.text
    page = client.get("/vehicles/nonroad").text
    assert 'data-code="HZ000001"' in page and 'data-code="HZ000002"' in page
    assert page.count("data-machine=") == 1 and 'data-machine="HZ000001"' in page  # 国III allowed
    for _ in range(2):
        r = client.post("/vehicles/nonroad/lez-cases", follow_redirects=False)
        assert r.status_code == 303
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1
    _as(client, "nb")
    assert 'id="qs-nr-empty"' in client.get("/vehicles/nonroad").text
    _as(client, "pub")
    assert client.get("/vehicles/nonroad").status_code == 403
