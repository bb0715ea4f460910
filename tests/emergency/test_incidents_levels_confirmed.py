"""Worked cases from the confirmed cells of 《国家突发环境事件应急预案》(国办函〔2014〕119号).

The figures below are typed by hand from the plan's own words as published by 宁夏回族自治区生态环境厅
(《突发环境事件分级和分类标准》, 2020-10-28, sthjt.nx.gov.cn — a government page publishing the
text "依据 国办函〔2014〕119号"): §4.2 (I/II 省级, III 设区的市级, IV 县级 人民政府负责应对) and
附件1 特别重大 (1)–(6), 重大 (1). Only cells tagged ``confirmed`` in ``data/levels.json`` are typed
here; the rest stay data (MC/U) and are tested from the data in ``test_incidents_open.py``.
"""

from __future__ import annotations

import pytest

from qingshan.emergency.incidents.levels import criteria, judge, level_info

# (level, item, fact, threshold or choice) as the annex words them; 以上 includes the bound.
CONFIRMED = {
    ("I", "1", "deaths"): 30,  # 因环境污染直接导致30人以上死亡
    ("I", "1", "poisoned"): 100,  # 或100人以上中毒或重伤
    ("I", "2", "evacuated"): 50_000,  # 疏散、转移人员5万人以上
    ("I", "3", "direct_loss_yuan"): 100_000_000,  # 直接经济损失1亿元以上
    ("I", "4", "ecological_damage"): "function_lost",  # 区域生态功能丧失或…物种灭绝
    ("I", "5", "water_source_interrupted"): "city",  # 设区的市级以上城市…取水中断
    ("I", "6", "radiation_event"): "class_I_II_large_contamination",
    ("I", "6", "radiation_acute_deaths"): 3,  # 失控导致3人以上急性死亡
    ("II", "1", "deaths"): 10,  # 10人以上30人以下死亡
    ("II", "1", "poisoned"): 50,  # 50人以上100人以下中毒或重伤
}


def test_the_data_tags_exactly_these_cells_confirmed() -> None:
    tagged = {
        (c.level, c.item, c.fact): (c.threshold if c.op == ">=" else c.values[0])
        for c in criteria()
        if c.confidence == "confirmed"
    }
    assert tagged == CONFIRMED


@pytest.mark.parametrize(
    ("facts", "level"),
    [
        ({"deaths": 30}, "I"),  # 30人以上 includes 30
        ({"deaths": 29}, "II"),  # 29: 10人以上30人以下 → 重大
        ({"deaths": 10}, "II"),
        ({"poisoned": 100}, "I"),
        ({"poisoned": 99}, "II"),  # 50人以上100人以下
        ({"poisoned": 50}, "II"),
        ({"evacuated": 50_000}, "I"),  # 5万人以上
        ({"direct_loss_yuan": 100_000_000}, "I"),  # 1亿元以上
        ({"water_source_interrupted": "city"}, "I"),
        ({"ecological_damage": "function_lost"}, "I"),
        ({"radiation_event": "class_I_II_large_contamination"}, "I"),
        ({"radiation_acute_deaths": 3}, "I"),
        # 凡符合下列情形之一的: one criterion met is enough, the highest wins
        ({"deaths": 12, "poisoned": 120}, "I"),
        ({"deaths": 2, "poisoned": 60}, "II"),
    ],
)
def test_worked_cases(facts: dict, level: str) -> None:
    assert judge(facts).level == level


def test_just_below_the_confirmed_bounds_is_not_that_level() -> None:
    # one below a 特别重大 bound is not 特别重大; one below 重大 (1) is neither I nor II by that fact
    assert judge({"evacuated": 49_999}).level != "I"
    assert judge({"direct_loss_yuan": 99_999_999}).level != "I"
    assert judge({"radiation_acute_deaths": 2}).level != "I"
    assert judge({"deaths": 9}).level not in ("I", "II")
    assert judge({"poisoned": 49}).level not in ("I", "II")


def test_response_tiers_from_section_4_2() -> None:
    # 初判特别重大、重大 → Ⅰ级、Ⅱ级响应, 省级; 较大 → Ⅲ级, 设区的市级; 一般 → Ⅳ级, 县级
    tiers = {code: (level_info(code).response, level_info(code).lead_tier) for code in ("I", "II", "III", "IV")}  # fmt: skip
    assert tiers == {
        "I": ("I", "province"),
        "II": ("II", "province"),
        "III": ("III", "city"),
        "IV": ("IV", "county"),
    }
    assert all(level_info(code).confidence == "confirmed" for code in tiers)
