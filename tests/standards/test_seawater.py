"""GB 3097-1997 sea-water classes (Table 1) and the coastal grade by class shares.

Table 1 could not be read in the standard's own text (docs/standards-seawater.md): the edge
tests take every limit from the table data (as the session contract asks for unconfirmed cells)
and check the rule around it — "≤" limits inclusive, DO strictly greater than its limit, one
step of 10⁻⁹ on the other side of each edge. The coastal grades are checked at each threshold
and against the grades the 2017 national bulletin published with its class shares.
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from qingshan.standards.errors import InvalidValue, UnknownIndicator, UnknownKeyError
from qingshan.standards.seawater import (
    CLASSES,
    INDICATORS,
    classify_seawater,
    classify_seawater_frame,
    coastal_quality,
    din,
    seawater_class,
)
from qingshan.standards.seawater_tables import COASTAL_GRADES, PH_I_II, PH_III_IV

STEP = Decimal("1e-9")
UPPER = [k for k, r in INDICATORS.items() if r.kind == "upper"]


def test_table_keys_and_tags():
    for key in ("pH", "DO", "COD", "BOD5", "DIN", "PO4_P", "Hg", "Cd", "Pb", "Cr6", "Cr", "As",
                "Cu", "Zn", "Se", "Ni", "CN", "Sulfide", "VolatilePhenol", "Petroleum"):  # fmt: skip
        assert key in INDICATORS, key
    assert {r.confidence for r in INDICATORS.values()} <= {"confirmed", "MC", "U"}
    assert CLASSES == ("I", "II", "III", "IV", "劣IV")


@pytest.mark.parametrize("key", UPPER)
def test_every_limit_and_one_step_above(key):
    limits = INDICATORS[key].limits
    for lim in limits:
        if lim is None:
            continue
        best = min(j for j, v in enumerate(limits) if v is not None and Decimal(v) == Decimal(lim))
        assert seawater_class(key, Decimal(lim)) == CLASSES[best], (key, lim)
        assert seawater_class(key, float(lim)) == CLASSES[best], (key, lim, "float")
        nxt = next((j for j, v in enumerate(limits) if v is None or Decimal(v) > Decimal(lim)), 4)
        assert seawater_class(key, Decimal(lim) + STEP) == CLASSES[nxt], (key, lim)


def test_do_is_greater_than_on_both_sides_of_every_limit():
    limits = INDICATORS["DO"].limits
    for i, lim in enumerate(limits):
        assert seawater_class("DO", Decimal(lim) + STEP) == CLASSES[i], lim
        # equal to the limit is not "greater than": the next class (or 劣四类 after class 4)
        assert seawater_class("DO", Decimal(lim)) == CLASSES[i + 1], lim
    assert seawater_class("DO", 0) == "劣IV"
    assert seawater_class("DO", 12.5) == "I"


def test_dash_cell_sets_no_limit():
    # coliforms: class 4 is "—", so any count above class 3's limit meets class 4
    lim3 = INDICATORS["TotalColiform"].limits[2]
    assert INDICATORS["TotalColiform"].limits[3] is None
    assert seawater_class("TotalColiform", Decimal(lim3) + 1) == "IV"
    assert seawater_class("TotalColiform", 1e9) == "IV"


def test_ph_ranges_and_the_normal_variation_note():
    lo12, hi12 = (Decimal(v) for v in PH_I_II)
    lo34, hi34 = (Decimal(v) for v in PH_III_IV)
    assert seawater_class("pH", lo12) == "I" and seawater_class("pH", hi12) == "I"
    assert seawater_class("pH", lo12 - STEP) == "III"
    assert seawater_class("pH", hi12 + STEP) == "III"
    assert seawater_class("pH", lo34) == "III" and seawater_class("pH", hi34) == "III"
    assert seawater_class("pH", lo34 - STEP) == "劣IV"
    assert seawater_class("pH", hi34 + STEP) == "劣IV"
    # the sea area's normal range 8.10–8.20: classes 1–2 also within ±0.2, classes 3–4 ±0.5
    normal = (8.1, 8.2)
    assert seawater_class("pH", Decimal("7.9"), ph_normal=normal) == "I"
    assert seawater_class("pH", Decimal("7.899999999"), ph_normal=normal) == "III"
    assert seawater_class("pH", Decimal("7.6"), ph_normal=normal) == "III"
    assert seawater_class("pH", Decimal("7.599999999"), ph_normal=normal) == "劣IV"
    assert seawater_class("pH", Decimal("8.4"), ph_normal=normal) == "I"
    assert seawater_class("pH", Decimal("8.400000001"), ph_normal=normal) == "III"
    with pytest.raises(InvalidValue, match="ph_normal"):
        seawater_class("pH", 8.0, ph_normal=(8.3, 8.1))
    with pytest.raises(InvalidValue, match="pH outside 0–14"):
        seawater_class("pH", 15)


def test_din_is_the_sum_of_three_nitrogen_forms():
    assert din(0.12, 0.015, 0.065) == 0.2
    assert seawater_class("DIN", din(0.12, 0.015, 0.065)) == "I"
    assert seawater_class("DIN", din(0.12, 0.015, 0.065000001)) == "II"
    with pytest.raises(InvalidValue, match="DIN"):
        din(0.1, None, 0.1)  # type: ignore[arg-type]


def test_sample_class_with_deciding_indicators():
    dinv = Decimal(INDICATORS["DIN"].limits[3]) + STEP
    po4 = Decimal(INDICATORS["PO4_P"].limits[3]) + STEP
    res = classify_seawater(
        {"pH": 8.1, "DO": 6.5, "COD": 1.2, "DIN": dinv, "PO4_P": po4, "Petroleum": 0.02, "Hg": None}
    )
    assert res.klass == "劣IV" and res.deciding == ("DIN", "PO4_P")
    assert res.by_indicator["DO"] == "I" and "Hg" not in res.by_indicator
    assert res.name_zh == "劣四类"
    low_do = classify_seawater({"DO": Decimal(INDICATORS["DO"].limits[1]), "COD": 1})
    assert low_do.klass == "III" and low_do.deciding == ("DO",)


def test_bad_input_refused():
    with pytest.raises(UnknownIndicator) as e:
        classify_seawater({"TIN": 0.1})
    assert e.value.key == "TIN"
    with pytest.raises(InvalidValue, match="negative value -1 for DO"):
        seawater_class("DO", -1)
    with pytest.raises(InvalidValue, match="no indicator value"):
        classify_seawater({"DO": None})


def test_frame_matches_the_scalar_path():
    rng = np.random.default_rng(11)
    frame = pd.DataFrame(
        {
            "DO": rng.uniform(2, 8, 50),
            "DIN": rng.uniform(0, 0.8, 50),
            "PO4_P": rng.uniform(0, 0.06, 50),
            "pH": rng.uniform(6.5, 9, 50),
        }
    )
    out = classify_seawater_frame(frame, ph_normal=(7.9, 8.3))
    for i, row in frame.iterrows():
        res = classify_seawater(row.to_dict(), ph_normal=(7.9, 8.3))
        assert out.loc[i, "klass"] == res.klass
        assert out.loc[i, "deciding"] == ",".join(res.deciding)


def _areas(good: str, worst: str, total: str = "1000") -> dict[str, Decimal]:
    """Areas with the I+II share ``good`` % and the 劣四类 share ``worst`` %, rest class III."""
    t, g, w = Decimal(total), Decimal(good), Decimal(worst)
    return {"I": t * g / 200, "II": t * g / 200, "III": t - t * g / 100 - t * w / 100,
            "劣IV": t * w / 100}  # fmt: skip


def test_coastal_grade_at_each_threshold():
    by_key = {g.key: g for g in COASTAL_GRADES}
    ex, good, fair, poor = (by_key[k] for k in ("excellent", "good", "fair", "poor"))
    # 优 from the I+II threshold on, inclusive
    assert coastal_quality(_areas(ex.min_good, "0")).grade == "excellent"
    assert coastal_quality(_areas(str(Decimal(ex.min_good) - STEP), "0")).grade == "good"
    # 良好: I+II at its threshold and 劣四类 at its ceiling; one step beyond either is 一般
    assert coastal_quality(_areas(good.min_good, good.max_worst)).grade == "good"
    assert coastal_quality(_areas(str(Decimal(good.min_good) - STEP), "0")).grade == "fair"
    assert (
        coastal_quality(_areas(good.min_good, str(Decimal(good.max_worst) + STEP))).grade == "fair"
    )
    # 一般 / 差 edges
    assert coastal_quality(_areas(fair.min_good, fair.max_worst)).grade == "fair"
    assert coastal_quality(_areas(str(Decimal(fair.min_good) - STEP), "0")).grade == "poor"
    assert (
        coastal_quality(_areas(fair.min_good, str(Decimal(fair.max_worst) + STEP))).grade == "poor"
    )
    # 差 / 极差 on the 劣四类 share
    assert coastal_quality(_areas("0", poor.max_worst)).grade == "poor"
    assert coastal_quality(_areas("0", str(Decimal(poor.max_worst) + STEP))).grade == "very_poor"


def test_coastal_grades_of_the_2017_bulletin():
    # 2017 中国近岸海域生态环境质量公报 (station shares I, II, III, IV, 劣IV and the published grade)
    published = {
        "全国": ((34.5, 33.3, 10.1, 6.5, 15.6), "一般"),
        "渤海": ((19.8, 48.1, 14.8, 7.4, 9.9), "一般"),
        "黄海": ((37.4, 45.1, 9.9, 5.5, 2.2), "良好"),
        "东海": ((15.9, 31.0, 12.4, 9.7, 31.0), "差"),
        "南海": ((57.6, 18.2, 5.3, 3.8, 15.2), "一般"),
    }
    # national figures of other years: 2014 and 2016 by station, 2019 by area (I+II, 劣IV only)
    published["2014"] = ((28.6, 38.2, 7.0, 7.6, 18.6), "一般")
    published["2016"] = ((32.4, 41.0, 10.3, 3.1, 13.2), "一般")
    published["2019"] = ((0.0, 76.6, 11.7, 0.0, 11.7), "一般")
    for sea, (shares, grade) in published.items():
        q = coastal_quality(dict(zip(CLASSES, shares, strict=True)))
        assert q.grade_zh == grade, sea
    q = coastal_quality({"I": 34.5, "II": 33.3, "III": 10.1, "IV": 6.5, "劣IV": 15.6})
    assert q.good_share == pytest.approx(67.8) and q.worst_share == pytest.approx(15.6)
    assert sum(q.shares.values()) == pytest.approx(100.0)


def test_coastal_quality_refuses_bad_areas():
    with pytest.raises(UnknownKeyError, match="sea-water class"):
        coastal_quality({"V": 1.0})
    with pytest.raises(InvalidValue, match="class II") as e:
        coastal_quality({"I": 10.0, "II": -1.0})
    assert e.value.field == "area_by_class[II]"
    with pytest.raises(InvalidValue, match="add up to 0"):
        coastal_quality({"I": 0, "劣IV": 0})
