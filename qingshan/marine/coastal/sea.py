"""Pure core of the coastal area (近岸海域): checking a sea-water sample, the platform
parameter of each GB 3097-1997 indicator, the river-mouth sections' TN/TP targets (plan item
12.4, data/river_mouths.json) and the marine composite index (data/marine_index.json).

No session, no file but the package's own data, no clock.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from qingshan.marine.coastal.errors import MarineError
from qingshan.standards import seawater

__all__ = [
    "STREAM",
    "SAMPLE_PREFIX",
    "parameter_code",
    "check_sample",
    "RiverMouth",
    "river_mouths",
    "river_mouth_plan",
    "meets_targets",
    "index_config",
    "MarineIndex",
    "marine_index",
]

#: the observation stream of sea stations (HJ 212-2017 ST 26, :data:`SiteKind.SEA_STATION`)
STREAM = "sea"
#: platform parameter codes of the GB 3097-1997 indicators start so (HJ 212-2017's code table
#: has no sea-water entries, so each indicator is registered as a derived parameter)
SAMPLE_PREFIX = "idx-sw-"


def parameter_code(indicator: str) -> str:
    """The platform parameter code of a GB 3097-1997 indicator key (``DIN`` → ``idx-sw-din``,
    ``VolatilePhenol`` → ``idx-sw-volatenol``): at most 16 characters, the parameter table's
    width, so a name over 9 letters keeps its first 5 and last 4."""
    name = indicator.lower().replace("_", "")
    if len(name) > 9:
        name = name[:5] + name[-4:]
    return SAMPLE_PREFIX + name


@cache
def _check_codes() -> dict[str, str]:
    codes = {parameter_code(k): k for k in seawater.INDICATORS}
    if len(codes) != len(seawater.INDICATORS):  # pragma: no cover - a table change would show
        raise RuntimeError("two GB 3097-1997 indicators share a platform parameter code")
    return codes


def indicator_of(code: str) -> str | None:
    """The GB 3097-1997 indicator of a platform parameter code, or None."""
    return _check_codes().get(code)


def check_sample(values: Mapping[str, Any]) -> dict[str, float]:
    """A sea-water sample's values by GB 3097-1997 indicator, checked: every key an indicator
    of the standard's Table 1 (an unknown one is refused naming the close matches), every
    value a finite number ≥ 0 [mg/L; pH dimensionless, 0–14]; at least one value.

    Raises :class:`MarineError` naming the indicator and value; nothing is stored by the
    caller on an error."""
    if not values:
        raise MarineError("values: the sample has no value", field="values")
    out: dict[str, float] = {}
    known = list(seawater.INDICATORS)
    for key, raw in values.items():
        if key not in seawater.INDICATORS:
            close = difflib.get_close_matches(str(key), known, n=3, cutoff=0.5)
            hint = (
                f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
            )
            raise MarineError(f"values: {key!r} is not a GB 3097-1997 indicator{hint}",
                              field=f"values.{key}")  # fmt: skip
        if isinstance(raw, bool):
            raise MarineError(f"values.{key}: {raw!r} is not a number", field=f"values.{key}")
        try:
            v = float(raw)
        except (TypeError, ValueError):
            raise MarineError(f"values.{key}: {raw!r} is not a number",
                              field=f"values.{key}") from None  # fmt: skip
        if not math.isfinite(v):
            raise MarineError(
                f"values.{key}: {raw!r} is not a finite number", field=f"values.{key}"
            )
        if v < 0:
            raise MarineError(f"values.{key}: {v:g} is negative (a concentration or pH is ≥ 0)",
                              field=f"values.{key}")  # fmt: skip
        if key == "pH" and v > 14:
            raise MarineError(f"values.pH: {v:g} is outside 0–14", field="values.pH")
        out[key] = v
    return out


# --------------------------------------------------------------------------- river mouths
@dataclass(frozen=True)
class RiverMouth:
    """One of the 20 river-mouth (溪闸) sections of plan item 12.4 with its TN and TP control
    targets [mg/L] (``synthetic``: the targets are demo configuration, data tag U)."""

    code: str
    name: str
    river: str
    lon: float
    lat: float
    tn_target: float
    tp_target: float


@cache
def river_mouth_plan() -> dict[str, Any]:
    """data/river_mouths.json as read (plan item, wording, the targets' source and tag)."""
    text = (
        resources.files("qingshan.marine.coastal")
        .joinpath("data/river_mouths.json")
        .read_text("utf-8")
    )
    return dict(json.loads(text))


def river_mouths() -> tuple[RiverMouth, ...]:
    """The 20 sections of plan item 12.4, as data/river_mouths.json lists them."""
    return tuple(
        RiverMouth(s["code"], s["name"], s["river"], float(s["lon"]), float(s["lat"]),
                   float(s["tn"]), float(s["tp"]))
        for s in river_mouth_plan()["sections"]
    )  # fmt: skip


def meets_targets(
    tn: float | None, tp: float | None, tn_target: float, tp_target: float
) -> bool | None:
    """Whether a section's TN and TP [mg/L] are within (≤) their control targets; None when
    either value is missing (not assessed)."""
    if tn is None or tp is None:
        return None
    return tn <= tn_target and tp <= tp_target


# --------------------------------------------------------------------------- the index
@cache
def index_config() -> dict[str, Any]:
    """data/marine_index.json: the composite's name, note and component weights."""
    text = (
        resources.files("qingshan.marine.coastal")
        .joinpath("data/marine_index.json")
        .read_text("utf-8")
    )
    cfg = dict(json.loads(text))
    total = sum(float(c["weight"]) for c in cfg["components"].values())
    if not math.isclose(total, 1.0, abs_tol=1e-9):  # pragma: no cover - the data file's check
        raise RuntimeError(f"marine_index.json: weights sum to {total}, not 1")
    return cfg


@dataclass(frozen=True)
class MarineIndex:
    """The composite (0–100) and the parts it was computed from: component → (value 0–100 or
    None, weight as configured, weight used after re-normalising over the present parts)."""

    value: float | None
    parts: Mapping[str, tuple[float | None, float, float]]
    name_zh: str
    name_en: str


def marine_index(components: Mapping[str, float | None]) -> MarineIndex:
    """The marine composite index: the weighted mean of the components present (each 0–100,
    weights from data/marine_index.json, re-normalised over those present), none while a
    ``required`` component (the sea water's own quality) is missing — a region without sea
    stations has no marine index, whatever its river mouths or outfalls. The published
    composition of Zhejiang's 蓝海指数 was not found, so this is labelled 自定义综合指数.

    Raises :class:`MarineError` on an unknown component or a value outside 0–100."""
    cfg = index_config()
    weights = {k: float(c["weight"]) for k, c in cfg["components"].items()}
    for k, v in components.items():
        if k not in weights:
            raise MarineError(f"components: {k!r} is not a component ({', '.join(weights)})",
                              field=f"components.{k}")  # fmt: skip
        if v is not None and not (0.0 <= v <= 100.0):
            raise MarineError(f"components.{k}: {v:g} is outside 0–100", field=f"components.{k}")
    present = {k: w for k, w in weights.items() if components.get(k) is not None}
    total = sum(present.values())
    parts = {k: (components.get(k), w, (present.get(k, 0.0) / total) if total else 0.0)
             for k, w in weights.items()}  # fmt: skip
    value = None
    if total and all(components.get(k) is not None for k in cfg.get("required", ())):
        value = sum(float(components[k] or 0.0) * w for k, w in present.items()) / total
    return MarineIndex(value, parts, cfg["name_zh"], cfg["name_en"])
