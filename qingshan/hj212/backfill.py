"""Back-fill (补传) arithmetic: which periods of a range are missing, how a long range is cut
into requests a logger can answer, and which back-fill request a received data frame answers.

Pure: datetimes in (timezone-aware UTC), tuples out. The requests themselves are
:class:`~qingshan.hj212.commands.CommandKind.BACKFILL` commands; a back-fill request's
``EndTime`` is the start of its last period (HJ 212-2017 App. C.20: begin = end asks for one
record), so ranges here are closed: ``(first period start, last period start)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Final

from qingshan.timeutil import CST

__all__ = ["PERIOD_STEP", "BackfillWindow", "backfill_of", "floor_period", "gap_ranges",
           "period_starts", "split_range"]  # fmt: skip

#: the step between period starts of the back-fill periods
PERIOD_STEP: Final[Mapping[str, timedelta]] = MappingProxyType(
    {"rtd": timedelta(seconds=30), "min": timedelta(minutes=1), "hour": timedelta(hours=1),
     "day": timedelta(days=1)}
)  # fmt: skip


def floor_period(moment: datetime, period: str) -> datetime:
    """The start of the period holding ``moment`` (a day starts at CST midnight)."""
    if period == "day":
        local = moment.astimezone(CST).replace(hour=0, minute=0, second=0, microsecond=0)
        return local.astimezone(UTC)
    if period == "hour":
        return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if period == "min":
        return moment.astimezone(UTC).replace(second=0, microsecond=0)
    return moment.astimezone(UTC).replace(microsecond=0)


def period_starts(start: datetime, end: datetime, period: str) -> list[datetime]:
    """The starts of the ``period`` periods inside [``start``, ``end``)."""
    step = PERIOD_STEP[period]
    t = floor_period(start, period)
    if t < start:
        t += step
    out = []
    while t < end:
        out.append(t)
        t += step
    return out


def gap_ranges(
    expected: Iterable[datetime], present: Iterable[datetime], step: timedelta
) -> list[tuple[datetime, datetime]]:
    """Runs of ``expected`` period starts not in ``present``, as closed (first, last) ranges."""
    have = set(present)
    out: list[tuple[datetime, datetime]] = []
    for t in sorted(expected):
        if t in have:
            continue
        if out and t - out[-1][1] <= step:
            out[-1] = (out[-1][0], t)
        else:
            out.append((t, t))
    return out


def split_range(
    first: datetime, last: datetime, step: timedelta, longest: timedelta
) -> list[tuple[datetime, datetime]]:
    """(first, last) cut into closed ranges spanning at most ``longest`` each."""
    out = []
    t = first
    while t <= last:
        stop = min(last, t + longest - step)
        out.append((t, stop))
        t = stop + step
    return out


@dataclass(frozen=True, slots=True)
class BackfillWindow:
    """Data of ``cn`` from ``mn`` with DataTime in [begin, end], received between ``sent_at``
    and ``finished_at`` (None: still running), answers back-fill command ``id``."""

    id: int
    mn: str
    cn: str
    begin: datetime
    end: datetime
    sent_at: datetime
    finished_at: datetime | None


def backfill_of(
    windows: Iterable[BackfillWindow],
    mn: str | None,
    cn: str | None,
    data_time: datetime | None,
    received_at: datetime,
) -> int | None:
    """The id of the back-fill command a data frame answers, or None (a regular upload)."""
    if data_time is None:
        return None
    for w in windows:
        if (
            w.mn == mn
            and w.cn == cn
            and w.begin <= data_time <= w.end
            and w.sent_at <= received_at
            and (w.finished_at is None or received_at <= w.finished_at)
        ):
            return w.id
    return None
