"""A value too large for the exact decimal arithmetic is refused as out of range (issue 9,
item 11: ``TP 1e10`` was reported as "negative value -9.2e+09")."""

import pytest

from qingshan.standards._exact import to_scaled
from qingshan.standards.errors import InvalidValue
from qingshan.standards.water_quality import classify_section


def test_huge_tp_is_out_of_range_not_negative():
    with pytest.raises(InvalidValue, match=r"TP value 1e\+10 is out of range \(at most 9\.2"):
        classify_section({"TP": 1e10})


@pytest.mark.parametrize("value", [1e20, float("inf"), "1e30", -1e20])
def test_to_scaled_refuses_what_int64_cannot_hold(value):
    with pytest.raises(InvalidValue, match="CO value .* is out of range"):
        to_scaled([1.0, value], field="CO")


def test_to_scaled_keeps_missing_and_small_values():
    scaled, missing = to_scaled([1.5, None, float("nan")])
    assert scaled.tolist() == [1_500_000, 0, 0] and missing.tolist() == [False, True, True]
