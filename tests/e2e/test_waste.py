"""危险废物 pages in Debian's Chromium (issue #18): a manifest created on the producer's form,
picked up and handed over by the transporter, received by the facility, each as its own user in
its own browser context (the transporter on a phone); the timeline shows the three parties'
signatures; the province's overview then renders its KPIs and draws the facility and the flow.

Data: 西湖精细化工 (西湖区) ships 12.5 t of 900-249-08 (HW08) by 余杭危运物流 (GB/T 4754 5435) to
北仑危废处置中心 (北仑区, licensed HW08, 600 t/yr); received 12.4 t (−0.8 %, inside the 5 %
tolerance), so the overview's one flow is 杭州市 → 宁波市, 12.4 t."""

from __future__ import annotations

from datetime import date

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.waste.facility_service import FacilitySpec, register_facility
from qingshan.waste.ledger_service import file_plan

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-waste-pass"


@pytest.fixture(scope="module")
def waste_site(tmp_path_factory):
    """A server with a producer, a transporter, a facility and their users; yields the url."""
    data_dir = tmp_path_factory.mktemp("waste")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        ents = [
            Enterprise(credit_code="91330106MA2E2EW01A", name="西湖精细化工",
                       industry=Industry.CHEMICAL, industry_code="2614", region_code="330106"),
            Enterprise(credit_code="91330110MA2E2EW02B", name="余杭危运物流",
                       industry=Industry.CHEMICAL, industry_code="5435", region_code="330110"),
            Enterprise(credit_code="91330206MA2E2EW03C", name="北仑危废处置中心",
                       industry=Industry.CHEMICAL, industry_code="7724", region_code="330206"),
        ]  # fmt: skip
        s.add_all(ents)
        s.flush()
        producer, carrier, facility = (e.id for e in ents)
        register_facility(s, Scope("330000", Role.PROVINCE, username="province"), FacilitySpec(
            enterprise_id=facility, licence_no="浙危废经第3302000001号",
            licence_valid_from=date(2024, 1, 1), licence_valid_to=date(2030, 12, 31),
            capacity_t_per_year=600.0, codes=("HW08",), methods=("D10",)))  # fmt: skip
        # the producer's management plan: it makes it a 移出人 the approval form lists
        file_plan(s, Scope("330000", Role.PROVINCE, username="province"), producer,
                  date.today().year, {"900-249-08": 150.0}, actor="province")  # fmt: skip
        for name, role, region, ent in (("province", Role.PROVINCE, "330000", None),
                                        ("producer", Role.ENTERPRISE, "330106", producer),
                                        ("carrier", Role.ENTERPRISE, "330110", carrier),
                                        ("facility", Role.ENTERPRISE, "330206", facility)):  # fmt: skip
            create_user(s, name, PASSWORD, role, region, enterprise_id=ent)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def _as(browser, url: str, user: str, width: int = 1600, height: int = 1000):
    page = new_page(browser, width, height)
    login_as(page, url, (user, PASSWORD))
    return page


def _sign(page, url: str, mid: str, action: str, quantity: str | None = None) -> None:
    page.goto(f"{url}/waste/manifests/{mid}")
    form = page.locator(f"#qs-ws-sign form[data-action='{action}']")
    if quantity is not None:
        form.locator("input[name='quantity_t']").fill(quantity)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    assert page.locator("#qs-ws-done").inner_text() == "已签章。"


def test_three_parties_sign_a_manifest_in_their_own_browsers(browser, waste_site):
    url = waste_site
    producer = _as(browser, url, "producer")
    producer.goto(f"{url}/waste/manifests/new")
    producer.fill("input[name='waste_code']", "900-249-08")
    producer.fill("input[name='quantity_t']", "12.5")
    producer.select_option("select[name='receiver_id']", label="北仑危废处置中心 · 北仑区 · HW08")
    producer.select_option("select[name='t1']", label="余杭危运物流 · 余杭区")
    assert producer.locator("#qs-ws-tab-new").count() == 1
    with producer.expect_navigation():
        producer.locator("#qs-ws-newform button[type='submit']").click()
    assert producer.locator("#qs-ws-done").inner_text() == "联单已创建。"
    mid = producer.url.split("/waste/manifests/")[1].split("?")[0]
    assert producer.locator("#qs-ws-state").get_attribute("data-state") == "draft"
    _sign(producer, url, mid, "submit")
    assert producer.locator("#qs-ws-state").inner_text() == "待承运"

    carrier = _as(browser, url, "carrier", 390, 844)  # the driver's phone
    _sign(carrier, url, mid, "pickup")
    assert carrier.locator("#qs-ws-tab-new").count() == 0  # a carrier creates no manifest
    assert carrier.locator("#qs-ws-state").inner_text() == "运输中"
    _sign(carrier, url, mid, "handover")
    assert carrier.locator("#qs-ws-waiting").inner_text() == "等待签章：接受人"
    assert carrier.evaluate("() => document.documentElement.scrollWidth") <= 390

    facility = _as(browser, url, "facility")
    _sign(facility, url, mid, "receive", quantity="12.4")
    assert facility.locator("#qs-ws-state").get_attribute("data-state") == "received"

    producer.goto(f"{url}/waste/manifests/{mid}")
    items = producer.locator("#qs-ws-timeline li")
    assert items.count() == 4
    parties = [items.nth(i).get_attribute("data-party") for i in range(4)]
    assert parties == ["producer", "transporter:1", "transporter:1", "receiver"]
    assert "西湖精细化工" in items.nth(0).inner_text() and "producer" in items.nth(0).inner_text()
    assert "余杭危运物流" in items.nth(1).inner_text() and "carrier" in items.nth(2).inner_text()
    assert "北仑危废处置中心" in items.nth(3).inner_text() and "12.400" in items.nth(3).inner_text()
    for p in (producer, carrier, facility):
        assert p.qs_errors == []
        p.context.close()

    # the province's overview: KPIs, the facility and the one flow 杭州市 → 宁波市 on the map
    page = _as(browser, url, "province")
    page.goto(f"{url}/waste")
    assert page.locator("nav >> text=危险废物").count() >= 1
    assert page.locator("#qs-ws-kpis .qs-ws-kpi").count() == 5
    assert page.locator("[data-kpi='capacity_t'] b").inner_text() == "600"
    assert page.locator("[data-kpi='utilisation_rate'] b").inner_text() == "—"  # nothing declared
    assert page.locator("#qs-ws-regions tbody tr").count() == 11
    page.wait_for_function(
        "() => document.getElementById('qs-ws-map').getAttribute('data-flows') !== null"
    )
    assert page.locator("#qs-ws-map").get_attribute("data-facilities") == "1"
    assert page.locator("#qs-ws-map").get_attribute("data-flows") == "1"
    flow = page.evaluate("() => window.qsWasteCharts.map.getOption().series[0].data[0]")
    assert (flow["fromName"], flow["toName"], flow["t"]) == ("杭州市", "宁波市", 12.4)
    assert page.qs_errors == []
    page.context.close()


def test_the_province_records_a_cross_province_approval_on_its_page(browser, waste_site):
    # 30 t of 900-249-08 from 西湖精细化工 to the 北仑 facility's plant across the line (江苏昆山
    # 320583); nothing shipped yet, so 30 t are left; in force twelve months from today
    url = waste_site
    page = _as(browser, url, "province")
    page.goto(f"{url}/waste/approvals")
    assert page.locator("#qs-ws-a-empty").count() == 1
    page.fill("#qs-ws-a-form input[name='number']", "浙环危转〔2026〕88号")
    page.fill("#qs-ws-a-form input[name='approved_on']", date.today().isoformat())
    page.select_option("#qs-ws-a-form select[name='producer_id']", label="西湖精细化工 · 西湖区")
    page.fill("#qs-ws-a-form input[name='dest_region']", "320583")
    page.fill("#qs-ws-a-form input[name='waste_codes']", "900-249-08")
    page.fill("#qs-ws-a-form input[name='approved_t']", "30")
    with page.expect_navigation():
        page.locator("#qs-ws-a-form button[type='submit']").click()
    assert page.locator("#qs-ws-done").inner_text() == "审批已登记。"
    row = page.locator("#qs-ws-approvals tbody tr")
    assert row.count() == 1 and row.get_attribute("data-remaining") == "30.0"
    assert "有效" in row.inner_text() and "浙环危转〔2026〕88号" in row.inner_text()
    assert page.qs_errors == []
    page.context.close()
    phone = _as(browser, url, "producer", 390, 844)  # the producer reads it on a phone
    phone.goto(f"{url}/waste/approvals")
    assert phone.locator("#qs-ws-approvals tbody tr").count() == 1
    assert phone.locator("#qs-ws-a-form").count() == 0
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert phone.qs_errors == []
    phone.context.close()
