"""The gas area's pure core: set-points from the data (GB/T 50493-2019 × GBZ 2.1-2019 OELs,
[MC] — asserted from the data's own values, not hand-typed), ppm → mg/m³, the alarm rule
(raise, escalate on AL2 or persisting, clear after M readings below, flagged readings not
judged), the acknowledgement window, and the Gaussian plume screening estimate with a worked
case computed by hand (class D, 500 m)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from qingshan.emergency.gas import plume
from qingshan.emergency.gas.alarms import alarm_step, case_due
from qingshan.emergency.gas.errors import UnknownSubstance
from qingshan.emergency.gas.thresholds import (
    _data,
    alarm_rule,
    mg_m3_from_ppm,
    threshold_of,
    thresholds,
)

T0 = datetime(2026, 6, 3, 2, 30, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_set_points_are_100_and_200_percent_of_the_oel_in_the_data():
    data = _data()
    assert data["factors"]["al1"] == 1.0 and data["factors"]["al2"] == 2.0
    for code, entry in data["substances"].items():
        th = threshold_of(code)
        assert (th.al1, th.al2) == (entry["oel"], 2 * entry["oel"])
        assert th.confidence in ("confirmed", "MC", "U") and th.source
    # the substances the brief names, Cl2 included (HJ 212 code a21022 [MC])
    assert {"a21028", "a21001", "a21024", "a25002", "a25003", "a25005", "a24088",
            "a21022"} <= set(thresholds())  # fmt: skip


def test_unknown_substance_names_the_known_ones():
    with pytest.raises(
        UnknownSubstance, match=r"unknown substance 'a99999': thresholds exist for a21001"
    ):
        threshold_of("a99999")


def test_ppm_to_mg_m3_at_the_reference_conditions():
    # ideal gas: Vm(20 ℃, 101.325 kPa) = 22.414 × 293.15 / 273.15 = 24.055 L/mol
    vm = 22.414 * 293.15 / 273.15
    assert mg_m3_from_ppm(10, 34.08) == pytest.approx(10 * 34.08 / vm)
    assert mg_m3_from_ppm(1, 70.90, temperature_c=25) == pytest.approx(70.90 / 24.465, rel=1e-3)
    with pytest.raises(ValueError, match="not a physical gas state"):
        mg_m3_from_ppm(1, 34.08, pressure_kpa=0)


def _run(values, code="a21028", flags=None):
    th, rule = threshold_of(code), alarm_rule()
    state, events = None, []
    for i, v in enumerate(values):
        state, ev = alarm_step(
            state, T0 + i * MIN, v, th, rule, None if flags is None else flags[i]
        )
        events.extend((i, e.kind, e.level, e.reason) for e in ev)
    return state, events


def test_alarm_raised_at_al1_escalated_at_al2_cleared_after_m_below():
    th, rule = threshold_of("a21028"), alarm_rule()
    below = th.al1 * 0.5
    values = [below, th.al1, th.al1 * 1.1, th.al2, below, below] + [below] * rule.clear_intervals
    state, events = _run(values)
    assert events[0] == (1, "raise", 1, "al1")
    assert events[1] == (3, "escalate", 2, "al2")
    assert events[2] == (3 + rule.clear_intervals, "clear", 2, "")
    assert state is None


def test_alarm_persisting_escalates_and_flagged_readings_are_not_judged():
    th, rule = threshold_of("a21022"), alarm_rule()
    n = rule.persist_intervals
    _, events = _run([th.al1 * 1.2] * n, code="a21022")
    assert events == [(0, "raise", 1, "al1"), (n - 1, "escalate", 2, "persisting")]
    # a reading ≥ AL2 at once raises level 2; one under calibration (C) raises nothing
    _, events = _run([th.al2 * 3, th.al2], code="a21022", flags=["C", "N"])
    assert events == [(1, "raise", 2, "al2")]


def test_case_due_after_the_acknowledgement_window():
    rule = alarm_rule()
    assert not case_due(1, T0, None, T0 + rule.ack_window - MIN, rule)
    assert case_due(1, T0, None, T0 + rule.ack_window, rule)
    assert not case_due(1, T0, T0 + MIN, T0 + 2 * rule.ack_window, rule)
    assert not case_due(2, T0, None, T0 + 2 * rule.ack_window, rule)


def test_plume_worked_case_class_d_500_m():
    # Q = 1 g/s, u = 5 m/s, ground-level source, x = 500 m, class D (Briggs rural):
    # σy = 0.08·500/√(1 + 0.0001·500) = 40/√1.05 = 39.036 m
    # σz = 0.06·500/√(1 + 0.0015·500) = 30/√1.75 = 22.678 m
    # C = Q/(π σy σz u) = 1/(π · 39.036 · 22.678 · 5) g/m³ = 7.1914e-5 g/m³ = 0.071914 mg/m³
    sy, sz = plume.briggs_rural_sigmas(500, "D")
    assert (round(sy, 3), round(sz, 3)) == (39.036, 22.678)
    assert plume.centreline_concentration(1.0, 5.0, 500, "D") == pytest.approx(0.071914, abs=1e-6)
    # a release height lowers the ground-level value by exp(−H²/2σz²)
    c10 = plume.centreline_concentration(1.0, 5.0, 500, "D", height=10)
    assert c10 == pytest.approx(0.071914 * math.exp(-100 / (2 * 22.678**2)), rel=1e-4)


def test_stability_class_turner_table():
    assert plume.stability_class(5.5, daytime=True, insolation="slight") == "D"
    assert plume.stability_class(1.0, daytime=True, insolation="strong") == "A"
    assert plume.stability_class(2.5, daytime=False, night_cloud_oktas=2) == "F"
    assert plume.stability_class(4.0, daytime=False, night_cloud_oktas=5) == "D"
    assert plume.stability_class(1.0, daytime=True, overcast=True) == "D"
    with pytest.raises(ValueError, match="wind speed -1 m/s"):
        plume.stability_class(-1, daytime=True)


def test_plume_sector_points_downwind():
    # wind from the north (0°): the plume goes south, the sector's far points lie south
    est = plume.plume_estimate(121.0, 30.0, 20.0, 0.0, 5.5, daytime=True, insolation="slight")
    assert est.stability == "D" and est.bearing == 180.0
    lats = [p[1] for p in est.sector[1:-1]]
    assert max(lats) < 30.0 and min(lats) < 30.0 - 0.04  # 5 km ≈ 0.045°
    assert est.sector[0] == est.sector[-1] == [121.0, 30.0]
    # the back-estimated source reproduces the station's reading at the station
    back = plume.centreline_concentration(est.emission_rate, 5.5, est.source_distance, "D")
    assert back == pytest.approx(20.0)
    assert [d for d, _ in est.concentrations] == [500.0, 1000.0, 2000.0, 5000.0]
    assert all(
        a[1] > b[1] for a, b in zip(est.concentrations, est.concentrations[1:], strict=False)
    )
