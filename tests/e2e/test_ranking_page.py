"""The public ranking page (/ranking) and the map's ranking panel in Debian's Chromium, on a
server whose ranking roll-ups hold a hand-worked April 2026 (issue #16)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import insert

from qingshan.db.engine import make_engine, session_scope
from qingshan.targets.ranking_models import RankingAirDay, RankingWaterMonth

from .conftest import _prepare_data, running_server
from .helpers import new_page

pytestmark = pytest.mark.e2e

BASE = {"so2": 6.0, "no2": 20.0, "pm10": 35.0, "pm25": 21.0, "co": 0.8, "o3_8h": 80.0}


def _days(year: int) -> list[date]:
    return [date(year, 4, 1) + timedelta(days=i) for i in range(30)]


def _rows(code: str, days: list[date], synthetic: bool = False, **over: float) -> list[dict]:
    return [{"level": "city", "region_code": code, "day": d, "sites": 2,
             "synthetic": synthetic, **BASE, **over} for d in days]  # fmt: skip


@pytest.fixture(scope="module")
def ranking_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("qingshan-ranking")
    _prepare_data(data_dir)
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    with session_scope(engine) as s:
        # 舟山 2.4 (0.1+0.5+0.5+0.6+0.2+0.5), 杭州 2.6 (O3 112 → 0.7), 宁波 2.4 (tie → rank 1),
        # 湖州 20 valid days (lacking); the previous April (synthetic): 舟山 PM2.5 28 → 2.6,
        # 杭州 O3 96 → 2.4 − 0.5 + 0.6 = 2.5
        rows = (_rows("330900", _days(2026)) + _rows("330100", _days(2026), o3_8h=112.0)
                + _rows("330200", _days(2026)) + _rows("330500", _days(2026)[:20])
                + _rows("330900", _days(2025), True, pm25=28.0)
                + _rows("330100", _days(2025), True, o3_8h=96.0))  # fmt: skip
        s.execute(insert(RankingAirDay), rows)
        s.execute(insert(RankingWaterMonth), [
            {"section_code": "W1", "region_code": "330106", "month": date(2026, 4, 1),
             "water_body": "river", "means": {"CODMn": 3.0, "NH3_N": 0.5}, "valid_days": 30,
             "synthetic": False},
        ])  # fmt: skip
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def _ready(page) -> None:
    page.wait_for_selector("body[data-ranking=ready]", timeout=20_000)


def test_public_ranking_page_zh(ranking_url, page):
    page.goto(f"{ranking_url}/ranking")  # no login
    _ready(page)
    rows = page.locator("#rank-table tbody tr")
    got = rows.evaluate_all(
        "rs => rs.map(r => [r.dataset.region, r.cells[0].innerText, r.cells[2].innerText,"
        " r.cells[3].innerText])"
    )
    # 2.4 ties share rank 1; 杭州 (2.6 − 2.5)/2.5 = +4.0 %, 舟山 (2.4 − 2.6)/2.6 = −7.7 %
    assert got == [["330200", "1", "2.40", "—"], ["330900", "1", "2.40", "-7.7%"],
                   ["330100", "3", "2.60", "+4.0%"]]  # fmt: skip
    assert page.locator("#rank-table tbody tr[data-region='330900'] .rank-down").count() == 1
    assert page.locator("#rank-table tbody tr[data-region='330100'] .rank-up").count() == 1
    tag = rows.nth(1).locator(".rank-tag")  # the previous April is the demo's synthetic year
    assert tag.inner_text() == "合成" and tag.get_attribute("title") == "上年为合成数据（演示）"
    assert page.is_visible("#rank-synthetic")
    lacking = page.inner_text("#rank-lacking tbody tr[data-region='330500']")
    assert lacking.endswith("有效天数不足：SO2 在 2026-04 有效 20 天，需 27 天（GB 3095-2012 表4）")
    assert page.evaluate("() => window.qsRankChart.getOption().series[0].data.length") == 3
    # the water tab: CWQI of the county's section 3/6 + 0.5/1 = 1.0
    page.click("[data-level=county]")
    page.click("[data-kind=water]")
    page.wait_for_selector("#rank-table tbody tr[data-region='330106']", timeout=20_000)
    _ready(page)
    assert page.inner_text("#rank-table tbody tr[data-region='330106'] td:nth-child(3)") == "1.0000"
    assert "kind=water" in page.url and "level=county" in page.url
    assert page.qs_errors == []


def test_public_ranking_page_en_phone(ranking_url, browser):
    page = new_page(browser, 390, 844)
    try:
        page.goto(f"{ranking_url}/ranking?lang=en")
        _ready(page)
        head = page.inner_text("#rank-table thead")
        assert "Rank" in head and "Comprehensive index" in head and "Change y/y" in head
        assert "synthetic" in page.inner_text("#rank-table tbody")
        assert "a synthetic previous year" in page.inner_text("#rank-synthetic")
        # nothing wider than the phone: the table scrolls inside its wrapper
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390
        assert page.qs_errors == []
    finally:
        page.context.close()


def test_excel_export_layout(ranking_url):
    from openpyxl import load_workbook

    r = httpx.get(f"{ranking_url}/api/v1/ranking", params={"month": "2026-04", "format": "xlsx"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:7] == ("排名", "地区", "所属城市", "综合指数", "同比变化(%)", "上年同期",
                           "首要污染物")  # fmt: skip
    assert rows[1][:7] == (1, "宁波市", None, 2.4, None, None, "PM2.5")
    assert rows[3][:5] == (3, "杭州市", None, 2.6, 4.0)
    huzhou = next(r for r in rows if r[1] == "湖州市")  # the lacking regions follow, unranked
    assert rows[4][0] == "—" and huzhou[0] == "—"
    assert (
        huzhou[-1]
        == "无有效数据: 有效天数不足：SO2 在 2026-04 有效 20 天，需 27 天（GB 3095-2012 表4）"
    )
    bad = httpx.get(f"{ranking_url}/api/v1/ranking", params={"period": "week"})
    assert (
        bad.status_code == 422 and "'month', 'ytd' or 'year'" in bad.text and "period" in bad.text
    )
    bad = httpx.get(f"{ranking_url}/api/v1/ranking", params={"month": "2026-13"})
    assert bad.status_code == 422 and "month" in bad.text


def test_map_shows_the_services_ranking(ranking_url, page):
    page.goto(f"{ranking_url}/map")
    page.wait_for_selector("#qs-map[data-ready]", timeout=20_000)
    page.wait_for_function(
        "() => { const td = document.querySelector('#qs-rank tbody tr td');"
        " return td !== null && td.innerText === '1'; }"
    )
    got = page.locator("#qs-rank tbody tr").evaluate_all(
        "rs => rs.slice(0, 4).map(r => [r.dataset.city, r.cells[0].innerText, r.cells[2].innerText])"
    )
    assert got == [["330200", "1", "2.40"], ["330900", "1", "2.40"], ["330100", "3", "2.60"],
                   ["330300", "—", "—"]]  # fmt: skip
    assert "2026-04" in page.inner_text("#qs-rank-title")
    # a city without valid data is listed unranked, its reason on the row
    title = page.get_attribute("#qs-rank tbody tr[data-city='330500']", "title")
    assert title == "有效天数不足：SO2 在 2026-04 有效 20 天，需 27 天（GB 3095-2012 表4）"
    assert page.qs_errors == []
