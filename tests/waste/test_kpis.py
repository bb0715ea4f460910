"""The waste KPIs (pure): the 利用处置率 formula on the national 2012 figures, a zero
denominator, the HJ 1259-2022 tiers at their thresholds, coverage and capacity."""

from __future__ import annotations

import pytest

from qingshan.waste.kpis import (
    Tier,
    capacity_ratio,
    county_coverage,
    is_small_producer,
    management_tier,
    small_producer_coverage,
    utilisation_disposal_rate,
)


def test_national_2012_rate_is_76_1_percent_with_the_prior_stock():
    # shared/reference/waste.md §7: 产生 3465.2, 综合利用 2004.6, 处置 698.2 万t; reported 76.1 %
    rate = utilisation_disposal_rate(2004.6, 698.2, 3465.2, prior_stock_utilised_t=86.4)
    assert rate == pytest.approx(2702.8 / 3551.6 * 100)
    assert round(rate, 1) == 76.1
    # without the prior-year stock the same figures give 78.0 %: the reported rate has it
    assert round(utilisation_disposal_rate(2004.6, 698.2, 3465.2), 1) == 78.0


def test_nothing_generated_and_nothing_in_stock_is_no_rate_not_100_percent():
    assert utilisation_disposal_rate(0.0, 0.0, 0.0) is None
    assert utilisation_disposal_rate(5.0, 0.0, 0.0, prior_stock_disposed_t=5.0) == 100.0


@pytest.mark.parametrize(
    ("annual_t", "tier"),
    [(250.0, Tier.KEY), (100.0, Tier.KEY), (99.99, Tier.SIMPLIFIED), (10.0, Tier.SIMPLIFIED),
     (9.99, Tier.REGISTERED), (0.0, Tier.REGISTERED)],
)  # fmt: skip
def test_management_tiers_at_their_thresholds(annual_t, tier):
    assert management_tier(annual_t) is tier


def test_a_negative_annual_generation_has_no_tier():
    with pytest.raises(ValueError, match="annual generation must be ≥ 0 t, got -1"):
        management_tier(-1.0)


def test_coverage_and_capacity():
    assert county_coverage(89, 90) == pytest.approx(98.888, abs=1e-3)
    assert county_coverage(0, 0) is None
    assert small_producer_coverage(7, 10) == 70.0
    assert small_producer_coverage(0, 0) is None
    assert is_small_producer(9.9) and not is_small_producer(10.0)
    assert capacity_ratio(30000.0, 24000.0) == 1.25
    assert capacity_ratio(30000.0, 0.0) is None
