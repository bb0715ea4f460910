"""The weight of an enterprise in a draw (信用+双随机): poor credit, key units (重点排污单位) and
an open risk (an overdue or relapsed case) are drawn more often. Pure; the factors are data (``data/draw_weights.json``).

Source: 国办发〔2015〕58号 (ratios raised for entities with complaints or serious violations)
[MC]; the factor values are the platform's defaults [U] (``shared/reference/enterprise.md`` §3).
The weight is the product of the factors that apply; the factors are stored with each candidate
in the draw's inputs file, so a published draw shows why an enterprise weighed what it did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from qingshan.enforcement.errors import BadRule

__all__ = ["DrawWeights", "draw_weights", "candidate_factors"]

WEIGHTS_FILE = Path(__file__).with_name("data") / "draw_weights.json"


@dataclass(frozen=True)
class DrawWeights:
    version: str
    source: str
    credit: Mapping[str, float]  # grade key → factor
    unrated: float
    key_unit: float
    risk: float


@cache
def draw_weights(path: Path = WEIGHTS_FILE) -> DrawWeights:
    """The factors of ``path`` (default ``data/draw_weights.json``), read once."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    values = dict(raw["credit"]) | {k: raw[k] for k in ("unrated", "key_unit", "risk")}
    for k, v in values.items():
        if not isinstance(v, int | float) or isinstance(v, bool) or not 0 < v <= 100:
            raise BadRule(str(path), k, f"a factor in (0, 100], got {v!r}")
    return DrawWeights(
        version=str(raw["version"]),
        source=str(raw["source"]),
        credit=MappingProxyType({str(k): float(v) for k, v in raw["credit"].items()}),
        unrated=float(raw["unrated"]),
        key_unit=float(raw["key_unit"]),
        risk=float(raw["risk"]),
    )


def candidate_factors(
    grade: str | None, key_unit: bool, risk: bool, weights: DrawWeights | None = None
) -> dict[str, float]:
    """The factors that apply to an enterprise (their product is its weight):
    ``credit:<grade>`` (or ``unrated``), ``key_unit``, ``risk``. Factors of 1 are left out."""
    w = weights or draw_weights()
    out: dict[str, float] = {}
    credit = w.unrated if grade is None else w.credit.get(grade, w.unrated)
    if credit != 1:
        out["unrated" if grade is None else f"credit:{grade}"] = credit
    if key_unit and w.key_unit != 1:
        out["key_unit"] = w.key_unit
    if risk and w.risk != 1:
        out["risk"] = w.risk
    return out


def weight_of(factors: Mapping[str, float]) -> float:
    """The product of ``factors`` (1 for none), rounded to 6 decimals."""
    product = 1.0
    for v in factors.values():
        product *= v
    return round(product, 6)
