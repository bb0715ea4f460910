"""The change of a county's EI between two periods (pure): the class HJ 192-2015 names for it
(无明显变化, 略微变化, 明显变化, 显著变化 …, each 变好 or 变差), through
:func:`qingshan.standards.ecological_status.ei_change` — the edges are the standard's, this
module only gives each class a key and an order for the map's legend."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from qingshan.standards import ecological_status as hj192

__all__ = ["Change", "change_between", "change_name", "change_order", "grade_name"]

_NO_DIRECTION = ("", "none", "stable", "unchanged", "no_change", "flat")


@dataclass(frozen=True)
class Change:
    """ΔEI = after − before [EI points], the standard's magnitude and direction, and ``key``:
    ``<magnitude>_<direction>`` (the magnitude alone when it has no direction)."""

    delta: float
    magnitude: str
    direction: str
    key: str

    def as_dict(self) -> dict[str, Any]:
        return {"delta": round(self.delta, 2), "magnitude": self.magnitude,
                "direction": self.direction, "key": self.key}  # fmt: skip


def change_between(before: float, after: float) -> Change:
    """The change class from EI ``before`` to EI ``after`` (HJ 192-2015 §5.3, its table of
    ΔEI classes, through the standards module)."""
    c = hj192.ei_change(float(before), float(after))
    direction = "" if c.direction is None else str(c.direction)
    magnitude = str(c.magnitude)
    key = magnitude if direction.lower() in _NO_DIRECTION else f"{magnitude}_{direction}"
    return Change(float(c.delta), magnitude, direction, key)


@cache
def change_order() -> tuple[tuple[str, int], ...]:
    """Every change class as (key, sign), from the largest fall of EI to the largest rise —
    found by asking the standard for ΔEI from −30 to +30 in steps of 0.05, so the legend
    follows the standard's own edges. ``sign`` is −1 (变差), 0 (no marked change) or +1."""
    out: dict[str, int] = {}
    for i in range(-600, 601):
        d = i / 20
        c = change_between(50.0, 50.0 + d)
        if c.key not in out:
            out[c.key] = 0 if c.direction.lower() in _NO_DIRECTION else (1 if d > 0 else -1)
    return tuple(out.items())


def change_name(key: str, lang: str = "zh") -> str:
    """A change class's name as published (略微变好, 无明显变化 …) or in English."""
    magnitude, _, direction = key.partition("_better")
    if not _:
        magnitude, _, direction = key.partition("_worse")
        direction = "worse" if _ else ""
    else:
        direction = "better"
    zh, en = hj192.CHANGE_NAMES.get(magnitude, (key, key))
    if not direction:
        return zh if lang == "zh" else en
    dzh, den = hj192.DIRECTIONS[direction]
    return zh.replace("变化", dzh) if lang == "zh" else f"{en}, {den}"


def grade_name(grade: str, lang: str = "zh") -> str:
    """A grade's name: 优, 良, 一般, 较差, 差 (HJ 192-2015 §5.3.1) or in English."""
    zh, en = hj192.GRADE_NAMES.get(grade, (grade, grade))
    return zh if lang == "zh" else en
