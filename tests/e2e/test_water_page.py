"""The 水质 page in Debian's Chromium: sections coloured by their GB 3838-2002 class."""

from __future__ import annotations

import pytest

from qingshan.web.legend import NO_DATA_COLOR, WATER_CLASS_COLORS

from .helpers import login_as
from .seed import CITY_USER, SECTIONS

pytestmark = pytest.mark.e2e

SHOWN = [s for s in SECTIONS if s[0] != "E2EW08"]  # 国控 and 省控 only


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#qs-map[data-ready]", timeout=20_000)
    assert page.get_attribute("#qs-map", "data-ready") == "1", page.inner_text("#qs-error")


def _drawn(page) -> dict:
    """Section code → (series name, colour, symbol) as drawn on the map."""
    return page.evaluate(
        """() => {
        const out = {};
        window.qsWaterChart.getOption().series.forEach(s => s.data.forEach(d => {
          out[d.section.code] = [s.name, s.itemStyle.color, d.symbol];
        }));
        return out;
    }"""
    )


def test_sections_in_their_class_colours(server_url, page):
    _open(page, f"{server_url}/water")
    page.screenshot(path="/tmp/qingshan-water.png")
    drawn = _drawn(page)
    assert sorted(drawn) == sorted(s[0] for s in SHOWN)
    names = {"I": "I类", "II": "II类", "III": "III类", "IV": "IV类", "V": "V类", "劣V": "劣V类"}
    for code, *_, cls in SHOWN:
        if cls is None:
            assert drawn[code][:2] == ["无数据", NO_DATA_COLOR], code
        else:
            assert drawn[code][:2] == [names[cls], WATER_CLASS_COLORS[cls]], code
    assert drawn["E2EW01"][1] == "#CCFFFF" and drawn["E2EW04"][1] == "#FF0000"
    assert drawn["E2EW01"][2] == "circle" and drawn["E2EW04"][2] == "triangle"  # 国控 / 省控

    # counts: 4 of 6 assessed sections meet their target; 3 of 6 are class I–III
    assert page.inner_text("#qs-compliance") == "66.7%"
    assert page.inner_text("#qs-good-rate") == "50.0%"
    assert page.inner_text("#qs-bad-rate") == "16.7%"
    assert page.inner_text("#qs-compliance-detail") == "4/6 个断面达到水质目标"
    assert "国控 4，省控 3；有数据 6/7" in page.inner_text("#qs-counts")
    assert page.inner_text("#qs-updated").startswith("2026-02-04 14:00")

    # the ranking: best class first, the section without data last
    rows = page.locator("#qs-sections tbody tr")
    order = rows.evaluate_all("rs => rs.map(r => r.dataset.code)")
    assert order == ["E2EW01", "E2EW06", "E2EW02", "E2EW03", "E2EW05", "E2EW04", "E2EW07"]
    yao = page.locator('tr[data-code="E2EW03"]').inner_text()
    assert "IV类" in yao and "超标" in yao and "总磷(0.25)、氨氮(0.20)" in yao
    lake = page.locator('tr[data-code="E2EW02"]').inner_text()
    assert "湖库" in lake and "III类" in lake and "达标" in lake
    page.locator("#qs-sections").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/qingshan-water-table.png")
    assert page.qs_errors == []


def test_tooltip(server_url, page):
    _open(page, f"{server_url}/water")
    index = page.evaluate(
        "() => window.qsWaterChart.getOption().series.findIndex(s => s.name === '劣V类')"
    )
    page.evaluate(
        f"() => window.qsWaterChart.dispatchAction({{type: 'showTip', seriesIndex: {index}, dataIndex: 0}})"
    )
    tip = page.locator("#qs-map div").filter(has_text="E2EW04").last
    tip.wait_for(timeout=5_000)
    text = tip.inner_text()
    for part in ["温瑞塘河", "温州市", "省控", "劣V类", "重度污染", "IV类", "超标",
                 "氨氮(1.50)、总磷(1.25)、溶解氧", "2026-02-04 14:00"]:  # fmt: skip
        assert part in text, part
    page.screenshot(path="/tmp/qingshan-water-tooltip.png")
    assert page.qs_errors == []


def test_city_user_sees_only_their_city(server_url, page):
    login_as(page, server_url, CITY_USER)
    _open(page, f"{server_url}/water")
    assert sorted(_drawn(page)) == ["E2EW01", "E2EW02", "E2EW06"]
    assert "杭州市地表水水质" in page.inner_text("h1")
    assert page.inner_text("#qs-compliance") == "100.0%"
    page.screenshot(path="/tmp/qingshan-water-hangzhou.png")
    assert page.qs_errors == []


def test_english(server_url, page):
    _open(page, f"{server_url}/water?lang=en")
    assert "surface water quality" in page.inner_text("h1")
    names = page.evaluate("() => window.qsWaterChart.getOption().series.map(s => s.name)")
    assert names == [
        "Class I",
        "Class II",
        "Class III",
        "Class IV",
        "Class V",
        "Worse than V",
        "No data",
    ]
    page.screenshot(path="/tmp/qingshan-water-en.png")
    _open(page, f"{server_url}/water?lang=zh")
    assert page.qs_errors == []
