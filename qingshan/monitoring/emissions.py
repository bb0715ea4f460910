"""Emission totals of outlets: kilograms per day or month and pollutant, from the ``-Cou``
values loggers send (HJ 212-2017 Appendix D, :mod:`qingshan.standards.discharge`).

The archive (permits, 一企一档) and the reports call :func:`emission_totals` with the outlet
sites they show; it reads the ``<code>-Cou`` series (hourly, CN 2061, and daily, CN 2031) from
the observation store — the values are stored as received, in the code's Appendix B unit — and
sums them per China Standard Time day: the valid hourly amounts (data flag not in
:data:`~qingshan.timeseries.rollups.HJ212_INVALID_FLAGS`), or the logger's daily amount on a
day without a valid hourly one. A month is the sum of its days. Flows (``a00000-Cou``,
``w00000-Cou``, m³) are not masses and are left out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.monitoring.models import Period, Series
from qingshan.standards.discharge import CLAUSES, MASS_TO_KG, day_totals, discharge_kg, month_totals
from qingshan.standards.pollutant_codes import DISCHARGE_UNITS, parameter_of
from qingshan.timeseries.rollups import HJ212_INVALID_FLAGS, valid_mask
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

__all__ = ["EmissionTotal", "emission_totals"]

Freq = Literal["day", "month"]


@dataclass(frozen=True, slots=True)
class EmissionTotal:
    """The amount of one pollutant an outlet discharged in one day or month.

    Attributes
    ----------
    site_id : int
        The outlet (a ``gas_outlet`` or ``water_outlet`` site).
    code : str
        HJ 212-2017 code of the pollutant, e.g. ``"a21026"``.
    start : date
        The day, or the first day of the month (China Standard Time).
    freq : {"day", "month"}
    kg : float or None
        Amount discharged [kg]; None when the period had no valid amount.
    hours : int
        Valid hourly ``-Cou`` values summed (24 a whole day).
    days : int
        Days with a total (1 or 0 for a day; of a month, how many of its days).
    from_daily : int
        Days whose total is the logger's daily ``-Cou`` (no valid hourly value that day).
    invalid : int
        Hourly values left out for their data flag.
    clause : str
        The rule of HJ 212-2017 Appendix D the total follows.
    """

    site_id: int
    code: str
    start: date
    freq: Freq
    kg: float | None
    hours: int
    days: int
    from_daily: int
    invalid: int
    clause: str


def _utc_start(day: date) -> datetime:
    return datetime.combine(day, time(), CST)


def emission_totals(
    session: Session,
    store: ObservationStore,
    site_ids: Iterable[int],
    start: date,
    end: date,
    *,
    freq: Freq = "day",
    codes: Collection[str] | None = None,
    invalid_flags: Collection[str] = HJ212_INVALID_FLAGS,
) -> list[EmissionTotal]:
    """Emission totals [kg] of the outlets ``site_ids`` for the CST days ``start`` to ``end``
    (exclusive), per day or per month, from their stored ``-Cou`` values.

    Parameters
    ----------
    session : Session
        The relational store (series registry).
    store : ObservationStore
        The observation store.
    site_ids : iterable of int
        Outlet sites.
    start, end : date
        First day and the day after the last [China Standard Time]; for ``freq="month"``
        give whole months (partial months sum only the days asked for).
    freq : {"day", "month"}
        One total per day or per month.
    codes : collection of str, optional
        Pollutants (HJ 212-2017 codes); default every pollutant with a stored ``-Cou``.
    invalid_flags : collection of str
        HJ 212 data flags that leave an hourly amount out (default F, M, S, D, C, T, B).

    Returns
    -------
    list of EmissionTotal
        Sorted by site, pollutant and period; periods without any ``-Cou`` value are absent.
    """
    if freq not in ("day", "month"):
        raise ValueError(f"freq must be 'day' or 'month', got {freq!r}")
    ids = sorted(set(site_ids))
    if not ids or end <= start:
        return []
    series = session.scalars(
        select(Series).where(
            Series.site_id.in_(ids),
            Series.parameter_code.like("%-Cou"),
            Series.period.in_([Period.HOUR, Period.DAY]),
        )
    ).all()
    by_key: dict[tuple[int, str], dict[Period, int]] = {}
    for s in series:
        code = s.parameter_code.removesuffix("-Cou")
        if DISCHARGE_UNITS.get(code) not in MASS_TO_KG or (codes is not None and code not in codes):
            continue
        by_key.setdefault((s.site_id, code), {})[s.period] = s.id
    if not by_key:
        return []
    rows = store.scan(
        sorted(sid for ref in by_key.values() for sid in ref.values()),
        _utc_start(start),
        _utc_start(end),
        columns=["series_id", "time", "period", "value", "source_flag"],
    )
    rows = rows.assign(valid=valid_mask(rows, invalid_flags), amount=rows["value"])
    out: list[EmissionTotal] = []
    for (site_id, code), ref in sorted(by_key.items()):
        parts = {
            period: rows[rows["series_id"] == sid][["time", "amount", "valid"]]
            for period, sid in ref.items()
        }
        hourly = parts.get(Period.HOUR, rows.iloc[0:0][["time", "amount", "valid"]])
        days = day_totals(hourly, parts.get(Period.DAY))
        if days.empty:
            continue
        days["total"] = discharge_kg(days["total"], code)
        clause = CLAUSES[parameter_of(code).medium]
        if freq == "day":
            out.extend(
                EmissionTotal(site_id, code, d.day, "day", _kg(d.total), int(d.hours),
                              int(d.basis != "none"), int(d.basis == "day"), int(d.invalid),
                              clause)
                for d in days.itertuples(index=False)
            )  # fmt: skip
            continue
        months = month_totals(days)
        month_of = pd.to_datetime(days["day"]).dt.to_period("M").dt.start_time.dt.date
        daily_basis = (days["basis"] == "day").groupby(month_of).sum()
        invalid = days["invalid"].groupby(month_of).sum()
        out.extend(
            EmissionTotal(site_id, code, m.month, "month", _kg(m.total), int(m.hours),
                          int(m.days), int(daily_basis[m.month]), int(invalid[m.month]), clause)
            for m in months.itertuples(index=False)
        )  # fmt: skip
    return out


def _kg(value: float) -> float | None:
    return None if pd.isna(value) else float(value)
