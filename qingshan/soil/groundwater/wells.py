"""Groundwater monitoring wells and their samples — pure rules (no session, no clock).

A well (地下水监测井) is a monitoring site of kind ``groundwater_well``; its facts live in the
site's ``attrs``: the aquifer it screens (:data:`AQUIFERS`), its depth [m] and its network
(:data:`WELL_TYPES`: 国家地下水环境质量考核点位 国考, 省控, 区域 and 污染源监控井, the networks of
the 《地下水污染防治实施方案》 (环土壤〔2019〕25号) and HJ 164-2020 §4 (地下水环境监测点布设)).

A sample is a set of indicator values of GB/T 14848-2017 (keys of
:data:`qingshan.standards.groundwater.INDICATORS`, each in the standard's unit); its class is the
worst single-indicator class (GB/T 14848-2017 §8.2, single-factor evaluation, as
:func:`qingshan.standards.groundwater.classify_groundwater` does). A well's class in a period is
the class of its newest sample in it; its class for a year is the worst of that year's samples
(a well's yearly class in the national assessment is from its samples of the year; we take the
worst, the conservative reading, and say so on the page).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from qingshan.soil.groundwater.errors import GroundwaterError
from qingshan.standards import groundwater as gbt14848
from qingshan.standards.pollutant_codes import COMMON_NAMES

__all__ = [
    "AQUIFERS",
    "CLASSES",
    "WELL_TYPES",
    "SampleResult",
    "WellInput",
    "check_sample",
    "check_well",
    "indicator_unit",
    "parameter_code",
    "worst_class",
]

CLASSES: tuple[str, ...] = tuple(gbt14848.CLASSES)

#: networks of monitoring wells → (zh, en)
WELL_TYPES: Mapping[str, tuple[str, str]] = {
    "national": ("国考", "National assessment"),
    "provincial": ("省控", "Provincial"),
    "regional": ("区域", "Regional"),
    "pollution_source": ("污染源监控", "Pollution-source monitoring"),
}

#: aquifer types (HJ 164-2020 §3: 潜水, 承压水; karst and fissure water as Zhejiang's hills have)
AQUIFERS: Mapping[str, tuple[str, str]] = {
    "phreatic": ("潜水", "Unconfined (phreatic)"),
    "confined": ("承压水", "Confined"),
    "fissure": ("基岩裂隙水", "Bedrock fissure"),
    "karst": ("岩溶水", "Karst"),
}

#: the platform's parameter codes of indicators HJ 212-2017 has no code for: ``idx-gw-<item>``
#: with the item number of GB/T 14848-2017 Tables 1–2 (1–93; registered with
#: ``ensure_derived_parameter``, a parameter code being at most 16 characters)
DERIVED_PREFIX = "idx-gw-"


def indicator_unit(key: str) -> str:
    """The unit of an indicator's values: GB/T 14848-2017 Tables 1 and 2, the row's unit."""
    return str(gbt14848.INDICATORS[key].unit)


def parameter_code(key: str) -> str:
    """The parameter code of a series of indicator ``key``: its HJ 212-2017 code (Appendix B)
    where the water table has one for the same substance, else ``idx-gw-<item>`` (the row's
    item number in GB/T 14848-2017 Tables 1–2)."""
    code = COMMON_NAMES.get(key.upper())
    if code is not None and code.startswith("w"):
        return code
    return f"{DERIVED_PREFIX}{gbt14848.INDICATORS[key].item}"


@dataclass(frozen=True)
class WellInput:
    """A well as entered (API, page or demo)."""

    code: str
    name: str
    region_code: str
    lon: float
    lat: float
    well_type: str
    aquifer: str
    depth_m: float
    enterprise_id: int | None = None


def check_well(w: WellInput) -> WellInput:
    """``w`` unchanged, or an error naming the first bad field."""
    if not w.code or len(w.code) > 32:
        raise GroundwaterError(f"code: must be 1–32 characters, got {w.code!r}", field="code")
    if not w.name or len(w.name) > 128:
        raise GroundwaterError(f"name: must be 1–128 characters, got {w.name!r}", field="name")
    if not (len(w.region_code) == 6 and w.region_code.isdigit()):
        raise GroundwaterError(f"region_code: must be 6 digits, got {w.region_code!r}",
                               field="region_code")  # fmt: skip
    if not (_finite(w.lon) and _finite(w.lat) and 117 <= w.lon <= 124 and 26 <= w.lat <= 32):
        raise GroundwaterError(f"lon/lat: ({w.lon}, {w.lat}) is not in Zhejiang", field="lon")
    if w.well_type not in WELL_TYPES:
        raise GroundwaterError(
            f"well_type: unknown {w.well_type!r}; known: {', '.join(WELL_TYPES)}",
            field="well_type",
        )
    if w.aquifer not in AQUIFERS:
        raise GroundwaterError(f"aquifer: unknown {w.aquifer!r}; known: {', '.join(AQUIFERS)}",
                               field="aquifer")  # fmt: skip
    if not (_finite(w.depth_m) and 0 < w.depth_m <= 2000):
        raise GroundwaterError(f"depth_m: must be a depth in (0, 2000] m, got {w.depth_m!r}",
                               field="depth_m")  # fmt: skip
    return w


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


@dataclass(frozen=True)
class SampleResult:
    """A checked sample: its values and its GB/T 14848-2017 class."""

    sampled_on: date
    values: Mapping[str, float]
    klass: str
    by_indicator: Mapping[str, str]
    deciding: tuple[str, ...]


def check_sample(sampled_on: date | None, values: Mapping[str, object], *,
                 today: date) -> SampleResult:  # fmt: skip
    """The sample's values checked and classed, or the list of everything wrong in it as a
    :class:`GroundwaterError` (an unknown indicator named with the known ones, a value that is
    not a finite non-negative number — pH 0–14 —, no date or a date after ``today``, no value)."""
    problems: list[str] = []
    if sampled_on is None:
        problems.append("sampled_on: a sample needs its date")
    elif sampled_on > today:
        problems.append(f"sampled_on: {sampled_on} is after today ({today})")
    clean: dict[str, float] = {}
    for key, v in values.items():
        if key not in gbt14848.INDICATORS:
            problems.append(f"indicator {key!r}: not a GB/T 14848-2017 indicator{_near(key)}")
            continue
        if not _finite(v):
            problems.append(f"{key}: value must be a number, got {v!r}")
            continue
        x = float(v)  # type: ignore[arg-type]
        if key == "pH" and not 0 <= x <= 14:
            problems.append(f"pH: {x} is outside 0–14")
        elif key != "pH" and x < 0:
            problems.append(f"{key}: {x} is negative")
        else:
            clean[key] = x
    if not values:
        problems.append("values: a sample needs at least one indicator value")
    if problems:
        raise GroundwaterError("; ".join(problems), field="values", problems=problems)
    res = gbt14848.classify_groundwater(clean)
    assert sampled_on is not None
    return SampleResult(sampled_on, clean, str(res.klass), dict(res.by_indicator),
                        tuple(res.deciding))  # fmt: skip


def _near(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(gbt14848.INDICATORS), n=3, cutoff=0.6)
    lower = [k for k in gbt14848.INDICATORS if k.lower() == key.lower()]
    hints = lower or close
    return f" (did you mean {', '.join(hints)}?)" if hints else ""


def worst_class(classes: list[str]) -> str | None:
    """The worst of GB/T 14848-2017 classes (I best … V worst); None for none."""
    known = [c for c in classes if c in CLASSES]
    return max(known, key=CLASSES.index) if known else None
