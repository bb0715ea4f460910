"""Electronic fences (电子围栏): the buffer's geometry in CGCS2000 3-degree Gauss–Krüger CM 120E
(EPSG:4549) measured against the GRS 80 geodesic (CGCS2000's ellipsoid), and on a migrated
database (SQLite and PostgreSQL) the registry's job: fences drawn for a section (1,000 m buffer)
and a source (its 一级 zone), an outlet, a case and a complaint found inside, a case opened once
for the outlet inside the source, re-checks that add nothing, the radius an officer sets, a
section that moves, acknowledgement and bad input."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from pyproj import Geod
from shapely.geometry import Point, shape
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.complaints import ComplaintInput, submit_complaint
from qingshan.cases.evidence import EvidenceLimits
from qingshan.cases.intake import CaseDraft, register_case
from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.config import get_settings
from qingshan.db.engine import session_scope
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.jobs.job import JobContext
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.jobs import JOBS
from qingshan.platform.zones_fences_links import FENCE_EVENTS, FENCE_SITES
from qingshan.zones import fences_service as fs
from qingshan.zones import service as zones_service
from qingshan.zones.errors import ZoneError
from qingshan.zones.fences import (
    EventKind,
    FenceEvent,
    buffer_fence,
    check_radius,
    distance_m,
    gk_epsg,
)
from qingshan.zones.fences_models import ZoneFence, ZoneFenceAlert
from qingshan.zones.layers import LayerKind
from qingshan.zones.service import LayerMeta

from .cases import W1, fc

GEOD = Geod(ellps="GRS80")  # CGCS2000's ellipsoid (GRS 80 a, f; GM and ω differ, not the shape)
SECTION = (120.10, 30.25)  # 西湖区
SOURCE = (120.425, 30.225)  # the intake of DW001, inside its 一级 zone W1
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # in the past: a case may not occur in the future


def _at(origin: tuple[float, float], azimuth: float, metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(origin[0], origin[1], azimuth, metres)
    return lon, lat


def test_the_crs_is_the_sites_gauss_kruger_zone():
    assert gk_epsg(120.10) == 4549  # CGCS2000 / 3-degree GK CM 120E (杭州)
    assert gk_epsg(118.2) == 4548 and gk_epsg(122.3) == 4550  # 衢州 west, 舟山 east
    with pytest.raises(ValueError, match="longitude 200.0 is outside"):
        gk_epsg(200.0)


@pytest.mark.parametrize("azimuth", [0, 37, 90, 135, 181, 250, 300, 359])
def test_999_m_is_inside_a_1000_m_fence_and_1001_m_outside(azimuth):
    fence = buffer_fence(*SECTION, 1000)
    assert len(fence.exterior.coords) == 257  # 256 vertices, closed
    inside, outside = _at(SECTION, azimuth, 999), _at(SECTION, azimuth, 1001)
    assert fence.contains(Point(inside)) and not fence.contains(Point(outside))
    # the plane distance agrees with the geodesic within GK's scale error near CM 120E
    assert distance_m(*SECTION, *inside) == pytest.approx(999, abs=0.05)


@pytest.mark.parametrize(
    ("radius", "message"),
    [(-5, "radius_m: -5 m is outside 10–50000 m"), (0, "outside"), (1e9, "outside"),
     (float("nan"), "outside"), ("abc", "radius_m: 'abc' is not a number")],
)  # fmt: skip
def test_a_bad_radius_is_named(radius, message):
    with pytest.raises(ValueError, match=message):
        check_radius(radius)


def _seed(engine, tmp_path) -> dict[str, tuple[float, float]]:
    """Sections, sources, outlets, a patrol case and a complaint; their points by name."""
    pts = {
        "o1": _at(SECTION, 0, 300),  # outlet 300 m north of the section
        "o2": (120.42, 30.22),  # outlet inside DW001's 一级 zone
        "o3": (120.30, 30.25),  # outlet far from every fence
        "patrol": _at(SECTION, 180, 800),
        "complaint": _at(SECTION, 90, 500),
    }
    with session_scope(engine) as s:
        seed_regions(s)
        zones_service.import_layer(
            s, PROVINCE, LayerMeta(LayerKind.WATER_SOURCE, "杭州市饮用水水源保护区", "2024", "330100",
                                   date(2024, 1, 1)),
            fc([W1]), "dw.geojson", actor="province", now=NOW)  # fmt: skip
        for code, kind, xy in (("WS001", SiteKind.WATER_SECTION, SECTION),
                               ("DW001", SiteKind.DRINKING_WATER_SOURCE, SOURCE)):  # fmt: skip
            s.add(Site(code=code, name=f"{code} 测试", kind=kind, control_level=ControlLevel.PROVINCIAL,
                       region_code="330106", longitude=xy[0], latitude=xy[1], attrs={}))  # fmt: skip
        for n, key in enumerate(("o1", "o2", "o3"), 1):
            e = Enterprise(credit_code=f"91330106MA2FENC{n:02d}A", name=f"围栏测试企业{n}",
                           industry=Industry.THERMAL_POWER, region_code="330106")  # fmt: skip
            s.add(e)
            s.flush()
            s.add(Site(code=f"OUT{n}", name="废水总排口", kind=SiteKind.WATER_OUTLET,
                       control_level=ControlLevel.ENTERPRISE, region_code="330106",
                       enterprise_id=e.id, longitude=pts[key][0], latitude=pts[key][1], attrs={}))  # fmt: skip
        register_case(s, CaseDraft(source="patrol", category="water_pollution", severity="general",
                                   title="河道排污口异常", region_code="330106", occurred_at=NOW,
                                   longitude=pts["patrol"][0], latitude=pts["patrol"][1]),
                      actor="test", now=NOW)  # fmt: skip
        submit_complaint(s, ComplaintInput(category="water_pollution", description="河水发黑发臭",
                                           longitude=pts["complaint"][0], latitude=pts["complaint"][1],
                                           region_code="330106", contact_phone="0571-88888888"),
                         limits=EvidenceLimits(tmp_path / "evidence", 1 << 20, frozenset({"jpeg"})), max_photos=3, now=NOW)  # fmt: skip
    return pts


def _alerts(s) -> dict[tuple[str, str, str], ZoneFenceAlert]:
    rows = s.execute(select(ZoneFenceAlert, ZoneFence.site_code)
                     .join(ZoneFence, ZoneFenceAlert.fence_id == ZoneFence.id))  # fmt: skip
    return {(code, a.event_kind, a.event_ref): a for a, code in rows}


def _fence_cases(s) -> int:
    return s.scalar(select(func.count()).select_from(CaseSource)
                    .where(CaseSource.source_key.startswith("fence:")))  # fmt: skip


def test_the_job_alerts_each_kind_once_and_opens_one_case(engine, tmp_path):
    pts = _seed(engine, tmp_path)
    job = JOBS.get_job("zones-fences")
    msg = job.func(JobContext(settings=get_settings(), engine=engine))
    # events: 3 outlets, 2 cases (patrol, the complaint's), 1 complaint; inside: all but OUT3
    assert msg == ("2 fence(s) drawn; 6 event(s) checked, 5 inside a fence, 5 new alert(s), "
                   "1 case(s)")  # fmt: skip
    with session_scope(engine) as s:
        ws = s.scalar(select(ZoneFence).where(ZoneFence.site_code == "WS001"))
        dw = s.scalar(select(ZoneFence).where(ZoneFence.site_code == "DW001"))
        assert (ws.basis, ws.radius_m, ws.radius_custom) == ("buffer", 1000.0, False)
        assert dw.basis == "zone" and shape(dw.geometry).equals(shape(W1["geometry"]))
        alerts = _alerts(s)
        patrol_id, complaint_case_id = s.scalars(
            select(CaseRecord.id).where(CaseRecord.source != "big_data").order_by(CaseRecord.id)
        )
        assert sorted(alerts) == sorted([
            ("WS001", "outlet", "OUT1"), ("DW001", "outlet", "OUT2"),
            ("WS001", "case", str(patrol_id)), ("WS001", "case", str(complaint_case_id)),
            ("WS001", "complaint", alerts[next(k for k in alerts if k[1] == "complaint")].event_ref),
        ])  # fmt: skip
        assert alerts[("WS001", "outlet", "OUT1")].distance_m == pytest.approx(300, abs=0.2)
        assert alerts[("WS001", "case", str(patrol_id))].distance_m == pytest.approx(800, abs=0.5)
        o2 = alerts[("DW001", "outlet", "OUT2")]
        assert o2.distance_m == pytest.approx(distance_m(*SOURCE, *pts["o2"]), abs=0.1)
        assert 730 < o2.distance_m < 738  # 0.005° E (481 m) and 0.005° N (554 m) at 30.2°N
        # the outlet inside the source's fence opened a case; the others did not
        assert o2.case_ref is not None and _fence_cases(s) == 1
        case = s.get(CaseRecord, int(o2.case_ref))
        assert (case.source, case.category, case.region_code) == (
            "big_data",
            "water_pollution",
            "330106",
        )
        assert all(
            a.case_ref is None for k, a in alerts.items() if k[1] != "outlet" or k[0] == "WS001"
        )
        n_cases = s.scalar(select(func.count()).select_from(CaseRecord))

    # re-checking finds the same hits and adds nothing, opens nothing
    msg = job.func(JobContext(settings=get_settings(), engine=engine))
    assert (
        msg == "0 fence(s) drawn; 3 event(s) checked, 2 inside a fence, 0 new alert(s), 0 case(s)"
    )
    with session_scope(engine) as s:
        assert len(_alerts(s)) == 5 and _fence_cases(s) == 1
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == n_cases
        # a reset cursor (a redrawn fence) re-reads everything: still nothing twice
        run = fs.check_events(s, FENCE_EVENTS, now=NOW, sink=CASES_SINK)
        assert (run.new_alerts, run.cases) == (0, 0)


def test_radius_move_acknowledge_and_bad_input(engine, tmp_path):
    pts = _seed(engine, tmp_path)
    with session_scope(engine) as s:
        assert fs.sync_fences(s, FENCE_SITES, actor="test", now=NOW) == 2
        fs.check_events(s, FENCE_EVENTS, now=NOW, sink=CASES_SINK)
        # radius: province and city officers; 250 m leaves OUT1 (300 m) outside
        with pytest.raises(PermissionDenied, match="province and city"):
            fs.set_radius(s, XIHU, FENCE_SITES, "WS001", 250, actor="xihu", now=NOW)
        with pytest.raises(PermissionDenied, match="outside your region"):
            fs.set_radius(s, NINGBO, FENCE_SITES, "WS001", 250, actor="ningbo", now=NOW)
        with pytest.raises(ZoneError, match="radius_m: -5 m is outside 10–50000 m"):
            fs.set_radius(s, HANGZHOU, FENCE_SITES, "WS001", -5, actor="hangzhou", now=NOW)
        with pytest.raises(ZoneError, match="radius_m: 1000000 m is outside"):
            fs.set_radius(s, HANGZHOU, FENCE_SITES, "WS001", 1_000_000, actor="hangzhou", now=NOW)
        with pytest.raises(ZoneError, match="no water section or drinking-water source 'NOPE'"):
            fs.set_radius(s, HANGZHOU, FENCE_SITES, "NOPE", 500, actor="hangzhou", now=NOW)
        with pytest.raises(ZoneError, match="no water section or drinking-water source 'OUT1'"):
            fs.set_radius(s, HANGZHOU, FENCE_SITES, "OUT1", 500, actor="hangzhou", now=NOW)
        ws = fs.set_radius(s, HANGZHOU, FENCE_SITES, "WS001", 250, actor="hangzhou", now=NOW)
        assert (ws.radius_m, ws.radius_custom, ws.updated_by) == (250.0, True, "hangzhou")
        assert [f.site_code for f in fs.fence_index(s).containing(*pts["o1"])] == []
        assert fs.sync_fences(s, FENCE_SITES, actor="test", now=NOW) == 0  # the radius stays

        # the section moves 2 km east: its fence follows, with the officer's radius
        site = s.scalar(select(Site).where(Site.code == "WS001"))
        site.longitude, site.latitude = _at(SECTION, 90, 2000)
        s.flush()
        assert fs.sync_fences(s, FENCE_SITES, actor="test", now=NOW) == 1
        ws = s.scalar(select(ZoneFence).where(ZoneFence.site_code == "WS001"))
        assert ws.radius_m == 250.0 and shape(ws.geometry).contains(
            Point(site.longitude, site.latitude)
        )
        assert not shape(ws.geometry).contains(Point(SECTION))

        # alerts: scope, filters, acknowledgement (first one kept)
        assert fs.alerts(s, NINGBO) == []
        outlets = fs.alerts(s, XIHU, kind=EventKind.OUTLET)
        assert sorted(a.event_ref for a, _ in outlets) == ["OUT1", "OUT2"]
        a = outlets[0][0]
        with pytest.raises(ZoneError, match=f"no fence alert {a.id} in your region"):
            fs.acknowledge(s, NINGBO, a.id, actor="ningbo", now=NOW)
        fs.acknowledge(s, XIHU, a.id, actor="xihu", now=NOW)
        fs.acknowledge(s, HANGZHOU, a.id, actor="hangzhou", now=NOW)
        assert (a.acknowledged_by, a.acknowledged_at) == ("xihu", NOW)
        assert a.id not in {x.id for x, _ in fs.alerts(s, XIHU, unacknowledged=True)}
        assert len(fs.alerts(s, XIHU, site_code="DW001")) == 1
        # the page's summary: every alert by (kind, acknowledged), in the viewer's region
        counts = fs.alert_counts(s, XIHU)
        assert counts[("outlet", True)] == 1 and counts[("outlet", False)] == 1
        assert sum(counts.values()) == len(fs.alerts(s, XIHU))
        assert fs.alert_counts(s, NINGBO) == {}
        with pytest.raises(PermissionDenied):
            fs.alerts(s, Scope("330106", Role.ENTERPRISE, username="e"))
        with pytest.raises(PermissionDenied):
            fs.alert_counts(s, Scope("330106", Role.ENTERPRISE, username="e"))


def test_events_without_finite_coordinates_are_skipped():
    from qingshan.zones.fences import Fence, FenceIndex, SiteKind, fence_hits

    idx = FenceIndex([Fence(1, "WS001", SiteKind.SECTION, "s", "330106", *SECTION,
                            buffer_fence(*SECTION, 1000))])  # fmt: skip
    evs = [FenceEvent(EventKind.CASE, "1", 1, math.nan, 30.25, "x"),
           FenceEvent(EventKind.CASE, "2", 2, *_at(SECTION, 45, 1000 * math.cos(math.pi / 256) - 0.1), "y")]  # fmt: skip
    assert [h.event.ref for h in fence_hits(idx, evs)] == ["2"]


API_PASSWORD = "fences-api-pass"


def test_api(engine, app_settings, tmp_path):
    from fastapi.testclient import TestClient

    from qingshan.accounts.service import create_user
    from qingshan.platform.app import create_app

    _seed(engine, tmp_path)
    with session_scope(engine) as s:
        fs.sync_fences(s, FENCE_SITES, actor="test", now=NOW)
        fs.check_events(s, FENCE_EVENTS, now=NOW, sink=CASES_SINK)
        for name, role, region in (("hangzhou", Role.CITY, "330100"), ("xihu", Role.COUNTY, "330106"),
                                   ("ningbo", Role.CITY, "330200")):  # fmt: skip
            create_user(s, name, API_PASSWORD, role, region)
    with TestClient(create_app(app_settings)) as c:

        def auth(u: str) -> dict[str, str]:
            r = c.post("/api/v1/auth/login", data={"username": u, "password": API_PASSWORD})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        xihu, hz, nb = auth("xihu"), auth("hangzhou"), auth("ningbo")
        fences = c.get("/api/v1/zones/fences", headers=xihu).json()
        assert [(f["site_code"], f["basis"]) for f in fences] == [
            ("DW001", "zone"),
            ("WS001", "buffer"),
        ]
        assert c.get("/api/v1/zones/fences", headers=nb).json() == []
        r = c.get("/api/v1/zones/fences/alerts", params={"kind": "outlet"}, headers=xihu)
        assert sorted(a["event_ref"] for a in r.json()) == ["OUT1", "OUT2"]
        one = next(a for a in r.json() if a["event_ref"] == "OUT1")
        assert one["site_code"] == "WS001" and one["distance_m"] == pytest.approx(300, abs=0.2)
        r = c.get("/api/v1/zones/fences/alerts", params={"site_code": "WS001"}, headers=xihu)
        assert {a["event_kind"] for a in r.json()} == {"outlet", "case", "complaint"}
        assert (
            c.post(f"/api/v1/zones/fences/alerts/{one['id']}/acknowledge", headers=nb).status_code
            == 404
        )
        r = c.post(f"/api/v1/zones/fences/alerts/{one['id']}/acknowledge", headers=xihu)
        assert r.status_code == 200 and r.json()["acknowledged_by"] == "xihu"
        r = c.get("/api/v1/zones/fences/alerts", params={"unacknowledged": True}, headers=xihu)
        assert one["id"] not in {a["id"] for a in r.json()}
        # the radius: city officers; bounds and unknown sites are 422 naming the field / code
        put = "/api/v1/zones/fences/{}/radius"
        assert c.put(put.format("WS001"), json={"radius_m": 500}, headers=xihu).status_code == 403
        r = c.put(put.format("WS001"), json={"radius_m": -5}, headers=hz)
        assert r.status_code == 422 and "radius_m" in r.text
        r = c.put(put.format("WS001"), json={"radius_m": 1e7}, headers=hz)
        assert r.status_code == 422 and "radius_m" in r.text
        r = c.put(put.format("NOPE"), json={"radius_m": 500}, headers=hz)
        assert r.status_code == 404 and "no water section or drinking-water source 'NOPE'" in r.text
        r = c.put(put.format("WS001"), json={"radius_m": 500}, headers=hz)
        assert r.status_code == 200 and (r.json()["radius_m"], r.json()["radius_custom"]) == (
            500,
            True,
        )
        # the page (cookie login): the radius form refuses a bad radius on the page, stores nothing
        auth("hangzhou")
        page = c.get("/zones/fences")
        assert page.status_code == 200 and 'id="qs-zf-radius-form"' in page.text
        r = c.post("/zones/fences/radius", data={"site_code": "WS001", "radius_m": "-1"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 422 and "radius_m: -1 m is outside 10–50000 m" in r.text
        r = c.post("/zones/fences/radius", data={"site_code": "WS001", "radius_m": "800"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        assert "半径 800 米" in c.get("/zones/fences").text
        c.cookies.clear()
        assert c.get("/api/v1/zones/fences").status_code == 401


def test_the_settings_set_the_default_radius_and_the_case_policy(engine, tmp_path):
    assert fs.case_policy("outlet:source, complaint:section") == {
        (EventKind.OUTLET, fs.SiteKind.SOURCE), (EventKind.COMPLAINT, fs.SiteKind.SECTION)}  # fmt: skip
    assert fs.case_policy("") == frozenset()
    with pytest.raises(
        ValueError, match="zones_fence_cases: 'outlet:river' is not event_kind:site_kind"
    ):
        fs.case_policy("outlet:river")
    _seed(engine, tmp_path)
    settings = get_settings().model_copy(
        update={"zones_fence_radius_m": 250.0, "zones_fence_cases": ""}
    )
    msg = JOBS.get_job("zones-fences").func(JobContext(settings=settings, engine=engine))
    # OUT1 (300 m) is outside a 250 m fence; the outlet inside the source opens no case
    assert (
        msg == "2 fence(s) drawn; 6 event(s) checked, 1 inside a fence, 1 new alert(s), 0 case(s)"
    )
    with session_scope(engine) as s:
        assert s.scalar(select(ZoneFence.radius_m).where(ZoneFence.site_code == "WS001")) == 250.0
        assert _fence_cases(s) == 0
