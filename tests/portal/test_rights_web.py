"""The 排污权 pages: a county officer reads the accounts, the year report, the reserve and a
statement (Chinese first, English with ?lang=en); an empty region explains itself; an
enterprise account lands on its own statement and cannot open another's."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from portal.rights_fixtures import NOW, XIHU, seed
from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.platform.app import create_app
from qingshan.portal.rights import service
from qingshan.portal.rights.service import Party

PASSWORD = "rights-web-pass"


@pytest.fixture
def client(engine, app_settings):
    ids = seed(engine)
    with session_scope(engine) as s:
        create_user(s, "xh", PASSWORD, Role.COUNTY, "330106")
        create_user(s, "nb", PASSWORD, Role.CITY, "330200")
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=ids["西湖热电"])
        for name, t in (("西湖印染", 40), ("西湖热电", 20)):
            service.record_movement(s, XIHU, kind="allocation", pollutant="COD",
                                    to=Party("enterprise", ids[name]), from_=Party("issuance"),
                                    amount_t=t, on=date(2026, 1, 10), document_no="西环排1号", now=NOW)  # fmt: skip
        service.record_movement(s, XIHU, kind="reserve_purchase", pollutant="COD",
                                to=Party("reserve", region_code="330106"),
                                from_=Party("enterprise", ids["西湖印染"]), amount_t=4,
                                on=date(2026, 2, 1), document_no="收储1号", now=NOW, value_yuan=16000)  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        c.ids = ids  # type: ignore[attr-defined]
        yield c


def _as(client, username: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_pages(client):
    dye, power = client.ids["西湖印染"], client.ids["西湖热电"]
    _as(client, "xh")
    page = client.get("/rights", params={"year": 2026})
    assert page.status_code == 200 and "排污权" in page.text and "西湖印染" in page.text
    assert "年末余额" in page.text and 'href="/rights"' in page.text  # the nav item
    report = client.get("/rights/report", params={"year": 2026})
    assert report.status_code == 200 and "西湖区" in report.text and "收储" in report.text
    reserve = client.get("/rights/reserve", params={"on": "2026-12-31"})
    assert reserve.status_code == 200 and "16,000" in reserve.text
    stmt = client.get(f"/rights/enterprises/{dye}", params={"year": 2026})
    assert stmt.status_code == 200 and "收储" in stmt.text and "-4" in stmt.text
    # the form: a sale beyond the balance is refused with its reason, a right one recorded
    form = {"kind": "trade", "pollutant": "COD", "from_kind": "enterprise", "from_ref": str(dye),
            "to_kind": "enterprise", "to_ref": str(power), "amount_t": "36.5", "on": "2026-03-01",
            "document_no": "交易9号", "value_yuan": "150000"}  # fmt: skip
    refused = client.post("/rights/movements", data=form)
    assert refused.status_code == 422 and "insufficient balance" in refused.text
    ok = client.post("/rights/movements", data=form | {"amount_t": "6"}, follow_redirects=True)
    assert ok.status_code == 200 and "已登记" in ok.text
    _as(client, "nb")
    assert "尚无排污权账户" in client.get("/rights", params={"year": 2026}).text
    _as(client, "ent")
    own = client.get("/rights", params={"year": 2026}, follow_redirects=True)
    assert own.url.path == f"/rights/enterprises/{power}" and "初始分配" in own.text
    assert client.get(f"/rights/enterprises/{dye}").status_code == 404
    assert client.get("/rights/report").status_code == 403
    _as(client, "xh")
    assert "Closing" in client.get("/rights", params={"year": 2026, "lang": "en"}).text
