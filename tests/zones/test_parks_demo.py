"""The demo's zero-direct-discharge parks (:mod:`qingshan.sim.demo_parks`) on SQLite and
PostgreSQL: parks round archive enterprises, labelled synthetic, every stage of the lifecycle
reached through the service (accepted, downgraded after a relapse, failed and returned, waiting
for review or acceptance, building), 西湖's park left ready for the demo accounts, the KPI
counting this year's acceptances, and a second run doing nothing. 27 parks (every stage needs
25 ranks) instead of 44: ≈ 3 s on SQLite, ≈ 7 s on PostgreSQL (the service's own checks on each
of ≈ 600 progress reports; the full 44 take ≈ 4 s of the SQLite demo build)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import REGIONS, RegionLevel, seed_regions
from qingshan.platform.kpis import kpi_registry
from qingshan.platform.zones_links import ENTERPRISE_LOCATIONS
from qingshan.sim.demo_parks import seed_demo_parks
from qingshan.targets.kpi import Period
from qingshan.zones.parks import ParkState
from qingshan.zones.parks_models import ZonePark, ZoneParkStep, ZoneParkTask

NOW = datetime(2026, 12, 6, 2, tzinfo=UTC)


def test_demo_parks(engine):
    counties = sorted(c for c, r in REGIONS.items() if r.level is RegionLevel.COUNTY)[:30]
    with session_scope(engine) as s:
        seed_regions(s)
        for i, county in enumerate(["330106", *[c for c in counties if c != "330106"]][:30]):
            s.add(Enterprise(credit_code=f"91330000MA2D{i:06d}", name=f"演示企业{i}",
                             industry=Industry.DYEING, region_code=county,
                             longitude=119.5 + 0.1 * (i % 10), latitude=29.5 + 0.1 * (i // 10)))  # fmt: skip
    summary = seed_demo_parks(engine, ENTERPRISE_LOCATIONS, now=NOW, parks=27)
    assert summary is not None and (summary.parks, summary.linked) == (27, 0)
    with session_scope(engine) as s:
        parks = s.scalars(select(ZonePark).order_by(ZonePark.code)).all()
        assert len(parks) == 27 and all(p.synthetic for p in parks)
        states = {st: sum(1 for p in parks if p.state == st) for st in ParkState}
        # the 西湖 park takes the first rank: 11 accepted, then the relapsed one, …
        assert states == {"accepted": 11, "downgraded": 1, "city_passed": 5, "self_checked": 5,
                          "rectifying": 2, "building": 3}  # fmt: skip
        xihu = next(p for p in parks if p.region_code == "330106")
        assert xihu.state == "building"
        assert s.scalar(select(func.min(ZoneParkTask.percent))
                        .where(ZoneParkTask.park_id == xihu.id)) == 100.0  # fmt: skip
        failed = s.scalars(select(ZoneParkStep).where(ZoneParkStep.result == "fail")).all()
        assert sorted(x.event for x in failed) == ["city_review", "provincial_acceptance"]
        assert all(x.opinion for x in failed)
        kpi = (
            kpi_registry()
            .get("zones.parks_accepted")
            .value(s, "330000", Period(date(2026, 1, 1), date(2026, 12, 6)))
        )
        assert kpi is not None and kpi.value == 11.0 and "累计 11" in kpi.basis
    assert seed_demo_parks(engine, ENTERPRISE_LOCATIONS, now=NOW, parks=27) is None
