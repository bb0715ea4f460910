"""The notices and onboarding pages and API, through the application: an enterprise applies at
/register (the guard refuses a filled hidden field and a form sent back at once), reads its
state, a county officer approves it on /accounts/enterprise, writes and publishes a notice with
an attachment, the new account reads it (receipt seen by the officer), the public API lists only
public notices, and the API answers 401/403/404/422 as it should."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.audit.models import AuditLog
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.portal.onboarding.guard import form_token

PASSWORD = "notices-pages-pass"
CODE = "91330106MA2QNB001A"
API = "/api/v1/portal"


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        s.add(Enterprise(credit_code=CODE, name="西湖印染（测试）", industry=Industry.CHEMICAL,
                         region_code="330106"))  # fmt: skip
        s.flush()
        create_user(s, "xh", PASSWORD, Role.COUNTY, "330106")
        create_user(s, "nb", PASSWORD, Role.CITY, "330200")
    with TestClient(create_app(app_settings)) as c:
        c.key = app_settings.signing_key  # type: ignore[attr-defined]
        c.engine = engine  # type: ignore[attr-defined]
        yield c


def _login(c, username, password=PASSWORD):
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": username, "password": password})
    assert r.status_code == 200, r.text


def test_register_approve_read(client):
    c = client
    form = {"credit_code": CODE, "contact_name": "王芳", "contact_phone": "0571-88881234",
            "username": "xhyr", "password": "xihu-yinran-2026"}  # fmt: skip
    assert "统一社会信用代码" in c.get("/register").text
    # the guard: a filled hidden field, a form sent back at once, a forged stamp
    r = c.post("/register", data=form | {"token": form_token(c.key, time.time() - 60),
                                         "website": "http://spam"})  # fmt: skip
    assert r.status_code == 422 and "not filled in by a person" in r.text
    r = c.post("/register", data=form | {"token": form_token(c.key)})
    assert r.status_code == 422 and "after it was shown" in r.text
    r = c.post("/register", data=form | {"token": "1.0000000000000000"})
    assert r.status_code == 422 and "expired or was altered" in r.text
    r = c.post("/register", data=form | {"token": form_token(c.key, time.time() - 60)})
    assert r.status_code == 200 and 'data-state="pending"' in r.text
    # pending: no login; the state page shows it
    bad = c.post("/api/v1/auth/login", data={"username": "xhyr", "password": form["password"]})
    assert bad.status_code == 401
    r = c.post("/register/status", data={"username": "xhyr", "password": form["password"]})
    assert r.status_code == 200 and 'data-state="pending"' in r.text
    assert (
        c.post("/register/status", data={"username": "xhyr", "password": "x" * 9}).status_code
        == 404
    )
    # ningbo's officer does not see it; xihu's approves it
    _login(c, "nb")
    assert "xhyr" not in c.get("/accounts/enterprise").text
    _login(c, "xh")
    page = c.get("/accounts/enterprise")
    assert page.status_code == 200 and 'data-username="xhyr"' in page.text
    reg_id = c.get(f"{API}/onboarding/registrations", params={"state": "pending"}).json()[0]["id"]
    r = c.post(f"/accounts/enterprise/registrations/{reg_id}/approve", follow_redirects=False)
    assert r.status_code == 303
    # a notice with an attachment, published
    r = c.post("/notices", data={"title": "关于排污许可证执行报告的通知", "body": "请于**12月31日**前提交。",
                                 "audience": "region", "region_code": "330106", "publish": "1"},
               files={"file": ("要求.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                               "application/pdf")}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    nid = int(r.headers["location"].rsplit("/", 1)[1])
    officer_view = c.get(f"/notices/{nid}")
    assert "<strong>12月31日</strong>" in officer_view.text and "要求.pdf" in officer_view.text
    # the new account logs in and reads it
    _login(c, "xhyr", form["password"])
    mine = c.get(f"{API}/notices").json()
    assert [n["title"] for n in mine] == ["关于排污许可证执行报告的通知"] and mine[0][
        "read_at"
    ] is None
    assert "qs-pn-unread" in c.get("/notices").text
    page = c.get(f"/notices/{nid}")
    assert page.status_code == 200 and 'id="qs-pn-read"' in page.text
    sha = mine[0]["attachments"][0]["sha256"]
    f = c.get(f"/notices/{nid}/files/{sha}")
    assert f.status_code == 200 and f.content.startswith(b"%PDF")
    # the officer sees the receipt; the public API lists no enterprise notice
    _login(c, "xh")
    receipts = c.get(f"{API}/notices/{nid}/receipts").json()
    assert [r["username"] for r in receipts] == ["xhyr"]
    c.cookies.clear()
    assert c.get(f"{API}/notices/public").json() == []
    # audited under who acted: the applicant, then the officer (account, approval, notice)
    with session_scope(c.engine) as s:
        rows = set(s.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity)).all())
    assert {("applicant:xhyr", "create", "portal_registration"),
            ("xh", "update", "portal_registration"), ("xh", "create", "app_user"),
            ("xh", "create", "portal_notice")} <= rows  # fmt: skip


def test_api_answers(client):
    c = client
    assert c.get(f"{API}/notices").status_code == 401
    _login(c, "xh")
    r = c.post(f"{API}/notices", json={"title": "x", "audience": "everyone"})
    assert r.status_code == 422
    r = c.post(f"{API}/notices", json={"title": "x", "audience": "listed"})
    assert r.status_code == 422 and "at least one enterprise" in r.text
    r = c.post(f"{API}/notices", json={"title": "公开通知", "audience": "public", "publish": True})
    assert r.status_code == 201 and r.json()["state"] == "published"
    nid = r.json()["id"]
    assert c.post(f"{API}/notices/{nid}/publish").status_code == 409
    assert c.post(f"{API}/notices/{nid}/withdraw", json={"reason": "重复"}).status_code == 200
    assert c.get(f"{API}/notices/manage").json()[0]["state"] == "withdrawn"
    c.cookies.clear()
    assert c.get(f"{API}/notices/public").json() == []
    _login(c, "nb")
    assert c.get(f"{API}/notices/{nid}/receipts").status_code == 404
    r = c.post(f"{API}/onboarding/registrations", json={"credit_code": "91330106MA2QNB001B",
               "contact_name": "a", "contact_phone": "12345678", "username": "abc",
               "password": "abc-password"})  # fmt: skip
    assert r.status_code == 422 and "position 18" in r.text


def test_api_edit_and_attach(client):
    c = client
    _login(c, "xh")
    nid = c.post(f"{API}/notices", json={"title": "草稿", "audience": "public"}).json()["id"]
    r = c.put(
        f"{API}/notices/{nid}", json={"title": "改后的标题", "body": "正文", "audience": "region"}
    )
    assert r.status_code == 200 and (r.json()["title"], r.json()["audience"]) == (
        "改后的标题",
        "region",
    )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = c.post(
        f"{API}/notices/{nid}/attachments", files={"file": ("a.pdf", pdf, "application/pdf")}
    )
    assert r.status_code == 201 and r.json()["attachments"][0]["name"] == "a.pdf"
    r = c.post(
        f"{API}/notices/{nid}/attachments",
        files={"file": ("x.exe", b"MZ\x90\x00", "application/octet-stream")},
    )
    assert r.status_code == 415
    assert c.post(f"{API}/notices/{nid}/publish").status_code == 200
    r = c.put(f"{API}/notices/{nid}", json={"title": "再改", "audience": "region"})
    assert r.status_code == 409 and "'edit' is not allowed in state 'published'" in r.text
