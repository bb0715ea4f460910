"""The enterprise sweep on a migrated database (SQLite and PostgreSQL): the archive's enterprises
(through the platform's EnterpriseLocations) against a red line and a 一级 zone; those inside — a
point on the boundary included — listed within an officer's scope, and each (enterprise,
feature) one case through the real cases' sink; running the sweep again opens no second case."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.zones_links import DRINKING_WATER_SOURCES, ENTERPRISE_LOCATIONS
from qingshan.zones import service
from qingshan.zones.layers import LayerKind
from qingshan.zones.service import LayerMeta
from qingshan.zones.sweep_service import protected_zone_hits, protected_zone_sweep, run_sweep

from .cases import R1, U1, W1, fc, feature, square

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
#: W1's 二级 zone around it: not swept
W2 = feature(square(120.45, 30.20, 120.50, 30.25), code="SY-DW001-2", name="DW001 二级保护区",
             level="二级", site_code="DW001")  # fmt: skip

#: name → (county, lon, lat): in R1, on R1's west edge, in W1 (一级), in W2 (二级), in U1 only,
#: a Ningbo enterprise inside R1's square (the coordinates decide, not the county), none
PLACES = {
    "红线内化工": ("330106", 120.25, 30.25),
    "红线边界厂": ("330106", 120.20, 30.22),
    "一级区内厂": ("330106", 120.42, 30.22),
    "二级区内厂": ("330106", 120.47, 30.22),
    "单元内厂": ("330106", 120.02, 30.22),
    "宁波红线厂": ("330203", 120.28, 30.28),
    "无坐标厂": ("330106", None, None),
}


def _seed(engine) -> dict[str, int]:
    ids = {}
    with session_scope(engine) as s:
        seed_regions(s)
        s.add(Site(code="DW001", name="水源DW001", kind=SiteKind.DRINKING_WATER_SOURCE,
                   control_level=ControlLevel.PROVINCIAL, region_code="330106",
                   longitude=120.425, latitude=30.225))  # fmt: skip
        s.flush()
        for kind, name, feats in ((LayerKind.RED_LINE, "浙江省生态保护红线", [R1]),
                                  (LayerKind.WATER_SOURCE, "杭州市饮用水水源保护区", [W1, W2]),
                                  (LayerKind.CONTROL_UNIT, "西湖区管控单元", [U1])):  # fmt: skip
            service.import_layer(s, PROVINCE, LayerMeta(kind, name, "2024", "330000", date(2024, 1, 1)),
                                 fc(feats), "l.geojson", actor="province", now=NOW,
                                 sources=DRINKING_WATER_SOURCES)  # fmt: skip
        for n, (name, (county, lon, lat)) in enumerate(PLACES.items(), 1):
            e = Enterprise(credit_code=f"91330106MA2SWEP{n:02d}A", name=name, industry=Industry.CHEMICAL,
                           industry_code="2614", region_code=county, longitude=lon, latitude=lat)  # fmt: skip
            s.add(e)
            s.flush()
            ids[name] = e.id
    return ids


def test_sweep_lists_enterprises_in_red_lines_and_first_level_zones(engine):
    ids = _seed(engine)
    with session_scope(engine) as s:
        hits = protected_zone_hits(s, PROVINCE, ENTERPRISE_LOCATIONS, date(2026, 6, 1))
        assert [(h.enterprise.name, h.feature.code) for h in hits] == [
            ("红线内化工", "HX-330106-01"),
            ("红线边界厂", "HX-330106-01"),  # on the boundary: inside (intersects)
            ("一级区内厂", "SY-DW001-1"),
            ("宁波红线厂", "HX-330106-01"),
        ]
        assert hits[0].enterprise.id == ids["红线内化工"]
        # a county officer sees its county's enterprises, a city officer its city's
        assert [h.enterprise.name for h in protected_zone_hits(s, XIHU, ENTERPRISE_LOCATIONS, date(2026, 6, 1))] == [
            "红线内化工", "红线边界厂", "一级区内厂"]  # fmt: skip
        assert [h.enterprise.name for h in protected_zone_hits(s, NINGBO, ENTERPRISE_LOCATIONS, date(2026, 6, 1))] == [
            "宁波红线厂"]  # fmt: skip
        # before the layers' validity: nothing
        assert protected_zone_hits(s, PROVINCE, ENTERPRISE_LOCATIONS, date(2023, 6, 1)) == []
        with pytest.raises(PermissionDenied):
            protected_zone_hits(s, Scope("330106", Role.ENTERPRISE, 1), ENTERPRISE_LOCATIONS,
                                date(2026, 6, 1))  # fmt: skip


def test_sweep_opens_one_case_per_enterprise_and_feature_and_never_twice(engine):
    ids = _seed(engine)
    with session_scope(engine) as s:
        run = run_sweep(s, CASES_SINK, ENTERPRISE_LOCATIONS, now=NOW)
        assert (run.enterprises, run.features, run.hits, run.cases) == (6, 2, 4, 4)
    with session_scope(engine) as s:
        again = run_sweep(s, CASES_SINK, ENTERPRISE_LOCATIONS, now=NOW.replace(hour=5))
        assert again == run
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 4
        assert s.scalar(select(func.count()).select_from(CaseSource)) == 4
        case = s.scalars(
            select(CaseRecord).where(CaseRecord.enterprise_id == ids["一级区内厂"])
        ).one()
        assert (case.source, case.category, case.severity, case.region_code) == (
            "big_data",
            "water_pollution",
            "serious",
            "330106",
        )
        assert case.title == "企业位于饮用水水源一级保护区内：一级区内厂（DW001 一级保护区）"
        assert "第六十五条" in case.description
        red = s.scalars(
            select(CaseRecord).where(CaseRecord.enterprise_id == ids["宁波红线厂"])
        ).one()
        assert (red.category, red.region_code) == ("ecology", "330203")
        key = s.scalars(select(CaseSource.source_key).where(CaseSource.case_id == red.id)).one()
        assert key.startswith(f"zones-sweep:{ids['宁波红线厂']}:red_line:") and key.endswith(
            ":HX-330106-01"
        )


def test_the_registry_job_runs_the_sweep(engine):
    from qingshan.config import get_settings
    from qingshan.jobs.job import JobContext
    from qingshan.platform.jobs import JOBS

    _seed(engine)
    ctx = JobContext(settings=get_settings(), engine=engine)
    message = JOBS.get_job("zones-sweep").func(ctx)
    assert message == "6 enterprise(s) against 2 red-line / 一级 feature(s): 4 inside → 4 case(s)"
    assert JOBS.get_job("zones-sweep").func(ctx) == message
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 4


def test_the_sweep_runs_on_the_day_in_china(engine):
    _seed(engine)
    new = feature(square(120.00, 30.20, 120.05, 30.25), code="HX-NEW-01", name="新划红线")
    with session_scope(engine) as s:
        service.import_layer(s, PROVINCE, LayerMeta(LayerKind.RED_LINE, "新划红线", "2026", "330000",
                                                     date(2026, 12, 7)),
                             fc([new]), "l.geojson", actor="province", now=NOW)  # fmt: skip
        # 01:00 CST on 7 December is 17:00 UTC on the 6th: the red line in force from the 7th
        # is swept (单元内厂 lies in it)
        run = run_sweep(
            s, CASES_SINK, ENTERPRISE_LOCATIONS, now=datetime(2026, 12, 6, 17, tzinfo=UTC)
        )
        assert (run.enterprises, run.features, run.hits) == (6, 3, 5)
        view = protected_zone_sweep(s, XIHU, ENTERPRISE_LOCATIONS, date(2026, 12, 6))
        assert (view.enterprises, view.features, len(view.hits)) == (5, 2, 3)
