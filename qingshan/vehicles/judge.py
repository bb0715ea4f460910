"""Pass/fail of I/M tests, computed from the measured values and the limits — never read from
input. Pure: the limit table is data (:mod:`qingshan.vehicles.data` ``limits.json``, loaded by
:func:`read_limits`), every cell with its standard, table, confidence and source.

Methods (GB 18285-2018 gasoline, GB 3847-2018 diesel): ``double_idle`` (双怠速法), ``asm``
(稳态工况法, ASM5025 + ASM2540), ``vmas`` (简易瞬态工况法), ``free_accel`` (自由加速法, opacity as the
light-absorption coefficient k), ``lug_down`` (加载减速法). A test passes when every item of its
method is within its limit: a value **above** ``max`` (or below ``min``, λ) fails, a value equal
to the limit passes (超过限值 is the failure wording of both standards [MC]).

The im_tests frame (vehicles-contract) carries one column per item. The two-mode methods carry
their first mode in the contract columns — double idle: ``co_pct`` / ``hc_ppm`` at idle (怠速)
and ``lambda_`` at high idle; ASM: ``co_pct`` / ``hc_ppm`` / ``no_ppm`` at ASM5025 — and the
second mode in optional columns (``co_pct_hi`` / ``hc_ppm_hi``; ``co_pct_2540`` / ``hc_ppm_2540``
/ ``no_ppm_2540``), judged when the column is present and the value not NaN.

Limit set (限值a / 限值b) by the test's day (China Standard Time): ``b`` from the table's
``limit_set_b_from`` date (2023-07-01 nationwide [U]), else ``a``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from qingshan.vehicles.errors import LimitMissing, VehicleError

__all__ = [
    "METHODS",
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "MEASURED_COLUMNS",
    "LimitCell",
    "LimitTable",
    "MeasurementMissing",
    "read_limits",
    "limit_sets_for",
    "judge_tests",
]

METHODS = ("double_idle", "asm", "vmas", "free_accel", "lug_down")
METHOD_NAMES = {
    "double_idle": "双怠速法",
    "asm": "稳态工况法",
    "vmas": "简易瞬态工况法",
    "free_accel": "自由加速法",
    "lug_down": "加载减速法",
}
#: the items every test of a method must carry (vehicles-contract columns)
REQUIRED_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "double_idle": ("co_pct", "hc_ppm", "lambda_"),
    "asm": ("co_pct", "hc_ppm", "no_ppm"),
    "vmas": ("co_gkm", "hc_gkm", "nox_gkm"),
    "free_accel": ("k_m1",),
    "lug_down": ("k_m1", "nox_ppm"),
}
#: second-mode items, judged when present
OPTIONAL_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "double_idle": ("co_pct_hi", "hc_ppm_hi"),
    "asm": ("co_pct_2540", "hc_ppm_2540", "no_ppm_2540"),
    "vmas": (),
    "free_accel": (),
    "lug_down": (),
}
#: every measured column of the contract frame
MEASURED_COLUMNS = (
    "co_pct",
    "hc_ppm",
    "no_ppm",
    "lambda_",
    "co_gkm",
    "hc_gkm",
    "nox_gkm",
    "k_m1",
    "nox_ppm",
)
_CST = "Asia/Shanghai"


class MeasurementMissing(VehicleError):
    """A test lacks a value its method needs (names the tests and the column)."""


@dataclass(frozen=True)
class LimitCell:
    """One limit: ``column`` of a ``method``'s test must lie within [``min``, ``max``]."""

    method: str
    limit_set: str
    item: str
    column: str
    unit: str
    standard: str
    table: str
    confidence: str
    source: str
    max: float | None = None
    min: float | None = None
    mode: str = ""


@dataclass(frozen=True)
class LimitTable:
    """The limit cells and the day 限值b starts."""

    cells: tuple[LimitCell, ...]
    b_from: date

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, region: str = "national") -> LimitTable:
        """Build from the ``limits.json`` shape (``cells``, ``limit_set_b_from``)."""
        cells = tuple(LimitCell(**c) for c in doc["cells"])
        for c in cells:
            if c.method not in METHODS:
                raise VehicleError(f"limit cell {c.item!r}: method {c.method!r} not one of {', '.join(METHODS)}",
                                   field="method")  # fmt: skip
            if c.max is None and c.min is None:
                raise VehicleError(
                    f"limit cell {c.method}/{c.limit_set}/{c.column}: neither max nor min",
                    field="limit",
                )
        b_from = date.fromisoformat(doc["limit_set_b_from"][region]["date"])
        return cls(cells, b_from)

    def cell(self, method: str, limit_set: str, column: str) -> LimitCell:
        """The cell for (method, limit set, column); :class:`LimitMissing` if there is none."""
        for c in self.cells:
            if c.method == method and c.limit_set == limit_set and c.column == column:
                return c
        known = sorted({f"{c.limit_set}:{c.column}" for c in self.cells if c.method == method})
        raise LimitMissing(method, limit_set, column, known)


def read_limits(*, region: str = "national") -> LimitTable:
    """The packaged limit table (``qingshan/vehicles/data/limits.json``)."""
    text = (
        resources.files("qingshan.vehicles")
        .joinpath("data/limits.json")
        .read_text(encoding="utf-8")
    )
    return LimitTable.from_dict(json.loads(text), region=region)


def limit_sets_for(started_at: pd.Series, table: LimitTable) -> pd.Series:
    """``"a"`` or ``"b"`` for each test start (tz-aware), by its day in China Standard Time."""
    day = (
        pd.to_datetime(started_at, utc=True).dt.tz_convert(_CST).dt.tz_localize(None).dt.normalize()
    )
    return pd.Series(
        np.where(day >= pd.Timestamp(table.b_from), "b", "a"), index=started_at.index, dtype=object
    )


def judge_tests(tests: pd.DataFrame, table: LimitTable) -> pd.DataFrame:
    """``passed``, ``limit_set`` and ``limit_ref`` for every test of an im_tests frame.

    Parameters
    ----------
    tests : DataFrame
        ``method``, ``started_at`` (UTC) and the measured columns of the method
        (:data:`REQUIRED_COLUMNS`, optionally :data:`OPTIONAL_COLUMNS`); ``test_id`` is used in
        error messages when present.
    table : LimitTable

    Returns
    -------
    DataFrame
        Same index: ``passed`` bool, ``limit_set`` str, ``limit_ref`` str (standard, method, 限值a/b).

    Raises
    ------
    LimitMissing
        A (method, limit set, item) with no cell.
    MeasurementMissing
        A test without a value its method requires.
    """
    method = tests["method"].astype(str)
    unknown = sorted(set(method) - set(METHODS))
    if unknown:
        raise VehicleError(
            f"method {unknown[0]!r}: not one of {', '.join(METHODS)}", field="method"
        )
    lset = limit_sets_for(tests["started_at"], table)
    passed = np.ones(len(tests), dtype=bool)
    ref = np.empty(len(tests), dtype=object)
    ids = (
        tests["test_id"].astype(str)
        if "test_id" in tests
        else pd.Series(tests.index.astype(str), index=tests.index)
    )
    for (m, ls), idx in tests.groupby([method, lset], sort=True).indices.items():
        standard = ""
        for col in REQUIRED_COLUMNS[m]:
            cell = table.cell(m, ls, col)
            standard = cell.standard
            if col not in tests:
                raise MeasurementMissing(
                    f"method {m!r} needs column {col!r}; the tests have none", field=col
                )
            values = tests[col].to_numpy(dtype=float)[idx]
            nan = np.isnan(values)
            if nan.any():
                bad = ", ".join(ids.to_numpy()[idx][nan][:5])
                raise MeasurementMissing(
                    f"{int(nan.sum())} {m} test(s) without {col!r} (e.g. {bad})", field=col
                )
            passed[idx] &= _within(values, cell)
        for col in OPTIONAL_COLUMNS[m]:
            if col not in tests:
                continue
            values = tests[col].to_numpy(dtype=float)[idx]
            have = ~np.isnan(values)
            if have.any():
                cell = table.cell(m, ls, col)
                passed[idx] &= ~have | _within(values, cell)
        ref[idx] = f"{standard} {METHOD_NAMES[m]} 限值{ls}"
    return pd.DataFrame(
        {"passed": passed, "limit_set": lset.to_numpy(), "limit_ref": ref}, index=tests.index
    )


def _within(values: np.ndarray, cell: LimitCell) -> np.ndarray:
    ok = np.ones(values.shape, dtype=bool)
    if cell.max is not None:
        ok &= values <= cell.max
    if cell.min is not None:
        ok &= values >= cell.min
    return ok
