"""An enterprise's monthly activity data (活动水平数据), the input of the carbon accounts.

The units are the only ones stored (GB/T 32150-2015 §6 and the NDRC accounting guidelines'
units): fuels in t (solids, liquids) or 10^4 Nm3 (gases), electricity in MWh, heat in GJ,
clinker in t, value added and output value in 10^4 yuan. :func:`validate_activity` rejects
negative and non-finite amounts, naming the field; fuel keys and units are checked against the
factor library by :func:`qingshan.carbon.accounting.emissions_month`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from qingshan.carbon.errors import InvalidAmount, NegativeAmount

__all__ = [
    "ActivityMonth",
    "FuelUse",
    "activity_from_json",
    "activity_to_json",
    "validate_activity",
]

#: The plain (non-fuel) amounts of a month and their units.
AMOUNT_UNITS: dict[str, str] = {
    "electricity_purchased_mwh": "MWh",
    "electricity_exported_mwh": "MWh",
    "green_electricity_mwh": "MWh",
    "heat_purchased_gj": "GJ",
    "heat_exported_gj": "GJ",
    "clinker_t": "t",
    "value_added_10k_yuan": "10^4 yuan",
    "output_value_10k_yuan": "10^4 yuan",
}


@dataclass(frozen=True)
class FuelUse:
    """One fuel consumed in the month.

    fuel : a key of the factor library (``FactorLibrary.fuels()``), e.g. ``"raw_coal"``
    amount : [unit]
    unit : ``"t"`` for solids and liquids, ``"10^4 Nm3"`` for gases
    """

    fuel: str
    amount: float
    unit: str


@dataclass(frozen=True)
class ActivityMonth:
    """The activity data of one enterprise in one month (``month`` = the first day)."""

    enterprise_id: int
    month: dt.date
    fuels: tuple[FuelUse, ...] = ()
    electricity_purchased_mwh: float = 0.0
    electricity_exported_mwh: float = 0.0
    green_electricity_mwh: float = 0.0
    heat_purchased_gj: float = 0.0
    heat_exported_gj: float = 0.0
    clinker_t: float | None = None
    value_added_10k_yuan: float | None = None
    output_value_10k_yuan: float | None = None


def _check(name: str, value: object, *, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidAmount(name, value)
    if not math.isfinite(value):
        raise InvalidAmount(name, value)
    if value < 0:
        raise NegativeAmount(name, float(value))


def validate_activity(a: ActivityMonth) -> ActivityMonth:
    """Check every amount of ``a`` is a finite number >= 0 (value added may be None).

    Raises
    ------
    InvalidAmount
        NaN, infinity or a non-number; the field is named (``fuels[0].amount`` for a fuel).
    NegativeAmount
        A negative amount; the field is named.
    """
    for i, f in enumerate(a.fuels):
        _check(f"fuels[{i}].amount ({f.fuel})", f.amount)
    for name in AMOUNT_UNITS:
        _check(name, getattr(a, name), nullable=name in _NULLABLE)
    return a


_NULLABLE = frozenset({"clinker_t", "value_added_10k_yuan", "output_value_10k_yuan"})


def activity_to_json(a: ActivityMonth) -> dict[str, Any]:
    """A JSON-ready dict of ``a`` (month as ISO date, fuels as a list of dicts)."""
    out: dict[str, Any] = {
        "enterprise_id": a.enterprise_id,
        "month": a.month.isoformat(),
        "fuels": [{"fuel": f.fuel, "amount": f.amount, "unit": f.unit} for f in a.fuels],
    }
    for name in AMOUNT_UNITS:
        out[name] = getattr(a, name)
    return out


def activity_from_json(d: dict[str, Any]) -> ActivityMonth:
    """The inverse of :func:`activity_to_json`; missing amounts take the dataclass defaults."""
    month = d["month"]
    if isinstance(month, str):
        month = dt.date.fromisoformat(month[:10])
    kwargs: dict[str, Any] = {name: d[name] for name in AMOUNT_UNITS if name in d}
    return ActivityMonth(
        enterprise_id=int(d["enterprise_id"]),
        month=month,
        fuels=tuple(
            FuelUse(fuel=str(f["fuel"]), amount=f["amount"], unit=str(f["unit"]))
            for f in d.get("fuels", ())
        ),
        **kwargs,
    )
