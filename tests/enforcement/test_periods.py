"""Spot-check periods (quarter, half-year, year) as CST dates."""

from datetime import date

import pytest

from qingshan.enforcement.errors import BadEnforcementInput
from qingshan.enforcement.periods import parse_period, period_of


def _days(p):
    return p.start, p.end


def test_periods():
    assert _days(parse_period("2026Q4", "quarter")) == (date(2026, 10, 1), date(2026, 12, 31))
    assert _days(parse_period("2026q1", "quarter")) == (date(2026, 1, 1), date(2026, 3, 31))
    assert _days(parse_period("2024H1", "half")) == (date(2024, 1, 1), date(2024, 6, 30))
    assert _days(parse_period("2026", "year")) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_of(date(2026, 11, 10), "quarter").text == "2026Q4"
    assert period_of(date(2026, 6, 30), "half").text == "2026H1"
    assert period_of(date(2026, 6, 30), "year").text == "2026"


@pytest.mark.parametrize(
    ("text", "frequency", "message"),
    [
        ("2026Q5", "quarter", r"period: '2026Q5' is not a quarter period YYYYQn \(2000-2100\)"),
        ("2026H1", "quarter", r"is not a quarter period"),
        ("1999", "year", r"period: '1999' is not a year period YYYY"),
        ("2026", "monthly", r"frequency: unknown 'monthly'; one of quarter, half, year"),
    ],
)
def test_bad_periods(text, frequency, message):
    with pytest.raises(BadEnforcementInput, match=message):
        parse_period(text, frequency)
