"""Amounts discharged (排放量) from the ``-Cou`` values of HJ 212 data: HJ 212-2017 Appendix D.

A data logger's minute, hourly and daily data (CN 2051, 2061, 2031) carry ``<code>-Cou``, the
amount of the pollutant — or the volume of wastewater or flue gas — discharged in the data's
period (HJ 212-2017 §6.3.3.2 Table 4, "污染物指定时间内累计值"), in the code's default unit of
Appendix B, Tables B.1 and B.2, column 缺省计量单位（排放量）
(:data:`~qingshan.standards.pollutant_codes.DISCHARGE_UNITS`: kg for most pollutants, g or mg
for trace metals, m³ for the flows).

Appendix D builds a longer period's amount as the sum of the amounts of its shorter periods
measured validly: for wastewater D.1.2.2, eq. (10) ``G_h = Σ G_m`` and eq. (11)
``G_d = Σ_{i=1..h} G_h`` over the h hours of the day with a valid hourly amount [kg]; for flue
gas D.2.5, eq. (33) ``G_h = C_h · Q_snh · 10⁻⁶`` [kg/h] and eq. (34), the day's amount from the
l valid hours of the day. A month is the sum of its days.

Everything here is pure: arrays and frames in, arrays and frames out.
"""

from __future__ import annotations

from datetime import tzinfo
from types import MappingProxyType
from typing import TypeVar

import numpy as np
import pandas as pd

from qingshan.standards.errors import UnknownPollutantCode
from qingshan.standards.pollutant_codes import DISCHARGE_UNITS
from qingshan.timeutil import CST

__all__ = ["CLAUSES", "MASS_TO_KG", "day_totals", "discharge_kg", "month_totals"]

#: kilograms per unit of mass of :data:`DISCHARGE_UNITS` (SI)
MASS_TO_KG: MappingProxyType[str, float] = MappingProxyType(
    {"t": 1000.0, "kg": 1.0, "g": 1e-3, "mg": 1e-6}
)

#: the clause each medium's totals follow (HJ 212-2017 Appendix D)
CLAUSES: MappingProxyType[str, str] = MappingProxyType(
    {
        "water": "HJ 212-2017 Appendix D.1.2.2, eq. (9)-(11): sum of the valid hourly amounts",
        "air": "HJ 212-2017 Appendix D.2.5, eq. (33)-(34): sum of the valid hourly amounts",
    }
)

T = TypeVar("T", float, np.ndarray, pd.Series)


def discharge_kg(amount: T, code: str) -> T:
    """Amount discharged in kilograms from ``-Cou`` values of ``code``.

    Parameters
    ----------
    amount : float, array or Series
        ``<code>-Cou`` values [the Appendix B discharge unit of ``code``: kg, g or mg].
    code : str
        HJ 212-2017 code of a pollutant, e.g. ``"a21026"``.

    Returns
    -------
    float, array or Series (as ``amount``)
        The amounts [kg].

    Raises
    ------
    UnknownPollutantCode
        ``code`` has no discharged mass in Appendix B (a flow, pH, an unknown code); the
        message lists the codes that have one.
    """
    factor = MASS_TO_KG.get(DISCHARGE_UNITS.get(code, ""))
    if factor is None:
        raise UnknownPollutantCode(code, [c for c, u in DISCHARGE_UNITS.items() if u in MASS_TO_KG])
    return amount * factor


def _local_day(times: pd.Series, tz: tzinfo) -> pd.Series:
    return pd.to_datetime(times, utc=True).dt.tz_convert(tz).dt.date


def day_totals(
    hourly: pd.DataFrame, daily: pd.DataFrame | None = None, *, tz: tzinfo = CST
) -> pd.DataFrame:
    """The amount discharged per local day: the sum of the day's valid hourly amounts
    (Appendix D eq. (11) / (34)); a day without a valid hourly amount takes the logger's own
    daily amount (CN 2031) when that is valid.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Hourly ``-Cou`` rows: ``time`` (start of the hour, tz-aware), ``amount`` [any unit],
        ``valid`` (bool: a value whose data flag allows it).
    daily : pandas.DataFrame, optional
        Daily ``-Cou`` rows with the same columns (``time`` = start of the local day).
    tz : tzinfo
        Time zone of the days (default China Standard Time, UTC+8).

    Returns
    -------
    pandas.DataFrame
        One row per day with a value: ``day`` (date), ``total`` [unit of ``amount``; NaN when
        nothing valid], ``hours`` (valid hourly amounts summed), ``invalid`` (hourly amounts
        left out), ``basis`` (``"hour"``, ``"day"`` or ``"none"``), sorted by day.
    """
    h = hourly.assign(day=_local_day(hourly["time"], tz), valid=hourly["valid"].astype(bool))
    h = h.assign(ok_amount=h["amount"].where(h["valid"]))
    g = h.groupby("day", sort=True)
    out = pd.DataFrame(
        {
            "total": g["ok_amount"].sum(min_count=1),
            "hours": g["valid"].sum().astype(int),
            "invalid": (~h["valid"]).groupby(h["day"]).sum().astype(int),
        }
    )
    out["basis"] = np.where(out["hours"] > 0, "hour", "none")
    if daily is not None and not daily.empty:
        d = daily.assign(day=_local_day(daily["time"], tz))
        d = d[d["valid"].astype(bool) & d["amount"].notna()].drop_duplicates("day", keep="last")
        for day, amount in zip(d["day"], d["amount"], strict=True):
            if day in out.index and out.at[day, "hours"] > 0:
                continue  # the hourly amounts decide
            if day not in out.index:
                out.loc[day] = [np.nan, 0, 0, "none"]
            out.loc[day, ["total", "basis"]] = [float(amount), "day"]
    out = out.sort_index()
    out.index.name = "day"
    return out.reset_index().astype({"total": float, "hours": int, "invalid": int})


def month_totals(days: pd.DataFrame) -> pd.DataFrame:
    """The amount discharged per month: the sum of its days' totals (:func:`day_totals`).

    Returns
    -------
    pandas.DataFrame
        ``month`` (first day, date), ``total`` (NaN when no day had one), ``days`` (days with a
        total), ``hours`` (valid hourly amounts summed), sorted by month.
    """
    if days.empty:
        return pd.DataFrame({"month": [], "total": [], "days": [], "hours": []})
    month = pd.to_datetime(days["day"]).dt.to_period("M").dt.start_time.dt.date
    g = days.groupby(month, sort=True)
    out = pd.DataFrame(
        {
            "total": g["total"].sum(min_count=1),
            "days": g["total"].count().astype(int),
            "hours": g["hours"].sum().astype(int),
        }
    )
    out.index.name = "month"
    return out.reset_index()
