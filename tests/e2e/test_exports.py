"""Exports in Chromium on the small demo (issue #14): a table's CSV and Excel buttons and a
chart's toolbox (保存图片 PNG, 下载数据 CSV) give files holding what the page shows — the
enterprise and case lists export their whole filtered list, not the page shown."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .helpers import login_as

pytestmark = pytest.mark.e2e

HANGZHOU = ("hangzhou", "qingshan-demo")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def ctx(browser, demo_server_url):
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", timezone_id="UTC",
        accept_downloads=True,
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login_as(page, demo_server_url, HANGZHOU)
    yield page, demo_server_url
    context.close()
    assert errors == []


def _download(page, locator):
    with page.expect_download() as info:
        locator.click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def _xlsx(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in r] for r in ws.iter_rows()]


def _bar(page, table: str):
    """The CSV and Excel buttons above ``table``."""
    bar = page.locator(
        f"div.qs-export-bar:has(+ .qs-table-wrap {table}), div.qs-export-bar:has(+ {table})"
    )
    return bar.locator('[data-fmt="csv"]'), bar.locator('[data-fmt="xlsx"]')


def _shown(page, table: str) -> list[list[str]]:
    return page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel + ' tbody tr'))
             .filter(r => !r.hidden).map(r => Array.from(r.cells).map(c => c.innerText.replace(/\\s+/g, ' ').trim()))""",
        table,
    )


def _toolbox(page, chart: str, which: str):
    """Click the chart's toolbox icon (a mouse click on the canvas, as a user does): the PNG
    (保存图片) or the data (下载数据). The toolbox sits at the top right (padding 5 px, icons
    13 px, gap 8): [PNG] [data]."""
    page.locator(chart).first.scroll_into_view_if_needed()
    page.wait_for_function(  # drawn: ECharts renders on the next frame after setOption
        "s => { const c = echarts.getInstanceByDom(document.querySelector(s));"
        " return c && c.getOption() && c.getOption().toolbox && c.getOption().toolbox.length; }",
        arg=chart,
    )
    page.wait_for_timeout(300)
    box = page.locator(chart).first.bounding_box()
    assert box is not None
    right = page.evaluate(
        "s => echarts.getInstanceByDom(document.querySelector(s)).getOption().toolbox[0].right",
        chart,
    )
    x = box["x"] + box["width"] - right - 5 - (6.5 if which == "data" else 27.5)
    page.mouse.click(x, box["y"] + 11.5)


def _chart_download(page, chart: str, which: str):
    """The file a toolbox button downloads. The mouse leaves the chart first (the hover state of
    the previous button drew over this one under load), and the click is made once more if no
    download starts in 15 s (the toolbox is clicked by position: a redraw can move it)."""
    page.mouse.move(0, 0)
    page.wait_for_timeout(200)
    try:
        with page.expect_download(timeout=15_000) as info:
            _toolbox(page, chart, which)
    except PlaywrightTimeoutError:
        with page.expect_download() as info:
            _toolbox(page, chart, which)
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def test_enterprise_list_exports_every_page(ctx):
    page, url = ctx
    page.goto(f"{url}/enterprises")
    page.wait_for_selector('.qs-page[data-ready="1"]', timeout=30_000)
    total = page.request.get(f"{url}/api/v1/archive/enterprises?limit=1").json()["total"]
    shown = len(_shown(page, "#qs-enterprises"))
    csv_btn, xlsx_btn = _bar(page, "#qs-enterprises")
    name, data = _download(page, csv_btn)
    rows = _csv(data)
    assert name.startswith("污染源企业名录-") and name.endswith(".csv")
    assert rows[0][:3] == ["企业名称", "统一社会信用代码", "行业"]
    assert len(rows) - 1 == total and total > 0
    name, data = _download(page, xlsx_btn)
    sheet = _xlsx(data)
    assert name.endswith(".xlsx") and len(sheet) - 1 == total
    assert all(isinstance(r[8], int) for r in sheet[1:])  # 排口数: numbers stay numbers
    # the filter is followed: 仅看超标 exports the exceeding enterprises only
    page.locator("#qs-only-exceeding").check()
    page.wait_for_selector('.qs-page[data-ready="1"]')
    exceeding = page.request.get(f"{url}/api/v1/archive/enterprises?limit=1&exceeding=true").json()[
        "total"
    ]
    rows = _csv(_download(page, csv_btn)[1])
    assert len(rows) - 1 == exceeding < total
    assert all(int(r[9]) > 0 for r in rows[1:])
    assert shown <= total


def test_case_list_exports_the_filtered_total(ctx):
    page, url = ctx
    page.goto(f"{url}/cases")
    total = page.request.get(f"{url}/api/v1/cases?limit=1").json()["total"]
    csv_btn, xlsx_btn = _bar(page, "#qs-cases")
    rows = _csv(_download(page, csv_btn)[1])
    assert len(rows) - 1 == total and total > 0
    name, data = _download(page, xlsx_btn)
    sheet = _xlsx(data)  # the case list's own workbook: a title, the filter line, the header
    assert name.endswith(".xlsx") and f"共 {total} 件" in sheet[1][0]
    assert len([r for r in sheet if r[0] and r[0].startswith("33")]) == total


def test_air_station_tables_and_charts(ctx):
    page, url = ctx
    page.goto(f"{url}/air/stations/1223A")
    page.wait_for_selector('#qs-air[data-ready="1"]', timeout=30_000)
    shown = _shown(page, "#airh-index-table")
    csv_btn, xlsx_btn = _bar(page, "#airh-index-table")
    rows = _csv(_download(page, csv_btn)[1])
    # text as shown; numbers as numbers (0.150 shown is 0.15 in the file), "—" an empty cell
    assert len(rows) - 1 == len(shown) > 0
    for got, want in zip(rows[1:], shown, strict=True):
        assert got[0] == want[0]
        for g, w in zip(got[1:], want[1:], strict=True):
            assert (g == "" and w == "—") or g == w or float(g) == float(w)
    sheet = _xlsx(_download(page, xlsx_btn)[1])
    assert len(sheet) - 1 == len(shown)
    assert any(isinstance(v, float | int) for r in sheet[1:] for v in r[1:])
    # the hourly AQI chart: PNG and its series as CSV (time in CST, the AQI column)
    name, data = _chart_download(page, "#airh-aqi-chart", "png")
    assert data.startswith(PNG) and name.endswith(".png") and "-" in name
    name, data = _chart_download(page, "#airh-aqi-chart", "data")
    rows = _csv(data)
    hours = int(page.locator("#qs-air").get_attribute("data-hours"))
    assert name.endswith(".csv") and rows[0][0] == "时间（北京时间）"
    assert len(rows) - 1 >= hours > 100
    valued = [r for r in rows[1:] if r[1] != ""]
    assert len(valued) == hours and all(0 <= float(r[1]) <= 500 for r in valued)


def test_freshness_tables(ctx):
    page, url = ctx
    page.goto(f"{url}/freshness")
    page.wait_for_selector("#fr-summary tbody tr", timeout=30_000)
    shown = _shown(page, "#fr-summary")
    csv_btn, xlsx_btn = _bar(page, "#fr-summary")
    rows = _csv(_download(page, csv_btn)[1])
    assert rows[0] == ["地区", "总数", "迟报", "缺报"]
    assert rows[1:] == shown and len(shown) > 1
    sheet = _xlsx(_download(page, xlsx_btn)[1])
    assert [[str(v) for v in r] for r in sheet[1:]] == shown
    assert all(isinstance(r[1], int) for r in sheet[1:])


def test_outlet_page_events_and_chart(ctx):
    page, url = ctx
    ents = page.request.get(f"{url}/api/v1/archive/enterprises?limit=100").json()["items"]
    code = next(
        o["code"]
        for e in ents
        for o in e["outlets"]
        if o["kind"] == "gas_outlet" and o["latest_time"]
    )
    page.goto(f"{url}/qc/outlets/{code}")
    page.wait_for_selector('#qs-qc[data-ready="1"]', timeout=30_000)
    page.wait_for_selector("#qc-charts [_echarts_instance_]")
    shown = _shown(page, "#qc-events")
    csv_btn, xlsx_btn = _bar(page, "#qc-events")
    sheet = _xlsx(_download(page, xlsx_btn)[1])
    assert len(sheet) - 1 == len(shown)
    chart = "#qc-charts [_echarts_instance_]"
    name, data = _chart_download(page, chart, "png")
    assert data.startswith(PNG)
    rows = _csv(_chart_download(page, chart, "data")[1])
    assert rows[0][0] == "时间（北京时间）" and len(rows) > 24


def test_credit_list_exports_every_page_of_the_filter(ctx):
    page, url = ctx
    page.goto(f"{url}/credit")
    total = page.request.get(f"{url}/api/v1/credit/ratings?limit=1").json()["total"]
    assert total > 0
    csv_btn, xlsx_btn = _bar(page, "#qs-credit-list")
    rows = _csv(_download(page, csv_btn)[1])
    assert rows[0] == ["企业", "所在地", "信用等级", "一票否决", "得分", "评价日期"]
    assert len(rows) - 1 == total
    # a grade chosen on the page (its link) is followed by the file
    grade = rows[1][2]
    key = page.request.get(f"{url}/api/v1/credit/rule").json()["grades"]
    key = next(g["key"] for g in key if g["name"] == grade)
    page.goto(f"{url}/credit?grade={key}")
    n = page.request.get(f"{url}/api/v1/credit/ratings?limit=1&grade={key}").json()["total"]
    sheet = _xlsx(_download(page, _bar(page, "#qs-credit-list")[1])[1])
    assert len(sheet) - 1 == n and {r[2] for r in sheet[1:]} == {grade}
    assert all(isinstance(r[4], float | int) for r in sheet[1:])
