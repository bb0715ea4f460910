"""企业注册 → 审核 → 登录 → 阅读通知 in Debian's Chromium (issue #23, areas onboarding +
notices), the applicant at 390 px wide: an enterprise of the archive applies at /register
without login and sees its application pending; the 西湖 county officer approves it on
/accounts/enterprise; the new account logs in through the login form and reads the bureau's
notice, which the officer then sees in the read receipts. No console error, nothing wider than
the phone's screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.portal.notices import service as notices
from qingshan.portal.onboarding.guard import MIN_FILL_SECONDS

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

OFFICER = ("xihu", "e2e-onboard-pass")
CODE = "91330106MA2QNB001A"
APPLICANT = ("xhyr-e2e", "xihu-yinran-2026")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def onboard_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("onboard")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, OFFICER[0], OFFICER[1], Role.COUNTY, "330106")
        s.add(Enterprise(credit_code=CODE, name="西湖印染有限公司", industry=Industry.CHEMICAL,
                         region_code="330106"))  # fmt: skip
        s.flush()
        notices.create_notice(
            s, Scope("330106", Role.COUNTY, username="xihu"), audience="region", publish=True,
            title="关于开展自动监测设备运维自查的通知", body="请于**本月底前**完成自查。", now=NOW,
        )  # fmt: skip
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_register_approve_login_read(browser, onboard_site):
    url = onboard_site
    phone = new_page(browser, 390, 844)
    officer = new_page(browser, 1280, 900)
    try:
        # the enterprise applies, without login
        phone.goto(f"{url}/register")
        phone.fill("input[name=credit_code]", CODE.lower())
        phone.fill("input[name=contact_name]", "王芳")
        phone.fill("input[name=contact_phone]", "0571-8888 1234")
        phone.fill("input[name=username]", APPLICANT[0])
        phone.fill("input[name=password]", APPLICANT[1])
        assert _fits(phone)
        phone.wait_for_timeout(MIN_FILL_SECONDS * 1000 + 200)  # a person takes this long
        phone.click("#qs-ob-submit")
        assert phone.locator("#qs-ob-state").get_attribute("data-state") == "pending"
        assert "西湖印染有限公司" in phone.locator("#qs-ob-result").inner_text()
        # the county officer approves it
        login_as(officer, url, OFFICER)
        officer.goto(f"{url}/accounts/enterprise")
        card = officer.locator(f"[data-username='{APPLICANT[0]}']")
        card.locator("button[data-approve]").click()
        officer.wait_for_url(f"{url}/accounts/enterprise?approved=*")
        assert APPLICANT[0] in officer.locator("#qs-ob-account-list").inner_text()
        # the new account logs in through the form and reads the notice
        phone.goto(f"{url}/login?next=/notices")
        phone.fill("#qs-username", APPLICANT[0])
        phone.fill("#qs-password", APPLICANT[1])
        phone.click("#qs-login-submit")
        phone.wait_for_url(f"{url}/notices")
        link = phone.locator("#qs-pn-list a.qs-pn-unread")
        assert link.inner_text() == "关于开展自动监测设备运维自查的通知"
        assert _fits(phone)
        link.click()
        phone.wait_for_selector("#qs-pn-read")
        assert phone.locator("#qs-pn-body strong").inner_text() == "本月底前"
        assert _fits(phone)
        # the officer sees the receipt
        officer.goto(f"{url}/notices")
        officer.locator("#qs-pn-list a").first.click()
        assert APPLICANT[0] in officer.locator("#qs-pn-receipts").inner_text()
        assert phone.qs_errors == [] and officer.qs_errors == []
    finally:
        phone.context.close()
        officer.context.close()
