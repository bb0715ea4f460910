"""突发环境事件 pages through the app: /emergency leads to the list; a county officer reports an
incident on the form (a bad one answered on the form, nothing stored), verifies and responds,
gives an order and marks it done, adds a point with readings; an out-of-order stage is answered
on the page naming both stages; the Word report downloads; another city sees nothing."""

from __future__ import annotations

import io

import pytest
from docx import Document
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

PASSWORD = "incidents-password"


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("hz", Role.CITY, "330100"), ("xh", Role.COUNTY, "330106"),
                                   ("nb", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    with TestClient(create_app(app_settings)) as c:
        yield c


def _as(client, username: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


FORM = {"title": "印染厂废水泄漏入河", "occurred_at": "2026-06-03T10:05", "region_code": "330106",
        "longitude": "120.12", "latitude": "30.25", "description": "管道破裂",
        "fact_evacuated": "120", "fact_direct_loss_yuan": "1250000"}  # fmt: skip


def test_report_respond_order_readings_report(client):
    _as(client, "xh")
    r = client.get("/emergency", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/emergency/incidents"
    assert 'id="qs-emi-empty"' in client.get("/emergency/incidents").text
    assert 'id="qs-emi-report-form"' in client.get("/emergency/incidents/new").text
    bad = client.post("/emergency/incidents", data=FORM | {"fact_deaths": "-2"})
    assert bad.status_code == 422 and "facts.deaths" not in bad.text and "deaths" in bad.text
    assert 'id="qs-emi-empty"' in client.get("/emergency/incidents").text
    r = client.post("/emergency/incidents", data=FORM, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"].split("?")[0]
    page = client.get(url).text
    assert 'data-stage="reported"' in page and 'id="qs-emi-to-verified"' in page
    assert "1,250,000" in page
    r = client.post(f"{url}/stage", data={"stage": "closed"})
    assert r.status_code == 409 and "&#39;closed&#39;" in r.text and "&#39;reported&#39;" in r.text
    for stage in ("verified", "responding"):
        assert client.post(f"{url}/stage", data={"stage": stage}).status_code == 200
    client.post(f"{url}/orders", data={"to_whom": "区应急监测站", "content": "下游布点采样"})
    page = client.get(url).text
    order_id = int(page.split('id="qs-emi-done-')[1].split('"')[0])
    client.post(f"{url}/orders/{order_id}/done", data={"note": "已完成"})
    client.post(f"{url}/points", data={"name": "下游1km", "longitude": "120.13", "latitude": "30.25",
                                       "parameter": "w21003", "standard_value": "1.0"})  # fmt: skip
    page = client.get(url).text
    point_id = int(page.split('class="qs-emi-point" data-point="')[1].split('"')[0])
    r = client.post(f"{url}/points/{point_id}/readings",
                    files={"file": ("r.csv", "时间,值\n2026-06-03 11:00,2.5\n2026-06-03 12:00,0.8\n".encode("gbk"))},
                    data={"readings": ""})  # fmt: skip
    assert r.status_code == 200
    page = client.get(url).text
    assert 'id="qs-emi-chart-' in page and "✓" in page
    english = client.get(url, params={"lang": "en"}).text
    assert "Timeline" in english and "Move to: Monitoring" in english
    doc = client.get(f"{url}/report.docx")
    assert doc.status_code == 200
    cells = " ".join(c.text for t in Document(io.BytesIO(doc.content)).tables
                     for row in t.rows for c in row.cells)  # fmt: skip
    assert "下游布点采样" in cells and "下游1km" in cells
    _as(client, "nb")
    assert client.get(url).status_code == 404
    assert 'id="qs-emi-empty"' in client.get("/emergency/incidents").text
