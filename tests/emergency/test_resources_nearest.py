"""The nearest-resource query (issue #22, area resources): depots, teams and experts ranked by
great-circle distance, the category / speciality / field filters, expired stock left out, scope,
and the distance itself against a known figure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.emergency.resources.distance import EARTH_RADIUS_KM, great_circle_km
from qingshan.emergency.resources.errors import ResourceError
from qingshan.emergency.resources.models import EmresDepot, EmresExpert, EmresMaterial, EmresTeam
from qingshan.emergency.resources.service import nearest
from qingshan.errors import PermissionDenied
from qingshan.geo.counties import county_at, region_extent
from qingshan.geo.regions import seed_regions

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
PROVINCE = Scope("330000", Role.PROVINCE, username="zj")
NINGBO = Scope("330200", Role.CITY, username="nb")

# (code, lon, lat) — points placed in their counties by the shipped boundaries (checked below)
WEST_LAKE = (120.13, 30.26)  # 西湖区, Hangzhou
XIAOSHAN = (120.27, 30.18)  # 萧山区, Hangzhou
YUHANG = (120.00, 30.42)  # 余杭区, Hangzhou
NINGBO_PT = (121.55, 29.87)  # 宁波


POINTS = {"D-XH": WEST_LAKE, "D-XS": XIAOSHAN, "D-YH": YUHANG, "D-NB": NINGBO_PT}


def _seed(s) -> None:
    seed_regions(s)
    ids: dict[str, int] = {}
    for code, (lon, lat) in POINTS.items():
        county = str(county_at(lon, lat))
        d = EmresDepot(code=code, name=code, owner_kind="bureau", region_code=county,
                       lon=lon, lat=lat, updated_at=NOW)  # fmt: skip
        s.add(d)
        s.flush()
        ids[code] = d.id
    lines = [("D-XH", "control", "围油栏", 200.0, date(2030, 1, 1)),
             ("D-XS", "degradation", "活性炭", 5.0, date(2026, 12, 1)),  # expired
             ("D-YH", "degradation", "活性炭", 3.0, None),
             ("D-XS", "protection", "防毒面具", 0.0, None),  # none left
             ("D-NB", "degradation", "石灰", 10.0, date(2027, 6, 1))]  # fmt: skip
    for depot, cat, name, qty, exp in lines:
        s.add(EmresMaterial(depot_id=ids[depot], region_code=str(county_at(*POINTS[depot])),
                            category=cat, name=name, quantity=qty, unit="t", holding="self",
                            expires_on=exp, updated_at=NOW))  # fmt: skip
    for code, (lon, lat), spec in [("T-XS", XIAOSHAN, "hazchem,water"), ("T-YH", YUHANG, "oil")]:
        s.add(EmresTeam(code=code, name=code, size=20, specialities=spec, lon=lon, lat=lat,
                        region_code=str(county_at(lon, lat)), updated_at=NOW))  # fmt: skip
    s.add(EmresExpert(code="E-1", name="甲", fields="radiation", region_code="330106",
                      updated_at=NOW))  # fmt: skip
    s.add(EmresExpert(code="E-2", name="乙", fields="hazchem,monitoring", region_code="330109",
                      lon=XIAOSHAN[0], lat=XIAOSHAN[1], updated_at=NOW))  # fmt: skip


def test_great_circle_distance_matches_the_haversine_figure():
    # one degree of arc on the mean sphere is R·π/180 = 111.195 km (R = 6371.0088 km, GRS 80)
    d = great_circle_km(120.0, 30.0, [120.0, 121.0], [31.0, 30.0])
    assert d[0] == pytest.approx(EARTH_RADIUS_KM * np.pi / 180, rel=1e-12)
    assert d[0] == pytest.approx(111.195, abs=1e-3)
    # along a parallel: 2R·asin(cos φ · sin(Δλ/2))
    assert d[1] == pytest.approx(
        2 * EARTH_RADIUS_KM * np.arcsin(np.cos(np.radians(30)) * np.sin(np.radians(0.5)))
    )


def test_nearest_ranks_depots_teams_and_experts_by_distance(session):
    _seed(session)
    assert county_at(*WEST_LAKE) == "330106" and county_at(*XIAOSHAN) == "330109"
    r = nearest(session, PROVINCE, *WEST_LAKE, k=3, today=TODAY)
    assert [d.code for d in r.depots] == ["D-XH", "D-XS", "D-YH"]
    assert r.depots[0].distance_km == pytest.approx(0.0, abs=1e-9)
    expected = great_circle_km(*WEST_LAKE, [XIAOSHAN[0]], [XIAOSHAN[1]])[0]
    assert r.depots[1].distance_km == pytest.approx(expected)
    assert [t.code for t in r.teams] == ["T-XS", "T-YH"]
    # E-1 has no position: placed at 西湖区's centre, and says so
    e1 = next(e for e in r.experts if e.code == "E-1")
    assert (e1.lon, e1.lat) == region_extent("330106").center and e1.detail["region_centre"]
    assert "straight-line" in r.as_dict()["note"]


def test_category_keeps_depots_with_usable_stock_only(session):
    _seed(session)
    r = nearest(session, PROVINCE, *XIAOSHAN, category="degradation", k=5, today=TODAY)
    # 萧山's 活性炭 expired on 2026-12-01: the nearest usable is 余杭's, then 宁波's lime
    assert [d.code for d in r.depots] == ["D-YH", "D-NB"]
    assert r.depots[0].detail["items"][0]["name"] == "活性炭"
    assert nearest(session, PROVINCE, *XIAOSHAN, category="protection", today=TODAY).depots == []
    assert [t.code for t in nearest(session, PROVINCE, *XIAOSHAN, speciality="oil").teams] == [
        "T-YH"
    ]
    assert [e.code for e in nearest(session, PROVINCE, *XIAOSHAN, field="hazchem").experts] == [
        "E-2"
    ]


def test_scope_and_bad_input(session):
    _seed(session)
    r = nearest(session, NINGBO, *WEST_LAKE, today=TODAY)
    assert [d.code for d in r.depots] == ["D-NB"] and r.teams == [] and r.experts == []
    with pytest.raises(PermissionDenied):
        nearest(session, Scope("330000", Role.PUBLIC), *WEST_LAKE)
    with pytest.raises(ResourceError, match="unknown category 'sandbags'"):
        nearest(session, PROVINCE, *WEST_LAKE, category="sandbags")
    with pytest.raises(ResourceError, match="latitude 95"):
        nearest(session, PROVINCE, 120.0, 95.0)
    with pytest.raises(ResourceError, match="k must be"):
        nearest(session, PROVINCE, 120.0, 30.0, k=0)
