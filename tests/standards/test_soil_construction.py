"""GB 36600-2018 construction-land soil: Tables 1–2 and the judgement of 5.3.2–5.3.5.

Expectations written out below are the cells read in the standard's own text (Table 1 rows
1–34, confirmed); the other rows (MC) are tested against the data's own values only.
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from qingshan.standards.errors import InvalidValue, UnknownIndicator
from qingshan.standards.soil_construction import (
    ITEMS,
    LAND_CATEGORIES,
    LEVELS,
    NAMES_ZH,
    applicable_land,
    item_key,
    judge_construction,
    judge_construction_frame,
    judge_construction_sample,
)
from qingshan.standards.soil_construction_tables import SOURCES

#: GB 36600-2018 Table 1 rows 1–34 as the standard's text gives them:
#: key → (screening land 1, screening land 2, intervention land 1, intervention land 2) [mg/kg]
TABLE1_CONFIRMED = {
    "As": (20, 60, 120, 140),
    "Cd": (20, 65, 47, 172),
    "Cr6": (3.0, 5.7, 30, 78),
    "Cu": (2000, 18000, 8000, 36000),
    "Pb": (400, 800, 800, 2500),
    "Hg": (8, 38, 33, 82),
    "Ni": (150, 900, 600, 2000),
    "carbon_tetrachloride": (0.9, 2.8, 9, 36),
    "chloroform": (0.3, 0.9, 5, 10),
    "chloromethane": (12, 37, 21, 120),
    "1_1_dichloroethane": (3, 9, 20, 100),
    "1_2_dichloroethane": (0.52, 5, 6, 21),
    "1_1_dichloroethylene": (12, 66, 40, 200),
    "cis_1_2_dichloroethylene": (66, 596, 200, 2000),
    "trans_1_2_dichloroethylene": (10, 54, 31, 163),
    "dichloromethane": (94, 616, 300, 2000),
    "1_2_dichloropropane": (1, 5, 5, 47),
    "1_1_1_2_tetrachloroethane": (2.6, 10, 26, 100),
    "1_1_2_2_tetrachloroethane": (1.6, 6.8, 14, 50),
    "tetrachloroethylene": (11, 53, 34, 183),
    "1_1_1_trichloroethane": (701, 840, 840, 840),
    "1_1_2_trichloroethane": (0.6, 2.8, 5, 15),
    "trichloroethylene": (0.7, 2.8, 7, 20),
    "1_2_3_trichloropropane": (0.05, 0.5, 0.5, 5),
    "vinyl_chloride": (0.12, 0.43, 1.2, 4.3),
    "benzene": (1, 4, 10, 40),
    "chlorobenzene": (68, 270, 200, 1000),
    "1_2_dichlorobenzene": (560, 560, 560, 560),
    "1_4_dichlorobenzene": (5.6, 20, 56, 200),
    "ethylbenzene": (7.2, 28, 72, 280),
    "styrene": (1290, 1290, 1290, 1290),
    "toluene": (1200, 1200, 1200, 1200),
    "m_p_xylene": (163, 570, 500, 570),
    "o_xylene": (222, 640, 640, 640),
}
UNCONFIRMED = [k for k in ITEMS if k not in TABLE1_CONFIRMED]
EPS = Decimal("1e-9")


def test_tables_have_the_standards_rows():
    t1 = [it for it in ITEMS.values() if it.table == 1]
    t2 = [it for it in ITEMS.values() if it.table == 2]
    assert len(t1) == 45 and len(t2) == 40
    assert [it.no for it in t1] == list(range(1, 46))
    assert [it.no for it in t2] == list(range(1, 41))
    assert all(it.basic for it in t1) and not any(it.basic for it in t2)
    cas = [it.cas for it in ITEMS.values() if it.cas]
    assert len(cas) == len(set(cas)) == 81  # PCBs, dioxins, PBBs, TPH have no CAS number
    for it in ITEMS.values():
        assert it.confidence in ("confirmed", "MC", "U"), it.key
        assert it.sources and all(s in SOURCES for s in it.sources), it.key
        for cat in (0, 1):
            assert 0 < it.screening[cat] <= it.intervention[cat], it.key
    # the contract's keys
    for key in ("As", "Cd", "Cr6", "Cu", "Pb", "Hg", "Ni", "benzene", "benzo_a_pyrene",
                "trichloroethylene", "tph_c10_c40"):  # fmt: skip
        assert key in ITEMS
    assert NAMES_ZH["benzo_a_pyrene"] == "苯并[a]芘" and NAMES_ZH["Cr6"] == "铬（六价）"


@pytest.mark.parametrize("key", list(TABLE1_CONFIRMED))
def test_confirmed_cells(key):
    s1, s2, i1, i2 = TABLE1_CONFIRMED[key]
    it = ITEMS[key]
    assert it.table == 1 and it.confidence == "confirmed" and "standard-text" in it.sources
    assert it.screening == (s1, s2) and it.intervention == (i1, i2)


def test_only_table1_rows_1_to_34_are_confirmed():
    confirmed = {k for k, it in ITEMS.items() if it.confidence == "confirmed"}
    assert confirmed == set(TABLE1_CONFIRMED)
    assert {ITEMS[k].no for k in confirmed} == set(range(1, 35))


def _edges(key: str, land: int, s: float, i: float) -> None:
    """The four boundary cases of 5.3.2–5.3.5 at one item and land category."""
    sd, idd = Decimal(repr(s)), Decimal(repr(i))
    at_s = judge_construction(key, sd, land)
    assert (at_s.screening, at_s.intervention, at_s.land) == (s, i, land)
    assert at_s.level == "within_screening"  # 5.3.2 等于或者低于风险筛选值
    above_s = judge_construction(key, sd + EPS, land).level
    assert above_s == ("over_screening" if s < i else "over_intervention")
    at_i = judge_construction(key, idd, land).level  # 5.3.4 等于或者低于风险管制值
    assert at_i == ("over_screening" if s < i else "within_screening")
    assert judge_construction(key, idd + EPS, land).level == "over_intervention"  # 5.3.5
    assert judge_construction(key, 0, land).level == "within_screening"


@pytest.mark.parametrize("key", list(TABLE1_CONFIRMED))
@pytest.mark.parametrize("land", LAND_CATEGORIES)
def test_confirmed_edges(key, land):
    s1, s2, i1, i2 = TABLE1_CONFIRMED[key]
    s, i = (s1, i1) if land == 1 else (s2, i2)
    _edges(key, land, float(s), float(i))


@pytest.mark.parametrize("key", UNCONFIRMED)
@pytest.mark.parametrize("land", LAND_CATEGORIES)
def test_unconfirmed_edges_against_the_data(key, land):
    it = ITEMS[key]
    _edges(key, land, it.screening[land - 1], it.intervention[land - 1])


def test_float_inputs_at_the_edges():
    # a float a hair above or below a cell is read as a decimal at 1e-9
    assert judge_construction("chloroform", 0.1 + 0.2, 1).level == "within_screening"
    assert judge_construction("As", 60.000000001, 2).level == "over_screening"
    assert judge_construction("As", 140, 2).level == "over_screening"
    assert judge_construction("As", 140.000000001, 2).level == "over_intervention"
    assert judge_construction("As", "20", 1).level == "within_screening"
    # the smallest cells of Table 2 (dioxins 1e-5 mg/kg) keep their edges
    assert judge_construction("dioxins_teq", 1e-5, 1).level == "within_screening"
    assert judge_construction("dioxins_teq", 1.0001e-5, 1).level == "over_screening"
    assert judge_construction("dioxins_teq", 4e-4, 2).level == "over_screening"
    assert judge_construction("dioxins_teq", 4.0001e-4, 2).level == "over_intervention"


def test_worked_sample_residential_and_industrial():
    """A sample of a former plating site, judged for a planned residential use (第一类用地)
    and for an industrial use (第二类用地), Table 1 values."""
    sample = {"As": 25, "Pb": 350, "Ni": 650, "benzene": 1, "Cr6": 4.2}
    res = judge_construction_sample(sample, 1)
    # As 25 > 20 (≤ 120); Pb 350 ≤ 400; Ni 650 > 600; benzene 1 = 1; Cr6 4.2 > 3.0 (≤ 30)
    assert [j.level for j in res.judgements] == [
        "over_screening", "within_screening", "over_intervention", "within_screening",
        "over_screening",
    ]  # fmt: skip
    assert res.level == "over_intervention" and res.land == 1
    assert res.over_screening == ("As", "Ni", "Cr6")
    assert res.over_intervention == ("Ni",)
    ind = judge_construction_sample(sample, 2)
    # As 25 ≤ 60; Pb 350 ≤ 800; Ni 650 ≤ 900; benzene 1 ≤ 4; Cr6 4.2 ≤ 5.7
    assert ind.level == "within_screening" and ind.over_screening == ()
    assert ind.level_zh == "不超过筛选值"


def test_sample_equal_to_intervention_is_not_over_it():
    # second-category land: tetrachloroethylene 183 = 管制值 (5.3.4 等于或者低于), TCE 2.8 = 筛选值
    res = judge_construction_sample({"tetrachloroethylene": 183, "trichloroethylene": 2.8}, 2)
    assert res.level == "over_screening"
    assert res.over_screening == ("tetrachloroethylene",) and res.over_intervention == ()
    res = judge_construction_sample({"tetrachloroethylene": Decimal("183.000000001")}, 2)
    assert res.level == "over_intervention"


def test_names_and_aliases_resolve():
    assert item_key("苯并[a]芘") == "benzo_a_pyrene"
    assert item_key("benzo[a]pyrene") == "benzo_a_pyrene"
    assert item_key(" Benzo_A_Pyrene ") == "benzo_a_pyrene"
    assert item_key("六价铬") == item_key("铬（六价）") == item_key("铬(六价)") == "Cr6"
    assert item_key("石油烃（C10-C40）") == item_key("石油烃") == "tph_c10_c40"
    assert item_key("三氯甲烷") == "chloroform"
    assert item_key("砷") == "As" and item_key("lead") == "Pb"
    j = judge_construction("苯并[a]芘", 0.6, 1)
    assert j.item == "benzo_a_pyrene" and j.level == "over_screening"
    assert j.citation == "GB 36600-2018 表1 序号39" and j.confidence == "MC"
    res = judge_construction_sample({"砷": 70, "镉": 10}, 1)
    assert res.over_screening == ("As",)


def test_unknown_items_name_close_matches():
    with pytest.raises(UnknownIndicator) as e:
        judge_construction("Ars", 1, 1)
    assert "As" in e.value.near and "did you mean" in str(e.value)
    with pytest.raises(UnknownIndicator) as e:
        judge_construction("benzo_a_pyren", 1, 1)
    assert e.value.near[0] == "benzo_a_pyrene"
    with pytest.raises(UnknownIndicator) as e:
        judge_construction("trichlorethylene", 1, 1)
    assert "trichloroethylene" in e.value.near
    with pytest.raises(UnknownIndicator):
        judge_construction("Zn", 100, 1)  # zinc is in GB 15618, not GB 36600
    with pytest.raises(UnknownIndicator):
        judge_construction_sample({"As": 1, "leed": 5}, 1)


@pytest.mark.parametrize("bad", [-1, -1e-9, "-0.5", Decimal("-2")])
def test_negative_values_refused(bad):
    with pytest.raises(InvalidValue) as e:
        judge_construction("Pb", bad, 1)
    assert e.value.field == "Pb" and "negative" in str(e.value)


@pytest.mark.parametrize("bad", [None, float("nan"), "abc", "", float("inf"), True, [1.0]])
def test_missing_or_non_numeric_values_refused(bad):
    with pytest.raises(InvalidValue) as e:
        judge_construction("Pb", bad, 1)
    assert e.value.field == "Pb"


@pytest.mark.parametrize("land", [0, 3, -1, "1", 1.0, True, None, "第一类用地"])
def test_land_category_other_than_1_or_2_refused(land):
    with pytest.raises(InvalidValue) as e:
        judge_construction("As", 10, land)
    assert e.value.field == "land" and "第一类用地" in str(e.value)
    with pytest.raises(InvalidValue):
        judge_construction_sample({"As": 10}, land)


def test_unclear_planned_use_takes_first_category():
    # GB 36600-2018 5.3.1: 规划用途不明确的，适用第一类用地的筛选值和管制值
    assert applicable_land(None) == 1
    assert applicable_land(2) == 2
    with pytest.raises(InvalidValue):
        applicable_land(3)


def test_sample_refuses_empty_and_duplicates():
    with pytest.raises(InvalidValue):
        judge_construction_sample({}, 1)
    with pytest.raises(InvalidValue) as e:
        judge_construction_sample({"As": 10, "砷": 12}, 1)
    assert e.value.field == "As" and "twice" in str(e.value)
    with pytest.raises(InvalidValue) as e:
        judge_construction_sample({"As": 10, "Pb": -3}, 1)
    assert e.value.field == "Pb"


def test_background_note_for_as_co_v():
    # note ①: over the screening value but ≤ the background value → not a contaminated site
    j = judge_construction("As", 50, 1, background=60)
    assert j.level == "over_screening" and j.within_background is True
    assert judge_construction("As", 50, 1, background=40).within_background is False
    assert judge_construction("As", 15, 1, background=60).within_background is False
    assert judge_construction("Co", 30, 1, background=35).within_background is True
    assert judge_construction("V", 200, 1, background=180).within_background is False
    assert judge_construction("V", 200, 1, background=250).within_background is True
    # V's second-category screening value carries no note ①
    assert judge_construction("V", 800, 2, background=900).within_background is None
    assert ITEMS["V"].background_lands == (1,) and ITEMS["As"].background_lands == (1, 2)
    assert judge_construction("As", 50, 1).within_background is None
    assert judge_construction("Pb", 500, 1, background=600).within_background is None
    assert {k for k, it in ITEMS.items() if it.background_note} == {"As", "Co", "V"}
    res = judge_construction_sample({"As": 50, "Co": 25}, 1, background={"砷": 60})
    assert [j.within_background for j in res.judgements] == [True, None]
    with pytest.raises(InvalidValue):
        judge_construction("As", 50, 1, background=-1)


def test_levels_and_over_screening_multiple():
    assert LEVELS == ("within_screening", "over_screening", "over_intervention")
    j = judge_construction("As", 119, 2)  # a site report's maximum against 60 mg/kg
    assert j.level == "over_screening"
    assert j.multiple == pytest.approx((119 - 60) / 60)


def test_site_report_multiples():
    """A site report (eiacloud.com, 武汉保华新材料 plot, second-category screening): BaP 5.7 mg/kg
    "超标倍数2.8倍", total petroleum hydrocarbons 5040 mg/kg "超标倍数0.12倍"."""
    bap = judge_construction("benzo_a_pyrene", 5.7, 2)
    assert bap.level == "over_screening" and round(bap.multiple, 1) == 2.8
    tph = judge_construction("tph_c10_c40", 5040, 2)
    assert tph.level == "over_screening" and round(tph.multiple, 2) == 0.12


def test_frame_matches_the_sample_judgement():
    frame = pd.DataFrame(
        {
            "As": [25, 20, 140.000000001, np.nan, 60],
            "镍": [650, 150, 10, np.nan, 900],
            "benzene": [1, 1.000000001, None, np.nan, 4],
            "land": [1, 1, 2, 1, 2],
        },
        index=["S1", "S2", "S3", "S4", "S5"],
    )
    out = judge_construction_frame(frame, "land")
    assert list(out["level"]) == [
        "over_intervention", "over_screening", "over_intervention", None, "within_screening",
    ]  # fmt: skip
    assert list(out["over_screening"]) == ["As,Ni", "benzene", "As", "", ""]
    assert list(out["over_intervention"]) == ["Ni", "", "As", "", ""]
    assert list(out["level_benzene"])[2:4] == [None, None]
    for label, row in frame.iterrows():
        values = {k: v for k, v in row.drop("land").items() if pd.notna(v)}
        if values:
            res = judge_construction_sample(values, int(row["land"]))
            assert out.loc[label, "level"] == res.level
    same = judge_construction_frame(frame.drop(columns="land"), 1)
    assert same.loc["S5", "level"] == "over_intervention"  # Ni 900 > 600 on first-category land
    per_row = judge_construction_frame(frame.drop(columns="land"), [1, 1, 2, 1, 2])
    assert list(per_row["level"]) == list(out["level"])


def test_frame_refusals_name_the_cell():
    with pytest.raises(InvalidValue) as e:
        judge_construction_frame(pd.DataFrame({"Pb": [10, -1]}, index=["a", "b"]), 1)
    assert e.value.field == "Pb" and "'b'" in str(e.value)
    with pytest.raises(UnknownIndicator):
        judge_construction_frame(pd.DataFrame({"Pb": [10], "depth_m": [0.5]}), 1)
    with pytest.raises(InvalidValue) as e:
        judge_construction_frame(pd.DataFrame({"Pb": [10], "land": [3]}), "land")
    assert e.value.field == "land"
    with pytest.raises(InvalidValue):
        judge_construction_frame(pd.DataFrame({"Pb": [10, 20]}), [1])
    with pytest.raises(InvalidValue):
        judge_construction_frame(pd.DataFrame({"Pb": [10], "铅": [20]}), 1)
    with pytest.raises(InvalidValue):
        judge_construction_frame(pd.DataFrame({"Pb": ["abc"]}), 1)
