"""The outlet page 排口数据质控 in Debian's Chromium: header, charts of named parameters with
flags, the flag legend, the enterprise mark, the labelled permit limit and the seeded SO2
exceedance in the events table."""

from __future__ import annotations

import pytest

from qingshan.qc.web import EXCEED_COLOR
from qingshan.web.legend import LIMIT_COLOR, QC_FLAG_COLORS

from .helpers import login_as
from .seed import CITY_USER, EXCEEDANCE_HOURS, PROVINCE_USER

pytestmark = pytest.mark.e2e

URL = "/qc/outlets/E2EGAS01"


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('#qs-qc[data-ready="1"], #qs-qc[data-ready="error"]', timeout=20_000)
    assert page.get_attribute("#qs-qc", "data-ready") == "1", page.inner_text("#qs-error")


def _chart(page, code: str) -> dict:
    return page.evaluate(
        """(code) => {
          const o = window.qsOutletCharts[code].getOption();
          const s = o.series[0];
          const ml = s.markLine && s.markLine.data[0];
          return {
            name: s.name,
            series: o.series.map(x => x.name),
            exceeding: s.data.filter(d => d.status === 'exceeding').length,
            diamonds: s.data.filter(d => d.symbol === 'diamond').length,
            diamondColors: [...new Set(s.data.filter(d => d.symbol === 'diamond').map(d => d.itemStyle.color))],
            points: s.data.filter(d => d.value[1] != null).length,
            colors: [...new Set(s.data.map(d => d.itemStyle.color))],
            flags: [...new Set(s.data.map(d => d.flag))],
            limit: ml ? ml.yAxis : null,
            limitLabel: s.markLine ? s.markLine.label.formatter : null,
            limitColor: s.markLine ? s.markLine.lineStyle.color : null,
            marks: s.markArea ? s.markArea.data.map(a => a[0].name) : [],
            yMax: window.qsOutletCharts[code].getModel().getComponent('yAxis').axis.scale.getExtent()[1],
          };
        }""",
        code,
    )


def test_header_charts_legend_and_events(server_url, page):
    login_as(page, server_url, CITY_USER)
    _open(page, f"{server_url}{URL}")
    page.screenshot(path="/tmp/qingshan-outlet.png", full_page=True)
    # header: enterprise, industry, outlet, source, permit, rule pack
    assert page.inner_text("#qs-outlet-name") == "杭州青山热电1号机组废气排放口"
    assert "杭州青山热电有限公司" in page.inner_text("#qs-ent")
    assert page.inner_text("#qs-industry") == "火电"
    assert page.inner_text("#qs-kind") == "废气排口"
    assert page.inner_text("#qs-source") == "燃煤发电锅炉（超低排放）"
    assert "91330100MA2E2E001A001P" in page.inner_text("#qs-permit")
    assert page.get_attribute("#qs-rule", "data-version").startswith("thermal_power/")
    assert page.inner_text("#qs-rule").startswith("火电 · ")  # the pack QC chose, named
    assert page.is_visible("#qs-exceeding")  # the newest hour exceeds
    assert page.get_attribute("#qs-back", "href") == "/enterprises?q=91330100MA2E2E001A"

    # one chart per parameter, titled by name, symbol and unit; limited pollutants first
    titles = page.locator(".qs-chart-card .qs-chart-name").all_inner_texts()
    assert titles == ["二氧化硫 SO2", "氮氧化物 NOx", "烟尘", "氧气含量 O2"]
    so2_title = page.inner_text('.qs-chart-card[data-param="a21026"] h3')
    assert "折算值 O2 6%" in so2_title and "mg/m³" in so2_title
    assert "限值：35 mg/m³（限值适用于折算值）" in so2_title
    so2 = _chart(page, "a21026")
    # the converted series against the limit, the measured one and O2 (second axis) beside it
    assert so2["series"][:3] == ["折算值", "实测值", "O2 实测 (%)"] and so2["points"] >= 40
    assert so2["limit"] == 35 and so2["limitLabel"] == "许可限值 35 mg/m³（折算值）"
    # the seeded exceedance and the newest hour (36 measured → 41.5 converted): purple
    # diamonds, apart from every QC flag's colour
    assert so2["exceeding"] == so2["diamonds"] == len(EXCEEDANCE_HOURS) + 1
    assert so2["diamondColors"] == [EXCEED_COLOR] and EXCEED_COLOR not in QC_FLAG_COLORS.values()
    assert so2["limitColor"] == LIMIT_COLOR and so2["yMax"] > 35
    assert so2["marks"] == ["校准"]
    assert set(so2["colors"]) <= {*QC_FLAG_COLORS.values(), EXCEED_COLOR}
    o2 = _chart(page, "a19001")
    assert o2["limit"] is None and "fail" in o2["flags"]  # O2 invalid in the calibration
    assert QC_FLAG_COLORS["fail"] in o2["colors"]

    # the legend: five flags, the mark shading and the limit line
    legend = page.locator("#qs-legend .qs-legend-item").all_inner_texts()
    assert legend == [
        "通过",
        "可疑",
        "无效",
        "缺失",
        "未评估",
        "企业标记时段（停运、故障、校准…）",
        "超标（折算值或日均值高于限值）",
        "许可限值",
    ]
    dot = page.locator('#qs-legend [data-flag="fail"] .qs-dot')
    assert dot.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(192, 57, 43)"

    # the seeded exceedance: four hours of SO2 above 35 converted
    rows = page.locator("#qc-events tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == "二氧化硫 SO2" and cells[3] == str(len(EXCEEDANCE_HOURS))
    assert cells[4].endswith("mg/m³ 折算") and float(cells[5]) > 0 and cells[6] == "35 mg/m³"
    marks = page.locator("#qc-marks tbody tr td").all_inner_texts()
    assert marks[:2] == ["校准", "整个排口"] and "CEMS 例行校准" in marks
    # the footer sits below the page, never over the charts
    footer = page.locator(".qs-footer").bounding_box()
    main = page.locator(".qs-main").bounding_box()
    assert footer["y"] >= main["y"] + main["height"] - 1
    assert page.qs_errors == []


def test_english(server_url, page):
    login_as(page, server_url, PROVINCE_USER)
    _open(page, f"{server_url}{URL}?lang=en")
    titles = page.locator(".qs-chart-card .qs-chart-name").all_inner_texts()
    assert titles[:2] == ["sulfur dioxide SO2", "nitrogen oxides (NOx)"]
    assert _chart(page, "a21026")["limitLabel"] == "Permit limit 35 mg/m³ (Converted)"
    assert page.inner_text("#qs-rule").startswith("Thermal power · ")
    assert page.locator("#qs-legend .qs-legend-item").all_inner_texts()[:5] == [
        "Pass", "Suspect", "Invalid", "Missing", "Not evaluated",
    ]  # fmt: skip
    assert page.inner_text("#qs-industry") == "Thermal power"
    assert page.qs_errors == []


def test_range_form_reloads(server_url, page):
    login_as(page, server_url, CITY_USER)
    _open(page, f"{server_url}{URL}?days=1")
    assert _chart(page, "a21026")["points"] <= 25
    assert page.inner_text(".qs-chip-link.active") == "近 1 天"
    page.click('.qs-chip-link:has-text("近 7 天")')
    page.wait_for_url(f"{server_url}{URL}?days=7")
    page.wait_for_selector('#qs-qc[data-ready="1"]', timeout=20_000)
    assert _chart(page, "a21026")["points"] >= 40
    assert page.qs_errors == []


def test_out_of_scope_outlet(server_url, page):
    login_as(page, server_url, CITY_USER)
    page.goto(f"{server_url}/qc/outlets/E2EWAT02")  # 宁波's
    page.wait_for_selector('#qs-qc[data-ready="error"]', timeout=20_000)
    assert page.inner_text("#qs-error") == "您的辖区内没有排口 E2EWAT02。"
    assert not page.is_visible("#qs-legend")


def test_water_outlet_within_limits(server_url, page):
    login_as(page, server_url, CITY_USER)
    _open(page, f"{server_url}/qc/outlets/E2EWAT01")
    assert not page.is_visible("#qs-exceeding")  # COD 32 and NH3-N 2.1 are under the limits
    titles = page.locator(".qs-chart-card .qs-chart-name").all_inner_texts()
    assert titles == ["化学需氧量 COD", "氨氮 NH3-N"]
    # hourly values against the permit's daily-mean limit: the line says so
    assert _chart(page, "w01018")["limitLabel"] == "许可限值（日均值） 80 mg/L"
    assert page.is_visible("#qc-events-none") and page.is_visible("#qc-marks-none")
    assert page.inner_text("#qs-industry") == "造纸"
    assert page.qs_errors == []
