"""The double-random draw (issue #12): reproducible with a seed, stratified by county, weights
raise the draw frequency measurably over many seeds, never more than the ratio, exclusions,
the same-county rule and too few inspectors."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from qingshan.enforcement.draw import (
    ALGORITHM,
    Candidate,
    DrawInputs,
    Inspector,
    canonical,
    inputs_from_json,
    quota,
    run_draw,
    sha256_hex,
)
from qingshan.enforcement.errors import BadEnforcementInput, TooFewInspectors
from qingshan.enforcement.weights import candidate_factors, draw_weights, weight_of

#: two counties of 杭州: 西湖 330106 (10 enterprises), 滨江 330108 (5)
CANDIDATES = tuple(Candidate(i, "330106", 1.0) for i in range(1, 11)) + tuple(
    Candidate(i, "330108", 1.0) for i in range(11, 16)
)
#: inspectors: 3 in 西湖, 3 in 滨江, 2 at the city
ROSTER = tuple(Inspector(i, c) for i, c in
               [(101, "330106"), (102, "330106"), (103, "330106"), (201, "330108"),
                (202, "330108"), (203, "330108"), (301, "330100"), (302, "330100")])  # fmt: skip


def inputs(seed=7, **kw) -> DrawInputs:
    base = dict(seed=seed, ratio=0.25, per_task=2, same_county=False, candidates=CANDIDATES,
                inspectors=ROSTER, population={"330106": 10, "330108": 5})  # fmt: skip
    return DrawInputs(**(base | kw))


def test_quota_is_the_ceiling_of_ratio_times_population():
    assert [quota(0.25, n) for n in (0, 1, 4, 5, 10, 100)] == [0, 1, 1, 2, 3, 25]
    assert quota(0.05, 20) == 1 and quota(0.1, 30) == 3  # 0.1 × 30 = 3.0000000000000004
    assert quota(0.25, 10, already=2) == 1 and quota(0.25, 10, already=5) == 0


def test_the_same_seed_gives_the_same_draw_and_another_seed_another():
    a, b = run_draw(inputs(seed=42)), run_draw(inputs(seed=42))
    assert a == b
    draws = {tuple(t.enterprise_id for t in run_draw(inputs(seed=s)).tasks) for s in range(20)}
    assert len(draws) > 10


def test_pinned_draw_for_seed_2021():
    """The draw of seed 2021 on these inputs, pinned: a change of algorithm (or of NumPy's
    PCG64 stream) would break every published draw's verification."""
    r = run_draw(inputs(seed=2021))
    assert [(t.enterprise_id, t.inspectors) for t in r.tasks] == PINNED


PINNED = [(1, (102, 103)), (2, (201, 202)), (10, (301, 302)), (11, (101, 202)), (15, (202, 203))]


def test_the_documented_algorithm_written_out_gives_the_same_enterprises():
    """An independent re-implementation of step 2 of the documented algorithm (what a
    third party would write from docs/enforcement.md) draws the same enterprises."""
    import math

    import numpy as np

    rng = np.random.Generator(np.random.PCG64(2021))
    drawn = []
    for _code, ids, k in (("330106", list(range(1, 11)), 3), ("330108", list(range(11, 16)), 2)):
        u = rng.random(len(ids))
        keys = {i: math.log(x) / 1.0 for i, x in zip(ids, u, strict=True)}
        drawn += sorted(ids, key=lambda i: (-keys[i], i))[:k]
    assert sorted(drawn) == [e for e, _ in PINNED]


def test_stratified_quota_per_county():
    """ceil(25 % × 10) = 3 in 西湖 and ceil(25 % × 5) = 2 in 滨江, whatever the seed."""
    for seed in range(50):
        r = run_draw(inputs(seed=seed))
        assert r.quotas == {"330106": 3, "330108": 2}
        assert Counter(t.stratum for t in r.tasks) == {"330106": 3, "330108": 2}
        assert len({t.enterprise_id for t in r.tasks}) == 5  # no enterprise twice


def test_already_drawn_ones_count_against_the_quota():
    rest = tuple(c for c in CANDIDATES if c.id not in (1, 2))
    r = run_draw(inputs(candidates=rest, already_drawn={"330106": 2}))
    assert r.quotas == {"330106": 1, "330108": 2}
    assert {t.enterprise_id for t in r.tasks}.isdisjoint({1, 2})


def test_weights_raise_the_frequency_measurably_within_the_ratio():
    """Enterprise 1 weighs 3 (poor credit), the others 1: over 2,000 seeds it is drawn in
    about 3/4 of the draws of 西湖 (3 of 10), the others in about 1/4 — and never more than 3
    are drawn in 西湖."""
    cands = tuple(Candidate(c.id, c.stratum, 3.0 if c.id == 1 else 1.0) for c in CANDIDATES)
    seen: Counter[int] = Counter()
    n = 2000
    for seed in range(n):
        r = run_draw(inputs(seed=seed, candidates=cands, inspectors=ROSTER))
        xihu = [t.enterprise_id for t in r.tasks if t.stratum == "330106"]
        assert len(xihu) == 3
        seen.update(xihu)
    heavy = seen[1] / n
    light = sum(seen[i] for i in range(2, 11)) / 9 / n
    assert 0.60 < heavy < 0.75  # the exact inclusion probability of A-ES here is ≈ 0.676
    assert 0.22 < light < 0.28
    assert heavy > 2.3 * light


def test_weight_factors_are_data():
    w = draw_weights()
    assert "[U]" in w.source
    f = candidate_factors("poor", True, True, w)
    assert f == {
        "credit:poor": w.credit["poor"],
        "key_unit": w.key_unit,
        "risk": w.risk,
    }
    assert weight_of(f) == round(w.credit["poor"] * w.key_unit * w.risk, 6)
    assert candidate_factors("good", False, False, w) == {}
    assert weight_of({}) == 1.0


def test_two_inspectors_per_task_never_excluded_ones():
    excl = {e: {101: "conflict", 102: "recent_inspection"} for e in range(1, 16)}
    for seed in range(30):
        for t in run_draw(inputs(seed=seed, exclusions=excl)).tasks:
            assert len(set(t.inspectors)) == 2
            assert not {101, 102} & set(t.inspectors)


def test_same_county_rule():
    for seed in range(30):
        r = run_draw(inputs(seed=seed, same_county=True))
        county = {i.id: i.county for i in ROSTER}
        for t in r.tasks:
            assert all(county[i] != t.stratum for i in t.inspectors)


def test_work_is_spread_over_the_roster():
    """25 tasks on 8 inspectors (50 assignments): with the load factor nobody gets more than
    twice the mean."""
    cands = tuple(Candidate(i, "330106", 1.0) for i in range(1, 101))
    r = run_draw(inputs(seed=3, ratio=0.25, candidates=cands, population={"330106": 100}))
    load = Counter(i for t in r.tasks for i in t.inspectors)
    assert sum(load.values()) == 50 and max(load.values()) <= 2 * 50 / 8


def test_too_few_inspectors_refuses_the_whole_draw():
    """With the same-county rule and conflicts, enterprise 11 (滨江) keeps only one eligible
    inspector: the draw is refused, naming the enterprise and why."""
    roster = (Inspector(101, "330106"), Inspector(201, "330108"), Inspector(202, "330108"))
    excl = {e: {101: "conflict"} for e in range(11, 16)}
    with pytest.raises(
        TooFewInspectors,
        match=r"too few eligible inspectors \(2 needed per task\) for 2 of 5 drawn enterprises: "
        r"enterprise \d+ \(330108\): 0 eligible of 3 on the roster, excluded: 1 conflict, "
        r"2 same_county",
    ):
        run_draw(inputs(seed=1, same_county=True, inspectors=roster, exclusions=excl))


def test_an_empty_roster_is_refused():
    with pytest.raises(TooFewInspectors, match=r"0 eligible of 0 on the roster"):
        run_draw(inputs(inspectors=()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seed": -1}, r"seed: an integer in 0 … 2⁵³−1, got -1"),
        ({"ratio": 0}, r"ratio: a share in \(0, 1\], got 0"),
        ({"ratio": 1.5}, r"ratio: a share in \(0, 1\], got 1.5"),
        ({"per_task": 0}, r"per_task: 1 to 10 inspectors a task, got 0"),
        ({"candidates": (Candidate(1, "330106", 0.0),)}, r"candidates\[1\]\.weight: > 0, got 0.0"),
        ({"candidates": (Candidate(1, "330106", 1), Candidate(1, "330106", 1))},
         r"enterprise 1 is listed twice"),
        ({"candidates": (Candidate(1, "330110", 1.0),)}, r"candidates\[1\]\.stratum: 330110 has no population"),
    ],
)  # fmt: skip
def test_bad_inputs_are_named(change, message):
    with pytest.raises(BadEnforcementInput, match=message):
        run_draw(inputs(**change))


def test_inputs_round_trip_through_the_canonical_file():
    inp = inputs(seed=99, exclusions={3: {101: "conflict"}}, meta={"plan": 1})
    data = canonical(inp.as_json())
    assert data.endswith(b"\n") and b'", "' not in data and b'": ' not in data
    back = inputs_from_json(json.loads(data))
    assert canonical(back.as_json()) == data
    assert run_draw(back) == run_draw(inp)
    assert sha256_hex(data) == sha256_hex(canonical(back.as_json()))
    assert inp.as_json()["algorithm"] == ALGORITHM


def test_a_file_of_another_algorithm_is_refused():
    obj = inputs().as_json() | {"algorithm": "other"}
    with pytest.raises(BadEnforcementInput, match=r"algorithm: 'other'; this version re-runs"):
        inputs_from_json(obj)
    with pytest.raises(BadEnforcementInput, match=r"inputs: not a draw inputs file"):
        inputs_from_json({"algorithm": ALGORITHM})
