"""The vehicles-screening job over a stored small demo (SQLite and PostgreSQL): repeat high
emitters, suspicious stations and OBD trucks become cases of source 机动车排气 through the real
cases' sink, the planted units found, nothing opened twice on a re-run."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_vehicles import (
    OBD_TRUTH_TABLE,
    RS_TRUTH_TABLE,
    seed_demo_rs_obd,
    seed_demo_vehicles,
)
from qingshan.vehicles.jobs import run_screening
from qingshan.vehicles.store import VehicleStore

NOW = datetime(2026, 12, 6, 19, 30, tzinfo=UTC)  # 03:30 CST on 7 December


def test_screening_opens_vehicle_exhaust_cases_once(engine, tmp_path):
    with session_scope(engine) as s:
        seed_regions(s)
    store = VehicleStore(tmp_path / "vehicles")
    seed_demo_vehicles(engine, store, now=NOW, n_vehicles=8_000, n_stations=20, n_machines=10)
    seed_demo_rs_obd(store, now=NOW, scale="small")
    with session_scope(engine) as s:
        run = run_screening(s, CASES_SINK, store, now=NOW)
    assert run.period == "2026-11" and run.tests > 0 and run.readings > 10_000
    with session_scope(engine) as s:
        sources = s.execute(
            select(CaseSource.source, CaseSource.source_key, CaseRecord.category)
            .join(CaseRecord, CaseRecord.id == CaseSource.case_id)
        ).all()  # fmt: skip
        assert {r.source for r in sources} == {"vehicle_exhaust"}
        rs_plates = {k.split(":")[2] for _, k, _ in sources if k.startswith("vehicles:rs:")}
        obd = {
            (k.split(":")[2], k.split(":")[3])
            for _, k, _ in sources
            if k.startswith("vehicles:obd:")
        }
        stations = {k.split(":")[2] for _, k, _ in sources if k.startswith("vehicles:im:")}
        n_cases = s.scalar(select(func.count()).select_from(CaseRecord))
    truth = store.read_table(RS_TRUTH_TABLE)
    found = len(set(truth["unit"]) & rs_plates) / len(truth)
    assert found >= 0.9  # recall of the planted high emitters (synth plants ≥ 4 readings each)
    assert len(rs_plates - set(truth["unit"])) <= 0.02 * 1_500  # false alarms ≤ 2 % of plates
    otruth = store.read_table(OBD_TRUTH_TABLE)
    assert obd == {(k, u) for k, u in zip(otruth["kind"], otruth["unit"], strict=True)}
    assert stations  # last month's tests of the planted stations
    assert run.rs_cases == len(rs_plates)
    with session_scope(engine) as s:
        again = run_screening(s, CASES_SINK, store, now=NOW)
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == n_cases
    assert again.rs_cases == run.rs_cases and again.obd_cases == run.obd_cases


def test_screening_an_empty_store_opens_nothing(engine, tmp_path):
    with session_scope(engine) as s:
        run = run_screening(s, CASES_SINK, VehicleStore(tmp_path), now=NOW)
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 0
    assert run.summary() == (
        "remote sensing: 0 readings → 0 repeat high emitter case(s); I/M 2026-11: 0 tests → 0 "
        "station case(s); OBD: 0 samples → 0 truck case(s)"
    )
