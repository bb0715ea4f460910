"""Pure core of the sea-outfall register (入海排污口, issue #25): the outfall types, the
remediation stages and their one-way order, checking a new outfall (responsible party
required), the limit table an outfall's sample falls back to (data/outfall_limits.json) and
judging a sample against limits.

The stages follow the 入河入海排污口排查整治 sequence — 排查 (survey) → 监测 (monitoring) → 溯源
(tracing) → 整治 (remediation) → 销号 (closed) — as the plan's item 12 names them; an outfall
moves one stage forward at a time, never back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from qingshan.marine.coastal.errors import MarineError

__all__ = [
    "KINDS",
    "KIND_NAMES",
    "STAGES",
    "STAGE_NAMES",
    "PARAMETERS",
    "OutfallInput",
    "check_outfall",
    "next_stage",
    "check_step",
    "fallback_limits",
    "check_outfall_values",
    "Exceedance",
    "judge",
]

#: outfall types (工业排污口 / 城镇污水处理厂排污口 / 农业排口 / 其他)
KINDS = ("industrial", "sewage_plant", "agricultural", "other")
KIND_NAMES: Mapping[str, tuple[str, str]] = {
    "industrial": ("工业排污口", "Industrial outfall"),
    "sewage_plant": ("城镇污水处理厂排污口", "Municipal sewage plant outfall"),
    "agricultural": ("农业排口", "Agricultural outfall"),
    "other": ("其他排口", "Other outfall"),
}
STAGES = ("survey", "monitoring", "tracing", "remediation", "closed")
STAGE_NAMES: Mapping[str, tuple[str, str]] = {
    "survey": ("排查", "Survey"),
    "monitoring": ("监测", "Monitoring"),
    "tracing": ("溯源", "Tracing"),
    "remediation": ("整治", "Remediation"),
    "closed": ("销号", "Closed"),
}
#: what an outfall sample may carry: HJ 212-2017 Appendix B codes → (中文, symbol)
PARAMETERS: Mapping[str, tuple[str, str]] = {
    "w01018": ("化学需氧量", "COD"),
    "w21003": ("氨氮", "NH3-N"),
    "w21001": ("总氮", "TN"),
    "w21011": ("总磷", "TP"),
}
#: Zhejiang's extent with its sea [degrees]: an outfall outside is a typing error
_LON, _LAT = (118.0, 123.5), (27.0, 31.5)


@dataclass(frozen=True)
class OutfallInput:
    """A new outfall as typed or imported. The responsible party is REQUIRED: an archive
    enterprise (``responsible_enterprise_id``) or a sewage plant by name (``responsible_plant``);
    ``connected_enterprise_ids``: archive enterprises discharging through it (纳管 to the plant,
    or found upstream)."""

    code: str
    name: str
    kind: str
    lon: float
    lat: float
    sea_area: str
    responsible_enterprise_id: int | None = None
    responsible_plant: str = ""
    connected_enterprise_ids: tuple[int, ...] = field(default_factory=tuple)
    note: str = ""


def check_outfall(inp: OutfallInput) -> OutfallInput:
    """The input cleaned, or :class:`MarineError` naming the first wrong field."""
    code = inp.code.strip()
    if not code or len(code) > 28:
        raise MarineError(f"code: {inp.code!r} must be 1–28 characters", field="code")
    if not inp.name.strip():
        raise MarineError("name: missing", field="name")
    if inp.kind not in KINDS:
        raise MarineError(f"kind: {inp.kind!r} is not one of {', '.join(KINDS)}", field="kind")
    for name, v, (lo, hi) in (("lon", inp.lon, _LON), ("lat", inp.lat, _LAT)):
        if not (isinstance(v, int | float) and math.isfinite(v) and lo <= v <= hi):
            raise MarineError(f"{name}: {v!r} is outside Zhejiang ({lo}–{hi})", field=name)
    if not inp.sea_area.strip():
        raise MarineError("sea_area: missing (the receiving sea area)", field="sea_area")
    plant = inp.responsible_plant.strip()
    if inp.responsible_enterprise_id is None and not plant:
        raise MarineError("responsible: an outfall needs a responsible party — an archive enterprise "
                          "(responsible_enterprise_id) or a sewage plant (responsible_plant)",
                          field="responsible_enterprise_id")  # fmt: skip
    if inp.kind == "sewage_plant" and not plant:
        raise MarineError("responsible_plant: a sewage-plant outfall names its plant",
                          field="responsible_plant")  # fmt: skip
    return OutfallInput(code, inp.name.strip(), inp.kind, float(inp.lon), float(inp.lat),
                        inp.sea_area.strip(), inp.responsible_enterprise_id, plant,
                        tuple(dict.fromkeys(inp.connected_enterprise_ids)), inp.note.strip())  # fmt: skip


def next_stage(stage: str) -> str | None:
    """The stage after ``stage`` (None after 销号)."""
    i = STAGES.index(stage)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


def check_step(current: str, wanted: str) -> None:
    """An outfall moves one stage forward at a time: :class:`MarineError` naming both stages
    otherwise."""
    if wanted not in STAGES:
        raise MarineError(f"stage: {wanted!r} is not one of {', '.join(STAGES)}", field="stage")
    if wanted != next_stage(current):
        allowed = next_stage(current) or "none (closed)"
        raise MarineError(
            f"stage: cannot go from {current} to {wanted}; next is {allowed}", field="stage"
        )


@cache
def _limit_data() -> dict[str, Any]:
    text = (
        resources.files("qingshan.marine.outfalls")
        .joinpath("data/outfall_limits.json")
        .read_text("utf-8")
    )
    return dict(json.loads(text))


def fallback_limits(kind: str) -> tuple[dict[str, float], str, str]:
    """(parameter code → limit [mg/L], standard, confidence) of the limit table for an outfall
    of ``kind`` (GB 18918-2002 Table 1 一级A for sewage plants, GB 8978-1996 Table 4 一级
    otherwise; data/outfall_limits.json, tagged MC)."""
    row = _limit_data()["by_kind"][kind]
    return (
        {k: float(v) for k, v in row["limits"].items()},
        str(row["standard"]),
        str(row["confidence"]),
    )


def check_outfall_values(values: Mapping[str, Any]) -> dict[str, float]:
    """An outfall sample's values by HJ 212-2017 code (COD w01018, NH3-N w21003, TN w21001, TP
    w21011), each a finite number ≥ 0 [mg/L]; :class:`MarineError` naming the bad one."""
    if not values:
        raise MarineError("values: the sample has no value", field="values")
    out = {}
    for k, raw in values.items():
        if k not in PARAMETERS:
            raise MarineError(f"values: {k!r} is not an outfall parameter ({', '.join(PARAMETERS)})",
                              field=f"values.{k}")  # fmt: skip
        try:
            v = float(raw)
        except (TypeError, ValueError):
            raise MarineError(f"values.{k}: {raw!r} is not a number", field=f"values.{k}") from None
        if isinstance(raw, bool) or not math.isfinite(v) or v < 0:
            raise MarineError(f"values.{k}: {raw!r} must be a number ≥ 0", field=f"values.{k}")
        out[k] = v
    return out


@dataclass(frozen=True)
class Exceedance:
    """A value above its limit: parameter, value and limit [mg/L], multiple ((v − L) / L)."""

    parameter: str
    value: float
    limit: float
    standard: str

    @property
    def multiple(self) -> float:
        return (self.value - self.limit) / self.limit if self.limit else math.inf


def judge(values: Mapping[str, float], limits: Mapping[str, tuple[float, str]]) -> list[Exceedance]:
    """The values above (>) their limit (parameter → (limit, standard)); a value equal to its
    limit meets it (the standards' limits are maxima, "≤")."""
    return [Exceedance(k, v, limits[k][0], limits[k][1])
            for k, v in values.items() if k in limits and v > limits[k][0]]  # fmt: skip
