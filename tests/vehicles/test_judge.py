"""Pass/fail computed from measured values and a limit table.

No cell of the shipped table is confirmed from a standard's own text yet (limits.json: MC / U), so
the worked cases run on a test table of made-up round limits; the shipped table is checked for
shape, provenance and coverage only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qingshan.vehicles.errors import LimitMissing
from qingshan.vehicles.judge import (
    METHODS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    LimitTable,
    MeasurementMissing,
    judge_tests,
    read_limits,
)

# test-only limits (NOT the standards' values)
DOC = {
    "limit_set_b_from": {"national": {"date": "2023-07-01"}},
    "cells": [
        {"method": m, "limit_set": ls, "item": col, "column": col, "unit": "", "standard": std,
         "table": "test", "confidence": "test", "source": "test", **lim}
        for m, std, cols in [
            ("double_idle", "GB 18285-2018", {"co_pct": 1.0, "hc_ppm": 100.0, "co_pct_hi": 0.5, "hc_ppm_hi": 50.0,
                                               "lambda_": (0.9, 1.1)}),
            ("free_accel", "GB 3847-2018", {"k_m1": 2.0}),
        ]
        for col, v in cols.items()
        for ls, lim in [
            ("a", {"min": v[0], "max": v[1]} if isinstance(v, tuple) else {"max": v}),
            ("b", {"min": v[0], "max": v[1]} if isinstance(v, tuple) else {"max": v / 2}),
        ]
    ],
}  # fmt: skip
TABLE = LimitTable.from_dict(DOC)


def _tests(rows):
    df = pd.DataFrame(rows)
    df["started_at"] = pd.to_datetime(df["started_at"]).dt.tz_localize("UTC")
    return df


def test_double_idle_limits_and_lambda_window():
    df = _tests([
        {"test_id": "t1", "method": "double_idle", "started_at": "2022-05-01 02:00", "co_pct": 1.0, "hc_ppm": 100.0, "lambda_": 1.0},
        {"test_id": "t2", "method": "double_idle", "started_at": "2022-05-01 02:00", "co_pct": 1.01, "hc_ppm": 10.0, "lambda_": 1.0},
        {"test_id": "t3", "method": "double_idle", "started_at": "2022-05-01 02:00", "co_pct": 0.1, "hc_ppm": 10.0, "lambda_": 0.89},
        {"test_id": "t4", "method": "double_idle", "started_at": "2022-05-01 02:00", "co_pct": 0.1, "hc_ppm": 10.0, "lambda_": 1.0,
         "co_pct_hi": 0.6},
    ])  # fmt: skip
    out = judge_tests(df, TABLE)
    assert list(out["passed"]) == [True, False, False, False]  # equal to the limit passes
    assert set(out["limit_ref"]) == {"GB 18285-2018 双怠速法 限值a"}


def test_limit_set_b_from_its_day_in_china_standard_time():
    # 2023-06-30 16:00 UTC is 2023-07-01 00:00 CST: limit set b (max k 1.0)
    df = _tests([
        {"test_id": "a", "method": "free_accel", "started_at": "2023-06-30 15:59", "k_m1": 1.5},
        {"test_id": "b", "method": "free_accel", "started_at": "2023-06-30 16:00", "k_m1": 1.5},
    ])  # fmt: skip
    out = judge_tests(df, TABLE)
    assert list(out["limit_set"]) == ["a", "b"]
    assert list(out["passed"]) == [True, False]
    assert list(out["limit_ref"]) == [
        "GB 3847-2018 自由加速法 限值a",
        "GB 3847-2018 自由加速法 限值b",
    ]


def test_missing_limit_and_missing_measurement_are_named():
    df = _tests(
        [
            {
                "test_id": "x1",
                "method": "lug_down",
                "started_at": "2022-01-01",
                "k_m1": 1.0,
                "nox_ppm": 10.0,
            }
        ]
    )
    with pytest.raises(
        LimitMissing, match=r"no limit for method 'lug_down', limit set 'a', item 'k_m1'.*none"
    ):
        judge_tests(df, TABLE)
    df = _tests(
        [{"test_id": "x2", "method": "free_accel", "started_at": "2022-01-01", "k_m1": np.nan}]
    )
    with pytest.raises(
        MeasurementMissing, match=r"1 free_accel test\(s\) without 'k_m1' \(e.g. x2\)"
    ):
        judge_tests(df, TABLE)


def test_shipped_table_covers_every_item_with_provenance():
    table = read_limits()
    for m in METHODS:
        for ls in "ab":
            for col in REQUIRED_COLUMNS[m] + OPTIONAL_COLUMNS[m]:
                table.cell(m, ls, col)
    for c in table.cells:
        assert c.standard in {"GB 18285-2018", "GB 3847-2018"} and c.table and c.source
        assert c.confidence in {"U", "MC", "confirmed"}
