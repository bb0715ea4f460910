"""Cells of an imported vehicles table (pure): a date-and-time, and the measured values each
checked against its range. One reading for every vehicles import (I/M tests, remote-sensing
readings, OBD samples), so a cell means the same and is refused in the same words in each."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from qingshan.tablefile import cell_text, is_blank, parse_number

__all__ = ["parse_time", "read_ranged"]


def parse_time(value: Any) -> pd.Timestamp:
    """A date-and-time cell as UTC (a naive one is China Standard Time); ValueError naming it."""
    try:
        ts = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError):
        raise ValueError(
            f"{cell_text(value)!r} is not a date and time (2026-03-01 08:30:00)"
        ) from None
    if ts is pd.NaT:
        raise ValueError("missing")
    return (
        ts.tz_localize("Asia/Shanghai").tz_convert("UTC")
        if ts.tzinfo is None
        else ts.tz_convert("UTC")
    )


def read_ranged(
    rec: Mapping[str, Any], ranges: Mapping[str, tuple[float, float]], n: int,
    row: dict[str, Any], bad: list[str], *, range_name: str, required: Collection[str] = (),
) -> None:  # fmt: skip
    """Each column of ``ranges`` read from ``rec`` into ``row`` (a blank cell is NaN, or
    "missing" when the column is ``required``); a value that is not a number or lies outside
    its ``(low, high)`` adds a problem to ``bad`` naming row ``n``, the column and the
    ``range_name`` ("the instrument's range", "the measuring range" …)."""
    for col, (lo, hi) in ranges.items():
        value = rec.get(col)
        if is_blank(value):
            if col in required:
                bad.append(f"row {n}: {col}: missing")
            row[col] = np.nan
            continue
        try:
            v = parse_number(value)
        except ValueError as exc:
            bad.append(f"row {n}: {col}: {exc}")
            continue
        if not lo <= v <= hi:
            bad.append(f"row {n}: {col}: {v:g} is outside {range_name} {lo:g}–{hi:g}")
        row[col] = v
