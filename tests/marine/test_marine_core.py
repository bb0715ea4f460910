"""The pure core of the marine area (issue #25): the platform codes of the GB 3097-1997
indicators, checking a sample and an outfall, the one-way stages, judging a sample against
limits (equal to the limit meets it), the limit table's values, the river-mouth data (20
sections, in their plan shares, each point in a county) and the composite index."""

from __future__ import annotations

from collections import Counter

import pytest

from qingshan.geo.counties import county_at
from qingshan.marine.coastal.errors import MarineError
from qingshan.marine.coastal.sea import (
    check_sample,
    index_config,
    indicator_of,
    marine_index,
    meets_targets,
    parameter_code,
    river_mouth_plan,
    river_mouths,
)
from qingshan.marine.outfalls.register import (
    STAGES,
    OutfallInput,
    check_outfall,
    check_outfall_values,
    check_step,
    fallback_limits,
    judge,
    next_stage,
)
from qingshan.standards import seawater


def test_parameter_codes_fit_and_round_trip():
    codes = {parameter_code(k) for k in seawater.INDICATORS}
    assert len(codes) == len(seawater.INDICATORS) and all(len(c) <= 16 for c in codes)
    assert (
        parameter_code("DIN") == "idx-sw-din"
        and parameter_code("VolatilePhenol") == "idx-sw-volatenol"
    )
    assert all(indicator_of(parameter_code(k)) == k for k in seawater.INDICATORS)


def test_check_sample_names_what_is_wrong():
    assert check_sample({"DIN": "0.3", "pH": 8}) == {"DIN": 0.3, "pH": 8.0}
    with pytest.raises(MarineError, match="values: the sample has no value"):
        check_sample({})
    with pytest.raises(
        MarineError, match=r"'PO4' is not a GB 3097-1997 indicator; did you mean PO4_P"
    ):
        check_sample({"PO4": 0.01})
    with pytest.raises(MarineError, match=r"values.DO: True is not a number"):
        check_sample({"DO": True})
    with pytest.raises(MarineError, match=r"values.pH: 14.5 is outside 0–14"):
        check_sample({"pH": 14.5})
    with pytest.raises(MarineError, match=r"values.Hg: nan is not a finite number"):
        check_sample({"Hg": float("nan")})


def test_outfall_needs_a_responsible_party():
    base = OutfallInput("RHPK-1", "排污口", "industrial", 121.5, 29.9, "宁波近岸")
    with pytest.raises(MarineError, match="responsible: an outfall needs a responsible party") as e:
        check_outfall(base)
    assert e.value.field == "responsible_enterprise_id"
    plant = OutfallInput(
        "RHPK-2", "排污口", "sewage_plant", 121.5, 29.9, "宁波近岸", responsible_enterprise_id=3
    )
    with pytest.raises(
        MarineError, match="responsible_plant: a sewage-plant outfall names its plant"
    ):
        check_outfall(plant)
    with pytest.raises(MarineError, match=r"lon: 130.0 is outside Zhejiang"):
        check_outfall(OutfallInput("X", "n", "other", 130.0, 29.9, "a", responsible_plant="厂"))
    with pytest.raises(MarineError, match=r"kind: 'river' is not one of"):
        check_outfall(OutfallInput("X", "n", "river", 121.5, 29.9, "a", responsible_plant="厂"))
    ok = check_outfall(OutfallInput(" X ", " n ", "other", 121.5, 29.9, " a ", responsible_plant=" 厂 ",
                                    connected_enterprise_ids=(2, 2, 5)))  # fmt: skip
    assert (ok.code, ok.responsible_plant, ok.connected_enterprise_ids) == ("X", "厂", (2, 5))


def test_stages_go_one_way():
    assert [next_stage(s) for s in STAGES] == [
        "monitoring",
        "tracing",
        "remediation",
        "closed",
        None,
    ]
    check_step("tracing", "remediation")
    with pytest.raises(MarineError, match="cannot go from remediation to tracing; next is closed"):
        check_step("remediation", "tracing")
    with pytest.raises(
        MarineError, match=r"cannot go from closed to closed; next is none \(closed\)"
    ):
        check_step("closed", "closed")


def test_limits_and_judging():
    plant, std, conf = fallback_limits("sewage_plant")
    assert plant == {"w01018": 50.0, "w21003": 5.0, "w21001": 15.0, "w21011": 0.5}
    assert std == "GB 18918-2002 表1 一级A" and conf == "MC"
    other, std, _ = fallback_limits("industrial")
    assert (
        other == {"w01018": 100.0, "w21003": 15.0, "w21011": 0.5} and std == "GB 8978-1996 表4 一级"
    )
    limits = {k: (v, "t") for k, v in plant.items()}
    assert judge({"w21003": 5.0, "w21011": 0.5}, limits) == []  # equal to the limit meets it
    [e] = judge({"w21003": 7.5, "w21011": 0.4}, limits)
    assert (e.parameter, e.limit, e.multiple) == ("w21003", 5.0, 0.5)
    with pytest.raises(MarineError, match=r"values: 'a21026' is not an outfall parameter"):
        check_outfall_values({"a21026": 1.0})
    with pytest.raises(MarineError, match=r"values.w21011: -0.1 must be a number ≥ 0"):
        check_outfall_values({"w21011": -0.1})


def test_river_mouth_data():
    rows = river_mouths()
    assert len(rows) == 20 and river_mouth_plan()["targets_confidence"] == "U"
    counties = [county_at(m.lon, m.lat, tolerance_km=0.0) for m in rows]
    assert None not in counties
    by_city = Counter(str(c)[:4] + "00" for c in counties)
    assert by_city == {"330100": 2, "330200": 3, "330300": 3, "330400": 2, "330600": 2, "330900": 2,
                       "331000": 4, "331100": 2}  # plan 12.4's shares  # fmt: skip
    assert meets_targets(3.0, 0.15, 3.0, 0.15) is True
    assert (
        meets_targets(3.01, 0.1, 3.0, 0.15) is False and meets_targets(None, 0.1, 3.0, 0.15) is None
    )


def test_composite_index_is_labelled_and_renormalised():
    cfg = index_config()
    assert (
        cfg["name_zh"] == "自定义综合指数"
        and sum(c["weight"] for c in cfg["components"].values()) == 1.0
    )
    full = marine_index({"good_area_share": 50, "not_worst_area_share": 80, "river_mouths_meeting": 90,
                         "outfalls_remediated": 20})  # fmt: skip
    assert full.value == pytest.approx(50 * 0.4 + 80 * 0.2 + 90 * 0.2 + 20 * 0.2)
    assert marine_index({}).value is None
    # no sea station, no marine index: river mouths alone do not make one
    assert marine_index({"river_mouths_meeting": 100, "outfalls_remediated": 50}).value is None
    with pytest.raises(MarineError, match=r"components.good_area_share: 101 is outside 0–100"):
        marine_index({"good_area_share": 101})
    with pytest.raises(MarineError, match=r"components: 'blue' is not a component"):
        marine_index({"blue": 1})


def test_survey_table_names_every_bad_row():
    from datetime import date

    from qingshan.marine.coastal.survey_import import parse_samples
    from qingshan.tablefile import TableFileError

    rows = [
        ["近岸海域监测结果"],
        ["点位编码", "采样日期", "无机氮（以N计）", "PO4_P", "溶解氧(mg/L)"],
        ["SEA1", "2026-05-15", 0.25, 0.02, 7.1],
        ["SEA9", "2026-05-15", 0.25, "", ""],
        ["SEA1", "2026/5/16", -0.1, "", ""],
        ["SEA1", "2026-12-31", 0.2, "", ""],
        ["SEA1", "2026-05-15", 0.3, "", ""],
        ["SEA2", "2026-05-15", "", "", ""],
    ]
    p = parse_samples("", rows, stations=frozenset({"SEA1", "SEA2"}), today=date(2026, 12, 7))
    assert [(n, c, v) for n, c, _, v in p.rows] == [
        (3, "SEA1", {"DIN": 0.25, "PO4_P": 0.02, "DO": 7.1})
    ]
    assert [str(x) for x in p.problems] == [
        "row 4, column A (点位编码): 'SEA9' is not a sea station of your region",
        "row 5, column C (DIN): values.DIN: -0.1 is negative (a concentration or pH is ≥ 0)",
        "row 6, column B (采样日期): sampled_on: 2026-12-31 is in the future",
        "row 7, column A (点位编码): SEA1 on 2026-05-15 is given in row 3 too",
        "row 8, column A (点位编码): values: the sample has no value",
    ]
    with pytest.raises(TableFileError, match=r"column C: '无机磷' is not a GB 3097-1997 indicator"):
        parse_samples(
            "", [["点位编码", "采样日期", "无机磷"]], stations=frozenset(), today=date(2026, 12, 7)
        )


def test_river_month_table_names_every_bad_row():
    from datetime import date

    from qingshan.marine.coastal.river_import import parse_river_months

    rows = [
        ["断面编码", "月份", "总氮(mg/L)", "TP"],
        ["RM330301", "2026-05", 2.8, 0.14],
        ["RM330301", "2026年6月", "3.1", "0.16"],
        ["RM330201", "2026-05", 2.8, 0.14],
        ["RM330302", "2026-13", 2.8, 0.14],
        ["RM330302", "2027-01", 2.8, 0.14],
        ["RM330302", "2026-05", "", 0.14],
        ["RM330303", "2026-05", 2.0, -0.1],
        ["RM330301", "2026/5/20", 2.9, 0.15],
    ]
    p = parse_river_months("", rows, sections=frozenset({"RM330301", "RM330302", "RM330303"}),
                           today=date(2026, 12, 7))  # fmt: skip
    assert p.rows == [
        ("RM330301", date(2026, 5, 1), 2.8, 0.14),
        ("RM330301", date(2026, 6, 1), 3.1, 0.16),
    ]
    assert [str(x) for x in p.problems] == [
        "row 4, column A (断面编码): 'RM330201' is not a river-mouth section of your region",
        "row 5, column B (月份): month: '2026-13' is not a month (2026-05, 2026/5 or 2026年5月)",
        "row 6, column B (月份): month: 2027-01 is after this month",
        "row 7, column C (总氮): tn: missing (mg/L ≥ 0)",
        "row 8, column D (总磷): tp: -0.1 is negative (mg/L ≥ 0)",
        "row 9, column A (断面编码): RM330301 2026-05 is given in row 2 too",
    ]
