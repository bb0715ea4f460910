"""Time axes and the replay map (demo hour → 2019 hour, CST month/day/hour kept)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from qingshan.sim.timeline import hour_axis, minute_axis, replay_index

from .conftest import NOW


def _k(day: str, hour: int) -> int:
    return (pd.Timestamp(day) - pd.Timestamp("2019-01-01")).days * 24 + hour


def test_hour_axis_ends_before_now():
    axis = hour_axis(NOW, 365)
    assert len(axis) == 365 * 24
    assert axis[-1] == pd.Timestamp("2026-06-01 02:00", tz="UTC")
    assert str(axis.tz) == "UTC" and (axis.minute == 0).all()


def test_minute_axis_every_ten_minutes():
    axis = minute_axis(NOW, 3, 10)
    assert len(axis) == 3 * 144
    assert axis[-1] == pd.Timestamp("2026-06-01 02:50", tz="UTC")
    assert (axis[1:] - axis[:-1] == pd.Timedelta(minutes=10)).all()


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        hour_axis(datetime(2026, 6, 1), 1)


@pytest.mark.parametrize(
    ("cst", "source"),
    [
        ("2026-03-15 08:00", ("2019-03-15", 8)),
        ("2025-07-01 00:00", ("2019-07-01", 0)),
        ("2025-10-31 23:00", ("2019-04-30", 23)),  # October from April, day clipped
        ("2025-11-05 12:00", ("2019-03-05", 12)),  # November from March
        ("2025-12-24 06:00", ("2019-01-24", 6)),  # December from January
        ("2028-02-29 10:00", ("2019-02-28", 10)),  # leap day
    ],
)
def test_replay_index_keeps_cst_month_day_hour(cst, source):
    t = pd.DatetimeIndex([pd.Timestamp(cst, tz="Asia/Shanghai").tz_convert(UTC)])
    assert replay_index(t)[0] == _k(*source)
