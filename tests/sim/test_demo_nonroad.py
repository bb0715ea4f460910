"""Demo low-emission zones: one per city, the planted 国I/国II machines inside are exactly the
check's hits, each a case; a second run adds nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from qingshan.cases.models import CaseRecord
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.sim.cities import CITIES
from qingshan.sim.demo_nonroad import PLANTED_PER_CITY, SCOPE, seed_demo_nonroad
from qingshan.vehicles.models import NonRoadMachine
from qingshan.vehicles.nonroad_service import check_lez

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)


def test_demo_zones_plant_and_cases(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        cities = sorted(CITIES)
        for i in range(132):  # 12 per city: stages cycle 国I … 国IV
            s.add(NonRoadMachine(code=f"FL33{i:08d}", kind="excavator", engine_stage=("国I", "国II", "国III", "国IV")[i % 4],
                                 owner="合成（synthetic）", region_code=cities[i % 11], registered=date(2024, 1, 1),
                                 synthetic=True))  # fmt: skip
    out = seed_demo_nonroad(engine, now=NOW)
    assert out is not None and out.startswith(
        "11 low-emission zones, 132 machine sites, 33 old machines"
    )
    with session_scope(engine) as s:
        hits = check_lez(s, SCOPE, NOW.date())
        assert len(hits) == 11 * PLANTED_PER_CITY
        assert {h.engine_stage for h in hits} <= {"国I", "国II"}
        assert {h.zone.code for h in hits} == {f"LEZ-{c}" for c in CITIES}
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 33
        assert (
            s.scalar(
                select(func.count()).select_from(NonRoadMachine).where(NonRoadMachine.lon.is_(None))
            )
            == 0
        )
    assert seed_demo_nonroad(engine, now=NOW) is None
