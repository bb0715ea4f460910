"""企业服务 in Debian's Chromium at 390 px (issue #23, "done when"): the enterprise account does
its monthly routine in the portal — checks its outlet's data, marks a maintenance with a proof
file, starts rectifying its case and applies for acceptance with a photo, issues and downloads
its compliance certificate — and a visitor without login checks the certificate's code on
/verify: the facts shown are the stored ones and the digest is the downloaded PDF's."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from qingshan.accounts.models import User
from qingshan.cases import service as cases
from qingshan.cases.models import CaseRecord
from qingshan.db.engine import make_engine, session_scope
from qingshan.timeutil import as_cst

from .conftest import _prepare_data, running_server
from .helpers import login_as, new_page
from .seed import ENTERPRISE_USER, PROVINCE_USER

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF_PROOF = b"%PDF-1.4\n% CEMS maintenance record\n%%EOF\n"


@pytest.fixture(scope="module")
def portal_url(tmp_path_factory):
    """The e2e data (杭州青山热电 with its SO2 exceedance and the case QC opened), the case
    dispatched (交办) to 拱墅区's bureau by the province so the enterprise may act on it."""
    data_dir = tmp_path_factory.mktemp("portal-enterprise")
    _prepare_data(data_dir)
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    with session_scope(engine) as s:
        ent = s.scalar(select(User).where(User.username == ENTERPRISE_USER[0]))
        case = s.scalar(select(CaseRecord).where(CaseRecord.enterprise_id == ent.enterprise_id))
        prov = s.scalar(select(User).where(User.username == PROVINCE_USER[0]))
        unit = cases.add_unit(s, "拱墅区生态环境分局", "department", "330105")
        cases.assign_case(s, prov, case.id, unit_id=unit.id)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def test_monthly_routine(browser, portal_url):
    page = new_page(browser, 390, 844)
    try:
        login_as(page, portal_url, ENTERPRISE_USER)
        page.goto(f"{portal_url}/portal")
        # the data: the gas outlet, its newest values against the permit, its 24 h chart
        outlet = page.locator(".qs-pe-outlet[data-code='E2EGAS01']")
        assert outlet.locator(".qs-pe-values").is_visible()
        page.wait_for_selector(".qs-pe-chart canvas")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # a maintenance mark with its proof file
        page.click("#qs-pe-mark summary")
        form = page.locator("#qs-pe-mark-form")
        form.locator("select[name=kind]").select_option("维护")
        form.locator("input[name=reason]").fill("CEMS 例行维护")
        form.locator("input[name=proof]").set_input_files(
            {"name": "维护记录.pdf", "mimeType": "application/pdf", "buffer": PDF_PROOF}
        )
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#qs-pe-done")
        assert outlet.locator(".qs-pe-marks li[data-kind='维护']").count() == 1
        # the case: start rectifying, then apply for acceptance with a photo
        case = page.locator(".qs-pe-case").first
        case.locator("select[name=event]").select_option("start")
        case.locator("textarea[name=reason]").fill("开始整改")
        case.locator("button[type=submit]").click()
        page.wait_for_selector("#qs-pe-done")
        case = page.locator(".qs-pe-case").first
        assert case.get_attribute("data-state") == "rectifying"
        case.locator("select[name=event]").select_option("submit")
        case.locator("textarea[name=reason]").fill("已检修脱硫系统，排放恢复达标")
        case.locator("input[name=file]").set_input_files(
            {"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}
        )
        case.locator("button[type=submit]").click()
        page.wait_for_selector("#qs-pe-done")
        assert page.locator(".qs-pe-case").first.get_attribute("data-state") == "submitted"
        # the certificate of this month (the seeded data are the last 48 hours)
        month = as_cst(datetime.now(UTC)).strftime("%Y-%m")
        page.locator("#qs-pe-cert input[name=month]").fill(month)
        page.locator("#qs-pe-cert button[type=submit]").click()
        code = page.locator("#qs-pe-issued b.mono").inner_text()
        with page.expect_download() as dl:
            page.click("#qs-pe-issued-pdf")
        pdf = dl.value.path().read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert not page.qs_errors, page.qs_errors
    finally:
        page.context.close()

    visitor = new_page(browser, 390, 844)
    try:
        visitor.goto(f"{portal_url}/verify")
        visitor.fill("#qs-pv-form input[name=code]", code)
        visitor.click("#qs-pv-form button[type=submit]")
        found = visitor.locator("#qs-pv-found")
        assert "杭州青山热电有限公司" in found.inner_text()
        assert visitor.locator(".qs-pv-digest").inner_text() == hashlib.sha256(pdf).hexdigest()
        assert int(visitor.locator("#qs-pv-exceedance").inner_text()) >= 1
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
        assert not visitor.qs_errors, visitor.qs_errors
    finally:
        visitor.context.close()
