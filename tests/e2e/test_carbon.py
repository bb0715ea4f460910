"""碳排放总览 and 碳账户 in Debian's Chromium: the province's overview (KPIs, the county map in
both metrics, the trajectory chart, the peak path set through the form and drawn), a county's
overview in English on a phone without sideways scrolling, and an enterprise account sent to its
own account with the stacked bars by source and the Excel export.

Data: three enterprises, January–March 2026, electricity at the ETS grid factor 0.5703 tCO2/MWh
and heat at 0.11 tCO2/GJ: 西湖热电厂 1,000 MWh a month (570.3 t), 北仑水泥厂 1,000 GJ (110 t),
萧山印染厂 500 MWh + 2,000 GJ (285.15 + 220 = 505.15 t): 1,185.45 t a month, 3,556.35 t in all."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.carbon import service
from qingshan.carbon.activity import ActivityMonth
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-carbon-pass"
NOW = datetime(2026, 4, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def carbon_site(tmp_path_factory):
    """A server on three enterprises' accounts; yields (url, the power plant's id)."""
    data_dir = tmp_path_factory.mktemp("carbon")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    province = Scope("330000", Role.PROVINCE, username="province")
    with session_scope(engine) as s:
        seed_regions(s)
        ents = [
            Enterprise(credit_code="91330106MA2E2EC01A", name="西湖热电厂",
                       industry=Industry.THERMAL_POWER, industry_code="4411", region_code="330106"),
            Enterprise(credit_code="91330206MA2E2EC02B", name="北仑水泥厂",
                       industry=Industry.CEMENT, industry_code="3011", region_code="330206"),
            Enterprise(credit_code="91330109MA2E2EC03C", name="萧山印染厂",
                       industry=Industry.DYEING, industry_code="1713", region_code="330109"),
        ]  # fmt: skip
        s.add_all(ents)
        s.flush()
        power, cement, dyeing = (e.id for e in ents)
        for name, role, region, ent in (("province", Role.PROVINCE, "330000", None),
                                        ("xihu", Role.COUNTY, "330106", None),
                                        ("owner", Role.ENTERPRISE, "330106", power)):  # fmt: skip
            create_user(s, name, PASSWORD, role, region, enterprise_id=ent)
        for month in (1, 2, 3):
            m = date(2026, month, 1)
            for a in (ActivityMonth(power, m, electricity_purchased_mwh=1000.0,
                                    value_added_10k_yuan=100.0),
                      ActivityMonth(cement, m, heat_purchased_gj=1000.0, value_added_10k_yuan=50.0),
                      ActivityMonth(dyeing, m, electricity_purchased_mwh=500.0,
                                    heat_purchased_gj=2000.0, value_added_10k_yuan=80.0)):  # fmt: skip
                service.submit_activity(s, province, a, source="form", actor="e2e", now=NOW)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url, power


def _wait_chart(page, chart_id: str, attr: str) -> str:
    page.wait_for_function(
        f"() => document.getElementById('{chart_id}').getAttribute('{attr}') !== null"
    )
    return page.locator(f"#{chart_id}").get_attribute(attr)


def test_the_province_overview_map_trajectory_and_peak_path(browser, carbon_site):
    url, _ = carbon_site
    page = new_page(browser, 1600, 1000)
    login_as(page, url, ("province", PASSWORD))
    page.goto(f"{url}/carbon")
    assert page.locator("nav >> text=碳排放").count() >= 1
    assert page.locator("#qs-cb-total").get_attribute("data-value") == "3556.350"
    assert page.locator("#qs-cb-total").inner_text() == "0.36"  # 10^4 tCO2
    assert page.locator("#qs-cb-industries tbody tr").count() == 3
    # three counties hold enterprises; the intensity metric redraws the same areas
    assert _wait_chart(page, "qs-cb-map", "data-areas") == "3"
    page.locator(".qs-cb-seg [data-metric='intensity']").click()
    assert page.locator("#qs-cb-map").get_attribute("data-metric") == "intensity"
    assert _wait_chart(page, "qs-cb-months", "data-months") == "3"
    page.locator("#qs-cb-path summary").click()
    page.fill("input[name='y2026']", "15000")
    page.fill("input[name='y2030']", "12000")
    with page.expect_navigation():
        page.locator("#qs-cb-pathform button[type='submit']").click()
    assert page.locator("#qs-cb-done").inner_text() == "达峰路径已保存"
    path = page.evaluate("() => window.qsCarbonCharts['qs-cb-years'].getOption().series[1].data")
    assert path == [1.5, "-", "-", "-", 1.2]  # 10^4 t, 2026 … 2030 (the years between, none)
    # a bad value comes back with its field named, the path unchanged
    page.locator("#qs-cb-path summary").click()
    page.fill("input[name='y2027']", "-3")
    with page.expect_navigation():
        page.locator("#qs-cb-pathform button[type='submit']").click()
    assert "2027: the path must be a positive number" in page.locator("#qs-cb-error").inner_text()
    assert page.locator("input[name='y2026']").input_value() == "15000"  # the form kept
    # the refused form's own 422 is the only error the console saw
    assert [e for e in page.qs_errors if "status of 422" not in e] == []
    page.context.close()


def test_a_county_in_english_on_a_phone(browser, carbon_site):
    url, _ = carbon_site
    page = new_page(browser, 390, 844)
    login_as(page, url, ("xihu", PASSWORD))
    page.goto(f"{url}/carbon?lang=en")
    assert page.locator("h1").inner_text().startswith("Carbon emissions overview")
    assert page.locator("#qs-cb-total").get_attribute("data-value") == "1710.900"  # 3 × 570.3
    assert _wait_chart(page, "qs-cb-map", "data-areas") == "1"
    assert page.locator("#qs-cb-pathform").count() == 0
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    assert page.qs_errors == []
    page.context.close()


def test_an_enterprise_reads_its_account_and_exports_it(browser, carbon_site):
    url, power = carbon_site
    page = new_page(browser, 1600, 1000)
    login_as(page, url, ("owner", PASSWORD))
    page.goto(f"{url}/carbon")
    assert page.url.endswith(f"/carbon/enterprises/{power}")
    assert _wait_chart(page, "qs-cb-sources", "data-months") == "3"
    series = page.evaluate(
        "() => window.qsCarbonCharts['qs-cb-sources'].getOption().series.map(s => s.name)"
    )
    assert series == ["购入电力", "合计"]
    assert page.locator("#qs-cb-factors tr[data-factor='grid/ets/2022']").count() == 1
    with page.expect_download() as dl:
        page.locator("#qs-cb-export").click()
    wb = load_workbook(io.BytesIO(dl.value.path().read_bytes()))
    months = list(wb["逐月"].iter_rows(min_row=2, values_only=True))
    assert [(m[0], m[1]) for m in months] == [("2026-01", 570.3), ("2026-02", 570.3),
                                               ("2026-03", 570.3)]  # fmt: skip
    assert page.qs_errors == []
    page.context.close()
