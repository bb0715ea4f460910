"""Ecological status (issue #25): EI inputs per county and year — the row check (sub-indices
outside 0–100 refused naming the field, restriction events as the standard names them), the EI
and grade derived by HJ 192-2015 through the standards module, the import (every bad row named,
nothing stored), the map of a year with the change classes against a base year, the county page's
data, and who may write."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.ecology.errors import EcologyError, EcologyNotFound, ImportRejected
from qingshan.ecology.status import service as svc
from qingshan.ecology.status.change import change_between, change_name, change_order
from qingshan.ecology.status.inputs import check_row
from qingshan.ecology.status.models import EcoStatusInput
from qingshan.ecology.table import RowError
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions

PROVINCE = Scope("330000", Role.PROVINCE, username="zj")
LISHUI = Scope("331100", Role.CITY, username="ls")
QINGYUAN = Scope("331126", Role.COUNTY, username="qy")
HEAD = "区县代码,年份,生物丰度指数,植被覆盖指数,水网密度指数,土地胁迫指数,污染负荷指数,环境限制指数,来源\n"


def _row(**kw):
    base = {"region": "331126", "year": 2020, "biological_abundance": 90,
            "vegetation_cover": 95, "water_network_density": 50, "land_stress": 5,
            "pollution_load": 2}  # fmt: skip
    return base | kw


def test_a_row_gives_the_standards_ei_and_grade():
    # EI = 0.35·90 + 0.25·95 + 0.15·50 + 0.15·(100−5) + 0.10·(100−2) = 86.8 (HJ 192-2015 §5.2)
    r = check_row(_row(region="庆元县"))
    assert r["region_code"] == "331126" and r["ei"] == pytest.approx(86.8)
    assert r["grade"] == "excellent" and r["restriction"] == "none"
    # a 较大环境事件 lowers the grade one level (HJ 192-2015 Table 5, via the standards module)
    r = check_row(_row(restriction="较大突发环境事件"))
    assert r["restriction"] == "large_incident" and r["grade"] == "good"
    # EI exactly 75 is 优 (≥ 75): 0.35·75 + 0.25·75 + 0.15·75 + 0.15·25 + 0.10·25 → 75
    r = check_row(_row(biological_abundance=75, vegetation_cover=75, water_network_density=75,
                       land_stress=25, pollution_load=25))  # fmt: skip
    assert r["ei"] == 75 and r["grade"] == "excellent"


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [("vegetation_cover", 100.5, r"vegetation_cover 100\.5 is outside 0–100"),
     ("land_stress", -1, r"land_stress -1 is outside 0–100"),
     ("pollution_load", "abc", r"pollution_load: 'abc' is not a number"),
     ("year", 1999, r"year 1999 is not a year from 2000 to 2035"),
     ("region", "330100", r"region '330100' is a city, not a county"),
     ("restriction", "地震", r"unknown restriction '地震'")],
)  # fmt: skip
def test_bad_values_are_refused_naming_the_field(field, value, match):
    with pytest.raises(RowError, match=match) as e:
        check_row(_row(**{field: value}))
    assert e.value.key == field


def test_change_classes_follow_the_standard_edges():
    # HJ 192-2015 §5.3.2: |ΔEI| < 1 无明显变化, 1 ≤ |ΔEI| < 3 略微, 3 ≤ · < 8 明显, ≥ 8 显著
    assert change_between(60, 60.99).key == "no_obvious"
    assert change_between(60, 61).key == "slight_better"
    assert change_between(60, 57).key == "obvious_worse"
    assert change_between(60, 68).key == "significant_better"
    assert change_name("slight_better") == "略微变好"
    assert change_name("obvious_worse", "en") == "obvious change, worse"
    assert [k for k, _ in change_order()] == [
        "significant_worse", "obvious_worse", "slight_worse", "no_obvious", "slight_better",
        "obvious_better", "significant_better"]  # fmt: skip


def _csv(*rows: str) -> bytes:
    return (HEAD + "\n".join(rows) + "\n").encode()


def test_import_is_all_or_nothing_and_names_every_bad_row(session):
    seed_regions(session)
    bad = _csv("331126,2020,90,95,50,5,2,,", "331127,2020,88,101,50,5,2,,",
               "331181,2020,86,95,50,-3,2,,", "331126,2020,90,95,50,5,2,,")  # fmt: skip
    with pytest.raises(ImportRejected) as e:
        svc.import_inputs(session, PROVINCE, bad, max_bytes=1 << 20)
    text = "\n".join(e.value.problems)
    assert "row 3, column D (植被覆盖指数): vegetation_cover 101 is outside 0–100" in text
    assert "row 4, column F (土地胁迫指数): land_stress -3 is outside 0–100" in text
    assert "row 5: the same record as row 2" in text
    assert session.scalar(select(func.count()).select_from(EcoStatusInput)) == 0
    # a county outside the caller's region: refused too, nothing stored
    with pytest.raises(ImportRejected, match="county 330106 is outside your region 331100"):
        svc.import_inputs(session, LISHUI, _csv("331126,2020,90,95,50,5,2,,",
                                                 "330106,2020,40,45,60,55,30,,"),
                          max_bytes=1 << 20)  # fmt: skip
    assert session.scalar(select(func.count()).select_from(EcoStatusInput)) == 0
    good = _csv("331126,2015,85,93,48,7,3,,", "331126,2020,90,95,50,5,2,,",
                "331127,2015,80,90,45,8,3,,", "331127,2020,80.5,90,45,8,3,,",
                "331102,2015,60,75,55,30,12,,", "331102,2020,56,72,52,34,14,一般突发环境事件,")  # fmt: skip
    r = svc.import_inputs(session, LISHUI, good, max_bytes=1 << 20)
    assert (r.created, r.updated) == (6, 0)
    again = svc.import_inputs(session, LISHUI, good, max_bytes=1 << 20)
    assert (again.created, again.updated) == (0, 6)


def test_the_map_and_the_county(session):
    seed_regions(session)
    svc.import_inputs(session, PROVINCE, _csv(
        "331126,2015,85,93,48,7,3,,", "331126,2020,90,95,50,5,2,,",
        "331127,2015,80,90,45,8,3,,", "331127,2020,80.5,90,45,8,3,,",
        "331102,2015,60,75,55,30,12,,", "331102,2020,56,72,52,34,14,一般突发环境事件,",
        "330106,2020,40,45,60,55,30,,"), max_bytes=1 << 20)  # fmt: skip
    m = svc.ei_map(session, LISHUI)
    assert (m.year, m.base_year, m.years) == (2020, 2015, [2015, 2020])
    assert len(m.counties) == 9  # every county of 丽水, those without inputs too
    by = {c.region_code: c for c in m.counties}
    qy = by["331126"]
    # 2015: 0.35·85 + 0.25·93 + 0.15·48 + 0.15·93 + 0.10·97 = 83.85; 2020: 86.8 → ΔEI +2.95
    assert qy.base_ei == pytest.approx(83.85) and qy.ei == pytest.approx(86.8)
    assert qy.change is not None and qy.change.key == "slight_better"
    assert by["331127"].change.key == "no_obvious"  # 80.75 → 80.925: +0.175
    ld = by["331102"]  # 2015: 67.3 良; 2020: 63.9 良 → −3.4 明显变差; 一般 after the event
    assert ld.change.key == "obvious_worse" and ld.grade == "fair"
    assert by["331121"].ei is None and by["331121"].change is None
    assert m.grade_counts() == {"excellent": 2, "fair": 1}
    assert "330106" not in by  # outside 丽水
    with pytest.raises(
        EcologyNotFound, match="no EI inputs for year 2019; years with inputs: 2015, 2020"
    ):
        svc.ei_map(session, LISHUI, year=2019)
    d = svc.county_detail(session, QINGYUAN, "331126")
    assert [y["year"] for y in d["years"]] == [2015, 2020]
    assert (
        d["years"][1]["change"]["key"] == "slight_better"
        and d["years"][1]["change"]["from"] == 2015
    )
    with pytest.raises(EcologyNotFound):
        svc.county_detail(session, QINGYUAN, "331127")


def test_who_may_write(session):
    seed_regions(session)
    with pytest.raises(PermissionDenied, match="recorded by province and city officers"):
        svc.import_inputs(session, QINGYUAN, _csv("331126,2020,90,95,50,5,2,,"), max_bytes=1 << 20)
    with pytest.raises(PermissionDenied):
        svc.ei_map(session, Scope("330000", Role.ENTERPRISE, enterprise_id=1))
    with pytest.raises(EcologyError, match="biological_abundance 120 is outside 0–100") as e:
        svc.record_input(session, PROVINCE, _row(biological_abundance=120))
    assert e.value.field == "biological_abundance"
    assert session.scalar(select(func.count()).select_from(EcoStatusInput)) == 0
