"""The plan file: the shipped 2021 plan loads with every target of plan.md's table, and a bad
file is refused with each problem named by row and field."""

from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest

from qingshan.targets.errors import PlanFileError
from qingshan.targets.plan_file import DEFAULT_PLAN, parse_plan, plan_for_year, read_plan_file

#: the quantitative-targets table of shared/plan.md ("Quantitative targets in the document"),
#: copied as it stands: one target per ';'-separated part of a row
PLAN_TABLE = """
| main goals | safe use of contaminated land ≥ 92%; industrial hazardous waste utilisation and disposal ≥ 98%; spent radioactive sources collected 100%; national carbon and pollution reduction tasks met |
| 4 | ≥ 15 provincial eco-civilisation education bases |
| 8 | 24 river/lake buffer-zone pilots; 100 farmland N/P interception ditches |
| 9 | 29 key areas of biodiversity survey |
| 11 | 1,000 industrial air projects (low-VOC substitution, ultra-low emission for steel and cement) |
| 12 | 158 national water sections surveyed, a section database, one plan per section (一点一策); 44 zero-direct-discharge parks; 94 drinking-water sources analysed; 20 river sections' TN/TP control |
| 13 | monitoring of all rural sewage plants ≥ 20 t/day; 25 rural black-odorous water bodies cleared |
| 14 | small-producer collection points in every county by 2021-06-30; ≥ 70% of small producers covered by 2021-12-31; +300,000 t/yr utilisation and disposal capacity |
| 18 | 13 county-level air automatic stations |
| 21 | ≥ 10 key technology projects |
"""


def _table() -> dict[str, int]:
    out = {}
    for line in PLAN_TABLE.strip().splitlines():
        item, targets = (c.strip() for c in line.strip("|").split("|"))
        out["main" if item == "main goals" else item] = len(targets.split(";"))
    return out


def _doc() -> dict:
    return json.loads(DEFAULT_PLAN.read_text(encoding="utf-8"))


def test_the_shipped_plan_has_every_target_of_the_plans_table():
    plan = read_plan_file(DEFAULT_PLAN)
    per_item: dict[str, int] = {}
    for t in plan.targets:
        per_item[t.item] = per_item.get(t.item, 0) + 1
    assert per_item == _table()
    assert len(plan.targets) == sum(_table().values()) == 20
    by_code = {t.code: t for t in plan.targets}
    # the named ones of the issue, with the plan's wording and figures
    assert by_code["12.4"].value == 20 and "总氮、总磷" in by_code["12.4"].wording
    assert sum(by_code["12.4"].shares.values()) == 20
    assert by_code["13.1"].wording.startswith("实现20吨/日农村生活污水处理设施")
    assert (by_code["21.1"].comparison, by_code["21.1"].value) == (">=", 10)
    assert by_code["14.1"].deadline == date(2021, 6, 30)
    assert by_code["main.1"].unit == "%" and by_code["main.1"].value == 92
    assert by_code["12.1"].metric == "computed" and by_code["12.1"].kpi
    assert all(t.units for t in plan.targets)


def test_every_problem_is_named_by_row_and_field():
    doc = _doc()
    doc["targets"][2]["value"] = "92%"
    doc["targets"][3]["split"] = "cities"
    del doc["targets"][4]["unit"]
    doc["targets"][5]["deadline"] = "2022-01-31"
    doc["targets"][6]["colour"] = "red"
    with pytest.raises(PlanFileError, match=r"5 problem\(s\)") as info:
        parse_plan(doc)
    assert [str(p) for p in info.value.problems] == [
        "row 3 (main.3), field 'value': must be a number, got '92%'",
        "row 4 (main.4), field 'split': 'cities' is not one of sum, each, province",
        "row 5 (4.1), field 'unit': missing",
        "row 6 (8.1), field 'deadline': 2022-01-31 is outside the plan's period 2021-01-01 – 2021-12-31",
        "row 7 (8.2), field 'colour': unknown field; valid: " + ", ".join(sorted(
            ["code", "item", "wording", "wording_en", "unit", "comparison", "value", "baseline",
             "deadline", "metric", "kpi", "split", "units", "shares", "weight"])),
    ]  # fmt: skip


def test_shares_codes_and_header_are_checked():
    doc = _doc()
    row = next(r for r in doc["targets"] if r["code"] == "12.4")
    row["shares"]["330100"] = 3  # adds up to 21
    doc["targets"][1]["code"] = "main.1"  # twice
    doc["targets"][9]["kpi"] = None  # computed without its provider
    doc["plan"]["period_end"] = "2020-12-31"
    with pytest.raises(PlanFileError) as info:
        parse_plan(doc, "plan.json")
    text = str(info.value)
    assert text.startswith("plan.json: ")
    assert "plan, field 'period_end': is before period_start" in text
    assert "row 2 (main.1), field 'code': repeats row 1" in text
    assert "row 10 (12.1), field 'kpi': a computed target names its KPI provider" in text
    assert "row 13 (12.4), field 'shares': add up to 21, not the value 20" in text


def test_a_file_that_is_not_json(tmp_path):
    bad = tmp_path / "plan.json"
    bad.write_text('{"format": "qingshan-targets/1",\n "plan": }', encoding="utf-8")
    with pytest.raises(PlanFileError, match=re.escape("not JSON: Expecting value at line 2")):
        read_plan_file(bad)


def test_the_plan_moves_to_another_year():
    plan = plan_for_year(read_plan_file(DEFAULT_PLAN), 2026)
    assert plan.code == "zhejiang-2021@2026"
    assert plan.period_start == date(2026, 1, 1)
    assert {t.deadline for t in plan.targets} == {date(2026, 6, 30), date(2026, 12, 31)}
    assert parse_plan(copy.deepcopy(_doc())).code == "zhejiang-2021"
