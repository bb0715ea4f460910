"""Reporting periods of the case reports: calendar months (月调度通报) and quarters (季现场盯办),
bounded by midnight China Standard Time and held as timezone-aware UTC ``[start, end)``.

Pure: parsing and arithmetic, no clock (the caller passes ``now`` where one is needed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from qingshan.cases.errors import BadCaseInput
from qingshan.timeutil import CST, as_cst

__all__ = ["Month", "Quarter", "month_of", "quarter_of", "last_months"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")


def _cst_midnight(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=CST).astimezone(UTC)


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in CST, e.g. ``Month(2026, 2)`` = 2026-02-01 00:00 CST up to
    2026-03-01 00:00 CST."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"YYYY-MM"`` → :class:`Month`; anything else raises :class:`BadCaseInput`
        naming the field ``month``."""
        m = _MONTH.match(text.strip())
        if m is None or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
            raise BadCaseInput("month", f"{text!r} is not a month YYYY-MM (e.g. 2026-02)")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def start(self) -> datetime:
        """The first instant [UTC]."""
        return _cst_midnight(self.year, self.month)

    @property
    def end(self) -> datetime:
        """The first instant after the month [UTC]."""
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter in CST, e.g. ``Quarter(2026, 1)`` = January to March 2026."""

    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``"2026Q1"`` or ``"2026-Q1"`` → :class:`Quarter`; anything else raises
        :class:`BadCaseInput` naming the field ``quarter``."""
        m = _QUARTER.match(text.strip())
        if m is None or int(m.group(1)) < 2000:
            raise BadCaseInput("quarter", f"{text!r} is not a quarter YYYYQn (e.g. 2026Q1)")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def months(self) -> tuple[Month, Month, Month]:
        first = 3 * (self.quarter - 1) + 1
        return Month(self.year, first), Month(self.year, first + 1), Month(self.year, first + 2)

    @property
    def start(self) -> datetime:
        return self.months[0].start

    @property
    def end(self) -> datetime:
        return self.months[2].end

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"


def month_of(t: datetime) -> Month:
    """The CST month ``t`` [timezone-aware] falls in."""
    c = as_cst(t)
    return Month(c.year, c.month)


def quarter_of(t: datetime) -> Quarter:
    """The CST quarter ``t`` [timezone-aware] falls in."""
    c = as_cst(t)
    return Quarter(c.year, (c.month - 1) // 3 + 1)


def last_months(now: datetime, n: int) -> list[Month]:
    """The ``n`` months up to and including the one ``now`` falls in, oldest first."""
    out = [month_of(now)]
    for _ in range(n - 1):
        out.append(out[-1].previous())
    return out[::-1]
