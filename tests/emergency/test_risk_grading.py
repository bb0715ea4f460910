"""HJ 941-2018 grading, pure: Q hand-computed from the data's critical quantities, each band edge
(Q = 1, 10, 100; M = 25, 45, 60), the one matrix cell seen outside the standard (E3-Q2-M2 →
较大), Q0 → 一般 directly, the notation, the penalty adjustment (data, [U]) and bad input named.

Only E3-Q2-M2 → 较大 is a hand-typed expectation (the reference's checked cell); the Q and M band
edges are [U]/[MC] and are read from the data file (the tests check the code applies them)."""

from __future__ import annotations

import pytest

from qingshan.emergency.risk import grading
from qingshan.emergency.risk.errors import RiskError
from qingshan.emergency.risk.grading import Chemical, GradeInputs

AMMONIA = grading.find_substance("氨").critical_t
METHANOL = grading.find_substance("甲醇").critical_t
CHROMIUM = grading.find_substance("1333-82-0").critical_t


def test_the_data_holds_at_least_40_substances_each_with_cas_quantity_and_source():
    subs = grading.substances()
    assert len(subs) >= 40
    for s in subs.values():
        assert s.critical_t > 0 and s.source and s.confidence in ("confirmed", "MC", "U")
        assert s.air or s.water


def test_q_is_the_sum_of_stock_over_critical_quantity_per_medium():
    chems = [Chemical("氨", 12.0, "罐区A"), Chemical("ammonia", 3.0, "罐区B"),
             Chemical("67-56-1", 25.0), Chemical("三氧化铬(铬酸酐)", 0.5)]  # fmt: skip
    q_air, rows = grading.q_value(chems, "air")
    assert q_air == pytest.approx(15.0 / AMMONIA + 25.0 / METHANOL)
    assert {r["substance"]: r["q_t"] for r in rows} == {"ammonia": 15.0, "methanol": 25.0}
    q_water, _ = grading.q_value(chems, "water")  # chromium trioxide is water-relevant only
    assert q_water == pytest.approx(15.0 / AMMONIA + 25.0 / METHANOL + 0.5 / CHROMIUM)


def test_q_band_edges_from_the_data():
    bands = dict(grading.table()["q_bands"]["bands"])
    assert grading.q_band(bands["Q1"] - 1e-9) == "Q0"
    for name in ("Q1", "Q2", "Q3"):
        assert grading.q_band(bands[name]) == name  # the lower bound belongs to the band
        assert grading.q_band(bands[name] - 1e-9) != name
    assert [bands[k] for k in ("Q1", "Q2", "Q3")] == [1, 10, 100]


def test_m_band_edges_from_the_data():
    bands = dict(grading.table()["m_bands"]["bands"])
    assert [bands[k] for k in ("M2", "M3", "M4")] == [25, 45, 60]
    assert grading.m_band(24.999) == "M1"
    for name in ("M2", "M3", "M4"):
        assert grading.m_band(bands[name]) == name
        assert grading.m_band(bands[name] - 0.001) != name


def test_the_checked_cell_q2_m2_e3_is_larger():
    assert grading.matrix_level("Q2", "M2", "E3") == "较大"


def test_q0_is_general_directly_whatever_m_and_e():
    for e in ("E1", "E2", "E3"):
        for m in ("M1", "M4"):
            assert grading.matrix_level("Q0", m, e) == "一般"


def test_process_score_is_capped_at_30_and_summed_per_unit():
    m, basis = grading.m_score({"process": {"hazardous_process": 4},
                                "controls": {"gas_leak_monitoring": "yes",
                                             "protection_distance": "yes",
                                             "air_events_3y": "none"}}, "air")  # fmt: skip
    assert m == 30
    assert next(b for b in basis if b["item"] == "process_total")["raw"] == 40


def _inputs(ammonia_t: float, **kw) -> GradeInputs:
    # M (air) = 10 (one hazardous unit) + 25 (no protection distance) = 35 → M2
    m_items = {"process": {"hazardous_process": 1},
               "controls": {"gas_leak_monitoring": "yes", "protection_distance": "no",
                            "air_events_3y": "none", "interception": "yes",
                            "accident_collection": "yes", "clean_water_system": "yes",
                            "rainwater_system": "yes", "wastewater_treatment": "yes",
                            "discharge_permit": "yes", "water_events_3y": "none"}}  # fmt: skip
    base = dict(pop_5km=8000, pop_500m=200)
    base.update(kw)
    return GradeInputs((Chemical("chromium_trioxide", 0.1), Chemical("氯", 0.2)) if ammonia_t == 0
                       else (Chemical("硫酸", 1.0),), m_items, **base)  # fmt: skip


def test_a_worked_grade_and_its_notation():
    # air: Q = 12 t Cl2 / Q_Cl2 ≥ 10 → Q2 (critical quantity from the data); M2; E3 → 较大
    cl2 = grading.find_substance("氯").critical_t
    stock = 12 * cl2
    g = grading.grade(GradeInputs((Chemical("氯", stock),), _inputs(1).m_items,
                                  pop_5km=8000, pop_500m=200))  # fmt: skip
    assert g.air.q == pytest.approx(12.0) and g.air.q_band == "Q2"
    assert (g.air.m, g.air.m_band, g.air.e) == (35, "M2", "E3")
    assert g.air.level == "较大"
    assert g.notation.startswith("较大[较大-大气(Q2-M2-E3) + ")
    assert g.water.medium == "water"


def test_an_enterprise_below_every_critical_quantity_is_general_q0_in_both_media():
    g = grading.grade(_inputs(1))  # 1 t sulfuric acid: water Q < 1
    assert g.level == "一般"
    assert g.notation == "一般[一般-大气(Q0) + 一般-水(Q0)]"


def test_the_penalty_adjustment_raises_one_level_capped():
    adj = grading.table()["penalty_adjustment"]
    assert adj["confidence"] == "U"
    g = grading.grade(GradeInputs(_inputs(1).chemicals, _inputs(1).m_items, penalised_3y=True,
                                  penalty_basis="行政处罚 X"))  # fmt: skip
    assert g.adjusted and g.level == grading.LEVELS[adj["steps"]]
    assert grading.higher("重大", "较大") == "重大"


def test_unknown_substance_names_close_matches():
    with pytest.raises(RiskError, match=r"'甲苯x'.*did you mean.*甲苯"):
        grading.find_substance("甲苯x")


def test_negative_stock_and_unknown_m_items_are_named():
    with pytest.raises(RiskError, match="row 1: max_stock_t: -1"):
        grading.grade(GradeInputs((Chemical("氨", -1),), {}))
    with pytest.raises(RiskError, match="process: unknown item 'magic'"):
        grading.m_score({"process": {"magic": 1}}, "air")
    with pytest.raises(RiskError, match="controls.gas_leak_monitoring: 'maybe'"):
        grading.m_score({"controls": {"gas_leak_monitoring": "maybe"}}, "air")


def test_water_e_from_distances():
    lim = grading.table()["e_water"]["water_source_m"]
    assert grading.water_e(lim, None)[0] == "E1"
    assert grading.water_e(lim + 1, 500, red_line_name="红线")[0] == "E2"
    assert grading.water_e(None, None)[0] == "E3"
    assert grading.air_e(None, None)[0] == "E1"  # not declared: the conservative class
