"""A QC case walked to 销号 in Debian's Chromium: an exceedance judged through the cases' sink
opens it; the county officer dispatches it (交办), the enterprise rectifies and submits it
(整改, 申请验收) with a photo, the department and the local government sign (双签字, two
accounts), the officer closes it (销号). Each user sees only their own actions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases import service
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.qc import service as qc_service

from .conftest import running_server
from .helpers import login_as

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-cases-pass"
T0 = pd.Timestamp("2026-03-01 00:00", tz="UTC")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def _seed(data_dir: Path) -> int:
    """One outlet in 西湖区 with a 3-hour SO2 exceedance, judged through the cases' sink."""
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        ent = Enterprise(credit_code="91330106MA2E2ECASE", name="杭州西湖热电有限公司",
                         industry=Industry.THERMAL_POWER, region_code="330106")  # fmt: skip
        s.add(ent)
        s.flush()
        site = Site(code="E2ECASE-DA001", name="1号锅炉排口", kind=SiteKind.GAS_OUTLET,
                    control_level=ControlLevel.ENTERPRISE, region_code="330106",
                    enterprise_id=ent.id, longitude=120.1, latitude=30.25)  # fmt: skip
        s.add(site)
        s.flush()
        users = {
            "officer": create_user(s, "officer", PASSWORD, Role.COUNTY, "330106"),
            "dept": create_user(s, "dept", PASSWORD, Role.COUNTY, "330106"),
            "gov": create_user(s, "gov", PASSWORD, Role.COUNTY, "330106"),
        }
        create_user(s, "plant", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=ent.id)
        service.grant_signer(s, users["dept"], "department", "330106", by="e2e")
        service.grant_signer(s, users["gov"], "government", "330106", by="e2e")
        service.add_unit(s, "西湖区生态环境分局", "department", "330106")
        so2 = np.array([20, 21, 19, 70, 70, 70, 22, 20, 18, 21, 20, 19.5])
        t = pd.date_range(T0, periods=12, freq="h")
        frame = pd.concat([
            pd.DataFrame({"time": t, "parameter": "a21026", "value": so2, "flag": "N"}),
            pd.DataFrame({"time": t, "parameter": "a19001", "value": 6.0 + np.arange(12) % 3 * 0.01,
                          "flag": "N"}),
        ], ignore_index=True)  # fmt: skip
        qc_service.judge_site(
            s, frame, site_id=site.id, window=(T0.to_pydatetime(), (T0 + pd.Timedelta(hours=12)).to_pydatetime()),
            industry="thermal_power", source_type="coal_boiler_ultralow",
            limits={"a21026": {"limit": 35.0, "standard": "GB 13223-2011", "source": "permit"}},
            sink=service.CASES_SINK,
        )  # fmt: skip
        f = service.CaseFilter(source="qc_exceedance")
        [case] = service.list_cases(s, Scope("330000", Role.PROVINCE), f).items
        case_id = case.id
    engine.dispose()
    return case_id


@pytest.fixture(scope="module")
def case_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("qingshan-e2e-cases")
    case_id = _seed(data_dir)
    with running_server(data_dir) as url:
        yield url, case_id


def _act(page, event: str, **fields: str) -> None:
    box = page.locator(f'details.qs-action[data-event="{event}"]')
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in fields.items():
        el = box.locator(f'[name="{name}"]')
        if el.evaluate("e => e.tagName") == "SELECT":
            el.select_option(value)
        elif el.get_attribute("type") == "checkbox":
            el.check()
        else:
            el.fill(value)
    with page.expect_navigation() as nav:  # the form posts and redirects: wait for the new page
        box.locator("button[type=submit]").click()
    # a refused step renders the case again with the error (4xx): say so here, with the message,
    # rather than time out later looking for the next step's form
    response, error = nav.value, page.locator("#qs-action-error")
    if response is None or response.status >= 400 or error.count():
        detail = error.inner_text() if error.count() else page.inner_text("body")[:800]
        status = response.status if response is not None else "no response"
        raise AssertionError(f"{event!r} on {page.url} failed ({status}): {detail}")


def _actions(page) -> list[str]:
    return page.eval_on_selector_all("details.qs-action", "els => els.map(e => e.dataset.event)")


def _state(page) -> str:
    return page.get_attribute("#qs-case", "data-state")


def test_a_qc_case_walks_to_closure_with_two_signatures(browser, case_server, tmp_path):
    url, case_id = case_server
    case_url = f"{url}/cases/{case_id}"

    def as_user(username: str):
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        login_as(page, url, (username, PASSWORD))
        page.goto(case_url)
        return context, page, errors

    # the list shows the QC case with its state, and the map its point
    ctx, page, errors = as_user("officer")
    page.goto(f"{url}/cases")
    assert "超标督办 二氧化硫 a21026" in page.inner_text("#qs-cases")
    page.wait_for_selector("#qs-case-map[data-points='1']", timeout=15_000)
    page.click(f'#qs-cases tr[data-id="{case_id}"] a')
    assert _state(page) == "registered" and _actions(page) == ["assign", "merge", "cancel", "note"]
    _act(page, "assign")
    assert _state(page) == "assigned" and "交办" in page.inner_text("#qs-timeline")
    assert errors == []
    ctx.close()

    ctx, page, errors = as_user("plant")
    assert _actions(page) == ["start", "note"]
    _act(page, "start")
    photo = tmp_path / "整改后.png"
    photo.write_bytes(PNG)
    page.set_input_files("input[name=file]", str(photo))
    with page.expect_navigation():  # the form posts and redirects: wait for the new page
        page.click(".qs-upload button[type=submit]")
    assert "整改后.png" in page.inner_text("#qs-evidence")
    _act(page, "submit", reason="已检修脱硫系统，排放恢复正常", evidence_ids="on")
    assert _state(page) == "submitted" and _actions(page) == ["note"]
    ctx.close()

    ctx, page, errors = as_user("dept")
    assert "sign" in _actions(page)
    _act(page, "sign", capacity="department")
    assert "dept" in page.inner_text('#qs-signoffs [data-capacity="department"]')
    assert "sign" not in _actions(page)  # one account signs once
    ctx.close()

    ctx, page, errors = as_user("gov")
    _act(page, "sign", capacity="government")
    assert _state(page) == "accepted"
    assert "gov" in page.inner_text('#qs-signoffs [data-capacity="government"]')
    ctx.close()

    ctx, page, errors = as_user("officer")
    assert _actions(page)[0] == "close"
    _act(page, "close", reason="验收通过，销号")
    assert _state(page) == "closed"
    history = page.eval_on_selector_all("#qs-timeline li", "els => els.map(e => e.dataset.event)")
    assert history == ["register", "assign", "start", "submit", "sign", "sign", "accept", "close"]
    page.screenshot(path="/tmp/qingshan-case-closed.png", full_page=True)
    assert errors == []
    ctx.close()
