"""Resident population of Zhejiang's cities, for spreading the demo's public complaints.

Source: 浙江省统计局、浙江省第七次全国人口普查领导小组办公室，《浙江省第七次人口普查主要数据公报
（第二号）——地区人口情况》(2021-05): resident population (常住人口) of each city on 1 November
2020, province total 64,567,588. [U]: transcribed from the bulletin's table as published in the
press; the figures sum to the province total. County figures are not transcribed: the demo
spreads a city's complaints evenly over its county-level divisions.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["POPULATION_2020", "PROVINCE_POPULATION_2020"]

POPULATION_2020: MappingProxyType[str, int] = MappingProxyType(
    {
        "330100": 11_936_010,  # 杭州
        "330200": 9_404_283,  # 宁波
        "330300": 9_572_903,  # 温州
        "330400": 5_400_868,  # 嘉兴
        "330500": 3_367_579,  # 湖州
        "330600": 5_270_977,  # 绍兴
        "330700": 7_050_683,  # 金华
        "330800": 2_276_184,  # 衢州
        "330900": 1_157_817,  # 舟山
        "331000": 6_622_888,  # 台州
        "331100": 2_507_396,  # 丽水
    }
)
"""City code → resident population on 2020-11-01 (7th national census) [persons]."""

PROVINCE_POPULATION_2020 = 64_567_588
"""Zhejiang's resident population on 2020-11-01 [persons] (the same bulletin)."""
