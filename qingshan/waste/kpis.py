"""Hazardous-waste KPIs and the HJ 1259-2022 tier (pure; issue #18, plan item 14).

- :func:`utilisation_disposal_rate`: 工业危险废物利用处置率 = (综合利用量 + 处置量) /
  (产生量 + 综合利用往年贮存量 + 处置往年贮存量) × 100 % — the environmental-statistics formula
  (shared/reference/waste.md §7, mirroring 国家统计局's 一般工业固废综合利用率); a zero
  denominator gives None (no data), never 100 %. Check: national 2012, (2004.6 + 698.2) /
  (3465.2 + 86.4) = 76.1 %.
- :func:`county_coverage`: counties with at least one collection point (收运点) among the
  region's counties [%] (plan 14.1: every county by 2021-06-30).
- :func:`small_producer_coverage`: small producers (小微产废企业, annual generation < 10 t —
  the HJ 1259-2022 登记管理 tier [U]) served by a collection point [%] (plan 14.2: ≥ 70 %).
- :func:`capacity_ratio`: licensed utilisation/disposal capacity over generation [1].
- :func:`management_tier`: 重点监管 ≥ 100 t, 简化管理 10–100 t, 登记管理 < 10 t a year at one
  site (HJ 1259-2022 [U]).
"""

from __future__ import annotations

import enum

from qingshan.waste.balance import ledger_rules

__all__ = [
    "Tier",
    "management_tier",
    "utilisation_disposal_rate",
    "county_coverage",
    "small_producer_coverage",
    "capacity_ratio",
    "is_small_producer",
]


class Tier(enum.StrEnum):
    """管理计划 tiers of HJ 1259-2022 [U] by annual generation at one site."""

    KEY = "key"  # 重点监管 ≥ 100 t/yr
    SIMPLIFIED = "simplified"  # 简化管理 10–100 t/yr
    REGISTERED = "registered"  # 登记管理 < 10 t/yr


def management_tier(annual_t: float) -> Tier:
    """The tier of a site generating ``annual_t`` [t/yr] (HJ 1259-2022 [U]; thresholds in
    ``ledger_rules.json``: ≥ 100 t 重点监管, ≥ 10 t 简化管理, below 登记管理)."""
    if annual_t < 0:
        raise ValueError(f"annual generation must be ≥ 0 t, got {annual_t}")
    rules = ledger_rules()
    if annual_t >= rules["tier_key_min_t"]:
        return Tier.KEY
    if annual_t >= rules["tier_simplified_min_t"]:
        return Tier.SIMPLIFIED
    return Tier.REGISTERED


def is_small_producer(annual_t: float) -> bool:
    """小微产废企业: annual generation below ``small_producer_max_t`` (10 t, the 登记管理 tier)."""
    return annual_t < ledger_rules()["small_producer_max_t"]


def _pct(num: float, den: float) -> float | None:
    return None if den <= 0 else 100.0 * num / den


def utilisation_disposal_rate(utilised_t: float, disposed_t: float, generated_t: float,
                              prior_stock_utilised_t: float = 0.0,
                              prior_stock_disposed_t: float = 0.0) -> float | None:  # fmt: skip
    """工业危险废物利用处置率 [%] (shared/reference/waste.md §7, the statistics formula).

    utilised_t : 综合利用量 of the period [t]
    disposed_t : 处置量 of the period [t]
    generated_t : 产生量 of the period [t]
    prior_stock_utilised_t, prior_stock_disposed_t : 往年贮存量 utilised / disposed in the
        period [t]
    Returns (utilised + disposed) / (generated + prior stocks) × 100, or None when the
    denominator is 0 (nothing generated, nothing in stock: no rate, never 100 %).
    """
    return _pct(utilised_t + disposed_t,
                generated_t + prior_stock_utilised_t + prior_stock_disposed_t)  # fmt: skip


def county_coverage(counties_with_point: int, counties: int) -> float | None:
    """Counties with a collection point among the region's counties [%] (None: no county)."""
    return _pct(counties_with_point, counties)


def small_producer_coverage(covered: int, small_producers: int) -> float | None:
    """Small producers served by a collection point among all small producers [%]."""
    return _pct(covered, small_producers)


def capacity_ratio(capacity_t_per_year: float, generated_t_per_year: float) -> float | None:
    """Licensed utilisation/disposal capacity over annual generation [1] (≥ 1: enough
    capacity in the region; None without generation)."""
    if generated_t_per_year <= 0:
        return None
    return capacity_t_per_year / generated_t_per_year
