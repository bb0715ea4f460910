"""The 11 prefecture-level cities of Zhejiang as the demo places things in them.

Codes are GB/T 2260 administrative codes (the same as :mod:`qingshan.geo.regions`); ``lon`` /
``lat`` [degrees, WGS-84] are the urban centres (approximate, from public maps) and ``spread``
[degrees] is the radius within which synthetic sites are scattered around them. ``weight`` is a
rough share of the province's industry (used to distribute enterprises): Hangzhou, Ningbo,
Shaoxing and Jiaxing carry most of the dyeing, chemical and paper plants.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class City:
    code: str
    name: str
    name_en: str
    lon: float
    lat: float
    spread: float
    weight: float


_ROWS = (
    City("330100", "杭州", "Hangzhou", 120.16, 30.27, 0.35, 0.15),
    City("330200", "宁波", "Ningbo", 121.55, 29.87, 0.30, 0.14),
    City("330300", "温州", "Wenzhou", 120.70, 28.00, 0.30, 0.10),
    City("330400", "嘉兴", "Jiaxing", 120.75, 30.75, 0.20, 0.11),
    City("330500", "湖州", "Huzhou", 120.09, 30.87, 0.22, 0.08),
    City("330600", "绍兴", "Shaoxing", 120.58, 30.00, 0.28, 0.14),
    City("330700", "金华", "Jinhua", 119.65, 29.08, 0.30, 0.08),
    City("330800", "衢州", "Quzhou", 118.87, 28.94, 0.25, 0.06),
    City("330900", "舟山", "Zhoushan", 122.21, 29.99, 0.08, 0.02),
    City("331000", "台州", "Taizhou", 121.42, 28.66, 0.28, 0.08),
    City("331100", "丽水", "Lishui", 119.92, 28.45, 0.30, 0.04),
)

CITIES: MappingProxyType[str, City] = MappingProxyType({c.code: c for c in _ROWS})
"""City code → :class:`City`."""

CITY_BY_NAME: MappingProxyType[str, City] = MappingProxyType({c.name: c for c in _ROWS})
"""Short Chinese city name (as CNEMC files write it, e.g. ``"杭州"``) → :class:`City`."""


def city_by_name(name: str) -> City:
    """Look a city up by its short Chinese name; an unknown name lists the valid ones."""
    try:
        return CITY_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown city {name!r}; valid: {', '.join(CITY_BY_NAME)}") from None
