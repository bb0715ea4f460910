"""The carbon roll-ups on a hand-made results frame, every figure worked by hand below."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from qingshan.carbon import rollups
from qingshan.carbon.grading import CarbonCode, carbon_code

# enterprise 1: power (D44) in 西湖区 330106, months 2025-01 (100 t, VA 10) and 2025-02 (200 t,
# no value added); enterprise 2: cement (C30) 330102, 2025-01 (50 t, VA 25) and 2026-01 (80 t,
# VA 20); enterprise 3: power (D44) in Ningbo 330203, 2025-01 (30 t, VA 30, biomass 5 t apart).
ROWS = [
    (1, "甲电厂", "330106", "330100", "power", "D4411", date(2025, 1, 1), 60, 40, 0, 100, 10.0),
    (1, "甲电厂", "330106", "330100", "power", "D4411", date(2025, 2, 1), 150, 50, 0, 200, None),
    (2, "乙水泥", "330102", "330100", "cement", "C3011", date(2025, 1, 1), 45, 5, 0, 50, 25.0),
    (2, "乙水泥", "330102", "330100", "cement", "C3011", date(2026, 1, 1), 70, 10, 0, 80, 20.0),
    (3, "丙热电", "330203", "330200", "power", "D4412", date(2025, 1, 1), 25, 5, 5, 30, 30.0),
]


def frame() -> pd.DataFrame:
    cols = [c for c in rollups.COLUMNS if c != "electricity_mwh"]
    f = pd.DataFrame(ROWS, columns=cols)
    f["electricity_mwh"] = 1.0
    return f[list(rollups.COLUMNS)]


def test_by_county_sums_and_intensity_over_months_with_value_added():
    out = rollups.by_region(rollups.of_year(frame(), 2025), "county").set_index("region_code")
    assert list(out.index) == ["330106", "330102", "330203"]  # largest total first
    assert out.loc["330106", "total_tco2"] == 300  # 100 + 200
    # intensity from the month with value added only: 100 t / 10 (10^4 yuan) = 10
    assert out.loc["330106", "intensity"] == pytest.approx(10.0)
    assert out.loc["330106", "months_without_va"] == 1
    assert out.loc["330102", "intensity"] == pytest.approx(2.0)  # 50 / 25
    assert out.loc["330203", "biomass_tco2"] == 5  # apart, not in the 30 t total


def test_by_city_groups_counties():
    out = rollups.by_region(rollups.of_year(frame(), 2025), "city").set_index("city_code")
    assert out.loc["330100", "total_tco2"] == 350  # 300 + 50
    assert out.loc["330100", "enterprises"] == 2
    # (100 + 50) / (10 + 25) = 4.2857…
    assert out.loc["330100", "intensity"] == pytest.approx(150 / 35)
    assert out.loc["330100", "scope1_tco2"] == 255  # 60 + 150 + 45
    with pytest.raises(ValueError, match="level must be one of \\['city', 'county'\\]"):
        rollups.by_region(frame(), "town")


def test_by_year_counts_the_months_covered():
    out = rollups.by_year(frame()).set_index("year")
    assert out.loc[2025, "total_tco2"] == 380
    assert out.loc[2025, "months"] == 2
    assert out.loc[2026, "total_tco2"] == 80
    assert out.loc[2026, "months"] == 1


def test_by_month_in_order():
    out = rollups.by_month(frame())
    assert [str(m) for m in out["month"]] == ["2025-01-01", "2025-02-01", "2026-01-01"]
    assert list(out["total_tco2"]) == [180, 200, 80]


def codes() -> dict[int, CarbonCode]:
    # grades as the service gives them: K = intensity / industry average
    return {1: carbon_code(10.0, 3.25),  # K 3.08 > 2.0: grade 5
            3: carbon_code(1.0, 3.25),  # K 0.31 <= 0.6: grade 1
            2: carbon_code(2.0, 2.0)}  # K 1.0: grade 3  # fmt: skip


def test_codes_frame_joins_the_grades_of_the_year():
    out = rollups.codes_frame(rollups.of_year(frame(), 2025), codes()).set_index("enterprise_id")
    assert out.loc[1, "grade"] == 5
    assert out.loc[1, "k"] == pytest.approx(10 / 3.25)
    assert out.loc[1, "total_tco2"] == 300  # the year's total beside its code
    assert out.loc[3, "grade"] == 1
    assert out.loc[2, "grade"] == 3
    assert out.loc[2, "level"] == "medium"  # 0.6 < L = 2.0 <= 2.0
    counts = rollups.grade_counts(out)
    assert counts.iloc[0].to_dict() == {"g1": 1, "g2": 0, "g3": 1, "g4": 0, "g5": 1, "ungraded": 0}


def test_an_enterprise_without_a_code_is_ungraded():
    c = codes() | {1: carbon_code(None, 3.25)}
    out = rollups.codes_frame(rollups.of_year(frame(), 2025), c).set_index("enterprise_id")
    assert pd.isna(out.loc[1, "grade"])
    assert rollups.grade_counts(out).loc[0, "ungraded"] == 1
    del c[3]  # no code at all
    out = rollups.codes_frame(rollups.of_year(frame(), 2025), c)
    assert rollups.grade_counts(out).loc[0, "ungraded"] == 2


def test_by_industry_share_and_grades():
    f = rollups.of_year(frame(), 2025)
    out = rollups.by_industry(f, rollups.codes_frame(f, codes())).set_index("industry")
    assert out.loc["power", "total_tco2"] == 330
    assert out.loc["power", "share"] == pytest.approx(330 / 380)
    assert out.loc["cement", "share"] == pytest.approx(50 / 380)
    assert (out.loc["power", "g1"], out.loc["power", "g5"]) == (1, 1)
    assert out.loc["cement", "g3"] == 1


def test_change_and_contribution_between_two_periods():
    f = frame()
    before = rollups.of_months(f, date(2025, 1, 1), date(2025, 1, 1))
    after = rollups.of_months(f, date(2026, 1, 1), date(2026, 1, 1))
    c = rollups.change(before, after)
    assert (c.before, c.after, c.change) == (180, 80, -100)
    assert c.relative == pytest.approx(-100 / 180)
    out = rollups.contribution(before, after)
    # by size of the change: 1 (-100), then 2 (+30) and 3 (-30), increases listed first on a tie
    assert list(out["enterprise_id"]) == [1, 2, 3]
    assert list(out["change"]) == [-100, 30, -30]
    assert list(out["share_of_change"]) == pytest.approx([1.0, -0.3, 0.3])  # of the net -100
    assert out.loc[0, "name"] == "甲电厂"
    assert list(rollups.contribution(before, after, top=1)["enterprise_id"]) == [1, 2]


def test_trajectory_against_the_peak_path_prorates_a_part_year():
    out = rollups.trajectory(frame(), {2025: 400.0, 2026: 1200.0, 2027: 300.0}).set_index("year")
    assert out.loc[2025, "actual"] == 380
    assert out.loc[2025, "gap"] == pytest.approx(-20)
    # 2026: one month of data against 1/12 of the path: 80 - 100 = -20
    assert out.loc[2026, "pace"] == pytest.approx(100)
    assert out.loc[2026, "gap_pace"] == pytest.approx(-20)
    assert pd.isna(out.loc[2027, "actual"])
    assert out.loc[2027, "months"] == 0
    # the years between the data and a far path year are rows too, without a target
    far = rollups.trajectory(frame(), {2030: 1.0})
    assert list(far["year"]) == [2025, 2026, 2027, 2028, 2029, 2030]
    assert far["target"].isna().sum() == 5


def test_empty_frame_rolls_up_to_empty_tables():
    f = rollups.empty_frame()
    assert rollups.by_region(f).empty
    assert rollups.by_year(f).empty
    assert rollups.codes_frame(f, {}).empty
    assert rollups.trajectory(f, {2030: 5.0}).loc[0, "target"] == 5.0
