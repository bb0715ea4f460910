"""The demo's contaminated sites: 40 synthetic sites at every stage, each boundary wholly inside
its county, samples with some over the screening and a few over the intervention value, the
safe-use rate near but not at 100 % (12 / 13), and a second build adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from shapely.geometry import shape
from sqlalchemy import func, select

from qingshan.db.engine import session_scope
from qingshan.geo.counties import county_at
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_soil_sites import DEMO_SITES, seed_demo_soil_sites
from qingshan.soil.sites import service as svc
from qingshan.soil.sites.models import SiteSample, SiteStage, SoilSite

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def test_demo_sites(engine):
    with session_scope(engine) as s:
        seed_regions(s)
    summary = seed_demo_soil_sites(engine, now=NOW)
    assert summary is not None and summary.startswith(f"{DEMO_SITES} sites")
    assert seed_demo_soil_sites(engine, now=NOW) is None
    with session_scope(engine) as s:
        sites = list(s.scalars(select(SoilSite)))
        assert len(sites) == DEMO_SITES and all(x.synthetic for x in sites)
        assert len({x.region_code[:4] for x in sites}) == 11  # every city
        assert sum(1 for x in sites if x.region_code == "330106") >= 3  # the county account's
        for x in sites:
            for lon, lat in shape(x.boundary).exterior.coords:
                assert county_at(lon, lat, tolerance_km=0.0) == x.region_code, x.code
        stages = Counter(x.stage for x in sites)
        assert set(stages) == {"investigation", "risk_assessment", "control", "remediation",
                               "effect_evaluation", "removed"}  # fmt: skip
        levels = Counter(s.scalars(select(SiteSample.level)))
        total = sum(levels.values())
        assert levels["over_screening"] > total * 0.15
        assert 0 < levels["over_intervention"] < total * 0.15
        # one site moved back with its reason
        back = s.scalars(select(SiteStage).where(SiteStage.reason != "")).all()
        assert len(back) == 1 and back[0].stage == "remediation"
        r = svc.safe_use(s, "330000", date(2026, 12, 7))
        assert (r.safe, r.reused, r.rate) == (12, 13, 92.31)
        assert s.scalar(select(func.count()).select_from(SiteSample)) > 4 * DEMO_SITES
