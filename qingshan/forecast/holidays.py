"""Calendar features of a day: weekday, Chinese public holidays and 调休 working days.

The days off and the working weekends (调休) are the State Council's yearly notices (国务院办公厅
关于部分节假日安排的通知) as the ``chinese_calendar`` package records them; it covers 2004–2026.
Outside those years the features fall back to weekends only (Saturday and Sunday off, no
festival, no 调休), and :func:`calendar_features` logs that once per year — a forecast for 2027
is still made, with a coarser calendar, never with invented holidays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import chinese_calendar
import pandas as pd

log = logging.getLogger(__name__)

#: the years the holiday calendar knows (chinese_calendar 1.11)
FIRST_YEAR = 2004
LAST_YEAR = 2026
#: the feature columns :func:`calendar_features` returns
CALENDAR_COLUMNS: tuple[str, ...] = ("off", "festival", "workday_shift", "weekday")


@lru_cache(maxsize=64)
def _fallback_noted(year: int) -> bool:
    log.warning(
        "holiday calendar: %d is outside %d-%d (chinese_calendar); weekends only, "
        "no festivals or 调休 for that year", year, FIRST_YEAR, LAST_YEAR,
    )  # fmt: skip
    return True


@lru_cache(maxsize=8192)
def day_features(day: date) -> tuple[int, int, int, int]:
    """``(off, festival, workday_shift, weekday)`` of one day.

    ``off`` 1 on a day off (weekend or public holiday, not a 调休 working weekend);
    ``festival`` 1 on a statutory holiday's day off (春节, 国庆节 …, weekends inside included);
    ``workday_shift`` 1 on a weekend day made a working day (调休); ``weekday`` 0 = Monday.
    Outside :data:`FIRST_YEAR`–:data:`LAST_YEAR`: weekends only (logged once per year).
    """
    weekday = day.weekday()
    weekend = weekday >= 5
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        _fallback_noted(day.year)
        return int(weekend), 0, 0, weekday
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    festival = int(bool(on_holiday) and name is not None)
    off = int(bool(on_holiday))
    shift = int(weekend and not on_holiday)
    return off, festival, shift, weekday


def calendar_features(days: Iterable[date]) -> pd.DataFrame:
    """:func:`day_features` of each day as a frame with :data:`CALENDAR_COLUMNS` (int8)."""
    rows = [day_features(d) for d in days]
    return pd.DataFrame(rows, columns=list(CALENDAR_COLUMNS), dtype="int8")
