"""The incidents API: a county officer reports, verifies, responds, gives an order and marks it
done; the detail carries the log; an out-of-order stage is 409 naming both stages; bad facts
422 naming the fact; another city 404; an enterprise account of another enterprise sees none;
anonymous 401; the Word report downloads."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

PASSWORD = "incidents-api-pass"
API = "/api/v1/emergency/incidents"


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        ent = Enterprise(credit_code="91330106MA2API0001", name="甲企业",
                         industry=Industry.CHEMICAL, region_code="330106")  # fmt: skip
        s.add(ent)
        s.flush()
        for name, role, region in [("xh", Role.COUNTY, "330106"), ("nb", Role.CITY, "330200")]:
            create_user(s, name, PASSWORD, role, region)
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=ent.id)
    with TestClient(create_app(app_settings)) as c:
        yield c


def _as(client, username: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_api_walk(client):
    assert client.get(API).status_code == 401
    _as(client, "xh")
    body = {"title": "河道油污", "occurred_at": "2026-06-03T02:00:00Z", "region_code": "330106",
            "longitude": 120.12, "latitude": 30.25, "facts": {"evacuated": 10}}  # fmt: skip
    bad = client.post(API, json=body | {"facts": {"casualties": 1}})
    assert bad.status_code == 422 and "casualties" in bad.text
    r = client.post(API, json=body)
    assert r.status_code == 201
    iid = r.json()["id"]
    r = client.post(f"{API}/{iid}/stage", json={"stage": "closed"})
    assert r.status_code == 409 and "'reported'" in r.text and "'closed'" in r.text
    for stage in ("verified", "responding"):
        assert client.post(f"{API}/{iid}/stage", json={"stage": stage}).status_code == 200
    order = client.post(f"{API}/{iid}/orders", json={"to_whom": "监测站", "content": "采样"})
    assert order.status_code == 201
    done = client.post(f"{API}/{iid}/orders/{order.json()['id']}/done", json={"note": "好"})
    assert done.status_code == 201 and done.json()["order_id"] == order.json()["id"]
    d = client.get(f"{API}/{iid}").json()
    assert d["stage"] == "responding" and d["level"] == "IV" and d["lead_tier"] == "county"
    assert [e["kind"] for e in d["log"]] == ["report", "level", "stage", "stage", "order", "done"]
    assert d["log"][4]["done_at"] is not None
    assert client.get(f"{API}/{iid}/report.docx").content[:2] == b"PK"
    assert [r["id"] for r in client.get(API, params={"stage": "responding"}).json()] == [iid]
    _as(client, "nb")
    assert client.get(f"{API}/{iid}").status_code == 404 and client.get(API).json() == []
    _as(client, "ent")
    assert client.get(API).json() == []
    assert client.post(API, json=body).status_code == 403
