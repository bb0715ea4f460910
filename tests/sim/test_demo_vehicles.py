"""The demo fleet (synthetic): valid identities, judged tests at a realistic failure rate, the
planted station-fraud patterns present in the data, stored once with its truth table."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import func, select

from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_vehicles import (
    FRAUD_KINDS,
    TRUTH_TABLE,
    build_demo_fleet,
    seed_demo_vehicles,
)
from qingshan.vehicles.identity import plate_problems, vin_problems
from qingshan.vehicles.judge import judge_tests, read_limits
from qingshan.vehicles.models import NonRoadMachine, VehicleEquipment, VehicleStation
from qingshan.vehicles.store import VehicleStore
from qingshan.vehicles.synth import MIN_DURATION_S

NOW = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fleet():
    return build_demo_fleet(now=NOW, n_vehicles=30_000, n_stations=40)


def test_identities_valid_and_unique(fleet):
    v = fleet.vehicles
    assert (vin_problems(v["vin"]) == "").all()
    assert (plate_problems(v["plate"], v["plate_type"]) == "").all()
    assert v["vin"].is_unique and v["plate"].is_unique and fleet.tests["test_id"].is_unique
    assert (
        v["synthetic"].all() and fleet.tests["synthetic"].all() and fleet.truth["synthetic"].all()
    )
    assert set(v.loc[v["fuel"] == "electric", "stage"]) == {""}
    assert set(v.loc[v["fuel"] != "electric", "stage"]) <= {"国III", "国IV", "国V", "国VI"}


def test_passed_is_the_judges_and_the_failure_rate_realistic(fleet):
    t = fleet.tests
    again = judge_tests(t, read_limits())
    assert (again["passed"] == t["passed"]).all()
    init = t[t["kind"] == "initial"]
    assert 0.04 <= 1 - init["passed"].mean() <= 0.10
    assert (t["started_at"] < NOW).all() and (t["ended_at"] > t["started_at"]).all()


def test_planted_patterns_stand_out(fleet):
    t, truth = fleet.tests, fleet.truth
    assert sorted(set(truth["kind"])) == sorted(FRAUD_KINDS)
    planted = set(truth["unit"])
    of = truth.groupby("kind")["unit"].apply(set)
    clean = ~t["station_code"].isin(planted)
    init = t[t["kind"] == "initial"]
    rate = init.groupby("station_code")["passed"].mean()
    assert rate[list(of["pass_rate"])].min() > rate[~rate.index.isin(planted)].max()
    hour = t["started_at"].dt.tz_convert("Asia/Shanghai").dt.hour
    night = t.assign(n=hour.between(2, 3)).groupby("station_code")["n"].mean()
    assert (
        night[list(of["impossible_hours"])].min() > 0.04 > night[~night.index.isin(planted)].max()
    )
    short = (t["ended_at"] - t["started_at"]).dt.total_seconds() < t["method"].map(MIN_DURATION_S)
    share = t.assign(s=short).groupby("station_code")["s"].mean()
    assert share[list(of["too_short"])].min() > 0.1 > share[~share.index.isin(planted)].max()
    dup = t[t.duplicated("curve_digest", keep=False)]["station_code"]
    assert set(dup) == of["identical_curve"]
    assert clean.sum() > 0.5 * len(t)


def test_seeded_once_with_stations_machines_and_truth(engine, tmp_path):
    with session_scope(engine) as s:
        seed_regions(s)
    store = VehicleStore(tmp_path / "vehicles")
    message = seed_demo_vehicles(
        engine, store, now=NOW, n_vehicles=5_000, n_stations=40, n_machines=50
    )
    assert message is not None and "5,000 vehicles, 40 stations" in message
    assert seed_demo_vehicles(engine, store, now=NOW, n_vehicles=5_000) is None
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(VehicleStation)) == 40
        assert s.scalar(select(func.count()).select_from(NonRoadMachine)) == 50
        assert s.scalar(select(func.count()).select_from(VehicleEquipment)) > 80
    assert len(store.read_vehicles()) == 5_000
    assert len(store.read_table(TRUTH_TABLE)) == 2 * len(FRAUD_KINDS)
    tests = store.read_tests()
    assert np.isin(tests["station_code"], store.read_table(TRUTH_TABLE)["unit"]).any()
