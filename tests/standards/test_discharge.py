"""Amounts discharged from -Cou values (HJ 212-2017 Appendix D) and the statistic parameters
``<code>-<suffix>`` (§6.3.3.2 Table 4; Appendix B discharge units)."""

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from qingshan.standards.discharge import day_totals, discharge_kg, month_totals
from qingshan.standards.errors import UnknownPollutantCode
from qingshan.standards.pollutant_codes import DISCHARGE_UNITS, normalise_code, parameter_of


def test_discharge_units_of_appendix_b():
    # Table B.1 / B.2, column 缺省计量单位（排放量）
    assert DISCHARGE_UNITS["w00000"] == DISCHARGE_UNITS["a00000"] == "m³"
    assert DISCHARGE_UNITS["w01018"] == DISCHARGE_UNITS["a21026"] == "kg"
    assert DISCHARGE_UNITS["w20111"] == DISCHARGE_UNITS["a34004"] == "g"
    assert DISCHARGE_UNITS["w20113"] == "mg"
    assert "w01001" not in DISCHARGE_UNITS and "a19001" not in DISCHARGE_UNITS


def test_statistic_codes_normalise_and_describe():
    assert normalise_code("a21026-Cou") == "a21026-Cou"
    assert normalise_code("02-zsavg", "air") == "a21026-ZsAvg"  # 2005 code, any case
    assert normalise_code("SO2-Max") == "a21026-Max"
    assert normalise_code("NH3-N") == "w21003"  # a name with a dash is still a name
    assert normalise_code("NH3-N-Min") == "w21003-Min"
    p = parameter_of("w20111-Cou")
    assert (p.code, p.name, p.unit, p.medium) == ("w20111-Cou", "总汞排放量", "g", "water")
    assert parameter_of("a21026-ZsAvg").unit == "mg/m³"
    with pytest.raises(UnknownPollutantCode, match="unknown pollutant code 'w01001-Cou'"):
        normalise_code("w01001-Cou")  # pH has no discharge amount
    with pytest.raises(UnknownPollutantCode, match="'a21026-Foo'"):
        parameter_of("a21026-Foo")


def test_discharge_kg_keeps_the_kind_and_converts():
    assert discharge_kg(2.5, "a21026") == 2.5
    assert discharge_kg(250.0, "w20111") == pytest.approx(0.25)  # g
    assert discharge_kg(np.array([1000.0]), "w20113") == pytest.approx([1e-3])  # mg
    s = discharge_kg(pd.Series([1.0, 2.0], index=[3, 4]), "a34004")
    assert isinstance(s, pd.Series) and list(s.index) == [3, 4] and s.tolist() == [1e-3, 2e-3]
    with pytest.raises(UnknownPollutantCode, match="'a00000'.*valid: a05002"):
        discharge_kg(1.0, "a00000")  # a volume, not a mass


def _rows(times, amounts, valid):
    return pd.DataFrame({"time": pd.to_datetime(times, utc=True), "amount": amounts,
                         "valid": valid})  # fmt: skip


def test_day_totals_sum_valid_hours_per_cst_day_else_the_daily_amount():
    hourly = _rows(
        # 2026-03-01 00:00 CST is 02-28 16:00 UTC; 03-02 00:00 CST is 03-01 16:00 UTC
        ["2026-02-28 16:00", "2026-02-28 17:00", "2026-03-01 15:00", "2026-03-01 16:00",
         "2026-03-02 17:00"],
        [1.0, 2.0, 4.0, 8.0, 16.0],
        [True, False, True, True, False],
    )  # fmt: skip
    daily = _rows(
        ["2026-02-28 16:00", "2026-03-02 16:00", "2026-03-03 16:00"],
        [99.0, 77.0, 55.0],
        [True, True, False],
    )
    out = day_totals(hourly, daily)
    assert out.to_dict("records") == [
        {"day": date(2026, 3, 1), "total": 5.0, "hours": 2, "invalid": 1, "basis": "hour"},
        {"day": date(2026, 3, 2), "total": 8.0, "hours": 1, "invalid": 0, "basis": "hour"},
        # only an invalid hour: the logger's own daily amount
        {"day": date(2026, 3, 3), "total": 77.0, "hours": 0, "invalid": 1, "basis": "day"},
    ]
    # 03-04's daily amount is invalid and there is no hour: no day at all
    months = month_totals(out)
    assert months.to_dict("records") == [
        {"month": date(2026, 3, 1), "total": 90.0, "days": 3, "hours": 3}
    ]


def test_a_day_with_nothing_valid_has_no_total():
    out = day_totals(_rows([datetime(2026, 3, 1, 1, tzinfo=UTC)], [3.0], [False]))
    assert out.to_dict("records") == [
        {"day": date(2026, 3, 1), "total": pytest.approx(np.nan, nan_ok=True), "hours": 0,
         "invalid": 1, "basis": "none"}
    ]  # fmt: skip
    assert month_totals(out)["total"].isna().all() and month_totals(out)["days"].tolist() == [0]
