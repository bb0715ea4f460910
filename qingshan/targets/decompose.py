"""Decomposition of a province target to the 11 cities (pure). The rule (``docs/targets.md``,
"Decomposition"):

- split ``sum`` (a count or amount the province adds up, e.g. 44 parks): the plan file's
  ``shares`` when it gives them (they must add up to the value); otherwise equal parts, whole
  numbers when the value is whole, by the largest-remainder method (the first cities in code
  order take the remainders): 158 sections → 4 cities of 15 and 7 of 14;
- split ``each`` (a rate every city must reach, e.g. 92%): every city owes the value itself;
- split ``province`` (e.g. ≥ 10 technology projects): not split; the lead department reports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

__all__ = ["city_shares", "equal_shares"]


def equal_shares(value: float, cities: Sequence[str]) -> dict[str, float]:
    """``value`` in equal parts over ``cities``; whole parts (largest remainder) for a whole
    ``value``, else parts rounded to 0.01."""
    n = len(cities)
    if n == 0:
        return {}
    if float(value).is_integer():
        base = math.floor(value / n)
        rest = int(value - base * n)
        return {c: float(base + (1 if i < rest else 0)) for i, c in enumerate(cities)}
    return {c: round(value / n, 2) for c in cities}


def city_shares(
    split: str, value: float, cities: Sequence[str], shares: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Each city's share of a target split by ``split`` (module rule)."""
    if split == "province":
        return {}
    if split == "each":
        return {c: float(value) for c in cities}
    if split == "sum":
        if shares is not None:
            return {c: float(shares[c]) for c in cities}
        return equal_shares(value, cities)
    raise ValueError(f"unknown split {split!r}; valid: sum, each, province")
