"""The activity month: JSON round trip and the bad-input errors that name the field."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from qingshan.carbon.activity import (
    ActivityMonth,
    FuelUse,
    activity_from_json,
    activity_to_json,
    validate_activity,
)
from qingshan.carbon.errors import CarbonError, InvalidAmount, NegativeAmount

MONTH = dt.date(2026, 3, 1)


def _month(**kw: object) -> ActivityMonth:
    return ActivityMonth(enterprise_id=7, month=MONTH, **kw)  # type: ignore[arg-type]


def test_json_round_trip_keeps_every_field() -> None:
    a = _month(
        fuels=(FuelUse("raw_coal", 120.5, "t"), FuelUse("natural_gas", 3.2, "10^4 Nm3")),
        electricity_purchased_mwh=850.0,
        electricity_exported_mwh=12.0,
        green_electricity_mwh=100.0,
        heat_purchased_gj=400.0,
        heat_exported_gj=30.0,
        clinker_t=None,
        value_added_10k_yuan=1234.5,
        output_value_10k_yuan=5600.0,
    )
    d = activity_to_json(a)
    assert d["month"] == "2026-03-01"
    assert d["fuels"][1] == {"fuel": "natural_gas", "amount": 3.2, "unit": "10^4 Nm3"}
    assert d["clinker_t"] is None
    assert activity_from_json(d) == a


def test_from_json_takes_defaults_for_missing_amounts() -> None:
    a = activity_from_json({"enterprise_id": "3", "month": "2025-11-01T00:00:00", "fuels": []})
    assert a == ActivityMonth(enterprise_id=3, month=dt.date(2025, 11, 1))
    assert a.electricity_purchased_mwh == 0.0 and a.value_added_10k_yuan is None


def test_negative_fuel_amount_names_the_fuel_field() -> None:
    a = _month(fuels=(FuelUse("diesel", 5.0, "t"), FuelUse("raw_coal", -1.0, "t")))
    with pytest.raises(
        NegativeAmount, match=r"fuels\[1\]\.amount \(raw_coal\) must not be negative \(got -1\.0\)"
    ) as e:
        validate_activity(a)
    assert e.value.status_code == 422 and e.value.field.startswith("fuels[1]")


@pytest.mark.parametrize(
    "field",
    ["electricity_purchased_mwh", "electricity_exported_mwh", "heat_purchased_gj", "clinker_t"],
)
def test_negative_amount_names_the_field(field: str) -> None:
    with pytest.raises(NegativeAmount, match=rf"^{field} must not be negative \(got -2\.5\)$"):
        validate_activity(_month(**{field: -2.5}))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_amounts_are_refused(bad: float) -> None:
    with pytest.raises(InvalidAmount, match=r"heat_purchased_gj must be a finite number"):
        validate_activity(_month(heat_purchased_gj=bad))
    with pytest.raises(InvalidAmount, match=r"fuels\[0\]\.amount \(lpg\) must be a finite number"):
        validate_activity(_month(fuels=(FuelUse("lpg", bad, "t"),)))


def test_text_amount_is_refused_not_coerced() -> None:
    with pytest.raises(
        InvalidAmount, match=r"value_added_10k_yuan must be a finite number \(got '12'\)"
    ):
        validate_activity(_month(value_added_10k_yuan="12"))


def test_errors_share_the_carbon_base_class() -> None:
    with pytest.raises(CarbonError):
        validate_activity(_month(electricity_purchased_mwh=-1.0))
    assert validate_activity(_month(clinker_t=0.0, value_added_10k_yuan=None)).clinker_t == 0.0
