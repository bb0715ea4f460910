"""Zhejiang's industrial carbon-efficiency code (碳效码): intensity, level and grade.

Method: 《规上工业企业碳效等级评价方法》 (Zhejiang/Huzhou, 2021). Intensity L = CO2 of the
period's energy use (zero-carbon electricity deducted) ÷ industrial value added [tCO2/10^4 yuan];
the absolute level (碳效水平) from L, the relative grade (碳效等级) from K = L ÷ the industry's
average L over the same period. Thresholds, colours and labels are data
(``data/carbon_code.json``), labelled "2021 method; verify against DB33/T 1347—2023" until the
current standard's values are confirmed.

Boundaries are inclusive on the upper side: K ≤ 0.6 → 1, 0.6 < K ≤ 0.8 → 2, 0.8 < K ≤ 1.2 → 3,
1.2 < K ≤ 2.0 → 4, K > 2.0 → 5; L ≤ 0.6 low, 0.6 < L ≤ 2.0 medium, L > 2.0 high.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "CarbonCode",
    "CodeRules",
    "carbon_code",
    "code_rules",
    "grade",
    "grade_array",
    "intensity",
    "intensity_array",
    "level",
    "level_array",
]


@dataclass(frozen=True)
class CodeRules:
    """The 碳效码 rules of one method (``data/carbon_code.json``)."""

    method: str
    k_thresholds: tuple[float, ...]  # upper bounds of grades 1..4
    l_thresholds: tuple[float, ...]  # upper bounds of low, medium
    levels: tuple[str, ...]  # "low", "medium", "high"
    colours: dict[int, str]
    source: str


@lru_cache(maxsize=1)
def code_rules() -> CodeRules:
    """The rules from the package data file (validated: increasing thresholds, 5 colours)."""
    text = (Path(__file__).parent / "data" / "carbon_code.json").read_text("utf-8")
    d: dict[str, Any] = json.loads(text)
    k = tuple(float(x) for x in d["k_thresholds"])
    lt = tuple(float(x) for x in d["l_thresholds"])
    colours = {int(g): str(c) for g, c in d["colours"].items()}
    if len(k) != 4 or list(k) != sorted(k) or len(lt) != 2 or list(lt) != sorted(lt):
        raise ValueError(
            "carbon_code.json: k_thresholds needs 4 and l_thresholds 2 increasing values"
        )
    if sorted(colours) != [1, 2, 3, 4, 5]:
        raise ValueError("carbon_code.json: colours needs grades 1..5")
    return CodeRules(str(d["method"]), k, lt, tuple(d["levels"]), colours, str(d["source"]))


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def intensity(tco2: float | None, value_added_10k_yuan: float | None) -> float | None:
    """Carbon intensity L [tCO2/10^4 yuan] = CO2 [tCO2] ÷ value added [10^4 yuan].

    None when either is missing or not finite, or value added <= 0 (no intensity is defined).
    """
    if not _finite(tco2) or not _finite(value_added_10k_yuan):
        return None
    assert tco2 is not None and value_added_10k_yuan is not None
    if value_added_10k_yuan <= 0:
        return None
    return tco2 / value_added_10k_yuan


def intensity_array(
    tco2: npt.ArrayLike, value_added_10k_yuan: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Vectorised :func:`intensity`: NaN where value added is missing, not finite or <= 0."""
    t = np.asarray(tco2, dtype=float)
    va = np.asarray(value_added_10k_yuan, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(
            np.isfinite(va) & (va > 0) & np.isfinite(t), t / np.where(va > 0, va, 1.0), np.nan
        )
    return np.asarray(out, dtype=float)


def grade(k: float) -> int:
    """碳效等级 1..5 from K = L ÷ industry-average L (2021 method; upper bounds inclusive)."""
    if not math.isfinite(k) or k < 0:
        raise ValueError(f"K must be a finite number >= 0 (got {k!r})")
    return int(grade_array(np.asarray([k]))[0])


def grade_array(k: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Vectorised :func:`grade`: 1..5 per element, 0 where K is NaN (no grade)."""
    arr = np.asarray(k, dtype=float)
    th = np.asarray(code_rules().k_thresholds)
    g = np.searchsorted(th, arr, side="left") + 1  # K == threshold stays in the lower grade
    return np.where(np.isnan(arr), 0, g).astype(np.int64)


def level(l: float) -> str:  # noqa: E741 - L is the method's symbol
    """碳效水平 "low" (L ≤ 0.6) | "medium" (≤ 2.0) | "high" [L in tCO2/10^4 yuan]."""
    if not math.isfinite(l) or l < 0:
        raise ValueError(f"L must be a finite number >= 0 (got {l!r})")
    return str(level_array(np.asarray([l]))[0])


def level_array(l: npt.ArrayLike) -> npt.NDArray[np.object_]:  # noqa: E741
    """Vectorised :func:`level`: None where L is NaN."""
    arr = np.asarray(l, dtype=float)
    rules = code_rules()
    idx = np.searchsorted(np.asarray(rules.l_thresholds), arr, side="left")
    names = np.asarray(rules.levels, dtype=object)[np.minimum(idx, len(rules.levels) - 1)]
    out: npt.NDArray[np.object_] = np.asarray(names, dtype=object)
    out[np.isnan(arr)] = None
    return out


@dataclass(frozen=True)
class CarbonCode:
    """An enterprise's 碳效码 for a period: grade 1..5 (None without an industry average or
    intensity), level, K, its intensity and the industry average [tCO2/10^4 yuan], the grade's
    colour and the method label."""

    grade: int | None
    level: str | None
    k: float | None
    intensity: float | None
    industry_avg: float | None
    colour: str | None
    method: str


def carbon_code(intensity: float | None, industry_avg: float | None) -> CarbonCode:
    """The 碳效码 from the enterprise's intensity L and its industry's average L (same period)."""
    rules = code_rules()
    if not _finite(intensity) or intensity is None or intensity < 0:
        return CarbonCode(None, None, None, None, industry_avg, None, rules.method)
    lv = level(intensity)
    if not _finite(industry_avg) or industry_avg is None or industry_avg <= 0:
        return CarbonCode(None, lv, None, intensity, industry_avg, None, rules.method)
    k = intensity / industry_avg
    g = grade(k)
    return CarbonCode(g, lv, k, intensity, industry_avg, rules.colours[g], rules.method)
