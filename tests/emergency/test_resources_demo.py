"""The demo's emergency resources (issue #22, area resources): depots in every city and several
counties, ~300 stock lines across the 7 categories with some expired, ~30 teams, ~80 experts,
every record synthetic and inside its county; a second run adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from qingshan.db.engine import session_scope
from qingshan.emergency.resources import catalog
from qingshan.emergency.resources.models import EmresDepot, EmresExpert, EmresMaterial, EmresTeam
from qingshan.geo.counties import county_at
from qingshan.geo.regions import CITY_CODES, seed_regions
from qingshan.sim.demo_emergency_resources import seed_demo_emergency_resources

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def test_demo_resources(engine):
    with session_scope(engine) as s:
        seed_regions(s)
    summary = seed_demo_emergency_resources(engine, now=NOW)
    assert summary is not None and "300 stock lines" in summary
    assert seed_demo_emergency_resources(engine, now=NOW) is None  # idempotent
    with session_scope(engine) as s:
        depots = list(s.scalars(select(EmresDepot)))
        lines = list(s.scalars(select(EmresMaterial)))
        teams = list(s.scalars(select(EmresTeam)))
        experts = list(s.scalars(select(EmresExpert)))
    assert {d.region_code[:4] + "00" for d in depots if d.owner_kind == "bureau"} == set(CITY_CODES)
    assert len({d.region_code for d in depots}) > 2 * len(CITY_CODES)
    assert any(d.region_code == "330106" for d in depots)  # the demo county account's
    for x in depots + teams:
        assert county_at(x.lon, x.lat, tolerance_km=0.0) == x.region_code, x.code
    assert {m.category for m in lines} == {t.code for t in catalog.categories()}
    today = NOW.date()
    assert 0 < sum(m.expires_on is not None and m.expires_on < today for m in lines) < 60
    assert all(m.produced_on < m.expires_on for m in lines if m.expires_on is not None)
    assert all(m.produced_on <= today for m in lines if m.produced_on is not None)
    assert (len(lines), len(teams), len(experts)) == (300, 30, 80)
    assert all(x.synthetic for x in depots + lines + teams + experts)
