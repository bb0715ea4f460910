"""The demo's year of complaints and central-inspection hand-overs, planned (pure, full size):
complaints spread by population, every case given a life, relapses."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np

from qingshan.sim.case_plans import EnterpriseRow, plan_cases
from qingshan.sim.population import POPULATION_2020, PROVINCE_POPULATION_2020

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def test_the_census_figures_add_up_to_the_province():
    assert sum(POPULATION_2020.values()) == PROVINCE_POPULATION_2020 == 64_567_588
    assert len(POPULATION_2020) == 11


def test_the_plan_spreads_complaints_by_population_and_lives_them():
    ents = [EnterpriseRow(i, f"企业{i}", code, 120.0, 30.0)
            for i, code in enumerate(["330106", "330203", "330302", "330602"] * 5)]  # fmt: skip
    plans = plan_cases(np.random.default_rng(7), now=NOW, enterprises=ents)
    complaints = [p for p in plans if p.draft.source_key.startswith("demo:complaint:")]
    by_city = Counter(p.draft.region_code[:4] + "00" for p in complaints)
    for city, pop in POPULATION_2020.items():  # the enterprise complaints stay in their city
        assert by_city[city] == round(1000 * pop / PROVINCE_POPULATION_2020)
    assert by_city["330100"] == 185 and by_city["330900"] == 18  # 杭州 and 舟山
    assert len(complaints) == 1001  # about a thousand: each city rounded
    handovers = [p for p in plans if p.draft.source == "central_inspection"]
    assert len(handovers) == 50 and {p.draft.severity for p in handovers} == {"serious", "major"}
    relapses = [p for p in plans if p.draft.source_key.startswith("demo:relapse:")]
    assert relapses and all(p.draft.enterprise_id is not None for p in relapses)
    for p in plans:
        assert p.steps[0].action == "register" and p.steps[0].at > NOW - timedelta(days=366)
        assert all(a.at <= b.at for a, b in zip(p.steps, p.steps[1:], strict=False))
        assert all(s.at < NOW for s in p.steps)
    last = Counter(p.steps[-1].action for p in plans)
    assert last["close"] / len(plans) > 0.6  # most closed
    assert last["start"] > 0 and last["submit"] + last["return"] > 0  # some stuck or running
    assert last["cancel"] > 0
    assert sum(1 for p in plans if any(s.action == "return" for s in p.steps)) > 50
