"""Farmland plots and their soil samples — pure rules (no session, no clock).

A plot (农用地地块) has a county, a point (its centre) and optionally its boundary (a GeoJSON
Polygon/MultiPolygon in CGCS2000 lon/lat), its area [m²] — 亩 derived, 1 亩 = 10 000/15 m²
(≈ 666.67 m², 《中华人民共和国法定计量单位》 use of 亩 as 1/15 公顷) — and its land use as
GB 15618-2018 Table 1 heads it (:data:`LAND_USES`: 水田 paddy, 其他 other, and the table's 果园
and 水旱轮作 rows).

A sample carries its date, depth (top and bottom [cm]: GB 15618-2018 applies to the surface
soil, HJ/T 166-2004 §6.2 samples farmland at 0–20 cm), its unit (mg/kg, or µg/kg converted),
its pH (required: GB 15618-2018 Table 1 screening values depend on it; 0–14) and item values
(GB 15618-2018 keys: Cd, Hg, As, Pb, Cr, Cu, Ni, Zn, hch, ddt, benzo_a_pyrene). Its category is
:func:`qingshan.standards.soil_farmland.farmland_category` (优先保护 / 安全利用 / 严格管控, GB
15618-2018 §5 and 环办土壤函〔2019〕53号).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qingshan.soil.farmland.errors import FarmlandError
from qingshan.standards import soil_farmland as gb15618

__all__ = [
    "CATEGORIES",
    "LAND_USES",
    "M2_PER_MU",
    "PlotInput",
    "SampleInput",
    "SampleResult",
    "check_plot",
    "check_sample",
    "mu_of",
]

CATEGORIES: tuple[str, ...] = tuple(gb15618.CATEGORIES)
LAND_USES: tuple[str, ...] = tuple(gb15618.LAND_USES)
#: 1 亩 = 1/15 公顷 = 10 000/15 m²
M2_PER_MU = 10_000 / 15
#: units a sample may be reported in → factor to mg/kg (GB 15618-2018 Tables 1–3 are mg/kg)
UNITS: Mapping[str, float] = {"mg/kg": 1.0, "µg/kg": 1e-3, "μg/kg": 1e-3, "ug/kg": 1e-3}


def mu_of(area_m2: float) -> float:
    """Area in 亩 of ``area_m2`` [m²]."""
    return area_m2 / M2_PER_MU


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


@dataclass(frozen=True)
class PlotInput:
    code: str
    name: str
    region_code: str
    land_use: str
    lon: float
    lat: float
    area_m2: float | None = None
    area_mu: float | None = None
    boundary: Mapping[str, Any] | None = None


def check_plot(p: PlotInput) -> tuple[PlotInput, float]:
    """``p`` and its area [m²] (from ``area_m2``, else ``area_mu``), or an error naming the
    first bad field."""
    if not p.code or len(p.code) > 32:
        raise FarmlandError(f"code: must be 1–32 characters, got {p.code!r}", field="code")
    if not p.name or len(p.name) > 128:
        raise FarmlandError(f"name: must be 1–128 characters, got {p.name!r}", field="name")
    if not (len(p.region_code) == 6 and p.region_code.isdigit()):
        raise FarmlandError(f"region_code: must be 6 digits, got {p.region_code!r}",
                            field="region_code")  # fmt: skip
    if p.land_use not in LAND_USES:
        raise FarmlandError(
            f"land_use: unknown {p.land_use!r}; GB 15618-2018 Table 1 has "
            + ", ".join(f"{k} ({gb15618.LAND_USE_NAMES[k][0]})" for k in LAND_USES),
            field="land_use",
        )
    if not (_finite(p.lon) and _finite(p.lat) and 117 <= p.lon <= 124 and 26 <= p.lat <= 32):
        raise FarmlandError(f"lon/lat: ({p.lon}, {p.lat}) is not in Zhejiang", field="lon")
    if p.area_m2 is not None:
        area = p.area_m2
    elif p.area_mu is not None:
        area = p.area_mu * M2_PER_MU if _finite(p.area_mu) else float("nan")
    else:
        raise FarmlandError("area: give area_m2 [m²] or area_mu [亩]", field="area_m2")
    if not (_finite(area) and area > 0):
        raise FarmlandError(f"area: must be a positive area, got {p.area_m2 or p.area_mu!r}",
                            field="area_m2")  # fmt: skip
    if p.boundary is not None and p.boundary.get("type") not in ("Polygon", "MultiPolygon"):
        raise FarmlandError(
            f"boundary: must be a GeoJSON Polygon or MultiPolygon, got {p.boundary.get('type')!r}",
            field="boundary",
        )
    return p, float(area)


@dataclass(frozen=True)
class SampleInput:
    plot_code: str
    sampled_on: date | None
    depth_top_cm: float | None
    depth_bottom_cm: float | None
    unit: str | None
    ph: float | None
    values: Mapping[str, object]


@dataclass(frozen=True)
class SampleResult:
    sampled_on: date
    depth_top_cm: float
    depth_bottom_cm: float
    unit: str
    ph: float
    values: Mapping[str, float]  # [mg/kg]
    category: str
    deciding: tuple[str, ...]
    monitor: tuple[str, ...]


def check_sample(s: SampleInput, land_use: str, *, today: date) -> SampleResult:
    """The sample checked and categorised, or a :class:`FarmlandError` listing everything wrong:
    no date or a future one, no depth (or top ≥ bottom, or outside 0–500 cm), no unit or an
    unknown one, no pH or one outside 0–14, an unknown item, a value not a non-negative
    number, no value."""
    problems: list[str] = []
    if s.sampled_on is None:
        problems.append("sampled_on: a sample needs its date")
    elif s.sampled_on > today:
        problems.append(f"sampled_on: {s.sampled_on} is after today ({today})")
    top, bottom = s.depth_top_cm, s.depth_bottom_cm
    if top is None or bottom is None:
        problems.append("depth: a sample needs its depth (top and bottom, cm; e.g. 0–20)")
    elif not (_finite(top) and _finite(bottom) and 0 <= top < bottom <= 500):
        problems.append(f"depth: {top}–{bottom} cm is not a depth range within 0–500 cm")
    unit = (s.unit or "").strip()
    if not unit:
        problems.append("unit: a sample needs the unit of its values (mg/kg)")
    elif unit not in UNITS:
        problems.append(f"unit: {unit!r} is not a soil content unit; use one of {', '.join(UNITS)}")
    if s.ph is None:
        problems.append("pH: required (GB 15618-2018 screening values depend on it)")
    elif not (_finite(s.ph) and 0 <= s.ph <= 14):
        problems.append(f"pH: {s.ph} is outside 0–14")
    factor = UNITS.get(unit, 1.0)
    clean: dict[str, float] = {}
    for key, v in s.values.items():
        if key not in gb15618.ITEMS:
            problems.append(
                f"item {key!r}: not a GB 15618-2018 item; known: {', '.join(gb15618.ITEMS)}"
            )
        elif not _finite(v) or float(v) < 0:  # type: ignore[arg-type]
            problems.append(f"{key}: value must be a non-negative number, got {v!r}")
        else:
            clean[key] = float(v) * factor  # type: ignore[arg-type]
    if not s.values:
        problems.append("values: a sample needs at least one item value")
    if problems:
        raise FarmlandError("; ".join(problems), field="sample", problems=problems)
    assert s.sampled_on is not None and top is not None and bottom is not None and s.ph is not None
    cat = gb15618.farmland_category(clean, s.ph, land_use)
    return SampleResult(s.sampled_on, float(top), float(bottom), unit, float(s.ph), clean,
                        cat.category, tuple(cat.deciding), tuple(cat.monitor))  # fmt: skip
