"""Safe-use and strict-control measures and the safe-use rate of polluted farmland
(受污染耕地安全利用率) — pure.

The rate follows 《受污染耕地安全利用率核算方法（试行）》 (农业农村部办公厅 / 生态环境部办公厅,
2019) §1.1, formula (1):

    A = (B + C + D) / E × 100 %

- B: slightly polluted farmland under priority-protection measures (轻微污染且实施了优先保护类措施);
- C: light-to-moderately polluted farmland under safe-use or remediation measures (优化施肥、水分
  调节、低积累品种替代、土壤调理、撒施石灰、生物修复 …) *whose produce met the food standard*
  (实现农产品质量达标生产);
- D: heavily polluted farmland under strict-control measures (种植结构调整、特定农产品禁止生产区
  划分、退耕还林还草、休耕 …);
- E: all polluted farmland (the sum of the three).

[MC: the method's text as reprinted (shhzdrilling.com 2020-10-09) and the book118 copy's
opening; the official PDF was not reached.] Here a plot's GB 15618-2018 category stands for the
method's pollution classes once the 2017 detailed survey (详查) replaced the 2012 census, as the
method says it will: 安全利用类 → C's land, 严格管控类 → D's land, E = their area. B has no plots
of its own (a 优先保护类 plot is not polluted farmland) and is 0. A plot counts in C for a year
when a safe-use measure of that year is marked effective (produce met the standard), in D when a
strict-control measure of that year is in place; each counts at most its own area.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["MEASURES", "SAFE_USE_MEASURES", "STRICT_MEASURES", "PlotYear", "SafeUseRate",
           "safe_use_rate"]  # fmt: skip

#: safe-use / remediation measures (安全利用类或治理修复类措施) → (zh, en)
SAFE_USE_MEASURES: Mapping[str, tuple[str, str]] = {
    "fertilisation": ("优化施肥", "Optimised fertilisation"),
    "water_management": ("水分调节", "Water management"),
    "low_accumulation": ("低积累品种替代", "Low-accumulation varieties"),
    "soil_conditioner": ("土壤调理", "Soil conditioner"),
    "lime": ("撒施石灰", "Liming"),
    "bioremediation": ("生物修复", "Bioremediation"),
}
#: strict-control measures (严格管控类措施) → (zh, en)
STRICT_MEASURES: Mapping[str, tuple[str, str]] = {
    "crop_change": ("种植结构调整", "Crop structure change"),
    "no_production_zone": ("特定农产品禁止生产区划分", "Designated no-production zone"),
    "return_to_forest": ("退耕还林还草", "Return to forest or grassland"),
    "fallow": ("休耕", "Fallow"),
}
MEASURES: Mapping[str, tuple[str, str]] = {**SAFE_USE_MEASURES, **STRICT_MEASURES}


@dataclass(frozen=True)
class PlotYear:
    """A plot in a year: its category, area [m²] and that year's measures as (kind, area [m²],
    effective: True / False / None not yet evaluated)."""

    category: str | None
    area_m2: float
    measures: tuple[tuple[str, float, bool | None], ...] = ()


@dataclass(frozen=True)
class SafeUseRate:
    """Formula (1)'s terms [m²] and the rate [%] (None when there is no polluted farmland)."""

    b_m2: float
    c_m2: float
    d_m2: float
    e_m2: float
    rate: float | None


def safe_use_rate(plots: Iterable[PlotYear]) -> SafeUseRate:
    """A = (B + C + D) / E × 100 % over ``plots`` (受污染耕地安全利用率核算方法（试行）§1.1)."""
    c = d = e = 0.0
    for p in plots:
        if p.category == "safe_use":
            e += p.area_m2
            done = sum(a for k, a, ok in p.measures if k in SAFE_USE_MEASURES and ok is True)
            c += min(p.area_m2, done)
        elif p.category == "strict_control":
            e += p.area_m2
            done = sum(a for k, a, _ in p.measures if k in STRICT_MEASURES)
            d += min(p.area_m2, done)
    rate = None if e == 0 else round(100.0 * (c + d) / e, 1)
    return SafeUseRate(0.0, c, d, e, rate)
