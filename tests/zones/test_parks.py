"""The zero-direct-discharge park lifecycle (pure): every legal step, every illegal one named
with its state and the allowed events, and the guard that a passing step needs every
construction task at 100 %."""

from __future__ import annotations

import pytest

from qingshan.errors import IllegalStep
from qingshan.zones.parks import (
    TASK_KINDS,
    BadPark,
    IllegalParkStep,
    ParkEvent,
    ParkState,
    check_percent,
    events_from,
    fire,
    park_boundary,
)

DONE = (100.0, 100.0)
S = ParkState


@pytest.mark.parametrize(
    ("state", "event", "result", "after"),
    [
        (S.BUILDING, "self_check", "pass", S.SELF_CHECKED),
        (S.BUILDING, "self_check", "fail", S.RECTIFYING),
        (S.RECTIFYING, "self_check", "pass", S.SELF_CHECKED),
        (S.DOWNGRADED, "self_check", "pass", S.SELF_CHECKED),
        (S.SELF_CHECKED, "city_review", "pass", S.CITY_PASSED),
        (S.SELF_CHECKED, "city_review", "fail", S.RECTIFYING),
        (S.CITY_PASSED, "provincial_acceptance", "pass", S.ACCEPTED),
        (S.CITY_PASSED, "provincial_acceptance", "fail", S.RECTIFYING),
        (S.ACCEPTED, "relapse", None, S.DOWNGRADED),
    ],
)
def test_legal_steps(state, event, result, after):
    assert fire(state, event, result, task_percents=DONE) is after


@pytest.mark.parametrize(
    ("state", "event", "allowed"),
    [
        (S.BUILDING, "city_review", "self_check"),
        (S.BUILDING, "provincial_acceptance", "self_check"),
        (S.SELF_CHECKED, "provincial_acceptance", "city_review"),
        (S.SELF_CHECKED, "self_check", "city_review"),
        (S.CITY_PASSED, "city_review", "provincial_acceptance"),
        (S.ACCEPTED, "self_check", "relapse"),
        (S.RECTIFYING, "relapse", "self_check"),
    ],
)
def test_illegal_steps_name_event_state_and_allowed(state, event, allowed):
    result = None if event == "relapse" else "pass"
    with pytest.raises(IllegalParkStep,
                       match=rf"event '{event}' is not allowed in state '{state.value}' "
                             rf"\(allowed: {allowed}\)") as info:  # fmt: skip
        fire(state, event, result, task_percents=DONE)
    assert isinstance(info.value, IllegalStep) and info.value.status_code == 409


def test_a_pass_needs_every_task_at_100():
    with pytest.raises(
        IllegalParkStep, match=r"'self_check' .* 1 construction task\(s\) below 100 %"
    ):
        fire(S.BUILDING, "self_check", "pass", task_percents=(100.0, 99.5))
    with pytest.raises(IllegalParkStep, match="the park has no construction task"):
        fire(S.CITY_PASSED, "provincial_acceptance", "pass", task_percents=())
    # failing needs no complete task: the park goes back to rectification
    assert fire(S.BUILDING, "self_check", "fail", task_percents=(40.0,)) is S.RECTIFYING


def test_bad_events_results_and_percents():
    with pytest.raises(BadPark, match="event: 'approve' is not one of self_check, city_review"):
        fire(S.BUILDING, "approve", "pass", task_percents=DONE)
    with pytest.raises(BadPark, match="result: 'ok' is not pass or fail"):
        fire(S.BUILDING, "self_check", "ok", task_percents=DONE)
    with pytest.raises(BadPark, match="result: a relapse has no pass/fail result"):
        fire(S.ACCEPTED, "relapse", "fail")
    with pytest.raises(BadPark, match="percent: must be 0–100, got 101"):
        check_percent(101)
    with pytest.raises(BadPark, match="percent: must be 0–100, got nan"):
        check_percent(float("nan"))
    assert events_from(S.ACCEPTED) == [ParkEvent.RELAPSE]
    assert TASK_KINDS["rain_sewage_separation"][0] == "雨污分流"


def test_boundary_checks():
    sq = {"type": "Polygon", "coordinates": [[[120.1, 30.2], [120.12, 30.2], [120.12, 30.22],
                                              [120.1, 30.22], [120.1, 30.2]]]}  # fmt: skip
    assert park_boundary(sq).area > 0
    bow = {"type": "Polygon", "coordinates": [[[120.1, 30.2], [120.12, 30.22], [120.12, 30.2],
                                               [120.1, 30.22], [120.1, 30.2]]]}  # fmt: skip
    with pytest.raises(BadPark, match=r"boundary: invalid geometry: Self-intersection"):
        park_boundary(bow)
    swapped = {"type": "Polygon", "coordinates": [[[y, x] for x, y in sq["coordinates"][0]]]}
    with pytest.raises(BadPark, match="boundary: outside Zhejiang"):
        park_boundary(swapped)
    with pytest.raises(BadPark, match="boundary: a GeoJSON Polygon or MultiPolygon, got 'Point'"):
        park_boundary({"type": "Point", "coordinates": [120.1, 30.2]})
