"""The report routes on the February of :mod:`.report_world`: the API (stats, notices, follow-up)
scoped per role, the pages, and the Excel and Word files with their titles, headers and
figures."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from qingshan.db.engine import session_scope

from .conftest import PASSWORD, auth
from .report_world import build_february


@pytest.fixture
def feb(engine, world):
    with session_scope(engine) as s:
        return build_february(s, world)


def _login(client, username: str) -> None:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_api_notice_stats_and_followup_scoped(client, feb):
    hz, zj, xihu = auth(client, "hz"), auth(client, "zj"), auth(client, "xihu")
    r = client.get("/api/v1/cases/notices/2026-02", headers=hz)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["issued"] is False and body["complete"] is True and body["scope_code"] == "330100"
    assert body["total"] | {"closure_rate": None} == {
        "new": 5, "closed": 2, "due": 3, "closed_due": 1, "closure_rate": None, "open": 4,
        "overdue": 2, "relapses": 1, "notice": 2, "supervise": 1, "summon": 0,
        "accountability": 0,
    }  # fmt: skip
    assert body["total"]["closure_rate"] == pytest.approx(1 / 3)
    assert [o["case_id"] for o in body["overdue"]] == [feb["A"], feb["F"]]
    assert client.post("/api/v1/cases/notices/2026-02", headers=hz).status_code == 403
    r = client.post("/api/v1/cases/notices/2026-02", headers=zj)
    assert r.status_code == 200 and r.json()["issued"] and r.json()["total"]["new"] == 6
    r = client.get("/api/v1/cases/notices/2026-02", headers=xihu)
    assert r.json()["issued"] and r.json()["issued_by"] == "zj" and r.json()["total"]["new"] == 4
    assert [row["code"] for row in r.json()["rows"]] == ["330106"]
    assert client.get("/api/v1/cases/notices/2026-13", headers=zj).status_code == 422
    assert client.get("/api/v1/cases/notices/2026-2", headers=zj).status_code == 422

    st = client.get("/api/v1/cases/stats", headers=hz).json()
    assert st["scope_code"] == "330100" and st["total"]["total"] == 7 and len(st["regions"]) == 13
    xh = next(r for r in st["regions"] if r["code"] == "330106")
    # now (after 2026-03-20) C's deadline has passed too: due A B C F, closed B C
    assert (xh["total"], xh["closed"], xh["overdue"], xh["due"], xh["closed_due"]) == (
        6,
        2,
        2,
        4,
        2,
    )
    assert len(st["trend"]) == 12 and set(st["trend"][0]) == {"month", "registered", "closed"}

    f = client.get("/api/v1/cases/followup?quarter=2026Q1", headers=zj).json()
    assert [i["case_id"] for i in f["items"]] == [feb["A"], feb["F"], feb["H"], feb["D"]]
    assert f["items"][0]["reasons"] == ["overdue", "supervised"]
    f = client.get("/api/v1/cases/followup?quarter=2026Q1", headers=xihu).json()
    assert [i["case_id"] for i in f["items"]] == [feb["A"], feb["F"], feb["D"]]

    owner = auth(client, "owner")  # an enterprise account reads no report
    client.cookies.clear()  # the login answers set the cookie too
    for path in ("/api/v1/cases/stats", "/api/v1/cases/notices/2026-02", "/api/v1/cases/followup"):
        assert client.get(path, headers=owner).status_code == 403
        assert client.get(path).status_code == 401


def test_pages_and_files(client, feb):
    _login(client, "hz")
    r = client.get("/cases/notice?month=2026-02")
    assert r.status_code == 200, r.text
    assert "杭州市生态环境问题整改月调度通报（2026年2月）" in r.text
    assert 'data-code="330106"' in r.text and "A 河道排污" in r.text
    assert "本月，杭州市新增问题 5 件，销号 2 件；应办结 3 件，已办结 1 件，办结率 33.3%" in r.text
    assert 'id="qs-issue"' not in r.text  # only the province issues
    r = client.get("/cases/notice?month=2026-02&lang=en")
    assert "Hangzhou: monthly dispatch notice of environmental cases, 2026-02" in r.text

    wb = load_workbook(io.BytesIO(client.get("/cases/notice.xlsx?month=2026-02&lang=zh").content))
    ws = wb["各地情况"]
    assert ws["A1"].value == "杭州市生态环境问题整改月调度通报（2026年2月）"
    header = [c.value for c in ws[3]]
    assert header[:7] == ["属地", "新增", "销号", "应办结", "已办结", "办结率", "月末在办"]
    rows = {row[0]: row for row in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["西湖区"][1:9] == (4, 2, 3, 1, pytest.approx(1 / 3), 3, 2, 1)
    assert rows["合计"][1] == 5 and ws["F4"].number_format == "0.0%"
    assert ws.column_dimensions["A"].width == 18 and ws.freeze_panes == "B4"
    overdue = list(wb["逾期清单"].iter_rows(min_row=4, values_only=True))
    assert [(o[2], o[8]) for o in overdue] == [("A 河道排污", 28), ("F 餐饮油烟", 3)]

    r = client.get("/cases/notice.docx?month=2026-02&lang=zh")
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    doc = Document(io.BytesIO(r.content))
    assert doc.paragraphs[0].text == "杭州市生态环境问题整改月调度通报（2026年2月）"
    regions, overdue_table = doc.tables
    cells = {row.cells[0].text: [c.text for c in row.cells] for row in regions.rows}
    assert cells["西湖区"][1:7] == ["4", "2", "3", "1", "33.3%", "3"]
    assert [row.cells[2].text for row in overdue_table.rows[1:]] == ["A 河道排污", "F 餐饮油烟"]

    r = client.get("/cases/followup?quarter=2026Q1&lang=zh")
    assert r.status_code == 200 and 'data-count="3"' in r.text and "督办及以上" in r.text
    wb = load_workbook(io.BytesIO(client.get("/cases/followup.xlsx?quarter=2026Q1").content))
    assert wb.active["A1"].value == "杭州市生态环境问题季度现场盯办清单（2026年第1季度）"
    doc = Document(io.BytesIO(client.get("/cases/followup.docx?quarter=2026Q1").content))
    assert len(doc.tables[0].rows) == 4  # header + A, F, D

    r = client.get("/cases/stats")
    assert r.status_code == 200 and 'data-scope="330100"' in r.text
    assert 'href="/cases?region=330106&amp;overdue=true"' in r.text
    assert client.get("/cases/notice?month=2026-13").status_code == 422

    # the province issues the notice from the page
    _login(client, "zj")
    r = client.get("/cases/notice?month=2026-02")
    assert 'id="qs-issue"' in r.text and 'id="qs-live"' in r.text
    r = client.post("/cases/notice/issue", data={"month": "2026-02"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases/notice?month=2026-02&issued=1"
    r = client.get(r.headers["location"])
    assert 'id="qs-issued"' in r.text and 'data-code="330100"' in r.text
    assert "附表：各县（市、区）情况" in r.text
    _login(client, "hz")
    assert client.post("/cases/notice/issue", data={"month": "2026-02"}).status_code == 403
