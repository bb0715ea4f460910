"""The demo's electronic fences (:mod:`qingshan.sim.demo_fences`, issue #20), on the small demo as
``ensure_demo`` builds it: a fence per section and source with coordinates (a source with a
synthetic 一级 zone fenced by it), alerts of outlets, cases and the planted public complaints
(each inside its fence, labelled synthetic), the case an outlet inside a source's fence opened;
seeding again and re-checking add nothing."""

from __future__ import annotations

import shutil

from shapely.geometry import Point, shape
from sqlalchemy import func, select

from qingshan.cases.complaint_models import CaseComplaint
from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import evidence_limits
from qingshan.config import Settings
from qingshan.db.engine import make_engine, session_scope
from qingshan.monitoring.models import Site, SiteKind
from qingshan.platform.zones_fences_links import FENCE_EVENTS, FENCE_SITES
from qingshan.sim.demo_fences import PLANTED_CITIES, SYNTHETIC, seed_demo_fences
from qingshan.timeutil import utcnow
from qingshan.zones.fences_models import ZoneFence, ZoneFenceAlert
from qingshan.zones.fences_service import CASE_KEY_PREFIX, check_events


def test_the_demo_has_fences_and_alerts_of_every_kind(small_demo_dir, tmp_path):
    data = tmp_path / "demo"  # a copy: the session's demo is shared by other tests
    shutil.copytree(small_demo_dir, data)
    engine = make_engine(f"sqlite:///{data / 'qingshan.db'}")
    with session_scope(engine) as s:
        sites = s.scalar(select(func.count()).select_from(Site).where(
            Site.kind.in_([SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE]),
            Site.longitude.is_not(None)))  # fmt: skip
        fences = {f.id: f for f in s.scalars(select(ZoneFence))}
        assert len(fences) == sites > 50
        by_basis = {(f.site_kind, f.basis) for f in fences.values()}
        assert by_basis == {("section", "buffer"), ("source", "zone")}  # the demo's 一级 zones
        assert {f.updated_by for f in fences.values()} == {"demo"}
        alerts = s.scalars(select(ZoneFenceAlert)).all()
        kinds = {k: sum(a.event_kind == k for a in alerts) for k in ("outlet", "case", "complaint")}
        assert kinds["complaint"] == len(PLANTED_CITIES) and kinds["case"] >= 10
        assert kinds["outlet"] >= 1
        for a in alerts:  # every alert's point lies in its fence
            fence = fences[a.fence_id]
            assert shape(fence.geometry).intersects(Point(a.lon, a.lat)), a.label
            if a.event_kind == "complaint":
                assert fence.site_kind == "section" and 250 <= a.distance_m <= 700
                c = s.get(CaseComplaint, int(a.event_ref))
                assert c is not None and SYNTHETIC in c.description and SYNTHETIC in c.place
                assert c.channel == "web" and c.category == "water_pollution"
                assert fence.region_code[:4] in PLANTED_CITIES
        # the outlet inside a source's fence opened its case (the default policy), through the
        # cases' sink with the fence's source key
        in_source = [a for a in alerts if a.event_kind == "outlet"
                     and fences[a.fence_id].site_kind == "source"]  # fmt: skip
        assert in_source and all(a.case_ref for a in in_source)
        keys = set(s.scalars(select(CaseSource.source_key).where(
            CaseSource.source_key.startswith(CASE_KEY_PREFIX))))  # fmt: skip
        assert len(keys) == len(in_source)
        case = s.get(CaseRecord, int(in_source[0].case_ref))
        assert case is not None and case.category == "water_pollution"
        assert all(a.case_ref is None for a in alerts if a not in in_source)
        n = len(alerts)
    settings = Settings(data_dir=data, demo=True)
    again = seed_demo_fences(engine, FENCE_SITES, FENCE_EVENTS, now=utcnow(),
                             limits=evidence_limits(settings))  # fmt: skip
    assert again is None
    with session_scope(engine) as s:
        run = check_events(s, FENCE_EVENTS, now=utcnow())
        assert (run.new_alerts, run.hits) == (0, kinds["outlet"])  # outlets re-read, no new row
        assert s.scalar(select(func.count()).select_from(ZoneFenceAlert)) == n
    engine.dispose()
