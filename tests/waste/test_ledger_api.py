"""The ledger API through the app: plans, declarations (201, 422 naming the field, 404 outside
the scope), the import and its template, storage lots and alerts, KPIs and a producer's ledger."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.tablefile import write_workbook
from qingshan.waste.declaration_import import COLUMNS

from .ledger_world import CODES, OIL
from .ledger_world import world_fixture as world_fixture  # noqa: F401  (the fixture)

PASSWORD = "waste-ledger-pass"


@pytest.fixture
def client(engine, app_settings, world):
    from qingshan.platform.app import create_app

    with session_scope(engine) as s:
        for name, role, region in (("province", Role.PROVINCE, "330000"),
                                   ("ningbo", Role.CITY, "330200")):  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        create_user(s, "p1", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=world.p1)
    with TestClient(create_app(app_settings)) as c:
        yield c


def _auth(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_plan_declare_store_and_read(client, world):
    p1, prov, nb = _auth(client, "p1"), _auth(client, "province"), _auth(client, "ningbo")
    r = client.put(f"/api/v1/waste/plans/{world.p1}/2026", json={"lines": {OIL: 120}}, headers=p1)
    assert r.status_code == 200 and r.json()[0]["tier"] == "key"
    body = {"enterprise_id": world.p1, "month": "2026-03-01", "waste_code": "90024908",
            "generated_t": 12.5, "self_utilised_t": 0, "self_disposed_t": 0}  # fmt: skip
    r = client.post("/api/v1/waste/declarations", json=body, headers=p1)
    assert r.status_code == 201 and r.json()["waste_code"] == OIL
    r = client.post("/api/v1/waste/declarations", json=body | {"month": "2026-03-05"}, headers=p1)
    assert r.status_code == 422 and "first day of a month" in r.text
    r = client.post("/api/v1/waste/declarations", json=body | {"generated_t": -1}, headers=p1)
    assert r.status_code == 422
    r = client.post("/api/v1/waste/declarations", json=body, headers=nb)
    assert r.status_code == 404 and f"no enterprise {world.p1} in your scope" in r.text
    r = client.post("/api/v1/waste/storage", headers=p1, json={
        "enterprise_id": world.p1, "waste_code": OIL, "stored_on": "2025-11-01", "quantity_t": 2})  # fmt: skip
    assert r.status_code == 201
    lot = r.json()["id"]
    r = client.get("/api/v1/waste/storage/alerts?today=2026-10-15", headers=p1)
    assert [(a["lot_id"], a["days_left"], a["status"]) for a in r.json()] == [
        (lot, 17, "due")
    ]  # 348 days of 365
    assert client.post(f"/api/v1/waste/storage/{lot}/out", json={"out_on": "2026-10-16"},
                       headers=p1).status_code == 204  # fmt: skip
    r = client.get(f"/api/v1/waste/ledger/{world.p1}?year=2026", headers=p1)
    assert r.status_code == 200
    led = r.json()
    assert (led["tier"], led["generated_t"], led["months"][2]["generated_t"]) == ("key", 12.5, 12.5)
    assert client.get(f"/api/v1/waste/ledger/{world.p3}?year=2026", headers=p1).status_code == 404
    r = client.get("/api/v1/waste/kpis/330100?year=2026", headers=prov)
    assert r.status_code == 200 and r.json()["generated_t"] == 12.5
    assert client.get("/api/v1/waste/kpis/330100?year=2026", headers=nb).status_code == 403
    assert client.get("/api/v1/waste/kpis/330100?year=2026", headers=p1).status_code == 403


def test_import_and_template(client, world):
    prov = _auth(client, "province")
    r = client.get("/api/v1/waste/declarations/template", headers=prov)
    assert r.status_code == 200 and r.content.startswith(b"PK")
    book = write_workbook({"申报": (list(COLUMNS), [[CODES["p3"], 2026, 2, OIL, 3, 0, 0],
                                                    [CODES["p3"], 2026, 0, OIL, 3, 0, 0]])})  # fmt: skip
    r = client.post("/api/v1/waste/declarations/import", headers=prov,
                    files={"file": ("d.xlsx", book)})  # fmt: skip
    assert r.status_code == 200
    assert (r.json()["stored"], [p["row"] for p in r.json()["problems"]]) == (1, [3])
