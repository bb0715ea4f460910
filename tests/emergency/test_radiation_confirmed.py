"""Worked decay cases from the confirmed half-lives of ``data/nuclides.json``.

Half-lives typed here were read in the ICRP Publication 107 (2008) nuclear decay-data table (as the
JSON rendering of PyPI ``icrp107-database`` 0.0.3 gives it) and equal the NNDC/ENSDF figures the
data takes for every nuclide (years of 365.25 d, the data's ``year_days``). Expected fractions
worked by hand: ``A/A0 = 2^(−t/T½)`` with ``t`` the calendar days between the dates. Figures still
MC/U (the D-values, the exemption activities) are not typed here.
"""

from __future__ import annotations

from datetime import date

import pytest

from qingshan.emergency.radiation.nuclides import activity_on, nuclide, nuclides

CONFIRMED_DAYS = {
    "Ir-192": 73.827,
    "Sr-90": 28.79 * 365.25,  # 10 515.5475 d
    "Ra-226": 1600 * 365.25,  # 584 400 d
    "Pu-238": 87.7 * 365.25,  # 32 032.425 d
    "Cf-252": 2.645 * 365.25,  # 966.08625 d
    "Pm-147": 2.6234 * 365.25,  # 958.19685 d
    "Co-60": 5.2713 * 365.25,  # 1925.342325 d
    "Cs-137": 30.1671 * 365.25,  # 11 018.533275 d
    "Se-75": 119.779,
    "Am-241": 432.2 * 365.25,  # 157 861.05 d
    "Kr-85": 10.756 * 365.25,  # 3928.629 d
    "Ni-63": 100.1 * 365.25,  # 36 561.525 d
}


def test_confirmed_half_lives_and_their_tag() -> None:
    tagged = {code for code, n in nuclides().items() if n.confidence["half_life"] == "confirmed"}
    assert tagged == set(CONFIRMED_DAYS)
    for code, days in CONFIRMED_DAYS.items():
        assert nuclide(code).half_life_d == pytest.approx(days, rel=1e-12)
        assert "ICRP Publication 107" in nuclide(code).sources["half_life"]


@pytest.mark.parametrize(
    ("code", "reference", "on", "fraction"),
    [
        # 90 d / 73.827 d = 1.219066 half-lives → 2^−1.219066 = 0.429561 (a radiography source
        # loses 57 % in a quarter)
        ("Ir-192", date(2026, 1, 1), date(2026, 4, 1), 0.4295607),
        # 3652 d / 966.08625 d = 3.780205 → 0.0727857
        ("Cf-252", date(2026, 1, 1), date(2036, 1, 1), 0.07278572),
        # 1826 d / 958.19685 d = 1.905662 → 0.266894
        ("Pm-147", date(2026, 1, 1), date(2031, 1, 1), 0.2668937),
        # 36524 d / 10515.5475 d = 3.473330 → 0.0900373
        ("Sr-90", date(2026, 1, 1), date(2126, 1, 1), 0.09003731),
        # 36524 d / 32032.425 d = 1.140220 → 0.453691
        ("Pu-238", date(2026, 1, 1), date(2126, 1, 1), 0.4536905),
        # 5844 d / 584400 d = 0.01 → 2^−0.01 = 0.993092
        ("Ra-226", date(2026, 1, 1), date(2042, 1, 1), 0.9930925),
        # 3652 d / 1925.342325 d = 1.896806 → 2^−1.896806 = 0.268537 (a Co-60 teletherapy source
        # after ten years: about a quarter left)
        ("Co-60", date(2026, 1, 1), date(2036, 1, 1), 0.2685373),
        # 10957 d / 11018.533275 d = 0.994416 → 0.501939
        ("Cs-137", date(2026, 1, 1), date(2056, 1, 1), 0.5019392),
    ],
)
def test_worked_decay(code: str, reference: date, on: date, fraction: float) -> None:
    a0 = 3.7e10  # 1 Ci
    assert activity_on(code, a0, reference, on) == pytest.approx(a0 * fraction, rel=1e-6)


def test_one_half_life_halves() -> None:
    # 74 d is 1.002343 half-lives of Ir-192 (73.827 d): 2^−1.002343 = 0.499189, just under half
    assert activity_on("Ir-192", 1.0, date(2026, 1, 1), date(2026, 3, 16)) == pytest.approx(
        2 ** (-74 / 73.827), rel=1e-12
    )
    assert 2 ** (-74 / 73.827) == pytest.approx(0.499189, rel=1e-5)
