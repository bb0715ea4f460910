"""The water forecast's pure core: split-conformal quantiles and coverage, the forecast class
from GB 3838-2002 Table 1 values, the miss probability on a hand-built distribution, and the
skill gained from an upstream section on a planted river."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qingshan.forecast.water import (
    conformal_quantile,
    forecast_panel,
    interval_coverage,
    upstream_skill,
)
from qingshan.forecast.water_panel import Panel, infer_step, panel_from_rows
from qingshan.forecast.water_risk import (
    forecast_classes,
    miss_probability,
    section_miss,
    target_limit,
)
from qingshan.sim.noise import ar1
from qingshan.sim.rivers import couple_downstream

START = pd.Timestamp("2026-01-01T00:00Z")


def _panel(n: int = 12, days: int = 150, links=None, seed: int = 3) -> Panel:
    """Hourly AR(1) log-noise around fixed levels; ``links`` (down, up, lag h) couple rows."""
    rng = np.random.default_rng(seed)
    t = days * 24
    noise = ar1(rng, (n, t), 0.97, 0.3)
    if links:
        noise = couple_downstream(noise, links, weight=0.8)
    level = np.linspace(2.0, 6.0, n)[:, None]
    times = pd.date_range(START, periods=t, freq="1h")
    upstream = {down: (up, float(lag)) for down, up, lag in (links or [])}
    return Panel(tuple(f"S{i:02d}" for i in range(n)), times, 1, level * np.exp(noise), upstream)


def test_conformal_quantile_takes_the_finite_sample_rank():
    scores = np.arange(1.0, 20.0)  # n = 19
    assert conformal_quantile(scores, 0.95) == 19.0  # ⌈20 × 0.95⌉ = 19
    assert conformal_quantile(scores, 0.9) == 18.0  # ⌈20 × 0.9⌉ = 18
    assert conformal_quantile(scores, 0.05) == 1.0  # ⌊20 × 0.05⌋ = 1
    assert conformal_quantile(scores, 0.1) == 2.0  # ⌊20 × 0.1⌋ = 2
    assert conformal_quantile(scores, 0.5) == 10.0  # ⌈20 × 0.5⌉ = 10
    assert conformal_quantile(np.arange(1.0, 5.0), 0.95) == 4.0  # clamped to the sample
    assert np.isnan(conformal_quantile(np.array([]), 0.5))


def test_split_conformal_intervals_cover_about_90_percent():
    panel = _panel()
    issues = list(pd.date_range("2026-04-10T00:00Z", periods=12, freq="3D"))
    cov = interval_coverage(panel, issues)
    assert set(cov["period"]) == {"day", "hour"}
    assert len(cov) == 7 + 24
    overall = (cov["coverage"] * cov["n"]).sum() / cov["n"].sum()
    assert 0.85 <= overall <= 0.95
    assert cov["coverage"].min() > 0.7


def test_forecasts_use_only_values_complete_at_the_issue():
    panel = _panel(n=4, days=60)
    issued = pd.Timestamp("2026-02-20T00:00Z")
    before = forecast_panel(panel, issued)
    spoiled = panel.values.copy()
    spoiled[:, panel.times >= issued] *= 50.0  # the future changes: the forecast must not
    after = forecast_panel(Panel(panel.codes, panel.times, 1, spoiled, {}), issued)
    assert len(before.leads) == len(after.leads) == 31
    for a, b in zip(before.leads, after.leads, strict=True):
        assert np.allclose(a.quantile(0.5), b.quantile(0.5))
    day1 = [lf for lf in before.leads if lf.period == "day"][0]
    assert day1.target_time == pd.Timestamp("2026-02-20T16:00Z")  # CST 2026-02-21 00:00


def test_the_hourly_path_follows_a_4_hour_station():
    panel = _panel(n=4, days=60)
    keep = np.arange(len(panel.times)) % 4 == 0
    rows = pd.DataFrame({
        "code": np.repeat(panel.codes, keep.sum()),
        "time": np.tile(panel.times[keep], 4),
        "value": panel.values[:, keep].ravel(),
    })  # fmt: skip
    assert infer_step(rows["time"]) == 4
    p4 = panel_from_rows(rows, list(panel.codes), panel.times[-1] + pd.Timedelta(hours=1), 60)
    assert p4.step_hours == 4 and p4.values.shape == (4, 360)
    leads = forecast_panel(p4, pd.Timestamp("2026-02-20T00:00Z")).leads
    assert [lf.lead for lf in leads if lf.period == "hour"] == [4, 8, 12, 16, 20, 24]
    assert [lf.lead for lf in leads if lf.period == "day"] == list(range(1, 8))


def test_forecast_class_from_gb3838_table_1():
    # DO 5.5 ≥ 5 (III); CODMn 3.9 ≤ 4 (II); NH3-N 0.5 ≤ 0.5 (II, limits inclusive);
    # TP 0.21 > 0.2 river (IV), > 0.2 lake (worse than V)
    values = pd.DataFrame(
        {"DO": [5.5, 7.5], "CODMn": [3.9, 2.0], "NH3_N": [0.5, 0.15], "TP": [0.21, 0.02]}
    )
    assert forecast_classes(values, "river").tolist() == ["IV", "I"]
    assert forecast_classes(values.iloc[:1], "lake").tolist() == ["劣V"]
    assert target_limit("DO", "III") == 5.0
    assert target_limit("CODMn", "Ⅱ") == 4.0
    assert target_limit("TP", "III", "lake") == 0.05
    assert target_limit("TP", "III", "river") == 0.2
    with pytest.raises(ValueError, match="no GB 3838-2002 limit"):
        target_limit("DO", "劣V")


def test_miss_probability_on_a_hand_built_distribution():
    scores = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])  # n = 5: probabilities in sixths
    # an upper limit 0.5 above the point: scores 1 and 2 exceed it → 2 / 6
    assert miss_probability(np.array([0.0]), scores, np.array([0.5]))[0] == pytest.approx(2 / 6)
    # exactly on a score: only the larger one misses (value = limit meets it) → 1 / 6
    assert miss_probability(np.array([0.0]), scores, np.array([1.0]))[0] == pytest.approx(1 / 6)
    # DO, a lower limit 0.5 below the point: scores −2 and −1 fall short → 2 / 6
    assert miss_probability(np.array([0.0]), scores, np.array([-0.5]), lower_limit=True)[
        0
    ] == pytest.approx(2 / 6)
    # far on the safe side: 0; far on the wrong side: 5 / 6 (the conformal rank bound)
    p = miss_probability(np.array([0.0, 0.0]), scores, np.array([9.0, -9.0]))
    assert p.tolist() == pytest.approx([0.0, 5 / 6])
    both, lower = section_miss({"CODMn": np.array([0.5]), "TP": np.array([0.5])})
    assert both[0] == pytest.approx(0.75) and lower[0] == pytest.approx(0.5)


def test_upstream_sections_add_skill_where_the_river_was_planted():
    """Rows 1, 3, 5 are 36 h downstream of 0, 2, 4: the upstream features must cut the error of
    the downstream sections' forecasts within the travel time (what the simulator planted)."""
    links = [(1, 0, 36), (3, 2, 36), (5, 4, 36)]
    panel = _panel(n=8, days=120, links=links, seed=11)
    issues = list(pd.date_range("2026-03-20T00:00Z", periods=15, freq="2D"))
    skill = upstream_skill(panel, issues).set_index(["period", "lead"])["skill"]
    assert skill[("day", 1)] > 0.15
    assert skill[("hour", 24)] > 0.05
    # the gain grows with the lead (persistence already holds what arrived) and is gone once
    # the target lies beyond the travel time (days 3–7: the upstream value is itself a forecast)
    assert skill[("hour", 24)] > skill[("hour", 1)] + 0.05
    assert skill.loc["day"].loc[3:].abs().max() < 0.05
