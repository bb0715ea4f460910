"""The 导入/导出 panel of /enterprises in Debian's Chromium: a city officer uploads a workbook
with a bad row, sees the error table (sheet, row, column, reason), fixes the file, sees the
dry run's plan, confirms, and finds the enterprise in the list. Its own server: the import
changes the data other browser tests read."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook

from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions

from .conftest import running_server
from .helpers import login_as
from .seed import CITY_USER, seed_users

pytestmark = pytest.mark.e2e

CODE = "91330106MA2H7K3B80"  # 杭州 西湖区, valid check characters
NAME = "杭州之江热电有限公司"


@pytest.fixture(scope="module")
def import_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("qingshan-e2e-import")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        seed_users(s)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url


def _workbook(path, unit: str) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {
        "企业": [["统一社会信用代码", "企业名称", "行业类别", "所在区县", "重点排污单位类别"],
                 [CODE, NAME, "火电", "西湖区", "大气环境"]],
        "排口": [["排口编码", "统一社会信用代码", "排口名称", "排口类型", "污染源类型"],
                 [f"{CODE}-DA001", CODE, "1号锅炉废气排放口", "废气", "coal_boiler_ultralow"]],
        "排污许可证": [["许可证编号", "统一社会信用代码", "有效期起", "有效期止"],
                       [f"{CODE}001P", CODE, "2024-01-01", "2028-12-31"]],
        "许可限值": [["许可证编号", "排口编码", "污染物代码", "浓度限值", "单位", "年许可排放量"],
                     [f"{CODE}001P", f"{CODE}-DA001", "a21026", 35, unit, None],
                     [f"{CODE}001P", None, "a21026", None, None, 120.5]],
    }  # fmt: skip
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())


def _state(page, state: str) -> None:
    page.wait_for_selector(f'#qs-imp-result[data-state="{state}"]', timeout=30_000)


def test_a_bad_row_is_shown_fixed_and_imported(import_server, page, tmp_path):
    login_as(page, import_server, CITY_USER)
    page.goto(f"{import_server}/enterprises")
    page.wait_for_selector('.qs-page[data-ready="1"]', timeout=20_000)
    assert page.locator("#qs-enterprises tbody tr").count() == 0
    page.click("#qs-imp > summary")
    assert page.is_visible("#qs-imp-form")
    assert page.get_attribute("#qs-imp-xlsx", "href") == "/api/v1/archive/export?format=xlsx"

    bad = tmp_path / "archive.xlsx"
    _workbook(bad, "mg/L")  # SO2 is in mg/m³ (HJ 212-2017 Appendix B)
    page.set_input_files("#qs-imp-file", str(bad))
    page.click("#qs-imp-check")
    _state(page, "problems")
    assert "未导入任何数据：1 行共 1 处问题" in page.inner_text("#qs-imp-result")
    row = page.locator("#qs-imp-problems tbody tr")
    assert row.count() == 1
    assert (
        row.get_attribute("data-sheet"),
        row.get_attribute("data-row"),
        row.get_attribute("data-column"),
    ) == ("许可限值", "2", "E")
    cells = row.locator("td").all_inner_texts()
    assert cells[:3] == ["许可限值", "第 2 行", "E · 单位"]
    assert "HJ 212-2017 Appendix B gives 'mg/m³'" in cells[3]
    assert page.is_hidden("#qs-imp-confirm")

    good = tmp_path / "archive-fixed.xlsx"
    _workbook(good, "mg/m³")
    page.set_input_files("#qs-imp-file", str(good))
    page.click("#qs-imp-check")
    _state(page, "plan")
    counts = page.locator('#qs-imp-counts tr[data-sheet="企业"] td[data-action="new"]')
    assert counts.inner_text() == "1"
    assert (
        page.locator('#qs-imp-counts tr[data-sheet="许可限值"] td[data-action="new"]').inner_text()
        == "2"
    )
    assert re.search(r"共 5 行，其中 5 行将改变档案", page.inner_text("#qs-imp-result"))
    page.screenshot(path="/tmp/qingshan-enterprise-import-plan.png", full_page=True)
    page.click("#qs-imp-confirm")
    _state(page, "done")
    assert "已导入" in page.inner_text("#qs-imp-result")
    page.click("#qs-imp-reload")
    page.wait_for_selector('.qs-page[data-ready="1"]', timeout=20_000)
    assert page.locator("#qs-enterprises tbody .qs-ent-name b").all_inner_texts() == [NAME]
    # the browser logs the refused check's answer (422); nothing else
    assert [e for e in page.qs_errors if "status of 422" not in e] == []
