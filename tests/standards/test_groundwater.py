"""GB/T 14848-2017 groundwater classes (Tables 1–2, §6.2 single indicator, §6.3 sample).

No cell of Tables 1–2 could be read in the standard's own text (docs/standards-groundwater.md),
so the edge tests take every limit from the table data itself (as the session contract asks for
unconfirmed cells) and check the rule around it: a value equal to a limit takes the best class
with that limit (§6.2 "从优不从劣"), one step of 10⁻⁹ above it takes the next class. The worked
examples use the figures of §6.2 and §6.3's own examples (MC).
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from qingshan.standards.errors import InvalidValue, UnknownIndicator
from qingshan.standards.groundwater import (
    CLASSES,
    CONVENTIONAL,
    INDICATORS,
    NON_CONVENTIONAL,
    classify_groundwater,
    classify_groundwater_frame,
    groundwater_class,
)

STEP = Decimal("1e-9")
UPPER = [k for k, r in INDICATORS.items() if r.kind == "upper"]


def test_tables_hold_39_conventional_and_54_non_conventional_rows():
    assert len(CONVENTIONAL) == 39 and len(NON_CONVENTIONAL) == 54 and len(INDICATORS) == 93
    assert [INDICATORS[k].item for k in INDICATORS] == list(range(1, 94))
    assert {r.confidence for r in INDICATORS.values()} <= {"confirmed", "MC", "U"}
    assert all(r.source for r in INDICATORS.values())
    # the contract's keys, GB 3838's where the substance is the same
    for key in ("pH", "NH3_N", "As", "Hg", "Cd", "Cr6", "Pb", "Cu", "Zn", "F", "Se", "CN",
                "VolatilePhenol", "LAS", "Sulfide", "TotalHardness", "TDS", "SO4", "Cl", "Fe",
                "Mn", "NO3_N", "NO2_N", "CODMn", "TotalColiform", "TotalBacteria", "Na", "Al", "I"):  # fmt: skip
        assert key in INDICATORS, key


@pytest.mark.parametrize("key", UPPER)
def test_every_limit_and_one_step_above(key):
    limits = INDICATORS[key].limits
    for i, lim in enumerate(limits):
        if lim is None:
            continue
        best = min(j for j, v in enumerate(limits) if v is not None and Decimal(v) == Decimal(lim))
        assert groundwater_class(key, Decimal(lim)) == CLASSES[best], (key, lim)
        assert groundwater_class(key, float(lim)) == CLASSES[best], (key, lim, "float")
        above = Decimal(lim) + STEP
        nxt = next((j for j, v in enumerate(limits) if v is None or Decimal(v) > Decimal(lim)), 4)
        assert groundwater_class(key, above) == CLASSES[nxt], (key, lim, i)


def test_shared_limits_take_the_better_class():
    # §6.2's example: volatile phenols 0.001 mg/L is class I, not class II (I and II share it)
    assert groundwater_class("VolatilePhenol", 0.001) == "I"
    assert groundwater_class("VolatilePhenol", "0.001000001") == "III"


def test_zero_is_class_i_and_detected_surfactant_is_not():
    # LAS class I is "不得检出": a result reported as 0 (not detected) is class I
    assert groundwater_class("LAS", 0) == "I"
    assert groundwater_class("LAS", Decimal("1e-9")) == "II"


def test_ph_ranges_both_sides():
    cases = {
        "6.5": "I", "8.5": "I", "7": "I",
        "6.499999999": "IV", "8.500000001": "IV", "5.5": "IV", "9.0": "IV",
        "5.499999999": "V", "9.000000001": "V", "0": "V", "14": "V",
    }  # fmt: skip
    got = groundwater_class("pH", [Decimal(v) for v in cases])
    assert list(got) == list(cases.values())


def test_ph_outside_0_14_refused():
    with pytest.raises(InvalidValue, match="pH outside 0–14") as e:
        groundwater_class("pH", 14.5)
    assert e.value.field == "pH"
    with pytest.raises(InvalidValue, match="pH"):
        classify_groundwater({"pH": -0.1, "Cl": 10})


def test_gross_alpha_beta_above_iii_are_iv():
    a = INDICATORS["GrossAlpha"].limits[2]
    assert groundwater_class("GrossAlpha", Decimal(a)) == "III"
    assert groundwater_class("GrossAlpha", Decimal(a) + STEP) == "IV"
    assert groundwater_class("GrossAlpha", 1e6) == "IV"
    assert groundwater_class("GrossBeta", 1e6) == "IV"


def test_presence_rows():
    assert groundwater_class("OdourTaste", 0) == "I"
    assert groundwater_class("VisibleMatter", 1) == "V"


def test_sample_class_worst_with_deciding_indicators():
    # §6.3's example: chloride 400 mg/L and tetrachloroethylene 350 µg/L are class V, the
    # other indicators better: the sample is class V, its class-V indicators those two
    res = classify_groundwater(
        {"Cl": 400, "Tetrachloroethylene": 350, "NH3_N": 0.08, "pH": 7.2, "TotalHardness": 200}
    )
    assert res.klass == "V"
    assert res.deciding == ("Cl", "Tetrachloroethylene")
    assert res.deciding_zh == "氯化物、四氯乙烯"
    assert res.by_indicator["NH3_N"] == "II" and res.by_indicator["pH"] == "I"
    assert res.name_zh == "Ⅴ类"


def test_sample_of_a_well_class_iv_by_ammonia_and_manganese():
    nh3, mn = INDICATORS["NH3_N"].limits[3], INDICATORS["Mn"].limits[3]
    res = classify_groundwater(
        {"pH": 7.1, "NH3_N": Decimal(nh3), "Mn": Decimal(mn), "NO3_N": 3.1, "F": None}
    )
    assert res.klass == "IV" and res.deciding == ("Mn", "NH3_N")
    assert "F" not in res.by_indicator  # not measured


def test_bad_input_is_refused_with_the_field_named():
    with pytest.raises(UnknownIndicator, match="NH3N") as e:
        classify_groundwater({"NH3N": 0.1})
    assert "NH3_N" in e.value.near
    with pytest.raises(InvalidValue, match="negative value -0.1 for Cl"):
        groundwater_class("Cl", -0.1)
    with pytest.raises(InvalidValue, match="no indicator value"):
        classify_groundwater({"Cl": None, "Fe": float("nan")})
    with pytest.raises(InvalidValue, match="no value for Cl"):
        groundwater_class("Cl", None)


def test_frame_matches_the_scalar_path():
    rng = np.random.default_rng(7)
    keys = ["pH", "NH3_N", "Cl", "Mn", "NO3_N", "Benzene"]
    frame = pd.DataFrame(
        {
            "pH": rng.uniform(5, 9.5, 60),
            "NH3_N": rng.uniform(0, 2, 60),
            "Cl": rng.uniform(0, 500, 60),
            "Mn": rng.uniform(0, 2, 60),
            "NO3_N": rng.uniform(0, 40, 60),
            "Benzene": rng.uniform(0, 150, 60),
        }
    )
    frame.iloc[3, 2] = np.nan
    out = classify_groundwater_frame(frame)
    for i, row in frame.iterrows():
        res = classify_groundwater(row.to_dict())
        assert out.loc[i, "klass"] == res.klass
        assert out.loc[i, "deciding"] == ",".join(res.deciding)
        for k in keys:
            assert out.loc[i, f"class_{k}"] == res.by_indicator.get(k)
    with pytest.raises(UnknownIndicator):
        classify_groundwater_frame(pd.DataFrame({"Chloride": [1.0]}))
