"""The demo's time axes and the map from demo hours to the real 2019 hours they replay.

All axes are timezone-aware UTC; values are stamped at the start of their period. The demo's
year is the ``days`` days ending at the last whole hour before ``now``.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from qingshan.sim.reference import REPLAY_START_CST
from qingshan.timeutil import CST

#: months of the year the 2019 file does not cover (Oct–Dec), filled from months of similar
#: season: October from April, November from March, December from January.
FILL_MONTH = {10: 4, 11: 3, 12: 1}


def hour_axis(now: datetime, days: int) -> pd.DatetimeIndex:
    """Hourly period starts [UTC] of the ``days`` days ending at ``now`` floored to the hour."""
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware, got naive {now!r}")
    end = pd.Timestamp(now).tz_convert("UTC").floor("h")
    return pd.date_range(end=end - pd.Timedelta(hours=1), periods=days * 24, freq="h")


def minute_axis(now: datetime, days: int, interval_min: int = 10) -> pd.DatetimeIndex:
    """Minute-data period starts [UTC] of the last ``days`` days before the last whole hour.

    HJ 212-2017 minute data (CN 2051) come every ``MinInterval`` minutes (10 by default).
    """
    end = pd.Timestamp(now).tz_convert("UTC").floor("h")
    n = days * 24 * 60 // interval_min
    return pd.date_range(
        end=end - pd.Timedelta(minutes=interval_min), periods=n, freq=f"{interval_min}min"
    )


def replay_index(times: pd.DatetimeIndex) -> np.ndarray:
    """Index into the 2019 replay hours (0 = 2019-01-01 00:00 CST) for each demo hour.

    The demo hour keeps its China-Standard-Time month, day and hour; months 10–12 borrow from
    :data:`FILL_MONTH`; a day the source month lacks (29 Feb, 31 Oct) takes its last day.
    """
    local = times.tz_convert(CST)
    month = local.month.to_numpy()
    src_month = month.copy()
    for m, src in FILL_MONTH.items():
        src_month[month == m] = src
    first = pd.to_datetime({"year": 2019, "month": src_month, "day": 1})
    days_in = first.dt.days_in_month.to_numpy()
    day = np.minimum(local.day.to_numpy(), days_in)
    doy = (first - REPLAY_START_CST).dt.days.to_numpy() + day - 1
    return doy * 24 + local.hour.to_numpy()


def day_of_year(times: pd.DatetimeIndex) -> np.ndarray:
    """Fractional day of year in China Standard Time [days, 0–366)."""
    local = times.tz_convert(CST)
    return (local.dayofyear.to_numpy() - 1) + local.hour.to_numpy() / 24.0


def local_hour(times: pd.DatetimeIndex) -> np.ndarray:
    """Hour of day in China Standard Time [0–23], as float (minutes as fractions)."""
    local = times.tz_convert(CST)
    return local.hour.to_numpy() + local.minute.to_numpy() / 60.0
