"""The carbon accounts' API through the app: submitting a month (201 with its emissions, 422
naming the field, 404 outside the scope — as the archive), the account with its versions, the results in scope,
the factor library, the peak path, the import with its template, recomputation (province only),
and anonymous callers refused."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope

from .conftest import POWER_CODE

PASSWORD = "carbon-api-pass"


@pytest.fixture
def client(engine, app_settings, carbon_world):
    from qingshan.platform.app import create_app

    with session_scope(engine) as s:
        for name, role, region in (("province", Role.PROVINCE, "330000"),
                                   ("hangzhou", Role.CITY, "330100"),
                                   ("ningbo", Role.CITY, "330200")):  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        create_user(s, "plant", PASSWORD, Role.ENTERPRISE, "330106",
                    enterprise_id=carbon_world.power)  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        yield c


def _auth(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _month(eid: int, month: str = "2026-03-01", **more) -> dict:
    return {"enterprise_id": eid, "month": month, "electricity_purchased_mwh": 1000.0,
            "heat_purchased_gj": 200.0, "value_added_10k_yuan": 500.0} | more  # fmt: skip


def test_submit_read_and_scope(client, carbon_world):
    plant, ningbo, hz = _auth(client, "plant"), _auth(client, "ningbo"), _auth(client, "hangzhou")
    r = client.post("/api/v1/carbon/activity", json=_month(carbon_world.power), headers=plant)
    assert r.status_code == 201, r.text
    # 1000 MWh × 0.5703 + 200 GJ × 0.11 = 570.3 + 22.0 = 592.3 tCO2
    assert r.json()["total_tco2"] == pytest.approx(592.3)
    assert {ln["source"] for ln in r.json()["lines"]} == {"electricity", "heat"}
    r = client.post("/api/v1/carbon/activity", json=_month(carbon_world.power,
                    electricity_purchased_mwh=2000.0), headers=hz)  # fmt: skip
    assert r.status_code == 201 and r.json()["total_tco2"] == pytest.approx(1162.6)
    # the plant's user may not submit for the cement works; Ningbo may not read the plant
    r = client.post("/api/v1/carbon/activity", json=_month(carbon_world.cement), headers=plant)
    # out of scope: the archive's 404, the same as a missing enterprise
    r404 = f"no enterprise {carbon_world.cement} in your scope"
    assert r.status_code == 404 and r404 in r.json()["detail"]
    r = client.get(f"/api/v1/carbon/accounts/{carbon_world.power}?year=2026", headers=ningbo)
    assert r.status_code == 404
    r = client.get(f"/api/v1/carbon/accounts/{carbon_world.power}?year=2026", headers=plant)
    assert r.status_code == 200, r.text
    acc = r.json()
    assert acc["credit_code"] == POWER_CODE and acc["total_tco2"] == pytest.approx(1162.6)
    (m,) = acc["months"]
    assert m["revision"] == 2 and m["submitted_by"] == "hangzhou"
    assert [(v["version"], v["current"], v["reason"]) for v in m["versions"]] == [
        (2, True, "activity revised"), (1, False, "computed")]  # fmt: skip
    assert "grid/ets/2022" in acc["factors"]
    assert {w["kind"] for w in acc["warnings"]} >= {"missing_month", "factor"}
    rows = client.get("/api/v1/carbon/results?year_from=2026&year_to=2026", headers=ningbo).json()
    assert rows == []
    rows = client.get("/api/v1/carbon/results?year_from=2026&year_to=2026", headers=hz).json()
    assert [(x["enterprise_id"], x["city_code"], x["electricity_mwh"]) for x in rows] == [
        (carbon_world.power, "330100", 2000.0)]  # fmt: skip


def test_bad_input_answers_422_naming_the_field(client, carbon_world):
    hz = _auth(client, "hangzhou")
    cases = [
        (_month(carbon_world.power, fuels=[{"fuel": "coal", "amount": 1, "unit": "t"}]),
         "unknown fuel 'coal'"),
        (_month(carbon_world.power, fuels=[{"fuel": "natural_gas", "amount": 1, "unit": "t"}]),
         "expected '10^4 Nm3'"),
        (_month(carbon_world.power, month="2026-03-15"), "first day of a month"),
        (_month(carbon_world.power, heat_purchased_gj=-1), "greater than or equal to 0"),
        (_month(carbon_world.power, month="2099-01-01"), "out of range"),
    ]  # fmt: skip
    for body, message in cases:
        r = client.post("/api/v1/carbon/activity", json=body, headers=hz)
        assert r.status_code == 422 and message in r.text, (body, r.text)
    r = client.get("/api/v1/carbon/accounts/999999?year=2026", headers=hz)
    assert r.status_code == 404


def test_factors_peak_path_and_recompute(client, carbon_world):
    hz, zj, plant = _auth(client, "hangzhou"), _auth(client, "province"), _auth(client, "plant")
    factors = client.get("/api/v1/carbon/factors?kind=grid", headers=plant).json()
    ets = next(f for f in factors if f["id"] == "grid/ets/2022")
    assert ets["value"] == 0.5703 and ets["tag"] == "" and ets["valid_to"] == "2025-12-31"
    r = client.put("/api/v1/carbon/peak-path/330100", json={"path": {"2025": 5e7, "2030": 4.5e7}},
                   headers=hz)  # fmt: skip
    assert r.status_code == 200 and r.json()["path"] == {"2025": 5e7, "2030": 4.5e7}
    assert client.put("/api/v1/carbon/peak-path/330200", json={"path": {"2030": 1}},
                      headers=hz).status_code == 403  # fmt: skip
    assert client.get("/api/v1/carbon/peak-path/330100", headers=plant).status_code == 403
    client.post("/api/v1/carbon/activity", json=_month(carbon_world.power), headers=hz)
    body = {"reason": "nothing changed"}
    assert client.post("/api/v1/carbon/recompute", json=body, headers=hz).status_code == 403
    r = client.post("/api/v1/carbon/recompute", json=body, headers=zj)
    assert r.status_code == 200 and r.json()["versions"] == 0


def test_import_and_template(client, carbon_world):
    hz = _auth(client, "hangzhou")
    r = client.get("/api/v1/carbon/import/template", headers=hz)
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["统一社会信用代码", "月份", "外购电力"] and "单位4" in headers
    ws.delete_rows(2, 2)
    ws.append([POWER_CODE, "2026-04", 1000, None, None, 200, None, None, 500, None,
               "natural_gas", 10, "万Nm3"])  # fmt: skip
    ws.append([POWER_CODE, "2026-05", 1000, None, None, 200, None, None, 500, None,
               "natural_gas", 10, "t"])  # fmt: skip
    buf = io.BytesIO()
    ws.parent.save(buf)
    r = client.post("/api/v1/carbon/import", headers=hz,
                    files={"file": ("a.xlsx", buf.getvalue(), "application/octet-stream")})  # fmt: skip
    assert r.status_code == 200, r.text
    rep = r.json()
    assert (rep["rows"], rep["stored"], rep["rejected"]) == (2, 1, 1)
    (p,) = rep["problems"]
    assert (p["row"], p["column"], p["header"]) == (3, "M", "单位1")
    assert "expected '10^4 Nm3'" in p["message"]
    r = client.post("/api/v1/carbon/import", headers=hz,
                    files={"file": ("a.xlsx", b"not a workbook", "application/octet-stream")})  # fmt: skip
    assert r.status_code == 422 and "not an Excel workbook" in r.json()["detail"]


def test_anonymous_is_refused(client, carbon_world):
    for method, url in (("get", "/api/v1/carbon/factors"),
                        ("get", "/api/v1/carbon/results?year_from=2026&year_to=2026"),
                        ("get", f"/api/v1/carbon/accounts/{carbon_world.power}?year=2026"),
                        ("get", "/api/v1/carbon/import/template"),
                        ("get", "/api/v1/carbon/peak-path/330100"),
                        ("post", "/api/v1/carbon/recompute")):  # fmt: skip
        r = getattr(client, method)(url)
        assert r.status_code == 401, (url, r.status_code)
    r = client.post("/api/v1/carbon/activity", json=_month(carbon_world.power))
    assert r.status_code == 401
