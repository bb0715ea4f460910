"""企业服务 (/portal) and 合规证明核验 (/verify) through the real app on the test database: an
enterprise account's home, a mark with a proof file, a case answered with evidence, the month's
Excel, the compliance certificate (facts computed, PDF with an embedded font, digest stored),
the public check and its rate limit; scope and the audit log."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime

import pytest
from e2e.seed import ENTERPRISE_USER, seed_enterprises
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from qingshan.accounts.models import Role, User
from qingshan.accounts.service import create_user
from qingshan.archive.models import Penalty
from qingshan.audit.models import AuditLog
from qingshan.cases import service as cases
from qingshan.cases.models import CaseFile, CaseRecord
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.portal.enterprise.models import PortalCertificate
from qingshan.qc.models import QCMark

#: the seeded data end here: the SO2 exceedance (hours 20..17 before the newest hour, 11:00
#: UTC) runs 2026-11-19 15:00 – 19:00 UTC = 23:00 CST on the 19th to 03:00 CST on the 20th:
#: two CST days with an exceedance
SEED_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF_PROOF = b"%PDF-1.4\n% maintenance record\n%%EOF\n"


@pytest.fixture
def portal(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        seed_enterprises(s, app_settings.data_dir / "observations", now=SEED_NOW)
        create_user(s, "prov", "prov-password-1", Role.PROVINCE, "330000")
        ent_user = s.scalar(select(User).where(User.username == ENTERPRISE_USER[0]))
        case = s.scalar(
            select(CaseRecord).where(CaseRecord.enterprise_id == ent_user.enterprise_id)
        )
        prov = s.scalar(select(User).where(User.username == "prov"))
        unit = cases.add_unit(s, "拱墅区生态环境分局", "department", "330105")
        cases.assign_case(s, prov, case.id, unit_id=unit.id, now=SEED_NOW)
        for no, on in (
            ("杭拱环罚〔2026〕31号", date(2026, 11, 12)),
            ("杭拱环罚〔2026〕25号", date(2026, 10, 30)),
        ):
            s.add(Penalty(enterprise_id=ent_user.enterprise_id, decision_no=no,
                          legal_basis="《大气污染防治法》第九十九条", kind="fine", amount_yuan=200000.0,
                          decided_on=on, created_by="prov", created_at=SEED_NOW))  # fmt: skip
        ids = {"enterprise": ent_user.enterprise_id, "case": case.id}
    client = TestClient(create_app(app_settings))
    r = client.post("/api/v1/auth/login", data={"username": ENTERPRISE_USER[0],
                                                 "password": ENTERPRISE_USER[1]})  # fmt: skip
    assert r.status_code == 200, r.text
    return client, ids


def test_monthly_routine(portal, engine):
    client, ids = portal
    r = client.get("/portal")
    assert r.status_code == 200
    assert "杭州青山热电有限公司" in r.text and "E2EGAS01" in r.text
    assert f'data-case="{ids["case"]}"' in r.text and 'value="start"' in r.text
    r = client.get("/portal", params={"lang": "en"})
    assert (
        r.status_code == 200 and "Enterprise services" in r.text and "Start rectification" in r.text
    )

    # 自行标记: maintenance with a proof file, stored in the evidence store, named on the mark
    r = client.post("/portal/marks", data={
        "enterprise": str(ids["enterprise"]), "code": "E2EGAS01", "kind": "维护",
        "start": "2026-11-20T08:00", "end": "2026-11-20T10:00", "reason": "CEMS 维护"},
        files={"proof": ("维护记录.pdf", PDF_PROOF, "application/pdf")},
        follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    with session_scope(engine) as s:
        mark = s.scalar(select(QCMark).where(QCMark.kind == "维护"))
        assert mark.created_by == ENTERPRISE_USER[0]
        digest = hashlib.sha256(PDF_PROOF).hexdigest()
        assert mark.proof == [f"evidence:{digest}:维护记录.pdf"]
    # the case: start rectification, then apply for acceptance with evidence
    r = client.post(f"/portal/cases/{ids['case']}/answer", data={"event": "start", "reason": "开始整改"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    r = client.post(f"/portal/cases/{ids['case']}/answer",
                    data={"event": "submit", "reason": "已更换脱硫喷淋层"},
                    files={"file": ("现场照片.png", PNG, "image/png")}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    with session_scope(engine) as s:
        case = s.get(CaseRecord, ids["case"])
        assert case.state.value == "submitted"
        assert (
            s.scalar(select(CaseFile.filename).where(CaseFile.case_id == case.id)) == "现场照片.png"
        )
    # a second submit is not offered by the workflow now
    r = client.post(f"/portal/cases/{ids['case']}/answer", data={"event": "submit", "reason": "x"})
    assert r.status_code == 403 and "does not allow submit" in r.text

    # the month's data as Excel
    r = client.get("/portal/export.xlsx", params={"month": "2026-11"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert "E2EGAS01" in wb.sheetnames
    ws = wb["E2EGAS01"]
    assert ws.cell(1, 1).value == "时间 time (CST)" and ws.max_row == 48 + 1

    # the certificate: facts computed, PDF digest stored, the code verifiable in public
    r = client.post("/portal/certificates", data={"month": "2026-11"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    code = r.headers["location"].split("issued=")[1].split("#")[0]
    assert len(code) == 16
    pdf = client.get(f"/portal/certificates/{code}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert b"/FontFile2" in pdf.content  # the Chinese font embedded
    with session_scope(engine) as s:
        cert = s.scalar(select(PortalCertificate).where(PortalCertificate.code == code))
        assert cert.pdf_sha256 == hashlib.sha256(pdf.content).hexdigest()
        f = cert.facts
        assert (f["period_start"], f["period_end"]) == ("2026-11-01", "2026-11-30")
        assert f["exceedance_days"] == 2
        by_code = {o["code"]: o["exceedance_dates"] for o in f["outlets"]}
        assert by_code == {"E2EGAS01": ["2026-11-19", "2026-11-20"]}
        assert f["open_cases"] == 1 and f["compliant"] is False
        # the penalties decided in the period only (not October's)
        assert [(p["decision_no"], p["decided_on"]) for p in f["penalties"]] == [
            ("杭拱环罚〔2026〕31号", "2026-11-12")
        ]
        mark_id = s.scalar(select(QCMark.id).where(QCMark.kind == "维护"))
        file_id = s.scalar(select(CaseFile.id).where(CaseFile.case_id == ids["case"]))
        for entity, eid in [
            ("portal_certificate", cert.id),
            ("qc_mark", mark_id),
            ("case_file", file_id),
        ]:
            actors = set(s.scalars(select(AuditLog.actor).where(
                AuditLog.entity == entity, AuditLog.entity_id == str(eid))))  # fmt: skip
            assert actors == {ENTERPRISE_USER[0]}, entity

    public = TestClient(client.app)
    r = public.get(f"/verify/{code}")
    assert r.status_code == 200 and "杭州青山热电有限公司" in r.text
    assert cert.pdf_sha256 in r.text
    r = public.get("/verify/not-a-real-code")
    assert r.status_code == 404 and "未找到" in r.text


def test_scope_and_rate_limit(portal):
    client, ids = portal
    r = client.get("/portal", params={"enterprise": ids["enterprise"] + 1})
    assert r.status_code == 404
    public = TestClient(client.app)
    assert public.get("/portal", follow_redirects=False).status_code in (302, 303, 307)
    # failed lookups of the API and the page count together: 30, then 429
    statuses = [public.get(f"/api/v1/portal/enterprise/certificates/guess{i}").status_code
                for i in range(30)]  # fmt: skip
    assert statuses == [404] * 30
    r = public.get("/verify/guess30")
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_certificate_api(portal):
    """POST /api/v1/portal/enterprise/certificates (the account's enterprise, one month) and
    the public GET of its code; an officer may not issue, a bad month is named."""
    client, ids = portal
    r = client.post("/api/v1/portal/enterprise/certificates", json={"month": "2026-11"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["exceedance_days"] == 2 and body["enterprise_name"] == "杭州青山热电有限公司"
    public = TestClient(client.app)
    got = public.get(f"/api/v1/portal/enterprise/certificates/{body['code']}")
    assert got.status_code == 200 and got.json()["pdf_sha256"] == body["pdf_sha256"]
    assert public.get("/api/v1/portal/enterprise/certificates/nope").status_code == 404
    r = client.post("/api/v1/portal/enterprise/certificates", json={"month": "2026-13"})
    assert r.status_code == 422 and "month" in r.text
    officer = TestClient(client.app)
    officer.post("/api/v1/auth/login", data={"username": "prov", "password": "prov-password-1"})
    r = officer.post("/api/v1/portal/enterprise/certificates", json={"month": "2026-11"})
    assert r.status_code == 403
