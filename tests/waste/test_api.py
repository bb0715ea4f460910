"""The manifests' and facilities' API through the app: a manifest created by the producer's
user and signed by each party's user to closure (201s), the errors with their statuses (403
non-party, 404 out of scope, 409 out of order, 422 unlicensed / bad input), a correction, a
discrepancy opening a case through the registry's sink, the facilities' capacity use."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.cases.models import CaseRecord
from qingshan.db.engine import session_scope

from .manifest_world import PASSWORD, build_world, users

BASE = "/api/v1/waste"


@pytest.fixture
def world(engine):
    with session_scope(engine) as s:
        w = build_world(s)
        users(s, w)
        for name, role, region in (("province", Role.PROVINCE, "330000"),
                                   ("ningbo", Role.CITY, "330200"),
                                   ("wenzhou", Role.CITY, "330300")):  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    return w


@pytest.fixture
def client(engine, app_settings, world):
    from qingshan.platform.app import create_app

    with TestClient(create_app(app_settings)) as c:
        yield c


def _auth(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _draft(w, **more) -> dict:
    return {"producer_id": w.producer, "receiver_id": w.facility,
            "transporter_ids": [w.carrier1, w.carrier2], "waste_code": "900-249-08",
            "quantity_t": 12.0, "transfer_on": "2026-05-12"} | more  # fmt: skip


def _sign(client, who, mid, action, **more):
    return client.post(f"{BASE}/manifests/{mid}/signatures", json={"action": action, **more},
                       headers=who)  # fmt: skip


def test_a_manifest_signed_by_its_three_parties_through_the_api(client, world, engine):
    p, c1, c2, f = (_auth(client, n) for n in ("producer1", "carrier1", "carrier2", "facility1"))
    r = client.post(f"{BASE}/manifests", json=_draft(world), headers=p)
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    assert (r.json()["state"], r.json()["next_signers"][0]) == (
        "draft",
        {"party": "producer", "action": "submit"},
    )
    # out of order: 409 naming what is allowed
    r = _sign(client, c1, mid, "pickup")
    assert r.status_code == 409 and "allowed: producer submit, producer void" in r.text
    for who, action in (
        (p, "submit"),
        (c1, "pickup"),
        (c1, "handover"),
        (c2, "pickup"),
        (c2, "handover"),
    ):
        r = _sign(client, who, mid, action)
        assert r.status_code == 201, r.text
    r = _sign(client, f, mid, "receive", quantity_t=9.0)
    assert r.status_code == 201 and r.json()["discrepancy"] == pytest.approx(-0.25)
    r = _sign(client, p, mid, "close")
    assert r.status_code == 201 and r.json()["state"] == "closed"
    assert [s["username"] for s in r.json()["signatures"]] == [
        "producer1",
        "carrier1",
        "carrier1",
        "carrier2",
        "carrier2",
        "facility1",
        "producer1",
    ]
    with session_scope(engine) as s:  # −25 %: a case through the registry's sink
        case = s.scalars(select(CaseRecord)).one()
        assert (case.source, case.category, case.severity) == ("waste", "solid_waste", "serious")
    r = client.get(f"{BASE}/facilities", params={"year": 2026}, headers=_auth(client, "ningbo"))
    fac = {x["licence_no"]: x for x in r.json()}["浙危废经第3302000001号"]
    assert (fac["received_t"], fac["capacity_use"], fac["codes"]) == (
        9.0,
        0.015,
        ["900-041-49", "HW08"],
    )


def test_errors_and_scope(client, world):
    p, out, wz = _auth(client, "producer1"), _auth(client, "outsider1"), _auth(client, "wenzhou")
    r = client.post(
        f"{BASE}/manifests", json=_draft(world, receiver_id=world.unlicensed), headers=p
    )
    mid = r.json()["id"]
    r = _sign(client, p, mid, "submit")
    assert r.status_code == 422 and "does not cover 900-249-08" in r.text
    # a user of no party: the 404 of a missing manifest (its existence is not revealed)
    r = _sign(client, out, mid, "submit")
    assert r.status_code == 404 and "does not exist or is outside the scope" in r.text
    assert client.get(f"{BASE}/manifests/{mid}", headers=wz).status_code == 404
    assert _sign(client, wz, mid, "submit", paper=True, note="纸质联单").status_code == 404
    assert client.get(f"{BASE}/manifests", headers=wz).json()["total"] == 0
    assert client.get(f"{BASE}/manifests", headers=out).json()["total"] == 0
    assert client.get(f"{BASE}/manifests", headers=p).json()["total"] == 1
    r = client.post(f"{BASE}/manifests", json=_draft(world, waste_code="900-999-08"), headers=p)
    assert (
        r.status_code == 422 and "900-999-08 is not in the National Hazardous Waste List" in r.text
    )
    r = client.post(f"{BASE}/manifests", json=_draft(world, quantity_t=-1), headers=p)
    assert r.status_code == 422
    r = client.post(f"{BASE}/manifests", json=_draft(world, dest_region="320583"), headers=p)
    r = _sign(client, p, r.json()["id"], "submit")
    assert r.status_code == 422 and "Art. 82" in r.text
    client.cookies.clear()  # the logins above left a session cookie
    for url in ("/manifests", "/manifests/1", "/facilities"):
        assert client.get(f"{BASE}{url}").status_code == 401, url
    assert client.post(f"{BASE}/manifests", json=_draft(world)).status_code == 401


def test_a_correction_is_a_new_version(client, world):
    p = _auth(client, "producer1")
    mid = client.post(f"{BASE}/manifests", json=_draft(world), headers=p).json()["id"]
    r = client.post(f"{BASE}/manifests/{mid}/corrections", json={"reason": "过磅复核", "quantity_t": 12.4},
                    headers=p)  # fmt: skip
    assert r.status_code == 201, r.text
    assert [(v["version"], v["quantity_t"]) for v in r.json()["versions"]] == [(1, 12.0), (2, 12.4)]
    r = client.post(f"{BASE}/manifests/{mid}/corrections", json={"reason": "again", "quantity_t": 12.5},
                    headers=p)  # fmt: skip
    assert r.status_code == 422 and "superseded" in r.text
    r = client.post(f"{BASE}/manifests/{mid}/corrections", json={"quantity_t": 12.5}, headers=p)
    assert r.status_code == 422


def test_facilities_are_registered_by_the_province(client, world):
    body = {"enterprise_id": world.carrier2, "licence_no": "浙危废经第3302000009号",
            "licence_valid_from": "2025-01-01", "licence_valid_to": "2029-12-31",
            "capacity_t_per_year": 1000, "codes": ["HW49", "900-249-08"]}  # fmt: skip
    assert (
        client.post(f"{BASE}/facilities", json=body, headers=_auth(client, "producer1")).status_code
        == 403
    )
    assert (
        client.post(f"{BASE}/facilities", json=body, headers=_auth(client, "wenzhou")).status_code
        == 403
    )
    r = client.post(f"{BASE}/facilities", json=body, headers=_auth(client, "province"))
    assert r.status_code == 201 and r.json()[0]["codes"] == ["900-249-08", "HW49"]
    r = client.post(
        f"{BASE}/facilities", json=body | {"codes": ["HW42"]}, headers=_auth(client, "province")
    )
    assert r.status_code == 422 and "unknown category HW42" in r.text
