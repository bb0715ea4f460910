"""The status rule on hand-worked dates, the decomposition rule and the assessment score."""

from __future__ import annotations

from datetime import date

import pytest

from qingshan.targets.assessment import ScoredTarget, parse_method, read_method, score_city
from qingshan.targets.decompose import city_shares, equal_shares
from qingshan.targets.errors import TargetError
from qingshan.targets.status import Status, expected_progress, progress_fraction, status_of

START, END = date(2021, 1, 1), date(2021, 12, 31)  # 364 days


def test_expected_progress_is_the_elapsed_share():
    assert expected_progress(START, END, date(2021, 7, 2)) == 182 / 364 == 0.5
    assert expected_progress(START, END, date(2020, 12, 1)) == 0.0
    assert expected_progress(START, END, date(2022, 3, 1)) == 1.0
    # the 14.1 deadline: 2021-06-30 is 180 days in; on 2021-04-01 (90 days) half is due
    assert expected_progress(START, date(2021, 6, 30), date(2021, 4, 1)) == 90 / 180


@pytest.mark.parametrize(
    ("progress", "status"),
    [(0.45, Status.ON_TRACK), (0.40, Status.ON_TRACK), (0.30, Status.AT_RISK),
     (0.25, Status.AT_RISK), (0.20, Status.BEHIND), (1.0, Status.MET), (None, Status.NO_DATA)],
)  # fmt: skip
def test_status_on_2021_07_02(progress, status):
    e = expected_progress(
        START, END, date(2021, 7, 2)
    )  # 0.5: on track from 0.40, at risk from 0.25
    assert status_of(progress, e, past_deadline=False) is status


def test_past_the_deadline_only_met_is_not_behind():
    assert status_of(0.99, 1.0, past_deadline=True) is Status.BEHIND
    assert status_of(1.0, 1.0, past_deadline=True) is Status.MET


def test_progress_towards_the_value():
    assert progress_fraction(33, 44, ">=") == 0.75  # 33 of 44 parks
    assert progress_fraction(95, 98, ">=", baseline=90) == 5 / 8  # 90 % → 98 %: 5 of 8 points
    assert progress_fraction(50, 44, ">=") == 1.0
    assert progress_fraction(30, 35, "<=") == 1.0
    assert progress_fraction(40, 35, "<=") == 35 / 40
    assert progress_fraction(40, 35, "<=", baseline=45) == 0.5  # 45 → 35: 5 of 10 down
    assert progress_fraction(None, 44, ">=") is None
    with pytest.raises(ValueError, match="unknown comparison '>'"):
        progress_fraction(1, 2, ">")


def test_decomposition_rule():
    cities = [f"33{i:02d}00" for i in range(1, 12)]
    shares = equal_shares(158, cities)  # 158 = 11 × 14 + 4: the first four take 15
    assert list(shares.values()) == [15.0] * 4 + [14.0] * 7
    assert sum(city_shares("sum", 44, cities).values()) == 44  # 4 each
    assert city_shares("each", 92, cities) == dict.fromkeys(cities, 92.0)
    assert city_shares("province", 10, cities) == {}
    assert equal_shares(30.5, cities)["330100"] == 2.77  # 30.5 / 11 = 2.7727…


def test_score_by_status_points_by_hand():
    method = read_method()
    targets = [
        ScoredTarget("8.1", Status.MET, 1.0, weight=2),  # 2 × 100
        ScoredTarget("8.2", Status.AT_RISK, 0.3),  # 1 × 60
        ScoredTarget("9.1", Status.NO_DATA, None),  # 1 × 0
    ]
    assert score_city(targets, method) == (2 * 100 + 60 + 0) / 4 == 65.0
    # the file's weights win over the plan's: main.1 counts 2
    assert score_city([ScoredTarget("main.1", Status.BEHIND, 0.2),
                       ScoredTarget("9.1", Status.ON_TRACK, 0.6)], method) == round(
        (2 * 30 + 90) / 3, 1) == 50.0  # fmt: skip


def test_score_by_progress_and_a_bad_method():
    method = parse_method({"format": "qingshan-assessment/1", "method": "progress"})
    targets = [ScoredTarget("a", Status.AT_RISK, 0.5, 3), ScoredTarget("b", Status.MET, 1.0, 1)]
    assert score_city(targets, method) == 100 * (3 * 0.5 + 1.0) / 4 == 62.5
    with pytest.raises(TargetError, match="method 'median' is not one of status_points, progress"):
        parse_method({"format": "qingshan-assessment/1", "method": "median"})
    with pytest.raises(TargetError, match="points missing for no_data"):
        parse_method({"format": "qingshan-assessment/1", "method": "status_points",
                      "methods": {"status_points": {"points": {"met": 100, "on_track": 90,
                                  "at_risk": 60, "behind": 30}}}})  # fmt: skip
