"""Station-fraud checks on small hand-built I/M test frames with worked figures, and on the
seeded synthetic year (each planted kind found, no clean station flagged); the flagged stations
become cases through the real cases' sink, once per station and period."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.vehicles import fraud
from qingshan.vehicles.screening_service import open_station_cases
from qingshan.vehicles.synth import synth_im_tests


def _tests(rows: list[dict]) -> pd.DataFrame:
    """im_tests rows with defaults: an ASM initial test started 10:00 CST, 200 s, passed."""
    out = []
    for i, r in enumerate(rows):
        start = pd.Timestamp(r.get("local", "2025-03-03 10:00"), tz="Asia/Shanghai")
        out.append(
            {
                "test_id": f"T{i}",
                "vin": r.get("vin", f"V{i:016d}"),
                "plate": "浙A12345",
                "station_code": r.get("station", "S1"),
                "line_no": 1,
                "method": r.get("method", "asm"),
                "kind": r.get("kind", "initial"),
                "started_at": start.tz_convert("UTC"),
                "ended_at": (start + pd.Timedelta(seconds=r.get("dur", 200))).tz_convert("UTC"),
                "passed": r.get("passed", True),
                "curve_digest": r.get("digest", f"d{i}"),
            }
        )
    df = pd.DataFrame(out)
    df["started_at"] = df["started_at"].astype("datetime64[ns, UTC]")
    df["ended_at"] = df["ended_at"].astype("datetime64[ns, UTC]")
    return df


def test_pass_rate_z_worked_example():
    # 10 peer stations: 100 initial ASM tests each, 10 failed → peer rate p = 0.1.
    # S0 with 100 tests, none failed; its peers are P* and S1: p = 100 / 1200,
    #   z = (0 − 100·p) / √(100·p·(1 − p)) = −3.015 → not flagged at 4;
    # S1 with 200 tests, none failed; peers P* and S0: p = 100 / 1100, z = −4.472 → flagged.
    rows = []
    for s in range(10):
        rows += [{"station": f"P{s}", "passed": i >= 10} for i in range(100)]
    rows += [{"station": "S0"} for _ in range(100)] + [{"station": "S1"} for _ in range(200)]
    r = fraud.pass_rate_outliers(_tests(rows))
    sc = r.scores.set_index("station_code")
    p0, p1 = 100 / 1200, 100 / 1100
    assert sc.loc["S0", "score"] == pytest.approx(100 * p0 / math.sqrt(100 * p0 * (1 - p0)))
    assert sc.loc["S0", "score"] == pytest.approx(3.015, abs=1e-3)
    assert sc.loc["S1", "score"] == pytest.approx(200 * p1 / math.sqrt(200 * p1 * (1 - p1)))
    assert sc.loc["S1", "score"] == pytest.approx(4.472, abs=1e-3)
    assert r.flagged == {"S1"}
    ev = r.evidence
    assert set(ev["station_code"]) == {"S1"} and ev["f"].tolist() == [0]


def test_pass_rate_by_fuel_when_vehicles_given():
    rows = [{"station": f"P{s}", "passed": i >= 10, "vin": f"G{s}-{i}"} for s in range(5)
            for i in range(100)]  # fmt: skip
    t = _tests(rows)
    veh = pd.DataFrame({"vin": t["vin"], "fuel": "gasoline"})
    r = fraud.pass_rate_outliers(t, veh)
    assert r.flagged == set() and set(r.evidence.columns) >= {"fuel", "method"}
    assert "fuel" in r.rule


def test_identical_curve_needs_different_vehicles():
    rows = [{"station": "S1", "vin": f"V{i}", "digest": "same"} for i in range(3)]
    rows += [{"station": "S2", "vin": "W", "digest": "again"} for _ in range(3)]  # one vehicle
    r = fraud.identical_curves(_tests(rows))
    assert r.flagged == {"S1"}
    assert r.evidence["vehicles"].tolist() == [3, 3, 3]


def test_short_tests_against_method_minimum():
    # VMAS minimum 195 s: 190 s is short, 195 s is not; 5 hits and a 2 % share needed —
    # S1 5 of 250 (2 %), S2 4 of 4, S3 5 of 251 (1.99 %); ASM fast check 55 s is not short
    rows = [{"station": "S1", "method": "vmas", "dur": 190} for _ in range(5)]
    rows += [{"station": "S1", "method": "vmas", "dur": 195} for _ in range(245)]
    rows += [{"station": "S2", "method": "vmas", "dur": 190} for _ in range(4)]
    rows += [{"station": "S3", "method": "vmas", "dur": 190} for _ in range(5)]
    rows += [{"station": "S3", "method": "asm", "dur": 55} for _ in range(246)]
    r = fraud.short_tests(_tests(rows))
    assert r.flagged == {"S1"}
    assert r.evidence["duration_s"].tolist() == [190.0] * 14
    with pytest.raises(ValueError, match="no minimum duration for method"):
        fraud.short_tests(_tests([{"method": "ufo"}]))


def test_impossible_hours_cst():
    hours = ("23:30", "05:59", "02:00", "22:00", "03:10")
    rows = [{"station": "S1", "local": f"2025-03-03 {h}"} for h in hours]
    rows += [{"station": "S2", "local": f"2025-03-03 {h}"} for h in ("21:59", "06:00", "22:00")]
    r = fraud.impossible_hours(_tests(rows))
    assert r.flagged == {"S1"}  # S2: one night test of three — under 5 hits
    ev = r.evidence.set_index("test_id")["started_local"]
    assert ev.to_dict() == {"T0": "2025-03-03 23:30", "T1": "2025-03-03 05:59",
                            "T2": "2025-03-03 02:00", "T3": "2025-03-03 22:00",
                            "T4": "2025-03-03 03:10", "T7": "2025-03-03 22:00"}  # fmt: skip


def test_fail_elsewhere_pairs_and_binomial():
    # 6 vehicles fail at A and pass at B 2 days later; one fails at A and passes at B 8 days
    # later (outside 7 d); one fails and passes at A itself (a normal retest)
    rows = []
    for i in range(6):
        rows += [{"station": "A", "vin": f"X{i}", "passed": False, "local": "2025-03-03 10:00"},
                 {"station": "B", "vin": f"X{i}", "local": "2025-03-05 10:00"}]  # fmt: skip
    rows += [
        {"station": "A", "vin": "Y", "passed": False, "local": "2025-03-03 10:00"},
        {"station": "B", "vin": "Y", "local": "2025-03-11 10:00"},
        {"station": "A", "vin": "Z", "passed": False, "local": "2025-03-03 10:00"},
        {"station": "A", "vin": "Z", "kind": "retest", "local": "2025-03-04 10:00"},
    ]
    rows += [{"station": s, "local": "2025-03-03 11:00"} for s in "ABC" for _ in range(200)]
    r = fraud.fail_elsewhere_pass_here(_tests(rows))
    ev = r.evidence
    assert sorted(ev["vin"]) == [f"X{i}" for i in range(6)]
    assert set(ev["failed_station"]) == {"A"} and ev["days_after"].tolist() == [2.0] * 6
    assert r.flagged == {"B"}  # the other stations' rescue rate is 0: P(X ≥ 6) ≈ 0
    sc = r.scores.set_index("station_code")
    assert sc.loc["B", "hits"] == 6 and sc.loc["A", "hits"] == 0


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="im_tests lacks column.*passed"):
        fraud.short_tests(_tests([{}]).drop(columns="passed"))


@pytest.fixture(scope="module")
def year():
    return synth_im_tests(7, n_stations=120, tests_per_station=(300, 600))


def test_synthetic_year_every_planted_station_found(year):
    res = fraud.run_checks(year.tests, year.vehicles)
    clean = set(year.stations["station_code"]) - set(year.truth["unit"])
    for kind, r in res.items():
        planted = set(year.truth.loc[year.truth["kind"] == kind, "unit"])
        assert planted and r.flagged & planted == planted, kind
        assert not r.flagged & clean, kind
        assert not np.isnan(r.scores["score"]).any()


def test_station_cases_through_the_cases_sink(engine, year):
    found = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        seed_regions(s)
    with session_scope(engine) as s:
        ids = open_station_cases(
            s, CASES_SINK, year.tests, year.stations, period="2025", found_at=found
        )
    assert set(ids) == set(year.truth["unit"])  # every planted station, nothing else
    with session_scope(engine) as s:
        again = open_station_cases(
            s, CASES_SINK, year.tests, year.stations, period="2025", found_at=found
        )
        assert again == ids
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == len(ids)
        rec = s.scalars(select(CaseRecord).where(CaseRecord.id == ids[sorted(ids)[0]])).one()
        assert rec.category == "monitoring_fraud" and rec.source == "vehicle_exhaust"
        key = s.scalars(select(CaseSource.source_key).where(CaseSource.case_id == rec.id)).one()
    assert key == f"vehicles:im:{sorted(ids)[0]}:2025"
