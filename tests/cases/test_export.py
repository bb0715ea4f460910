"""The case list exported (Excel and CSV): the list's filters and order, the account's scope,
the bound with its message, text never turned into a formula — through the API and the page's
button, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases import list_export, service
from qingshan.cases.list_export import ExportTooLarge, cases_csv, export_cases
from qingshan.cases.workflow import CaseState
from qingshan.db.engine import session_scope

from .conftest import NOW, PASSWORD, auth, make_draft, user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cases(engine, world):
    """西湖: three air cases (one dispatched), a noise complaint whose place starts with "=";
    滨江: one; 宁波 海曙: one."""
    with session_scope(engine) as s:
        ids = {}
        for i in range(3):
            ids[f"air{i}"] = service.register_case(s, make_draft(world, title=f"锅炉冒黑烟 {i}"),
                                                   actor="t", now=NOW).case.id  # fmt: skip
        service.assign_case(s, user(s, "xihu"), ids["air0"], now=NOW)
        ids["noise"] = service.register_case(
            s, make_draft(world, title="夜间施工噪声", category="noise", source="complaint",
                          place='=HYPERLINK("http://x","点我")', enterprise_id=None,
                          longitude=120.13, latitude=30.27),
            actor="t", now=NOW,
        ).case.id  # fmt: skip
        ids["binjiang"] = service.register_case(s, make_draft(world, title="滨江废水", region_code="330108", enterprise_id=world.ent2), actor="t", now=NOW).case.id  # fmt: skip
        ids["haishu"] = service.register_case(s, make_draft(world, title="海曙噪声", region_code="330203", enterprise_id=None, category="noise"), actor="t", now=NOW).case.id  # fmt: skip
    return ids


def _csv(data: bytes) -> list[list[str]]:
    assert data[:3] == b"\xef\xbb\xbf"  # a byte-order mark: Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def test_the_api_exports_the_filtered_scoped_list(client, cases):
    r = client.get("/api/v1/cases/export.csv?category=noise", headers=auth(client, "hz"))
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.search(r"filename\*=UTF-8''cases_330100_\d{8}-\d{4}\.csv", r.headers["content-disposition"])  # fmt: skip
    rows = _csv(r.content)
    assert rows[0][:7] == ["编号", "问题", "类别", "严重程度", "来源", "属地", "状态"]
    # 杭州 sees its noise case, not 宁波's; the place is text, not a formula
    assert [row[1] for row in rows[1:]] == ["夜间施工噪声"]
    noise = rows[1]
    assert noise[2:7] == ["噪声", "一般", "群众举报", "西湖区", "待交办"]
    assert noise[9] == '\'=HYPERLINK("http://x","点我")'
    assert noise[-2:] == ["120.13", "30.27"]
    # Excel, in English, the province's whole list newest first (ids as registered)
    r = client.get("/api/v1/cases/export.xlsx?lang=en", headers=auth(client, "zj"))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.title == "Cases" and ws["A1"].value.endswith(" cases")
    assert "6 cases; filters: none (every case)" in ws["A2"].value
    assert [c.value for c in ws[3]][:3] == ["Number", "Problem", "Category"]
    titles = [ws.cell(row=r, column=2).value for r in range(4, ws.max_row + 1)]
    assert titles == [
        "海曙噪声",
        "滨江废水",
        "夜间施工噪声",
        "锅炉冒黑烟 2",
        "锅炉冒黑烟 1",
        "锅炉冒黑烟 0",
    ]
    place = ws.cell(row=6, column=10)
    assert place.value == '=HYPERLINK("http://x","点我")' and place.data_type == "s"
    dispatched = [c.value for c in ws[9]]
    assert dispatched[6] == "Assigned" and dispatched[7] == "西湖区生态环境分局"
    assert dispatched[8] == "杭州西湖热电有限公司" and dispatched[12].startswith("2026-04-01")
    # an enterprise exports its own cases; the public and anonymous callers nothing
    rows = _csv(client.get("/api/v1/cases/export.csv", headers=auth(client, "owner")).content)
    assert sorted(row[1] for row in rows[1:]) == ["锅炉冒黑烟 0", "锅炉冒黑烟 1", "锅炉冒黑烟 2"]
    assert client.get("/api/v1/cases/export.csv", headers=auth(client, "citizen")).status_code == 403  # fmt: skip
    client.cookies.clear()
    assert client.get("/api/v1/cases/export.csv").status_code == 401
    # a category no case has: an empty list, the filter named as given
    r = client.get("/api/v1/cases/export.xlsx?category=smell", headers=auth(client, "zj"))
    ws = load_workbook(io.BytesIO(r.content)).active
    assert r.status_code == 200 and ws.max_row == 3 and "类别: smell" in ws["A2"].value
    # a control character (a worksheet holds none) is left out of the file, not an error
    r = client.get("/api/v1/cases/export.xlsx?q=%E9%BB%91%1C", headers=auth(client, "zj"))
    assert r.status_code == 200 and "黑" in load_workbook(io.BytesIO(r.content)).active["A2"].value
    # a region outside the account's is refused like the list's
    r = client.get("/api/v1/cases/export.csv?region=330200", headers=auth(client, "hz"))
    assert r.status_code == 403


def test_an_export_is_bounded_and_says_how_many(engine, client, cases, monkeypatch):
    with session_scope(engine) as s:
        with pytest.raises(
            ExportTooLarge,
            match=r"the list has 6 cases, more than the 5 an export holds: narrow it by state",
        ):
            export_cases(s, Scope("330000", Role.PROVINCE), max_rows=5, now=NOW)
        x = export_cases(s, Scope("330106", Role.COUNTY), service.CaseFilter(state=CaseState.ASSIGNED), max_rows=5, now=NOW)  # fmt: skip
        assert [c.id for c in x.cases] == [cases["air0"]]
        rows = _csv(cases_csv(x, "en"))
        assert rows[1][13] == "" and rows[1][12].startswith("2026-04-01")  # not yet overdue
    monkeypatch.setattr(list_export, "MAX_EXPORT_ROWS", 5)
    monkeypatch.setattr("qingshan.cases.web.MAX_EXPORT_ROWS", 5)
    r = client.get("/api/v1/cases/export.xlsx", headers=auth(client, "zj"))
    assert r.status_code == 422 and "the list has 6 cases, more than the 5" in r.text
    r = client.get("/api/v1/cases/export.xlsx?state=registered", headers=auth(client, "zj"))
    assert r.status_code == 200  # narrowed: 5
    client.post("/api/v1/auth/login", data={"username": "zj", "password": PASSWORD})
    page = client.get("/cases")
    assert 'id="qs-export-over"' in page.text and "共 6 件，超过单次导出上限 5 件" in page.text
    assert 'id="qs-export-xlsx"' not in page.text


def test_the_page_button_exports_what_the_page_shows(client, cases):
    client.post("/api/v1/auth/login", data={"username": "xihu", "password": PASSWORD})
    page = client.get("/cases?category=air_pollution&q=%E9%BB%91%E7%83%9F")
    href = re.search(r'id="qs-export-xlsx" href="([^"]+)"', page.text).group(1)
    assert href.startswith("/cases/export.xlsx?") and "category=air_pollution" in href
    r = client.get(href.replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "西湖区问题清单"
    assert "共 3 件" in ws["A2"].value and "类别: 大气污染" in ws["A2"].value
    assert ws.max_row == 3 + 3
    r = client.get("/cases/export.csv?state=assigned&lang=en")
    rows = _csv(r.content)
    assert [row[1] for row in rows[1:]] == ["锅炉冒黑烟 0"] and rows[0][0] == "Number"
    # a filter value the page does not offer is left out, as on the page
    r = client.get("/cases/export.csv?state=bogus&region=330203")
    assert len(_csv(r.content)) == 1 + 4
