"""Plausibility of an enterprise's monthly accounts: explicit warnings, never silent defaults.

Pure: takes the months' totals and value added, returns :class:`AccountWarning` rows the account
shows (issue #17, "Bad input"):

- ``ten_times``: a month's total above :data:`TEN_TIMES` × the median month of the enterprise in
  the year (a typing error in the unit — kg for t — is the usual cause);
- ``missing_month``: a month of the year, up to the reporting frontier (the newest month any
  enterprise has reported in that year), with no activity submitted;
- ``no_value_added``: a month without 工业增加值, so the year has no carbon intensity (碳效码);
- ``factor``: a warning the computation itself gave (a factor used past its stated period).

The 10× rule is the issue's own figure ("a month 10× the enterprise's usual"), not a standard's.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

__all__ = ["AccountWarning", "TEN_TIMES", "check_months", "months_of_year"]

#: a month above this multiple of the enterprise's median month is implausible (issue #17)
TEN_TIMES = 10.0


@dataclass(frozen=True)
class AccountWarning:
    """One warning on an account: ``kind`` (ten_times | missing_month | no_value_added |
    factor), the month it concerns (None: the whole year), an English message, and the figures
    behind it (``value`` and ``reference`` [tCO2] for ten_times)."""

    kind: str
    month: date | None
    message: str
    value: float | None = None
    reference: float | None = None


def months_of_year(year: int, until: date | None) -> list[date]:
    """The first days of the months of ``year`` up to ``until`` (inclusive; None: all 12)."""
    last = 12 if until is None or until.year > year else (0 if until.year < year else until.month)
    return [date(year, m, 1) for m in range(1, last + 1)]


def check_months(
    totals: Mapping[date, float],
    value_added: Mapping[date, float | None],
    expected: list[date],
) -> list[AccountWarning]:
    """Warnings of one enterprise's year: ``totals`` [tCO2] and ``value_added`` [10^4 yuan] by
    month (the months submitted), ``expected`` the months that should have been. Sorted by
    month; the 10× rule needs at least three months to have a median worth the name."""
    out: list[AccountWarning] = []
    for m in expected:
        if m not in totals:
            out.append(AccountWarning("missing_month", m, f"no activity submitted for {m:%Y-%m}"))
    if len(totals) >= 3:
        median = statistics.median(totals.values())
        if median > 0:
            for m, v in totals.items():
                if v > TEN_TIMES * median:
                    out.append(AccountWarning(
                        "ten_times", m,
                        f"{m:%Y-%m}: {v:,.1f} tCO2 is {v / median:.1f}× the median month "
                        f"({median:,.1f} tCO2); check the units",
                        value=v, reference=median,
                    ))  # fmt: skip
    for m in sorted(totals):
        if value_added.get(m) is None:
            out.append(AccountWarning(
                "no_value_added", m,
                f"{m:%Y-%m}: value added (工业增加值) missing; no carbon intensity for the year",
            ))  # fmt: skip
    return sorted(out, key=lambda w: (w.month or date.min, w.kind))
