"""Helpers of the observation-store tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

T0 = datetime(2024, 1, 1, 14, 0, tzinfo=UTC)
"""22:00 CST on 1 January 2024: the UTC date changes two hours later."""


def hours(n: int, start: datetime = T0) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="h")


def rows(series_id: int, values, *, start: datetime = T0, period: str = "hour", **extra):
    """Hourly rows of one series starting at ``start``."""
    n = len(values)
    step = {"hour": timedelta(hours=1), "min": timedelta(minutes=1)}[period]
    return pd.DataFrame(
        {
            "series_id": series_id,
            "time": pd.date_range(start, periods=n, freq=step),
            "period": period,
            "value": values,
            **extra,
        }
    )
