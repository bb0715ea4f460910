"""A public complaint walked to 销号 in Debian's Chromium (issue #11's "done when"): a member of
the public files it on /complaints/new (no login) and keeps the tracking number and secret; the
county officer dispatches it (交办) to the responsible department; the department's account
rectifies and submits it (整改, 申请验收); two different entitled accounts sign the acceptance
(双签字: department, then government); the officer closes it (销号). Back on /complaints/track
the public reads it closed, with its history — public events only, no names, no sign-offs."""

from __future__ import annotations

from pathlib import Path

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.cases import service
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions

from .conftest import running_server
from .helpers import login_as
from .test_case_closure import _act, _actions, _state

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-complaint-pass"
USERS = {  # username → role: all of 西湖区
    "officer": Role.COUNTY,  # 西湖区生态环境分局's dispatcher
    "zhujian": Role.COUNTY,  # 西湖区住建局's account: the responsible department rectifies
    "dept": Role.COUNTY,  # signs acceptances as the department
    "gov": Role.COUNTY,  # signs as the local government (西湖区人民政府)
}


def _seed(data_dir: Path) -> None:
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        users = {u: create_user(s, u, PASSWORD, role, "330106") for u, role in USERS.items()}
        service.grant_signer(s, users["dept"], "department", "330106", by="e2e")
        service.grant_signer(s, users["gov"], "government", "330106", by="e2e")
        service.add_unit(s, "西湖区住房和城乡建设局", "department", "330106", ["noise"])
        service.add_unit(s, "西湖区人民政府", "government", "330106")
    engine.dispose()


@pytest.fixture(scope="module")
def complaint_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("qingshan-e2e-complaint")
    _seed(data_dir)
    with running_server(data_dir) as url:
        yield url


def test_a_complaint_walks_to_closure_and_the_public_tracks_it(browser, complaint_server):
    url = complaint_server

    def context(username: str | None = None):
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        if username is not None:
            login_as(page, url, (username, PASSWORD))
        return ctx, page, errors

    # the public files a noise complaint, the place typed (the map is tested elsewhere)
    ctx, page, errors = context()
    page.goto(f"{url}/complaints/new")
    page.select_option("#qs-category", "noise")
    page.check("input[name='attr.PERIOD'][value=night]")
    page.fill("#qs-description", "之江路工地每晚十一点后仍在打桩，噪声扰民")
    page.fill("#qs-lon", "120.10")
    page.fill("#qs-lat", "30.25")
    page.select_option("#qs-county", "330106")
    page.fill("#qs-place", "之江路工地")
    page.click("#qs-submit")
    page.wait_for_selector("#qs-receipt", timeout=20_000)
    number = page.inner_text("#qs-tracking-no").strip()
    secret = page.inner_text("#qs-secret").strip()
    assert number.startswith("JB") and page.get_attribute("#qs-receipt", "data-outcome") == "new"
    assert errors == []
    ctx.close()

    # the officer finds it in the list (a complaint, 待交办) and dispatches it to the department
    ctx, page, errors = context("officer")
    page.goto(f"{url}/cases?source=complaint")
    row = page.locator("#qs-cases tbody tr").first
    assert row.get_attribute("data-state") == "registered" and "之江路工地" in row.inner_text()
    with page.expect_navigation():
        row.locator("a").first.click()
    case_url = page.url.split("?")[0].split("#")[0]
    assert _state(page) == "registered" and "群众举报" in page.inner_text("#qs-facts")
    _act(page, "assign")  # the routed unit preselected: the department competent for noise
    assert _state(page) == "assigned"
    assert page.inner_text("#qs-unit") == "西湖区住房和城乡建设局"
    assert errors == []
    ctx.close()

    def as_user(username: str):
        ctx, page, errors = context(username)
        page.goto(case_url)
        return ctx, page, errors

    ctx, page, errors = as_user("zhujian")
    _act(page, "start", reason="已约谈施工单位")
    _act(page, "submit", reason="夜间22时后停止打桩，已安装隔声屏障")
    assert _state(page) == "submitted"
    ctx.close()

    ctx, page, errors = as_user("dept")
    _act(page, "sign", capacity="department")
    assert _state(page) == "submitted" and "sign" not in _actions(page)
    ctx.close()
    ctx, page, errors = as_user("gov")
    assert "sign" in _actions(page)
    _act(page, "sign", capacity="government")
    assert _state(page) == "accepted"
    signed = page.inner_text("#qs-signoffs")
    assert "dept" in signed and "gov" in signed
    ctx.close()

    ctx, page, errors = as_user("officer")
    _act(page, "close", reason="复查无夜间施工，销号")
    assert _state(page) == "closed"
    history = page.eval_on_selector_all("#qs-timeline li", "els => els.map(e => e.dataset.event)")
    assert history == [
        "register", "assign", "start", "submit", "sign", "sign", "accept", "close",
    ]  # fmt: skip
    assert errors == []
    ctx.close()

    # the public reads it closed, with the history it may see
    ctx, page, errors = context()
    page.goto(f"{url}/complaints/track")
    page.fill("#qs-track-no", number)
    page.fill("#qs-track-secret", secret)
    page.click("#qs-track-submit")
    page.wait_for_selector("#qs-track-result")
    assert page.get_attribute("#qs-track-result", "data-status") == "closed"
    assert page.get_attribute("#qs-track-result", "data-state") == "closed"
    assert page.inner_text("#qs-track-state") == "已办结"
    events = page.eval_on_selector_all(
        "#qs-track-history li", "els => els.map(e => e.dataset.event)"
    )
    assert events == ["register", "assign", "start", "submit", "accept", "close"]
    text = page.inner_text("#qs-track-history")
    assert "西湖区住房和城乡建设局" in text  # the unit is a public body
    for private in ("officer", "zhujian", "dept", "gov", "隔声屏障", "复查无夜间施工"):
        assert private not in text
    page.screenshot(path="/tmp/qingshan-complaint-closed.png", full_page=True)
    assert errors == []
    ctx.close()
