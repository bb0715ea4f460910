"""HJ 192-2015 ecological status index: EI, grades, change and fluctuation classes, restriction.

The weights and edges are tagged MC in :data:`qingshan.standards.ecological_status.CONFIDENCE`
(agreeing secondary sources, not read in the standard's own text here), so the expectations
take them from the module's data; the arithmetic done by hand below follows the formula
EI = w₁·BA + w₂·VC + w₃·WND + w₄·(100 − LS) + w₅·(100 − PL).
"""

from decimal import Decimal

import pytest

from qingshan.standards.ecological_status import (
    CHANGE_EDGES,
    CHANGE_MAGNITUDES,
    CONFIDENCE,
    GRADE_EDGES,
    GRADE_NAMES,
    GRADES,
    RESTRICTIONS,
    WEIGHTS,
    EISubIndices,
    assess,
    ecological_index,
    ei_change,
    ei_fluctuation,
    ei_grade,
    restricted_grade,
    sub_indices_from_mapping,
)
from qingshan.standards.errors import InvalidValue, UnknownKeyError

FIELDS = (
    "biological_abundance",
    "vegetation_cover",
    "water_network_density",
    "land_stress",
    "pollution_load",
)
W = {k: Decimal(str(v)) for k, v in WEIGHTS.items()}


def _level(x) -> EISubIndices:
    """Sub-indices whose EI is exactly ``x`` (the weights sum to 1; stress/load enter as 100 − ·)."""
    x = Decimal(str(x))
    return EISubIndices(x, x, x, Decimal(100) - x, Decimal(100) - x)


def test_weights_are_the_five_sub_indices_and_sum_to_one():
    assert tuple(WEIGHTS) == FIELDS
    assert sum(W.values()) == 1


def test_weights_order_biological_abundance_first():
    """Biological abundance weighs most, pollution load least (HJ 192-2015 §5.2)."""
    assert max(WEIGHTS, key=WEIGHTS.__getitem__) == "biological_abundance"
    assert min(WEIGHTS, key=WEIGHTS.__getitem__) == "pollution_load"


def test_ei_by_hand_example_1():
    sub = EISubIndices(80, 70, 60, 20, 10)
    by_hand = (
        W["biological_abundance"] * 80
        + W["vegetation_cover"] * 70
        + W["water_network_density"] * 60
        + W["land_stress"] * (100 - 20)
        + W["pollution_load"] * (100 - 10)
    )
    assert ecological_index(sub) == float(by_hand)
    # with the tabled weights 0.35/0.25/0.15/0.15/0.10: 28 + 17.5 + 9 + 12 + 9
    if WEIGHTS == {"biological_abundance": 0.35, "vegetation_cover": 0.25,
                   "water_network_density": 0.15, "land_stress": 0.15, "pollution_load": 0.10}:  # fmt: skip
        assert ecological_index(sub) == 75.5


def test_ei_by_hand_example_2():
    values = {"biological_abundance": "45.3", "vegetation_cover": "62.1",
              "water_network_density": "30.7", "land_stress": "35.2", "pollution_load": "12.4"}  # fmt: skip
    sub = sub_indices_from_mapping(values)
    by_hand = Decimal(0)
    for k, v in values.items():
        d = Decimal(v)
        by_hand += W[k] * ((100 - d) if k in ("land_stress", "pollution_load") else d)
    ei = ecological_index(sub)
    assert ei == float(by_hand)
    assert ei == pytest.approx(54.465)  # 15.855 + 15.525 + 4.605 + 9.72 + 8.76
    assert assess(sub).index_grade == ei_grade(ei)


def test_ei_extremes():
    assert ecological_index(EISubIndices(100, 100, 100, 0, 0)) == 100
    assert ecological_index(EISubIndices(0, 0, 0, 100, 100)) == 0


def test_ei_is_exact_at_a_grade_edge():
    for edge in GRADE_EDGES:
        assert ecological_index(_level(edge)) == float(edge)


def test_ei_exact_where_floats_fall_below_the_edge():
    """23.4, 60.5, 96.7, 10.4, 62.6: in floats the weighted sum is 54.99999999999999 (一般);
    exactly it is 55 (良)."""
    sub = EISubIndices(23.4, 60.5, 96.7, 10.4, 62.6)
    floats = 0.35 * 23.4 + 0.25 * 60.5 + 0.15 * 96.7 + 0.15 * (100 - 10.4) + 0.10 * (100 - 62.6)
    assert floats < 55
    by_hand = (
        W["biological_abundance"] * Decimal("23.4")
        + W["vegetation_cover"] * Decimal("60.5")
        + W["water_network_density"] * Decimal("96.7")
        + W["land_stress"] * (100 - Decimal("10.4"))
        + W["pollution_load"] * (100 - Decimal("62.6"))
    )
    assert ecological_index(sub) == float(by_hand)
    assert ei_grade(ecological_index(sub)) == ei_grade(by_hand)
    if by_hand == 55:  # the tabled weights: 良, where the float sum would say 一般
        assert ei_grade(ecological_index(sub)) == "good"
        assert ei_grade(floats) == "fair"


@pytest.mark.parametrize(("i", "edge"), list(enumerate(GRADE_EDGES)))
def test_every_grade_edge(i, edge):
    e = Decimal(edge)
    assert ei_grade(e) == GRADES[i]  # "EI ≥ edge" is in the better grade
    assert ei_grade(e - Decimal("0.01")) == GRADES[i + 1]
    assert ei_grade(e + Decimal("0.01")) == GRADES[i]
    assert assess(_level(e)).grade == GRADES[i]
    assert assess(_level(e - Decimal("0.001"))).grade == GRADES[i + 1]


def test_grade_ends_and_names():
    assert ei_grade(100) == "excellent"
    assert ei_grade(0) == "bad"
    assert [GRADE_NAMES[g][0] for g in GRADES] == ["优", "良", "一般", "较差", "差"]


@pytest.mark.parametrize("ei", [-0.1, 100.1, float("nan"), None, "high"])
def test_grade_refuses_ei_outside_0_100(ei):
    with pytest.raises(InvalidValue) as err:
        ei_grade(ei)
    assert err.value.field == "ei"


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("bad", [-0.01, 100.01, float("nan"), float("inf"), None, "n/a"])
def test_sub_index_outside_0_100_refused_naming_the_field(field, bad):
    values = dict.fromkeys(FIELDS, 50)
    values[field] = bad
    with pytest.raises(InvalidValue) as err:
        EISubIndices(**values)
    assert err.value.field == field
    assert field in str(err.value)


@pytest.mark.parametrize("field", FIELDS)
def test_sub_index_bounds_are_accepted(field):
    for v in (0, 100):
        values = dict.fromkeys(FIELDS, 50)
        values[field] = v
        EISubIndices(**values)


def test_missing_sub_index_named():
    with pytest.raises(InvalidValue) as err:
        sub_indices_from_mapping({"biological_abundance": 50, "vegetation_cover": 50})
    assert err.value.field == "water_network_density"


# ---------------------------------------------------------------- change classes


@pytest.mark.parametrize(("i", "edge"), list(enumerate(CHANGE_EDGES, start=1)))
def test_every_change_class_edge(i, edge):
    e = Decimal(edge)
    up = ei_change(50, 50 + e)
    assert (up.magnitude, up.direction, up.delta) == (CHANGE_MAGNITUDES[i], "better", float(e))
    down = ei_change(50, 50 - e)
    assert (down.magnitude, down.direction) == (CHANGE_MAGNITUDES[i], "worse")
    below = ei_change(50, 50 + e - Decimal("0.01"))
    assert below.magnitude == CHANGE_MAGNITUDES[i - 1]
    below = ei_change(50, 50 - e + Decimal("0.01"))
    assert below.magnitude == CHANGE_MAGNITUDES[i - 1]


def test_no_obvious_change_has_no_direction():
    for after in (50, 50.5, 49.99):
        c = ei_change(50, after)
        assert (c.magnitude, c.direction, c.name_zh) == ("no_obvious", None, "无明显变化")


def test_change_names_as_published():
    assert ei_change(50, 52).name_zh == "略微变好"
    assert ei_change(50, 45).name_zh == "明显变差"
    assert ei_change(40, 60).name_zh == "显著变好"


def test_change_is_exact():
    """1.4 − 0.4 is 0.9999999999999999 in floats; ΔEI here is exactly 1 (略微变好)."""
    assert 1.4 - 0.4 < 1
    c = ei_change(0.4, 1.4)
    assert c.delta == 1.0
    assert c.magnitude == CHANGE_MAGNITUDES[1]
    assert ei_change(1.1, 4.1).magnitude == CHANGE_MAGNITUDES[2]  # 4.1 − 1.1 < 3 in floats


@pytest.mark.parametrize(("before", "after", "field"), [(-1, 50, "before"), (50, 101, "after")])
def test_change_refuses_ei_outside_0_100(before, after, field):
    with pytest.raises(InvalidValue) as err:
        ei_change(before, after)
    assert err.value.field == field


# ---------------------------------------------------------------- fluctuation (tagged U)


def test_fluctuation_needs_a_change_of_direction():
    assert ei_fluctuation([50, 52, 55, 60]) is None
    assert ei_fluctuation([60, 60, 60]) is None
    assert ei_fluctuation([50, 50.5, 50.2]) == "stable"
    assert ei_fluctuation([50, 52, 50.5]) == "fluctuating"
    assert ei_fluctuation([50, 55, 51]) == "large_fluctuation"
    assert ei_fluctuation([50, 60, 55]) == "severe_fluctuation"


def test_fluctuation_refuses_short_series():
    with pytest.raises(InvalidValue, match="at least three periods"):
        ei_fluctuation([50, 52])


# ---------------------------------------------------------------- restriction index (tagged U)


def _key(effect):
    return next(k for k, v in RESTRICTIONS.items() if v == effect)


def test_no_restriction_keeps_the_grade():
    for g in GRADES:
        assert restricted_grade(g) == g
        assert restricted_grade(g, "none") == g


def test_downgrade_one_level():
    k = _key("downgrade")
    assert [restricted_grade(g, k) for g in GRADES] == ["good", "fair", "poor", "bad", "bad"]


def test_cap_downgrade_not_excellent_or_good():
    k = _key("cap_downgrade")
    assert [restricted_grade(g, k) for g in GRADES] == ["fair", "fair", "poor", "bad", "bad"]


def test_strongest_restriction_applies_once():
    keys = (_key("downgrade"), _key("cap_downgrade"), _key("downgrade"))
    assert restricted_grade("excellent", keys) == "fair"


def test_assess_applies_the_restriction_to_the_grade_not_the_number():
    sub = EISubIndices(80, 70, 60, 20, 10, restriction=_key("downgrade"))
    a = assess(sub)
    assert a.ei == ecological_index(EISubIndices(80, 70, 60, 20, 10))
    assert a.grade == GRADES[GRADES.index(a.index_grade) + 1]
    assert a.restrictions == (_key("downgrade"),)


def test_unknown_restriction_refused():
    with pytest.raises(UnknownKeyError, match="environmental restriction"):
        EISubIndices(50, 50, 50, 50, 50, restriction="earthquake")
    with pytest.raises(UnknownKeyError):
        restricted_grade("good", ["none", "flood"])


def test_confidence_tags():
    assert set(CONFIDENCE.values()) <= {"confirmed", "MC", "U"}
