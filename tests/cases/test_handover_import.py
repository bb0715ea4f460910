# ruff: noqa: F811  (the fixtures of .sources_world are imported by name)
"""The central inspection hand-over list (督察交办件) on SQLite and PostgreSQL: every row checked,
every problem named by row and column, nothing imported when any row is bad, idempotent on
交办编号, dispatched (交办) to the named unit with the list's deadline; from the command line,
the upload page and the API; bad files (type, size, columns)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from qingshan.cases.handover import HandoverRejected, import_handover
from qingshan.cases.models import CaseEventRow, CaseRecord, CaseSource
from qingshan.cases.workflow import CaseState
from qingshan.config import get_settings
from qingshan.db.engine import dispose_engines, session_scope
from qingshan.timeutil import CST

from .sources_world import (  # noqa: F401  (fixtures)
    NOW,
    login,
    sources_client,
    sources_world,
    user,
    xlsx_bytes,
)

HEAD = ["序号", "交办编号", "所在地区", "污染类型", "问题描述", "责任单位", "办理时限", "交办日期",
        "涉及企业", "具体地址", "经度", "纬度", "严重程度", "督察批次", "备注"]  # fmt: skip
TITLE = "中央第三生态环境保护督察组交办信访件清单（第一批）"
GOOD = [
    [1, "D330000202603001", "杭州市西湖区", "大气", "反映西湖热电夜间排放刺鼻气味", "西湖区生态环境分局",
     datetime(2026, 4, 30), "2026-03-01", "91330106MA2XIHU01A", "转塘街道", 120.1, 30.25, "较重",
     "第三轮第一批", "重复件"],
    [2, "D330000202603002", "宁波市海曙区", "水污染", "河道黑臭，疑有偷排", "海曙区人民政府",
     "2026/4/15", None, None, None, None, None, None, "第三轮第一批", None],
    [3, "D330000202603003", "330106", "噪声", "工地夜间施工噪声扰民", "西湖区人民政府",
     "2026年5月1日", "2026-03-02", None, "之江路", None, None, "一般", "第三轮第一批", None],
]  # fmt: skip


def _import(s, data: bytes, name: str = "list.xlsx", **kw):
    kw = {"actor": "cli", "max_bytes": 10 * 2**20, "max_rows": 1000, "now": NOW} | kw
    return import_handover(s, data, name, **kw)


def _counts(s) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        s.scalar(select(func.count()).select_from(t))
        for t in (CaseRecord, CaseSource, CaseEventRow)
    )


def test_a_list_is_imported_dispatched_and_imported_again_idempotently(engine, sources_world):
    data = xlsx_bytes([HEAD, *GOOD], title=TITLE)
    with session_scope(engine) as s:
        result = _import(s, data, dispatcher=user(s, "zj"))
        assert [(r.row, r.number, r.outcome, r.dispatched) for r in result.rows] == [
            (3, "D330000202603001", "new", True), (4, "D330000202603002", "new", False),
            (5, "D330000202603003", "new", True),
        ]  # fmt: skip
        assert (
            "海曙区人民政府" in result.rows[1].note
            and "to be dispatched by hand" in result.rows[1].note
        )
        first = s.get_one(CaseRecord, result.rows[0].case_id)
        assert (first.source, first.category, first.severity, first.region_code, first.enterprise_id) == (
            "central_inspection", "air_pollution", "serious", "330106", sources_world.ent,
        )  # fmt: skip
        assert first.title == "督察交办 D330000202603001：反映西湖热电夜间排放刺鼻气味"
        assert (first.state, first.unit_id) == (CaseState.ASSIGNED, sources_world.dept_unit)
        assert first.due_at == datetime(2026, 4, 30, 23, 59, 59, tzinfo=CST)
        assert first.occurred_at == datetime(2026, 3, 1, 9, tzinfo=CST)
        src = s.scalars(select(CaseSource).where(CaseSource.case_id == first.id)).one()
        assert src.source_key == "D330000202603001"
        assert src.payload | {} == {
            "序号": 1, "交办编号": "D330000202603001", "责任单位": "西湖区生态环境分局", "办理时限": "2026-04-30",
            "交办日期": "2026-03-01", "督察批次": "第三轮第一批", "涉及企业": "91330106MA2XIHU01A",
            "file": "list.xlsx", "row": 3,
        }  # fmt: skip
        third = s.get_one(CaseRecord, result.rows[2].case_id)
        assert (third.unit_id, third.due_at) == (
            sources_world.gov_unit,
            datetime(2026, 5, 1, 23, 59, 59, tzinfo=CST),
        )
        second = s.get_one(CaseRecord, result.rows[1].case_id)
        assert (second.state, second.region_code, second.category) == (
            CaseState.REGISTERED,
            "330203",
            "water_pollution",
        )
        before = _counts(s)
    with session_scope(engine) as s:  # the same list again: the same cases, nothing new
        again = _import(s, data, dispatcher=user(s, "zj"), now=NOW + timedelta(days=1))
        assert [(r.outcome, r.dispatched) for r in again.rows] == [("existing", False)] * 3
        assert [r.case_id for r in again.rows] == [r.case_id for r in result.rows]
        assert _counts(s) == (before[0], before[1], before[2])
        assert (
            again.summary()
            == "list.xlsx: 3 rows — 0 new, 3 already imported, 0 relapses (反弹); 0 dispatched (交办)"
        )


def test_a_csv_list_in_gbk(engine, sources_world):
    lines = [
        ",".join(HEAD[:7]),
        "1,ZJ-2026-017,西湖区,固废,倾倒建筑垃圾,西湖区生态环境分局,2026-06-30",
    ]
    with session_scope(engine) as s:
        result = _import(s, "\n".join(lines).encode("gbk"), "交办件.csv")
        case = s.get_one(CaseRecord, result.rows[0].case_id)
        assert (case.category, case.region_code, case.state) == (
            "solid_waste",
            "330106",
            CaseState.REGISTERED,
        )


BAD_ROWS = [
    [1, "D1", "上海市", "空气", "", "某单位", "2026-13-01", None, None, None, None, None, None, None, None],
    ["一", "D1", "杭州市西湖区", "大气", "x", "某单位", "2026-04-30", None, None, None, None, None, "特别重大", None, None],
    [3, "D3", "杭州市西湖区", "大气", "x", "某单位", "2026-04-30", None, None, None, 121.47, 31.23, None, None, None],
    [4, "D4", "宁波市海曙区", "大气", "x", "某单位", "2026-04-30", None, None, None, 120.1, 30.25, None, None, None],
    [5, "D5", "杭州市西湖区", "大气", "x", "某单位", "2026-04-30", "2026-03-20", None, None, None, None, None, None, None],
    [6, "D6", "杭州市西湖区", "大气", "x", "某单位", "2026-02-20", "2026-02-25", None, None, None, None, None, None, None],
    [7, "D7", "杭州市西湖区", "大气", "x", "某单位", "2026-04-30", None, None, None, 120.1, None, None, None, None],
    [8, "D8", "330000", "大气", "x", "某单位", "2026-04-30", None, None, None, None, None, None, None, None],
]  # fmt: skip


def test_every_bad_row_is_named_and_nothing_is_imported(engine, sources_world):
    data = xlsx_bytes([HEAD, GOOD[0], *BAD_ROWS], title=TITLE)
    with session_scope(engine) as s:
        before = _counts(s)
        with pytest.raises(HandoverRejected, match=r"^the hand-over list is refused, nothing was imported: 13 problem\(s\) in 8 row\(s\): row 4, column C \(所在地区\)") as info:  # fmt: skip
            _import(s, data)
        assert [str(p) for p in info.value.problems] == [
            "row 4, column C (所在地区): '上海市' names no county or city of Zhejiang (e.g. 杭州市西湖区 or 330106)",
            "row 4, column D (污染类型): '空气' is not a type; one of 大气, 大气污染, 废气, 扬尘, 油烟, 恶臭, 水, 水污染, 废水, 噪声, 噪音, 固废, 固体废物, 危废, 垃圾, 土壤, 土壤污染, 生态, 生态破坏, 辐射, 其他, 其它",
            "row 4, column E (问题描述): is empty",
            "row 4, column G (办理时限): '2026-13-01' is not a date (2026-04-30, 2026/4/30 or 2026年4月30日)",
            "row 5, column A (序号): '一' is not a positive whole number",
            "row 5, column M (严重程度): '特别重大': one of 一般, 较重, 较大, 重大",
            "row 5, column B (交办编号): 'D1' is also in row 4",
            "row 6, column K (经度): the point (121.47000, 31.23000) lies outside Zhejiang province (浙江省): place it within the province",
            "row 7, column K (经度): 330203 海曙区 is not in 杭州市 330100, where the point (120.10000, 30.25000) lies",
            "row 8, column H (交办日期): 2026-03-20 is in the future",
            "row 9, column G (办理时限): 2026-02-20 is before the hand-over date 2026-02-25",
            "row 10, column K (经度): give both longitude and latitude, or neither",
            "row 11, column C (所在地区): 330000 is the whole province: name a city or a county",
        ]  # fmt: skip
        assert _counts(s) == before


def test_problems_only_the_database_can_tell(engine, sources_world):
    late = [
        9,
        "D9",
        "杭州市西湖区",
        "大气",
        "x",
        "某单位",
        "2026-03-01",
    ]  # passed by NOW (2026-03-02)
    data = xlsx_bytes([HEAD[:7], GOOD[0][:7], GOOD[1][:7], late])
    with session_scope(engine) as s:
        with pytest.raises(HandoverRejected) as info:
            _import(s, data, scope=_scope(s, "hz"))
        assert [str(p) for p in info.value.problems] == [
            "row 3, column C (所在地区): 330203 is outside your region 330100",
            "row 4, column G (办理时限): 2026-03-01 has passed",
        ]
        assert _counts(s) == (0, 0, 0)


def _scope(s, username):
    from qingshan.accounts.service import scope_of

    return scope_of(user(s, username))


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "match"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "list.xls",
         r"file: an Excel 97-2003 workbook \(\.xls\): save it as \.xlsx or CSV"),
        (b"%PDF-1.7 ...", "list.xlsx", r"file: not an Excel workbook \(\.xlsx\) by its content"),
        (b"%PDF-1.7 ...", "list.pdf", r"file: a \.pdf file: the list is read from \.xlsx or \.csv files"),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), "list.docx",
         r"file: not a readable Excel workbook \(\.xlsx\)"),
        (_zip({"xl/huge.xml": b"0" * 200_000}), "bomb.xlsx",
         r"file: the workbook expands to 200000 bytes, more than the limit of 100000 \(setting QINGSHAN_MAX_FILE_BYTES\)"),
        (b"", "list.csv", r"file: the file is empty"),
        ("序号,编号,地区\n1,2,3\n".encode(), "list.csv",
         r"file: no header row: none of the first 10 rows has the column 交办编号"),
        ("序号,交办编号,地区,类型\n1,A,西湖区,大气\n".encode(), "list.csv",
         r"row 1: missing column\(s\): 所在地区, 污染类型, 问题描述, 责任单位, 办理时限 \(the header row has: 序号, 交办编号, 地区, 类型\)"),
        (",".join(HEAD[:7]).encode(), "list.csv", r"file: the list has no rows under its header"),
        (("\n".join([",".join(HEAD[:7])] + ["1,A,西湖区,大气,x,u,2026-04-30"] * 4)).encode(), "list.csv",
         r"file: 4 rows, more than 3 \(setting QINGSHAN_MAX_ITEMS_PER_REQUEST\)"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_naming_what_is_wrong(engine, sources_world, data, name, match):
    with session_scope(engine) as s:
        with pytest.raises(HandoverRejected, match=match):
            _import(s, data, name, max_bytes=100_000, max_rows=3)
        assert _counts(s) == (0, 0, 0)


@pytest.fixture
def cli_env(engine, sources_world, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    dispose_engines()
    yield engine
    dispose_engines()
    get_settings.cache_clear()


def test_the_command_line(cli_env, tmp_path, monkeypatch):
    from qingshan.cli import app

    runner = CliRunner()
    good = tmp_path / "交办件.xlsx"
    deadline = (datetime.now(UTC) + timedelta(days=40)).astimezone(CST).date().isoformat()
    rows = [[*r[:6], deadline, *r[7:]] for r in GOOD]
    rows[0][7] = rows[2][7] = None  # handed over today
    good.write_bytes(xlsx_bytes([HEAD, *rows], title=TITLE))
    r = runner.invoke(app, ["cases", "import", str(good), "--as", "hz"])
    assert (
        r.exit_code == 1
        and "row 4, column C (所在地区): 330203 is outside your region 330100" in r.output
    )
    r = runner.invoke(app, ["cases", "import", str(good), "--as", "xihu"])
    assert r.exit_code != 0 and "xihu (county) may not import the hand-over list" in str(
        r.exception
    )
    r = runner.invoke(app, ["cases", "import", str(good), "--as", "zj", "--json"])
    assert r.exit_code == 0, r.output
    assert '"outcome": "new"' in r.output and '"dispatched": true' in r.output
    r = runner.invoke(app, ["cases", "import", str(good)])
    assert r.exit_code == 0 and "3 rows — 0 new, 3 already imported" in r.output
    monkeypatch.setenv("QINGSHAN_MAX_FILE_BYTES", "1000")
    get_settings.cache_clear()
    r = runner.invoke(app, ["cases", "import", str(good)])
    assert r.exit_code == 1
    assert "larger than the limit of 0.000953674 MiB (setting QINGSHAN_MAX_FILE_BYTES)" in r.output
    assert "nothing imported" in r.output


def test_the_upload_page_and_the_api(sources_client, engine):
    xihu = login(sources_client, "xihu")  # the pages read the login cookie of the last login
    assert sources_client.get("/cases/handover").status_code == 403
    zj = login(sources_client, "zj")
    page = sources_client.get("/cases/handover")
    assert page.status_code == 200 and "督察交办件导入" in page.text and "办理时限" in page.text
    template = sources_client.get("/cases/handover/template.xlsx", headers=zj)
    ws = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in ws[2]][:7] == HEAD[:7]
    deadline = (datetime.now(UTC) + timedelta(days=40)).astimezone(CST).date().isoformat()
    good = xlsx_bytes(
        [HEAD[:7], [1, "W-1", "西湖区", "大气", "油烟扰民", "西湖区生态环境分局", deadline]]
    )
    files = {"file": ("清单.xlsx", good, "application/octet-stream")}
    bad = xlsx_bytes([HEAD[:7], [1, "W-2", "西湖区", "雾霾", "x", "u", deadline]])
    r = sources_client.post("/cases/handover", headers=zj, files={"file": ("bad.xlsx", bad)})
    assert (
        r.status_code == 422
        and 'data-row="2" data-column="D"' in r.text
        and "&#39;雾霾&#39; is not a type" in r.text
    )
    r = sources_client.post("/cases/handover", headers=zj, files=files)
    assert r.status_code == 200 and 'data-number="W-1" data-outcome="new"' in r.text
    r = sources_client.post("/api/v1/cases/handover", headers=zj, files=files)
    assert r.status_code == 201 and r.json()["rows"][0]["outcome"] == "existing"
    r = sources_client.post("/api/v1/cases/handover", headers=zj, files={"file": ("bad.xlsx", bad)})
    assert r.status_code == 422 and r.json()["error"] == "HandoverRejected"
    assert "row 2, column D (污染类型): '雾霾' is not a type" in r.json()["detail"]
    assert (
        sources_client.post("/api/v1/cases/handover", headers=xihu, files=files).status_code == 403
    )
    with session_scope(engine) as s:
        case = s.scalars(select(CaseRecord)).one()
        assert (case.state, case.registered_by) == (CaseState.ASSIGNED, "zj")
