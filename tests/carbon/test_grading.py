"""碳效码: intensity, the absolute level and the relative grade at their exact boundaries.

Thresholds from 《规上工业企业碳效等级评价方法》 (2021; reference §6): K ≤ 0.6 → 1, ≤ 0.8 → 2,
≤ 1.2 → 3, ≤ 2.0 → 4, above → 5; L ≤ 0.6 low, ≤ 2.0 medium, above high.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qingshan.carbon.grading import (
    carbon_code,
    code_rules,
    grade,
    grade_array,
    intensity,
    intensity_array,
    level,
    level_array,
)


@pytest.mark.parametrize(
    ("k", "expected"),
    [(0.0, 1), (0.6, 1), (0.6000001, 2), (0.8, 2), (0.8000001, 3), (1.0, 3), (1.2, 3),
     (1.2000001, 4), (2.0, 4), (2.0000001, 5), (7.5, 5)],
)  # fmt: skip
def test_grade_boundaries_are_inclusive_above(k: float, expected: int) -> None:
    assert grade(k) == expected


def test_grade_array_matches_scalar_and_leaves_nan_ungraded() -> None:
    k = np.array([0.6, 0.61, 0.8, 1.2, 2.0, 2.01, np.nan])
    assert grade_array(k).tolist() == [1, 2, 2, 3, 4, 5, 0]
    assert grade_array(k).dtype == np.int64


@pytest.mark.parametrize(
    ("l_value", "expected"),
    [(0.0, "low"), (0.6, "low"), (0.61, "medium"), (2.0, "medium"), (2.01, "high")],
)
def test_level_boundaries(l_value: float, expected: str) -> None:
    assert level(l_value) == expected


def test_level_array() -> None:
    assert level_array([0.6, 2.0, 2.1, math.nan]).tolist() == ["low", "medium", "high", None]


def test_bad_k_and_l_are_refused() -> None:
    with pytest.raises(ValueError, match=r"K must be a finite number >= 0 \(got nan\)"):
        grade(math.nan)
    with pytest.raises(ValueError, match=r"L must be a finite number >= 0 \(got -1\.0\)"):
        level(-1.0)


def test_intensity() -> None:
    # 1 200 tCO2 ÷ 1 500 × 10^4 yuan = 0.8 tCO2/10^4 yuan
    assert intensity(1200.0, 1500.0) == pytest.approx(0.8)
    assert intensity(1200.0, None) is None
    assert intensity(1200.0, 0.0) is None
    assert intensity(1200.0, -5.0) is None
    assert intensity(math.nan, 10.0) is None
    out = intensity_array([1200.0, 10.0, 5.0], [1500.0, 0.0, math.nan])
    assert out[0] == pytest.approx(0.8) and math.isnan(out[1]) and math.isnan(out[2])


def test_carbon_code_of_an_enterprise() -> None:
    # L = 1.5 tCO2/10^4 yuan, industry average 1.25: K = 1.5 / 1.25 = 1.2 -> grade 3 (boundary), medium level
    c = carbon_code(1.5, 1.25)
    assert (c.grade, c.level, c.intensity, c.industry_avg) == (3, "medium", 1.5, 1.25)
    assert c.k == pytest.approx(1.2)
    assert c.colour == code_rules().colours[3]
    assert c.method == "2021 method; verify against DB33/T 1347—2023"
    # L = 0.5, average 1.0: K = 0.5 -> grade 1, low level
    assert (carbon_code(0.5, 1.0).grade, carbon_code(0.5, 1.0).level) == (1, "low")
    # L = 4.2, average 2.0: K = 2.1 -> grade 5, high level
    assert (carbon_code(4.2, 2.0).grade, carbon_code(4.2, 2.0).level) == (5, "high")


def test_carbon_code_without_data_says_so() -> None:
    none = carbon_code(None, 1.0)
    assert (none.grade, none.level, none.colour) == (None, None, None)
    no_avg = carbon_code(0.7, None)
    assert (no_avg.grade, no_avg.level, no_avg.k) == (None, "medium", None)
    assert carbon_code(0.7, 0.0).grade is None


def test_rules_are_data_with_the_method_label() -> None:
    rules = code_rules()
    assert rules.k_thresholds == (0.6, 0.8, 1.2, 2.0) and rules.l_thresholds == (0.6, 2.0)
    assert sorted(rules.colours) == [1, 2, 3, 4, 5]
    assert "DB33/T 1347" in rules.method and "DB33/T 1347" in rules.source
