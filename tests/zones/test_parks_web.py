"""污水零直排区 pages through the app (SQLite and PostgreSQL): the list with the status by city,
a park's page with the forms each role may use, a progress report with an evidence file, the
three acceptance steps by the three accounts, an illegal step answered 409 on the page."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.timeutil import CST, utcnow
from qingshan.zones import parks_service as svc
from qingshan.zones.parks_service import ParkDraft, TaskDraft

PASSWORD = "parks-password"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SQUARE = {"type": "Polygon", "coordinates": [[[120.10, 30.20], [120.14, 30.20], [120.14, 30.23],
                                              [120.10, 30.23], [120.10, 30.20]]]}  # fmt: skip


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("zj", Role.PROVINCE, "330000"), ("hz", Role.CITY, "330100"),
                                   ("xh", Role.COUNTY, "330106"), ("nb", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        svc.create_park(s, Scope("330106", Role.COUNTY, username="xh"), ParkDraft(
            code="ZJ-P-9", name="西湖测试园区", region_code="330106", park_type="park",
            level="provincial", batch_year=2026, boundary=SQUARE,
            tasks=[TaskDraft("rain_sewage_separation")]), actor="xh",
            now=datetime(2026, 1, 5, tzinfo=UTC))  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        yield c


def _as(client, username: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_pages_and_the_walk_through_acceptance(client):
    today = utcnow().astimezone(CST).date().isoformat()
    _as(client, "xh")
    r = client.get("/zones/parks")
    assert r.status_code == 200 and "西湖测试园区" in r.text and 'data-city="330100"' in r.text
    pid = int(r.text.split('data-park="')[1].split('"')[0])
    page = client.get(f"/zones/parks/{pid}").text
    assert 'id="qs-zp-progress-form"' in page and 'value="self_check"' in page
    task = int(page.split('data-task="')[1].split('"')[0])
    r = client.post(f"/zones/parks/{pid}/steps", data={"event": "self_check", "result": "pass",
                    "day": today, "reviewer": "西湖区治水办"})  # fmt: skip
    assert r.status_code == 409 and "1 construction task(s) below 100 %" in r.text
    r = client.post(f"/zones/parks/{pid}/progress", data={"task_id": task, "percent": "100",
                    "day": today, "note": "完工"}, files={"file": ("完工.png", PNG, "image/png")},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = client.get(f"/zones/parks/{pid}?done=progress").text
    assert "进度已报送" in page and "/zones/parks/files/" in page
    fid = int(page.split("/zones/parks/files/")[1].split('"')[0])
    assert client.get(f"/zones/parks/files/{fid}").content == PNG
    steps = [("xh", "self_check", "西湖区治水办"), ("hz", "city_review", "杭州市生态环境局"),
             ("zj", "provincial_acceptance", "省治水办验收组")]  # fmt: skip
    for user, event, reviewer in steps:
        _as(client, user)
        r = client.post(f"/zones/parks/{pid}/steps", data={"event": event, "result": "pass",
                        "day": today, "reviewer": reviewer}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 303, r.text
    page = client.get(f"/zones/parks/{pid}").text
    assert 'data-state="accepted"' in page and page.count('data-event="') == 3
    assert 'value="relapse"' in page  # the province may record a relapse
    r = client.get("/zones/parks")
    assert '<b id="qs-zp-accepted-year">1</b>' in r.text
    r = client.get(f"/zones/parks/{pid}?lang=en")
    assert "Provincial acceptance" in r.text and "Zero-direct-discharge zones" in r.text
    _as(client, "nb")  # another city: not found
    assert client.get(f"/zones/parks/{pid}").status_code == 404


def test_registering_a_park_on_the_page(client):
    _as(client, "hz")
    form = {"code": "HZ-NEW-1", "name": "钱塘新区园区", "region_code": "330114", "park_type": "park",
            "level": "national", "batch_year": "2026", "responsible_unit": "钱塘区治水办",
            "boundary": json.dumps(SQUARE), "tasks": ["rain_sewage_separation", "pretreatment"]}  # fmt: skip
    r = client.post("/zones/parks", data=form | {"region_code": "330100"})
    assert r.status_code == 422 and "region_code: 330100 is not a county" in r.text
    assert 'value="钱塘新区园区"' in r.text  # the form comes back filled
    r = client.post("/zones/parks", data=form | {"boundary": '{"type": "Point"'})
    assert r.status_code == 422 and "boundary: not GeoJSON" in r.text
    r = client.post("/zones/parks", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?done=registered")
    page = client.get(r.headers["location"]).text
    assert "园区已登记" in page and "预处理" in page and page.count("data-task=") == 2
    _as(client, "xh")  # 西湖 does not see 钱塘's park
    assert "钱塘新区园区" not in client.get("/zones/parks").text
