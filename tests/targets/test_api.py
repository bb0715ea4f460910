"""The targets' API through the app: the board as a city sees it, filing and reviewing a report,
an illegal step answered 409 naming event and state, a county refused filing (403), and the
``qingshan targets load`` command's row errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.targets import service
from qingshan.targets.plan_file import DEFAULT_PLAN, plan_for_year, read_plan_file

PASSWORD = "targets-api-pass"


@pytest.fixture
def client(engine, app_settings):
    from qingshan.platform.app import create_app

    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in (("province", Role.PROVINCE, "330000"),
                                   ("hangzhou", Role.CITY, "330100"),
                                   ("xihu", Role.COUNTY, "330106")):  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        year = service.cst_today().year
        service.load_plan(s, plan_for_year(read_plan_file(DEFAULT_PLAN), year))
    with TestClient(create_app(app_settings)) as c:
        yield c


def _auth(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_file_review_and_read_back(client):
    hz, zj, xihu = _auth(client, "hangzhou"), _auth(client, "province"), _auth(client, "xihu")
    board = client.get("/api/v1/targets", headers=hz).json()
    assert board["region"] == "330100" and len(board["targets"]) == 20
    parks = next(t for t in board["targets"] if t["code"] == "13.2")  # 25 water bodies
    assert list(parks["cities"]) == ["330100"] and parks["cities"]["330100"]["owed"] == 3
    assert parks["cities"]["330100"]["status"] == "no_data"
    yesterday = (service.cst_today() - timedelta(days=1)).isoformat()
    body = {"region_code": "330100", "value": 3, "as_of": yesterday, "note": "三处黑臭水体销号"}
    r = client.post(f"/api/v1/targets/{parks['id']}/reports", json=body, headers=xihu)
    assert r.status_code == 403 and "county account 'xihu'" in r.json()["detail"]
    r = client.post(f"/api/v1/targets/{parks['id']}/reports", json=body, headers=hz)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert r.json()["state"] == "submitted"
    r = client.post(f"/api/v1/targets/reports/{rid}/review", json={"event": "audit"}, headers=zj)
    assert r.status_code == 409
    assert "event 'audit' is not allowed in state 'submitted'" in r.json()["detail"]
    r = client.post(f"/api/v1/targets/reports/{rid}/review", json={"event": "accept"}, headers=zj)
    assert r.json()["state"] == "accepted" and r.json()["reviewed_by"] == "province"
    detail = client.get(f"/api/v1/targets/{parks['id']}", headers=hz).json()
    cell = detail["target"]["cities"]["330100"]
    assert (cell["value"], cell["progress"], cell["status"]) == (3.0, 1.0, "met")
    assert [x["id"] for x in detail["reports"]] == [rid]
    client.cookies.clear()  # the logins set the cookie too
    assert client.get("/api/v1/targets").status_code == 401


def test_the_load_command_names_each_bad_row(tmp_path, engine):
    doc = json.loads(DEFAULT_PLAN.read_text(encoding="utf-8"))
    doc["targets"][0]["comparison"] = "≥"
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    env = {"QINGSHAN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "QINGSHAN_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}  # fmt: skip
    r = subprocess.run([sys.executable, "-m", "qingshan.cli", "targets", "load", str(bad)],
                       capture_output=True, text=True, env=env)  # fmt: skip
    assert r.returncode == 1
    assert "row 1 (main.1), field 'comparison': '≥' is not one of >=, <=, =" in r.stderr
    with session_scope(engine) as s:
        seed_regions(s)
    ok = subprocess.run([sys.executable, "-m", "qingshan.cli", "targets", "load", "--json"],
                        capture_output=True, text=True, env=env)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["targets"] == 20
