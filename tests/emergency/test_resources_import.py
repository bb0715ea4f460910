"""Importing and creating resources (issue #22, area resources): every bad row named — unknown
category, negative quantity, expiry before production, coordinates outside Zhejiang — and
nothing half-imported; re-importing updates; writes only in the caller's region; the list's
expiry flags."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.emergency.resources import catalog
from qingshan.emergency.resources.errors import ImportRejected, ResourceError
from qingshan.emergency.resources.models import EmresDepot, EmresExpert, EmresMaterial, EmresTeam
from qingshan.emergency.resources.service import (
    create_record,
    depot_detail,
    import_table,
    list_depots,
    list_materials,
)
from qingshan.emergency.resources.stock import expiry_status
from qingshan.geo.regions import seed_regions
from qingshan.tablefile import write_workbook

PROVINCE = Scope("330000", Role.PROVINCE, username="zj")
HANGZHOU = Scope("330100", Role.CITY, username="hz")
MAX = 10_000_000
TODAY = date(2026, 12, 7)

DEPOTS_CSV = """编号,名称,权属,权属单位,经度,纬度,地址,负责人,电话
HZ-XH-01,西湖区环境应急物资库,部门,杭州市生态环境局西湖分局,120.13,30.26,西湖区,张三,0571-1
HZ-XS-01,萧山区环境应急物资库,bureau,杭州市生态环境局萧山分局,120.27,30.18,萧山区,李四,0571-2
""".encode()


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_file_with_bad_rows_is_refused_whole_and_each_row_named(session):
    seed_regions(session)
    assert import_table(session, PROVINCE, "depots", DEPOTS_CSV, max_bytes=MAX).created == 2
    bad = (
        "物资库编号,类别,名称,规格型号,数量,单位,生产日期,有效期至,储备方式\n"
        "HZ-XH-01,污染物控制,围油栏,WGJ-900,200,m,2024-01-01,2030-01-01,自储\n"  # good (row 2)
        "HZ-XH-01,消防器材,灭火器,,10,具,,,自储\n"  # row 3: unknown category
        "HZ-XH-01,degradation,活性炭,,-5,t,,,自储\n"  # row 4: negative quantity
        "HZ-XS-01,安全防护,防毒面具,,30,个,2026-05-01,2025-05-01,代储\n"  # row 5: expiry < made
        "HZ-XX-99,安全防护,防护服,,30,套,,,自储\n"  # row 6: unknown depot
        "HZ-XS-01,安全防护,防护服,,30,套,2999-01-01,,自储\n"  # row 7: made after today
    ).encode()
    with pytest.raises(ImportRejected) as exc:
        import_table(session, PROVINCE, "materials", bad, max_bytes=MAX)
    assert exc.value.rows == [3, 4, 5, 6, 7]
    text = "\n".join(exc.value.problems)
    assert "row 3, column B (类别): unknown category '消防器材'" in text
    assert "row 4, column E (数量): quantity -5 is negative" in text
    assert (
        "row 5, column H (有效期至): expiry 2025-05-01 is before the production date 2026-05-01"
        in text
    )
    assert "row 6, column A (物资库编号): no depot 'HZ-XX-99'" in text
    assert "row 7, column G (生产日期): production date 2999-01-01 is after today" in text
    assert _count(session, EmresMaterial) == 0  # nothing half-imported

    outside = "编号,名称,人数,专长,经度,纬度\nT-1,上海队,20,危险化学品处置,121.47,31.23\n".encode()
    with pytest.raises(ImportRejected, match=r"row 2, column E \(经度\): .*outside Zhejiang"):
        import_table(session, PROVINCE, "teams", outside, max_bytes=MAX)
    assert _count(session, EmresTeam) == 0


def test_an_excel_file_is_stored_and_a_second_import_updates(session):
    seed_regions(session)
    import_table(session, PROVINCE, "depots", DEPOTS_CSV, max_bytes=MAX)
    # the categories by their Chinese names, as the 调查指南's data file gives them
    names = {t.code: t.zh for t in catalog.categories()}
    heads = [
        "物资库编号",
        "类别",
        "名称",
        "规格型号",
        "数量",
        "单位",
        "生产日期",
        "有效期至",
        "储备方式",
    ]
    rows = [["HZ-XH-01", names["control"], "围油栏", "WGJ-900", 200, "m", date(2024, 1, 1), date(2030, 1, 1), "自储"],
            ["HZ-XS-01", names["degradation"], "活性炭", "", 5, "t", None, date(2026, 12, 1), "协议储备"],
            ["HZ-XS-01", names["protection"], "防毒面具", "", 30, "个", None, date(2026, 12, 20), "代储"],
            # a name another source gives the category (an alias in the data) is read as it
            ["HZ-XS-01", catalog.term("categories", "collection").aliases_zh[0], "吸油毡", "PP-2", 80, "kg",
             None, None, "协议"]]  # fmt: skip
    xlsx = write_workbook({"物资": (heads, rows)})
    r = import_table(session, PROVINCE, "materials", xlsx, max_bytes=MAX)
    assert (r.created, r.updated) == (4, 0)
    rows[0][4] = 150
    r = import_table(
        session, PROVINCE, "materials", write_workbook({"物资": (heads, rows)}), max_bytes=MAX
    )
    assert (r.created, r.updated) == (0, 4)
    boom = session.scalars(select(EmresMaterial).where(EmresMaterial.name == "围油栏")).one()
    assert (boom.quantity, boom.category, boom.holding, boom.region_code) == (
        150,
        "control",
        "self",
        "330106",
    )

    # the list flags expired and expiring-in-30-days lines, expired first
    listed = list_materials(session, PROVINCE, today=TODAY)
    assert [(m["name"], m["status"]) for m in listed] == [
        ("活性炭", "expired"),
        ("防毒面具", "expiring"),
        ("围油栏", "ok"),
        ("吸油毡", "none"),
    ]
    assert [
        m["name"] for m in list_materials(session, PROVINCE, status="expiring", today=TODAY)
    ] == ["防毒面具"]
    xs = next(d for d in list_depots(session, PROVINCE) if d["code"] == "HZ-XS-01")
    assert (xs["lines"], xs["region_code"]) == (3, "330109")
    assert len(depot_detail(session, PROVINCE, xs["id"], today=TODAY)["materials"]) == 3


def test_expiry_status_boundaries():
    assert expiry_status(date(2026, 12, 6), TODAY) == "expired"
    assert expiry_status(TODAY, TODAY) == "expiring"
    assert expiry_status(date(2027, 1, 6), TODAY) == "expiring"  # 30 days ahead
    assert expiry_status(date(2027, 1, 7), TODAY) == "ok"
    assert expiry_status(None, TODAY) == "none"


def test_forms_write_only_in_the_callers_region(session):
    seed_regions(session)
    eid = create_record(session, HANGZHOU, "experts", {"code": "E-1", "name": "王五", "fields": "危化品、监测",
                                                       "region": "西湖区", "organisation": "浙江大学"})  # fmt: skip
    e = session.get(EmresExpert, eid)
    assert (e.fields, e.region_code, e.lon) == ("hazchem,monitoring", "330106", None)
    with pytest.raises(ResourceError, match="outside your region 330100"):
        create_record(session, HANGZHOU, "depots", {"code": "NB-1", "name": "宁波库", "owner_kind": "bureau",
                                                    "lon": 121.55, "lat": 29.87})  # fmt: skip
    with pytest.raises(ResourceError, match="size: size 2.5 is not a whole number") as exc:
        create_record(session, HANGZHOU, "teams", {"code": "T", "name": "队", "size": "2.5",
                                                   "specialities": "oil", "lon": 120.1, "lat": 30.3})  # fmt: skip
    assert exc.value.field == "size"
    with pytest.raises(ResourceError, match="unknown fields '天文'"):
        create_record(session, HANGZHOU, "experts", {"code": "E-2", "name": "赵六", "fields": "天文",
                                                     "region": "330106"})  # fmt: skip
    assert _count(session, EmresDepot) == 0 and _count(session, EmresTeam) == 0
    assert _count(session, EmresExpert) == 1
