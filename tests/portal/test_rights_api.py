"""The emission-rights API: a county officer allocates and records a trade; a refused movement
is 422 with its reason and stores nothing; balances, the county report, the reserve and the
statement read back (also as CSV and Excel); an enterprise account reads only its own statement;
a cap change asked by the county is decided by the city, not the county; anonymous 401."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from portal.rights_fixtures import seed
from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.platform.app import create_app

PASSWORD = "rights-api-pass"
API = "/api/v1/portal/rights"


@pytest.fixture
def client(engine, app_settings):
    ids = seed(engine)
    with session_scope(engine) as s:
        create_user(s, "xh", PASSWORD, Role.COUNTY, "330106")
        create_user(s, "hz", PASSWORD, Role.CITY, "330100")
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=ids["西湖热电"])
    with TestClient(create_app(app_settings)) as c:
        c.ids = ids  # type: ignore[attr-defined]
        yield c


def _as(client, username: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_api_walk(client):
    dye, power = client.ids["西湖印染"], client.ids["西湖热电"]
    assert client.get(f"{API}/balances").status_code == 401
    _as(client, "xh")
    alloc = {"kind": "allocation", "pollutant": "COD", "to": {"kind": "enterprise", "enterprise_id": dye},
             "from": {"kind": "issuance"}, "amount_t": 40, "on": "2026-01-10", "document_no": "西环排1号"}  # fmt: skip
    assert client.post(f"{API}/movements", json=alloc).status_code == 201
    trade = alloc | {"kind": "trade", "from": {"kind": "enterprise", "enterprise_id": dye},
                     "to": {"kind": "enterprise", "enterprise_id": power}, "amount_t": 15,
                     "on": "2026-03-01", "document_no": "交易1号", "value_yuan": 90000}  # fmt: skip
    assert client.post(f"{API}/movements", json=trade).status_code == 201
    too_much = client.post(f"{API}/movements", json=trade | {"amount_t": 25.5})
    assert too_much.status_code == 422
    assert too_much.json()["context"]["reason"] == "insufficient_balance", too_much.text
    bad_lease = client.post(
        f"{API}/movements", json=trade | {"kind": "lease", "lease_end": "2026-02-01"}
    )
    assert bad_lease.status_code == 422 and "before it starts" in bad_lease.text
    rows = client.get(f"{API}/balances", params={"year": 2026}).json()
    assert {(r["enterprise_id"], r["closing"]) for r in rows} == {(dye, 25.0), (power, 15.0)}
    report = client.get(f"{API}/report", params={"year": 2026}).json()
    assert report[0]["traded"] == 15 and report[0]["traded_value_yuan"] == 90000
    csv = client.get(f"{API}/balances", params={"year": 2026, "format": "csv"})
    assert csv.status_code == 200 and "closing" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"{API}/statement/{dye}", params={"year": 2026, "format": "xlsx"})
    frame = pd.read_excel(io.BytesIO(xlsx.content))
    assert list(frame["balance"]) == [40, 25]
    assert client.get(f"{API}/reserve").status_code == 200
    # a cap change asked by the county: the county cannot decide it, the city can
    change = client.post(f"{API}/cap-changes", json={"enterprise_id": dye, "pollutant": "SO2",
                                                    "cap_t": 5, "reason": "新增锅炉"})  # fmt: skip
    assert change.status_code == 201
    cid = change.json()["id"]
    assert (
        client.post(f"{API}/cap-changes/{cid}/decision", json={"approve": True}).status_code == 403
    )
    _as(client, "hz")
    decided = client.post(f"{API}/cap-changes/{cid}/decision", json={"approve": True})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    # the enterprise reads its own statement, not another's, and records nothing
    _as(client, "ent")
    mine = client.get(f"{API}/statement/{power}", params={"year": 2026}).json()
    assert [(ln["kind"], ln["amount"], ln["counterpart"]) for ln in mine] == [
        ("trade", 15.0, "西湖印染")
    ]
    assert client.get(f"{API}/statement/{dye}", params={"year": 2026}).status_code == 404
    assert [
        r["enterprise_id"] for r in client.get(f"{API}/balances", params={"year": 2026}).json()
    ] == [power]
    assert client.post(f"{API}/movements", json=alloc).status_code == 403
    assert client.get(f"{API}/report").status_code == 403
