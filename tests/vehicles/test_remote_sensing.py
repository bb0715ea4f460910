"""Remote sensing: the validity window, the repeat rule (same pollutant over the threshold on 2
consecutive valid readings within 6 natural months, reference §1 [MC]) with its edges, and the
case reports — opened through the real cases' sink, once per plate, again with no second case.
The thresholds are placeholders [U]: the tests use their own rules, not the data file's values."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.vehicles import remote_sensing as rs
from qingshan.vehicles.screening_service import open_rs_cases

RULES = rs.RSRules(
    window={"speed_kmh": (5, 120), "accel_ms2": (-1, 1.5), "vsp_kwt": (-5, 20),
            "wind_ms": (0, 5)},
    thresholds={"no_ppm": 1000.0, "opacity_pct": 30.0},
    refs={"repeat_rule": "§1 (MC)", "no_ppm": "test", "opacity_pct": "test"},
)  # fmt: skip
SITES = pd.DataFrame(
    {"site_code": ["RS1"], "region_code": ["330106"], "lon": [120.1], "lat": [30.3]}
)


def _readings(rows: list[tuple]) -> pd.DataFrame:
    """rows: (plate, local CST time, no_ppm, opacity_pct[, speed])."""
    out = []
    for i, r in enumerate(rows):
        plate, local, no, op = r[:4]
        out.append({"reading_id": f"R{i:03d}", "site_code": "RS1", "plate": plate,
                    "at": pd.Timestamp(local, tz="Asia/Shanghai").tz_convert("UTC"),
                    "speed_kmh": r[4] if len(r) > 4 else 40.0, "accel_ms2": 0.2,
                    "vsp_kwt": 5.0, "co_pct": float("nan"), "hc_ppm": float("nan"),
                    "no_ppm": no, "opacity_pct": op, "valid": False, "wind_ms": 2.0})  # fmt: skip
    df = pd.DataFrame(out)
    df["at"] = df["at"].astype("datetime64[ns, UTC]")
    return df


def test_validity_window_inclusive_and_missing_invalid():
    df = _readings([("浙A1", "2025-01-01 10:00", 1.0, 1.0, s) for s in (4.9, 5, 120, 120.1)])
    df.loc[len(df)] = df.loc[1]
    df.loc[4, "wind_ms"] = float("nan")
    assert rs.validity(df, RULES).tolist() == [False, True, True, False, False]
    assert "valid" in rs.screen(df, RULES) and rs.screen(df, RULES)["high"].sum() == 0


def test_repeat_rule_six_natural_months_edge():
    df = _readings([
        ("浙A1", "2025-01-10 09:00", 1200.0, 5.0), ("浙A1", "2025-07-10 09:00", 1100.0, 5.0),
        ("浙B2", "2025-01-10 09:00", 1200.0, 5.0), ("浙B2", "2025-07-10 09:01", 1100.0, 5.0),
        # 31 Aug + 6 months: Feb has no 31st; 28 Feb is inside
        ("浙C3", "2024-08-31 12:00", 1500.0, 5.0), ("浙C3", "2025-02-28 12:00", 1500.0, 5.0),
    ])  # fmt: skip
    pairs = rs.repeat_exceedances(df, RULES)
    assert sorted(pairs["plate"]) == ["浙A1", "浙C3"]
    a = pairs.set_index("plate").loc["浙A1"]
    assert (a["first_id"], a["last_id"], a["max_value"]) == ("R000", "R001", 1200.0)


def test_consecutive_means_valid_readings_of_that_pollutant():
    df = _readings([
        # an invalid reading between two high ones does not break the run
        ("浙A1", "2025-03-01 09:00", 1200.0, 5.0), ("浙A1", "2025-03-02 09:00", 50.0, 5.0, 2.0),
        ("浙A1", "2025-03-03 09:00", 1300.0, 5.0),
        # a valid low reading between them does
        ("浙B2", "2025-03-01 09:00", 1200.0, 5.0), ("浙B2", "2025-03-02 09:00", 50.0, 5.0),
        ("浙B2", "2025-03-03 09:00", 1300.0, 5.0),
        # two pollutants over once each never add up
        ("浙C3", "2025-03-01 09:00", 1200.0, 5.0), ("浙C3", "2025-03-02 09:00", 50.0, 40.0),
    ])  # fmt: skip
    pairs = rs.repeat_exceedances(df, RULES)
    assert pairs["plate"].tolist() == ["浙A1"]
    assert (pairs["first_id"].item(), pairs["last_id"].item()) == ("R000", "R002")


def test_case_reports_idempotent_keys():
    rows = [("浙A1", f"2025-03-0{d} 09:00", 1500.0 + d, 5.0) for d in range(1, 4)]
    off = rs.repeat_offenders(rs.repeat_exceedances(_readings(rows), RULES))
    (rep,) = rs.case_reports(off, _readings(rows), SITES, RULES)
    assert rep.source_key == "vehicles:rs:浙A1:R000" and rep.group_key == "vehicles:rs:浙A1"
    # two runs; the largest multiple (1503 − 1000) / 1000 = 0.503 grades serious (≥ 0.5)
    assert rep.evidence["runs"] == 2 and rep.evidence["max_multiple"] == 0.503
    assert rep.severity == "serious"
    assert rep.region_code == "330106" and rep.category == "air_pollution"
    assert rep.occurred_at == datetime(2025, 3, 2, 1, 0, tzinfo=UTC)
    # a later reading adds a run but the key (the earliest run's first reading) stays
    more = _readings([*rows, ("浙A1", "2025-05-01 09:00", 1600.0, 5.0)])
    off2 = rs.repeat_offenders(rs.repeat_exceedances(more, RULES))
    (rep2,) = rs.case_reports(off2, more, SITES, RULES)
    assert rep2.source_key == rep.source_key and rep2.evidence["runs"] == 3


def test_bad_rules_and_unknown_site():
    with pytest.raises(ValueError, match="missing or bad item"):
        rs.rules_from_mapping({"validity": {}})
    d = rs.default_rules()
    assert d.consecutive == 2 and d.months == 6 and set(d.thresholds) == set(rs.POLLUTANTS)
    rows = [("浙A1", f"2025-03-0{d} 09:00", 1500.0, 5.0) for d in (1, 2)]
    off = rs.repeat_offenders(rs.repeat_exceedances(_readings(rows), RULES))
    with pytest.raises(ValueError, match="unknown remote-sensing site 'RS1'"):
        rs.case_reports(off, _readings(rows), SITES.assign(site_code="X"), RULES)


def test_open_rs_cases_through_the_cases_sink(engine):
    rows = [("浙A1", f"2025-03-0{d} 09:00", 1500.0, 5.0) for d in (1, 2)]
    rows += [("浙B2", f"2025-03-0{d} 09:00", 1500.0, 40.0) for d in (1, 2)]
    rows += [("浙C3", "2025-03-01 09:00", 1500.0, 5.0)]
    df = _readings(rows)
    with session_scope(engine) as s:
        seed_regions(s)
    with session_scope(engine) as s:
        ids = open_rs_cases(s, CASES_SINK, df, SITES, RULES)
    assert sorted(ids) == ["浙A1", "浙B2"]
    with session_scope(engine) as s:
        again = open_rs_cases(s, CASES_SINK, df, SITES, RULES)
        assert again == ids
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 2
        keys = s.scalars(select(CaseSource.source_key).order_by(CaseSource.source_key)).all()
    assert keys == ["vehicles:rs:浙A1:R000", "vehicles:rs:浙B2:R002"]
